"""Predictive dialing: a campaign's ``dialer`` dials ``ratio`` × the calling groups' free
agents at each end of service and when its hours open, above the ``min_free`` thresholds;
answered customers who find no agent wait ``patience`` and hang up (nuisance calls).
Worked by hand on scripted days; the calling groups take a waiting customer before an
inbound caller; bad keys name their path."""

from __future__ import annotations

import math

import pytest

from ccsim import Scenario, ScenarioError, simulate


def _day(dialer, *, staff=1, patience=None, reach=1.0, inbound=(), hours=None,
         talk=100.0, horizon=1000):
    campaign = {"name": "sales", "reach": reach, "success": 0.5, "dialer": dialer,
                "handle_time": {"dist": "constant", "value": talk}}
    if patience is not None:
        campaign["patience"] = patience
    if hours is not None:
        campaign["hours"] = hours
    return Scenario(
        period=horizon, horizon=horizon,
        contact_types=[{"name": "inbound", "arrivals": {"times": list(inbound)},
                        "handle_time": {"dist": "constant", "value": 50}}],
        agent_groups=[{"name": "blend", "skills": ["inbound"], "staff": staff,
                       "outbound": ["sales"]}],
        outbound=[campaign])


def test_one_call_per_free_agent_keeps_it_busy_all_day():
    # One agent, ratio 1, every call answered and 100 s long: a call at 0, 100, ..., 900.
    s = simulate(_day({"ratio": 1.0}), 0).summary
    assert (s["dialer_attempts"], s["dialer_reached"], s["outbound_abandoned"]) == (10, 10, 0)
    assert s["occupancy"] == pytest.approx(1.0)


def test_overdialling_leaves_nuisance_calls():
    # Ratio 3 for one free agent: each round reaches three customers, one is connected and
    # two hang up after their 5 s of patience: 10 rounds, 20 nuisance calls.
    s = simulate(_day({"ratio": 3.0}, patience="5s"), 0).summary
    assert (s["dialer_attempts"], s["dialer_reached"], s["outbound_abandoned"]) == (30, 30, 20)
    assert s["outbound_abandon_rate"] == pytest.approx(20 / 30)


def test_a_customer_waiting_is_taken_when_an_agent_frees_within_its_patience():
    # Ratio 2 with a patience of 100 s: of each pair, the second waits the 100 s of the
    # first's talk and is taken at its end; then the agent is free for a new pair only
    # after that second talk: rounds at 0, 200, 400, 600, 800.
    s = simulate(_day({"ratio": 2.0}, patience="100s"), 0).summary
    assert (s["dialer_attempts"], s["outbound_abandoned"]) == (10, 0)


def test_no_call_below_the_free_agent_thresholds():
    assert simulate(_day({"ratio": 1.0, "min_free": 2}), 0).summary["dialer_attempts"] == 0
    assert simulate(_day({"ratio": 1.0, "min_free": 2}, staff=2), 0).summary[
        "dialer_attempts"] > 0


def test_calls_are_made_within_the_campaigns_hours_only():
    # Open 00:05–00:10 (300 s to 600 s of the day): calls at 300, 400, 500.
    s = simulate(_day({"ratio": 1.0}, hours=["00:05", "00:10"]), 0).summary
    assert s["dialer_attempts"] == 3


def test_reach_per_interval_and_nobody_answering():
    s = simulate(_day({"ratio": 1.0}, reach=[0.0]), 0).summary
    # Nobody answers: the agent stays free, and the dialer calls again only at the next
    # end of service, of which there are none: one call, at the opening.
    assert (s["dialer_attempts"], s["dialer_reached"]) == (1, 0)


def test_a_waiting_customer_is_taken_before_an_inbound_caller():
    # The agent talks to the first customer until 100 s; an inbound caller arrives at 10 s
    # and a second customer, answered at 0 s, waits (patience 1000 s). At 100 s the agent
    # takes the customer, and the inbound caller only at 200 s.
    result = simulate(_day({"ratio": 2.0}, patience="1000s", inbound=[10.0]), 0, trace=True)
    trace = result.trace
    answered = trace[(trace.event == "answered") & (trace.contact_type == "inbound")]
    assert list(answered.time) == [200.0]


def test_success_is_drawn_for_connected_calls():
    s = simulate(_day({"ratio": 1.0}, talk=10, horizon=7200), 3).summary
    n = s["dialer_reached"]
    assert abs(s["dialer_successes"] / n - 0.5) < 4 * math.sqrt(0.25 / n)


@pytest.mark.parametrize(("campaign", "message"), [
    ({"dialer": {"ratio": 0}}, r"outbound\[sales\]\.dialer\.ratio: must be > 0"),
    ({"dialer": {"ratio": 1, "min_free": -1}}, r"outbound\[sales\]\.dialer\.min_free"),
    ({"dialer": None, "patience": "5s"}, r"outbound\[sales\]\.patience: .* needs a "
                                          r"'dialer'"),
    ({"reach": [0.3, 0.3]}, r"outbound\[sales\]\.reach: gives 2 shares, one per interval; "
                            r"the horizon has 1 intervals"),
])
def test_bad_dialer_keys_name_their_path(campaign, message):
    data = _day({"ratio": 1.0}).model_dump(exclude_none=True)
    data["outbound"][0].update(campaign)
    data["outbound"][0] = {k: v for k, v in data["outbound"][0].items() if v is not None}
    with pytest.raises(ScenarioError, match=message):
        Scenario(**data)
