"""Executors: the same results whatever runs them; batching; Dask as an optional extra."""

from __future__ import annotations

import re
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


def _children(pid: int) -> set[int]:
    """Live processes whose parent is ``pid`` (read from /proc: no psutil needed)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(condition, seconds: float) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


SLOW_SWEEP = """
scenario = "tiny.toml"
replications = {replications}
[vary]
"contact_types.billing.arrivals.per_hour" = [40000, 41000]
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_kill_9_of_ccsim_run_leaves_no_worker_process(write_experiment, tmp_path: Path) -> None:
    import os
    import signal
    import subprocess

    path = write_experiment(SLOW_SWEEP.format(replications=200))
    main = subprocess.Popen(
        [sys.executable, "-m", "ccsim.cli", "run", str(path), "--workers", "2", "--quiet",
         "--out", str(tmp_path / "out")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        assert _wait_for(lambda: len(list((tmp_path / "out").glob("runs/*.json"))) > 2, 60)
        workers = _children(main.pid)
        assert len(workers) >= 2, workers  # the pool is running
    finally:
        os.kill(main.pid, signal.SIGKILL)
        main.wait()
    assert _wait_for(lambda: not any(_alive(w) for w in workers), 5), [
        w for w in workers if _alive(w)
    ]


CLUSTER = """
import sys, time
from dask.distributed import LocalCluster

if __name__ == "__main__":
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None)
    print(cluster.scheduler_address, flush=True)
    time.sleep(600)
"""


def test_a_dask_cluster_that_dies_midway_is_one_line_exit_1_and_resumable(
    write_experiment, tmp_path: Path
) -> None:
    import os
    import signal
    import subprocess

    pytest.importorskip("dask.distributed")
    # 20 runs of about half a second: the cluster dies a few runs in, and the run again
    # has most of them to finish.
    path = write_experiment(SLOW_SWEEP.format(replications=10))
    (tmp_path / "cluster.py").write_text(CLUSTER)
    host = subprocess.Popen([sys.executable, str(tmp_path / "cluster.py")],
                            stdout=subprocess.PIPE, text=True, start_new_session=True)
    out = tmp_path / "out"
    try:
        address = host.stdout.readline().strip()
        assert address.startswith("tcp://")
        run = subprocess.Popen(
            [sys.executable, "-m", "ccsim.cli", "run", str(path), "--dask", address,
             "--quiet", "--out", str(out)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        assert _wait_for(lambda: len(list(out.glob("runs/*.json"))) > 2, 60)
    finally:
        os.killpg(host.pid, signal.SIGKILL)  # the scheduler and its workers, at once
        host.wait()
    _, stderr = run.communicate(timeout=120)
    assert run.returncode == 1, stderr
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1, stderr
    assert re.match(
        r"ccsim: error: the Dask cluster failed \(.+\); \d+ of 20 runs did not finish: run "
        r"the experiment again to finish them \(the finished runs are saved in .+/out/\)$",
        stderr.strip(),
    ), stderr
    saved = len(list(out.glob("runs/*.json")))
    assert 0 < saved < 20
    again = subprocess.run(
        [sys.executable, "-m", "ccsim.cli", "run", str(path), "--workers", "2", "--quiet",
         "--out", str(out)], capture_output=True, text=True,
    )
    assert again.returncode == 0, again.stderr
    assert len(list(out.glob("runs/*.json"))) == 20
