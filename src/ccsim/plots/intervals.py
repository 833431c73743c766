"""Metrics by interval of the day (service level and abandonment by default): a row per
metric, a column for all contact types together and one per contact type, a line per
variant (at most five, spread over a sweep; those left out are named under the chart),
on an axis of clock times.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ccsim.plots.figure import (
    band,
    display_scale,
    draw_targets,
    finished_note,
    legend,
    metric_label,
    new_figure,
    thresholds,
    time_unit,
)
from ccsim.plots.identical import distinct, identical_note
from ccsim.plots.plan import in_words
from ccsim.units import format_duration

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ccsim.experiment import Results
    from ccsim.scenario import Scenario


#: At most this many variants get a line of their own in the interval chart.
_MAX_LINES = 5


def plot_intervals(
    results: Results,
    variants: Sequence[str] | None = None,
    metrics: Sequence[str] = ("service_level", "abandon_rate"),
    contact_types: Sequence[str] | None = None,
) -> Figure:
    """``metrics`` (default service level and abandonment) by interval of the day: a row
    per metric, a column for all contact types together (the ``all`` rows) and one per
    contact type when there are several (with one variant, a type's segments dashed in its
    column), or a column per type of ``contact_types`` alone (the staffing row left out);
    mean over replications with a 95% CI band, one
    line per variant in ``variants`` (default: all, or five spread over the sweep; those
    left out are named under the chart). Identical variants are drawn once
    (:func:`distinct`)."""
    unknown = [v for v in variants or [] if v not in results.variants]
    if unknown:
        raise ValueError(f"no variant {unknown[0]!r}; expected one of: {results.variants}")
    results = distinct(results)
    # A variant asked for by one of its names: the line of all of them.
    merged = {name: " = ".join(group) for group in results.manifest.get("identical", [])
              for name in group}
    labels = (list(dict.fromkeys(merged.get(v, v) for v in variants)) if variants is not None
              else spread_labels(results.variants))
    table = results.intervals[results.intervals["variant"].isin(labels)]
    table = table.assign(**{m: math.nan for m in metrics if m not in table})  # not reported
    scenarios = results.scenarios()
    chosen = [scenarios[label] for label in labels]
    names = [c.name for c in chosen[0].contact_types] if chosen else []
    kinds = ["all", *names] if len(names) > 1 else ["all"]
    if contact_types is not None:
        kinds = list(contact_types)
    words = in_words(results)
    staffing = not results.groups.empty and contact_types is None
    rows = len(metrics) + staffing
    figure = new_figure(9.0 if len(kinds) == 1 else 0.8 + 4.4 * len(kinds), 2.6 * rows + 1.4)
    grid = figure.subplots(rows, len(kinds), sharex=True, sharey="row", squeeze=False)
    if staffing:
        _staffing(grid[-1][0], results.groups, labels, chosen[0].period if chosen else 1.0,
                  words if len(labels) > 1 else None)
        for ax in grid[-1][1:]:
            ax.axis("off")  # agents answer for the centre, not for one type
    # With segments a type's rows are its own (segment "all") and each segment's: one
    # variant draws the segments too, dashed; a sweep draws the types only.
    segmented = "segment" in table
    for row, metric in zip(grid, metrics, strict=False):
        # Hours for times that run long (an e-mail's response, a backlog's age).
        factor, unit = time_unit(metric, table[table["contact_type"].isin(kinds)][metric])
        for ax, kind in zip(row, kinds, strict=True):
            for j, label in enumerate(labels):
                part = table[(table["variant"] == label) & (table["contact_type"] == kind)]
                whole = part[part["segment"] == "all"] if segmented else part
                _interval_line(ax, whole, metric, f"C{j % 10}",
                               words[label] if len(labels) > 1 else "mean (95% CI band)",
                               factor=factor)
                if segmented and len(labels) == 1:
                    named = [s for s in dict.fromkeys(part["segment"]) if s != "all"]
                    for k, segment in enumerate(named, start=1):
                        _interval_line(ax, part[part["segment"] == segment], metric,
                                       f"C{k % 10}", f"segment {segment}", "--", factor)
            draw_targets(ax, chosen, metric)
            ax.grid(True, alpha=0.3)
        row[0].set_ylabel(metric_label(metric, chosen, unit))
    # Types of thresholds of their own: each column says its own (the row's label none).
    own = (len(thresholds(chosen)) > 1
           and any(m == "service_level" or m.startswith("sl_") for m in metrics))
    for ax, kind in zip(grid[0], kinds, strict=True):
        title = ("all contact types" if kind == "all" and len(kinds) > 1
                 else kind if kind != "all" else names[0] if names else "")
        if own and kind != "all":
            title += " (within " + ", ".join(
                format_duration(t) for t in sorted(thresholds(chosen, kind))) + ")"
        ax.set_title(title)
    if chosen:
        ticks = sorted(table["interval"].unique())
        if staffing and ticks:  # its steps run to the end of the last interval
            ticks.append(ticks[-1] + 1)
        for ax in grid[-1] if not staffing else [grid[-1][0], *grid[-2][1:]]:
            clock_axis(ax, chosen[0], ticks)
            ax.xaxis.set_tick_params(labelbottom=True)
    title = labels[0] if len(labels) == 1 else results.name
    # Say so, and which, when lines were left out to keep the chart readable.
    left = ([label for label in results.variants if label not in labels]
            if variants is None else [])
    shown = (f"; {len(labels)} of {len(results.variants)} variants"
             + (", spread over the sweep" if variants is None else "") if left else "")
    legend(figure, grid.ravel(), [*identical_note(results),
                                  *([f"Not drawn (to keep the chart readable): "
                                     f"{'; '.join(words[v] for v in left)}."] if left else [])])
    figure.suptitle(f"{title}: by interval (mean and 95% CI, "
                    f"{finished_note(results, labels)}{shown})")
    return figure


def _interval_line(ax: Axes, part: pd.DataFrame, metric: str, colour: str, label: str,
                   style: str = "-", factor: float = 1.0) -> None:
    """The mean of ``metric`` per interval over the replications in ``part``, and its
    95% band clipped to the metric's range (drawn ``style``: a segment's dashed), in its
    display unit × ``factor``."""
    from ccsim.experiment.summary import interval_summary

    stats = interval_summary(part, [metric]).set_index("interval").sort_index()
    half = stats[f"{metric}_ci95"].to_numpy(dtype=float)
    factor *= display_scale(metric)
    mean = stats[metric].to_numpy(dtype=float) * factor
    low, high = band(metric, mean, half * factor)
    xs = stats.index.to_numpy()
    ax.plot(xs, mean, style, marker="." if len(xs) <= 48 else None, color=colour, label=label)
    ax.fill_between(xs, low, high, color=colour, alpha=0.2 if style == "-" else 0.1,
                    linewidth=0)


def _staffing(ax: Axes, groups: pd.DataFrame, labels: list[str], period: float,
              words: dict[str, str] | None) -> None:
    """The agents of every group by interval, mean over replications: on duty (staffed
    time ÷ the period, overtime included), and with shifts the plan's agents on breaks and
    absent stacked above it; one variant stacked, several as one line each (on duty)."""
    for j, label in enumerate(labels):
        part = groups[groups["variant"] == label]
        columns = [c for c in ("staffed_time", "break_time", "absent_time") if c in part]
        per = (part.groupby(["replication", "interval"])[columns].sum()
               .groupby("interval").mean() / period).fillna(0.0)
        # A head count holds over its interval, from its start (the tick) to the next:
        # steps after each start, the last one to the end of the horizon.
        per.loc[per.index.max() + 1] = per.iloc[-1]
        xs = per.index.to_numpy()
        if words is not None:
            ax.plot(xs, per["staffed_time"], color=f"C{j % 10}", label=words[label],
                    drawstyle="steps-post")
            continue
        parts = [("on duty", "staffed_time", "tab:blue"), ("on a break", "break_time",
                 "tab:orange"), ("absent", "absent_time", "0.6")]
        shown = [(name, per[c].to_numpy(), colour) for name, c, colour in parts if c in per]
        ax.stackplot(xs, *[v for _, v, _ in shown], labels=[f"agents {n}" for n, _, _ in shown],
                     colors=[c for _, _, c in shown], alpha=0.6, step="post")
    ax.set_ylabel("agents (mean)")
    ax.set_title("staffing", fontsize=9)
    ax.grid(True, alpha=0.3)


def clock(scenario: Scenario, interval: int) -> str:
    """The clock time at which ``interval`` starts (``"08:30"``), with its day on a
    horizon longer than a day (``"day 2 08:30"``)."""
    total = scenario.start_seconds // 60 + round(interval * scenario.period / 60)
    day, minute = divmod(total, 24 * 60)
    text = f"{minute // 60:02d}:{minute % 60:02d}"
    return f"day {day + 1} {text}" if _days(scenario) > 1 else text


def _days(scenario: Scenario) -> int:
    """How many calendar days the horizon touches."""
    end = scenario.start_seconds + scenario.intervals * scenario.period
    return math.ceil(end / 86400)


def clock_axis(ax: Axes, scenario: Scenario, intervals: list[int]) -> None:
    """Ticks at a round number of hours, at most about eight, labelled with clock times."""
    if not intervals:
        return
    hours = next((h for h in (1, 2, 3, 4, 6, 12, 24, 48, 168)
                  if len(intervals) * scenario.period / (h * 3600) <= 8), 168)
    step = max(1, round(hours * 3600 / scenario.period))
    ticks = [i for i in intervals if _minute_of_day(scenario, i) % (hours * 60) == 0]
    ticks = ticks[::max(1, math.ceil(len(ticks) / 8))] if ticks else intervals[::step]
    ax.set_xticks(ticks, [clock(scenario, i) for i in ticks], rotation=30 if
                  _days(scenario) > 1 else 0, ha="right" if _days(scenario) > 1 else "center")
    days = "day and " if _days(scenario) > 1 else ""
    ax.set_xlabel(f"interval start ({days}clock time; {format_duration(scenario.period)} "
                  "intervals)")


def _minute_of_day(scenario: Scenario, interval: int) -> int:
    return (scenario.start_seconds // 60 + round(interval * scenario.period / 60)) % (24 * 60)


def spread_labels(labels: list[str]) -> list[str]:
    """All of ``labels``, or at most _MAX_LINES spread evenly from first to last."""
    if len(labels) <= _MAX_LINES:
        return labels
    step = (len(labels) - 1) / (_MAX_LINES - 1)
    return [labels[round(i * step)] for i in range(_MAX_LINES)]
