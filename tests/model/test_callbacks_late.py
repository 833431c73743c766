"""Due calls taken late: when one group makes the calls of each contact type and an attempt
schedules nothing, an agent's next call is decided when its group is next settled, at its
end of service's own time, and the run is the one that observes every end at its time."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_cases import callback_day

from ccsim import Scenario, simulate
from ccsim.model.callbacks import CallbackPolicy


class Eager(CallbackPolicy):
    """The scenario's callbacks with every end of service observed at its time."""

    def __init__(self, scenario, rules=None):
        super().__init__(scenario, rules)
        self.replayable = False


def _same(day: Scenario, seed: int) -> None:
    late, eager = simulate(day, seed), simulate(day, seed, policies=[Eager(day)])
    assert CallbackPolicy(day).replayable
    assert json.dumps(late.summary) == json.dumps(eager.summary)
    assert late.intervals.equals(eager.intervals)
    assert late.agents.equals(eager.agents)


def _two_teams(callbacks: dict | None, staff: tuple[list[int], list[int]]) -> Scenario:
    """Billing and tech, each its own team, and a third type both teams take (no offers)."""
    def calls(name, per_hour, **keys):
        return {"name": name, "arrivals": {"per_hour": per_hour},
                "handle_time": {"dist": "exponential", "mean": 240},
                "patience": {"dist": "exponential", "mean": 150}, **keys}

    return Scenario(
        period=900, horizon=4 * 3600,
        contact_types=[calls("billing", 90), calls("tech", 70),
                       calls("general", 40, callbacks=False)],
        agent_groups=[{"name": "billing", "skills": ["billing", "general"], "staff": staff[0]},
                      {"name": "tech", "skills": ["tech", "general"], "staff": staff[1]}],
        callbacks=callbacks,
    )


def test_the_benchmark_policy_taken_late_is_the_policy_taken_at_each_end():
    _same(callback_day({"queue_at_least": 3, "accept": 0.5, "promise": "10h",
                        "dial_time": 0, "reach": 1}, per_hour=165), 1)


def test_each_rule_and_mode_taken_late_is_the_same_run():
    window = {"queue_at_least": 2, "accept": 0.6, "promise": "20min", "dial_time": "15s",
              "reach": 0.7, "max_attempts": 1}
    for keys in ({**window, "schedule": "priority"}, {**window, "schedule": "deadline"},
                 {**window, "mode": "keep_place", "promise": None, "reach": 1},
                 {"offer_after": "1min", "accept": 0.8, "promise": "1h",
                  "predicted_wait_above": "30s"},
                 {"abandoned": {"share": 0.7, "delay": {"dist": "exponential", "mean": 300},
                                "min_wait": "20s"}, "reach": 0.8, "max_attempts": 1}):
        _same(callback_day(keys, per_hour=170, hours=4), 2)


def test_teams_taking_their_own_types_late_are_the_same_run():
    staff = ([6, 7, 5, 0] * 4, [4, 5, 6, 2] * 4)  # billing ends the day with nobody
    _same(_two_teams({"queue_at_least": 1, "accept": 0.7, "promise": "30min"}, staff), 3)


def test_calls_are_decided_at_each_end_when_late_would_not_be_exact():
    window = {"queue_at_least": 1, "accept": 0.5, "promise": "1h"}
    assert CallbackPolicy(callback_day(window)).replayable
    # A retry or a follow-up scheduled late could fall before the moment it is decided.
    assert not CallbackPolicy(callback_day({**window, "reach": 0.5})).replayable
    assert CallbackPolicy(callback_day({**window, "reach": 0.5, "max_attempts": 1})).replayable
    assert not CallbackPolicy(callback_day(
        {**window, "follow_ups": {"share": 0.1, "delay": "1h"}})).replayable
    # Shared by two teams, a type's calls would go to whichever team is settled first.
    shared = _two_teams(None, ([3] * 16, [3] * 16)).model_dump()
    shared["contact_types"][2]["callbacks"] = {"queue_at_least": 1, "accept": 0.5,
                                               "promise": "1h"}
    assert not CallbackPolicy(Scenario(**shared)).replayable


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    per_hour=st.floats(60, 300),
    staff=st.lists(st.integers(0, 7), min_size=4, max_size=4),
    mode=st.sampled_from(["window", "keep_place"]),
    accept=st.one_of(st.floats(0, 1), st.just([["0s", 0.2], ["3min", 0.9]])),
    trigger=st.sampled_from(["queue", "predicted", "after"]),
    recall=st.one_of(st.none(), st.floats(0, 1)),
    reach=st.one_of(st.just(1.0), st.floats(0.2, 1)),
    schedule=st.sampled_from(["when_idle", "priority", "deadline"]),
    lines=st.one_of(st.none(), st.integers(1, 30)),
    seed=st.integers(0, 2**32),
)
def test_calls_taken_late_are_the_calls_taken_at_each_end(
    per_hour, staff, mode, accept, trigger, recall, reach, schedule, lines, seed
):
    keys = {"accept": accept, "mode": mode, "reach": reach, "max_attempts": 1,
            "schedule": schedule, "dial_time": "10s", "promise": "20min"}
    keys.update({"queue": {"queue_at_least": 1}, "predicted": {"predicted_wait_above": "40s"},
                 "after": {"offer_after": "40s"}}[trigger])
    if recall is not None:
        keys["abandoned"] = {"share": recall, "delay": {"dist": "exponential", "mean": 300}}
    if mode == "keep_place":
        keys["promise"] = None
    day = callback_day(keys, per_hour=per_hour, hours=1, lines=lines).model_dump()
    day.update(period=900)
    day["agent_groups"][0]["staff"] = staff
    _same(Scenario(**day), seed)
