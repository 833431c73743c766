"""A staffing plan (:class:`~ccsim.optimise.StaffingPlan`) against the analytic answer, on
an axis of clock times: the agents each interval gets from the plan, from SIPP and, when
shifts were chosen, from the shifts' cover, as steps over the interval they hold for; and
under them each goal's metric per interval as simulated under the plan and under SIPP on
fresh replications (mean and 95 % CI band), with the goal as a line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ccsim.plots.figure import band, display_scale, legend, metric_label, new_figure
from ccsim.plots.intervals import clock_axis

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ccsim.optimise import StaffingPlan

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
    """The plan's chart: a panel of agents per interval (the plan, SIPP, by how many
    agents they differ, and the shifts' cover with where it falls short shaded red), then
    a panel per goal with its metric per measured interval under the plan and under SIPP
    (mean and 95 % CI band over the fresh replications of ``plan.evaluation``) and the
    goal as a dotted line; warm-up intervals shaded grey."""
    from matplotlib.ticker import MaxNLocator

    scenario = plan.scenario
    requirement = plan.requirement.sort_values("interval")
    n = scenario.intervals
    edges = np.arange(n + 1)
    figure = new_figure(10.0, 3.2 + 2.3 * len(plan.goals) + 1.0)
    axes = figure.subplots(1 + len(plan.goals), 1, sharex=True, squeeze=False,
                           height_ratios=[1.3] + [1.0] * len(plan.goals))[:, 0]
    top = axes[0]
    agents, sipp = requirement["agents"].to_numpy(float), requirement["sipp"].to_numpy(float)
    top.stairs(agents, edges, baseline=None, color=PLAN_COLOUR, linewidth=2, label=PLAN_LABEL,
               zorder=3)
    top.stairs(sipp, edges, baseline=None, color=SIPP_COLOUR, linewidth=1.5, linestyle="--",
               label=SIPP_LABEL, zorder=4)
    if "cover" in requirement:
        _cover(top, requirement["cover"].to_numpy(float), agents)
    notes = n <= _MAX_NOTES and bool((agents != sipp).any())
    if notes:
        _differences(top, agents, sipp)
    top.set_ylabel("agents")
    top.yaxis.set_major_locator(MaxNLocator(integer=True))  # no 2.5 agents
    top.set_ylim(0, top.get_ylim()[1] * 1.1)  # room for the differences over the peak
    top.set_title(f"agents per interval ({requirement['agent_group'].iloc[0]})"
                  + ("; over a step: plan − SIPP" if notes else ""), fontsize=9)
    # A point of a metric stands for its whole interval: draw it in the interval's middle.
    xs = plan.evaluation["interval"].to_numpy(float) + 0.5
    for ax, goal in zip(axes[1:], plan.goals, strict=True):
        name = goal.column
        for prefix, colour, label, marker in (("", PLAN_COLOUR, PLAN_METRIC_LABEL, "o"),
                                              ("sipp_", SIPP_COLOUR, SIPP_METRIC_LABEL, "s")):
            _metric(ax, xs, plan.evaluation, goal.metric, prefix + name, colour, label, marker)
        ax.axhline(goal.value * display_scale(goal.metric), color="crimson", linestyle=":",
                   linewidth=1.6, label=GOAL_LABEL, zorder=1)
        ax.set_ylabel(metric_label(goal.metric, [scenario]))
        ax.set_title(goal.words, fontsize=9)
    for ax in axes:
        if scenario.warmup_intervals:
            ax.axvspan(0, scenario.warmup_intervals, color="0.87", zorder=0, label=WARMUP_LABEL)
        ax.grid(True, alpha=0.3)
        ax.set_xlim(0, n)
    clock_axis(axes[-1], scenario, list(range(n + 1)))
    legend(figure, axes)
    figure.suptitle(f"{scenario.name}: staffing plan against SIPP "
                    f"({'; '.join(g.words for g in plan.goals)})")
    return figure


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
        ax.annotate(text, (k + 0.5, max(agents[k], sipp[k])),
                    xytext=(0, 2), textcoords="offset points", ha="center", va="bottom",
                    fontsize=7, color=PLAN_COLOUR)


def _metric(ax: Axes, xs: np.ndarray, table: pd.DataFrame, metric: str, name: str,
            colour: str, label: str, marker: str) -> None:
    """Column ``name`` of the evaluation per interval, and its 95 % band clipped to the
    metric's range (displayed units)."""
    factor = display_scale(metric)
    mean = table[name].to_numpy(float) * factor
    low, high = band(metric, mean, table[f"{name}_ci95"].to_numpy(float) * factor)
    ax.plot(xs, mean, "-", marker=marker, markersize=3.5, color=colour, label=label, zorder=3)
    ax.fill_between(xs, low, high, color=colour, alpha=0.18, linewidth=0, zorder=2)
