"""The routing rules a scenario names: how an arriving contact picks among free agents
(a type's ``agent_selection``) and which waiting contact a free agent takes (a group's
``take``). A scenario that names none is routed by :class:`~ccsim.model.routing.SkillRouter`
itself, at no cost.

* ``agent_selection = "random"``: the arriving contact goes to an idle agent drawn uniformly
  among *all* the idle agents of the groups able to take it, whatever the rank of its type
  in their skills (ContactCenters' ``selectUniform``; stream ``agent_selection``).
* ``take = "longest_waiting"``: a free agent takes the longest-waiting caller of any of its
  skills (ties to the skill listed first); ``"own_first"``: the longest-waiting caller of its
  first skill if one waits, else the longest-waiting of the others (ContactCenters' Bank).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from ccsim.model.routing import Router, SkillRouter, longest_waiting
from ccsim.streams import UNIFORM, draws, stream

if TYPE_CHECKING:
    from collections.abc import Callable

    from ccsim.model.agents import Agent, Group
    from ccsim.model.contacts import Contact
    from ccsim.model.queues import Queue
    from ccsim.scenario import Scenario


class RuleRouter(SkillRouter):
    """:class:`SkillRouter` with the scenario's rules: ``random[k]`` (type k's arrivals go
    to a random idle agent, drawn with ``uniform``) and ``take[g]`` (group g's rule)."""

    def __init__(self, groups: Sequence[Group], queues: Sequence[Queue], *,
                 random: Sequence[bool], take: Sequence[str], uniform: Callable[[], float]):
        super().__init__(groups, queues)
        self.random, self.uniform = list(random), uniform
        self.able = [[g for g in self.groups if k in g.skills] for k in range(len(queues))]
        self.takes = [{"skill_order": self._in_order, "longest_waiting": self._longest,
                       "own_first": self._own_first}[rule] for rule in take]

    def select_agent(self, contact: Contact, now: float) -> Agent | None:
        if not self.random[contact.kind]:
            return super().select_agent(contact, now)
        able = self.able[contact.kind]
        free = sum(len(g.idle) for g in able)
        if not free:
            return None
        pick = int(self.uniform() * free)
        for group in able:
            if pick < len(group.idle):
                agent = group.idle[pick]
                del group.idle[pick]
                return agent
            pick -= len(group.idle)
        raise AssertionError("a free agent was drawn beyond those free")

    def select_contact(self, agent: Agent, now: float) -> Contact | None:
        return self.takes[agent.group.index](agent, now)

    def _in_order(self, agent: Agent, now: float) -> Contact | None:
        return SkillRouter.select_contact(self, agent, now)

    def _longest(self, agent: Agent, now: float) -> Contact | None:
        return longest_waiting(self.queues, agent.group.skills, now)

    def _own_first(self, agent: Agent, now: float) -> Contact | None:
        skills = agent.group.skills
        contact = self.queues[skills[0]].pop(now)
        return contact if contact is not None else longest_waiting(self.queues, skills[1:],
                                                                   now)


def scenario_router(scenario: Scenario, seed: int) -> Callable[..., Router] | None:
    """The router of ``scenario``'s rules, for a run seeded with ``seed`` (None: it names
    none, and the default :class:`SkillRouter` routes)."""
    random = [c.agent_selection == "random" for c in scenario.contact_types]
    take = [g.take for g in scenario.agent_groups]
    if not any(random) and all(t == "skill_order" for t in take):
        return None
    return partial(RuleRouter, random=random, take=take,
                   uniform=draws(UNIFORM, stream(seed, "agent_selection")))
