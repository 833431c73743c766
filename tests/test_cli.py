"""The ``ccsim`` command: outputs on disk, printed tables, exit codes, one-line errors."""

from __future__ import annotations

import math
import re
import subprocess
import sys

import pandas as pd
import pytest
from scipy import stats

from ccsim.analytic import erlang_a_metrics
from ccsim.cli import main


def ccsim(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ccsim.cli", *args], capture_output=True, text=True, cwd=cwd
    )


def test_single_queue_file_runs_as_written_and_agrees_with_erlang_a(single_queue_file, tmp_path):
    out = tmp_path / "out"
    done = ccsim("run", str(single_queue_file), "--replications", "30", "--seed", "7",
                 "--out", str(out), "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert "service level" in done.stdout and "±" in done.stdout
    assert f"results in {out}/ (report.html, charts/intervals.png)" in done.stdout
    for name in ("runs.csv", "summary.csv", "intervals.csv", "charts/intervals.png"):
        assert (out / name).stat().st_size > 0, name
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 30
    summary = pd.read_csv(out / "summary.csv").iloc[0]
    exact = erlang_a_metrics(50, 690 / 3600, 240, 180, answer_within=20)
    # summary.csv holds 95 % half-widths; widen them to 99.9 % (same t, same standard error)
    # since five metrics are checked at once.
    widen = stats.t.ppf(0.9995, 29) / stats.t.ppf(0.975, 29)
    for metric, value in {"service_level": exact.service_level, "abandon_rate": exact.p_abandon,
                          "asa": exact.asa, "p_wait": exact.p_wait,
                          "occupancy": exact.occupancy}.items():
        assert abs(summary[metric] - value) <= widen * summary[f"{metric}_ci95"], metric
        # ... and the half-width is the Student-t formula on runs.csv.
        column = runs[metric]
        half = stats.t.ppf(0.975, 29) * column.std(ddof=1) / math.sqrt(30)
        assert summary[f"{metric}_ci95"] == pytest.approx(half)
    intervals = pd.read_csv(out / "intervals.csv")
    # Every replication (numbered from 0, as in runs.csv) has its own full set of measured
    # intervals: 20 intervals − 2 of warm-up = 18 rows of all contact types each.
    assert sorted(runs.replication) == list(range(30))
    per_replication = intervals[intervals.contact_type == "all"].groupby("replication").size()
    assert per_replication.to_dict() == dict.fromkeys(range(30), 18)


def test_same_seed_gives_byte_identical_runs(single_queue_file, tmp_path):
    for name in ("a", "b"):
        assert main(["run", str(single_queue_file), "-n", "3", "--seed", "5", "--quiet",
                     "--out", str(tmp_path / name), "--workers", "1"]) == 0
    assert (tmp_path / "a/runs.csv").read_bytes() == (tmp_path / "b/runs.csv").read_bytes()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (('mean = "4min"', 'mean = "-4min"'),
         r"contact_types\[general\]\.handle_time\.mean: must be > 0 \(got '-4min'\)"),
        (('staff = 50', 'staff = 50\nstaf = 3'), r"agent_groups\[agents\]: unknown key 'staf'"),
        (('skills = ["general"]', 'skills = ["genral"]'), r"'genral' names no contact type"),
        (('per_hour = 690', 'per_hour = nan'),
         r"arrivals\.per_hour: must be a finite number \(got nan\)"),
        (('horizon = "10h"', 'horizon = "10h'), r"not valid TOML"),
        (('staff = 50', 'staff = 50\n\n[callbacks.abandoned]\nshare = 0.5\ndelay = "later"'),
         r"callbacks\.abandoned\.delay: expected a duration .*got 'later'"),
        (('staff = 50', 'staff = 50\n\n[callbacks]\noffer_after = "2min"\naccept = [["2min", 2]]'),
         r"callbacks\.accept\[0\]\[1\]: must be <= 1 \(got 2\)"),
        (('staff = 50', 'staff = 50\noutbound = ["leads"]'),
         r"agent_groups\[agents\]\.outbound: 'leads' names no \[\[outbound\]\] campaign"),
        (('staff = 50', 'staff = 50\nquota = { daily = 20, counts = "calls" }'),
         r"agent_groups\[agents\]\.quota\.counts: must be 'outbound' or 'all' \(got 'calls'\)"),
    ],
)
def test_bad_scenario_is_one_line_exit_2_without_traceback(single_queue_file, tmp_path, edit,
                                                          message):
    bad = tmp_path / "bad.toml"
    bad.write_text(single_queue_file.read_text().replace(*edit))
    done = ccsim("run", str(bad), "-n", "1", "--out", str(tmp_path / "o"))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"ccsim: error: {bad}: "), done.stderr
    assert re.search(message, lines[0]), lines[0]
    assert not (tmp_path / "o").exists()


def test_missing_file_and_bad_options_exit_2(tmp_path, capsys):
    assert main(["run", str(tmp_path / "none.toml")]) == 2
    assert "no such file" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["run"])
    assert exit_.value.code == 2


def test_erlang_prints_erlang_a_and_the_agents_needed(capsys):
    assert main(["erlang", "--per-hour", "690", "--aht", "4min", "--patience", "3min",
                 "--agents", "50", "--answer-within", "20s", "--target-sl", "0.8"]) == 0
    out = capsys.readouterr().out
    assert "Erlang A" in out and "87.61" in out  # service level, %
    assert ("agents needed for service level 80% within 20 s (Erlang A, mean patience "
            "180 s): 48") in out


def test_erlang_without_patience_prints_erlang_c_and_b(capsys):
    assert main(["erlang", "--per-hour", "690", "--aht", "4min", "--agents", "50"]) == 0
    out = capsys.readouterr().out
    assert "Erlang C" in out and "Erlang B" in out and "blocked" in out


@pytest.mark.parametrize(
    "args",
    [["--per-hour", "nan"], ["--per-hour", "inf"], ["--aht", "nan"], ["--patience", "nan"],
     ["--answer-within=-5s"], ["--answer-within=nan"], ["--per-hour", "0"]],
)
def test_erlang_nan_inf_and_non_positive_values_exit_2(args, capsys):
    base = {"--per-hour": "60", "--aht": "4min", "--agents": "5"}
    for option, value in zip(args[::2], args[1::2], strict=False):
        base[option] = value
    argv = ["erlang", *[x for kv in base.items() for x in kv], *[a for a in args if "=" in a]]
    assert main(argv) == 2
    assert "must be a finite number" in capsys.readouterr().err


def test_erlang_too_many_agents_is_a_clear_error(capsys):
    assert main(["erlang", "--per-hour", "1e12", "--aht", "4min", "--target-sl", "0.8"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ccsim: error: --target-sl: not reached by any team of up to 100,000 "
                          "agents")
    assert "max_agents" not in err  # the API's name, not the command's


def test_erlang_bad_values_exit_2(capsys):
    assert main(["erlang", "--per-hour", "60", "--aht", "4min"]) == 2
    with pytest.raises(SystemExit) as exit_:
        main(["erlang", "--per-hour", "60", "--aht", "4 fortnights", "--agents", "3"])
    assert exit_.value.code == 2


def test_erlang_c_at_load_above_the_agents_says_unstable_instead_of_a_table(capsys):
    assert main(["erlang", "--per-hour", "900", "--aht", "4min", "--agents", "50",
                 "--target-sl", "0.8"]) == 0
    out = capsys.readouterr().out
    assert ("Erlang C (infinite patience), 50 agents: unstable: the offered load (60.00 "
            "erlangs) is at least the agents (50)") in out
    assert "needs 61 or more agents, or give --patience" in out
    assert not re.search(r"\binf\b", out)  # no table of infinite waits
    assert "Erlang B (no queue: blocked calls lost), 50 agents" in out
    assert "within 20 s (Erlang C, infinite patience): 67" in out


def test_version_prints_the_installed_version(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"ccsim {version('ccsim')}"


def _one_line_error(done: subprocess.CompletedProcess, code: int) -> str:
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ccsim: error: "), done.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, r"is a directory; expected a scenario or experiment TOML file"),
        ("name = 'x'\n".encode("utf-16"), r"is UTF-16 text; TOML files are UTF-8"),
        (bytes(range(256)), r"is not TOML text \(byte 0x80 at offset 128 is not UTF-8\)"),
        (b"name = 'x'\x00\n", r"is not TOML text \(it holds NUL bytes\)"),
        ("\ufeffname = 'x'\n".encode(), r"starts with a byte-order mark"),
    ],
    ids=["directory", "utf-16", "binary", "nul", "bom"],
)
def test_a_file_that_is_not_toml_text_is_one_line_exit_2(tmp_path, content, message):
    path = tmp_path / "input.toml"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    line = _one_line_error(ccsim("run", str(path), "--out", str(tmp_path / "o")), 2)
    assert re.search(message, line) and str(path) in line, line
    assert not (tmp_path / "o").exists()


def test_a_scenario_an_experiment_names_that_is_not_text_is_one_line_exit_2(tmp_path):
    (tmp_path / "day.toml").write_bytes(bytes(range(256)))
    (tmp_path / "sweep.toml").write_text('scenario = "day.toml"\n')
    line = _one_line_error(ccsim("run", str(tmp_path / "sweep.toml")), 2)
    assert "day.toml: is not TOML text (byte 0x80 at offset 128 is not UTF-8)" in line


def test_per_hour_true_is_refused_naming_the_key(single_queue_file):
    single_queue_file.write_text(
        single_queue_file.read_text().replace("per_hour = 690", "per_hour = true")
    )
    line = _one_line_error(ccsim("run", str(single_queue_file), "-n", "1"), 2)
    assert line.endswith("contact_types[general].arrivals.per_hour: must be a number, not "
                         "true or false (got true)")


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("nonsense", r"cannot connect to a Dask scheduler at 'nonsense' \(missing port"),
        ("foo://host:1", r"unknown address scheme 'foo'"),
    ],
)
def test_a_bad_or_unreachable_dask_address_is_one_line_exit_2(
    single_queue_file, tmp_path, capsys, address, message
):
    code = main(["run", str(single_queue_file), "-n", "2", "--dask", address, "--quiet",
                 "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert err.startswith("ccsim: error: dask address: ") and re.search(message, err), err
    assert "check the address (such as tcp://host:8786)" in err


def test_an_unreachable_dask_scheduler_is_one_line_exit_2_after_the_timeout(
    single_queue_file, tmp_path
):
    from ccsim.experiment.executors import DASK_CONNECT_TIMEOUT

    # In a process of its own: a connection that times out leaves Dask's loop thread behind.
    done = subprocess.run(
        [sys.executable, "-m", "ccsim.cli", "run", str(single_queue_file), "-n", "2", "--dask",
         "tcp://127.0.0.1:1", "--out", str(tmp_path / "o")],
        capture_output=True, text=True, timeout=DASK_CONNECT_TIMEOUT + 60,
    )
    line = _one_line_error(done, 2)
    assert line.startswith("ccsim: error: dask address: cannot connect to a Dask scheduler at "
                           "'tcp://127.0.0.1:1' (Timed out trying to connect"), line


@pytest.mark.parametrize("command", [["erlang", "--per-hour", "690", "--aht", "4min",
                                      "--agents", "50"], ["run", "SCENARIO", "-n", "2",
                                                          "--workers", "1"]])
def test_output_into_a_reader_that_has_gone_ends_quietly(single_queue_file, tmp_path, command):
    """As ``ccsim ... | head`` does: the reader closes the pipe before ccsim writes."""
    argv = [str(single_queue_file) if a == "SCENARIO" else a for a in command]
    if command[0] == "run":
        argv += ["--out", str(tmp_path / "o")]
    proc = subprocess.Popen([sys.executable, "-m", "ccsim.cli", *argv],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141  # 128 + SIGPIPE, as the shell reports `yes | head`
    assert err == ""


def test_a_run_too_big_for_the_machine_is_refused_before_it_starts(single_queue_file, tmp_path):
    big = single_queue_file.read_text().replace("per_hour = 690", "per_hour = 2e9")
    single_queue_file.write_text(big)
    line = _one_line_error(ccsim("run", str(single_queue_file), "-n", "20",
                                 "--out", str(tmp_path / "o")), 2)
    assert re.search(r"20 run\(s\) of about 20,000,000,000 contacts each would take about "
                     r"[\d,.]+ h on \d+ worker\(s\)", line), line
    assert "reduce the replications, the variants, the horizon or the arrival volumes" in line
    assert line.endswith("or pass --force to run it anyway")
    assert not (tmp_path / "o").exists()


def test_run_writes_the_report_page_and_ccsim_report_rebuilds_it(
    single_queue_file, tmp_path, capsys
):
    out = tmp_path / "out"
    argv = ["run", str(single_queue_file), "-n", "2", "--workers", "1", "--quiet"]
    assert main([*argv, "--out", str(out)]) == 0
    page = out / "report.html"
    first = page.read_text()
    assert "<table" in first and "single queue" in first
    page.unlink()
    assert main(["report", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(page)
    assert page.read_text() == first
    assert main(["report", str(tmp_path / "nothing")]) == 2
    assert "no such results directory" in capsys.readouterr().err
