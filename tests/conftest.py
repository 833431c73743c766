"""Shared fixtures: the single-queue scenario of the foundation issue, as written; tiny
scenarios and experiment files (two hours, a handful of agents, runs of a few ms)."""

from __future__ import annotations

import copy
import os
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

# CI runs the same examples every time (a submission must not fail on a new random draw);
# local runs keep exploring new ones. HYPOTHESIS_PROFILE=ci asks for it anywhere (and runs
# more draws of the whole-pipeline tests: tests/scenarios.py).
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI") or os.environ.get("HYPOTHESIS_PROFILE") == "ci":
    settings.load_profile("ci")

SINGLE_QUEUE = """\
name = "single queue"
period = "30min"          # reporting interval
horizon = "10h"           # arrivals stop at the horizon; contacts still in the system are finished
warmup = "1h"             # contacts arriving before this are simulated but not measured

[service_level]
answer_within = "20s"

[[contact_types]]
name = "general"
channel = "voice"
arrivals = { per_hour = 690 }
handle_time = { dist = "exponential", mean = "4min" }
patience = { dist = "exponential", mean = "3min" }

[[agent_groups]]
name = "agents"
skills = ["general"]
staff = 50
"""

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def single_queue_file(tmp_path: Path) -> Path:
    path = tmp_path / "single.toml"
    path.write_text(SINGLE_QUEUE)
    return path


@pytest.fixture
def single_queue_dict() -> dict:
    return copy.deepcopy(tomllib.loads(SINGLE_QUEUE))


TINY = """\
name = "tiny"
period = "30min"
horizon = "2h"

[[contact_types]]
name = "billing"
arrivals = { per_hour = 60 }
handle_time = { dist = "exponential", mean = "4min" }
patience = { dist = "exponential", mean = "3min" }

[[contact_types]]
name = "tech"
arrivals = { per_hour = 30 }
handle_time = { dist = "exponential", mean = "6min" }
patience = { dist = "exponential", mean = "5min" }

[[agent_groups]]
name = "specialists"
skills = ["billing"]
staff = 2

[[agent_groups]]
name = "generalists"
skills = ["tech", "billing"]
staff = [3, 4, 4, 3]
"""


@pytest.fixture
def write_experiment(tmp_path: Path) -> Callable[[str], Path]:
    """Writes an experiment file ``sweep.toml`` (or ``name``) next to ``tiny.toml``."""

    def write(body: str, name: str = "sweep.toml") -> Path:
        (tmp_path / "tiny.toml").write_text(TINY)
        path = tmp_path / name
        path.write_text(body)
        return path

    return write


@pytest.fixture
def tiny_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.toml"
    path.write_text(TINY)
    return path


@pytest.fixture
def tiny_text() -> str:
    return TINY
