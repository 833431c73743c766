"""Routing rules: the shipped ones, and a rule written outside the package that needs no
private name and sees only live contacts."""

from __future__ import annotations

from model_cases import scripted_case

from ccsim import Scenario, simulate
from ccsim.model.routing import LongestWaitingRouter, Router


def _answered(scenario, **options):
    trace = simulate(scenario, trace=True, **options).trace
    answered = trace[trace.event == "answered"]
    kinds = [c.name for c in scenario.contact_types]
    groups = [g.name for g in scenario.agent_groups]
    return [(t, kinds.index(k), groups.index(g))
            for t, k, g in zip(answered.time, answered.contact_type, answered.agent_group,
                               strict=True)]


def _two_skill(times_billing, times_tech, specialists=1, generalists=1):
    return scripted_case(
        {"billing": (times_billing, 100, None), "tech": (times_tech, 100, None)},
        {"specialists": (["billing"], specialists), "generalists": (["tech", "billing"],
                                                                     generalists)},
    )


def test_a_contact_goes_to_the_group_that_lists_its_type_first():
    # billing 0 → specialist (rank 0); billing 1 overflows to the generalist (rank 1).
    assert [g for _, _, g in _answered(_two_skill([0, 10], []))] == [0, 1]


def test_a_free_agent_takes_its_first_skill_before_a_longer_waiting_second():
    # Both agents busy until 100 s; billing waits from 20 s, tech from 30 s. At 100 s the
    # generalist prefers tech (its first skill) although billing has waited longer.
    scenario = _two_skill([0, 20], [5, 30], specialists=0)
    assert [(t, k) for t, k, _ in _answered(scenario)] == [(0, 0), (100, 1), (200, 1), (300, 0)]


def test_longest_waiting_takes_the_earliest_arrival_across_the_skills():
    scenario = _two_skill([0, 20], [5, 30], specialists=0)
    answered = _answered(scenario, router=LongestWaitingRouter)
    assert [(t, k) for t, k, _ in answered] == [(0, 0), (100, 1), (200, 0), (300, 1)]


def test_the_longest_idle_agent_takes_the_next_contact():
    # Two agents: the one freed at 50 s has been idle longer at 200 s than the one freed at
    # 100 s, so it takes the call at 200 s (and ends at 210 s) and the other the one at 201 s.
    scenario = scripted_case({"calls": ([0, 0, 200, 201], 10, None)}, {"agents": (["calls"], 2)})
    data = scenario.model_dump()
    data["contact_types"][0]["handle_time"] = {"dist": "sequence", "values": [50, 100, 10, 10]}
    trace = simulate(Scenario(**data), trace=True).trace
    assert trace[trace.event == "finished"].time.tolist() == [50, 100, 210, 211]


class ArrivalOrder(Router):
    """A rule written in two methods: serve the earliest live arrival of any type an agent
    has (the head of each queue at ``now``, callers who hung up passed over)."""

    def select_agent(self, contact, now):
        for group in self.groups:
            if contact.kind in group.skills and group.idle:
                return group.idle.popleft()
        return None

    def select_contact(self, agent, now):
        heads = [(c.arrival, k) for k in agent.group.skills if (c := self.queues[k].head(now))]
        return self.queues[min(heads)[1]].pop(now) if heads else None


def test_a_routing_rule_needs_only_its_two_decisions():
    answered = _answered(_two_skill([0, 20], [5, 30], specialists=0), router=ArrivalOrder)
    # Unlike the skill router, the earlier billing call (20 s) goes before tech (30 s).
    assert [(t, k) for t, k, _ in answered] == [(0, 0), (100, 1), (200, 0), (300, 1)]


def test_a_rule_never_sees_a_caller_who_hung_up():
    # One agent, busy 0–100 s with a0. a1 arrives at 10 s and hangs up at 15 s; b0 arrives
    # at 20 s, a2 at 30 s. At 100 s the earliest *live* arrival is b0, then a2.
    scenario = scripted_case(
        {"a": ([0, 10, 30], 100, [1000, 5, 1000]), "b": ([20], 100, [1000])},
        {"agent": (["a", "b"], 1)}, period=1000,
    )
    answered = _answered(scenario, router=ArrivalOrder)
    assert [(t, k) for t, k, _ in answered] == [(0, 0), (100, 1), (200, 0)]
    summary = simulate(scenario, router=ArrivalOrder).summary
    assert (summary["answered"], summary["abandoned"]) == (3, 1)


def test_an_agent_free_at_the_instant_a_contact_arrives_first_takes_the_one_waiting():
    # One agent, skills [a, b]. a0 talks 0–60 s; b0 waits from 10 s; a1 arrives at 60 s, the
    # instant the agent is free. The agent takes b0, who was waiting (not a1, who was not).
    scenario = scripted_case({"a": ([0, 60], 60, None), "b": ([10], 60, None)},
                         {"agents": (["a", "b"], 1)})
    assert [(t, k) for t, k, _ in _answered(scenario)] == [(0, 0), (60, 1), (120, 0)]
