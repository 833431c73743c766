"""Callback offers (window mode): off is the plain run, accepted callers leave the line,
the scheduling rules do what they say, and the exponential case agrees with its exact
continuous-time Markov chain (tests/model/callback_chain.py) within confidence intervals."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from callback_chain import solve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_cases import AHT, PATIENCE, assert_agrees_with_chain, callback_day

from ccsim import Scenario, ScenarioError, simulate
from ccsim.model.callbacks import CallbackPolicy, Deadline, Priority, Schedule, WhenIdle
from ccsim.model.centre import Centre


def _day(callbacks=None, **keys):
    return callback_day(callbacks, **keys)


def test_acceptance_zero_gives_the_plain_run():
    plain = simulate(_day(), 3).summary
    off = simulate(_day({"queue_at_least": 0, "accept": 0, "promise": "1h"}), 3).summary
    assert off["callbacks_offered"] > 100 and off["callbacks_accepted"] == 0
    assert json.dumps({k: off[k] for k in plain}) == json.dumps(plain)  # bit for bit


def test_with_every_caller_offered_and_accepting_nobody_abandons_on_the_line():
    s = simulate(_day({"queue_at_least": 0, "accept": 1, "promise": "1h"}, per_hour=200), 1)
    s = s.summary
    assert s["abandoned"] == 0 and s["callbacks_accepted"] > 100
    assert s["offered"] == s["answered"] + s["callbacks_accepted"]
    assert s["callbacks_completed"] + s["callbacks_failed"] == s["callbacks_accepted"]


def test_every_caller_who_accepts_is_counted_apart_from_the_line():
    s = simulate(_day({"queue_at_least": 2, "accept": 0.5, "promise": "30min", "reach": 0.6,
                       "max_attempts": 2, "retry_delay": "5min", "dial_time": "20s"}), 2)
    s = s.summary
    assert s["offered"] == s["answered"] + s["abandoned"] + s["callbacks_accepted"]
    assert s["callbacks_failed"] > 0 and s["callbacks_completed"] > 0
    assert 0 < s["promise_kept"] < 1
    # Every attempt costs 20 s; a completed one its talk time as well.
    assert s["agent_time_callbacks"] > 20 * (s["callbacks_completed"] + s["callbacks_failed"])


def _waiting_across(trace, time):
    """Callers on the line who arrived before ``time`` and left after it."""
    arrived = trace[trace.event == "arrived"].set_index("contact").time
    left = trace[trace.event.isin(["answered", "abandoned", "callback_accepted"])]
    left = left.set_index("contact").time
    both = left.index.intersection(arrived.index)
    return int(((arrived[both] < time) & (left[both] > time)).sum())


def test_when_idle_never_starts_a_callback_while_a_caller_waits():
    t = simulate(_day({"queue_at_least": 1, "accept": 0.7, "promise": "1h"}, per_hour=170),
                 4, trace=True).trace
    attempts = t[t.event == "callback_attempt"].time
    assert len(attempts) > 50
    assert all(_waiting_across(t, time) == 0 for time in attempts)


def test_priority_calls_back_before_callers_on_the_line():
    t = simulate(_day({"queue_at_least": 1, "accept": 0.7, "promise": "1h",
                       "schedule": "priority"}, per_hour=170), 4, trace=True).trace
    attempts = t[t.event == "callback_attempt"].time
    assert sum(_waiting_across(t, time) > 0 for time in attempts) > 10


def test_deadline_keeps_the_promises_that_capacity_allows():
    # A morning rush, then a quiet afternoon: when_idle lets callbacks wait behind the rush.
    day = {"queue_at_least": 0, "accept": 0.8, "promise": "20min"}
    scenario = _day(day, per_hour=150, hours=4, patience=None, staff=10)
    data = scenario.model_dump()
    data["contact_types"][0]["arrivals"] = {"volumes": [130, 130, 20, 20, 10, 10, 10, 10]}
    kept = {}
    for rule in ("when_idle", "deadline"):
        data["callbacks"]["schedule"] = rule
        kept[rule] = simulate(Scenario(**data), 5).summary["promise_kept"]
    assert kept["deadline"] > kept["when_idle"]


def test_the_scheduling_rules_are_small_classes():
    class Request:
        promise_by = 100.0

    assert not WhenIdle().before_live(Request(), 0)
    assert Priority().before_live(Request(), 0)
    assert Deadline(margin=30).before_live(Request(), 71) and not Deadline(30).before_live(
        Request(), 69)


def test_a_contact_type_can_turn_callbacks_off_or_change_them():
    data = _day({"queue_at_least": 0, "accept": 1, "promise": "1h"}).model_dump()
    data["contact_types"][0]["callbacks"] = False
    s = simulate(Scenario(**data), 1).summary
    assert "callbacks_offered" not in s  # no type has callbacks: the policy is not installed
    data["contact_types"][0]["callbacks"] = {"accept": 0.0}
    assert simulate(Scenario(**data), 1).summary["callbacks_accepted"] == 0


@pytest.mark.parametrize(("keys", "message"), [
    ({"accept": 0.5, "promise": "1h"}, r"callbacks.accept: set, but there is no offer trigger"),
    ({"schedule": "priority"}, r"callbacks: give an offer trigger .* or a table 'abandoned'"),
    ({"queue_at_least": 2, "promise": "1h"}, r"callbacks.accept: is required"),
    ({"queue_at_least": 2, "accept": 1.5, "promise": "1h"}, r"callbacks.accept: .*1.5"),
    ({"queue_at_least": 2, "accept": 0.5}, r"callbacks.promise: is required"),
    ({"queue_at_least": 2, "accept": 0.5, "promise": "1h", "mode": "keep"},
     r"callbacks.mode: must be 'window' or 'keep_place' \(got 'keep'\)"),
    ({"queue_at_least": 2, "accept": 0.5, "promise": "1h", "schedule": "fifo"},
     r"callbacks.schedule: must be 'when_idle', 'priority' or 'deadline'"),
    ({"queue_at_least": 2, "accept": 0.5, "promise": "1h", "max_attempts": 0},
     r"callbacks.max_attempts: must be >= 1"),
    ({"queue_at_least": 2, "accept": 0.5, "promise": "1h", "reach": True},
     r"callbacks.reach: must be a number \(got true\)"),
    ({"queue_at_least": 2, "accept": 0.5, "promise": "1h", "dial": "5s"},
     r"callbacks: unknown key 'dial' \(did you mean 'dial_time'\?\)"),
    ({"offer_after": "-1min", "accept": 0.5, "promise": "1h"},
     r"callbacks.offer_after: must be >= 0 \(got '-1min'\)"),
    ({"offer_after": "1min", "accept": [], "promise": "1h"},
     r"callbacks.accept: must list at least one \[predicted wait, share\] pair"),
    ({"offer_after": "1min", "accept": [["1min", 1.2]], "promise": "1h"},
     r"callbacks.accept\[0\]\[1\]: must be <= 1 \(got 1.2\)"),
    ({"offer_after": "1min", "accept": [["5min", 0.5], ["1min", 0.9]], "promise": "1h"},
     r"callbacks.accept: the predicted waits must increase \(got \[300.0, 60.0\]\)"),
    ({"offer_after": "1min", "accept": "often", "promise": "1h"},
     r"callbacks.accept: must be a number \(got 'often'\)"),
    ({"mode": "keep_place", "abandoned": {"share": 1, "delay": "1min"}},
     r"callbacks.mode: set, but there is no offer trigger"),
    ({"abandoned": {"share": 1.5, "delay": "1min"}},
     r"callbacks.abandoned.share: must be <= 1 \(got 1.5\)"),
    ({"abandoned": {"share": 0.5}}, r"callbacks.abandoned.delay: is required"),
    ({"abandoned": {"share": 0.5, "delay": "soon"}},
     r"callbacks.abandoned.delay: expected a duration .*got 'soon'"),
    ({"abandoned": {"share": 0.5, "delay": {"dist": "exponential", "mean": 0}}},
     r"callbacks.abandoned.delay.mean: must be > 0 \(got 0\)"),
    ({"abandoned": {"share": 0.5, "delay": "1min", "min_wait": "-5s"}},
     r"callbacks.abandoned.min_wait: must be >= 0 \(got '-5s'\)"),
    ({"abandoned": {"share": 0.5, "delay": "1min", "after": "5s"}},
     r"callbacks.abandoned: unknown key 'after'"),
    ({"abandoned": True}, r"callbacks.abandoned: must be a table of keys, or false .*got true"),
    ({"follow_ups": {"share": -0.1, "delay": "1h"}},
     r"callbacks.follow_ups.share: must be >= 0 \(got -0.1\)"),
    ({"follow_ups": {"share": 0.1, "delay": "0s"}},
     r"callbacks.follow_ups.delay: must be > 0 \(got '0s'\)"),
    ({"follow_ups": 0.1}, r"callbacks.follow_ups: must be a table of keys, or false"),
])
def test_bad_callback_keys_say_where_and_what(keys, message):
    with pytest.raises(ScenarioError, match=message):
        _day(keys)


# --- the exact chain -------------------------------------------------------------------

CHAINS = [
    # agents, load, K, p, rule, hours per replication, replications, callbacks truncated at
    (3, 0.9, 1, 0.5, "when_idle", 200, 20, 150),
    (5, 0.7, 0, 1.0, "when_idle", 200, 20, 150),
    (10, 1.0, 3, 0.7, "when_idle", 300, 20, 120),
    (10, 1.1, 3, 0.7, "priority", 100, 20, 60),
    (20, 1.0, 5, 0.3, "priority", 90, 20, 40),
]


@pytest.mark.parametrize(("agents", "load", "K", "p", "rule", "hours", "reps", "M"), CHAINS)
def test_window_offers_agree_with_the_exact_markov_chain(agents, load, K, p, rule, hours,
                                                         reps, M):
    lam = load * agents / AHT
    exact = solve(agents, lam, 1 / AHT, 1 / PATIENCE, K, p, rule, Q=40, M=M)
    assert exact.boundary < 1e-7
    period = 30 * AHT
    scenario = _day({"queue_at_least": K, "accept": p, "promise": "10h", "schedule": rule},
                    staff=agents, per_hour=lam * 3600)
    data = scenario.model_dump()
    data.update(period=period, horizon=period * math.ceil(hours * 3600 / period),
                warmup=period)
    runs = [simulate(Scenario(**data), 500 + r).summary for r in range(reps)]
    observed = {
        "abandon_rate": [r["abandon_rate"] for r in runs],
        "accepted": [r["callbacks_accepted"] / r["offered"] for r in runs],
        "pending": [r["callbacks_pending"] for r in runs],
        "delay": [r["callback_delay_mean"] for r in runs],
    }
    # Nobody abandons on the line when everyone who waits accepts: then 0 in every run.
    assert_agrees_with_chain(observed, exact, reps)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    per_hour=st.floats(60, 400),
    staff=st.lists(st.integers(0, 8), min_size=4, max_size=4),
    K=st.integers(0, 4),
    accept=st.floats(0, 1),
    reach=st.floats(0.2, 1),
    dial=st.floats(0, 60),
    schedule=st.sampled_from(["when_idle", "priority", "deadline"]),
    lines=st.one_of(st.none(), st.integers(1, 40)),
    seed=st.integers(0, 2**32),
)
def test_every_contact_and_callback_is_accounted_for_and_runs_repeat(
    per_hour, staff, K, accept, reach, dial, schedule, lines, seed
):
    scenario = Scenario(
        period=900, horizon=3600, lines=lines,
        contact_types=[{"name": "calls", "arrivals": {"per_hour": per_hour},
                        "handle_time": {"dist": "exponential", "mean": 200},
                        "patience": {"dist": "exponential", "mean": 120}}],
        agent_groups=[{"name": "agents", "skills": ["calls"], "staff": staff}],
        callbacks={"queue_at_least": K, "accept": accept, "promise": "20min", "reach": reach,
                   "dial_time": dial, "schedule": schedule, "retry_delay": "3min"},
    )
    first, again = simulate(scenario, seed), simulate(scenario, seed)  # the run checks
    s = first.summary  # offered = answered + abandoned + blocked + unserved + accepted
    assert json.dumps(s) == json.dumps(again.summary)
    assert s["callbacks_completed"] + s["callbacks_failed"] == s["callbacks_accepted"]
    assert s["callbacks_accepted"] <= s["callbacks_offered"]
    rows = first.intervals[first.intervals.contact_type == "all"]
    assert rows.callbacks_accepted.sum() == s["callbacks_accepted"]


def test_a_caller_who_accepts_frees_its_line_at_once():
    # Two lines, one agent talking 0–100 s. The call at 1 s would wait and hold the second
    # line, so the call at 2 s would be blocked; with a callback accepted it is not.
    def day(callbacks):
        return Scenario(
            period=600, horizon=600, lines=2, callbacks=callbacks,
            contact_types=[{"name": "calls", "arrivals": {"times": [0, 1, 2]},
                            "handle_time": {"dist": "constant", "value": 100}}],
            agent_groups=[{"name": "agents", "skills": ["calls"], "staff": 1}],
        )

    assert simulate(day(None)).summary["blocked"] == 1
    s = simulate(day({"queue_at_least": 0, "accept": 1, "promise": "1h"})).summary
    assert (s["blocked"], s["callbacks_accepted"], s["answered"]) == (0, 2, 1)
    assert s["callbacks_completed"] == 2


class AfterTenMinutes(Schedule):
    """A researcher's rule: a callback goes before live callers once it has waited 10 min."""

    def before_live(self, request, now):
        return now - request.requested >= 600


def test_a_scheduling_rule_of_ones_own_replaces_the_scenarios():
    day = _day({"queue_at_least": 1, "accept": 0.7, "promise": "1h"}, per_hour=170)
    by_key = simulate(day.model_copy(update={"callbacks": day.callbacks.model_copy(
        update={"schedule": "priority"})}), 4).summary
    by_rule = simulate(day, 4, policies=[CallbackPolicy(day, {"calls": Priority()})]).summary
    assert json.dumps(by_key) == json.dumps(by_rule)
    mine = simulate(day, 4, policies=[CallbackPolicy(day, {"calls": AfterTenMinutes()})])
    idle, first = simulate(day, 4).summary, by_key
    delay = mine.summary["callback_delay_mean"]
    assert first["callback_delay_mean"] < delay < idle["callback_delay_mean"]


@pytest.mark.timeout(60)
def test_a_period_that_is_no_exact_float_multiple_still_ends():
    # Interval boundaries such as 3 × 8000.1 s are not exact in floating point; the time
    # average of callbacks pending must still cover each interval once.
    day = _day({"queue_at_least": 0, "accept": 1, "promise": "1h"}, per_hour=200).model_dump()
    day.update(period=8000.1, horizon=3 * 8000.1)
    s = simulate(Scenario(**day), 1).summary
    assert s["callbacks_accepted"] > 0 and s["callbacks_pending"] >= 0


def _four_calls(accept: float) -> Scenario:
    """One agent talking 100 s per call; calls at 0, 1, 2 and 3 s. A caller is offered a
    callback when one live caller already waits ahead of it."""
    return Scenario(
        period=300, horizon=600, service_level={"answer_within": 20},
        callbacks={"queue_at_least": 1, "accept": accept, "promise": "1h"},
        contact_types=[{"name": "calls", "arrivals": {"times": [0, 1, 2, 3]},
                        "handle_time": {"dist": "constant", "value": 100}}],
        agent_groups=[{"name": "agents", "skills": ["calls"], "staff": 1}],
    )


def test_service_level_on_the_line_leaves_accepted_callbacks_out_by_hand():
    # 0 s: answered at once (in time). 1 s: nobody ahead, waits until 100 s (late).
    # 2 s and 3 s: one caller ahead, offered, accept and hang up. Of 4 offered, 1 answered
    # in time: 1/4 of offered; of the 4 − 2 who stayed on the line: 1/2.
    result = simulate(_four_calls(accept=1))
    s = result.summary
    assert (s["offered"], s["callbacks_accepted"], s["answered"]) == (4, 2, 2)
    assert s["sl_offered"] == 0.25 and s["service_level"] == 0.25
    assert s["sl_on_line"] == 0.5
    first, second = result.intervals[result.intervals.contact_type == "all"].itertuples()
    assert first.sl_on_line == 0.5 and math.isnan(second.sl_on_line)  # nobody arrived
    assert result.types.set_index("contact_type").loc["calls", "sl_on_line"] == 0.5


@pytest.mark.parametrize("seed", [1, 2])
def test_service_level_on_the_line_is_of_offered_when_nobody_accepts(seed):
    result = simulate(_day({"queue_at_least": 0, "accept": 0, "promise": "1h"}), seed)
    assert result.summary["callbacks_offered"] > 0
    for table in (result.types, result.intervals):  # NaN where nobody arrived, in both
        np.testing.assert_array_equal(table["sl_on_line"], table["sl_offered"])
    assert result.summary["sl_on_line"] == result.summary["sl_offered"]


def test_service_level_on_the_line_is_never_below_that_of_offered():
    s = simulate(_day({"queue_at_least": 2, "accept": 0.6, "promise": "1h"}, per_hour=190),
                 5).summary
    assert s["callbacks_accepted"] > 50
    assert s["sl_on_line"] > s["sl_offered"]
    in_time = s["sl_offered"] * s["offered"]
    assert s["sl_on_line"] == pytest.approx(in_time / (s["offered"] - s["callbacks_accepted"]))


def test_service_level_on_the_line_is_reported_with_offers_only():
    recalls = {"abandoned": {"share": 1, "delay": "5min"}}
    assert "sl_on_line" not in simulate(_day(recalls), 1).summary
    assert "sl_on_line" not in simulate(_day(), 1).summary


def test_the_policy_refuses_a_centre_whose_queues_cannot_withdraw_or_hold_a_caller():
    day = _day({"queue_at_least": 0, "accept": 0.5, "promise": "1h"})
    plain = Centre(day, 1)  # no policy asked for live queues: FIFO lines
    with pytest.raises(TypeError, match="callbacks need live queues"):
        CallbackPolicy(day).install(plain)
