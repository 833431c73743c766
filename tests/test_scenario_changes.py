"""Deriving a scenario in code validates it as a file would be (with_changes, model_copy), and
the API's other entry points say what is wrong in their own words (seed) or exist (plots)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import ccsim
from ccsim import Scenario, ScenarioError, simulate

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def day() -> Scenario:
    return Scenario(
        period="30min",
        contact_types=[{"name": "general", "arrivals": {"volumes": [10, 20, 30, 40]},
                        "handle_time": {"dist": "exponential", "mean": "4min"},
                        "patience": {"dist": "exponential", "mean": "3min"}}],
        agent_groups=[{"name": "agents", "skills": ["general"], "staff": [2, 2, 3, 3]}],
        callbacks={"queue_at_least": 2, "accept": 0.5, "promise": "1h"})


def test_with_changes_sets_and_scales_dotted_keys_and_takes_top_level_keywords():
    changed = day().with_changes({"agent_groups.agents.staff": {"scale": 2},
                                  "contact_types.*.patience.mean": "5min"}, warmup="30min")
    assert changed.agent_groups[0].staff == (4, 4, 6, 6)
    assert changed.contact_types[0].patience.mean == 300
    assert changed.warmup == 1800
    assert day().with_changes(callbacks=None).callbacks is None
    assert day().callbacks is not None  # the original is left alone


def test_with_changes_derives_a_derived_horizon_again():
    assert day().horizon == 4 * 1800
    shorter = day().with_changes(period="15min")
    assert shorter.horizon == 4 * 900


@pytest.mark.parametrize(("changes", "message"), [
    ({"warmup": -5}, r"^warmup: must be >= 0 \(got -5\)$"),
    ({"period": 0}, r"^period: must be > 0 \(got 0\)$"),
    ({"agent_groups.sales.staff": 3}, r"^agent_groups\.sales\.staff: no agent group named "
                                      r"'sales'"),
    ({"contact_types.general.handle_time.mean": "-1min"},
     r"^contact_types\[general\]\.handle_time\.mean: must be > 0"),
])
def test_with_changes_and_model_copy_refuse_what_a_file_would(changes, message):
    with pytest.raises(ScenarioError, match=message):
        day().with_changes(changes)
    with pytest.raises(ScenarioError, match=message):
        day().model_copy(update=changes)


def test_model_copy_without_update_is_a_plain_copy():
    assert day().model_copy() == day()
    assert day().model_copy(deep=True) == day()
    assert day().model_copy(update={"callbacks": None}) == day().with_changes(callbacks=None)


@pytest.mark.parametrize("seed", [-1, 1.5, 2**64, "7", True, None])
def test_simulate_refuses_a_bad_seed_by_name(seed):
    with pytest.raises(ValueError, match=r"^seed: must be a whole number from 0 to 2\*\*64 - 1"):
        simulate(day(), seed)


def test_simulate_takes_any_whole_seed_below_2_to_the_64():
    assert simulate(day(), np.int64(3)).summary == simulate(day(), 3).summary
    simulate(day(), 2**64 - 1)


def test_plots_is_an_attribute_of_the_package():
    assert callable(ccsim.plots.plot_results)
    assert callable(ccsim.analytic.erlang_c)


def test_the_readme_documents_deriving_scenarios_and_experiments_from_tables():
    assert "`Scenario.with_changes(" in README or ".with_changes(" in README
    assert "Experiment.from_dict(" in README
