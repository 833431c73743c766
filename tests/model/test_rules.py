"""The routing rules a scenario names: a type's ``agent_selection``, a group's ``take`` and
``handle_scale``. Each is worked by hand on a scripted day, random selection by its shares,
and a scenario naming none is routed exactly as before."""

from __future__ import annotations

import math

import pytest

from ccsim import Scenario, ScenarioError, simulate


def _two_types(take, *, first=(5.0,), second=(2.0,)):
    # One agent taking [a, b], busy with a's contact at 0 until 100 s; then a caller of
    # a (at 5 s by default) and of b (at 2 s) wait for it.
    types = [{"name": "a", "arrivals": {"times": [0.0, *first]},
              "handle_time": {"dist": "constant", "value": 100}},
             {"name": "b", "arrivals": {"times": list(second)},
              "handle_time": {"dist": "constant", "value": 100}}]
    return Scenario(period=3600, horizon=3600, contact_types=types,
                    agent_groups=[{"name": "g", "skills": ["a", "b"], "staff": 1,
                                   "take": take}])


@pytest.mark.parametrize(("take", "first", "expected"), [
    ("skill_order", (5.0,), "a"),        # its first skill while one waits
    ("longest_waiting", (5.0,), "b"),    # b has waited since 2 s, a since 5 s
    ("own_first", (5.0,), "a"),          # its own type first
    ("own_first", (), "b"),              # none of its own: the longest-waiting other
])
def test_a_free_agent_takes_as_its_group_says(take, first, expected):
    trace = simulate(_two_types(take, first=first), 0, trace=True).trace
    at_100 = trace[(trace.event == "answered") & (trace.time == 100.0)]
    assert list(at_100.contact_type) == [expected]


def test_own_first_takes_the_longest_waiting_of_the_others():
    types = [{"name": n, "arrivals": {"times": times},
              "handle_time": {"dist": "constant", "value": 100}}
             for n, times in (("a", [0.0]), ("b", [9.0]), ("c", [3.0]))]
    scenario = Scenario(period=3600, horizon=3600, contact_types=types,
                        agent_groups=[{"name": "g", "skills": ["a", "b", "c"], "staff": 1,
                                       "take": "own_first"}])
    trace = simulate(scenario, 0, trace=True).trace
    answered = trace[trace.event == "answered"].sort_values("time")
    assert list(answered.contact_type) == ["a", "c", "b"]


def _random_day(selection):
    # Calls of type x only, spaced out so that both agents are always idle: specialists
    # take x first, generalists list it second.
    x = {"name": "x", "arrivals": {"times": [60.0 * i for i in range(400)]},
         "handle_time": {"dist": "constant", "value": 10}, "agent_selection": selection}
    y = {"name": "y", "arrivals": {"times": []},
         "handle_time": {"dist": "constant", "value": 10}}
    return Scenario(period=1200, horizon=400 * 60, contact_types=[x, y],
                    agent_groups=[{"name": "specialists", "skills": ["x"], "staff": 1},
                                  {"name": "generalists", "skills": ["y", "x"], "staff": 1}])


def test_random_selection_draws_among_all_free_agents():
    rank = simulate(_random_day("longest_idle"), 2, trace=True).trace
    assert set(rank[rank.event == "answered"].agent_group) == {"specialists"}
    rows = simulate(_random_day("random"), 2, trace=True).trace
    share = (rows[rows.event == "answered"].agent_group == "generalists").mean()
    assert abs(share - 0.5) < 4 * math.sqrt(0.25 / 400), share


def test_a_group_scales_the_talk_of_its_types():
    types = [{"name": "x", "arrivals": {"times": [0.0, 1.0]},
              "handle_time": {"dist": "constant", "value": 100}}]
    scenario = Scenario(period=3600, horizon=3600, contact_types=types,
                        agent_groups=[{"name": "fast", "skills": ["x"], "staff": 1,
                                       "handle_scale": {"x": 0.75}},
                                      {"name": "plain", "skills": ["x"], "staff": 1}])
    trace = simulate(scenario, 0, trace=True).trace
    ends = trace[trace.event == "finished"].set_index("agent_group")["time"]
    assert ends["fast"] == 75.0 and ends["plain"] == 101.0


def test_a_scenario_naming_no_rule_is_routed_as_before():
    default = simulate(_two_types("skill_order"), 0).summary
    assert default == simulate(_two_types("skill_order"), 0).summary
    from ccsim.model.rules import scenario_router
    assert scenario_router(_two_types("skill_order"), 0) is None


@pytest.mark.parametrize(("group", "message"), [
    ({"take": "fifo"}, r"agent_groups\[g\]\.take"),
    ({"handle_scale": {"c": 0.5}}, r"agent_groups\[g\]\.handle_scale: 'c' is not one of "
                                   r"the group's skills \(a, b\)"),
    ({"handle_scale": {"a": 0}}, r"agent_groups\[g\]\.handle_scale\.a: must be > 0"),
])
def test_bad_rules_name_their_key(group, message):
    base = _two_types("skill_order").model_dump(exclude_none=True)
    base["agent_groups"][0].update(group)
    with pytest.raises(ScenarioError, match=message):
        Scenario(**base)


def test_a_bad_agent_selection_names_its_key():
    base = _two_types("skill_order").model_dump(exclude_none=True)
    base["contact_types"][0]["agent_selection"] = "any"
    with pytest.raises(ScenarioError, match=r"contact_types\[a\]\.agent_selection"):
        Scenario(**base)
