"""Shared fixtures: the single-queue scenario of the foundation issue, as written."""

from __future__ import annotations

import copy
import os
import tomllib
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
