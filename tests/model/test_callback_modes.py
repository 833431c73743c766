"""The callback policies beyond the window offer on arrival: ``keep_place``, offers after
a wait (``offer_after``), acceptance curves, calls back to customers who hung up
(``abandoned``) and follow-ups — each checked against the run it must reproduce, the trace,
or a binomial confidence interval; with every policy on at once, conservation and
determinism (hypothesis)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_cases import assert_agrees_with_chain, callback_day
from scipy import stats

from ccsim import Scenario, simulate
from ccsim.model.callbacks import CallbackPolicy
from ccsim.model.callbacks.policy import _curve
from ccsim.model.centre import Centre
from ccsim.model.policies import HOOKS, hooks


def _day(callbacks=None, *, per_hour=170.0, **keys):
    return callback_day(callbacks, per_hour=per_hour, **keys)


def _binomial_ci(k: int, n: int, level: float = 0.999) -> tuple[float, float]:
    """Clopper–Pearson interval of a share ``k / n``."""
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=level)
    return ci.low, ci.high


def _by_contact(trace, event):
    rows = trace[trace.event == event]
    return rows.set_index("contact").time


# --- keep_place ------------------------------------------------------------------------


def test_keep_place_starts_every_conversation_when_it_would_have_started_anyway():
    # Infinite patience, no dialling, always reached: only where the caller waits changes.
    plain = simulate(_day(patience=None, per_hour=150), 7, trace=True).trace
    kept = simulate(_day({"queue_at_least": 0, "accept": 1, "mode": "keep_place"},
                         patience=None, per_hour=150), 7, trace=True)
    t = kept.trace
    starts = {**_by_contact(t, "answered").to_dict(), **_by_contact(t, "callback_answered")}
    assert len(_by_contact(t, "callback_answered")) > 200  # most callers waited
    expected = _by_contact(plain, "answered").to_dict()
    assert starts.keys() == expected.keys()
    assert all(starts[c] == expected[c] for c in expected)  # exactly, not nearly
    s = kept.summary
    assert s["callbacks_accepted"] == s["callbacks_completed"] == s["callbacks_offered"]
    assert s["offered"] == s["answered"] + s["callbacks_accepted"]


def test_a_caller_keeping_its_place_never_abandons_and_frees_its_line():
    # Four lines for three agents: with every waiting caller holding its place, only
    # callers talking hold lines, so nobody is blocked and nobody abandons.
    keys = {"queue_at_least": 0, "mode": "keep_place"}
    held = simulate(_day({**keys, "accept": 1}, staff=3, per_hour=60, lines=4), 3).summary
    refused = simulate(_day({**keys, "accept": 0}, staff=3, per_hour=60, lines=4), 3).summary
    assert refused["blocked"] > 20 and refused["abandoned"] > 20
    assert held["blocked"] == 0 and held["abandoned"] == 0
    assert held["callbacks_accepted"] > 100
    assert held["callbacks_completed"] + held["callbacks_failed"] == held["callbacks_accepted"]


def test_an_unreached_caller_who_kept_its_place_is_retried_from_the_callback_queue():
    r = simulate(_day({"queue_at_least": 2, "accept": 0.6, "mode": "keep_place", "reach": 0.5,
                       "max_attempts": 2, "retry_delay": "5min", "dial_time": "15s"}), 5,
                 trace=True)
    t, s = r.trace, r.summary
    attempts = t[t.event == "callback_attempt"].groupby("contact").size()
    assert attempts.max() == 2 and (attempts == 2).sum() > 20
    retried = attempts[attempts == 2].index
    first = t[(t.event == "callback_attempt")].groupby("contact").time.min()
    second = t[(t.event == "callback_attempt")].groupby("contact").time.max()
    assert ((second[retried] - first[retried]) >= 15 + 300 - 1e-9).all()
    assert s["callbacks_failed"] > 0
    assert s["callbacks_completed"] + s["callbacks_failed"] == s["callbacks_accepted"]
    assert math.isnan(s["promise_kept"])  # nothing was promised


def test_callers_still_holding_their_place_when_no_agent_is_left_have_failed():
    data = _day({"queue_at_least": 0, "accept": 1, "mode": "keep_place"}, per_hour=400,
                hours=2, staff=5).model_dump()
    data["agent_groups"][0]["staff"] = [5, 5, 0, 0]
    data["period"], data["horizon"] = 1800, 7200
    s = simulate(Scenario(**data), 1).summary
    assert s["callbacks_failed"] > 50
    assert s["callbacks_completed"] + s["callbacks_failed"] == s["callbacks_accepted"]
    assert s["unserved"] == 0  # they hung up: failed callbacks, not callers left waiting


@pytest.mark.parametrize("mode", ["window", "keep_place"])
def test_callbacks_no_agent_is_left_to_make_are_pending_up_to_the_horizon(mode):
    # Nobody arrives or works in the last half hour: every request still pending then fails
    # at the end, and counts as pending through the whole interval, not until the last event.
    keys = {"queue_at_least": 0, "accept": 1, "mode": mode}
    data = _day({**keys, "promise": None if mode == "keep_place" else "10h"}, per_hour=400,
                hours=2, staff=5).model_dump()
    data["agent_groups"][0]["staff"] = [5, 5, 5, 0]
    data["contact_types"][0]["arrivals"] = {"volumes": [200, 200, 200, 0]}
    data["period"], data["horizon"] = 1800, 7200
    r = simulate(Scenario(**data), 1)
    last = r.intervals[(r.intervals.contact_type == "all") & (r.intervals.interval == 3)]
    assert r.summary["callbacks_failed"] > 50
    assert last.callbacks_pending.item() == pytest.approx(r.summary["callbacks_failed"],
                                                          rel=1e-12)


# --- offer_after -----------------------------------------------------------------------


def test_offer_after_offers_exactly_the_callers_who_waited_that_long():
    after = 60.0
    plain = simulate(_day(), 11, trace=True)
    declined = simulate(_day({"offer_after": after, "accept": 0, "promise": "1h"}), 11,
                        trace=True)
    same = {k: v for k, v in declined.summary.items() if k in plain.summary}
    assert json.dumps(same) == json.dumps(plain.summary)  # declined offers change nothing
    t = plain.trace
    arrived = _by_contact(t, "arrived")
    left = t[t.event.isin(["answered", "abandoned"])].set_index("contact").time
    waited = int(((left - arrived[left.index]) >= after).sum())
    offers = _by_contact(declined.trace, "callback_offered")
    assert declined.summary["callbacks_offered"] == waited == len(offers) > 100
    assert np.allclose(offers - arrived[offers.index], after)


def test_with_every_offer_after_accepted_nobody_waits_longer_on_the_line():
    for mode in ("window", "keep_place"):
        keys = {"offer_after": "45s", "accept": 1, "mode": mode,
                **({"promise": "1h"} if mode == "window" else {})}
        r = simulate(_day(keys, per_hour=200), 2, trace=True)
        t, s = r.trace, r.summary
        arrived = _by_contact(t, "arrived")
        left = t[t.event.isin(["answered", "abandoned", "callback_accepted"])]
        left = left.set_index("contact").time
        assert (left - arrived[left.index]).max() <= 45 + 1e-9, mode
        assert s["callbacks_accepted"] > 100
        assert s["offered"] == s["answered"] + s["abandoned"] + s["callbacks_accepted"]


def test_offer_after_with_a_queue_trigger_counts_the_callers_ahead():
    loose = simulate(_day({"offer_after": "30s", "accept": 1, "promise": "1h"}), 4).summary
    strict = simulate(_day({"offer_after": "30s", "queue_at_least": 3, "accept": 1,
                            "promise": "1h"}), 4).summary
    assert 0 < strict["callbacks_offered"] < loose["callbacks_offered"]


# --- the acceptance curve --------------------------------------------------------------


def test_the_acceptance_curve_is_linear_between_its_points_and_flat_beyond():
    curve = _curve([(60.0, 0.2), (300.0, 0.8)])
    assert [curve(w) for w in (0, 60, 180, 300, 1e9, math.inf)] == pytest.approx(
        [0.2, 0.2, 0.5, 0.8, 0.8, 0.8])
    assert _curve(0.3) == 0.3 and _curve([(0.0, 0.7)])(1e4) == 0.7


def test_a_flat_curve_is_the_share_itself_and_a_rising_one_takes_more_offers():
    keys = {"queue_at_least": 1, "promise": "1h"}
    share = simulate(_day({**keys, "accept": 0.4}), 6).summary
    flat = simulate(_day({**keys, "accept": [["0s", 0.4], ["1h", 0.4]]}), 6).summary
    assert json.dumps(share) == json.dumps(flat)
    # Predicted waits here are 1–5 min: a curve from 0 at 1 min to 1 at 3 min.
    rising = simulate(_day({**keys, "accept": [["1min", 0], ["3min", 1]]}), 6).summary
    low, high = _binomial_ci(rising["callbacks_accepted"], rising["callbacks_offered"])
    assert low > 0.4 or high < 0.4  # not the flat share


# --- calls back to customers who hung up -----------------------------------------------


def test_customers_who_hung_up_are_called_back_by_share_and_min_wait():
    keys = {"abandoned": {"share": 0.6, "delay": "10min", "min_wait": "1min"}}
    r = simulate(_day(keys, staff=9), 8, trace=True)
    t, s = r.trace, r.summary
    gave_up = t[t.event == "abandoned"].set_index("contact").time
    waits = gave_up - _by_contact(t, "arrived")[gave_up.index]
    asked = _by_contact(t, "recall_requested")
    assert set(asked.index) <= set(waits[waits >= 60].index)
    assert (asked == gave_up[asked.index]).all()  # requested when it hung up
    low, high = _binomial_ci(len(asked), int((waits >= 60).sum()))
    assert low <= 0.6 <= high
    assert s["recalls_requested"] == len(asked)
    assert s["recalls_completed"] + s["recalls_failed"] == s["recalls_requested"]
    starts = _by_contact(t, "recall_answered")
    assert (starts - gave_up[starts.index] >= 600 - 1e-9).all()
    assert s["recall_delay_mean"] >= 600
    assert s["offered"] == s["answered"] + s["abandoned"]  # recalls are not outcomes


def test_recalls_see_each_abandonment_at_its_moment():
    # A constant 5 min delay: a customer who hung up in the last 5 min of an overloaded
    # half hour is due when plenty of agents are free, and is called back exactly then.
    day = _day({"abandoned": {"share": 1, "delay": "5min"}}, per_hour=150, hours=1, staff=4)
    data = day.model_dump()
    data["agent_groups"][0]["staff"] = [4, 40]
    t = simulate(Scenario(**data), 2, trace=True).trace
    gave_up = t[t.event == "abandoned"].set_index("contact").time
    starts = _by_contact(t, "recall_answered")
    late = gave_up[starts.index] >= 1500
    assert late.sum() > 3
    assert np.allclose((starts - gave_up[starts.index])[late], 300)


# --- follow-ups ------------------------------------------------------------------------


def test_a_share_of_first_conversations_get_a_follow_up_after_the_delay():
    keys = {"queue_at_least": 2, "accept": 0.5, "promise": "2h",
            "follow_ups": {"share": 0.25, "delay": "30min"}}
    r = simulate(_day(keys, staff=11), 9, trace=True)
    t, s = r.trace, r.summary
    first = s["answered"] + s["callbacks_completed"]  # conversations that can need one
    low, high = _binomial_ci(s["followups_requested"], first)
    assert low <= 0.25 <= high
    assert s["followups_completed"] + s["followups_failed"] == s["followups_requested"]
    ends = {**_by_contact(t, "finished").to_dict(), **_by_contact(t, "callback_finished")}
    asked = _by_contact(t, "followup_requested")
    assert all(asked[c] == ends[c] for c in asked.index)
    starts = _by_contact(t, "followup_answered")
    assert all(starts[c] >= asked[c] + 1800 - 1e-9 for c in starts.index)
    # A follow-up conversation does not need a follow-up of its own.
    assert t[t.event == "followup_requested"].contact.is_unique


def test_when_idle_never_starts_any_call_while_a_caller_waits():
    keys = {"queue_at_least": 1, "accept": 0.5, "promise": "1h",
            "abandoned": {"share": 0.5, "delay": "5min"},
            "follow_ups": {"share": 0.2, "delay": "10min"}}
    t = simulate(_day(keys), 4, trace=True).trace
    arrived = _by_contact(t, "arrived")
    left = t[t.event.isin(["answered", "abandoned", "callback_accepted"])]
    left = left.set_index("contact").time
    both = left.index.intersection(arrived.index)
    for source in ("callback", "recall", "followup"):
        attempts = t[t.event == f"{source}_attempt"].time
        assert len(attempts) > 20, source
        for time in attempts:
            assert not ((arrived[both] < time) & (left[both] > time)).any(), (source, time)


# --- seams -----------------------------------------------------------------------------


def test_only_the_hooks_a_configuration_needs_are_called():
    def called(keys):
        day = _day(keys, hours=1)
        policies = Centre(day, 1, policies=[CallbackPolicy(day)]).policies
        return {name for name in HOOKS if hooks(policies, name)}

    window = {"queue_at_least": 1, "accept": 0.5, "promise": "1h"}
    assert called(window) == {"about_to_wait", "agent_idle"}
    assert called({**window, "schedule": "priority"}) == {
        "about_to_wait", "agent_free", "agent_idle"}  # a due call may go before callers
    assert called({**window, "mode": "keep_place", "promise": None}) == {
        "about_to_wait", "dequeued", "agent_idle"}
    assert called({"offer_after": "1min", "accept": 1, "promise": "1h"}) == {
        "queued", "agent_idle"}
    assert called({"abandoned": {"share": 1, "delay": "1min"}}) == {
        "abandoned", "agent_idle"}
    assert called({"follow_ups": {"share": 1, "delay": "1min"}}) == {
        "answered", "agent_idle"}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    per_hour=st.floats(60, 400),
    staff=st.lists(st.integers(0, 8), min_size=4, max_size=4),
    mode=st.sampled_from(["window", "keep_place"]),
    when=st.sampled_from(["arrival", "after"]),
    accept=st.one_of(st.floats(0, 1), st.just([["0s", 0.2], ["3min", 0.9]])),
    recall=st.one_of(st.none(), st.floats(0, 1)),
    follow=st.one_of(st.none(), st.floats(0, 1)),
    reach=st.floats(0.2, 1),
    schedule=st.sampled_from(["when_idle", "priority", "deadline"]),
    lines=st.one_of(st.none(), st.integers(1, 40)),
    seed=st.integers(0, 2**32),
)
def test_with_every_policy_on_contacts_and_calls_are_accounted_for_and_runs_repeat(
    per_hour, staff, mode, when, accept, recall, follow, reach, schedule, lines, seed
):
    keys = {"accept": accept, "mode": mode, "reach": reach, "schedule": schedule,
            "dial_time": "10s", "retry_delay": "3min", "promise": "20min"}
    keys.update({"queue_at_least": 1} if when == "arrival" else {"offer_after": "40s"})
    if recall is not None:
        keys["abandoned"] = {"share": recall, "delay": {"dist": "exponential", "mean": 300}}
    if follow is not None:
        keys["follow_ups"] = {"share": follow, "delay": "10min"}
    scenario = Scenario(
        period=900, horizon=3600, lines=lines,
        contact_types=[{"name": "calls", "arrivals": {"per_hour": per_hour},
                        "handle_time": {"dist": "exponential", "mean": 200},
                        "patience": {"dist": "exponential", "mean": 120}}],
        agent_groups=[{"name": "agents", "skills": ["calls"], "staff": staff}],
        callbacks=keys,
    )
    first, again = simulate(scenario, seed), simulate(scenario, seed)  # the run checks
    s = first.summary  # offered = answered + abandoned + blocked + unserved + accepted
    assert json.dumps(s) == json.dumps(again.summary)
    assert s["callbacks_completed"] + s["callbacks_failed"] == s["callbacks_accepted"]
    for source in ("recalls", "followups"):
        if f"{source}_requested" in s:
            assert s[f"{source}_completed"] + s[f"{source}_failed"] == s[f"{source}_requested"]
    if "recalls_requested" in s:
        assert s["recalls_requested"] <= s["abandoned"]
    rows = first.intervals[first.intervals.contact_type == "all"]
    assert rows.callbacks_accepted.sum() == s["callbacks_accepted"]
    assert (first.intervals.occupancy.dropna() <= 1 + 1e-9).all()


# --- the exact chain of recalls --------------------------------------------------------

RECALL_CHAINS = [
    # agents, load, patience ÷ talk, share called back, rule, grid (Q, M, R), hours, reps
    (3, 0.8, 1.0, 0.3, "when_idle", (30, 60, 15), 600, 16),
    (3, 1.0, 1.0, 0.3, "priority", (30, 60, 20), 600, 16),
    (5, 1.0, 1.0, 0.3, "priority", (30, 60, 25), 400, 16),
]


@pytest.mark.parametrize(("agents", "load", "patience", "share", "rule", "grid", "hours",
                          "reps"), RECALL_CHAINS)
def test_recalls_agree_with_their_exact_markov_chain(agents, load, patience, share, rule,
                                                     grid, hours, reps):
    from recall_chain import solve

    talk = 300.0
    lam = load * agents / talk
    Q, M, R = grid
    exact = solve(agents, lam, 1 / talk, 1 / (patience * talk), share, 1 / (2 * talk), rule,
                  Q=Q, M=M, R=R)
    assert exact.boundary < 1e-8
    period = 30 * talk
    scenario = Scenario(
        period=period, horizon=period * math.ceil(hours * 3600 / period), warmup=period,
        contact_types=[{"name": "calls", "arrivals": {"per_hour": lam * 3600},
                        "handle_time": {"dist": "exponential", "mean": talk},
                        "patience": {"dist": "exponential", "mean": patience * talk}}],
        agent_groups=[{"name": "agents", "skills": ["calls"], "staff": agents}],
        callbacks={"schedule": rule, "abandoned": {
            "share": share, "delay": {"dist": "exponential", "mean": 2 * talk}}},
    )
    runs = [simulate(scenario, 900 + r).summary for r in range(reps)]
    observed = {
        "abandon_rate": [s["abandon_rate"] for s in runs],
        "recalls": [s["recalls_requested"] / s["offered"] for s in runs],
        "pending": [s["recalls_pending"] for s in runs],
        "delay": [s["recall_delay_mean"] for s in runs],
    }
    assert_agrees_with_chain(observed, exact, reps)
