"""Human-readable results: the tables ``ccsim run`` prints, and what the report page
(:mod:`ccsim.report_page`) shares with them — service level labelled with its threshold,
and targets judged met, missed or unclear from the 95 % confidence intervals.

How a metric reads (label, unit, display scale, decimals, which way is better) comes from
the registry, :mod:`ccsim.model.registry`; this module keeps no list of metrics of its own
beyond which ones its compact tables show.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ccsim.model.display import missing, number, shown, spread, value_text, with_unit
from ccsim.model.registry import METRICS, Metric, configured, key_metrics, metric

if TYPE_CHECKING:
    import pandas as pd

    from ccsim.experiment.store import Results
    from ccsim.scenario import Scenario

#: Metrics of the several-variant table when the caller names none.
KEY_METRICS = ("service_level", "asa", "abandon_rate", "occupancy")
#: Metrics of the per-contact-type tables (occupancy belongs to agents, not types).
TYPE_METRICS = ("offered", "service_level", "asa", "abandon_rate")
#: The per-group day totals of :data:`ccsim.experiment.summary.GROUP_METRICS` that the
#: registry does not define (they are hours of a team, not metrics of a run).
HOURS = {
    "staffed_hours": Metric("staffed_hours", "staffed hours", "h", "scheduled head count × "
                            "time plus overtime, inside the measured window"),
    "busy_hours": Metric("busy_hours", "busy hours", "h", "talk and wrap-up time inside the "
                         "measured window"),
}
#: Width of the label column of :func:`metric_table`: the longest registered label.
_LABEL_WIDTH = max(len(m.label) for m in METRICS.values()) + 2

#: Width of the printed tables: wider ones wrap into further blocks (:func:`grid`).
WIDTH = 100
#: A confidence interval printed by its clipped ends (:func:`ccsim.model.display.spread`).
_ENDS = re.compile(r"\[-?[\d,.]+, -?[\d,.]+\]")

Verdict = Literal["met", "missed", "unclear"]


def _definition(name: str) -> Metric:
    return HOURS.get(name) or metric(name)


def cell(mean: float, half: float | None, name: str) -> str:
    """``mean ± half unit`` of metric ``name`` for a table cell: a duration in the unit
    that suits its size (``12.3 s``, ``30.3 min``, ``28.5 h``), a confidence interval that
    reaches past the metric's range by its clipped ends (``94.94% [85.75, 100.00]``); see
    :mod:`ccsim.model.display`."""
    m = _definition(name)
    # "offered" says it counts contacts: a count needs no unit in its cell
    return value_text(mean, half, m, unit=not m.count)


# --- service level and targets ------------------------------------------------------------


def sl_label(scenario: Scenario | None) -> str:
    """The headline service level with its threshold, and its definition when it is not
    the default: ``service level (answered within 20 s)``,
    ``service level (answered within 20 s; of answered)``."""
    if scenario is None:
        return metric("service_level").label
    sl = scenario.service_level
    text = f"service level (answered within {sl.answer_within:g} s"
    if sl.definition != "offered":
        # The registry's label of that column says it in words: "service level (of answered)".
        words = metric(f"sl_{sl.definition}").label.partition("(")[2].rstrip(")")
        text += f"; {words or sl.definition}"
    return text + ")"


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


def targets(scenario: Scenario | None) -> list[Target]:
    """The targets ``scenario`` states (``[targets]``)."""
    if scenario is None:
        return []
    stated = scenario.targets.model_dump()  # in the schema's order: service level first
    return [Target(name, value) for name, value in stated.items() if value is not None]


def verdict(mean: float, half: float | None, target: Target) -> Verdict:
    """``met`` when the whole 95 % confidence interval is on the target's good side,
    ``missed`` when it is all on the wrong side, else ``unclear`` (also with no CI: one
    replication, or no value)."""
    if missing(mean) or missing(half):
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
    """Where the CI says a target of ``scenario`` is missed, per target and contact type,
    from :func:`ccsim.experiment.summary.interval_summary` ``table``."""
    found = []
    mine = table[table["variant"] == variant]
    for target in targets(scenario):
        for kind, rows in mine.groupby("contact_type", sort=False):
            bad = tuple(
                int(r["interval"]) for _, r in rows.iterrows()
                if verdict(r[target.metric], r[f"{target.metric}_ci95"], target) == "missed"
            )
            if bad:
                found.append(Miss(target, str(kind), bad, tuple(_spans(bad, scenario))))
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


# --- terminal tables ------------------------------------------------------------------------


def table_line(label: str, value: str, ci: str, unit: str, width: int = _LABEL_WIDTH,
               ci_width: int = 12) -> str:
    """One line of :func:`metric_table`: label, value, ``± half-width``, unit."""
    return f"  {label:<{width}}{value:>12} {ci:<{ci_width}}{unit}"


def metric_table(
    means: Mapping[str, float],
    halfwidths: Mapping[str, float] | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    notes: Mapping[str, str] | None = None,
) -> str:
    """One metric per line, in :func:`in_order`: label (or ``labels[name]``), mean, ± 95%
    half-width, unit, and ``notes[name]`` after it. Values are in the stored unit
    (fractions, seconds, contacts); shares show as %, durations in the unit of their size
    and an interval past the metric's range by its ends (:mod:`ccsim.model.display`)."""
    labels, notes = labels or {}, notes or {}
    names = in_order(name for name in METRICS if name in means)
    width = max(_LABEL_WIDTH, *(len(labels.get(n, "")) + 2 for n in names)) if names else 0
    cells = []
    for name in names:
        m = METRICS[name]
        how = shown(m, [means[name]])
        ci = spread(means[name], (halfwidths or {}).get(name), m, how)
        cells.append((labels.get(name, m.label), number(means[name], how), ci, how.unit))
    ci_width = max([12, *(len(c[2]) + 1 for c in cells)])  # clipped ends are wider
    lines = [table_line(*c, width, ci_width) for c in cells]
    end = max((len(line) for n, line in zip(names, lines, strict=True) if n in notes), default=0)
    return "\n".join(f"{line:<{end}}  {notes[name]}" if name in notes else line
                     for name, line in zip(names, lines, strict=True))


def grid(header: Sequence[str], rows: Sequence[Sequence[str]], width: int = WIDTH) -> list[str]:
    """Left-aligned columns as wide as their widest cell, indented by two spaces. Columns
    that would pass ``width`` characters wrap into a further block below (after a blank
    line), which repeats the first column so that each row can still be read."""
    widths = [max(len(header[i]), *(len(r[i]) for r in rows)) for i in range(len(header))]
    blocks: list[list[int]] = [[]]
    used = 2 + widths[0]
    for i in range(1, len(header)):
        if blocks[-1] and used + 2 + widths[i] > width:
            blocks.append([])
            used = 2 + widths[0]
        blocks[-1].append(i)
        used += 2 + widths[i]
    out: list[str] = []
    for block in blocks:
        out += [""] if out else []
        out += ["  " + "  ".join(line[i].ljust(widths[i]) for i in (0, *block)).rstrip()
                for line in (header, *rows)]
    return out


def _marked(row: Mapping, name: str, goals: Mapping[str, Target]) -> str:
    """The cell of metric ``name`` in ``row``, with ``met``/``missed``/``unclear`` after it
    when ``goals`` holds a target for it."""
    mean, half = row.get(name, math.nan), row.get(f"{name}_ci95", math.nan)
    text = cell(mean, half, name)
    return f"{text} {verdict(mean, half, goals[name])}" if name in goals else text


def summary_text(
    results: Results | pd.DataFrame, title: str, key_metrics: tuple[str, ...] = ()
) -> str:
    """The summary ``ccsim run`` prints. From :class:`~ccsim.experiment.store.Results`:
    the totals, then a table per contact type and per agent group, targets marked met,
    missed or unclear, and the intervals that miss them. From a ``results.summary()``
    table alone, the totals only: a metric per line for one variant, a row per variant of
    ``key_metrics`` (default :func:`sweep_metrics` of the policies the table reports) for
    several."""
    if hasattr(results, "manifest"):
        return _results_text(results, title, key_metrics)  # type: ignore[arg-type]
    return "\n".join(_totals(results, title, key_metrics, None, ()))


def in_order(names: Iterable[str]) -> list[str]:
    """``names`` in the order tables show them: the registry's, except that a service
    level a policy adds (``sl_on_line``) comes right after the headline ``service_level``,
    so that the two are read together."""
    names = list(names)
    added = [n for n in names if n.startswith("sl_") and metric(n).policy is not None]
    rest = [n for n in names if n not in added]
    at = rest.index("service_level") + 1 if "service_level" in rest else len(rest)
    return [*rest[:at], *added, *rest[at:]]


def sweep_metrics(policies: Iterable[str]) -> tuple[str, ...]:
    """The columns of the several-variant table: :data:`KEY_METRICS` and the metrics that
    answer for ``policies`` (:func:`ccsim.model.registry.key_metrics`)."""
    return tuple(in_order(dict.fromkeys((*KEY_METRICS, *key_metrics(policies)))))


def sl_note(scenarios: Iterable[Scenario]) -> str | None:
    """Why the headline service level falls when callbacks are offered, for a summary of
    ``scenarios`` in which some offers them and counts the accepted callbacks in its
    headline (every definition but ``answered``); None otherwise."""
    counted = [s for s in scenarios
               if s.service_level.definition != "answered" and "callbacks" in configured([s])]
    if not counted:
        return None
    return (f"With callback offers, the {metric('service_level').label} falls as more callers "
            f"accept: an accepted callback stays in its denominator (offered) and can never be "
            f"answered in time on the line. '{metric('sl_on_line').label}' leaves them out: "
            "the service level of the customers who stayed on the line.")


def _totals(
    summary: pd.DataFrame, title: str, key_metrics: tuple[str, ...], scenario: Scenario | None,
    scenarios: Sequence[Scenario] = (),
) -> list[str]:
    goals = {t.metric: t for t in targets(scenario)}
    note = sl_note(scenarios)
    notes = ["", *textwrap.wrap(note, WIDTH, initial_indent="  note: ",
                                subsequent_indent="  ")] if note else []
    if len(summary) == 1:
        row = summary.iloc[0]
        means = {m: row[m] for m in METRICS if m in row}
        halves = {m: row[f"{m}_ci95"] for m in METRICS if f"{m}_ci95" in row}
        verdicts = {n: f"target {_goal(t)}: {verdict(means[n], halves.get(n), t)}"
                    for n, t in goals.items() if n in means}
        reps = int(row["replications"]) if "replications" in row else None
        sub = f"  (mean ± 95% CI half-width over {reps} replications)" if reps else ""
        table = metric_table(means, halves, labels={"service_level": sl_label(scenario)},
                             notes=verdicts)
        return [f"{title}{sub}", table, *_clipped(table), *notes]
    metrics = key_metrics or sweep_metrics(
        configured(scenarios) if scenarios else _reported_policies(summary))
    header = ["variant", *[_short_label(m, scenario) for m in metrics]]
    rows = [[str(row["variant"]), *[_marked(row, m, goals) for m in metrics]]
            for _, row in summary.iterrows()]
    lines = grid(header, rows)
    return [f"{title}  (mean ± 95% CI half-width)", *lines, *_clipped("\n".join(lines)),
            *notes]


def _clipped(table: str) -> list[str]:
    """The legend of a clipped confidence interval, when ``table`` shows one."""
    if not _ENDS.search(table):
        return []
    return ["  [low, high]: the 95% CI's ends, where it reaches past what the metric can "
            "take (clipped)"]


def _reported_policies(summary: pd.DataFrame) -> list[str]:
    """For a summary table alone: the policies whose metrics it holds (a run reports
    those of the policies it installs)."""
    return list(dict.fromkeys(m.policy for m in METRICS.values()
                              if m.policy is not None and m.name in summary))


def _goal(target: Target) -> str:
    """``≥ 80%``: the target's text without the metric's label."""
    return target.text.removeprefix(metric(target.metric).label).strip()


def _results_text(results: Results, title: str, key_metrics: tuple[str, ...]) -> str:
    summary = results.summary()
    scenarios = results.scenarios()
    first = scenarios[results.variants[0]]
    same = all(
        (s.service_level, s.targets) == (first.service_level, first.targets)
        for s in scenarios.values()
    )
    scenario = first if same else None  # a swept threshold or target: each row is its own
    out = _totals(summary, title, key_metrics, scenario, list(scenarios.values()))
    out += _coverage(results, summary)
    by_type = results.summary(by="contact_type")
    by_group = results.summary(by="group")
    per_type = type_metrics(configured(scenarios.values()))
    if len(results.variants) == 1:
        out += _one_variant_details(by_type, by_group, scenario, per_type)
    else:
        out += _sweep_details(by_type, by_group, scenario, per_type)
    if scenario is not None and targets(scenario) and not results.intervals.empty:
        out += _misses_text(results, scenarios)
    return "\n".join(out)


@dataclass(frozen=True)
class Coverage:
    """How many of the runs asked for finished: ``done`` of ``wanted``, ``failed`` raised,
    ``missing`` never ran (an interrupted experiment)."""

    done: int
    wanted: int
    failed: int

    @property
    def missing(self) -> int:
        return self.wanted - self.done - self.failed


def coverage(results: Results, summary: pd.DataFrame) -> Coverage | None:
    """The runs' coverage when some did not finish (None when all did)."""
    wanted = int(results.manifest["replications"]) * len(results.variants)
    done = int(summary["replications"].sum())
    return None if done == wanted else Coverage(done, wanted, len(results.failed))


def _coverage(results: Results, summary: pd.DataFrame) -> list[str]:
    """A line when replications failed or are missing (an interrupted run)."""
    runs = coverage(results, summary)
    if runs is None:
        return []
    parts = ([f"{runs.failed} failed"] * bool(runs.failed)
             + [f"{runs.missing} not run yet"] * bool(runs.missing))
    return [f"  note: {runs.done} of {runs.wanted} runs finished ({', '.join(parts)}); the "
            "figures are over the finished ones"]


def type_metrics(policies: Iterable[str]) -> tuple[str, ...]:
    """The columns of the per-contact-type tables: :data:`TYPE_METRICS`, and the service
    level that ``policies`` add (``sl_on_line`` with callback offers) next to the
    headline."""
    added = [m for m in key_metrics(policies) if m.startswith("sl_")]
    return tuple(in_order((*TYPE_METRICS, *added)))


def _one_variant_details(
    by_type: pd.DataFrame, by_group: pd.DataFrame, scenario: Scenario | None,
    per_type: tuple[str, ...] = TYPE_METRICS,
) -> list[str]:
    out: list[str] = []
    goals = {t.metric: t for t in targets(scenario)}
    if len(by_type) > 2:  # "all" and more than one type: with one type it says nothing new
        header = ["contact type", *[_short_label(m, scenario) for m in per_type]]
        rows = [[str(r["contact_type"]), *[_marked(r, m, goals) for m in per_type]]
                for _, r in by_type.iterrows()]
        out += ["", *grid(header, rows)]
    if not by_group.empty:
        names = ("occupancy", "staffed_hours", "busy_hours")
        header = ["agent group", *[_definition(m).label for m in names]]
        rows = [[str(r["agent_group"]), *[cell(r[m], r[f"{m}_ci95"], m) for m in names]]
                for _, r in by_group.iterrows()]
        out += ["", *grid(header, rows)]
    return out


def _short_label(name: str, scenario: Scenario | None) -> str:
    """A column header: ``service level (20 s)`` with the threshold, else the label."""
    if name == "service_level" and scenario is not None:
        return f"service level ({scenario.service_level.answer_within:g} s)"
    return metric(name).label


def _sweep_details(
    by_type: pd.DataFrame, by_group: pd.DataFrame, scenario: Scenario | None,
    per_type: tuple[str, ...] = TYPE_METRICS,
) -> list[str]:
    """For a sweep: a variant × contact type table of each key metric of a type, and a
    variant × agent group table of occupancy with staffed hours."""
    out: list[str] = []
    goals = {t.metric: t for t in targets(scenario)}
    kinds = list(dict.fromkeys(by_type["contact_type"]))
    if len(kinds) > 2:
        for name in per_type[1:]:
            if name not in by_type:
                continue  # results saved before the metric existed
            label = sl_label(scenario) if name == "service_level" else metric(name).label
            out += ["", f"  {label} by contact type"]
            out += grid(["variant", *kinds], _pivot(
                by_type, "contact_type", kinds, lambda r, n=name: _marked(r, n, goals)))
    if not by_group.empty:
        teams = list(dict.fromkeys(by_group["agent_group"]))
        out += ["", "  occupancy of staffed hours by agent group"]
        out += grid(["variant", *teams], _pivot(by_group, "agent_group", teams, _occupancy))
    return out


def _occupancy(row: Mapping) -> str:
    hours = cell(row["staffed_hours"], None, "staffed_hours")
    return f"{cell(row['occupancy'], row['occupancy_ci95'], 'occupancy')} of {hours}"


def _pivot(table: pd.DataFrame, column: str, levels: list[str], show) -> list[list[str]]:
    """A row per variant, a cell ``show(row)`` per level of ``column``."""
    rows = []
    for variant, part in table.groupby("variant", sort=False):
        found = {r[column]: show(r) for _, r in part.iterrows()}
        rows.append([str(variant), *[found.get(level, "–") for level in levels]])
    return rows


def _kind(name: str) -> str:
    return "all contact types" if name == "all" else name


def _misses_text(results: Results, scenarios: Mapping[str, Scenario]) -> list[str]:
    """The intervals where the CI says a target is missed: their clock spans for one
    variant, how many per variant and contact type for a sweep."""
    from ccsim.experiment.summary import interval_summary

    goals = targets(next(iter(scenarios.values())))
    table = interval_summary(results.intervals, [t.metric for t in goals])
    out = ["", "  targets: met or missed when the whole 95% CI is on one side, else unclear"]
    misses = {v: missed_intervals(table, v, s) for v, s in scenarios.items()}
    if len(scenarios) == 1:
        (found,) = misses.values()
        (scenario,) = scenarios.values()
        every = scenario.intervals - scenario.warmup_intervals
        for m in found:
            line = (f"{m.target.text} missed in {_kind(m.contact_type)}: {', '.join(m.spans)}"
                    + (" (every interval)" if len(m.intervals) == every else ""))
            out += textwrap.wrap(line, WIDTH, initial_indent="  ", subsequent_indent="    ")
        return out + (["  no interval misses a target"] if not found else [])
    first = next(iter(scenarios.values()))
    out.append(f"  intervals (of {first.intervals - first.warmup_intervals}) that miss a target")
    rows = [
        [variant, *[", ".join(f"{m.contact_type} {len(m.intervals)}"
                              for m in found if m.target == t) or "none" for t in goals]]
        for variant, found in misses.items()
    ]
    return out + grid(["variant", *[t.text for t in goals]], rows)
