"""The routing rules a scenario names: how an arriving contact picks among free agents
(a type's ``agent_selection``) and which waiting contact a free agent takes (a group's
``take``). A scenario that names none is routed by :class:`~ccsim.model.routing.SkillRouter`
itself, at no cost.

* ``agent_selection = "random"``: the arriving contact goes to an idle agent drawn uniformly
  among *all* the idle agents of the groups able to take it, whatever the rank of its type
  in their skills (ContactCenters' ``selectUniform``; stream ``agent_selection``).
* ``agent_selection = ["inbound_only", "blend"]``: the arriving contact goes to the
  longest-idle agent of the first group in that order with one idle, whatever the rank of
  its type in their skills (ContactCenters' ``TYPETOGROUPMAP``).
* ``take = "longest_waiting"``: a free agent takes the longest-waiting caller of any of its
  skills (ties to the skill listed first); ``"own_first"``: the longest-waiting caller of its
  first skill if one waits, else the longest-waiting of the others (ContactCenters' Bank).
* A delayed skill (``{ type = "checking", after = "12s" }``: the group's ``delays``): the
  group takes a caller of that type only once it has waited that long — never on arrival,
  from the queue when one of its agents frees, and at the moment the wait is reached if
  one is idle then (:mod:`ccsim.model.overflow`; ContactCenters' SimpleMSKWithRerouting).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from ccsim.model.routing import Router, SkillRouter
from ccsim.streams import UNIFORM, draws, stream

if TYPE_CHECKING:
    from collections.abc import Callable

    from ccsim.model.agents import Agent, Group
    from ccsim.model.contacts import Contact
    from ccsim.model.queues import Queue
    from ccsim.scenario import Scenario


class RuleRouter(SkillRouter):
    """:class:`SkillRouter` with the scenario's rules: ``random[k]`` (type k's arrivals go
    to a random idle agent, drawn with ``uniform``), ``order[k]`` (the indices of the
    groups type k's arrivals try, one after the other; None: by rank), ``take[g]`` (group
    g's rule) and the groups' delayed skills (a caller is taken from the queue only once
    it has waited the group's delay; :class:`~ccsim.model.overflow.Overflow` hands it over
    at that moment)."""

    def __init__(self, groups: Sequence[Group], queues: Sequence[Queue], *,
                 random: Sequence[bool], take: Sequence[str], uniform: Callable[[], float],
                 order: Sequence[Sequence[int] | None] = ()):
        super().__init__(groups, queues)
        for kind, indices in enumerate(order):
            if indices is not None:  # a tier of one group each, in the order given
                self.tiers[kind] = [[self.groups[g]] for g in indices]
        self.random, self.uniform = list(random), uniform
        # Those who may take an arriving contact, whatever its rank: the tiers' groups.
        self.able = [[g for tier in tiers for g in tier] for tiers in self.tiers]
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

    def _ready(self, kind: int, delay: float, now: float) -> Contact | None:
        """The head of type ``kind``'s queue if it has waited ``delay`` (seconds) by now."""
        head = self.queues[kind].head(now)
        return head if head is not None and now - head.arrival >= delay else None

    def _in_order(self, agent: Agent, now: float) -> Contact | None:
        group = agent.group
        for kind, delay in zip(group.skills, group.delays, strict=True):
            if self._ready(kind, delay, now) is not None:
                return self.queues[kind].pop(now)
        return None

    def _longest(self, agent: Agent, now: float, start: int = 0) -> Contact | None:
        """The longest-waiting caller ready for ``agent`` among its skills from number
        ``start`` on (ties to the skill listed first)."""
        group, best, earliest = agent.group, -1, 0.0
        for kind, delay in zip(group.skills[start:], group.delays[start:], strict=True):
            head = self._ready(kind, delay, now)
            if head is not None and (best < 0 or head.arrival < earliest):
                best, earliest = kind, head.arrival
        return None if best < 0 else self.queues[best].pop(now)

    def _own_first(self, agent: Agent, now: float) -> Contact | None:
        group = agent.group
        if self._ready(group.skills[0], group.delays[0], now) is not None:
            return self.queues[group.skills[0]].pop(now)
        return self._longest(agent, now, start=1)


def scenario_router(scenario: Scenario, seed: int) -> Callable[..., Router] | None:
    """The router of ``scenario``'s rules, for a run seeded with ``seed`` (None: it names
    none, and the default :class:`SkillRouter` routes)."""
    random = [c.agent_selection == "random" for c in scenario.contact_types]
    index = {g.name: i for i, g in enumerate(scenario.agent_groups)}
    order = [[index[name] for name in c.agent_selection]
             if isinstance(c.agent_selection, list) else None for c in scenario.contact_types]
    take = [g.take for g in scenario.agent_groups]
    if (not any(random) and all(o is None for o in order)
            and all(t == "skill_order" for t in take)
            and not any(g.delays for g in scenario.agent_groups)):
        return None
    return partial(RuleRouter, random=random, take=take, order=order,
                   uniform=draws(UNIFORM, stream(seed, "agent_selection")))
