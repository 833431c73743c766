"""A chat group's seats by interval: the chats its agents hold at once while they hold any
(``concurrency_mean``) and the share of its seats in use (``seat_utilisation``), a column
per group that takes chat, a line per variant (at most five, as the interval chart)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ccsim.plots.figure import band, display_scale, finished_note, legend, metric_label, new_figure
from ccsim.plots.identical import distinct
from ccsim.plots.intervals import clock_axis, spread_labels
from ccsim.plots.plan import in_words

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ccsim.experiment import Results

#: The rows of the chart.
SEAT_METRICS = ("concurrency_mean", "seat_utilisation")


def chat_groups(results: Results) -> list[str]:
    """The agent groups that take chat in some variant of ``results``, in scenario order."""
    return list(dict.fromkeys(g.name for s in results.scenarios().values()
                              for g in s.agent_groups
                              if any(c.channel == "chat" and c.name in g.skills
                                     for c in s.contact_types)))


def plot_seats(results: Results, variants: Sequence[str] | None = None) -> Figure:
    """The seats of each chat group by interval: mean over replications with a 95% band,
    a line per variant of ``variants`` (default: all, or five spread over the sweep)."""
    results = distinct(results)
    labels = list(variants) if variants is not None else spread_labels(results.variants)
    groups = chat_groups(results)
    if not groups:
        raise ValueError("no agent group takes chat in these results")
    table = results.groups[results.groups["variant"].isin(labels)
                           & results.groups["agent_group"].isin(groups)]
    scenarios = results.scenarios()
    words = in_words(results)
    figure = new_figure(0.8 + 4.4 * len(groups) if len(groups) > 1 else 9.0,
                        2.6 * len(SEAT_METRICS) + 1.4)
    grid = figure.subplots(len(SEAT_METRICS), len(groups), sharex=True, sharey="row",
                           squeeze=False)
    for row, metric in zip(grid, SEAT_METRICS, strict=True):
        for ax, group in zip(row, groups, strict=True):
            for j, label in enumerate(labels):
                part = table[(table["variant"] == label) & (table["agent_group"] == group)]
                _line(ax, part, metric, f"C{j % 10}",
                      words[label] if len(labels) > 1 else "mean (95% CI band)")
            ax.grid(True, alpha=0.3)
        row[0].set_ylabel(metric_label(metric))
    for ax, group in zip(grid[0], groups, strict=True):
        ax.set_title(group)
    ticks = sorted(table["interval"].unique())
    for ax in grid[-1]:
        clock_axis(ax, scenarios[labels[0]], ticks)
    legend(figure, grid.ravel(), [])
    title = labels[0] if len(labels) == 1 else results.name
    figure.suptitle(f"{title}: chat seats by interval (mean and 95% CI, "
                    f"{finished_note(results, labels)})")
    return figure


def _line(ax: Axes, part: pd.DataFrame, metric: str, colour: str, label: str) -> None:
    from ccsim.experiment.summary import interval_summary

    stats = interval_summary(part, [metric], part="agent_group").set_index(
        "interval").sort_index()
    factor = display_scale(metric)
    mean = stats[metric].to_numpy(dtype=float) * factor
    low, high = band(metric, mean, stats[f"{metric}_ci95"].to_numpy(dtype=float) * factor)
    xs = stats.index.to_numpy()
    ax.plot(xs, mean, marker="." if len(xs) <= 48 else None, color=colour, label=label)
    ax.fill_between(xs, low, high, color=colour, alpha=0.2, linewidth=0)
