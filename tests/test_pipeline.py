"""Every valid scenario runs end to end: drawn by :func:`scenarios.valid_scenarios`, each
goes through everything a user touches — ``simulate``, ``run_experiment`` to a directory
(one scenario, and a small sweep), ``Results.load`` and its scenarios, the printed summary,
the report page, the charts, and ``ccsim report`` / ``ccsim plot`` on the saved directory —
and every run keeps its accounting identity. The stored scenario is what its author wrote,
and reads back as the same scenario."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import ccsim
from ccsim import Experiment, Results, Scenario, run_experiment
from ccsim.cli import main
from ccsim.model.registry import OUTCOMES
from ccsim.plots import plot_results
from ccsim.report import summary_text, write_report
from scenarios import pipeline_settings, valid_scenarios


def _offered_is_every_outcome(table: Any) -> None:
    """``offered`` = the sum of the outcome columns, on every row of ``table`` (a run's
    summary, or a DataFrame of runs or types)."""
    if isinstance(table, dict):
        assert table["offered"] == sum(table.get(o, 0) for o in OUTCOMES), table
        return
    terms = [o for o in OUTCOMES if o in table.columns]
    total = table[terms].fillna(0).sum(axis=1).astype("int64")
    assert (table["offered"].astype("int64") == total).all(), table[["offered", *terms]]


# --- the scenario strategy and the stored form -------------------------------------------


@pipeline_settings(examples=100, ci=500)
@given(valid_scenarios())
def test_every_drawn_scenario_is_valid_and_reads_back_from_its_stored_form(
    data: dict[str, Any]
) -> None:
    scenario = Scenario.from_dict(copy.deepcopy(data))
    stored = json.loads(json.dumps(scenario.to_dict()))
    assert Scenario.from_dict(stored) == scenario
    assert Scenario.from_dict(stored).to_dict() == stored
    # A manifest of ccsim 0.1 wrote every key, unset ones as null: it reads back too.
    assert Scenario.from_dict(json.loads(scenario.model_dump_json())) == scenario


def test_the_stored_scenario_holds_only_the_keys_written() -> None:
    scenario = Scenario.from_dict({
        "horizon": "1h", "callbacks": {"queue_at_least": 2, "accept": 0.5, "promise": "1h"},
        "contact_types": [{"name": "general", "arrivals": {"per_hour": 10},
                           "handle_time": {"dist": "exponential", "mean": "4min"},
                           "callbacks": {"mode": "keep_place"}}],
        "agent_groups": [{"name": "agents", "skills": ["general"], "staff": 2}]})
    stored = scenario.to_dict()
    assert stored["contact_types"][0]["callbacks"] == {"mode": "keep_place"}
    assert stored["horizon"] == 3600.0 and stored["callbacks"]["promise"] == 3600.0
    assert "service_level" not in stored and "wrap_up" not in stored["contact_types"][0]


# --- the whole pipeline ------------------------------------------------------------------

#: Sweeps any drawn scenario takes, each of two distinct variants: a ``[vary]`` grid, or a
#: hand-made variant beside the base.
SWEEPS = st.sampled_from([
    {"vary": {"service_level.answer_within": ["10s", "1min"]}},
    {"vary": {"agent_groups.*.staff": {"scale": [1.0, 2.0]}}},
    {"variants": [{"label": "twice the staff", "agent_groups.*.staff": {"scale": 2}}]},
])


def _through_the_api(scenario: Scenario, data: dict[str, Any], vary: dict[str, Any],
                     folder: Path) -> list[Path]:
    """Run ``scenario`` alone and in a sweep into ``folder``; check what a notebook and
    ``ccsim run`` would read, but the charts. The results directories."""
    run = ccsim.simulate(scenario, 1)
    _offered_is_every_outcome(run.summary)
    _offered_is_every_outcome(run.types)

    one = Experiment.from_scenario(scenario, replications=2, seed=5)
    sweep = Experiment.from_dict({"name": "drawn sweep", "scenario": copy.deepcopy(data),
                                  "replications": 2, "seed": 5, **copy.deepcopy(vary)})
    assert len(sweep.variants) == 2
    directories = []
    for name, experiment in (("one", one), ("sweep", sweep)):
        out = folder / name
        ran = run_experiment(experiment, workers=1, out=out, progress=False,
                             trace=name == "one")
        assert ran.failed == []
        loaded = Results.load(out)
        assert loaded.scenarios() == {v.label: v.scenario for v in experiment.variants}
        assert len(loaded.runs) == 2 * len(experiment.variants)
        _offered_is_every_outcome(loaded.runs)
        _offered_is_every_outcome(loaded.types)
        assert summary_text(loaded, f"{experiment.name} (drawn)").startswith(experiment.name)
        assert write_report(out).is_file()
        directories.append(out)
    return directories


# Charts take most of the time of a draw (~70 %): drawn on fewer draws, below.
@pipeline_settings()
@given(data=valid_scenarios(), vary=SWEEPS)
def test_every_valid_scenario_runs_through_everything_a_user_touches(
    data: dict[str, Any], vary: dict[str, Any]
) -> None:
    scenario = Scenario.from_dict(copy.deepcopy(data))
    with tempfile.TemporaryDirectory() as folder:
        _through_the_api(scenario, data, vary, Path(folder))


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    # The ccsim these tests imported, whichever tree or installation it is.
    env = {"PYTHONPATH": str(Path(ccsim.__file__).parents[1]), "MPLBACKEND": "Agg",
           "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "ccsim.cli", *args], capture_output=True,
                          text=True, env=env, timeout=300)


def _command(*args: str) -> tuple[int, str, str]:
    """``ccsim ARGS`` run in this process (the command line's own entry point, without a
    Python start and its imports): exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


# The charts cost ~2 s a directory: a few draws (more under HYPOTHESIS_PROFILE=ci). The
# charts of the sweep are drawn by `ccsim plot`, those of the single scenario here; the
# commands run in this process (the per-type callbacks test below runs them as a user
# does, in a process of their own).
@pipeline_settings(examples=3, ci=8)
@given(data=valid_scenarios(), vary=SWEEPS)
def test_the_charts_and_ccsim_report_and_plot_read_every_saved_directory(
    data: dict[str, Any], vary: dict[str, Any]
) -> None:
    scenario = Scenario.from_dict(copy.deepcopy(data))
    with tempfile.TemporaryDirectory() as folder:
        one, sweep = _through_the_api(scenario, data, vary, Path(folder))
        drawn = plot_results(one)
        assert drawn and all(c.is_file() and c.stat().st_size > 0 for c in drawn)
        code, report, err = _command("report", str(sweep))
        assert code == 0, err
        assert Path(report.strip()).is_file()
        code, plot, err = _command("plot", str(sweep))
        assert code == 0, err
        charts = [Path(p) for p in plot.split()]
        assert {c.name for c in charts} >= {"intervals.png", "metrics.png"}
        assert all(c.is_file() and c.stat().st_size > 0 for c in charts)


# --- regression: per-type callbacks through `ccsim run` (issue 20, item 1) -----------------

PER_TYPE_CALLBACKS = """\
name = "per-type callbacks"
period = "30min"
horizon = "2h"

[callbacks]
queue_at_least = 1
accept = 0.5
promise = "30min"

[[contact_types]]
name = "general"
arrivals = { per_hour = 60 }
handle_time = { dist = "exponential", mean = "4min" }
patience = { dist = "exponential", mean = "3min" }
callbacks = { accept = 0.3 }

[[contact_types]]
name = "billing"
arrivals = { per_hour = 30 }
handle_time = { dist = "exponential", mean = "5min" }
patience = { dist = "exponential", mean = "3min" }
callbacks = { mode = "keep_place", schedule = "priority" }

[[contact_types]]
name = "sales"
arrivals = { per_hour = 20 }
handle_time = { dist = "exponential", mean = "3min" }
callbacks = false

[[agent_groups]]
name = "agents"
skills = ["general", "billing", "sales"]
staff = 6
"""

TYPE_ONLY_CALLBACKS = """\
name = "type-only callbacks"
period = "30min"
horizon = "2h"

[[contact_types]]
name = "general"
arrivals = { per_hour = 60 }
handle_time = { dist = "exponential", mean = "4min" }
patience = { dist = "exponential", mean = "3min" }
callbacks = { queue_at_least = 2, accept = 0.4, promise = "1h", dial_time = "15s" }

[[agent_groups]]
name = "agents"
skills = ["general"]
staff = 4
"""


@pytest.mark.parametrize(("text", "stored"), [
    (PER_TYPE_CALLBACKS, {"accept": 0.3}),
    (TYPE_ONLY_CALLBACKS, {"queue_at_least": 2, "accept": 0.4, "promise": 3600.0,
                           "dial_time": 15.0}),
], ids=["over the scenario's", "type only"])
def test_ccsim_run_writes_every_output_of_per_type_callbacks(
    tmp_path: Path, text: str, stored: dict[str, Any]
) -> None:
    (tmp_path / "day.toml").write_text(text)
    out = tmp_path / "out"
    run = _cli("run", str(tmp_path / "day.toml"), "-n", "2", "--workers", "1", "--out", str(out))
    assert run.returncode == 0, run.stderr
    assert "callbacks" in run.stdout
    assert (out / "report.html").is_file() and (out / "charts" / "intervals.png").is_file()
    # What the file wrote, and nothing it left to the scenario's [callbacks].
    manifest = json.loads((out / "experiment.json").read_text())
    assert manifest["variants"][0]["scenario"]["contact_types"][0]["callbacks"] == stored
    for command in ("report", "plot"):
        again = _cli(command, str(out))
        assert again.returncode == 0, again.stderr


def test_a_manifest_that_does_not_validate_names_the_file_and_the_variant(
    tmp_path: Path
) -> None:
    (tmp_path / "day.toml").write_text(TYPE_ONLY_CALLBACKS)
    out = tmp_path / "out"
    assert _cli("run", str(tmp_path / "day.toml"), "-n", "1", "--workers", "1", "-q",
                "--out", str(out)).returncode == 0
    manifest = json.loads((out / "experiment.json").read_text())
    manifest["variants"][0]["scenario"]["agent_groups"][0]["staff"] = -1
    (out / "experiment.json").write_text(json.dumps(manifest))
    report = _cli("report", str(out))
    assert report.returncode == 2
    assert report.stderr.strip() == (
        f"ccsim: error: {out / 'experiment.json'} (variant 'type-only callbacks'): "
        "agent_groups[agents].staff: must be a whole number from 0 to 100000 (got -1)")
