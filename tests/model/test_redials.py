"""Redials: callers who hang up, or find the line full, call again. Worked by hand on
scripted days (times, counts, the customer's waits summed over attempts), the attempt limit,
``redraw = false`` keeping the customer's talk, memory that does not grow with the day in
overload, and bad keys as one line naming their path."""

from __future__ import annotations

import tracemalloc

import pytest

from ccsim import Scenario, ScenarioError, simulate
from ccsim.model.contacts import FIRST
from ccsim.model.policies import Policy


def _scripted(times, patience, redial, *, staff=1, handle=100.0, **type_keys):
    spec = {"name": "calls", "arrivals": {"times": times},
            "handle_time": {"dist": "constant", "value": handle},
            "patience": {"dist": "sequence", "values": patience}, "redial": redial,
            **type_keys}
    return Scenario(period=3600, horizon=3600, service_level={"answer_within": 20},
                    contact_types=[spec],
                    agent_groups=[{"name": "a", "skills": ["calls"], "staff": staff}])


def test_a_caller_who_hangs_up_calls_again_after_the_delay_by_hand():
    # One agent, talks of 100 s. Caller 0 is answered at once; caller 1 (at 1 s) hangs up
    # after 30 s, at 31 s, and calls again 200 s later, at 231 s: the agent is free, so it
    # is answered at once. Its wait as a customer is 30 s (> 20 s): not within.
    result = simulate(_scripted([0, 1], [1000, 30], {"share": 1.0, "delay": "200s"}), 0,
                      trace=True)
    s = result.summary
    assert (s["offered"], s["answered"], s["abandoned"]) == (2, 1, 1)
    assert (s["redials"], s["redials_answered"], s["redials_abandoned"]) == (1, 1, 0)
    assert s["customers_lost"] == 0
    assert s["attempts_per_customer"] == pytest.approx(3 / 2)
    assert s["sl_per_attempt"] == pytest.approx(2 / 3)  # caller 0 and the redial
    assert s["sl_per_customer"] == pytest.approx(1 / 2)  # caller 1 waited 30 s in all
    trace = result.trace
    redial = trace[trace.event.str.startswith("redial")].set_index("event")["time"]
    assert redial["redial_arrived"] == redial["redial_answered"] == 231.0
    assert redial["redial_finished"] == 331.0


def test_a_delay_of_zero_redials_at_once_after_hanging_up():
    # Caller 1 (at 1 s) hangs up at 31 s; a delay drawn as 0 s (the sequence's first)
    # redials at 31 s, not later and not never (it was once taken for a caller held in
    # the line, and lost). Caller 2 hangs up at 42 s and draws 5 s: back at 47 s.
    result = simulate(_scripted([0, 1, 2], [1000, 30, 40], {
        "share": 1.0, "max_attempts": 2, "after": ["abandoned"],
        "delay": {"dist": "sequence", "values": [0.0, 5.0]}}), 0, trace=True)
    s = result.summary
    assert (s["abandoned"], s["redials"], s["customers_lost"]) == (2, 2, s["redials_abandoned"])
    trace = result.trace
    arrived = sorted(trace[trace.event == "redial_arrived"].time)
    assert arrived == [pytest.approx(31.0), 47.0]


def test_a_redial_answered_at_once_counts_the_customers_whole_wait():
    # Caller 1 hangs up at 6 s after 5 s and redials at 206 s, when the agent is free: it
    # is answered at once, 5 s of waiting in all (within 20 s). The policy sees the
    # answer of a redial that never waited (it watches every redial it makes).
    s = simulate(_scripted([0, 1], [1000, 5], {"share": 1.0, "delay": "200s"}), 0).summary
    assert (s["redials"], s["redials_answered"]) == (1, 1)
    assert s["sl_per_customer"] == 1.0


class _Holder(Policy):
    """Holds each redial's place in the line 1 s after it starts to wait (it then never
    hangs up)."""

    live_queues = True

    def queued(self, contact, now):
        if contact.attempt != FIRST:
            line = self.centre.queues[contact.kind]
            self.centre.at(now + 1.0, lambda t: line.hold(contact, t))


def test_a_redial_held_in_the_line_is_still_watched_for_its_answer():
    # Caller 1 hangs up at 6 s and redials at 16 s; held, it waits for the agent until
    # 100 s: 89 s in all, within 200 s. Its redial drew another (due 10 s after its
    # deadline), which the hold cancels: the policy must still see the answer.
    scenario = _scripted([0, 1], [1000, 5], {"share": 1.0, "delay": "10s",
                                              "max_attempts": 3, "redraw": False},
                         answer_within="200s")
    s = simulate(scenario, 0, policies=[_Holder()]).summary
    assert (s["redials"], s["redials_answered"], s["customers_lost"]) == (1, 1, 0)
    assert s["sl_per_customer"] == 1.0


def test_a_redial_due_as_another_caller_arrives_comes_after_it_as_injected():
    # The agent is busy until 100 s. Caller 1 hangs up at 11 s and redials at 60 s, the
    # moment caller 2 arrives (an event already due then): caller 2 is first in line.
    result = simulate(_scripted([0, 1, 60], [1000, 10, 1000],
                                {"share": 1.0, "delay": "49s", "max_attempts": 2}), 0,
                      trace=True)
    trace = result.trace
    assert trace[trace.event == "answered"].time.tolist() == [0, 100]
    assert trace[trace.event == "redial_answered"].time.tolist() == [200]


def test_waits_add_up_over_attempts_for_the_customers_service_level():
    # One agent, talks of 100 s, busy with caller 0 until 100 s. Caller 1 (1 s, patience
    # 10 s) hangs up at 11 s and redials at 61 s; caller 2 (2 s, patience 5 s) at 7 s, and
    # redials at 57 s. Redials draw patience from their own stream (the same sequence,
    # from its start): 57 s gets 1000 s and is answered at 100 s (43 s); 61 s gets 10 s,
    # hangs up at 71 s, redials at 121 s with 5 s, hangs up at 126 s, redials at 176 s
    # with 1000 s and is answered at 200 s. Only caller 0 waited 20 s or less in all.
    result = simulate(_scripted([0, 1, 2], [1000, 10, 5], {"share": 1.0, "delay": "50s"}),
                      0, trace=True)
    trace = result.trace
    assert sorted(trace[trace.event == "redial_arrived"].time) == [57, 61, 121, 176]
    assert sorted(trace[trace.event == "redial_answered"].time) == [100, 200]
    s = result.summary
    assert (s["redials"], s["redials_answered"], s["redials_abandoned"]) == (4, 2, 2)
    assert s["sl_per_customer"] == pytest.approx(1 / 3)
    assert s["sl_per_attempt"] == pytest.approx(1 / 7)
    assert s["customers_lost"] == 0


def test_no_customer_makes_more_than_max_attempts():
    # The agent is busy with caller 0 all hour; callers 1 and 2, patient for 10 s and
    # keeping it (redraw = false), call at +300 s after each try: three attempts, then lost.
    result = simulate(_scripted([0, 1, 2], [1e6, 10, 10], {
        "share": 1.0, "delay": "5min", "max_attempts": 3, "redraw": False}, handle=3500), 0)
    s = result.summary
    assert s["redials"] == 4 and s["redials_abandoned"] == 4
    assert s["customers_lost"] == 2
    assert s["attempts_per_customer"] == pytest.approx((3 + 4) / 3)


def test_blocked_callers_redial_and_only_after_what_is_named():
    # A waiting room of one; the agent is busy with caller 0 until 3000 s. Caller 1 waits
    # and hangs up at 21 s; caller 2 finds the room full at 2 s and is blocked. With both
    # outcomes named they redial 3500 s later (3502 s, 3521 s; the second hangs up again
    # and its next redial would come after the horizon: not made, not lost); with after =
    # ["blocked"] only caller 2 redials and caller 1 is lost.
    redial = {"share": 1.0, "delay": "3500s", "redraw": False}
    both, blocked = (simulate(_scripted([0, 1, 2], [1e6, 20, 1e6], r, handle=3000,
                                        max_waiting=1), 0).summary
                     for r in (redial, {**redial, "after": ["blocked"]}))
    assert (both["blocked"], both["abandoned"]) == (1, 1)
    assert both["redials"] == 2 and both["customers_lost"] == 0
    assert blocked["redials"] == 1 and blocked["customers_lost"] == 1


def test_a_caller_who_leaves_a_message_neither_redials_nor_is_lost():
    # The agent is busy with caller 0 until 3000 s. Callers 1 and 2 would wait 90 s and
    # 30 s; max_wait of 60 s turns caller 1 into a message at 61 s (it was heard: no
    # redial), while caller 2 hangs up at 32 s and calls again 100 s later, at 132 s,
    # where it too leaves a message (60 s later: its patience is cut at max_wait).
    result = simulate(_scripted([0, 1, 2], [1e6, 90, 30], {"share": 1.0, "delay": "100s"},
                                handle=3000, max_wait={"after": "60s"}), 0, trace=True)
    s = result.summary
    assert (s["messages"], s["abandoned"], s["redials"], s["customers_lost"]) == (1, 1, 1, 0)
    trace = result.trace
    assert trace[trace.event == "redial_arrived"].time.tolist() == [132.0]


def _busy_day(**keys):
    spec = {"name": "calls", "arrivals": {"per_hour": 200},
            "handle_time": {"dist": "exponential", "mean": 240}, **keys}
    return Scenario(period=1800, horizon=4 * 3600, contact_types=[spec],
                    agent_groups=[{"name": "a", "skills": ["calls"], "staff": 10}])


def test_without_redraw_a_redial_keeps_the_customers_talk():
    # The n-th caller's talk is the n-th draw of its stream, so a redial without redraw
    # talks exactly as long as the same caller does in a day where nobody hangs up.
    trace = simulate(_busy_day(patience={"dist": "exponential", "mean": 60}, redial={
        "share": 1.0, "delay": "2min", "redraw": False}), 4, trace=True).trace
    plain = simulate(_busy_day(), 4, trace=True).trace

    def talks(trace, prefix=""):
        start = trace[trace.event == f"{prefix}answered"].set_index("contact")["time"]
        end = trace[trace.event == f"{prefix}finished"].set_index("contact")["time"]
        return end - start

    again, talk = talks(trace, "redial_"), talks(plain)
    assert len(again) > 50
    assert again.to_numpy() == pytest.approx(talk[again.index].to_numpy())


def _peak(hours: int) -> int:
    # Four intervals either way: the statistics kept per interval are the same size.
    spec = {"name": "calls", "arrivals": {"per_hour": 600},
            "handle_time": {"dist": "exponential", "mean": 240},
            "patience": {"dist": "exponential", "mean": 60},
            "redial": {"share": 0.5, "delay": {"dist": "exponential", "mean": "5min"},
                       "max_attempts": 4}}
    scenario = Scenario(period=hours * 900, horizon=hours * 3600, contact_types=[spec],
                        agent_groups=[{"name": "a", "skills": ["calls"], "staff": 20}])
    tracemalloc.start()
    simulate(scenario, 1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def test_memory_does_not_grow_with_the_day_in_overload():
    # Twice the agents' capacity: abandonments and redials all day. A day four times as
    # long (four times the contacts) peaks at well under 1.5 times the memory (the first
    # run also pays for what is made once, and is not measured).
    _peak(1)
    short, long = _peak(4), _peak(16)
    assert long < 1.5 * short, (short, long)


@pytest.mark.parametrize(("redial", "message"), [
    ({"share": 0, "delay": "1min"}, r"redial\.share: must be > 0"),
    ({"share": 1.5, "delay": "1min"}, r"redial\.share: must be <= 1"),
    ({"share": 0.5}, r"redial\.delay: .*required|redial: missing key 'delay'"),
    ({"share": 0.5, "delay": "1min", "max_attempts": 0}, r"redial\.max_attempts: must be >= 1"),
    ({"share": 0.5, "delay": "1min", "after": ["hung_up"]}, r"redial\.after\[0\]"),
    ({"share": 0.5, "delay": "1min", "after": []}, r"redial\.after: must not be empty"),
    ({"share": 0.5, "delay": "1min", "after": ["blocked", "blocked"]},
     r"redial\.after: names an outcome twice"),
    ({"share": 0.5, "delay": "1min", "redraw": "no"}, r"redial\.redraw"),
])
def test_bad_redial_keys_name_their_path(redial, message):
    with pytest.raises(ScenarioError, match=r"contact_types\[calls\]\." + message):
        _scripted([0], [10], redial)
