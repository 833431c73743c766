"""The summary ``ccsim run`` prints: the totals with their 95 % confidence intervals, a
table per contact type and per agent group, targets marked met, missed or unclear, and
the intervals that miss them; tables wider than the terminal wrap into further blocks.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING

from ccsim.model.display import in_currency, number, shown, spread
from ccsim.model.registry import METRICS, configured, metric
from ccsim.report.columns import (
    TYPE_METRICS,
    cell,
    deferred_note,
    definition,
    in_order,
    shared_channels,
    sl_label,
    sl_note,
    sweep_metrics,
    type_metrics,
)
from ccsim.report.coverage import coverage
from ccsim.report.daily import daily_text
from ccsim.report.targets import (
    Target,
    channel_label,
    cheapest,
    choices,
    missed_intervals,
    part_label,
    part_of,
    targets,
    verdict,
)

if TYPE_CHECKING:
    import pandas as pd

    from ccsim.experiment import Results
    from ccsim.scenario import Scenario


#: Width of the label column of :func:`metric_table`: the longest registered label.
_LABEL_WIDTH = max(len(m.label) for m in METRICS.values()) + 2
#: Width of the printed tables: wider ones wrap into further blocks (:func:`grid`).
WIDTH = 100
#: A confidence interval printed by its clipped ends (:func:`ccsim.model.display.spread`).
_ENDS = re.compile(r"\[-?[\d,.]+, -?[\d,.]+\]")


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


def _goals(scenario: Scenario | None, row: pd.Series) -> dict[str, Target]:
    """The targets of a per-type table's ``row``: its contact type's (or segment's), by
    metric."""
    return {t.metric: t for t in targets(scenario, *part_of(row))}


def _judged(row: pd.Series, name: str, scenario: Scenario | None) -> str:
    """The cell of metric ``name`` in a per-type ``row``, marked against its own targets."""
    return _marked(row, name, _goals(scenario, row))


def _marked(row: pd.Series, name: str, goals: Mapping[str, Target]) -> str:
    """The cell of metric ``name`` in ``row``, with ``met``/``missed``/``unclear`` after it
    when ``goals`` holds a target for it."""
    mean, half = row.get(name, math.nan), row.get(f"{name}_ci95", math.nan)
    text = cell(mean, half, name)
    return f"{text} {verdict(mean, half, goals[name])}" if name in goals else text


def summary_text(
    results: Results | pd.DataFrame, title: str, key_metrics: tuple[str, ...] = ()
) -> str:
    """The summary ``ccsim run`` prints. From :class:`~ccsim.experiment.Results`:
    the totals, then a table per contact type and per agent group, targets marked met,
    missed or unclear, and the intervals that miss them. From a ``results.summary()``
    table alone, the totals only: a metric per line for one variant, a row per variant of
    ``key_metrics`` (default :func:`sweep_metrics` of the policies the table reports) for
    several."""
    import pandas as pd

    if isinstance(results, pd.DataFrame):
        return "\n".join(_totals(results, title, key_metrics, None, ()))
    return _results_text(results, title, key_metrics)


def _totals(
    summary: pd.DataFrame, title: str, key_metrics: tuple[str, ...], scenario: Scenario | None,
    scenarios: Sequence[Scenario] = (),
) -> list[str]:
    goals = {t.metric: t for t in targets(scenario)}
    notes = [line for note in (sl_note(scenarios), deferred_note(scenarios)) if note
             for line in ["", *textwrap.wrap(note, WIDTH, initial_indent="  note: ",
                                             subsequent_indent="  ")]]
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
    if len(results.variants) > 1 and scenario is not None:
        out += _cheapest(results, summary, scenario)
    out += _coverage(results, summary)
    by_type = results.summary(by="contact_type")
    by_type["part"] = [part_label(r, scenario) for _, r in by_type.iterrows()]
    by_group = results.summary(by="group")
    per_type = type_metrics(configured(scenarios.values()))
    if len(results.variants) == 1:
        out += _one_variant_details(by_type, by_group, scenario, per_type)
    else:
        out += _sweep_details(by_type, by_group, scenario, per_type)
    if shared_channels(scenarios.values()):
        out += _channel_details(results, scenario, per_type)
    out += _days_text(results, scenario)
    out += daily_text(results, scenarios, WIDTH)
    if scenario is not None and targets(scenario) and not results.intervals.empty:
        out += _misses_text(results, scenarios)
    return in_currency("\n".join(out), first.costs.currency if first.costs else None)


def _cheapest(results: Results, summary: pd.DataFrame, scenario: Scenario) -> list[str]:
    """With costs and targets: the variant of least mean ``total_cost`` among those whose
    whole-run means meet every target (or a line saying none does). With hand-made
    variants crossed with a swept key (absence, say: not the planner's choice), one line
    per value of the swept keys: the choice among the variants at each."""
    goals = [t for t in targets(scenario) if t.metric in summary]
    if not goals or "total_cost" not in summary:
        return []
    wanted = "; ".join(t.text for t in goals)
    out = ["", *textwrap.wrap(f"cheapest variant meeting the targets ({wanted}) over the "
                              "whole run, by its mean:", WIDTH, initial_indent="  ",
                              subsequent_indent="  ")]
    for where, part in choices(results, summary):
        best, meeting = cheapest(part, goals)
        if best is None:
            out.append(f"    {where or 'of all'}: none of {len(part)} meets them")
            continue
        name = best["variants.label"] if where else best["variant"]
        cost = cell(best["total_cost"], best["total_cost_ci95"], "total_cost")
        out += textwrap.wrap(f"{where or 'of all'}: {name}, total cost {cost} ({meeting} of "
                             f"{len(part)} meet them)", WIDTH, initial_indent="    ",
                             subsequent_indent="      ")
    return out


def _coverage(results: Results, summary: pd.DataFrame) -> list[str]:
    """A line when replications failed or are missing (an interrupted run)."""
    runs = coverage(results, summary)
    if runs is None:
        return []
    parts = ([f"{runs.failed} failed"] * bool(runs.failed)
             + [f"{runs.missing} not run yet"] * bool(runs.missing))
    return [f"  note: {runs.done} of {runs.wanted} runs finished ({', '.join(parts)}); the "
            "figures are over the finished ones"]


def _one_variant_details(
    by_type: pd.DataFrame, by_group: pd.DataFrame, scenario: Scenario | None,
    per_type: tuple[str, ...] = TYPE_METRICS,
) -> list[str]:
    out: list[str] = []
    if len(by_type) > 2:  # "all" and more than one type: with one type it says nothing new
        header = ["contact type", *[_short_label(m, scenario) for m in per_type]]
        rows = [[str(r["part"]), *[_judged(r, m, scenario) for m in per_type]]
                for _, r in by_type.iterrows()]
        out += ["", *grid(header, rows)]
    if not by_group.empty:
        # A chat group's seats, where the centre has chat (other groups: –).
        names = ("occupancy", "staffed_hours", "busy_hours", *(
            m for m in ("concurrency_mean", "seat_utilisation")
            if m in by_group and by_group[m].notna().any()))
        header = ["agent group", *[definition(m).label for m in names]]
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
    kinds = list(dict.fromkeys(by_type["part"]))
    if len(kinds) > 2:
        for name in per_type[1:]:
            if name not in by_type:
                continue  # results saved before the metric existed
            label = sl_label(scenario) if name == "service_level" else metric(name).label
            out += ["", f"  {label} by contact type"]
            out += grid(["variant", *kinds], _pivot(
                by_type, "part", kinds, partial(_judged, name=name, scenario=scenario)))
    if not by_group.empty:
        teams = list(dict.fromkeys(by_group["agent_group"]))
        out += ["", "  occupancy of staffed hours by agent group"]
        out += grid(["variant", *teams], _pivot(by_group, "agent_group", teams, _occupancy))
    return out


def _channel_details(results: Results, scenario: Scenario | None,
                     per_type: tuple[str, ...]) -> list[str]:
    """The metrics of each channel's contact types together: for one variant a row per
    channel, for a sweep a variant × channel table of each key metric."""
    by_channel = results.summary(by="channel")
    names = [m for m in per_type if m in by_channel and by_channel[m].notna().any()]
    if len(results.variants) == 1:
        header = ["channel", *[_short_label(m, scenario) for m in names]]
        rows = [[channel_label(str(r["channel"]), scenario),
                 *[_marked(r, m, {}) for m in names]] for _, r in by_channel.iterrows()]
        return ["", *grid(header, rows)]
    by_channel["label"] = [channel_label(str(c), scenario) for c in by_channel["channel"]]
    channels = list(dict.fromkeys(by_channel["label"]))
    out: list[str] = []
    for name in names[1:]:
        label = sl_label(scenario) if name == "service_level" else metric(name).label
        out += ["", f"  {label} by channel"]
        out += grid(["variant", *channels], _pivot(by_channel, "label", channels,
                                                   partial(_marked, name=name, goals={})))
    return out


#: The most days of a horizon whose table ``ccsim run`` prints (a longer one is in days.csv).
_MOST_DAYS = 31


def _days_text(results: Results, scenario: Scenario | None) -> list[str]:
    """Over more than a day: for one variant, a row per day of its key metrics (and total
    cost, with costs); for a sweep, the service level of each variant by day."""
    by_day = results.summary(by="day")
    days = list(dict.fromkeys(d for d in by_day.get("day", []) if d == d))  # not NaN
    if len(days) < 2 or len(days) > _MOST_DAYS:
        return []
    goals = {t.metric: t for t in targets(scenario)}
    if len(results.variants) == 1:
        names = [m for m in ("service_level", "asa", "abandon_rate", "closed_rate",
                             "total_cost") if m in by_day and by_day[m].notna().any()]
        header = ["day", *[_short_label(m, scenario) for m in names]]
        rows = [[str(int(r["day"])), *[_marked(r, m, goals) for m in names]]
                for _, r in by_day[by_day["day"].isin(days)].iterrows()]
        return ["", "  by day", *grid(header, rows)]
    label = sl_label(scenario) if scenario is not None else "service level"
    return ["", f"  {label} by day", *grid(["variant", *[f"day {int(d)}" for d in days]], [
        [str(variant), *[cell(r["service_level"].iloc[0], r["service_level_ci95"].iloc[0],
                         "service_level") if len(r := part[part["day"] == d]) else "–"
                    for d in days]]
        for variant, part in by_day.groupby("variant", sort=False)])]


def _occupancy(row: pd.Series) -> str:
    hours = cell(row["staffed_hours"], None, "staffed_hours")
    return f"{cell(row['occupancy'], row['occupancy_ci95'], 'occupancy')} of {hours}"


def _pivot(
    table: pd.DataFrame, column: str, levels: list[str], show: Callable[[pd.Series], str]
) -> list[list[str]]:
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
