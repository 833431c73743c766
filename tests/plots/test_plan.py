"""ccsim.plots.plan: a line never joins variants that differ in anything but x; the third
factor gives panels, hand-made variants are an axis of their own, and axes say in words
what was varied."""

from __future__ import annotations

import numpy as np
import pytest

from ccsim.experiment import Results, load_experiment, run_experiment
from ccsim.experiment.factors import factors
from ccsim.plots import plot_heatmap, plot_metric, plot_metrics

CROSSED = """
scenario = "tiny.toml"
replications = 2
[vary]
"agent_groups.generalists.staff" = [3, 5]
[[variants]]
label = "long calls"
"contact_types.*.handle_time.mean" = { scale = 1.5 }
"""


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


def test_named_variants_are_plotted_side_by_side(write_experiment) -> None:
    path = write_experiment("""
scenario = "tiny.toml"
replications = 2
[[variants]]
label = "as planned"
[[variants]]
label = "one more specialist"
"agent_groups.specialists.staff" = 3
""")
    results = run_experiment(load_experiment(path), workers=1)
    ax = plot_metric(results, "service_level", erlang=False).axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["as planned", "one more specialist"]
