"""Routing: which agent takes an arriving contact, and which contact a free agent takes.

A router is the seam where a researcher plugs in a rule. The base :class:`Router` keeps
the queues (one per contact type, first-come first-served) and the idle agents (one line
per group, longest idle first); a rule is a subclass that answers two questions,
:meth:`Router.select_agent` and :meth:`Router.select_contact`. The default
:class:`SkillRouter` implements skills as ordered preference lists.

Abandonment is resolved lazily. Each queue is first-come first-served, so a waiting
contact's fate is sealed by its deadline (arrival + patience): when it reaches the head of
the queue after its deadline it had abandoned at the deadline. Nothing has to be scheduled
per waiting contact, and the result is exactly that of scheduling each abandonment.
:meth:`Router.take` does this bookkeeping, so a rule cannot answer a caller who has hung up.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence

from ccsim.model.agents import Agent, Group
from ccsim.model.contacts import Contact


class Router:
    """The routing seam: queues and idle agents, and the two decisions a rule makes."""

    def __init__(self, groups: Sequence[Group], kinds: int, abandon: Callable[[Contact], None]):
        self.groups = list(groups)
        #: queues[k]: contacts of type k waiting, longest-waiting first
        self.queues: list[deque[Contact]] = [deque() for _ in range(kinds)]
        self._abandon = abandon

    # --- the decisions a rule makes ---

    def select_agent(self, contact: Contact) -> Agent | None:
        """The idle agent who takes the arriving ``contact`` now, removed from its group's
        ``idle`` line, or ``None`` to let the contact wait."""
        raise NotImplementedError

    def select_contact(self, agent: Agent, now: float) -> Contact | None:
        """The waiting contact the free ``agent`` takes at time ``now``, removed with
        :meth:`take`, or ``None`` if it has none to take."""
        raise NotImplementedError

    # --- bookkeeping shared by every rule ---

    def take(self, kind: int, now: float) -> Contact | None:
        """Remove and return the longest-waiting contact of type ``kind`` still waiting at
        ``now``; contacts whose patience ran out on the way are recorded as abandoned."""
        queue = self.queues[kind]
        while queue:
            contact = queue.popleft()
            if contact.deadline >= now:
                return contact
            self._abandon(contact)
        return None

    def enqueue(self, contact: Contact) -> None:
        """Put ``contact`` at the end of the queue of its contact type."""
        self.queues[contact.kind].append(contact)

    def release(self, agent: Agent) -> None:
        """Make ``agent`` idle (it found nothing to do); the centre set ``idle_since``."""
        agent.group.idle.append(agent)

    def withdraw(self, group: Group, count: int) -> int:
        """Take up to ``count`` idle agents of ``group`` off duty; return how many.
        The most recently idle leave first, so the longest-idle order of the rest holds."""
        taken = min(count, len(group.idle))
        for _ in range(taken):
            group.idle.pop()
        return taken

    def waiting(self) -> list[Contact]:
        """Remove and return every contact still queued (at the end of a run)."""
        left = [c for queue in self.queues for c in queue]
        for queue in self.queues:
            queue.clear()
        return left


class SkillRouter(Router):
    """Skills as ordered preference lists.

    A free agent takes the longest-waiting contact of the first of its skills whose queue
    holds one. An arriving contact goes to the longest-idle free agent among the groups that
    list its type earliest (rank 0 first), then the next rank, and so on.
    """

    def __init__(self, groups: Sequence[Group], kinds: int, abandon: Callable[[Contact], None]):
        super().__init__(groups, kinds, abandon)
        # tiers[k]: groups that can take type k, grouped by the rank of k in their skills.
        self.tiers: list[list[list[Group]]] = []
        for kind in range(kinds):
            ranks: dict[int, list[Group]] = {}
            for group in groups:
                if kind in group.skills:
                    ranks.setdefault(group.skills.index(kind), []).append(group)
            self.tiers.append([ranks[r] for r in sorted(ranks)])

    def select_agent(self, contact: Contact) -> Agent | None:
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
        for kind in agent.group.skills:
            contact = self.take(kind, now)
            if contact is not None:
                return contact
        return None
