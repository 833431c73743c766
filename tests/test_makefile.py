"""The Makefile: ``make demo`` installs the runtime dependencies only, ``make test`` the dev
extras; both start from a clean clone (no .venv). ``make browser``, a step of ``make test``,
installs Chromium for the browser tests only as root with apt-get, says what it does, and
never fails the build."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


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
    # The suite runs on every core (pytest-xdist), the long statistical cases stolen by
    # whichever worker is free.
    assert commands.rstrip().endswith(".venv/bin/python -m pytest -q -n auto --dist worksteal")


@needs_make
@pytest.mark.parametrize("target", ["test", "lint"])
def test_make_test_and_lint_check_the_types_of_src_after_ruff(target, tmp_path):
    commands = dry_run(target, tmp_path).splitlines()
    assert ".venv/bin/mypy src" in commands
    mypy = commands.index(".venv/bin/mypy src")
    assert commands.index(".venv/bin/ruff check src tests benchmarks") < mypy
    if target == "test":  # the types before the (long) suite
        assert mypy < commands.index(".venv/bin/python -m pytest -q -n auto --dist worksteal")


def test_mypy_is_a_dev_extra_and_checks_src():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    dev = project["project"]["optional-dependencies"]["dev"]
    assert any(d.startswith("mypy") for d in dev)
    # pandas ships no types: without its stubs a fresh install's mypy fails on every import
    assert any(d.startswith("pandas-stubs") for d in dev)
    assert project["tool"]["mypy"]["files"] == ["src"]


@needs_make
def test_make_test_sets_up_the_browser_as_a_step_of_its_own_before_the_tests(tmp_path):
    commands = dry_run("test", tmp_path)
    assert commands.index("apt-get install -y -qq chromium") < commands.index("-m pytest")


def make_browser(tmp_path: Path, *, uid: int, apt_get: str | None, chromium: bool
                 ) -> tuple[subprocess.CompletedProcess, list[str]]:
    """``make browser`` on a machine made of stand-ins on PATH: ``id`` says ``uid``;
    ``apt-get`` is missing (None), ``"fails"``, or ``"works"`` (it then puts a ``chromium``
    on PATH); returns the run and the apt-get calls, each with its DEBIAN_FRONTEND."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "apt-get.calls"

    def tool(name: str, body: str) -> None:
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)

    tool("id", f"echo {uid}")
    if chromium:
        tool("chromium", "exit 0")
    if apt_get == "works":
        tool("apt-get", f'echo "$DEBIAN_FRONTEND $*" >> {calls}\n'
                        f'case "$*" in *install*) printf "#!/bin/sh\\n" > {bin_dir}/chromium; '
                        f'{shutil.which("chmod")} 755 {bin_dir}/chromium;; esac')
    elif apt_get == "fails":
        tool("apt-get", f'echo "$DEBIAN_FRONTEND $*" >> {calls}\nexit 100')
    done = subprocess.run([shutil.which("make"), "--no-print-directory", "browser"],
                          cwd=tmp_path, env={"PATH": str(bin_dir)}, capture_output=True,
                          text=True)
    return done, calls.read_text().splitlines() if calls.exists() else []



@needs_make
def test_make_browser_installs_debians_chromium_as_root_with_apt_get(tmp_path):
    done, calls = make_browser(tmp_path, uid=0, apt_get="works", chromium=False)
    assert done.returncode == 0, done.stderr
    assert calls == ["noninteractive update -qq", "noninteractive install -y -qq chromium"]
    assert done.stdout.splitlines() == [
        "browser: installing Debian's chromium for the browser tests (apt-get update; "
        "apt-get install chromium)",
        "browser: chromium installed; the browser tests will run",
    ]


@needs_make
def test_make_browser_leaves_an_installed_chromium_alone(tmp_path):
    done, calls = make_browser(tmp_path, uid=0, apt_get="works", chromium=True)
    assert done.returncode == 0 and calls == []
    assert done.stdout == (f"browser: chromium is at {tmp_path}/bin/chromium; "
                           "the browser tests will run\n")


@needs_make
@pytest.mark.parametrize(("uid", "apt_get"), [(1000, "works"), (0, None)])
def test_make_browser_without_root_or_apt_get_says_the_tests_will_skip(tmp_path, uid, apt_get):
    done, calls = make_browser(tmp_path, uid=uid, apt_get=apt_get, chromium=False)
    assert done.returncode == 0 and calls == []  # never fails the build, changes nothing
    assert done.stdout.startswith("browser: chromium is not installed, and installing it "
                                  "needs root and apt-get: the browser tests")
    assert "will be skipped. To run them: sudo apt-get install chromium" in done.stdout


@needs_make
def test_make_browser_that_apt_get_cannot_install_does_not_fail_the_build(tmp_path):
    done, calls = make_browser(tmp_path, uid=0, apt_get="fails", chromium=False)
    assert done.returncode == 0
    assert calls == ["noninteractive update -qq"]
    assert done.stdout.splitlines()[-1] == ("browser: apt-get could not install chromium: "
                                            "the browser tests will be skipped")
