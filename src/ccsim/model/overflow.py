"""Delayed overflow: a group takes callers of a type only once they have waited its delay
(``skills = [..., { type = "checking", after = "12s" }]``), a policy on the hook protocol.

The router never gives such a group an arriving caller and lets its free agents take a
caller from the queue only once it has waited the delay
(:class:`~ccsim.model.rules.RuleRouter`). This policy covers the moment in between: when
a waiting caller reaches a delay, an idle agent of a group with that delay takes it at once
(the first such group in the scenario's order with one idle, its longest-idle agent).

A group with a delay can have idle agents while a caller it will take waits (one not yet
ready), so one of them may answer an arriving caller meanwhile. The centre observes a
group's ends of service at their time only while work waits for it and it has been woken
for its first busy agent; a service started this way may end before that, unobserved.
This policy wakes such a group at each answer, so that an agent freed after a caller's
delay takes it at its own end of service, not at the group's next reading.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from ccsim.model.policies import Policy

if TYPE_CHECKING:
    from ccsim.model.agents import Agent, Group
    from ccsim.model.centre import Centre
    from ccsim.model.contacts import Contact
    from ccsim.scenario import Scenario


class Overflow(Policy):
    """Hands a waiting caller to an idle agent of a group that takes its type after a
    delay, when it has waited that long."""

    live_queues = True  # a caller handed over is withdrawn from its queue

    def __init__(self, scenario: Scenario):
        types = [c.name for c in scenario.contact_types]
        #: delays[k]: the distinct delays of type k, shortest first, each with the indices
        #: of the groups that take type k after it
        self.delays = [sorted({g.delay(name) for g in scenario.agent_groups
                               if name in g.skills and g.delay(name)}) for name in types]
        self._of = [[[i for i, g in enumerate(scenario.agent_groups)
                      if name in g.skills and g.delay(name) == d] for d in self.delays[k]]
                    for k, name in enumerate(types)]
        #: the callers with a delay still ahead of them, not yet answered
        self.waiting: set[Contact] = set()

    def install(self, centre: Centre) -> None:
        super().install(centre)
        self._groups: list[list[list[Group]]] = [
            [[centre.groups[i] for i in part] for part in parts] for parts in self._of]
        #: the groups that take some type after a delay
        self._delayed = {i for parts in self._of for part in parts for i in part}

    def uses(self, hook: str) -> bool:
        return hook in ("queued", "answered")

    def queued(self, contact: Contact, now: float) -> None:
        delays = self.delays[contact.kind]
        if not delays:
            return
        self.waiting.add(contact)
        for j, delay in enumerate(delays):
            self.centre.at(max(contact.arrival + delay, now), partial(self._due, contact, j))

    def answered(self, contact: Contact, agent: Agent, now: float, talk: float,
                 wrap_up: float) -> None:
        self.waiting.discard(contact)
        if self.waiting and agent.group.index in self._delayed:
            self.centre.wake((agent.group,))  # its end is observed at its time

    def _due(self, contact: Contact, j: int, now: float) -> None:
        """``contact`` has waited the ``j``-th delay of its type: an idle agent of the
        groups with a delay that short takes it."""
        if contact not in self.waiting:
            return
        if contact.deadline < now:  # hung up meanwhile
            self.waiting.discard(contact)
            return
        centre = self.centre
        for part in self._groups[contact.kind][:j + 1]:
            for group in part:
                idle = centre.idle(group, now)
                if contact not in self.waiting:  # settling the group, an agent freed by
                    return  # now took it from the queue
                if idle:
                    agent = centre.claim(idle[0])
                    centre.queues[contact.kind].withdraw(contact, now)  # type: ignore[attr-defined]
                    self.waiting.discard(contact)
                    centre.serve(agent, contact, now)
                    return
        if j == len(self.delays[contact.kind]) - 1:
            self.waiting.discard(contact)  # no delay left: the router decides from here
