"""ccsim.plots.figure: bands stay within each metric's range, legends cover no data,
missing runs are said, and targets are drawn where the scenario sets them."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from plot_cases import THREE_WAY

from ccsim.experiment import Results, load_experiment, run_experiment
from ccsim.model.registry import METRICS
from ccsim.plots import (
    TARGET_LABEL,
    finished_note,
    plot_heatmap,
    plot_intervals,
    plot_metric,
    plot_metrics,
)

TARGETS = '\n[targets]\nservice_level = 0.8\nabandon_rate = 0.1\nasa = "30s"\n'


def _band_ys(ax) -> np.ndarray:
    """Every y of the filled confidence bands of ``ax``."""
    return np.concatenate([p.vertices[:, 1] for c in ax.collections for p in c.get_paths()])


def test_bands_stay_within_each_metrics_range(write_experiment) -> None:
    # Two replications: t(0.975, 1) = 12.7, so a raw band reaches far past 0 and 100 %.
    path = write_experiment("""
scenario = "tiny.toml"
replications = 2
[vary]
"agent_groups.*.staff" = { scale = [0.5, 1.0, 2.0] }
""")
    results = run_experiment(load_experiment(path), workers=1)
    summary = results.summary()
    crossed = []
    for metric in ("service_level", "abandon_rate", "p_wait", "occupancy", "asa"):
        m = METRICS[metric]
        (ax,) = plot_metric(results, metric, erlang=False).axes
        ys = _band_ys(ax)
        assert ys.min() >= m.low * m.scale and ys.max() <= m.high * m.scale, metric
        lows = summary[metric] - summary[f"{metric}_ci95"]
        highs = summary[metric] + summary[f"{metric}_ci95"]
        if lows.min() < m.low or highs.max() > m.high:
            crossed.append(metric)
    assert crossed  # without clipping, some band would have left its range
    figure = plot_intervals(results)
    # Service level and abandonment, per contact type; the staffing row has no band.
    metric_axes = [ax for ax in figure.axes if ax.collections]
    assert len(metric_axes) == len(figure.axes) - len(figure.axes) // 3
    for ax in metric_axes:
        ys = _band_ys(ax)
        assert ys.min() >= 0.0 and ys.max() <= 100.0


def _overlaps_axes(figure) -> bool:
    figure.draw_without_rendering()
    (legend,) = figure.legends
    box = legend.get_window_extent()
    return any(box.overlaps(ax.get_window_extent()) for ax in figure.axes if ax.get_visible())


def test_legends_sit_outside_the_axes(three_way: Results) -> None:
    assert not _overlaps_axes(plot_metrics(three_way, erlang=False))
    assert not _overlaps_axes(plot_metric(three_way, "asa"))
    assert not _overlaps_axes(plot_intervals(three_way))


def test_missing_runs_are_said(three_way: Results) -> None:
    assert finished_note(three_way) == "2 replications per variant"
    manifest = {**three_way.manifest, "seeds": list(range(100))}
    runs = three_way.runs.drop(index=[0, 3])  # variants 0 and 1 lost a replication
    cut = _with(three_way, manifest, runs.reset_index(drop=True))
    assert finished_note(cut) == "1–2 of 100 replications per variant finished"
    assert finished_note(cut, [cut.variants[0]]) == "1 of 100 replications finished"
    assert "1–2 of 100 replications per variant finished" in plot_metrics(
        cut, erlang=False)._suptitle.get_text()
    failed = runs.copy()
    failed.loc[1, "status"] = "failed"
    assert finished_note(_with(three_way, manifest, failed)).endswith(", 1 failed")


def _with(results: Results, manifest: dict, runs) -> Results:
    """``results`` with another manifest and runs table (as if runs were missing)."""
    changed = copy.copy(results)
    changed.manifest, changed.runs = manifest, runs
    return changed


def test_targets_are_drawn_where_the_scenario_sets_them(write_experiment, tmp_path) -> None:
    path = write_experiment(THREE_WAY.replace(
        '"contact_types.billing.patience.mean" = ["2min", "5min"]\n', ""))
    tiny = tmp_path / "tiny.toml"
    tiny.write_text(tiny.read_text() + TARGETS)
    results = run_experiment(load_experiment(path), workers=1)

    def target_ys(ax) -> list[float]:
        return [line.get_ydata()[0] for line in ax.get_lines()
                if line.get_label() == TARGET_LABEL]

    figure = plot_metrics(results, ("service_level", "abandon_rate", "asa", "occupancy"))
    assert [target_ys(ax) for ax in figure.axes] == [[80.0], [10.0], [30.0], []]
    assert TARGET_LABEL in [t.get_text() for t in figure.legends[0].get_texts()]
    intervals = plot_intervals(results)
    assert target_ys(intervals.axes[0]) == [80.0] and target_ys(intervals.axes[3]) == [10.0]
    image = next(ax for ax in plot_heatmap(results).axes if ax.images).images[0]
    assert image.norm(80.0) == pytest.approx(0.5)  # the target is the middle colour
