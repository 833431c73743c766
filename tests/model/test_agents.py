"""A group's moves of duty, one at a time: by a head count's rule and by name."""

from __future__ import annotations

import math
from heapq import heappush

import pytest

from ccsim.model.agents import Agent, Group


def _group(on: int) -> Group:
    group = Group(0, "team", (0,))
    for _ in range(on):
        group.idle.append(group.join(0.0))
    return group


def _busy(group: Group, agent: Agent, until: float) -> None:
    group.idle.remove(agent)
    agent.until = until
    heappush(group.busy, (until, agent.number, agent))


def test_a_drop_takes_the_most_recently_idle_first_and_a_rise_the_lowest_number():
    group = _group(4)
    for agent, since in zip(group.agents, (5.0, 1.0, 9.0, 3.0), strict=True):
        agent.idle_since = since
    group.idle = type(group.idle)(sorted(group.agents, key=lambda a: a.idle_since))
    assert group.withdraw(2, 10.0) == 2
    assert [a.number for a in group.agents if not a.on_duty] == [0, 2]  # idle since 5 and 9
    assert group.on_duty == 2 and [a.number for a in group.idle] == [1, 3]
    assert group.join(20.0).number == 0 and group.join(20.0).number == 2
    assert group.join(20.0).number == 4  # no one off duty: a new agent
    assert group.agents[0].duty_time == 10.0 and group.agents[0].on_since == 20.0


def test_a_drop_with_too_few_idle_agents_takes_only_those():
    group = _group(3)
    _busy(group, group.agents[0], 50.0)
    assert group.withdraw(3, 10.0) == 2
    assert group.on_duty == 1 and not group.idle


def test_a_named_idle_agent_goes_at_once():
    group = _group(2)
    group.named = True
    group.go(1, 30.0)
    assert not group.agents[1].on_duty and group.agents[1].duty_time == 30.0
    assert list(group.idle) == [group.agents[0]] and group.on_duty == 1 and not group.leaving


def test_a_named_busy_agent_owes_its_change_until_it_finishes():
    group = _group(2)
    group.named = True
    _busy(group, group.agents[0], 50.0)
    group.go(0, 30.0)
    assert group.agents[0].on_duty and group.agents[0].owed == 30.0
    assert group.on_duty == 1 and list(group.leaving) == [30.0]
    # The other agent finishing owes nothing: it stays.
    assert group.release(group.agents[1]) is None and list(group.leaving) == [30.0]
    assert group.release(group.agents[0]) == 30.0
    assert group.agents[0].owed == math.inf and not group.leaving


def test_a_head_counts_drop_is_owed_by_whoever_finishes_first():
    group = _group(1)
    group.leaving.extend([10.0, 20.0])
    assert group.release(group.agents[0]) == 10.0 and list(group.leaving) == [20.0]


def test_a_named_agent_owed_to_a_break_that_is_over_stays():
    group = _group(1)
    group.named = True
    _busy(group, group.agents[0], 50.0)
    group.go(0, 30.0)
    agent, since = group.come(0, 40.0)
    assert agent is group.agents[0] and since == 30.0  # overtime from 30 s to 40 s
    assert agent.on_duty and agent.owed == math.inf
    # Its duty so far is counted, the 10 s past the change as overtime.
    assert (agent.on_since, agent.duty_time, agent.overtime) == (40.0, 40.0, 10.0)
    assert group.on_duty == 1 and not group.leaving


def test_naming_an_agent_brings_the_numbers_below_it_into_being_off_duty():
    group = Group(0, "team", (0,))
    group.named = True
    agent, since = group.come(2, 100.0)
    assert since is None and agent.number == 2 and agent.on_since == 100.0
    assert [a.on_duty for a in group.agents] == [False, False, True]
    assert group.on_duty == 1
    assert group.come(0, 200.0)[0] is group.agents[0] and group.agents[0].on_since == 200.0


def test_an_agent_knows_its_state():
    group = _group(2)
    _busy(group, group.agents[0], 50.0)
    group.withdraw(1, 10.0)
    assert [a.state(20.0) for a in group.agents] == ["busy", "off"]
    assert group.agents[0].state(50.0) == "idle"
    assert group.agents[0].key == (0, 0) and group.agents[0].name == "team#0"


@pytest.mark.parametrize("on", [0, 3])
def test_on_duty_counts_agents_present_and_not_leaving(on):
    group = _group(on)
    assert group.on_duty == on == len(group.idle)
