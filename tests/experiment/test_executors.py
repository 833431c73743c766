"""Executors: the same results whatever runs them; batching; Dask as an optional extra."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ccsim.experiment import load_experiment, run_experiment
from ccsim.experiment.executors import Run, _Batches, run_batch
from ccsim.scenario import ScenarioError

SWEEP = """
scenario = "tiny.toml"
replications = 6
seed = 5
[vary]
"agent_groups.*.staff" = { scale = [0.8, 1.2] }
"contact_types.billing.patience.mean" = ["2min", "5min"]
"""


def test_runs_csv_is_byte_identical_in_process_in_a_pool_and_on_dask(
    write_experiment, tmp_path: Path
) -> None:
    from dask.distributed import Client, LocalCluster

    experiment = load_experiment(write_experiment(SWEEP))
    run_experiment(experiment, workers=1, out=tmp_path / "one")
    run_experiment(experiment, workers=2, out=tmp_path / "two")
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        run_experiment(experiment, client=client, out=tmp_path / "dask")
    reference = (tmp_path / "one" / "runs.csv").read_bytes()
    assert reference.count(b"\n") == 1 + 4 * 6
    for name in ("two", "dask"):
        assert (tmp_path / name / "runs.csv").read_bytes() == reference
        assert (tmp_path / name / "intervals.csv").read_bytes() == (
            tmp_path / "one" / "intervals.csv"
        ).read_bytes()
        assert (tmp_path / name / "summary.csv").read_bytes() == (
            tmp_path / "one" / "summary.csv"
        ).read_bytes()


def test_a_run_that_raises_is_a_failed_record_and_the_batch_goes_on(
    tiny_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ccsim.experiment import executors
    from ccsim.scenario import load_scenario

    real = executors.simulate

    def flaky(scenario, seed, trace=False):
        if seed == 2:
            raise ZeroDivisionError("boom")
        return real(scenario, seed, trace=trace)

    monkeypatch.setattr(executors, "simulate", flaky)
    scenario = load_scenario(tiny_file)
    records = run_batch({0: scenario}, [Run(0, 0, 1), Run(0, 1, 2), Run(0, 2, 3)])
    assert [r["status"] for r in records] == ["ok", "failed", "ok"]
    assert records[1]["error"] == "ZeroDivisionError: boom"
    assert records[0]["summary"]["offered"] > 0
    assert set(records[0]["intervals"]) >= {"interval", "time", "contact_type", "offered"}


def test_batches_grow_to_the_target_time_but_leave_work_for_every_worker() -> None:
    runs = [Run(0, r, r) for r in range(1000)]
    batches = _Batches(runs, slots=2, target=1.0)
    assert len(batches.take()) == 1  # nothing measured yet
    batches.observe([{"elapsed": 0.01}])
    assert len(batches.take()) == 100  # 1 s / 10 ms
    batches.observe([{"elapsed": 0.01}] * 100)
    tail = _Batches(runs[:10], slots=2, target=1.0)
    tail.observe([{"elapsed": 0.01}])
    assert len(tail.take()) == 3  # ceil(10 / (2 · 2)): the end does not wait on one worker


def test_dask_without_the_extra_installed_is_a_one_line_error(
    write_experiment, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_experiment('scenario = "tiny.toml"\nexecutor = "dask"\nreplications = 2\n')
    experiment = load_experiment(path)
    assert experiment.executor == "dask"
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import fails
    with pytest.raises(ScenarioError, match=r'^install ccsim\[dask\] to use executor = "dask"$'):
        run_experiment(experiment)
