"""Examples are golden tests: each scenario in experiments/ run with a fixed seed matches
its stored summary, so a change in behaviour shows as a diff here, not as a surprise.

After an intended change of behaviour, rewrite the stored summaries with
``CCSIM_UPDATE_GOLDEN=1 make test`` and review the diff of ``tests/golden/``.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

from ccsim import load_scenario, simulate
from ccsim.experiment import is_experiment_file

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
SCENARIOS = sorted(p for p in (ROOT / "experiments").glob("*.toml") if not is_experiment_file(p))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_example_scenario_matches_its_stored_summary(path):
    summary = simulate(load_scenario(path), seed=1).summary
    stored = GOLDEN / f"{path.stem}.json"
    if os.environ.get("CCSIM_UPDATE_GOLDEN"):
        stored.write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")
    expected = json.loads(stored.read_text())
    assert summary.keys() == expected.keys()
    for metric, value in expected.items():
        if value is None or (isinstance(value, float) and math.isnan(value)):
            assert math.isnan(summary[metric]), metric
        else:
            assert summary[metric] == pytest.approx(value, rel=1e-9, abs=1e-12), metric


def test_there_is_an_example_scenario():
    assert any(p.stem == "baseline" for p in SCENARIOS)
