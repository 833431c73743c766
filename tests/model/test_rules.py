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


def _ordered_day(selection, times):
    # Two groups that list x first (a tie of ranks), one agent each; a third takes only y.
    x = {"name": "x", "arrivals": {"times": list(times)},
         "handle_time": {"dist": "constant", "value": 100}, "agent_selection": selection}
    y = {"name": "y", "arrivals": {"times": []},
         "handle_time": {"dist": "constant", "value": 10}}
    return Scenario(period=3600, horizon=3600, contact_types=[x, y],
                    agent_groups=[{"name": "a", "skills": ["x"], "staff": 1},
                                  {"name": "b", "skills": ["x", "y"], "staff": 1},
                                  {"name": "c", "skills": ["y"], "staff": 1}])


def _answered_by(scenario):
    trace = simulate(scenario, 0, trace=True).trace
    return list(trace[trace.event == "answered"].sort_values("time").agent_group)


def test_groups_in_order_take_an_arriving_contact_one_after_the_other():
    # Calls 200 s apart find both agents idle. Tied by rank, the longest idle takes each
    # (they alternate); in the order given, b takes every one it is free for, and a only
    # the one that comes while b talks.
    times = [0.0, 200.0, 400.0, 401.0, 600.0]
    assert _answered_by(_ordered_day("longest_idle", times)) == ["a", "b", "a", "b", "a"]
    assert _answered_by(_ordered_day(["b", "a"], times)) == ["b", "b", "b", "a", "b"]
    assert _answered_by(_ordered_day(["a", "b"], times)) == ["a", "a", "a", "b", "a"]


@pytest.mark.parametrize(("selection", "message"), [
    (["a", "z"], r"'z' names no agent group; list the groups that take it on arrival, in "
                 r"the order to try them: a, b"),
    (["a", "b", "c"], r"'c' does not take 'x'"),
    (["a"], r"leaves out 'b', which takes 'x' on arrival"),
    (["a", "b", "a"], r"lists 'a' twice"),
    ([], r"must be .longest_idle., .random. or the agent groups to try in order"),
])
def test_a_bad_order_of_groups_names_its_key(selection, message):
    data = _ordered_day("longest_idle", [0.0]).model_dump(exclude_none=True)
    data["contact_types"][0]["agent_selection"] = selection
    with pytest.raises(ScenarioError, match=r"contact_types\[x\]\.agent_selection.*" + message):
        Scenario(**data)


def test_a_delayed_group_is_not_in_the_order_of_arrival():
    data = _ordered_day(["a", "b"], [0.0]).model_dump(exclude_none=True)
    data["agent_groups"][1]["delays"] = {"x": 12.0}
    with pytest.raises(ScenarioError, match=r"'b' takes 'x' only after a delay"):
        Scenario(**data)
    data["contact_types"][0]["agent_selection"] = ["a"]
    assert _answered_by(Scenario(**data)) == ["a"]


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


def _overflow(times_b, *, times_a=(), staff_s=1, staff_g=1, handle=100.0, **day):
    types = [{"name": "a", "arrivals": {"times": list(times_a)},
              "handle_time": {"dist": "constant", "value": handle}},
             {"name": "b", "arrivals": {"times": list(times_b)},
              "handle_time": {"dist": "constant", "value": handle}}]
    return Scenario(period=3600, horizon=3600, contact_types=types, **day,
                    agent_groups=[{"name": "s", "skills": ["b"], "staff": staff_s},
                                  {"name": "g", "staff": staff_g,
                                   "skills": ["a", {"type": "b", "after": "12s"}]}])


def test_a_delayed_group_takes_a_caller_when_it_has_waited_its_delay():
    # b at 0 goes to s (busy until 100 s); b at 5 waits although g is idle, and g takes it
    # at 17 s, when it has waited 12 s. A b at 200 s goes to s, free again.
    trace = simulate(_overflow([0, 5, 200]), 0, trace=True).trace
    answered = trace[trace.event == "answered"].sort_values("time")
    assert list(zip(answered.time, answered.agent_group, strict=True)) == [
        (0.0, "s"), (17.0, "g"), (200.0, "s")]


def test_a_freed_delayed_agent_takes_only_callers_who_have_waited():
    # g is busy with a until 100 s; b callers at 95 and 99 s wait (s busy until 100 s
    # with the b at 0). At 100 s s takes the b of 95 s; g, freed at 100 s, finds the b of
    # 99 s waited only 1 s and takes it at 111 s (its delay, by the policy's timer).
    trace = simulate(_overflow([0, 95, 99], times_a=[0]), 0, trace=True).trace
    answered = trace[(trace.event == "answered") & (trace.contact_type == "b")]
    assert sorted(zip(answered.time, answered.agent_group, strict=True)) == [
        (0.0, "s"), (100.0, "s"), (111.0, "g")]


def test_no_caller_overflows_before_its_delay_on_a_busy_day():
    types = [{"name": n, "arrivals": {"per_hour": rate},
              "handle_time": {"dist": "exponential", "mean": 240},
              "patience": {"dist": "exponential", "mean": 300}}
             for n, rate in (("a", 40.0), ("b", 90.0))]
    scenario = Scenario(period=1800, horizon=4 * 3600, contact_types=types,
                        agent_groups=[{"name": "s", "skills": ["b"], "staff": 5},
                                      {"name": "g", "staff": 4,
                                       "skills": ["a", {"type": "b", "after": "12s"}]}])
    trace = simulate(scenario, 9, trace=True).trace
    born = trace[trace.event == "arrived"].set_index(["contact_type", "contact"])["time"]
    by_g = trace[(trace.event == "answered") & (trace.contact_type == "b")
                 & (trace.agent_group == "g")]
    waits = [t - born[("b", c)] for c, t in zip(by_g.contact, by_g.time, strict=True)]
    assert len(waits) > 30
    assert min(waits) >= 12.0 - 1e-9
    assert sum(w == pytest.approx(12.0) for w in waits) > 5  # handed over at the moment


def test_delayed_skills_name_their_key():
    base = _overflow([0]).model_dump(exclude_none=True)
    base["agent_groups"][1]["skills"] = ["a", {"type": "b", "wait": "12s"}]
    with pytest.raises(ScenarioError, match=r"agent_groups\[g\].*skills\[1\]: a delayed "
                                            r"skill is"):
        Scenario(**base)
    base["agent_groups"][1]["skills"] = ["a", {"type": "b", "after": "-1s"}]
    with pytest.raises(ScenarioError, match=r"agent_groups\[g\]\.delays\.b"):
        Scenario(**base)


def _answered_while_delayed(staff_g, handle_b):
    # s takes a at 0 until 100 s; the a of 1 s waits (g takes a only after 12 s); the b
    # of 2 s goes to an idle agent of g for handle_b seconds. Where and when is a answered?
    types = [{"name": "a", "arrivals": {"times": [0.0, 1.0]},
              "handle_time": {"dist": "constant", "value": 100}},
             {"name": "b", "arrivals": {"times": [2.0]},
              "handle_time": {"dist": "constant", "value": handle_b}}]
    scenario = Scenario(period=3600, horizon=3600, contact_types=types,
                        agent_groups=[{"name": "s", "skills": ["a"], "staff": 1},
                                      {"name": "g", "staff": staff_g,
                                       "skills": [{"type": "a", "after": "12s"}, "b"]}])
    trace = simulate(scenario, 0, trace=True).trace
    answered = trace[(trace.event == "answered") & (trace.contact_type == "a")]
    return sorted(zip(answered.time, answered.agent_group, strict=True))


def test_a_caller_handed_over_at_its_delay_is_answered_once():
    # g's agent who took b is free at 7 s, and idle (a has not waited 12 s); at 13 s one
    # agent of g takes a, once. (It was answered twice: settling g at 13 s, the freed
    # agent took a from the queue, and the hand-over gave it to the other idle agent too.)
    assert _answered_while_delayed(2, 5.0) == [(0.0, "s"), (13.0, "g")]


def test_an_agent_freed_after_the_delay_takes_the_waiting_caller_at_its_end():
    # g's only agent is busy with b until 22 s: a, ready since 13 s, is taken at 22 s.
    # (Its end went unobserved, the group never woken for it: a waited for s until 100 s.)
    assert _answered_while_delayed(1, 20.0) == [(0.0, "s"), (22.0, "g")]
