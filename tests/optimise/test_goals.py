"""Goals as a planner writes them: parsed into the registry's metric, direction and stored
unit; every mistake is a one-line error that says what was expected."""

from __future__ import annotations

import math

import pytest

from ccsim.optimise import Goal, parse_goal


@pytest.mark.parametrize(("text", "goal"), [
    ("service_level >= 0.8", Goal("service_level", ">=", 0.8)),
    ("service_level>=80%", Goal("service_level", ">=", 0.8)),
    ("billing: asa <= 30s", Goal("asa", "<=", 30.0, "billing")),
    ("abandon_rate <= 0.05", Goal("abandon_rate", "<=", 0.05)),
    ("wait_p90 <= 2min", Goal("wait_p90", "<=", 120.0)),
])
def test_a_goal_reads_as_written(text, goal):
    assert parse_goal(text, ["billing"]) == goal


@pytest.mark.parametrize(("text", "words"), [
    ("servce_level >= 0.8", "did you mean 'service_level'?"),
    ("offered >= 100", "has no better direction"),
    ("asa >= 30s", "its target reads 'asa <= value'"),
    ("service_level >= 80", "write 0.8 or 80%"),
    ("service_level >= 1.5%", ""),
    ("tech: service_level >= 0.8", "no contact type 'tech'"),
    ("service_level 0.8", "expected 'metric >= value'"),
    ("asa <= soon", "is not a number or a duration"),
    ("abandon_rate <= nan", "not a finite number"),
])
def test_a_bad_goal_says_what_is_wrong(text, words):
    if text == "service_level >= 1.5%":  # 1.5 % is a fine (if modest) goal
        assert math.isclose(parse_goal(text).value, 0.015)
        return
    with pytest.raises(ValueError) as error:
        parse_goal(text, ["billing"])
    assert words in str(error.value) and str(error.value).startswith(repr(text))


def test_a_goal_is_met_on_its_good_side_and_by_nothing_to_measure():
    goal = Goal("service_level", ">=", 0.8)
    assert goal.met(0.8) and goal.met(0.9) and not goal.met(0.79) and goal.met(math.nan)
    assert goal.shortfall(0.7) == pytest.approx(0.125) and goal.shortfall(0.85) == 0.0
    assert Goal("asa", "<=", 20.0).shortfall(30.0) == pytest.approx(0.5)
    assert Goal("asa", "<=", 20.0, "billing").text == "billing: asa <= 20s"


def test_without_a_target_the_scenarios_targets_are_the_goals():
    from ccsim import Scenario
    from ccsim.optimise.goals import scenario_goals

    day = Scenario(
        period="30min", horizon="1h",
        contact_types=[{"name": "calls", "arrivals": {"per_hour": 10},
                        "handle_time": {"dist": "exponential", "mean": "4min"}}],
        agent_groups=[{"name": "team", "skills": ["calls"], "staff": 2}],
        targets={"service_level": 0.8, "asa": "30s"})
    assert scenario_goals(day) == (Goal("service_level", ">=", 0.8), Goal("asa", "<=", 30.0))
    assert scenario_goals(day.with_changes(targets={})) == ()
