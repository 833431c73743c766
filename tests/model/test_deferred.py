"""Deferrable work (:mod:`ccsim.model.deferred`) against its exact chain, and a trace.

* E-mail worked 08:00-16:00 by a fixed team, arriving round the clock, over many days: the
  backlog at opening, the mean response time and the share answered within 8 h against
  the exact periodic birth-death model (:mod:`backlog_chain`).
* A trace: an item set aside at closing is resumed at an opening, never lost nor done
  twice; nothing is started while its type is closed; no item is started while a call the
  agent could take waits; conservation with the backlog carried in and out.

Each statistical check is |mean − exact| < t · s / √n over independent replications (t
the two-sided 99.9 % Student quantile), each replication's value its days' mean.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from agreement import agrees
from backlog_chain import backlog_metrics

from ccsim import Scenario, simulate

HOUR = 3600.0
DAY = 24 * HOUR


def _email(c: int, per_hour: float, handle: float, *, days: int, warmup: int = 2,
           **extra) -> Scenario:
    return Scenario(
        period=HOUR, horizon=(days + warmup) * DAY, warmup=warmup * DAY,
        service_level={"answer_within": "8h"},
        contact_types=[{"name": "email", "channel": "email", "hours": ["08:00", "16:00"],
                        "arrivals": {"per_hour": per_hour},
                        "handle_time": {"dist": "exponential", "mean": handle}, **extra}],
        agent_groups=[{"name": "backoffice", "skills": ["email"], "staff": c}])


def test_email_worked_in_opening_hours_agrees_with_the_periodic_chain():
    c, per_hour, handle, days = 3, 2.5, 1200.0, 25
    exact = backlog_metrics(c, 8 * HOUR, 16 * HOUR, per_hour / HOUR, handle,
                            answer_within=8 * HOUR)
    runs = [simulate(_email(c, per_hour, handle, days=days), seed) for seed in range(8)]
    at_open = []
    for run in runs:
        backlog = run.intervals.query("contact_type == 'email'").set_index("interval").backlog
        # 08:00 is the end of interval 7 of each day (before anyone starts work).
        at_open.append(backlog[[d * 24 + 7 for d in range(2, 2 + days)]].mean())
    agrees(at_open, exact.backlog_at_open, "backlog at opening")
    agrees([r.summary["response_time_mean"] for r in runs], exact.mean_response,
            "mean response time")
    agrees([r.summary["responded_within"] for r in runs], exact.service_level,
            "responded within 8 h")
    # The type's service level is its share responded to within target; its ASA, the mean
    # response time of the items answered.
    for run in runs:
        assert run.summary["service_level"] == run.summary["responded_within"]
        assert run.summary["asa"] == pytest.approx(run.summary["response_time_mean"])
    # Far beyond the noise: a day's arrivals wait for the morning.
    assert exact.backlog_at_open > 10 * exact.backlog_at_close


def _trace_day():
    return Scenario(
        start="06:00", period=HOUR, horizon=2 * DAY, service_level={"answer_within": "4h"},
        contact_types=[
            {"name": "calls", "arrivals": {"per_hour": 20},
             "handle_time": {"dist": "exponential", "mean": 300},
             "patience": {"dist": "exponential", "mean": 240}, "hours": ["07:00", "19:00"]},
            {"name": "email", "channel": "email", "hours": ["08:00", "17:00"],
             "arrivals": {"per_hour": 6}, "backlog": 25,
             "backlog_age": {"dist": "uniform", "min": "1h", "max": "20h"},
             "handle_time": {"dist": "exponential", "mean": "25min"}}],
        agent_groups=[{"name": "blended", "skills": ["calls", "email"], "staff": 3}])


def test_items_set_aside_are_resumed_never_lost_nor_done_twice():
    result = simulate(_trace_day(), 7, trace=True)
    trace = result.trace
    email = trace[trace.contact_type == "email"]
    events = email.groupby("contact").event.agg(list)
    aside = email[email.event == "set_aside"]
    assert len(aside) >= 2  # the closings cut some items in hand
    answered = email[email.event == "answered"]
    assert answered.contact.is_unique
    for contact, seen in events.items():
        kinds = [e for e in seen if e != "arrived"]
        # started (set aside, started again)*, then answered + finished, or unserved
        while kinds[:2] == ["started", "set_aside"]:
            kinds = kinds[2:]
        assert kinds in (["started", "answered", "finished"], ["unserved"],
                         ["started", "finished", "answered"]), (contact, seen)
    # Nothing is started while the type is closed (08:00-17:00 is 2-11 h after 06:00).
    started = email[email.event == "started"].time % DAY
    assert ((started >= 2 * HOUR) & (started < 11 * HOUR)).all()
    # Cut at closing; resumed first after the next opening (before any other item).
    assert np.allclose(aside.time % DAY, 11 * HOUR)
    starts = email[email.event == "started"]
    for cut, cut_now in aside.groupby("time"):
        later = starts[starts.time > cut]
        if later.empty:  # the last closing: no opening follows in the run
            gone = email[email.contact.isin(cut_now.contact) & (email.event == "unserved")]
            assert len(gone) == len(cut_now)
            continue
        assert set(later.contact[:len(cut_now)]) == set(cut_now.contact)
    # Conservation with the backlog: the items at the start and those that arrived are
    # answered or still waiting at the end, each once.
    arrived = email[email.event == "arrived"]
    backlog = (arrived.time < 0).sum()
    assert backlog == 25
    unserved = (email.event == "unserved").sum()
    assert len(arrived) == len(answered) + unserved
    assert result.summary["offered"] - result.types.set_index("contact_type").loc[
        "calls", "offered"] == len(arrived) - backlog


def test_no_item_is_started_while_a_call_the_agent_could_take_waits():
    trace = simulate(_trace_day(), 8, trace=True).trace
    calls = trace[trace.contact_type == "calls"].pivot_table(
        index="contact", columns="event", values="time", aggfunc="first")
    left = calls[["answered", "abandoned"]].min(axis=1)  # when it stopped waiting
    waited = calls[left > calls.arrived]
    assert len(waited) > 10
    started = trace[(trace.contact_type == "email") & (trace.event == "started")].time
    for time in started:
        assert not ((waited.arrived < time) & (left > time)).any(), time


def test_an_item_in_hand_at_the_end_of_a_shift_is_set_aside_not_finished_in_overtime():
    scenario = Scenario(
        start="08:00", period=HOUR, horizon=8 * HOUR, service_level={"answer_within": "4h"},
        contact_types=[{"name": "email", "channel": "email", "backlog": 40,
                        "arrivals": {"per_hour": 10},
                        "handle_time": {"dist": "exponential", "mean": "30min"}}],
        agent_groups=[{"name": "backoffice", "skills": ["email"], "shifts": [
            {"start": "08:00", "length": "4h", "agents": 3},
            {"start": "12:00", "length": "4h", "agents": 3}]}])
    result = simulate(scenario, 3, trace=True)
    trace, agents = result.trace, result.agents
    assert (agents.overtime == 0).all()
    aside = trace[trace.event == "set_aside"]
    assert len(aside) >= 1 and np.allclose(aside.time, 4 * HOUR)
    started = trace[trace.event == "started"]
    # The first shift (agents 0-2) starts nothing after it ends; the items it set aside
    # are the first the second shift starts, each answered once.
    assert (started[started.agent < 3].time < 4 * HOUR).all()
    later = started[started.time >= 4 * HOUR]
    assert set(later.contact[:len(aside)]) == set(aside.contact)
    assert set(later[later.contact.isin(aside.contact)].agent) <= {3, 4, 5}
    answered = trace[trace.event == "answered"]
    assert answered.contact.is_unique
    assert set(aside.contact) <= set(answered.contact) | set(
        trace[trace.event == "unserved"].contact)


def test_a_head_count_drop_takes_agents_off_their_items_not_into_overtime():
    # Four agents on e-mail, then one: nobody is idle at the drop, so three agents set
    # their items aside and go at once; the one who stays resumes them first.
    scenario = Scenario(
        period=HOUR, horizon=3 * HOUR, service_level={"answer_within": "4h"},
        contact_types=[{"name": "email", "channel": "email", "backlog": 60,
                        "arrivals": {"per_hour": 4},
                        "handle_time": {"dist": "exponential", "mean": "20min"}}],
        agent_groups=[{"name": "backoffice", "skills": ["email"], "staff": [4, 1, 1]}])
    result = simulate(scenario, 2, trace=True)
    trace, groups = result.trace, result.groups.set_index("interval")
    aside = trace[trace.event == "set_aside"]
    assert len(aside) == 3 and (aside.time == HOUR).all()
    # No overtime: one agent is staffed in the second hour, and busy all of it.
    assert groups.loc[1, "staffed_time"] == pytest.approx(HOUR)
    assert groups.loc[1, "busy_time"] == pytest.approx(HOUR)
    assert (groups.occupancy <= 1 + 1e-12).all()
    started = trace[trace.event == "started"]
    later = started[started.time >= HOUR]
    assert set(later.contact[:3]) == set(aside.contact)
    assert later.agent.nunique() == 1
    answered = trace[trace.event == "answered"]
    assert answered.contact.is_unique and set(aside.contact) <= set(answered.contact)


def test_deferred_and_chat_rows_find_their_classes_behind_a_segmented_type():
    # A type with segments before them shifts their contact classes: each row's metrics
    # are still its own (they read NaN, or another type's numbers, before).
    scenario = Scenario(
        period=HOUR, horizon=6 * HOUR, service_level={"answer_within": "1h"},
        contact_types=[
            {"name": "calls", "arrivals": {"per_hour": 20},
             "handle_time": {"dist": "exponential", "mean": 240},
             "segments": [{"name": "a", "share": 0.5}, {"name": "b", "share": 0.5}]},
            {"name": "email", "channel": "email", "arrivals": {"per_hour": 5},
             "handle_time": {"dist": "exponential", "mean": 600}},
            {"name": "chat", "channel": "chat", "arrivals": {"per_hour": 5},
             "handle_time": {"dist": "exponential", "mean": 600}}],
        agent_groups=[{"name": "team", "skills": ["calls", "email", "chat"], "staff": 3,
                       "max_chats": 2}])
    rows = simulate(scenario, 1).types
    rows = rows[rows.segment == "all"].set_index("contact_type")
    email, chat, calls = rows.loc["email"], rows.loc["chat"], rows.loc["calls"]
    assert email.answered > 10 and email.responded_within == email.service_level
    assert email.response_time_mean == pytest.approx(email.asa)
    assert not math.isnan(email.backlog) and math.isnan(calls.responded_within)
    assert 1 <= chat.concurrency_mean <= 2 and math.isnan(email.concurrency_mean)
