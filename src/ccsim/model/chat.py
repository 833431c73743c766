"""Chat: an agent holds several conversations at once, each slower the more it holds.

A chat's *work* is its handle time and wrap-up, drawn when it arrives: what it takes an
agent who holds it alone. While its agent holds ``j`` chats it progresses at speed ``1 /
slowdown[j - 1]`` (its type's factors), so every start or end of a chat moves the ends of
the others at that agent. This is exact, and lazy like the ends of calls
(:mod:`ccsim.model.centre`):

* An agent holding chats is in its group's heap of end times once, at the end of the
  first of its chats to finish as things stand. A new chat moves that entry (taken out and
  pushed again); an end is observed when the group is settled, at its own time
  (:meth:`Chats._chat_ended`, which the centre's settle step calls first), and the agent
  goes back in the heap at its next end.
* An arriving chat goes to an idle agent (the router's rule: longest idle first), else to
  the agent holding the fewest chats below its group's ``max_chats`` (among equals, the one
  that has held that many longest), else it waits in its type's queue, with patience as a
  call has. When a chat ends while chats wait, its seat takes the head of the line. An
  agent whose last chat ends is free like any agent: it takes what its router finds, a
  chat or a call.
* An agent holding chats takes no call: it is busy for everything but chat.
* Off duty: an agent owed to a change off duty (a named agent's break or the end of its
  duty) takes no new chat and goes when its last one ends. A head count's drop that no
  idle agent could take is owed by the agents of the group holding the fewest chats (as
  many as the drops owed): they take no new chat, unless another agent of the group frees
  first and goes instead.

Statistics: an answered chat is recorded when it ends, its wait counted as a call's; its
agent is *busy* (the occupancy) while it holds at least one chat, and each chat fills a
*seat* from its answer to its end (``concurrency_mean``: seat time / busy time; ``seat_utilisation``: seat time /
(staffed time × ``max_chats``)).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from heapq import heapify, heappush
from typing import TYPE_CHECKING

import numpy as np

from ccsim.model.agents import Agent, Group
from ccsim.model.contacts import Contact
from ccsim.model.metrics import spread

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ccsim.model.metrics import Tally
    from ccsim.model.queues import Queue
    from ccsim.model.routing import Router
    from ccsim.scenario import Scenario


class Seats:
    """The chats one agent holds: for each, the contact, its work still to do as of
    ``since`` (seconds at speed 1), its type's slowdown factors and its answer time."""

    __slots__ = ("at", "contacts", "entry", "factors", "since", "start", "starts", "work")

    def __init__(self) -> None:
        self.contacts: list[Contact] = []
        self.work: list[float] = []
        self.factors: list[Sequence[float]] = []
        self.starts: list[float] = []
        self.since = 0.0  #: when ``work`` was last brought up to date
        self.start = 0.0  #: when the agent last began to hold a chat (its busy span)
        self.at = 0.0  #: when the agent came to hold as many chats as it holds now
        #: its entry in its group's heap of end times (None while it holds none)
        self.entry: tuple[float, int, Agent] | None = None

    def advance(self, now: float) -> None:
        """Bring the work still to do up to ``now``."""
        elapsed = now - self.since
        if elapsed:
            j = len(self.work) - 1
            work, factors = self.work, self.factors
            for i in range(len(work)):
                work[i] -= elapsed / factors[i][j]
        self.since = now

    def first(self) -> tuple[float, int]:
        """The time its next chat ends, and which (as things stand)."""
        j = len(self.work) - 1
        times = [w * f[j] for w, f in zip(self.work, self.factors, strict=True)]
        i = times.index(min(times))
        return self.since + max(times[i], 0.0), i


class Chats:
    """The chat part of a :class:`~ccsim.model.centre.Centre` (which provides what is
    declared here): the seats of its chat agents, and their statistics."""

    if TYPE_CHECKING:
        scenario: Scenario
        groups: list[Group]
        queues: list[Queue]
        router: Router
        tally: Tally
        _able: list[list[Group]]
        _order: Iterator[int]
        _wait: Callable[[Contact, float], None]

    def _chat_setup(self) -> bool:
        """Prepare the seats if the scenario has chat types; return whether it has."""
        types = self.scenario.contact_types
        chat = [k for k, c in enumerate(types) if c.channel == "chat"]
        if not chat:
            return False
        #: chat[k]: whether contact type k is a chat
        self._is_chat = [c.channel == "chat" for c in types]
        specs = self.scenario.agent_groups
        for group in self.groups:
            group.max_chats = (specs[group.index].max_chats or 1) if any(
                self._is_chat[k] for k in group.skills) else 0
        #: slowdown[k]: the factors of chat type k, one per chat held (1 if not given)
        self._slowdown: list[Sequence[float]] = [
            tuple(c.slowdown) if c.slowdown else (1.0,) * max(
                (g.max_chats for g in self.groups if k in g.skills), default=1)
            for k, c in enumerate(types)]
        #: chat_queues[g]: the queues of group g's chat skills, in its order of preference
        self._chat_queues = [[self.queues[k] for k in g.skills if self._is_chat[k]]
                             for g in self.groups]
        #: holding[g][j]: the agents of group g holding j chats, 0 < j < max_chats (dicts
        #: as ordered sets: the first has held that many longest)
        self._holding: list[list[dict[Agent, None]]] = [
            [{} for _ in range(g.max_chats)] for g in self.groups]
        # Seat spans (group, answer, end) of finished chats, folded in after the run.
        self._seat_spans: tuple[list[int], list[float], list[float]] = ([], [], [])
        self._seat: np.ndarray | None = None
        return True

    # --- a chat starts ---

    def _route_chat(self, contact: Contact, now: float) -> None:
        """An arriving chat (its groups settled): to an idle agent, else to the agent
        holding the fewest chats, else it waits."""
        agent = self.router.select_agent(contact, now)
        if agent is None:
            agent = self._fewest(contact.kind)
            if agent is None:
                self._wait(contact, now)
                return
        self._add_chat(agent, contact, now)

    def _fewest(self, kind: int) -> Agent | None:
        """The agent able to take one more chat of type ``kind`` that holds the fewest
        (among equals, the one holding that many longest), or None."""
        best, key = None, (math.inf, math.inf)
        for group in self._able[kind]:
            for j, agents in enumerate(self._holding[group.index]):
                if j > key[0]:
                    break
                found = next((a for a in agents if self._may_take(a)), None)
                if found is not None:
                    at = found.seats.at  # type: ignore[union-attr]
                    if (j, at) < key:
                        best, key = found, (j, at)
                    break
        return best

    def _serve_chat(self, agent: Agent, contact: Contact, now: float) -> None:
        """The free ``agent`` (holding no chat) takes ``contact``, a chat from its queue,
        then fills its other seats from the line."""
        self._add_chat(agent, contact, now)
        self._refill(agent, now)

    def _add_chat(self, agent: Agent, contact: Contact, now: float) -> None:
        """``agent`` answers the chat ``contact`` at ``now``."""
        group = agent.group
        seats = agent.seats
        if seats is None:
            seats = agent.seats = Seats()
        if seats.contacts:
            seats.advance(now)
            self._unlist(agent, len(seats.contacts))
        else:
            seats.since = seats.start = now
        seats.contacts.append(contact)
        seats.work.append(contact.handle + contact.wrap_up)
        seats.factors.append(self._slowdown[contact.kind])
        seats.starts.append(now)
        agent.handled += 1
        self._list(agent, now)

    def _refill(self, agent: Agent, now: float) -> None:
        """Fill ``agent``'s free seats from the heads of its chat queues (skill order)."""
        seats = agent.seats
        assert seats is not None
        if not self._may_take(agent):
            return
        queues = self._chat_queues[agent.group.index]
        while len(seats.contacts) < agent.group.max_chats:
            for queue in queues:
                contact = queue.pop(now)
                if contact is not None:
                    break
            else:
                return
            self._add_chat(agent, contact, now)

    def _may_take(self, agent: Agent) -> bool:
        """Whether ``agent`` may take a new chat: not owed to a change off duty."""
        if agent.owed < math.inf:
            return False
        group = agent.group
        if not group.leaving or group.named:
            return True
        # A head count's drops owed: the agents holding fewest chats owe them.
        holders = sorted((a for a in group.agents if a.seats is not None and a.seats.contacts),
                         key=lambda a: (len(a.seats.contacts), a.number))  # type: ignore[union-attr]
        return agent not in holders[:len(group.leaving)]

    # --- a chat ends ---

    def _chat_ended(self, agent: Agent, end: float) -> bool:
        """A chat of ``agent`` ends at ``end`` (its entry in the heap, just popped): True
        if the agent still holds chats (it is back in the heap at its next end), False if
        that was its last (it is free at ``end``)."""
        seats = agent.seats
        assert seats is not None
        group = agent.group
        _, i = seats.first()
        j = len(seats.contacts)
        seats.advance(end)
        contact = seats.contacts.pop(i)
        seats.work.pop(i)
        seats.factors.pop(i)
        start = seats.starts.pop(i)
        groups, starts, ends = self._seat_spans
        groups.append(group.index)
        starts.append(start)
        ends.append(end)
        self.tally.seated(contact, group.index, start, end, agent.number)
        self._unlisted(agent, j)
        if seats.contacts:
            self._refill(agent, end)
            if seats.entry is None:  # (refill lists it anew if it took a chat)
                self._list(agent, end)
            return True
        agent.until = end
        agent.busy_time += end - seats.start
        self.tally.task(group.index, seats.start, end)
        return False

    # --- where an agent with chats is listed ---

    def _list(self, agent: Agent, now: float) -> None:
        """Put ``agent`` (holding chats) in its group's heap at its next end, and among
        the agents holding as many (if it may hold more)."""
        seats = agent.seats
        assert seats is not None
        end, _ = seats.first()
        seats.entry = entry = (end, next(self._order), agent)
        heappush(agent.group.busy, entry)
        seats.at = now
        j = len(seats.contacts)
        if j < agent.group.max_chats:
            self._holding[agent.group.index][j][agent] = None

    def _unlist(self, agent: Agent, j: int) -> None:
        """Take ``agent``, holding ``j`` chats, out of its group's heap (if in it) and out
        of the agents holding as many."""
        seats = agent.seats
        assert seats is not None
        if seats.entry is not None:
            busy = agent.group.busy
            busy.remove(seats.entry)
            heapify(busy)
        self._unlisted(agent, j)

    def _unlisted(self, agent: Agent, j: int) -> None:
        """``agent`` no longer holds ``j`` chats (and is out of its group's heap)."""
        assert agent.seats is not None
        agent.seats.entry = None
        if j < agent.group.max_chats:
            self._holding[agent.group.index][j].pop(agent, None)

    # --- statistics ---

    def _seat_time(self) -> np.ndarray:
        """``seat[i, g]``: seconds of chat held by agents of group g in interval i."""
        axes = self.tally.axes
        seat = np.zeros((axes.intervals, axes.groups))
        groups, starts, ends = self._seat_spans
        if groups:
            spread(np.array(groups, dtype=np.intp), np.array(starts), np.array(ends),
                   axes, seat)
        return seat

    def _chat_group_metrics(self, interval: int, group: int) -> dict[str, float]:
        """``concurrency_mean`` and ``seat_utilisation`` of ``group`` in ``interval``."""
        if not self.groups[group].max_chats:
            return {"concurrency_mean": math.nan, "seat_utilisation": math.nan}
        seat = self._seats_held()
        i, g = interval, group
        busy = float(self.tally.busy_time[i, g])
        staffed = float(self.tally.scheduled[i, g] + self.tally.overtime[i, g])
        return {
            "concurrency_mean": float(seat[i, g]) / busy if busy > 0 else math.nan,
            "seat_utilisation": float(seat[i, g]) / (staffed * self.groups[g].max_chats)
            if staffed > 0 else math.nan,
        }

    def _chat_metrics(self, intervals: slice, kinds: slice) -> dict[str, float]:
        """``concurrency_mean`` and ``seat_utilisation`` over ``intervals`` of the groups
        taking chat, in a row whose contact types include a chat type (NaN otherwise)."""
        if not any(self._is_chat[kinds]):
            return {"concurrency_mean": math.nan, "seat_utilisation": math.nan}
        seat = self._seats_held()
        chat = [g.index for g in self.groups if g.max_chats]
        held = float(seat[intervals, chat].sum())
        busy = float(self.tally.busy_time[intervals, chat].sum())
        seats = (self.tally.scheduled + self.tally.overtime)[intervals, chat] * np.array(
            [self.groups[g].max_chats for g in chat])
        capacity = float(seats.sum())
        return {"concurrency_mean": held / busy if busy > 0 else math.nan,
                "seat_utilisation": held / capacity if capacity > 0 else math.nan}

    def _seats_held(self) -> np.ndarray:
        """The seat time of every group and interval, computed once after the run."""
        if self._seat is None:
            self._seat = self._seat_time()
        return self._seat
