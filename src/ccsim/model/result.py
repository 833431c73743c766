"""What one run returns, and how it is built from the run's statistics."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import ccsim.model.tables as tables
from ccsim.model.metrics import frame

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from ccsim.model.agents import Group
    from ccsim.model.metrics import Tally
    from ccsim.scenario import Scenario


class RunResult:
    """The outcome of ``simulate(scenario, seed)``.

    ``summary`` maps each metric (see :mod:`ccsim.model.registry`) to its value over the
    measured window; ``types`` has the ``all`` row (the summary), then the same per contact
    type; ``channels`` the same per channel. ``intervals`` has one row per measured
    interval and contact type plus an ``all`` row per interval; ``groups`` one row per
    interval and agent group.
    ``days`` has one row per day (by the clock) of the measured window, its metrics as
    the summary's. ``trace`` is a per-contact event log when the run was traced, else
    ``None``.
    ``agents`` has one row per agent who was ever on duty, over the whole run (warm-up
    included): on-duty and busy time, contacts handled and the policies' columns (outbound
    calls, quota); a run with no policy keeps no agent counters, and has ``None``.

    The summary is computed when the run ends; the tables (pandas DataFrames) are built
    when first read, so a search that reads only ``summary`` or :meth:`per_interval`
    never pays for pandas. A pickled result carries its tables, built.
    """

    def __init__(self, scenario: str, seed: int, summary: dict[str, float],
                 tables: _Tables) -> None:
        self.scenario = scenario
        self.seed = seed
        self.summary = summary
        self._tables = tables

    def __repr__(self) -> str:
        return f"RunResult(scenario={self.scenario!r}, seed={self.seed}, summary={self.summary})"

    @property
    def intervals(self) -> pd.DataFrame:
        """One row per measured interval and contact type, plus an ``all`` row each."""
        built: pd.DataFrame = self._tables.frame("intervals")
        return built

    @property
    def groups(self) -> pd.DataFrame:
        """One row per measured interval and agent group."""
        built: pd.DataFrame = self._tables.frame("groups")
        return built

    @property
    def types(self) -> pd.DataFrame:
        """The ``all`` row (the summary), then one row per contact type."""
        built: pd.DataFrame = self._tables.frame("types")
        return built

    @property
    def channels(self) -> pd.DataFrame:
        """One row per channel of the contact types (``voice``, ``chat``, ``email``, ...,
        in the order they first appear): the metrics of its types together, as in
        :attr:`types`."""
        built: pd.DataFrame = self._tables.frame("channels")
        return built

    @property
    def days(self) -> pd.DataFrame:
        """One row per day of the measured window (days by the clock from ``start``,
        numbered from 1): the whole centre's metrics over that day, as in the summary."""
        built: pd.DataFrame = self._tables.frame("days")
        return built

    @property
    def trace(self) -> pd.DataFrame | None:
        """One row per contact event when the run was traced, else ``None``."""
        table: pd.DataFrame | None = self._tables.frame("trace")
        return table

    @property
    def agents(self) -> pd.DataFrame | None:
        """One row per agent ever on duty when a policy is installed, else ``None``."""
        table: pd.DataFrame | None = self._tables.frame("agents")
        return table

    def per_interval(self, metric: str, contact_type: str = "all",
                     segment: str = "all") -> np.ndarray:
        """``metric`` (a column of :attr:`intervals`) in each measured interval, for
        ``contact_type`` (``all``: the whole centre) and ``segment`` (``all``: the whole
        type), as a numpy array; no pandas."""
        import numpy as np

        rows = self._tables.part_interval_rows(contact_type, segment)
        if metric not in rows[0]:
            raise KeyError(f"no metric {metric!r}; expected one of: {', '.join(rows[0])}")
        return np.array([r[metric] for r in rows], dtype=float)

    def per_day(self, metric: str, contact_type: str = "all",
                segment: str = "all") -> np.ndarray:
        """``metric`` over each day of the measured window (the rows of :attr:`days`), for
        ``contact_type`` (``all``: the whole centre) and ``segment`` (``all``: the whole
        type), as a numpy array; no pandas."""
        import numpy as np

        rows = self._tables.day_rows(contact_type, segment)
        if metric not in rows[0]:
            raise KeyError(f"no metric {metric!r}; expected one of: {', '.join(rows[0])}")
        return np.array([r[metric] for r in rows], dtype=float)

    def rows(self, table: str) -> list[dict[str, Any]]:
        """The rows of ``table`` (``"types"``, ``"channels"``, ``"groups"``, ``"intervals"``
        or ``"days"``)
        as dicts: labels and metrics as in that DataFrame, built without pandas, for code
        that reads many runs (a search, a comparison). A table already built as a
        DataFrame gives its records, with the clock's ``time`` (and ``day``) too."""
        return self._tables.rows(table)

    def build(self) -> RunResult:
        """Build every table now (and let go of the run's state); returns this result."""
        self._tables.build()
        return self

    def __getstate__(self) -> dict[str, Any]:
        self._tables.build()
        return self.__dict__


class _Tables:
    """A finished run's tables, built from its statistics when first read. Building
    them drops the statistics, so that a kept (or pickled) result holds only its tables."""

    def __init__(self, scenario: Scenario, tally: Tally, staff: np.ndarray,
                 group_names: list[str], columns: tables.Columns,
                 group_measures: Sequence[tables.GroupMeasure],
                 agents: list[dict[str, float]] | None) -> None:
        self._inputs: tuple[Any, ...] | None = (scenario, tally, staff, group_names, columns,
                                                tuple(group_measures))
        self._agents = agents
        self._built: dict[str, Any] = {}

    def _kept(self, key: str, make: Callable[..., list[tables.Row]]) -> list[tables.Row]:
        """The rows under ``key``, made on first use by ``make(scenario, tally, staff,
        group names, columns, group measures)`` from the run's statistics."""
        if key not in self._built:
            self._built[key] = make(*self._need())
        rows: list[tables.Row] = self._built[key]
        return rows

    @property
    def interval_rows(self) -> list[tables.Row]:
        return self._kept("interval_rows", lambda scenario, tally, staff, _, columns, __:
                          tables.interval_rows(tally, staff,
                                               tables.parts_of(scenario, tally.axes), columns))

    def part_interval_rows(self, contact_type: str, segment: str = "all") -> list[tables.Row]:
        """The intervals table's rows of ``contact_type`` (``all``: the whole centre), or
        of one of its segments: only those are computed, unless the table is."""
        if "interval_rows" in self._built:
            mine = [r for r in self.interval_rows if r["contact_type"] == contact_type
                    and r.get("segment", "all") == segment]
            if not mine:
                names = sorted({str(r["contact_type"]) for r in self.interval_rows})
                raise KeyError(f"no contact type {contact_type!r}; expected one of: "
                               f"{', '.join(names)}")
            return mine

        def make(scenario: Scenario, tally: Tally, staff: np.ndarray, groups: list[str],
                 columns: tables.Columns, measures: Any) -> list[tables.Row]:
            part = _part(scenario, tally, contact_type, segment)
            return tables.interval_rows(tally, staff, [] if part is tables.ALL else [part],
                                        columns, centre=part is tables.ALL)

        return self._kept(f"interval_rows:{contact_type}:{segment}", make)

    def day_rows(self, contact_type: str, segment: str = "all") -> list[tables.Row]:
        """The days table's rows for ``contact_type`` (``all``: the whole centre), or one
        of its segments."""
        return self._kept(f"day_rows:{contact_type}:{segment}",
                          lambda scenario, tally, _, __, columns, ___: tables.day_rows(
                              tally, [day(scenario, i) for i in range(scenario.intervals)],
                              columns, _part(scenario, tally, contact_type, segment)))

    def rows(self, name: str) -> list[tables.Row]:
        """The rows of table ``name``, from the run's statistics, or the table's records
        once built (the statistics may be gone)."""
        makers = {"intervals": lambda: self.interval_rows, "days": lambda: self.day_rows("all"),
                  "types": self._type_rows, "channels": self._channel_rows,
                  "groups": self._group_rows}
        if name not in makers:
            raise KeyError(f"no table {name!r}; expected one of: {', '.join(makers)}")
        if name in self._built:
            records: list[tables.Row] = self._built[name].to_dict("records")
            return records
        return makers[name]()

    def _type_rows(self) -> list[tables.Row]:
        return self._kept("type_rows", lambda scenario, tally, _, __, columns, ___:
                          tables.type_rows(tally, tables.parts_of(scenario, tally.axes),
                                           columns))

    def _channel_rows(self) -> list[tables.Row]:
        return self._kept("channel_rows", lambda scenario, tally, _, __, columns, ___:
                          tables.channel_rows(tally, tables.channels_of(scenario, tally.axes),
                                              columns))

    def _group_rows(self) -> list[tables.Row]:
        return self._kept("group_rows", lambda scenario, tally, staff, groups, _, measures:
                          tables.group_rows(tally, staff, groups, measures, scenario))

    def frame(self, name: str) -> Any:
        """The table ``name`` (one of :data:`_FRAMES`), built on first use."""
        if name not in self._built:
            self._built[name] = getattr(self, f"_make_{name}")()
            if all(n in self._built for n in _FRAMES):
                self._inputs = None  # every table is built: let the run's state go
        return self._built[name]

    def build(self) -> None:
        """Build every table now."""
        for name in _FRAMES:
            self.frame(name)

    def _need(self) -> tuple[Any, ...]:
        assert self._inputs is not None, "the run's statistics were dropped before use"
        return self._inputs

    def _make_intervals(self) -> pd.DataFrame:
        scenario = self._need()[0]
        intervals = frame(self.interval_rows)
        _when(intervals, scenario)
        return intervals

    def _make_groups(self) -> pd.DataFrame:
        table = frame(self._group_rows())
        _when(table, self._need()[0])
        return table

    def _make_types(self) -> pd.DataFrame:
        return frame(self._type_rows())

    def _make_channels(self) -> pd.DataFrame:
        return frame(self._channel_rows())

    def _make_days(self) -> pd.DataFrame:
        return frame(self.day_rows("all"))

    def _make_trace(self) -> pd.DataFrame | None:
        scenario, tally, _, groups, _, _ = self._need()
        trace = getattr(tally, "trace", None)
        if trace is None:
            return None
        segments = ([[s.name for s in c.segments or ()] for c in scenario.contact_types]
                    if tally.axes.segmented else None)
        return trace([c.name for c in scenario.contact_types], groups, segments)

    def _make_agents(self) -> pd.DataFrame | None:
        return frame(self._agents) if self._agents is not None else None


_FRAMES = ("intervals", "groups", "types", "channels", "days", "trace", "agents")


def _part(scenario: Scenario, tally: Tally, contact_type: str, segment: str) -> tables.Part:
    """The row label of ``contact_type`` (``all``: the whole centre) and ``segment``
    (``all``: the type's row), or a KeyError naming those there are."""
    parts = tables.parts_of(scenario, tally.axes)
    if contact_type == "all" and segment == "all":
        return tables.ALL
    for part in parts:
        if part.contact_type == contact_type and (part.segment or "all") == segment:
            return part
    known = ", ".join(["all", *(p.contact_type if p.segment is None
                                else f"{p.contact_type}/{p.segment}" for p in parts)])
    raise KeyError(f"no contact type {contact_type!r}"
                   f"{f' with segment {segment!r}' if segment != 'all' else ''}; "
                   f"expected one of: {known}")


def build_result(
    scenario: Scenario,
    seed: int,
    tally: Tally,
    staff: np.ndarray,
    groups: list[Group],
    measures: Sequence[tables.Measure] = (),
    group_measures: Sequence[tables.GroupMeasure] = (),
    agents: list[dict[str, float]] | None = None,
) -> RunResult:
    """The RunResult of a finished run whose statistics are all folded into ``tally``.
    ``staff[i, g]`` is the head count of group ``g`` on duty at the start of interval
    ``i`` (staffed time is in ``tally``: see :mod:`ccsim.model.roster`);
    ``measures`` and ``group_measures`` give the metrics of installed policies, ``agents``
    the rows of the agents table. The summary is computed now, the tables when read."""
    columns = tables.Columns(scenario.service_level.definition, tuple(measures),
                             tally.axes.outcomes, scenario)
    return RunResult(
        scenario=scenario.name,
        seed=seed,
        summary=tables.summary(tally, columns),
        # The groups' names only: a result keeps no agent alive (see Centre.close).
        tables=_Tables(scenario, tally, staff, [g.name for g in groups], columns,
                       group_measures, agents),
    )


def _when(table: pd.DataFrame, scenario: Scenario) -> None:
    """Put each row's clock ``time`` after its ``interval``, and over a horizon of more
    than a day its ``day`` before the time (in place)."""
    table.insert(1, "time", [clock(scenario, i) for i in table["interval"]])
    if day(scenario, scenario.intervals - 1) > 1:
        table.insert(1, "day", [day(scenario, i) for i in table["interval"]])


def day(scenario: Scenario, interval: int) -> int:
    """The day (1: the first) by the clock in which ``interval`` starts."""
    return int((scenario.start_seconds + interval * scenario.period) // 86_400) + 1


def clock(scenario: Scenario, interval: int) -> str:
    """Clock time at which ``interval`` starts, as ``HH:MM`` from the scenario's start."""
    total = scenario.start_seconds // 60 + round(interval * scenario.period / 60)
    return f"{total // 60 % 24:02d}:{total % 60:02d}"
