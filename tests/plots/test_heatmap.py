"""ccsim.plots.heatmap: heatmaps facet over a third factor and say which, run from red
(worse) to green (better), and colour on the metric's natural scale."""

from __future__ import annotations

import numpy as np
import pytest

from ccsim.experiment import Results
from ccsim.plots import plot_heatmap
from ccsim.plots.heatmap import _norm


def test_heatmaps_facet_over_the_third_parameter_and_say_which(three_way: Results) -> None:
    figure = plot_heatmap(three_way, "service_level")
    panels = [ax for ax in figure.axes if ax.images]
    assert [ax.get_title() for ax in panels] == [
        "staff of every team ×0.5", "staff of every team ×1.5"
    ]
    summary = three_way.summary()
    for ax, scale in zip(panels, (0.5, 1.5), strict=True):
        grid = ax.images[0].get_array()
        assert not np.ma.is_masked(grid) and np.isfinite(grid).all()  # no cell left out
        rows = summary[summary["agent_groups.*.staff:scale"] == scale]
        assert sorted(np.asarray(grid).ravel()) == pytest.approx(
            sorted(100 * rows["service_level"])
        )
        assert ax.get_xlabel() == "generalists team staff"
        assert [t.get_text() for t in ax.get_yticklabels()] == ["2min", "5min"]


def test_heatmap_colours_run_from_bad_to_good(three_way: Results) -> None:
    summary = three_way.summary()
    for metric, best in (("service_level", summary["service_level"].max()),
                         ("asa", summary["asa"].min())):
        image = next(ax for ax in plot_heatmap(three_way, metric).axes if ax.images).images[0]
        worst = summary[metric].min() if metric == "service_level" else summary[metric].max()
        good = image.cmap(image.norm(best * (100 if metric == "service_level" else 1)))
        bad = image.cmap(image.norm(worst * (100 if metric == "service_level" else 1)))
        assert good[1] > good[0] and bad[0] > bad[1], metric  # green for better, red worse


def test_a_heatmap_colours_on_the_metrics_natural_scale_and_says_its_range(
    three_way: Results,
) -> None:
    summary = three_way.summary()
    for metric, low, high in (("occupancy", 0.0, 100.0), ("service_level", 0.0, 100.0),
                              ("asa", 0.0, summary["asa"].max())):
        figure = plot_heatmap(three_way, metric)
        image = next(ax for ax in figure.axes if ax.images).images[0]
        assert (image.norm.vmin, image.norm.vmax) == pytest.approx((low, high)), metric
        scale = 100 if metric != "asa" else 1
        span = (f"cells from {summary[metric].min() * scale:.3g} to "
                f"{summary[metric].max() * scale:.3g}")
        assert span in figure.axes[-1].get_ylabel(), metric  # on the colour bar
    # Cells a point apart look alike: 96.9 and 98.5 % occupancy are nearly one colour.
    norm = _norm(np.array([96.9, 98.5]), None, (0.0, 100.0))
    assert norm(98.5) - norm(96.9) == pytest.approx(0.016)
