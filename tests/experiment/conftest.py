"""Tiny scenarios and experiment files: two hours, a handful of agents, runs of a few ms."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

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
