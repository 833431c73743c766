"""A staffing plan (:class:`~ccsim.optimise.StaffingPlan`) against the analytic answer, on
an axis of clock times: the agents each interval gets from the plan, from SIPP and, when
shifts were chosen, from the shifts' cover, as steps over the interval they hold for (a
panel per group searched); and under them each goal's metric as simulated under the plan
and under SIPP on fresh replications (mean and 95 % CI band) per measured interval — or
per day, as a step over the day, when the goals are judged per day — with the goal as a
line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ccsim.model.result import day
from ccsim.plots.figure import band, display_scale, legend, metric_label, new_figure
from ccsim.plots.intervals import clock_axis

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ccsim.optimise import Goal, StaffingPlan

#: Colours of the plan and of the SIPP answer, the same in every panel.
PLAN_COLOUR, SIPP_COLOUR, COVER_COLOUR = "tab:blue", "tab:orange", "tab:green"
#: Legend labels the tests and the report page read.
PLAN_LABEL = "plan: agents required"
SIPP_LABEL = "SIPP (Erlang per interval): agents"
COVER_LABEL = "shifts: agents on duty, off break (mean)"
SHORT_LABEL = "cover below the plan"
PLAN_METRIC_LABEL = "simulated under the plan (mean, 95% CI)"
SIPP_METRIC_LABEL = "simulated under SIPP (mean, 95% CI)"
GOAL_LABEL = "goal"
WARMUP_LABEL = "warm-up (not measured)"
#: Up to this many intervals, each one where the plan differs from SIPP says by how much.
_MAX_NOTES = 48


def plot_plan(plan: StaffingPlan) -> Figure:
    """The plan's chart: a panel of agents per interval for each group searched (the
    plan, SIPP, by how many agents they differ, and the shifts' cover with where it falls
    short shaded red), then a panel per goal with its metric under the plan and under SIPP
    (mean and 95 % CI band over the fresh replications of ``plan.evaluation``), per
    measured interval or per day, and the goal as a dotted line; the warm-up shaded
    grey."""
    scenario = plan.scenario
    names = list(dict.fromkeys(plan.requirement["agent_group"]))
    figure = new_figure(10.0, 1.0 + 2.6 * len(names) + 2.3 * len(plan.goals) + 0.8)
    axes = figure.subplots(len(names) + len(plan.goals), 1, sharex=True, squeeze=False,
                           height_ratios=[1.3] * len(names) + [1.0] * len(plan.goals))[:, 0]
    for ax, name in zip(axes, names, strict=False):
        rows = plan.requirement[plan.requirement["agent_group"] == name]
        _agents(ax, rows.sort_values("interval"), name)
    for ax, goal in zip(axes[len(names):], plan.goals, strict=True):
        _goal(ax, plan, goal)
    n = scenario.intervals
    for ax in axes:
        if scenario.warmup_intervals:
            ax.axvspan(0, scenario.warmup_intervals, color="0.87", zorder=0, label=WARMUP_LABEL)
        ax.grid(True, alpha=0.3)
        ax.set_xlim(0, n)
    clock_axis(axes[-1], scenario, list(range(n + 1)))
    legend(figure, axes)
    judged = " per day" if plan.per == "day" else ""
    figure.suptitle(f"{scenario.name}: staffing plan against SIPP "
                    f"({'; '.join(g.words for g in plan.goals)}{judged})")
    return figure


def _agents(ax: Axes, rows: pd.DataFrame, group: str) -> None:
    """One group's agents per interval: the plan and SIPP as steps, the shifts' cover
    when there is one, and the differences written over the steps."""
    from matplotlib.ticker import MaxNLocator

    agents, sipp = rows["agents"].to_numpy(float), rows["sipp"].to_numpy(float)
    edges = np.arange(len(agents) + 1)
    ax.stairs(agents, edges, baseline=None, color=PLAN_COLOUR, linewidth=2, label=PLAN_LABEL,
              zorder=3)
    ax.stairs(sipp, edges, baseline=None, color=SIPP_COLOUR, linewidth=1.5, linestyle="--",
              label=SIPP_LABEL, zorder=4)
    if "cover" in rows and not rows["cover"].isna().all():
        _cover(ax, rows["cover"].to_numpy(float), agents)
    notes = len(agents) <= _MAX_NOTES and bool((agents != sipp).any())
    if notes:
        _differences(ax, agents, sipp)
    ax.set_ylabel("agents")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # no 2.5 agents
    ax.set_ylim(0, ax.get_ylim()[1] * 1.1)  # room for the differences over the peak
    ax.set_title(f"agents per interval: {group}" + ("; over a step: plan − SIPP" if notes
                                                     else ""), fontsize=9)


def _cover(ax: Axes, cover: np.ndarray, agents: np.ndarray) -> None:
    """The shifts' cover as a shaded step area, and in red where it is below the plan."""
    edges = np.arange(len(cover) + 1)
    ax.stairs(cover, edges, fill=True, color=COVER_COLOUR, alpha=0.3, label=COVER_LABEL,
              zorder=2)
    # A planner looks for the intervals the shifts leave short; a fraction of an agent
    # short (a break that starts mid-interval) is short too.
    short = np.flatnonzero(cover < agents - 1e-9)
    if short.size:
        ax.bar(short, agents[short] - cover[short], bottom=cover[short], width=1.0,
               align="edge", color="crimson", alpha=0.35, linewidth=0, label=SHORT_LABEL,
               zorder=2)


def _differences(ax: Axes, agents: np.ndarray, sipp: np.ndarray) -> None:
    """Over each interval where the plan differs from SIPP, by how many agents (``+2``):
    a difference of one or two agents is hard to read from two steps."""
    for k in np.flatnonzero(agents != sipp):
        text = f"{agents[k] - sipp[k]:+g}".replace("-", "−")  # a minus sign, not a hyphen
        ax.annotate(text, (k + 0.5, max(agents[k], sipp[k])), xytext=(0, 2),
                    textcoords="offset points", ha="center", va="bottom", fontsize=7,
                    color=PLAN_COLOUR)


def _goal(ax: Axes, plan: StaffingPlan, goal: Goal) -> None:
    """A goal's metric under the plan and under SIPP, with its band, and the goal."""
    for prefix, colour, label, marker in (("", PLAN_COLOUR, PLAN_METRIC_LABEL, "o"),
                                          ("sipp_", SIPP_COLOUR, SIPP_METRIC_LABEL, "s")):
        factor = display_scale(goal.metric)
        name = prefix + goal.column
        mean = plan.evaluation[name].to_numpy(float) * factor
        low, high = band(goal.metric, mean,
                         plan.evaluation[f"{name}_ci95"].to_numpy(float) * factor)
        if plan.per == "day":
            # A day's value holds for all of its intervals: a step over the day.
            edges = day_edges(plan)
            ax.stairs(mean, edges, baseline=None, color=colour, linewidth=1.8, label=label,
                      zorder=3)
            ax.stairs(high, edges, baseline=low, fill=True, color=colour, alpha=0.18,
                      linewidth=0, zorder=2)
            continue
        # A point stands for its whole interval: drawn in the interval's middle.
        xs = plan.evaluation["interval"].to_numpy(float) + 0.5
        ax.plot(xs, mean, "-", marker=marker, markersize=3.5, color=colour, label=label,
                zorder=3)
        ax.fill_between(xs, low, high, color=colour, alpha=0.18, linewidth=0, zorder=2)
    ax.axhline(goal.value * display_scale(goal.metric), color="crimson", linestyle=":",
               linewidth=1.6, label=GOAL_LABEL, zorder=1)
    ax.set_ylabel(metric_label(goal.metric, [plan.scenario]))
    ax.set_title(goal.words + (" (per day)" if plan.per == "day" else ""), fontsize=9)


def day_edges(plan: StaffingPlan) -> np.ndarray:
    """Where each day of ``plan.evaluation`` (the days of the measured window, in order)
    starts and the last one ends, in intervals: ``[warm-up, next midnight, ..., end]``."""
    scenario = plan.scenario
    first, n = scenario.warmup_intervals, scenario.intervals
    starts = [i for i in range(first, n) if i == first or day(scenario, i) != day(scenario, i - 1)]
    return np.array([*starts, n], dtype=float)
