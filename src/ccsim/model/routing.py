"""Routing: which agent takes an arriving contact, and which contact a free agent takes.

A router is the seam where a researcher plugs in a rule: a subclass of :class:`Router`
that answers two questions, :meth:`Router.select_agent` and :meth:`Router.select_contact`,
reading the live queues (``self.queues[k]``, a :class:`~ccsim.model.queues.Queue` per
contact type: ``head(now)``, ``pop(now)``, ``live(now)``) and the groups' idle agents
(``group.idle``, longest idle first). Both see only live contacts: the queues resolve
abandonment themselves, so a rule can never answer a caller who has hung up. Two rules
ship, to use or to copy:

* :class:`SkillRouter` (the default) — skills as ordered preference lists;
* :class:`LongestWaitingRouter` — a free agent takes the longest-waiting contact of any of
  its skills (ContactCenters' default rule).

A rule that reads ``live(now)`` on every decision sets ``live_queues = True`` so that the
centre gives it queues where that is O(log n) rather than a pass over the line.
"""

from __future__ import annotations

from collections.abc import Sequence

from ccsim.model.agents import Agent, Group
from ccsim.model.contacts import Contact
from ccsim.model.queues import Queue


class Router:
    """The routing seam: the two decisions a rule makes, over ``groups`` and ``queues``."""

    #: Whether the rule reads ``queue.live(now)`` often (the centre then keeps deadline heaps).
    live_queues = False

    def __init__(self, groups: Sequence[Group], queues: Sequence[Queue]):
        self.groups = list(groups)
        #: queues[k]: the contacts of type k waiting
        self.queues = list(queues)

    def select_agent(self, contact: Contact, now: float) -> Agent | None:
        """The idle agent who takes the arriving ``contact`` at ``now``, removed from its
        group's ``idle`` line, or ``None`` to let the contact wait."""
        raise NotImplementedError

    def select_contact(self, agent: Agent, now: float) -> Contact | None:
        """The waiting contact the free ``agent`` takes at ``now``, removed from its queue
        with ``pop(now)``, or ``None`` if it has none to take."""
        raise NotImplementedError


class SkillRouter(Router):
    """Skills as ordered preference lists.

    A free agent takes the longest-waiting contact of the first of its skills whose queue
    holds one. An arriving contact goes to the longest-idle free agent among the groups that
    list its type earliest (rank 0 first), then the next rank, and so on; a group that
    takes the type only after a delay is not among them (see :mod:`ccsim.model.rules`).
    """

    def __init__(self, groups: Sequence[Group], queues: Sequence[Queue]):
        super().__init__(groups, queues)
        # tiers[k]: groups that can take type k on arrival (not after a delay), grouped by
        # the rank of k in their skills.
        self.tiers: list[list[list[Group]]] = []
        for kind in range(len(self.queues)):
            ranks: dict[int, list[Group]] = {}
            for group in self.groups:
                if kind in group.skills and not group.delays[group.skills.index(kind)]:
                    ranks.setdefault(group.skills.index(kind), []).append(group)
            self.tiers.append([ranks[r] for r in sorted(ranks)])

    def select_agent(self, contact: Contact, now: float) -> Agent | None:
        for tier in self.tiers[contact.kind]:
            if len(tier) == 1:
                idle = tier[0].idle
                if idle:
                    return idle.popleft()
                continue
            best = None
            for group in tier:
                if group.idle and (best is None or group.idle[0].idle_since < best.idle_since):
                    best = group.idle[0]
            if best is not None:
                return best.group.idle.popleft()
        return None

    def select_contact(self, agent: Agent, now: float) -> Contact | None:
        queues = self.queues
        for kind in agent.group.skills:
            contact = queues[kind].pop(now)
            if contact is not None:
                return contact
        return None


class LongestWaitingRouter(SkillRouter):
    """A free agent takes the longest-waiting live contact among all its skills (ties go
    to the skill listed first); an arriving contact is placed as by :class:`SkillRouter`."""

    def select_contact(self, agent: Agent, now: float) -> Contact | None:
        return longest_waiting(self.queues, agent.group.skills, now)


def longest_waiting(queues: Sequence[Queue], kinds: Sequence[int], now: float
                    ) -> Contact | None:
    """The longest-waiting live contact at the heads of the queues of ``kinds`` (ties to
    the kind listed first), taken from its queue; ``None`` if none waits."""
    best: Queue | None = None
    earliest = 0.0
    for kind in kinds:
        queue = queues[kind]
        head = queue.head(now)
        if head is not None and (best is None or head.arrival < earliest):
            best, earliest = queue, head.arrival
    return None if best is None else best.pop(now)
