"""What one run returns, and how it is built from the run's statistics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import ccsim.model.tables as tables
from ccsim.model.metrics import frame

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from ccsim.model.agents import Group
    from ccsim.model.metrics import Tally
    from ccsim.scenario import Scenario


@dataclass(frozen=True)
class RunResult:
    """The outcome of ``simulate(scenario, seed)``.

    ``summary`` maps each metric (see :mod:`ccsim.model.registry`) to its value over the
    measured window; ``types`` has the ``all`` row (the summary), then the same per contact
    type. ``intervals`` has one row per measured interval and contact type plus an
    ``all`` row per interval; ``groups`` one row per interval and agent group.
    ``trace`` is a per-contact event log when the run was traced, else ``None``.
    ``agents`` has one row per agent who was ever on duty, over the whole run (warm-up
    included): on-duty and busy time, contacts handled and the policies' columns (outbound
    calls, quota); a run with no policy keeps no agent counters, and has ``None``.
    """

    scenario: str
    seed: int
    summary: dict[str, float]
    intervals: pd.DataFrame
    groups: pd.DataFrame
    types: pd.DataFrame
    trace: pd.DataFrame | None = field(default=None, repr=False)
    agents: pd.DataFrame | None = field(default=None, repr=False)


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
    ``staff[i, g]`` is the head count of group ``g`` scheduled in interval ``i``;
    ``measures`` and ``group_measures`` give the metrics of installed policies, ``agents``
    the rows of the agents table."""
    names = [c.name for c in scenario.contact_types]
    columns = tables.Columns(scenario.service_level.definition, tuple(measures))
    intervals = frame(tables.interval_rows(tally, staff, names, columns))
    intervals.insert(1, "time", [clock(scenario, i) for i in intervals["interval"]])
    table = frame(tables.group_rows(tally, staff, [g.name for g in groups],
                                    tuple(group_measures)))
    table.insert(1, "time", [clock(scenario, i) for i in table["interval"]])
    trace = getattr(tally, "trace", None)
    return RunResult(
        scenario=scenario.name,
        seed=seed,
        summary=tables.summary(tally, staff, columns),
        intervals=intervals,
        groups=table,
        types=frame(tables.type_rows(tally, staff, names, columns)),
        trace=trace(names, [g.name for g in groups]) if trace is not None else None,
        agents=frame(agents) if agents is not None else None,
    )


def clock(scenario: Scenario, interval: int) -> str:
    """Clock time at which ``interval`` starts, as ``HH:MM`` from the scenario's start."""
    total = scenario.start_seconds // 60 + round(interval * scenario.period / 60)
    return f"{total // 60 % 24:02d}:{total % 60:02d}"
