"""The files of a results directory: atomic writes that name the file they could not write,
a damaged manifest said as such, run records of another experiment never read."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path
from typing import Any

import pytest

from ccsim.experiment import files
from ccsim.scenario import ScenarioError


def test_a_failed_write_keeps_the_old_file_whole_and_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "runs.csv"
    files.write_text(path, "old\n")

    def full(*args: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(ScenarioError, match=r"runs\.csv: cannot be written \(No space left"):
        files.write_text(path, "new\n")
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["runs.csv"]  # no temporary file left


def test_a_manifest_is_none_when_absent_and_an_error_when_damaged(tmp_path: Path) -> None:
    assert files.read_manifest(tmp_path) is None
    (tmp_path / files.MANIFEST).write_text("{not json")
    with pytest.raises(ScenarioError, match=r"experiment\.json is damaged .*; pass --fresh$"):
        files.read_manifest(tmp_path)


def test_only_the_records_of_the_manifests_runs_are_loaded(tmp_path: Path) -> None:
    manifest = {"seeds": [11, 12], "variants": [{"label": "a"}]}
    (tmp_path / files.RUNS).mkdir()

    def record(name: str, **body: Any) -> None:
        (tmp_path / files.RUNS / f"{name}.json").write_text(json.dumps(body))

    record(files.run_name(0, 1), variant=0, replication=1, seed=12, status="ok")
    record(files.run_name(0, 0), variant=0, replication=0, seed=99, status="ok")  # other seed
    record(files.run_name(1, 0), variant=1, replication=0, seed=11, status="ok")  # no variant 1
    record(files.run_name(0, 2), variant=0, replication=2, seed=13, status="ok")  # beyond
    (tmp_path / files.RUNS / "v0000-r0003.json").write_text("{cut sho")  # a torn write
    assert list(files.load_records(tmp_path, manifest)) == [(0, 1)]


def test_names_of_run_files_and_temporaries() -> None:
    assert files.run_name(3, 12) == "v0003-r0012"
    assert files.RUN_FILE.fullmatch("v0003-r0012.parquet")
    assert not files.RUN_FILE.fullmatch("v3-r12.json")
    assert files.is_temporary(Path(".experiment.json.123.tmp"), files.MANIFEST)
    assert not files.is_temporary(Path("experiment.json"), files.MANIFEST)
