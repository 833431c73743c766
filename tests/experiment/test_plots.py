"""ccsim.plots: charts from results, and the pooled Erlang-A line they draw."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

from ccsim.analytic import erlang_a_metrics
from ccsim.experiment import Experiment, Results, load_experiment, run_experiment
from ccsim.plots import ERLANG_LABEL, plot_metric, plot_results, pooled_erlang_a
from ccsim.scenario import Scenario, load_scenario


def test_a_scenario_results_directory_gets_its_interval_chart(
    tiny_file: Path, tmp_path: Path
) -> None:
    pyplot_before = "matplotlib.pyplot" in sys.modules
    out = tmp_path / "out"
    experiment = Experiment.from_scenario(load_scenario(tiny_file), replications=3)
    run_experiment(experiment, workers=1, out=out)
    assert plot_results(out) == [out / "intervals.png"]
    assert (out / "intervals.png").read_bytes().startswith(b"\x89PNG")
    if not pyplot_before:
        assert "matplotlib.pyplot" not in sys.modules  # no global figure state


def test_a_two_way_sweep_gets_metric_panels_and_heatmaps(write_experiment, tmp_path: Path) -> None:
    out = tmp_path / "out"
    path = write_experiment("""
scenario = "tiny.toml"
replications = 3
[vary]
"agent_groups.*.staff" = { scale = [0.8, 1.2] }
"contact_types.billing.patience.mean" = ["2min", "5min"]
""")
    run_experiment(load_experiment(path), workers=1, out=out)
    names = [p.name for p in plot_results(out)]
    assert names == [
        "intervals.png",
        "metrics.png",
        "heatmap_service_level.png",
        "heatmap_asa.png",
        "heatmap_abandon_rate.png",
        "heatmap_occupancy.png",
    ]
    figure = Results.load(out).plot("asa")
    (ax,) = figure.axes
    assert ax.get_ylabel() == "ASA (mean wait of answered) (s)"
    assert ax.get_xlabel() == "staffing (× base scenario, every group)"
    labels = [t.get_text() for t in figure.legends[0].get_texts()]
    assert labels == [
        "billing.patience.mean = 2min",
        "billing.patience.mean = 5min",
        ERLANG_LABEL,
    ]


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


def test_pooled_erlang_a_is_erlang_a_for_one_queue_with_constant_rate(
    single_queue_dict: dict,
) -> None:
    scenario = Scenario.from_dict(single_queue_dict)
    pooled = pooled_erlang_a(scenario)
    exact = erlang_a_metrics(50, 690 / 3600, 240.0, 180.0, 20.0)
    assert pooled["service_level"] == pytest.approx(exact.service_level)
    assert pooled["abandon_rate"] == pytest.approx(exact.p_abandon)
    assert pooled["asa"] == pytest.approx(exact.asa)
    assert pooled["occupancy"] == pytest.approx(exact.occupancy)


def test_pooled_erlang_a_weights_intervals_by_volume(tiny_text: str) -> None:
    data = tomllib.loads(tiny_text)
    del data["contact_types"][1]
    data["agent_groups"] = [{"name": "all", "skills": ["billing"], "staff": [2, 8, 8, 8]}]
    data["contact_types"][0]["arrivals"] = {"volumes": [10, 30, 30, 30]}
    pooled = pooled_erlang_a(Scenario.from_dict(data))
    low = erlang_a_metrics(2, 10 / 1800, 240.0, 180.0, 20.0)
    high = erlang_a_metrics(8, 30 / 1800, 240.0, 180.0, 20.0)
    assert pooled["service_level"] == pytest.approx(
        (10 * low.service_level + 90 * high.service_level) / 100
    )
    assert pooled["occupancy"] == pytest.approx((2 * low.occupancy + 24 * high.occupancy) / 26)
