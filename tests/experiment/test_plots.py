"""ccsim.plots: charts from results, and the pooled Erlang-A line they draw."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from ccsim.analytic import erlang_a_metrics
from ccsim.experiment import Experiment, Results, load_experiment, run_experiment
from ccsim.model.registry import METRICS
from ccsim.plots import (
    ERLANG_LABEL,
    erlang_a_applies,
    plot_intervals,
    plot_metric,
    plot_results,
    pooled_erlang_a,
)
from ccsim.scenario import AgentGroup, ContactType, Scenario, load_scenario


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


# --- where the Erlang-A line is drawn -------------------------------------------------------


def test_erlang_a_is_drawn_only_for_what_it_models(tiny_text: str) -> None:
    data = tomllib.loads(tiny_text)
    assert erlang_a_applies(Scenario.from_dict(data))
    assert not erlang_a_applies(Scenario.from_dict({**data, "lines": 8}))
    scripted = tomllib.loads(tiny_text)
    scripted["contact_types"][0]["arrivals"] = {"times": [0, 60, 120]}
    assert not erlang_a_applies(Scenario.from_dict(scripted))
    patient = tomllib.loads(tiny_text)
    del patient["contact_types"][1]["patience"]
    assert not erlang_a_applies(Scenario.from_dict(patient))
    # Keys at their default count as unset.
    assert erlang_a_applies(Scenario.from_dict({**data, "warmup": 0, "start": "08:00"}))


def test_a_scenario_feature_erlang_a_does_not_know_rules_its_line_out(tiny_text: str) -> None:
    """A feature added to the schema later (a `[surveys]` table, a per-type retrial
    rule) gets no Erlang line until the allow-list names it, without a change to the rule."""

    class Surveys(Scenario):
        # A name the real schema does not use, so it stays a feature Erlang A cannot know.
        surveys: dict[str, float] | None = None

    class Redialling(ContactType):
        redial: float = 0.0

    data = tomllib.loads(tiny_text)
    assert erlang_a_applies(Surveys(**data))  # unset: nothing Erlang A does not model
    assert not erlang_a_applies(Surveys(**data, surveys={"after_call": 1.0}))
    types = [ContactType(**c) for c in data["contact_types"]]
    groups = [AgentGroup(**g) for g in data["agent_groups"]]
    base = {k: v for k, v in data.items() if k not in ("contact_types", "agent_groups")}
    redial = Redialling(**data["contact_types"][0], redial=0.3)
    assert erlang_a_applies(Scenario(**base, contact_types=types, agent_groups=groups))
    assert not erlang_a_applies(
        Scenario(**base, contact_types=[redial, types[1]], agent_groups=groups)
    )


def test_a_sweep_with_lines_gets_no_erlang_line(write_experiment) -> None:
    path = write_experiment("""
scenario = "tiny.toml"
replications = 2
[vary]
"lines" = [6, 8]
""")
    results = run_experiment(load_experiment(path), workers=1)
    (ax,) = plot_metric(results, "service_level").axes
    assert ERLANG_LABEL not in ax.get_legend_handles_labels()[1]
    with pytest.raises(ValueError, match="Erlang A does not apply"):
        plot_metric(results, "service_level", erlang=True)


# --- confidence bands -------------------------------------------------------------------------


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
    for ax in figure.axes:
        ys = _band_ys(ax)
        assert ys.min() >= 0.0 and ys.max() <= 100.0
