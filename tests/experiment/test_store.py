"""The results store: saved as runs finish, resumable after kill -9, never mixing
experiments, failed runs kept as data, summaries with Student-t confidence intervals."""

from __future__ import annotations

import json
import math
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scipy.stats import t

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


def test_tables_hold_one_row_per_run_in_order_with_metrics_in_metrics_order(
    write_experiment, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    results = run_experiment(
        load_experiment(write_experiment(SWEEP.format(replications=3))), workers=1, out=out
    )
    header = (out / "runs.csv").read_text().splitlines()[0].split(",")
    assert header == [
        "variant",
        "replication",
        "seed",
        "agent_groups.specialists.staff",
        *PLAIN,
        "status",
        "error",
    ]
    runs = results.runs
    assert list(runs["variant"]) == [f"specialists.staff={s}" for s in (1, 2, 3) for _ in range(3)]
    assert list(runs["replication"]) == [0, 1, 2] * 3
    assert set(runs["status"]) == {"ok"}
    intervals = results.intervals
    assert list(intervals.columns[:5]) == ["variant", "replication", "interval", "time",
                                           "contact_type"]
    assert len(intervals) == 9 * 4 * 3  # runs × intervals × (2 types + all)
    for name in ("runs.parquet", "intervals.parquet", "intervals.csv", "summary.csv",
                 "seeds.csv", "experiment.json", "inputs/sweep.toml", "inputs/tiny.toml"):
        assert (out / name).is_file(), name
    assert len(list((out / "runs").glob("*.json"))) == 9
    loaded = Results.load(out)
    assert loaded.variants == results.variants
    assert loaded.runs.equals(results.runs)
    assert loaded.summary().equals(results.summary())


def test_summary_half_width_is_the_student_t_formula(write_experiment) -> None:
    results = run_experiment(
        load_experiment(write_experiment(SWEEP.format(replications=5))), workers=1
    )
    summary = results.summary()
    assert list(summary["replications"]) == [5, 5, 5]
    for _, row in summary.iterrows():
        values = results.runs.loc[results.runs["variant"] == row["variant"], "service_level"]
        n = len(values)
        assert row["service_level"] == pytest.approx(values.mean(), rel=1e-12)
        expected = t.ppf(0.975, n - 1) * values.std(ddof=1) / math.sqrt(n)
        assert row["service_level_ci95"] == pytest.approx(expected, rel=1e-12)
        assert row["agent_groups.specialists.staff"] in (1, 2, 3)
    single = run_experiment(
        load_experiment(write_experiment(SWEEP.format(replications=1))), workers=1
    ).summary()
    assert single["service_level_ci95"].isna().all()
    assert single["service_level"].notna().all()


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


MIXED = """
scenario = "tiny.toml"
replications = 2
[vary]
"contact_types.billing.handle_time.mean" = ["2min", 150]

[[variants]]
label = "flat"
"agent_groups.generalists.staff" = 4

[[variants]]
label = "shaped"
"agent_groups.generalists.staff" = [3, 4, 4, 3]
"""


def test_parameter_columns_of_mixed_values_reach_every_table(
    write_experiment, tmp_path: Path
) -> None:
    import pandas as pd

    out = tmp_path / "out"
    run_experiment(load_experiment(write_experiment(MIXED)), workers=1, out=out)
    runs = pd.read_parquet(out / "runs.parquet")
    assert list(runs["agent_groups.generalists.staff"]) == ["4"] * 4 + ["[3,4,4,3]"] * 4
    summary = pd.read_csv(out / "summary.csv", dtype=str)
    summary = summary[summary["contact_type"] == "all"]
    assert list(summary["contact_types.billing.handle_time.mean"]) == ["2min", "150"] * 2
    assert list(summary["replications"]) == ["2"] * 4


def test_a_table_that_cannot_be_written_loses_no_run_record(
    write_experiment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ccsim.experiment import store

    experiment = load_experiment(write_experiment(SWEEP.format(replications=3)))
    out = tmp_path / "out"
    real = store._write_parquet

    def broken(table, path):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "_write_parquet", broken)
    with pytest.raises(OSError, match="No space left on device") as raised:
        run_experiment(experiment, workers=1, out=out)
    assert any("all 9 run records are kept" in note for note in raised.value.__notes__)
    assert len(list((out / "runs").glob("v*-r*.json"))) == 9
    assert (out / "runs.csv").is_file() and (out / "summary.csv").is_file()
    assert not list(out.glob(".*.tmp"))

    monkeypatch.setattr(store, "_write_parquet", real)
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


def test_a_metric_a_run_did_not_report_is_nan_in_tables_and_summaries() -> None:
    from ccsim.experiment.store import _tables
    from ccsim.experiment.summary import summarize

    manifest = {"parameters": [], "variants": [{"label": "a", "parameters": {}}]}
    # Records of a run that reported only some metrics (an older version, say).
    records = {
        (0, r): {"seed": r, "status": "ok", "error": None,
                 "summary": {"offered": 10, "service_level": 0.5 + r / 10},
                 "intervals": {"interval": [0]}}
        for r in range(3)
    }
    runs, *_ = _tables(manifest, records)
    assert list(runs["offered"]) == [10, 10, 10] and runs["answered"].isna().all()
    row = summarize(runs, ["a"]).iloc[0]
    assert row["service_level"] == pytest.approx(0.6)
    assert row["service_level_ci95"] > 0
    assert math.isnan(row["answered"]) and math.isnan(row["asa_ci95"])
    # ... and a column missing from the table altogether.
    row = summarize(runs.drop(columns=["asa"]), ["a"]).iloc[0]
    assert math.isnan(row["asa"]) and math.isnan(row["asa_ci95"])
    assert {f"{m}_ci95" for m in PLAIN} <= set(row.index)


def test_a_column_only_some_variants_report_is_nan_in_the_others_rows() -> None:
    from ccsim.experiment.store import _tables

    manifest = {"parameters": [], "variants": [{"label": "a", "parameters": {}},
                                               {"label": "b", "parameters": {}}]}
    # Variant b installs a policy: its interval rows have a column a's lack.
    records = {
        (v, 0): {"seed": v, "status": "ok", "error": None, "summary": {"offered": 10},
                 "intervals": {"interval": [0, 1], "offered": [4, 6],
                               **({"recalls_requested": [1, 2]} if v else {})}}
        for v in (0, 1)
    }
    _, _, intervals, _, _ = _tables(manifest, records)
    assert list(intervals.variant) == ["a", "a", "b", "b"]
    assert list(intervals.offered) == [4, 6, 4, 6]
    assert intervals.recalls_requested.isna().tolist() == [True, True, False, False]
    assert list(intervals.recalls_requested[2:]) == [1, 2]


def test_summaries_do_not_import_scipy_stats(write_experiment) -> None:
    # scipy.stats takes most of a second to import, for one t quantile.
    script = (
        "import sys, pandas as pd\n"
        "from ccsim.experiment.summary import summarize\n"
        "runs = pd.DataFrame({'variant': ['a'] * 3, 'status': ['ok'] * 3,"
        " **{m: [0.5, 0.6, 0.8] for m in " + repr(list(METRICS)) + "}})\n"
        "row = summarize(runs, ['a']).iloc[0]\n"
        "print(repr(float(row['service_level_ci95'])), 'scipy.stats' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    half, imported = done.stdout.split()
    values = [0.5, 0.6, 0.8]
    mean = sum(values) / 3
    s = math.sqrt(sum((v - mean) ** 2 for v in values) / 2)
    assert float(half) == pytest.approx(t.ppf(0.975, 2) * s / math.sqrt(3), rel=1e-12)
    assert imported == "False"
    source = Path(__file__).parents[2] / "src" / "ccsim" / "experiment"
    imports = re.compile(r"^\s*(import scipy\.stats|from scipy(\.stats)? import stats?\b)", re.M)
    assert not [m for m in source.glob("*.py") if imports.search(m.read_text())]


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


def test_results_per_contact_type_and_group_are_saved_and_summarised(
    write_experiment, tmp_path: Path
) -> None:
    import pandas as pd

    from ccsim import simulate

    experiment = load_experiment(write_experiment(SWEEP.format(replications=3)))
    out = tmp_path / "out"
    results = run_experiment(experiment, workers=1, out=out)
    for name in ("types", "groups"):
        assert pd.read_parquet(out / f"{name}.parquet").equals(getattr(results, name))
        assert (out / f"{name}.csv").is_file()
    # Each run's rows are its RunResult tables.
    first = experiment.variants[0]
    run = simulate(first.scenario, experiment.seeds()[1])
    mine = results.types[(results.types.variant == first.label)
                         & (results.types.replication == 1)]
    assert mine.drop(columns=["variant", "replication"]).reset_index(drop=True).equals(
        run.types)
    # summary.csv: per variant, the whole centre first, then each contact type.
    summary = pd.read_csv(out / "summary.csv")
    kinds = ["all", *(c.name for c in first.scenario.contact_types)]
    assert list(summary.contact_type) == kinds * len(experiment.variants)
    totals = summary[summary.contact_type == "all"].reset_index(drop=True)
    expected = results.summary()
    assert totals.offered.tolist() == pytest.approx(expected.offered.tolist())
    # ... the per-type means are the means of each run's per-type values.
    by_type = results.summary(by="contact_type")
    for kind in kinds[1:]:
        row = by_type[(by_type.variant == first.label) & (by_type.contact_type == kind)].iloc[0]
        values = results.types[(results.types.variant == first.label)
                               & (results.types.contact_type == kind)].service_level
        assert row.service_level == pytest.approx(values.mean())
        assert row.replications == 3
    # groups_summary.csv: occupancy of the day per group, from busy and staffed time.
    groups = pd.read_csv(out / "groups_summary.csv")
    names = [g.name for g in first.scenario.agent_groups]
    assert list(groups.agent_group) == names * len(experiment.variants)
    day = results.groups[(results.groups.variant == first.label)
                         & (results.groups.agent_group == names[0])]
    busy = day.groupby("replication").busy_time.sum()
    staffed = day.groupby("replication").staffed_time.sum()
    assert groups.occupancy.iloc[0] == pytest.approx((busy / staffed).mean())
    assert groups.staffed_hours.iloc[0] == pytest.approx((staffed / 3600).mean())
    loaded = Results.load(out)
    assert loaded.summary(by="group").equals(results.summary(by="group"))
    with pytest.raises(ValueError, match="by must be"):
        results.summary(by="team")
