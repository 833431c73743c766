"""Chat with concurrency (:mod:`ccsim.model.chat`) against theory and its exact chain.

* ``slowdown`` all 1: ``c`` agents of ``K`` seats are ``c K`` independent servers, so the
  service level, P(wait), the mean wait and abandonment are Erlang C's (no patience) and
  Erlang A's (exponential patience) with ``c K`` servers.
* With a slowdown: every metric against the exact chain of the model
  (:mod:`chat_chain`: the histogram of agents by chats held, plus the line): P(wait),
  abandonment, mean wait, service level, per-person occupancy, chats held while busy
  and seat utilisation.
* A trace: no agent ever holds more than ``max_chats``, nor a call while it holds a chat;
  a chat waits only while every able agent holds ``max_chats``; every chat answered ends
  once.
* Duty: agents whose shifts end finish their chats and take no new one; nothing is lost.

Each statistical check is |mean − exact| < t · s / √n over independent replications, t the
two-sided 99.9 % Student quantile (a dozen checks in the module: a 95 % band would fail by
chance too often; 99.9 % still fails on a model error of a few standard errors).
"""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
from agreement import agrees
from chat_chain import chat_metrics
from mix_chain import mix_metrics

from ccsim import Scenario, simulate
from ccsim.analytic import erlang_a_metrics, erlang_c_metrics

HOUR = 3600.0
SL = 20.0  # seconds: answer_within


def _chat_day(c: int, K: int, per_hour: float, handle: float, *, slowdown=None,
              patience=None, hours: int = 40, warmup: int = 4, **group) -> Scenario:
    chat = {"name": "chat", "channel": "chat", "arrivals": {"per_hour": per_hour},
            "handle_time": {"dist": "exponential", "mean": handle}}
    if slowdown is not None:
        chat["slowdown"] = slowdown
    if patience is not None:
        chat["patience"] = {"dist": "exponential", "mean": patience}
    return Scenario(
        period=HOUR, horizon=(hours + warmup) * HOUR, warmup=warmup * HOUR,
        service_level={"answer_within": SL}, contact_types=[chat],
        agent_groups=[{"name": "digital", "skills": ["chat"], "max_chats": K,
                       **({"staff": c} | group)}])


def _summaries(scenario: Scenario, runs: int) -> list[dict[str, float]]:
    return [simulate(scenario, seed).summary for seed in range(runs)]


@pytest.mark.parametrize("patience", [None, 150.0])
def test_without_slowdown_chat_is_erlang_with_c_times_K_seats(patience):
    c, K, handle = 4, 3, 600.0
    per_hour = (1.05 if patience else 0.85) * c * K * HOUR / handle
    rows = _summaries(_chat_day(c, K, per_hour, handle, patience=patience), 12)
    lam = per_hour / HOUR
    exact = (erlang_a_metrics(c * K, lam, handle, patience, answer_within=SL) if patience
             else erlang_c_metrics(c * K, lam, handle, answer_within=SL))
    checks = [("p_wait", exact.p_wait), ("mean_wait", exact.mean_wait),
              ("sl_offered", exact.service_level), ("seat_utilisation", exact.occupancy)]
    if patience:
        checks.append(("abandon_rate", exact.p_abandon))
    for metric, value in checks:
        agrees([r[metric] for r in rows], value, metric)


def test_with_a_slowdown_chat_agrees_with_its_exact_chain():
    c, K, per_hour, handle, slowdown, patience = 8, 3, 100.0, 600.0, [1.0, 1.2, 1.5], 120.0
    rows = _summaries(_chat_day(c, K, per_hour, handle, slowdown=slowdown,
                                patience=patience), 12)
    exact = chat_metrics(c, K, per_hour / HOUR, handle, slowdown=slowdown,
                         mean_patience=patience, answer_within=SL)
    for metric, value in (("p_wait", exact.p_wait), ("abandon_rate", exact.p_abandon),
                          ("mean_wait", exact.mean_wait),
                          ("sl_offered", exact.service_level),
                          ("occupancy", exact.occupancy),
                          ("concurrency_mean", exact.concurrency_when_busy),
                          ("seat_utilisation", exact.utilisation)):
        agrees([r[metric] for r in rows], value, metric)
    # The slowdown matters far beyond the noise: without it, fewer chats would wait.
    plain = chat_metrics(c, K, per_hour / HOUR, handle, mean_patience=patience)
    assert plain.p_wait < exact.p_wait / 2


def test_a_trace_keeps_the_seats_and_the_line():
    scenario = _chat_day(3, 2, 60.0, 300.0, slowdown=[1.0, 1.4], patience=90.0, hours=6,
                         warmup=0)
    result = simulate(scenario, 3, trace=True)
    trace = result.trace
    answered = trace[trace.event == "answered"]
    ended = trace[trace.event == "finished"]
    # Every chat answered ends once (the run finishes the chats in hand).
    assert sorted(answered.contact) == sorted(ended.contact)
    assert len(answered) == result.summary["answered"] > 100
    # Chats held by each agent over time never exceed max_chats.
    agent_of = dict(zip(answered.contact, zip(answered.agent_group, answered.agent,
                                               strict=True), strict=True))
    steps = sorted([(t, 1, agent_of[k]) for t, k in zip(answered.time, answered.contact,
                                                        strict=True)]
                   + [(t, -1, agent_of[k]) for t, k in zip(ended.time, ended.contact,
                                                          strict=True)],
                   key=lambda s: (s[0], s[1]))  # ends before starts at the same time
    held: dict = {}
    most = 0
    for _, step, agent in steps:
        held[agent] = held.get(agent, 0) + step
        assert held[agent] >= 0
        most = max(most, held[agent])
    assert most == 2 and not any(held.values())
    # A chat waited only while every agent held two chats: at each arrival that had to
    # wait, the chats in hand were 3 agents × 2.
    arrived = trace[trace.event == "arrived"].set_index("contact").time
    waited = arrived[answered.contact][answered.time.to_numpy() > arrived[answered.contact]]
    in_hand = np.searchsorted([s[0] for s in steps], waited.to_numpy(), "right")
    counts = np.cumsum([s[1] for s in steps])
    assert len(waited) > 20 and (counts[in_hand - 1] == 6).all()


def test_a_head_count_drop_is_owed_by_agents_draining_their_chats():
    # Four agents, then one: under load nobody is idle at the drop, so three agents stop
    # taking chats and go as their last chat ends (overtime), and one works on.
    scenario = _chat_day(4, 3, 90.0, 400.0, slowdown=[1.0, 1.2, 1.4], patience=120.0,
                         hours=2, warmup=0, staff=[4, 1])
    result = simulate(scenario, 5, trace=True)
    trace = result.trace
    answered = trace[trace.event == "answered"]
    late = answered[answered.time > HOUR]
    # After the drop the drainers take nothing: one agent answers, the one who stays.
    assert len(late) > 10 and late.agent.nunique() == 1
    groups = result.groups
    second = groups[groups.interval == 1].iloc[0]
    assert second.staff == 1 and 0 < second.busy_time <= second.staffed_time + 1e-6
    assert second.staffed_time > HOUR  # the drainers' overtime, finishing their chats
    assert (groups.occupancy <= 1 + 1e-12).all()


def test_named_agents_answer_chats_only_on_duty_and_finish_them():
    scenario = _chat_day(0, 2, 50.0, 400.0, slowdown=[1.0, 1.3], patience=120.0, hours=3,
                         warmup=0, staff=None, shifts=[
                             {"start": "00:00", "length": "2h", "agents": 2},
                             {"start": "01:00", "length": "2h", "agents": 2}])
    result = simulate(scenario, 2, trace=True)
    trace, agents = result.trace, result.agents.set_index("agent")
    answered = trace[trace.event == "answered"]
    finished = trace[trace.event == "finished"]
    # Each agent's shift: the first two agents 00:00-02:00, the next two 01:00-03:00 (the
    # horizon: they stay to answer the chats still waiting then, as agents do calls).
    for number, start, end in ((0, 0, 2), (1, 0, 2), (2, 1, math.inf), (3, 1, math.inf)):
        mine = answered[answered.agent == number]
        assert len(mine) > 10
        assert mine.time.min() >= start * HOUR and mine.time.max() < end * HOUR
        assert finished[finished.agent == number].time.max() >= mine.time.max()
        assert agents.loc[number, "overtime"] >= 0
    assert len(finished) == len(answered) == result.summary["answered"]


def _blended(hours: int, warmup: int, staff: int, calls: tuple[float, float, float],
             chat: tuple[float, float, float], **group) -> Scenario:
    """Calls and chat (each: per hour, mean talk or work, mean patience; seconds) taken by
    one blended group of ``staff`` agents of 2 seats."""
    def kind(name: str, per_hour: float, handle: float, patience: float) -> dict:
        return {"name": name, "arrivals": {"per_hour": per_hour},
                "handle_time": {"dist": "exponential", "mean": handle},
                "patience": {"dist": "exponential", "mean": patience}}

    return Scenario(
        period=HOUR, horizon=(hours + warmup) * HOUR, warmup=warmup * HOUR,
        service_level={"answer_within": SL},
        contact_types=[kind("calls", *calls),
                       {**kind("chat", *chat), "channel": "chat", "slowdown": [1.0, 1.3]}],
        agent_groups=[{"name": "blended", "skills": ["calls", "chat"], "staff": staff,
                       "max_chats": 2, **group}])


def _spans(result) -> pd.DataFrame:
    """Each answered contact's agent and times of answer and end, from a trace."""
    trace = result.trace
    return trace[trace.event.isin(["answered", "finished"])].pivot_table(
        index=["contact_type", "contact"], columns="event", values=["time", "agent"],
        aggfunc="first")


def test_an_agent_holding_chats_takes_no_call_and_one_on_a_call_no_chat():
    result = simulate(_blended(3, 0, 6, (40, 240, 300), (40, 400, 200)), 4, trace=True)
    spans = _spans(result)
    assert len(spans) == result.summary["answered"]
    for agent in range(6):
        mine = spans[spans[("agent", "answered")] == agent]
        calls, chats = (mine.loc[t] for t in ("calls", "chat"))
        assert len(calls) > 5 and len(chats) > 5
        # No call overlaps a chat of the same agent.
        for start, end in zip(calls[("time", "answered")], calls[("time", "finished")],
                              strict=True):
            overlap = ((chats[("time", "answered")] < end)
                       & (chats[("time", "finished")] > start))
            assert not overlap.any()


def test_the_host_counts_each_busy_chat_agent_once():
    # Chats that start at an agent holding others leave its earlier heap entries behind
    # (skipped when they come out): the host's count is of agents, not entries.
    from ccsim.model.centre import Centre

    centre = Centre(_chat_day(3, 3, 200.0, 600.0, slowdown=[1.0, 1.1, 1.2], hours=1,
                              warmup=0), 1)
    seen: list[tuple[int, int]] = []
    for minute in range(1, 60):
        centre.at(60.0 * minute, lambda now: seen.append(
            (centre.busy(centre.groups[0], now), len(centre.groups[0].busy))))
    centre.run()
    assert all(busy <= 3 for busy, _ in seen)
    assert any(entries > busy for busy, entries in seen)


def _mixed_day(hours: int, warmup: int, **group) -> Scenario:
    """4 agents, calls and chat at 30 an hour each, with ``mix``."""
    return _blended(hours, warmup, 4, (30, 240, 180), (30, 480, 240), **{"mix": True, **group})


def test_with_mix_a_blended_group_agrees_with_its_exact_chain():
    """An agent holding chats takes a call no idle agent takes, its chats set aside
    meanwhile (:mod:`mix_chain`)."""
    result = [simulate(_mixed_day(40, 4), seed) for seed in range(30)]
    exact = mix_metrics(4, 2, 30 / HOUR, 30 / HOUR, 240, 480, slowdown=[1.0, 1.3],
                        patience_calls=180, patience_chats=240, Q=30)
    assert exact.boundary < 1e-12
    rows = [r.types.set_index("contact_type") for r in result]
    for metric, kind, value in (("p_wait", "calls", exact.p_wait_calls),
                                ("p_wait", "chat", exact.p_wait_chats),
                                ("abandon_rate", "calls", exact.abandon_calls),
                                ("abandon_rate", "chat", exact.abandon_chats)):
        agrees([r.loc[kind, metric] for r in rows], value, f"{kind} {metric}")
    for metric, value in (("occupancy", exact.occupancy),
                          ("seat_utilisation", exact.seat_utilisation),
                          ("concurrency_mean", exact.concurrency_mean)):
        agrees([r.summary[metric] for r in result], value, metric)
    # Without mix, calls wait for an agent with no chat: far more of them wait.
    plain = [simulate(_mixed_day(40, 4, mix=False), seed).types.set_index("contact_type")
             for seed in range(4)]
    assert np.mean([r.loc["calls", "p_wait"] for r in plain]) > 2 * exact.p_wait_calls


def test_with_mix_an_agent_sets_its_chats_aside_for_a_call():
    """A trace: an agent's calls never overlap; no chat of an agent ends while it is on a
    call; every chat answered ends once; chats wait only while no agent can take one."""
    result = simulate(_mixed_day(6, 0), 5, trace=True)
    spans = _spans(result)
    assert len(spans) == result.summary["answered"]
    took_call_holding_chats = 0
    for agent in range(4):
        mine = spans[spans[("agent", "answered")] == agent]
        calls, chats = (mine.loc[t] for t in ("calls", "chat"))
        call_spans = sorted(zip(calls[("time", "answered")], calls[("time", "finished")],
                                strict=True))
        assert all(a[1] <= b[0] for a, b in pairwise(call_spans))
        chat_starts = chats[("time", "answered")].to_numpy()
        chat_ends = chats[("time", "finished")].to_numpy()
        for start, end in call_spans:
            assert not ((chat_ends > start) & (chat_ends < end)).any()
            took_call_holding_chats += bool(((chat_starts < start) & (chat_ends > end)).any())
    assert took_call_holding_chats > 20


def test_with_mix_named_agents_work_only_on_duty_and_set_nothing_down():
    """Shifts with breaks: an agent on a call with chats set aside when its break or its
    duty's end comes finishes the call, then its chats, takes nothing new meanwhile, and
    goes; nothing is answered off duty; every contact answered ends once."""
    scenario = _blended(4, 0, 1, (40, 240, 180), (30, 480, 240)).with_changes({
        "agent_groups": [{"name": "blended", "skills": ["calls", "chat"], "max_chats": 2,
                          "mix": True, "shifts": [
                              {"name": "early", "start": "00:00", "length": "3h",
                               "agents": 3, "breaks": [{"at": "01:30", "length": "15min"}]},
                              {"name": "late", "start": "01:00", "length": "3h",
                               "agents": 3}]}]})
    result = simulate(scenario, 3, trace=True)
    spans = _spans(result)
    assert len(spans) == result.summary["answered"]
    plans = result.agents.set_index("agent")
    took_call_holding_chats = 0
    for agent in range(6):
        mine = spans[spans[("agent", "answered")] == agent]
        start, end = (0.0, 3 * HOUR) if agent < 3 else (HOUR, 4 * HOUR)
        answered = mine[("time", "answered")]
        assert len(mine) > 5 and answered.min() >= start
        if agent < 3:  # nothing new off duty: not after its end, nor during its break
            assert answered.max() < end
            on_break = (answered >= 1.5 * HOUR) & (answered < 1.75 * HOUR)
            assert not on_break.any()
        calls, chats = (mine.loc[t] for t in ("calls", "chat"))
        chat_ends = chats[("time", "finished")].to_numpy()
        for a, b in zip(calls[("time", "answered")], calls[("time", "finished")],
                        strict=True):
            assert not ((chat_ends > a) & (chat_ends < b)).any()  # set aside meanwhile
            took_call_holding_chats += bool(
                ((chats[("time", "answered")].to_numpy() < a) & (chat_ends > b)).any())
        assert plans.loc[agent, "overtime"] >= 0
    assert took_call_holding_chats > 10
