"""The Makefile: ``make demo`` installs the runtime dependencies only, ``make test`` the dev
extras; both start from a clean clone (no .venv)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def dry_run(target: str, tmp_path: Path) -> str:
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    # Under `make test` itself, the outer make would have this one print its directories.
    done = subprocess.run(["make", "-n", "--no-print-directory", target], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_demo_installs_only_the_runtime_dependencies(tmp_path):
    commands = dry_run("demo", tmp_path)
    assert "-m venv .venv" in commands  # from a clean clone
    installs = [line for line in commands.splitlines() if "pip install" in line]
    assert installs[-1].endswith("pip install --quiet -e ."), installs
    assert "[dev]" not in commands and "[dask]" not in commands


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_test_installs_the_dev_extras(tmp_path):
    commands = dry_run("test", tmp_path)
    assert "-m venv .venv" in commands
    assert "pip install --quiet -e '.[dev]'" in commands
    assert commands.rstrip().endswith(".venv/bin/python -m pytest -q")
