"""ccsim.plots.save: plot_results draws every chart of a results directory into its
charts/ folder, without pyplot."""

from __future__ import annotations

import sys
from pathlib import Path

from ccsim.experiment import Experiment, Results, load_experiment, run_experiment
from ccsim.plots import ERLANG_LABEL, plot_metric, plot_results
from ccsim.scenario import load_scenario


def test_a_scenario_results_directory_gets_its_interval_chart(
    tiny_file: Path, tmp_path: Path
) -> None:
    pyplot_before = "matplotlib.pyplot" in sys.modules
    out = tmp_path / "out"
    experiment = Experiment.from_scenario(load_scenario(tiny_file), replications=3)
    run_experiment(experiment, workers=1, out=out)
    assert plot_results(out) == [out / "charts" / "intervals.png"]
    assert (out / "charts" / "intervals.png").read_bytes().startswith(b"\x89PNG")
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
    charts = plot_results(out)
    assert {p.parent for p in charts} == {out / "charts"}
    assert [p.name for p in charts] == [
        "intervals.png",
        "metrics.png",
        "heatmap_service_level.png",
        "heatmap_asa.png",
        "heatmap_abandon_rate.png",
        "heatmap_occupancy.png",
    ]
    figure = plot_metric(Results.load(out), "asa")
    (ax,) = figure.axes
    assert ax.get_ylabel() == "ASA (s)"  # the registry's label and unit
    assert ax.get_xlabel() == "staff of every team (× base)"
    labels = [t.get_text() for t in figure.legends[0].get_texts()]
    assert labels == [
        "billing mean patience = 2min",
        "billing mean patience = 5min",
        ERLANG_LABEL,
    ]
