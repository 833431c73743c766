"""One metric over a grid of two factors: each cell the mean over replications with its
95 % CI half-width, a panel per level of the other factors. The colours run from red
(worse) to green (better) over the metric's natural scale (0–100 % for a share, from 0
for a time), not only the values found, so that a 1.6-point spread does not look like a
large one; the colour bar says the range of the cells and marks a target.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ccsim.model import registry
from ccsim.plots.figure import (
    TARGET_LABEL,
    display_scale,
    finished_note,
    metric_label,
    new_figure,
    target_values,
)
from ccsim.plots.plan import axis_label, lay_out, tick

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes
    from matplotlib.colors import Colormap, Normalize
    from matplotlib.figure import Figure

    from ccsim.experiment import Results


#: The metrics drawn as heatmaps of a sweep over two or more factors.
HEATMAP_METRICS = ("service_level", "asa", "abandon_rate", "occupancy")


def plot_heatmap(
    results: Results, metric: str = "service_level", *, x: str | None = None,
    y: str | None = None,
) -> Figure:
    """The mean of ``metric`` over a grid of two factors ``x`` and ``y`` (default: the
    first two), each cell annotated with mean ± 95% CI half-width; one panel per level
    of the other factors, titled with it, on one colour scale whose green is better."""
    import numpy as np

    plan = lay_out(results, x, y)
    if plan.hue is None:
        raise ValueError("a heatmap needs two swept parameters")
    xf, yf = plan.x, plan.hue
    summary = results.summary()
    factor = display_scale(metric)
    mean = summary[metric].to_numpy(dtype=float) * factor
    half = summary[f"{metric}_ci95"].to_numpy(dtype=float) * factor
    scenarios = list(results.scenarios().values())
    targets = [t * factor for t in target_values(scenarios, metric)]
    spec = registry.metric(metric)
    norm = _norm(mean, targets[0] if len(targets) == 1 else None,
                 (spec.low * factor, spec.high * factor))
    cmap = _colours(metric)
    columns = min(3, len(plan.panels))
    rows = math.ceil(len(plan.panels) / columns)
    figure = new_figure(1.8 + (1.2 + 1.1 * len(xf.levels)) * columns,
                        max(3.6, 1.2 + (0.9 + 0.75 * len(yf.levels)) * rows))
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for ax, (title, members) in zip(axes, plan.panels, strict=False):
        grid = np.full((len(yf.levels), len(xf.levels)), np.nan)
        for i in members:
            grid[yf.codes[i], xf.codes[i]] = mean[i]
        ax.imshow(grid, origin="lower", aspect="auto", cmap=cmap, norm=norm)
        for i in members:
            _cell(ax, xf.codes[i], yf.codes[i], mean[i], half[i], cmap(norm(mean[i])))
        ax.set_xticks(range(len(xf.levels)), [tick(xf, v) for v in xf.levels])
        ax.set_yticks(range(len(yf.levels)), [tick(yf, v) for v in yf.levels])
        ax.set_xlabel(axis_label(xf))
        ax.set_ylabel(axis_label(yf))
        ax.set_title(title, fontsize="medium")
    for ax in axes[len(plan.panels):]:
        ax.set_visible(False)
    from matplotlib.cm import ScalarMappable

    better = registry.metric(metric).better
    notes = [f"{better} is better"] if better else []
    notes += [f"black line: {TARGET_LABEL}"] if targets else []
    bar = figure.colorbar(ScalarMappable(norm, cmap), ax=axes[: len(plan.panels)].tolist(),
                          label="\n".join([metric_label(metric, scenarios), "; ".join(notes),
                                           _span(mean, spec.unit)]))
    for target in targets:
        bar.ax.axhline(target, color="black", linewidth=2)
    figure.suptitle(f"{results.name}: {registry.metric(metric).label} (mean ± 95% CI, "
                    f"{finished_note(results)})")
    return figure


def _norm(values: np.ndarray, target: float | None,
          bounds: tuple[float, float] = (-math.inf, math.inf)) -> Normalize:
    """The colour scale of a heatmap: the metric's natural scale, its ``bounds`` (0–100 %
    for a share; from 0 to the highest value for a time or a count), so that cells a
    point apart look alike; or, with a target, centred on it (a cell at the target is the
    middle colour, so red means the target is missed and green that it is met), never
    beyond ``bounds`` (no colour bar below 0 %)."""
    import numpy as np
    from matplotlib.colors import Normalize, TwoSlopeNorm

    finite = values[np.isfinite(values)]
    if not finite.size:
        return Normalize(0.0, 1.0)
    if target is None:
        low = bounds[0] if math.isfinite(bounds[0]) else finite.min()
        high = bounds[1] if math.isfinite(bounds[1]) else finite.max()
        high = max(high, finite.max())  # sl_expected may exceed 100 %
        return Normalize(low, high if high > low else low + 1.0)
    span = max(abs(finite.min() - target), abs(finite.max() - target)) or 1.0
    low, high = max(target - span, bounds[0]), min(target + span, bounds[1])
    if not low < target < high:  # the target at a bound: centring it is not possible
        return Normalize(low, high)
    return TwoSlopeNorm(target, low, high)


def _span(values: np.ndarray, unit: str) -> str:
    """``cells from 96.9 to 98.5 %``: the range of the values drawn, in words, as the
    colours may not show how close they are."""
    import numpy as np

    finite = values[np.isfinite(values)]
    if not finite.size:
        return "no cell has a value"
    unit = f" {unit}" if unit else ""
    return f"cells from {finite.min():.3g} to {finite.max():.3g}{unit}"


def _colours(metric: str) -> Colormap:
    """Red for worse, green for better (by the registry's ``better``); a neutral map for
    a metric that is neither; missing cells grey."""
    from matplotlib import colormaps

    better = registry.metric(metric).better
    name = {"higher": "RdYlGn", "lower": "RdYlGn_r"}.get(better or "", "viridis")
    return colormaps[name].with_extremes(bad="lightgrey")


def _cell(ax: Axes, column: int, row: int, mean: float, half: float, colour: Any) -> None:
    """The text of one heatmap cell, dark or light as its colour needs."""
    red, green, blue = colour[:3]
    dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
    if math.isnan(mean):
        text = "no runs"
    else:
        text = f"{mean:.3g}" + ("" if math.isnan(half) else f"\n± {half:.2g}")
    ax.text(column, row, text, ha="center", va="center", fontsize="small",
            color="white" if dark and not math.isnan(mean) else "black")
