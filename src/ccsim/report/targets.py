"""A scenario's targets judged from the 95 % confidence intervals: met when the whole
interval is on the target's good side, missed when it is all on the wrong side, else
unclear; and the intervals of the day in which a target is missed, as clock spans.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ccsim.model.display import known, with_unit
from ccsim.model.registry import metric
from ccsim.units import format_duration

if TYPE_CHECKING:
    import pandas as pd

    from ccsim.experiment import Results
    from ccsim.scenario import Scenario


Verdict = Literal["met", "missed", "unclear"]


@dataclass(frozen=True)
class Target:
    """What the scenario aims for in one metric, in the metric's stored unit."""

    metric: str
    value: float

    @property
    def text(self) -> str:
        """``service level ≥ 80%``, ``ASA ≤ 20 s``."""
        m = metric(self.metric)
        sign = "≥" if m.better == "higher" else "≤"
        return f"{m.label} {sign} {with_unit(f'{self.value * m.scale:g}', m.unit)}"

    def met_by(self, value: float) -> bool:
        """Whether ``value`` (stored unit) is on the target's good side, or on it."""
        better = metric(self.metric).better == "higher"
        return known(value) and (value >= self.value if better else value <= self.value)


def cheapest(summary: pd.DataFrame, goals: list[Target]) -> tuple[pd.Series | None, int]:
    """The row of least mean ``total_cost`` among those of ``summary`` (one per variant)
    whose means meet every target of ``goals``, and how many meet them."""
    meets = summary[[all(t.met_by(row[t.metric]) for t in goals)
                     for _, row in summary.iterrows()]]
    if meets.empty:
        return None, 0
    return meets.iloc[int(meets["total_cost"].to_numpy().argmin())], len(meets)


def choices(results: Results, summary: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The rows of ``summary`` (one per variant) a planner chooses among: all of them, or
    with hand-made variants crossed with swept keys (absence, say: not the planner's to
    choose), those at each level of the swept keys, named by it (``service team absence =
    0.06``)."""
    from ccsim.experiment.factors import factors
    from ccsim.experiment.sweep import LABEL_COLUMN
    from ccsim.plots.plan import level

    given = [f for f in factors(results) if f.column != LABEL_COLUMN]
    if LABEL_COLUMN not in summary or not given:
        return [("", summary)]

    def levels(variant: str) -> str:
        i = results.variants.index(variant)
        return ", ".join(level(f, f.codes[i]) for f in given)

    return [(levels(str(part["variant"].iloc[0])), part)
            for _, part in summary.groupby([f.column for f in given], sort=False)]


def targets(scenario: Scenario | None, contact_type: str = "all",
            segment: str = "all") -> list[Target]:
    """The targets ``scenario`` states for the whole centre (``[targets]``), or for a
    contact type's row (its own ``targets``, key by key, over the scenario's) or one of its
    segments' (the segment's over its type's)."""
    if scenario is None:
        return []
    stated = scenario.targets.model_dump()  # in the schema's order: service level first
    spec = next((c for c in scenario.contact_types if c.name == contact_type), None)
    segments = (spec.segments or []) if spec is not None else []
    own = [spec.targets if spec else None, *(s.targets for s in segments if s.name == segment)]
    for given in own:
        if given is not None:
            stated.update(given.model_dump(exclude_none=True))
    return [Target(name, value) for name, value in stated.items() if value is not None]


def part_of(row: Mapping[str, Any] | pd.Series) -> tuple[str, str]:
    """The contact type and segment of a per-type table's ``row`` (``all``: every one)."""
    segment = row.get("segment", "all")
    return str(row["contact_type"]), "all" if segment != segment else str(segment)


def part_label(row: Mapping[str, Any] | pd.Series, scenario: Scenario | None = None) -> str:
    """A per-type row's label: ``billing``, or ``billing · gold`` for a segment's; with
    ``scenario``, its service-level threshold after it where it has its own
    (``billing · gold (10 s)``)."""
    kind, segment = part_of(row)
    label = kind if segment == "all" else f"{kind} · {segment}"
    spec = next((c for c in scenario.contact_types if c.name == kind), None) if scenario else None
    if scenario is None or spec is None:
        return label
    default = scenario.service_level.answer_within
    names = [s.name for s in spec.segments or ()]
    own = spec.answer_within_of(default)
    thresholds = set(own) if segment == "all" else {own[names.index(segment)]}
    return _with_thresholds(label, thresholds, default)


def channel_label(channel: str, scenario: Scenario | None = None) -> str:
    """A channels table row's label: ``chat``; with ``scenario``, its types' service-level
    thresholds after it where they are not the scenario's (``chat (60 s)``)."""
    if scenario is None:
        return channel
    default = scenario.service_level.answer_within
    return _with_thresholds(channel, {t for c in scenario.contact_types if c.channel == channel
                                      for t in c.answer_within_of(default)}, default)


def _with_thresholds(label: str, thresholds: set[float], default: float) -> str:
    if thresholds <= {default}:
        return label
    # Seconds as the headline's threshold reads ("20 s"); a response target of hours as
    # hours ("8 h"), not 28800 s.
    shown = [f"{t:g} s" if t < 120 else format_duration(t).replace("min", " min").replace(
        "h", " h") for t in sorted(thresholds)]
    return f"{label} ({', '.join(shown)})"


def verdict(mean: float, half: float | None, target: Target) -> Verdict:
    """``met`` when the whole 95 % confidence interval is on the target's good side,
    ``missed`` when it is all on the wrong side, else ``unclear`` (also with no CI: one
    replication, or no value)."""
    if not (known(mean) and known(half)):
        return "unclear"
    ahead = (mean - target.value) * (1 if metric(target.metric).better == "higher" else -1)
    if ahead - half >= 0:
        return "met"
    return "missed" if ahead + half < 0 else "unclear"


@dataclass(frozen=True)
class Miss:
    """The intervals in which a target is missed for one contact type (``all``: the centre)."""

    target: Target
    contact_type: str
    intervals: tuple[int, ...]
    spans: tuple[str, ...]  # runs of consecutive intervals as clock times, "10:00–11:30"


def missed_intervals(table: pd.DataFrame, variant: str, scenario: Scenario) -> list[Miss]:
    """Where the CI says a target of ``scenario`` is missed, per contact type (and segment)
    and target (its own, where it states them), from
    :func:`ccsim.experiment.summary.interval_summary` ``table``."""
    found = []
    mine = table[table["variant"] == variant]
    keys = ["contact_type", *(["segment"] if "segment" in mine else [])]
    for _, rows in mine.groupby(keys, sort=False):
        first = rows.iloc[0]
        for target in targets(scenario, *part_of(first)):
            bad = tuple(
                int(r["interval"]) for _, r in rows.iterrows()
                if verdict(r[target.metric], r[f"{target.metric}_ci95"], target) == "missed"
            )
            if bad:
                found.append(Miss(target, part_label(first), bad,
                                  tuple(_spans(bad, scenario))))
    return found


def _spans(intervals: Sequence[int], scenario: Scenario) -> list[str]:
    """Consecutive intervals as clock spans from the start of the first to the end of the
    last (``10:00–11:30``); ``d2 07:00`` on the second day of a longer horizon."""
    start = scenario.start_seconds
    days = start + scenario.horizon > 86400

    def clock(t: float) -> str:
        day, rest = divmod(round(t), 86400)
        text = f"{rest // 3600:02d}:{rest % 3600 // 60:02d}"
        return f"d{day + 1} {text}" if days else text

    runs: list[list[int]] = []
    for i in intervals:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return [
        f"{clock(start + r[0] * scenario.period)}–{clock(start + (r[-1] + 1) * scenario.period)}"
        for r in runs
    ]
