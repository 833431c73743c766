"""Metrics against what was varied: the mean over replications with its 95 % confidence
band (Student t, as in :meth:`Results.summary`), a line per level of the second factor, a
panel per level of the rest (:mod:`ccsim.plots.plan`). Where Erlang A models the scenarios
(:func:`~ccsim.analytic.erlang_a_applies`) the panels also draw its pooled, per-interval
prediction (:func:`~ccsim.analytic.pooled_erlang_a`), labelled as such.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ccsim.model import registry
from ccsim.plots.figure import (
    band,
    display_scale,
    draw_targets,
    finished_note,
    legend,
    metric_label,
    new_figure,
)
from ccsim.plots.identical import distinct, identical_note
from ccsim.plots.plan import Plan, axis_label, lay_out, level, tick

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ccsim.experiment import Results


#: The metrics of the overview chart, in panel order.
KEY_METRICS = ("service_level", "asa", "mean_wait", "abandon_rate", "occupancy", "wait_p90")
#: Added to the overview when the runs report them (a policy was installed).
POLICY_METRICS = ("callbacks_accepted", "callback_delay_mean", "promise_kept",
                  "recalls_completed", "recall_delay_mean", "followups_completed",
                  "followup_delay_mean", "outbound_successes", "quota_attainment",
                  "resolution_rate", "repeat_contacts", "seat_utilisation",
                  "responded_within", "backlog")
#: The legend's name for the pooled Erlang-A prediction.
ERLANG_LABEL = "Erlang A (pooled, per interval)"
#: A numeric axis of at most this many swept values is ticked at exactly those values.
_MAX_TICKS = 12


def _erlang_column(results: Results, metric: str) -> list[float] | None:
    """The pooled Erlang-A prediction of ``metric`` for each variant, or None where
    Erlang A does not model a variant or does not predict ``metric``."""
    from ccsim.analytic import erlang_a_applies, pooled_erlang_a  # scipy: when first drawn

    scenarios = results.scenarios()
    if not all(erlang_a_applies(s) for s in scenarios.values()):
        return None
    predicted = [pooled_erlang_a(scenarios[label]) for label in results.variants]
    if not predicted or metric not in predicted[0]:
        return None
    return [p[metric] for p in predicted]


def plot_metric(
    results: Results,
    metric: str = "service_level",
    *,
    x: str | None = None,
    erlang: bool | None = None,
) -> Figure:
    """The mean of ``metric`` over replications, with its 95% confidence band, against the
    factor ``x`` (a parameter column; default: the first numeric one, else the variants
    side by side): a line per level of the second factor, a panel per level of the rest.
    ``erlang``: draw the pooled Erlang-A prediction (default: where it applies). Identical
    variants are drawn once (:func:`distinct`)."""
    results = distinct(results)
    plan = lay_out(results, x)
    columns = min(3, len(plan.panels))
    rows = math.ceil(len(plan.panels) / columns)
    figure = new_figure(max(7.0, 4.6 * columns), 3.6 * rows + 1.2)
    axes = figure.subplots(rows, columns, squeeze=False, sharey=True).ravel()
    drawing = _Drawing(results, plan, erlang)
    for ax, (title, members) in zip(axes, plan.panels, strict=False):
        drawing.draw(ax, metric, members)
        ax.set_title(title, fontsize="medium")
    for ax in axes[len(plan.panels):]:
        ax.set_visible(False)
    legend(figure, axes, identical_note(results))
    figure.suptitle(f"{results.name}: {registry.metric(metric).label} "
                    f"(mean and 95% CI, {finished_note(results)})")
    return figure


def plot_metrics(
    results: Results,
    metrics: Sequence[str] = KEY_METRICS,
    *,
    x: str | None = None,
    erlang: bool | None = None,
) -> Figure:
    """:func:`plot_metric` for several metrics, one panel each; with a third factor, a row
    per metric and a column per level of the rest. One legend. Identical variants are
    drawn once (:func:`distinct`)."""
    results = distinct(results)
    plan = lay_out(results, x)
    drawing = _Drawing(results, plan, erlang)
    if len(plan.panels) == 1:
        columns = 3 if len(metrics) > 4 else 2 if len(metrics) > 1 else 1
        rows = math.ceil(len(metrics) / columns)
        figure = new_figure(4.6 * columns, 3.4 * rows + 1.2)
        axes = figure.subplots(rows, columns, squeeze=False).ravel()
        for ax, metric in zip(axes, metrics, strict=False):
            drawing.draw(ax, metric, plan.panels[0][1])
            ax.set_title(registry.metric(metric).label)
        for ax in axes[len(metrics):]:
            ax.set_visible(False)
        axes = axes[: len(metrics)]
    else:
        columns = len(plan.panels)
        figure = new_figure(3.8 * columns + 0.6, 2.9 * len(metrics) + 1.4)
        grid = figure.subplots(len(metrics), columns, squeeze=False, sharey="row",
                               sharex=True)
        for row, metric in zip(grid, metrics, strict=True):
            for ax, (_, members) in zip(row, plan.panels, strict=True):
                drawing.draw(ax, metric, members)
        for ax, (title, _) in zip(grid[0], plan.panels, strict=True):
            ax.set_title(title, fontsize="medium")
        for ax in grid[:-1].ravel():
            ax.set_xlabel("")
        for ax in grid[:, 1:].ravel():
            ax.set_ylabel("")
        axes = grid.ravel()
    legend(figure, axes, identical_note(results))
    figure.suptitle(f"{results.name}: mean and 95% CI ({finished_note(results)})")
    return figure


class _Drawing:
    """What the metric panels of one chart share: the summary, the plan, the scenarios
    and the Erlang-A predictions."""

    def __init__(self, results: Results, plan: Plan, erlang: bool | None):
        self.results, self.plan, self.erlang = results, plan, erlang
        self.summary = results.summary()
        scenarios = results.scenarios()
        self.scenarios = [scenarios[label] for label in results.variants]

    def draw(self, ax: Axes, metric: str, members: list[int]) -> None:
        """``metric`` of the variants ``members`` (indices) on ``ax``."""
        if metric not in self.summary:
            raise ValueError(
                f"no metric {metric!r}; expected one of: {', '.join(registry.METRICS)}"
            )
        predicted = _erlang_column(self.results, metric) if self.erlang is not False else None
        if self.erlang and predicted is None:
            raise ValueError(f"Erlang A does not apply to {metric!r} in these scenarios")
        factor = display_scale(metric)
        mean = self.summary[metric].to_numpy(dtype=float) * factor
        half = self.summary[f"{metric}_ci95"].to_numpy(dtype=float) * factor
        low, high = band(metric, mean, half)
        x, hue = self.plan.x, self.plan.hue
        lines = range(len(hue.levels)) if hue is not None else [0]
        for j in lines:
            rows = [i for i in members if hue is None or hue.codes[i] == j]
            rows.sort(key=lambda i: x.codes[i])
            label = level(hue, j) if hue is not None else "simulation (mean, 95% CI)"
            colour = f"C{j % 10}"
            erlang = [predicted[i] * factor for i in rows] if predicted is not None else None
            if x.numbers is not None:
                xs = [x.numbers[x.codes[i]] for i in rows]
                ax.plot(xs, mean[rows], "o-", color=colour, label=label)
                ax.fill_between(xs, low[rows], high[rows], color=colour, alpha=0.2,
                                linewidth=0)
                if erlang is not None:
                    ax.plot(xs, erlang, "--", color=colour if hue is not None else "black")
            else:  # categories: side by side, each line's points a little apart
                shift = (j - (len(lines) - 1) / 2) * 0.6 / len(lines)
                xs = [x.codes[i] + shift for i in rows]
                ax.errorbar(xs, mean[rows], yerr=[mean[rows] - low[rows], high[rows] - mean[rows]],
                            fmt="o", capsize=4, color=colour, label=label)
                if erlang is not None:
                    ax.plot(xs, erlang, "x", color="black")
        if predicted is not None:
            # One legend entry for the Erlang marks, whatever their colours.
            ax.plot([], [], "--" if x.numbers is not None else "x", color="black",
                    label=ERLANG_LABEL)
        draw_targets(ax, [self.scenarios[i] for i in members], metric)
        if x.numbers is None:
            ax.set_xticks(range(len(x.levels)), [tick(x, v) for v in x.levels], rotation=20,
                          ha="right")
            # Every category keeps its place, also where a variant reports no value.
            ax.set_xlim(-0.5, len(x.levels) - 0.5)
        elif len(x.levels) <= _MAX_TICKS:  # the values run, not a scale of in-betweens
            ax.set_xticks(x.numbers, [tick(x, v) for v in x.levels])
        ax.set_xlabel(axis_label(x))
        ax.set_ylabel(metric_label(metric, self.scenarios))
        ax.grid(True, alpha=0.3)
