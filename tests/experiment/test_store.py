"""The results store: saved as runs finish, resumable after kill -9, never mixing
experiments, failed runs kept as data, a directory of other files never written to."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ccsim.experiment import Results, load_experiment, run_experiment
from ccsim.model.registry import CORE, METRICS
from ccsim.scenario import ScenarioError

#: The metrics of a run with no policy of its own, in table order.
PLAIN = [m for m in METRICS if m in CORE]

SWEEP = """
scenario = "tiny.toml"
replications = {replications}
seed = 11
[vary]
"agent_groups.specialists.staff" = [1, 2, 3]
"""

# Long enough (8 h, busier) that 240 runs take a few seconds on two workers.
LONGER = """
scenario = "tiny.toml"
replications = 60
seed = 3
[vary]
"agent_groups.specialists.staff" = [4, 6]
"agent_groups.generalists.staff" = [5, 7]
"horizon" = ["8h"]
"contact_types.billing.arrivals.per_hour" = [120]
"""


def test_a_changed_experiment_is_refused_unless_fresh(write_experiment, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_experiment(load_experiment(write_experiment(SWEEP.format(replications=2))), out=out,
                   workers=1)
    changed = load_experiment(write_experiment(SWEEP.format(replications=3)), seed=12)
    with pytest.raises(
        ScenarioError,
        match=r"out: holds results of a different experiment \(seed was 11, now 12\); "
        r"pass --fresh to discard them, or choose another --out",
    ):
        run_experiment(changed, out=out, workers=1)
    other = load_experiment(write_experiment(SWEEP.replace("[1, 2, 3]", "[1, 2, 4]").format(
        replications=2)))
    with pytest.raises(ScenarioError, match=r"the variants changed"):
        run_experiment(other, out=out, workers=1)
    results = run_experiment(changed, out=out, workers=1, fresh=True)
    assert len(results.runs) == 9
    assert len(list((out / "runs").glob("*.json"))) == 9


def test_failed_runs_are_recorded_reported_and_retried_on_resume(
    write_experiment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ccsim.experiment import executors

    experiment = load_experiment(write_experiment(SWEEP.format(replications=3)))
    bad_seed = experiment.seeds()[1]
    real = executors.simulate

    def flaky(scenario, seed, trace=False):
        if seed == bad_seed and scenario.agent_groups[0].staff == 2:
            raise RuntimeError("no agents left")
        return real(scenario, seed, trace=trace)

    monkeypatch.setattr(executors, "simulate", flaky)
    out = tmp_path / "out"
    results = run_experiment(experiment, workers=1, out=out)
    assert [str(f) for f in results.failed] == [
        f"variant 'specialists.staff=2', replication 1 (seed {bad_seed}): "
        "RuntimeError: no agents left"
    ]
    failed = results.runs[results.runs["status"] == "failed"]
    assert list(failed["error"]) == ["RuntimeError: no agents left"]
    assert failed[PLAIN].isna().all(axis=None)
    assert (results.runs["status"] == "ok").sum() == 8
    summary = results.summary().set_index("variant")
    assert summary.loc["specialists.staff=2", "replications"] == 2
    assert summary.loc["specialists.staff=2", "failed"] == 1

    monkeypatch.setattr(executors, "simulate", real)
    again = run_experiment(experiment, workers=1, out=out)
    assert again.failed == []
    assert (again.runs["status"] == "ok").all()


def test_kill_9_loses_no_finished_run_and_resuming_finishes_only_the_missing(
    write_experiment, tmp_path: Path
) -> None:
    path = write_experiment(LONGER)
    total = 4 * 60
    out = tmp_path / "killed"
    script = (
        "from ccsim.experiment import load_experiment, run_experiment\n"
        f"run_experiment(load_experiment({str(path)!r}), workers=2, out={str(out)!r}, "
        "progress=False)\n"
    )
    # A session of its own, so that kill -9 reaches the pool's workers too.
    process = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while len(list((out / "runs").glob("*.json"))) < 40:
            assert process.poll() is None, "the experiment ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.01)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    landed = len(list((out / "runs").glob("*.json")))
    assert 40 <= landed < total, "kill -9 came too late to test anything"
    assert not (out / "runs.csv").exists()
    assert len(Results.load(out).runs) == landed  # what landed can be read at once
    logged = len((out / "log.jsonl").read_text().splitlines())

    experiment = load_experiment(path)
    resumed = run_experiment(experiment, workers=2, out=out)
    rerun = len((out / "log.jsonl").read_text().splitlines()) - logged
    assert rerun == total - landed  # only the missing runs ran
    keys = list(zip(resumed.runs["variant"], resumed.runs["replication"], strict=True))
    assert len(keys) == total and len(set(keys)) == total
    whole = run_experiment(experiment, workers=2, out=tmp_path / "whole")
    assert (out / "runs.csv").read_bytes() == (tmp_path / "whole" / "runs.csv").read_bytes()
    assert whole.intervals.equals(resumed.intervals)


def test_a_scenario_runs_as_a_one_variant_experiment(tiny_file: Path, tmp_path: Path) -> None:
    from ccsim.experiment import Experiment
    from ccsim.scenario import load_scenario

    experiment = Experiment.from_scenario(
        load_scenario(tiny_file), replications=3, seed=0, source=tiny_file
    )
    out = tmp_path / "out"
    results = run_experiment(experiment, workers=1, out=out)
    header = (out / "runs.csv").read_text().splitlines()[0].split(",")
    assert header == ["variant", "replication", "seed", *PLAIN, "status", "error"]
    summary = results.summary()
    assert list(summary["variant"]) == ["tiny"]
    assert list(summary.columns[:3]) == ["variant", "replications", "failed"]
    assert (out / "intervals.csv").is_file()
    assert (out / "inputs" / "tiny.toml").read_text() == tiny_file.read_text()
    manifest = json.loads((out / "experiment.json").read_text())
    assert manifest["variants"][0]["scenario"]["name"] == "tiny"
    assert manifest["seeds"] == experiment.seeds()


def test_trace_writes_one_parquet_per_run(tiny_file: Path, tmp_path: Path) -> None:
    import pandas as pd

    from ccsim.experiment import Experiment
    from ccsim.scenario import load_scenario

    experiment = Experiment.from_scenario(load_scenario(tiny_file), replications=2)
    run_experiment(experiment, workers=1, out=tmp_path / "out", trace=True)
    files = sorted((tmp_path / "out" / "trace").glob("*.parquet"))
    assert [f.name for f in files] == ["v0000-r0000.parquet", "v0000-r0001.parquet"]
    trace = pd.read_parquet(files[1])
    assert list(trace.columns[:3]) == ["variant", "replication", "time"]
    assert set(trace["replication"]) == {1}
    assert {"arrived", "answered"} <= set(trace["event"])
    with pytest.raises(ValueError, match="trace=True writes one file per run"):
        run_experiment(experiment, trace=True)


def test_without_out_nothing_is_written(write_experiment, tmp_path: Path) -> None:
    path = write_experiment(SWEEP.format(replications=2))
    before = sorted(p.name for p in tmp_path.iterdir())
    results = run_experiment(load_experiment(path), workers=1)
    assert results.out is None
    assert len(results.runs) == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_dead_worker_loses_no_finished_run(
    write_experiment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ccsim.experiment import executors
    from ccsim.experiment.executors import WorkerDied

    experiment = load_experiment(write_experiment(SWEEP.format(replications=20)))
    fatal = experiment.seeds()[15]
    real = executors.simulate

    def dies(scenario, seed, trace=False):
        if seed == fatal:
            os._exit(9)  # as if killed: no exception, the process is gone
        return real(scenario, seed, trace=trace)

    # Pool workers are forked from this process, so they inherit the patch.
    monkeypatch.setattr(executors, "simulate", dies)
    out = tmp_path / "out"
    with pytest.raises(WorkerDied, match=r"a worker process died .* run the experiment again"):
        run_experiment(experiment, workers=2, out=out)
    landed = len(list((out / "runs").glob("*.json")))
    assert 0 < landed < 60
    monkeypatch.setattr(executors, "simulate", real)
    results = run_experiment(experiment, workers=2, out=out)
    assert len(results.runs) == 60 and (results.runs["status"] == "ok").all()
    whole = run_experiment(experiment, workers=1)
    assert whole.runs.equals(results.runs)


def test_a_table_that_cannot_be_written_loses_no_run_record(
    write_experiment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ccsim.experiment import results as module

    experiment = load_experiment(write_experiment(SWEEP.format(replications=3)))
    out = tmp_path / "out"
    real = module.write_parquet

    def broken(table, path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(module, "write_parquet", broken)
    with pytest.raises(OSError, match="No space left on device") as raised:
        run_experiment(experiment, workers=1, out=out)
    assert any("all 9 run records are kept" in note for note in raised.value.__notes__)
    assert len(list((out / "runs").glob("v*-r*.json"))) == 9
    assert (out / "runs.csv").is_file() and (out / "summary.csv").is_file()
    assert not list(out.glob(".*.tmp"))

    monkeypatch.setattr(module, "write_parquet", real)
    logged = len((out / "log.jsonl").read_text().splitlines())
    results = run_experiment(experiment, workers=1, out=out)
    assert len((out / "log.jsonl").read_text().splitlines()) == logged  # nothing ran again
    assert len(results.runs) == 9 and (out / "runs.parquet").is_file()


def test_fresh_removes_only_what_the_store_wrote(write_experiment, tmp_path: Path) -> None:
    experiment = load_experiment(write_experiment(SWEEP.format(replications=2)))
    out = tmp_path / "out"
    run_experiment(experiment, workers=1, out=out, trace=True)
    (out / "charts").mkdir()
    (out / "charts" / "intervals.png").write_bytes(b"chart")
    (out / "charts" / "extra.png").write_bytes(b"a chart of an older version")
    (out / "notes.txt").write_text("mine")
    (out / "trace" / "mine.parquet").write_text("mine")
    (out / "inputs" / "mine.toml").write_text("mine")
    results = run_experiment(experiment, workers=1, out=out, fresh=True)
    assert len(results.runs) == 6
    assert not (out / "charts").exists()  # the charts folder goes as a whole
    assert not list((out / "trace").glob("v*"))  # this run was not traced
    for mine in ("notes.txt", "trace/mine.parquet", "inputs/mine.toml"):
        assert (out / mine).read_text() == "mine", mine
    assert sorted(p.name for p in (out / "inputs").iterdir()) == [
        "mine.toml", "sweep.toml", "tiny.toml"
    ]
    (out / "trace" / "mine.parquet").unlink()
    run_experiment(experiment, workers=1, out=out, fresh=True)
    assert not (out / "trace").exists()  # emptied directories go


@pytest.mark.parametrize("fresh", [False, True])
def test_a_directory_of_other_files_is_never_written_to(
    write_experiment, tmp_path: Path, fresh: bool
) -> None:
    experiment = load_experiment(write_experiment(SWEEP.format(replications=2)))
    out = tmp_path / "mine"
    (out / "runs").mkdir(parents=True)
    (out / "summary.csv").write_text("my summary")
    (out / "runs" / "v0000-r0000.json").write_text("{}")
    with pytest.raises(
        ScenarioError,
        match=r"^.*mine: is not a ccsim results directory \(no experiment\.json\); "
        r"choose another --out$",
    ):
        run_experiment(experiment, workers=1, out=out, fresh=fresh)
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "runs", "runs/v0000-r0000.json", "summary.csv"
    ]
    assert (out / "summary.csv").read_text() == "my summary"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert len(run_experiment(experiment, workers=1, out=empty, fresh=fresh).runs) == 6


def test_a_results_directory_that_cannot_be_made_is_a_scenario_error(
    write_experiment, tmp_path: Path
) -> None:
    experiment = load_experiment(write_experiment(SWEEP.format(replications=1)))
    afile = tmp_path / "afile"
    afile.write_text("mine")
    for out, match in [
        (afile, r"afile: is a file, not a directory; choose another --out$"),
        (afile / "sub", r"afile/sub: cannot write results here: Not a directory$"),
        (Path("/proc/ccsim-results"),
         r"^/proc/ccsim-results: cannot write results here: No such file or directory$"),
    ]:
        with pytest.raises(ScenarioError, match=match):
            run_experiment(experiment, workers=1, out=out)
    assert afile.read_text() == "mine"


def test_more_replications_run_only_the_new_ones_and_fewer_use_the_first(
    write_experiment, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run_experiment(load_experiment(write_experiment(SWEEP.format(replications=2))), workers=1,
                   out=out)
    logged = len((out / "log.jsonl").read_text().splitlines())
    more = load_experiment(write_experiment(SWEEP.format(replications=4)))
    extended = run_experiment(more, workers=1, out=out)
    assert len((out / "log.jsonl").read_text().splitlines()) - logged == 3 * 2
    whole = run_experiment(more, workers=1, out=tmp_path / "whole")
    assert (out / "runs.csv").read_bytes() == (tmp_path / "whole" / "runs.csv").read_bytes()
    assert extended.intervals.equals(whole.intervals)

    logged += 3 * 2
    fewer = run_experiment(load_experiment(write_experiment(SWEEP.format(replications=3))),
                           workers=1, out=out)
    assert len((out / "log.jsonl").read_text().splitlines()) == logged  # nothing ran
    assert list(fewer.runs["replication"]) == [0, 1, 2] * 3
    assert fewer.runs.equals(whole.runs[whole.runs["replication"] < 3].reset_index(drop=True))
    assert len(list((out / "runs").glob("*.json"))) == 12  # the fourth is kept on disk
    loaded = Results.load(out)
    assert loaded.runs.equals(fewer.runs)
    assert json.loads((out / "experiment.json").read_text())["replications"] == 3
    # Each resume copied the inputs again, over the same files.
    assert sorted(p.name for p in (out / "inputs").iterdir()) == ["sweep.toml", "tiny.toml"]


def test_resuming_with_trace_runs_again_the_runs_without_a_trace(
    write_experiment, tmp_path: Path
) -> None:
    experiment = load_experiment(write_experiment(SWEEP.format(replications=2)))
    out = tmp_path / "out"
    run_experiment(experiment, workers=1, out=out)
    (out / "runs" / "v0001-r0001.json").unlink()
    before = (out / "runs" / "v0000-r0000.json").read_text()
    traced = run_experiment(experiment, workers=1, out=out, trace=True)
    names = sorted(p.stem for p in (out / "trace").glob("*.parquet"))
    assert names == [f"v{v:04d}-r{r:04d}" for v in range(3) for r in range(2)]
    assert (out / "runs" / "v0000-r0000.json").read_text() == before  # the same run again
    assert len((out / "log.jsonl").read_text().splitlines()) == 6 + 6  # every run again
    assert traced.runs.equals(run_experiment(experiment, workers=1).runs)
