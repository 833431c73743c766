"""What an experiment produced, as users read it: :class:`Results` (tidy DataFrames of
every run, summaries with confidence intervals, the scenarios as run), built from the run
records of :mod:`ccsim.experiment.store`, saved to and loaded from a results directory.

The metrics (columns, counts, order) are those of :mod:`ccsim.model.registry`; summaries
with confidence intervals are :mod:`ccsim.experiment.summary`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccsim.experiment.files import (
    MANIFEST,
    PER_RUN,
    RUNS,
    load_records,
    read_manifest,
    run_name,
    write_parquet,
    write_text,
)
from ccsim.experiment.summary import (
    CHAT_GROUP_METRICS,
    GROUP_METRICS,
    group_days,
    summarize,
)
from ccsim.model.registry import COUNTS, METRICS
from ccsim.scenario import Scenario, ScenarioError

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class FailedRun:
    """A run that raised: which one, with which seed, and the exception."""

    variant: str
    replication: int
    seed: int
    error: str

    def __str__(self) -> str:
        return (
            f"variant {self.variant!r}, replication {self.replication} (seed {self.seed}): "
            f"{self.error}"
        )


class Results:
    """What an experiment produced.

    ``runs``: one row per variant × replication (sorted so), with ``variant`` (label),
    ``replication``, ``seed``, the parameter columns, every metric (see
    :mod:`ccsim.model.registry`), ``status`` (``ok``/``failed``) and ``error``.
    ``types``, ``intervals``, ``groups``, ``agents``, ``days``, ``channels``:
    RunResult.types, .intervals, .groups, .agents, .days and .channels of every run that
    finished, with ``variant`` and ``replication`` first (``agents`` is empty when no run
    installed a policy or had shifts; ``days`` and ``channels`` when the results were
    saved by a ccsim without them). ``failed``: the runs
    that raised. ``out``: the results directory, or None when nothing was written.
    """

    def __init__(
        self,
        manifest: dict[str, Any],
        runs: pd.DataFrame,
        types: pd.DataFrame,
        intervals: pd.DataFrame,
        groups: pd.DataFrame,
        agents: pd.DataFrame | None = None,
        days: pd.DataFrame | None = None,
        channels: pd.DataFrame | None = None,
        *,
        out: Path | None = None,
    ):
        import pandas as pd

        self.manifest = manifest
        self.runs = runs
        self.types = types
        self.intervals = intervals
        self.groups = groups
        self.agents = agents if agents is not None else pd.DataFrame()
        self.days = days if days is not None else pd.DataFrame()
        self.channels = channels if channels is not None else pd.DataFrame()
        self.out = out

    @property
    def name(self) -> str:
        """The experiment's name."""
        return self.manifest["name"]

    @property
    def variants(self) -> list[str]:
        """The variant labels, in the experiment's order."""
        return [v["label"] for v in self.manifest["variants"]]

    @property
    def parameters(self) -> list[str]:
        """The parameter columns (varied keys; ``key:scale`` for scale factors)."""
        return list(self.manifest["parameters"])

    @property
    def failed(self) -> list[FailedRun]:
        """The runs that raised, in variant then replication order."""
        bad = self.runs[self.runs["status"] != "ok"]
        return [
            FailedRun(str(variant), int(replication), int(seed), str(error))
            for variant, replication, seed, error in zip(
                bad["variant"], bad["replication"], bad["seed"], bad["error"], strict=True
            )
        ]

    def scenarios(self) -> dict[str, Scenario]:
        """Each variant's scenario (label → Scenario), as it was run. A manifest whose
        scenario does not validate (edited, or written by another ccsim) is a
        :class:`ScenarioError` naming the manifest and the variant."""
        where = str(self.out / MANIFEST) if self.out is not None else MANIFEST
        return {
            v["label"]: Scenario.from_dict(v["scenario"],
                                           source=f"{where} (variant {v['label']!r})")
            for v in self.manifest["variants"]
        }

    def summary(self, by: str | None = None) -> pd.DataFrame:
        """Means over replications and ``<metric>_ci95`` (95% CI half-widths, Student t;
        see :func:`ccsim.experiment.summary.summarize`): one row per variant (``by=None``:
        the whole centre), per variant and contact type (``by="contact_type"``: ``all``
        first, then each type, followed by its segments' rows where it has segments), per
        variant and agent group (``by="group"``: occupancy without and with the drain, busy
        and staffed hours), per variant and channel (``by="channel"``: a row per channel
        of the contact types, ``voice``, ``chat``, ``email``, ...), or per variant and day
        of the horizon (``by="day"``: the whole centre's metrics of each day)."""
        parameters = {v["label"]: v["parameters"] for v in self.manifest["variants"]}
        if by is None:
            return summarize(self.runs, self.variants, parameters, self.parameters)
        if by == "contact_type":
            table = self._with_failed(self.types)
            # With segments, a type's row (segment "all") and each segment's.
            return summarize(table, self.variants, parameters, self.parameters,
                             by=("contact_type", "segment") if "segment" in table
                             else "contact_type")
        if by == "group":
            if self.groups.empty:
                return summarize(self.runs.iloc[:0], self.variants, parameters,
                                 self.parameters, metrics=GROUP_METRICS)
            table = self._with_failed(group_days(self.groups))
            chat = CHAT_GROUP_METRICS if "concurrency_mean" in table else ()
            return summarize(table, self.variants, parameters, self.parameters,
                             by="agent_group", metrics=(*GROUP_METRICS, *chat))
        if by in ("channel", "day"):
            table = self.channels if by == "channel" else self.days
            return summarize(self._with_failed(table) if not table.empty
                             else self.runs.iloc[:0].assign(**{by: []}), self.variants,
                             parameters, self.parameters, by=by)
        raise ValueError("by must be None, 'contact_type', 'group', 'channel' or 'day' "
                         f"(got {by!r})")

    def _with_failed(self, table: pd.DataFrame) -> pd.DataFrame:
        """``table`` (rows of finished runs) with a ``status`` column and the failed runs
        (so that summaries count them)."""
        import pandas as pd

        failed = self.runs.loc[self.runs["status"] != "ok", ["variant", "replication", "status"]]
        return pd.concat([table.assign(status="ok"), failed], ignore_index=True)

    def save(self) -> None:
        """Write the tables to ``out``: the CSV files first, then Parquet (Parquet last:
        :meth:`load` trusts the Parquet files only when they are complete)."""
        if self.out is None:
            raise ValueError("these results have no directory (run with out=...)")
        tables = {name: getattr(self, name) for name in PER_RUN}
        for name, table in tables.items():
            write_text(self.out / f"{name}.csv", table.to_csv(index=False, lineterminator="\n"))
        for name, table in (("summary", self.summary(by="contact_type")),
                            ("groups_summary", self.summary(by="group"))):
            write_text(self.out / f"{name}.csv", table.to_csv(index=False, lineterminator="\n"))
        for name, table in tables.items():
            write_parquet(table, self.out / f"{name}.parquet")

    @classmethod
    def load(cls, directory: str | Path) -> Results:
        """The results saved in ``directory``; from the run records when the tables are
        missing or behind them (an interrupted experiment)."""
        import pandas as pd

        out = Path(directory)
        found = read_manifest(out)
        if found is None:
            raise ScenarioError(f"no {MANIFEST}: not a results directory", source=str(out))
        variants, replications = len(found["variants"]), len(found["seeds"])
        wanted = {run_name(v, r) for v in range(variants) for r in range(replications)}
        records = sum(1 for path in (out / RUNS).glob("v*-r*.json") if path.stem in wanted)
        files = [out / f"{name}.parquet" for name in PER_RUN]
        if all(f.is_file() for f in files):
            runs = pd.read_parquet(files[0])
            if len(runs) == records:
                return cls(found, runs, *(pd.read_parquet(f) for f in files[1:]), out=out)
        return cls(found, *tables_from_records(found, load_records(out, found)), out=out)

    def __repr__(self) -> str:
        return (
            f"<Results {self.name!r}: {len(self.variants)} variants, {len(self.runs)} runs, "
            f"{len(self.failed)} failed, out={self.out}>"
        )


# --- tables ----------------------------------------------------------------------------


def tables_from_records(
    manifest: dict[str, Any], records: dict[tuple[int, int], dict[str, Any]]
) -> tuple[pd.DataFrame, ...]:
    """``runs`` and the other tables of :data:`PER_RUN` from the records,
    sorted by variant then replication."""
    import pandas as pd

    variants = manifest["variants"]
    parameters = manifest["parameters"]
    # Every run reports the core metrics; a policy's own only where it was installed.
    reported = {m for record in records.values() for m in record.get("summary", {})}
    metrics = [m for m in METRICS if METRICS[m].policy is None or m in reported]
    columns: dict[str, list[Any]] = {
        "variant": [],
        "replication": [],
        "seed": [],
        **{p: [] for p in parameters},
        **{m: [] for m in metrics},
        "status": [],
        "error": [],
    }
    parts: dict[str, dict[str, list[Any]]] = {name: {} for name in PER_RUN[1:]}
    for key in sorted(records):
        record = records[key]
        variant = variants[key[0]]
        columns["variant"].append(variant["label"])
        columns["replication"].append(key[1])
        columns["seed"].append(record["seed"])
        for p in parameters:
            columns[p].append(variant["parameters"].get(p))
        summary = record.get("summary", {})
        for m in metrics:
            columns[m].append(summary.get(m, math.nan))
        columns["status"].append(record["status"])
        columns["error"].append(record["error"])
        if record["status"] == "ok":
            for name, table in parts.items():
                _extend(table, record.get(name), variant["label"], key[1])
    runs = pd.DataFrame(columns)
    runs["seed"] = runs["seed"].astype("uint64")
    runs["replication"] = runs["replication"].astype("int64")
    # Counts are whole numbers: integers, nullable for failed runs and absent metrics.
    for m in metrics:
        if m in COUNTS:
            runs[m] = pd.array([None if _missing(v) else int(v) for v in runs[m]], dtype="Int64")
        else:
            runs[m] = runs[m].astype("float64")
    return (runs, *(pd.DataFrame(parts[name]) for name in PER_RUN[1:]))


def _extend(
    into: dict[str, list[Any]], table: dict[str, list[Any]] | None, label: str, replication: int
) -> None:
    """Append one run's ``table`` (column → values) to ``into``, after its variant and
    replication. A record without the table (written by an older ccsim) adds nothing; a
    column only some runs have (a policy's metric in some variants) is NaN in the others."""
    if not table:
        return
    rows = len(next(iter(table.values())))
    before = len(into.get("variant", []))
    into.setdefault("variant", []).extend([label] * rows)
    into.setdefault("replication", []).extend([replication] * rows)
    for column, values in table.items():
        into.setdefault(column, [math.nan] * before).extend(values)
    for values in into.values():
        if len(values) < before + rows:
            values.extend([math.nan] * (before + rows - len(values)))


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
