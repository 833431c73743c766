"""ccsim.plots tells the truth: a line never joins variants that differ in anything but x,
heatmaps name their panels, hand-made variants and targets are shown as such, legends
cover no data, and missing runs are said."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

from ccsim.experiment import Results, load_experiment, run_experiment
from ccsim.plots import (
    TARGET_LABEL,
    clock,
    describe,
    distinct,
    factors,
    finished_note,
    plot_heatmap,
    plot_intervals,
    plot_metric,
    plot_metrics,
)
from ccsim.scenario import Scenario

THREE_WAY = """
scenario = "tiny.toml"
replications = 2
[vary]
"agent_groups.generalists.staff" = [2, 4, 6]
"contact_types.billing.patience.mean" = ["2min", "5min"]
"agent_groups.*.staff" = { scale = [0.5, 1.5] }
"""

CROSSED = """
scenario = "tiny.toml"
replications = 2
[vary]
"agent_groups.generalists.staff" = [3, 5]
[[variants]]
label = "long calls"
"contact_types.*.handle_time.mean" = { scale = 1.5 }
"""

TARGETS = '\n[targets]\nservice_level = 0.8\nabandon_rate = 0.1\nasa = "30s"\n'


@pytest.fixture
def three_way(write_experiment) -> Results:
    return run_experiment(load_experiment(write_experiment(THREE_WAY)), workers=1)


def _lines(ax) -> list:
    """The simulation lines of a panel (markers on), not Erlang or target lines."""
    return [line for line in ax.get_lines() if line.get_marker() == "o"]


def test_a_three_way_sweep_draws_a_panel_per_level_of_the_third(three_way: Results) -> None:
    figure = plot_metric(three_way, "service_level", erlang=False)
    panels = [ax for ax in figure.axes if ax.get_visible()]
    assert [ax.get_title() for ax in panels] == [
        "staff of every team ×0.5", "staff of every team ×1.5"
    ]
    summary = three_way.summary()
    for ax, scale in zip(panels, (0.5, 1.5), strict=True):
        lines = _lines(ax)
        assert [line.get_label() for line in lines] == [
            "billing mean patience = 2min", "billing mean patience = 5min"
        ]
        for line, patience in zip(lines, ("2min", "5min"), strict=True):
            xs = line.get_xdata()
            assert list(xs) == [2, 4, 6]  # no zigzag: each x once, in order
            rows = summary[(summary["agent_groups.*.staff:scale"] == scale)
                           & (summary["contact_types.billing.patience.mean"] == patience)]
            expected = rows.sort_values("agent_groups.generalists.staff")["service_level"]
            assert line.get_ydata() == pytest.approx(100 * expected.to_numpy())


def test_the_metrics_chart_has_a_row_per_metric_and_a_column_per_third_level(
    three_way: Results,
) -> None:
    figure = plot_metrics(three_way, ("service_level", "asa"), erlang=False)
    assert len(figure.axes) == 4
    for ax in figure.axes:
        assert all(np.all(np.diff(line.get_xdata()) > 0) for line in _lines(ax))
        assert len(_lines(ax)) == 2


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


def test_hand_made_variants_are_an_axis_of_their_own_with_their_labels(
    write_experiment,
) -> None:
    results = run_experiment(load_experiment(write_experiment(CROSSED)), workers=1)
    assert [f.column for f in factors(results)] == [
        "agent_groups.generalists.staff", "variants.label"
    ]
    figure = plot_heatmap(results, "asa")
    (ax,) = [ax for ax in figure.axes if ax.images]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["tiny", "long calls"]
    assert ax.get_ylabel() == "variant"
    (ax,) = plot_metric(results, "asa", erlang=False).axes
    assert [line.get_label() for line in _lines(ax)] == ["tiny", "long calls"]
    alone = plot_metric(results, "asa", x="variants.label", erlang=False).axes[0]
    assert [t.get_text() for t in alone.get_xticklabels()] == ["tiny", "long calls"]


@pytest.mark.parametrize(("column", "words"), [
    ("agent_groups.billing.staff", "billing team staff"),
    ("agent_groups.billing.staff:scale", "billing team staff"),
    ("agent_groups.*.staff:scale", "staff of every team"),
    ("contact_types.billing.patience.mean", "billing mean patience"),
    ("contact_types.*.handle_time.mean:scale", "mean handle time of every contact type"),
    ("contact_types.sales.arrivals.per_hour", "sales arrivals per hour"),
    ("lines", "lines"),
])
def test_parameters_are_named_in_words(column: str, words: str) -> None:
    assert describe(column) == words


def test_one_scaled_group_is_not_called_the_staffing(write_experiment) -> None:
    path = write_experiment("""
scenario = "tiny.toml"
replications = 2
[vary]
"agent_groups.generalists.staff" = { scale = [0.8, 1.2] }
""")
    (ax,) = plot_metric(run_experiment(load_experiment(path), workers=1), "asa").axes
    assert ax.get_xlabel() == "generalists team staff (× base)"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["×0.8", "×1.2"]


def test_the_interval_chart_has_a_column_per_contact_type(three_way: Results) -> None:
    label = three_way.variants[0]
    figure = plot_intervals(three_way, variants=[label])
    assert [ax.get_title() for ax in figure.axes[:3]] == ["all contact types", "billing", "tech"]
    table = three_way.intervals
    billing = table[(table["variant"] == label) & (table["contact_type"] == "billing")]
    expected = billing.groupby("interval")["service_level"].mean() * 100
    (line,) = figure.axes[1].get_lines()
    assert line.get_ydata() == pytest.approx(expected.to_numpy())


def test_clock_labels_name_the_day_on_a_horizon_of_several_days(tiny_text: str) -> None:
    import tomllib

    data = tomllib.loads(tiny_text)
    data.update(start="08:00", horizon="3d")
    data["agent_groups"][1]["staff"] = 4
    scenario = Scenario.from_dict(data)
    assert [clock(scenario, i) for i in (0, 1, 32, 143)] == [
        "day 1 08:00", "day 1 08:30", "day 2 00:00", "day 4 07:30"
    ]
    one_day = Scenario.from_dict(tomllib.loads(tiny_text))
    assert clock(one_day, 3) == "01:30"


def test_a_multi_day_interval_chart_is_ticked_with_days(
    write_experiment, tmp_path: Path
) -> None:
    path = write_experiment('scenario = "tiny.toml"\nreplications = 2\n')
    tiny = tmp_path / "tiny.toml"
    tiny.write_text(tiny.read_text().replace('horizon = "2h"', 'horizon = "3d"\nstart = "08:00"')
                    .replace("staff = [3, 4, 4, 3]", "staff = 4"))
    results = run_experiment(load_experiment(path), workers=1)
    figure = plot_intervals(results)
    ticks = [t.get_text() for t in figure.axes[-1].get_xticklabels()]
    assert ticks and all(t.startswith("day ") for t in ticks)
    assert len(ticks) <= 8
    assert "day 2 00:00" in ticks


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


def test_heatmap_colours_run_from_bad_to_good(three_way: Results) -> None:
    summary = three_way.summary()
    for metric, best in (("service_level", summary["service_level"].max()),
                         ("asa", summary["asa"].min())):
        image = next(ax for ax in plot_heatmap(three_way, metric).axes if ax.images).images[0]
        worst = summary[metric].min() if metric == "service_level" else summary[metric].max()
        good = image.cmap(image.norm(best * (100 if metric == "service_level" else 1)))
        bad = image.cmap(image.norm(worst * (100 if metric == "service_level" else 1)))
        assert good[1] > good[0] and bad[0] > bad[1], metric  # green for better, red worse


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


#: Two hand-made variants that set different keys to the base's own values: the same
#: scenario, so the same numbers (every variant runs on the same seeds).
TWINS = """
scenario = "tiny.toml"
replications = 2
[[variants]]
label = "short patience"
"contact_types.billing.patience.mean" = "1min"
[[variants]]
label = "as planned"
"agent_groups.specialists.staff" = 2
[[variants]]
label = "billing as usual"
"contact_types.billing.patience.mean" = "3min"
"""


def test_identical_variants_are_drawn_once_with_all_their_names(write_experiment) -> None:
    results = run_experiment(load_experiment(write_experiment(TWINS)), workers=1)
    assert len(results.variants) == 3
    merged = distinct(results)
    assert merged.variants == ["short patience", "as planned = billing as usual"]
    assert merged.manifest["identical"] == [["as planned", "billing as usual"]]
    assert set(merged.runs["variant"]) == set(merged.variants)
    assert distinct(merged) is merged and distinct(merged).variants == merged.variants
    figure = plot_metric(results, "service_level", erlang=False)
    ax = figure.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == merged.variants
    note = figure.legends[0].get_title().get_text().replace("\n", " ")
    assert "Drawn once (the same scenario, so the same results): as planned = billing as " \
           "usual." in note
    lines = plot_intervals(results).axes[0].get_lines()
    assert [line.get_label() for line in lines if line.get_marker() == "."] == merged.variants
    one = plot_intervals(results, variants=["billing as usual"])
    assert "as planned = billing as usual: by interval" in one._suptitle.get_text()
    # Different scenarios are never merged.
    three = run_experiment(load_experiment(write_experiment(THREE_WAY)), workers=1)
    assert distinct(three) is three


def test_the_interval_chart_names_the_variants_it_leaves_out(three_way: Results) -> None:
    figure = plot_intervals(three_way)
    shown = [line.get_label() for line in figure.axes[0].get_lines()
             if line.get_marker() == "."]
    assert len(shown) == 5 and len(three_way.variants) == 12
    assert "5 of 12 variants, spread over the sweep" in figure._suptitle.get_text()
    note = figure.legends[0].get_title().get_text().replace("\n", " ")
    assert note.startswith("Not drawn (to keep the chart readable): ")
    left = note.removeprefix("Not drawn (to keep the chart readable): ").rstrip(".")
    assert len(left.split("; ")) == 7 and not set(left.split("; ")) & set(shown)
    assert "generalists team staff = 4" in left
    chosen = plot_intervals(three_way, variants=three_way.variants[:2])
    assert chosen.legends[0].get_title().get_text() == ""  # the caller chose: nothing to say


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
    from ccsim.plots import _norm

    norm = _norm(np.array([96.9, 98.5]), None, (0.0, 100.0))
    assert norm(98.5) - norm(96.9) == pytest.approx(0.016)
