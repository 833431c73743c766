"""Chat: an agent holds several conversations at once, each slower the more it holds.

A chat's *work* is its handle time and wrap-up, drawn when it arrives: what it takes an
agent who holds it alone. While its agent holds ``j`` chats it progresses at speed ``1 /
slowdown[j - 1]`` (the chat types a group takes slow alike: an agent works at one pace),
so every start or end of a chat moves the ends of the others at that agent. This is
exact, and lazy like the ends of calls (:mod:`ccsim.model.centre`):

* An agent holding chats is in its group's heap of end times at the end of the first of
  its chats to finish as things stand (one work clock per agent, running at the pace of
  the chats it holds: the chat with the least work left ends first, whatever the pace).
  A new chat moves that end: the agent is pushed again, and its old entry is skipped when
  it comes out. An end is observed when the group is settled, at its own time
  (:meth:`Chats._chat_ended`, which the centre's settle step calls first), and the agent
  goes back in the heap at its next end; while work waits for the group, each new end
  keeps it woken at the first.
* An arriving chat goes to an idle agent (the router's rule: longest idle first), else to
  the agent holding the fewest chats below its group's ``max_chats`` (among equals, the one
  that has held that many longest), else it waits in its type's queue, with patience as a
  call has. When a chat ends while chats wait, its seat takes the head of the line. An
  agent whose last chat ends is free like any agent: it takes what its router finds, a
  chat or a call.
* An agent holding chats takes no call: it is busy for everything but chat — unless its
  group has ``mix``. Then a call no idle agent takes goes to the agent of such groups
  holding the fewest chats (among equals, the one holding that many longest), which sets
  its chats aside: its work clock stops (its entry in the heap is left to be skipped) and
  it takes no new chat. When the call ends, the clock runs again and the agent takes what
  waits in its skill order: another call, or chats for its free seats. The call is the
  agent's busy time, its chats' before and after it (``busy_from``).
* Off duty: an agent owed to a change off duty (a named agent's break or the end of its
  duty) takes no new chat (nor, with ``mix``, a call: one in hand is finished first) and
  goes when its last one ends. A head count's drop that no
  idle agent could take is owed by the agents of the group holding the fewest chats (as
  many as the drops owed): they take no new chat, unless another agent of the group frees
  first and goes instead.

Statistics: an answered chat is recorded when it ends, its wait counted as a call's; its
agent is *busy* (the occupancy) while it holds at least one chat, and each chat fills a
*seat* from its answer to its end (``concurrency_mean``: seat time / time holding any
chat; ``seat_utilisation``: seat time / (staffed time × ``max_chats``)).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from heapq import heappush
from typing import TYPE_CHECKING

import numpy as np

from ccsim.model.agents import Agent, Group
from ccsim.model.contacts import Contact
from ccsim.model.metrics import spread
from ccsim.scenario.channels import pace

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ccsim.model.metrics import Tally
    from ccsim.model.queues import Queue
    from ccsim.model.routing import Router
    from ccsim.scenario import Scenario


class Seats:
    """The chats one agent holds: for each, the contact, its answer time and its *finish*
    on the agent's work clock. The clock counts the work each chat has had (seconds at
    speed 1): it runs at ``1 / pace[j - 1]`` while the agent holds ``j`` chats, the same
    for all of them, so the chat with the least finish ends first whatever the pace."""

    __slots__ = ("at", "busy_from", "clock", "contacts", "finish", "next", "order", "pace",
                 "paused", "since", "stale", "start", "starts")

    def __init__(self, pace: Sequence[float]) -> None:
        self.pace = pace  #: the slowdown of the group's chat types, one factor per chat held
        self.contacts: list[Contact] = []
        self.finish: list[float] = []
        self.starts: list[float] = []
        self.clock = 0.0  #: the work clock at ``since``
        self.since = 0.0
        self.start = 0.0  #: when the agent last began to hold a chat
        #: since when it is busy with its chats (a call it takes meanwhile is busy time of
        #: its own), and whether they are set aside for a call (``mix``)
        self.busy_from = 0.0
        self.paused = False
        self.at = 0.0  #: when the agent came to hold as many chats as it holds now
        #: the order of its entry in its group's heap of end times (-1: none), and the
        #: chat that ends then
        self.order = -1
        self.next = 0
        #: the orders of its entries left in the heap when its next end moved: skipped
        #: when they come out (cheaper than taking them out of the heap)
        self.stale: set[int] = set()

    def advance(self, now: float) -> None:
        """Bring the work clock up to ``now``."""
        self.clock += (now - self.since) / self.pace[len(self.finish) - 1]
        self.since = now


def _held(agent: Agent) -> tuple[int, int]:
    """Fewest chats first, then the lowest number."""
    return (len(agent.seats.contacts) if agent.seats else 0, agent.number)


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
        _serve_voice: Callable[[Agent, Contact, float], None]
        serve: Callable[[Agent, Contact, float], None]
        _work_lines: list[list]
        _lines_of: list[list]
        _wake: Callable[[Group], None]

    def _chat_setup(self) -> bool:
        """Prepare the seats if the scenario has chat types; return whether it has."""
        types = self.scenario.contact_types
        #: is_chat[k]: whether contact type k is a chat
        self._is_chat = [c.channel == "chat" for c in types]
        if not any(self._is_chat):
            return False
        specs = self.scenario.agent_groups
        for group in self.groups:
            group.max_chats = (specs[group.index].max_chats or 1) if any(
                self._is_chat[k] for k in group.skills) else 0
        #: pace[g]: the slowdown of group g's chat types, one factor per chat held
        self._pace = [tuple(pace(self.scenario, specs[g.index])) if g.max_chats else ()
                      for g in self.groups]
        #: chat_queues[g]: the queues of group g's chat skills, in its order of preference
        self._chat_queues = [[self.queues[k] for k in g.skills if self._is_chat[k]]
                             for g in self.groups]
        #: chat_lines[g]: the raw lines of those queues (truthy while a chat may wait)
        self._chat_lines = [[line for k in g.skills if self._is_chat[k]
                             for line in self._lines_of[k]] for g in self.groups]
        #: holding[g][j]: the agents of group g holding j chats, 0 < j < max_chats (dicts
        #: as ordered sets: the first has held that many longest)
        self._holding: list[list[dict[Agent, None]]] = [
            [{} for _ in range(g.max_chats)] for g in self.groups]
        #: mixable[g]: for a group with ``mix``, its agents holding chats, on no call (a
        #: dict as an ordered set); None without
        self._mixable: list[dict[Agent, None] | None] = [
            {} if specs[g.index].mix else None for g in self.groups]
        #: mixed[k]: the groups with ``mix`` that take calls of type k
        self._mixed = [[g for g in self._able[k] if self._mixable[g.index] is not None]
                       if not (self._is_chat[k] or c.deferrable) else []
                       for k, c in enumerate(types)]
        #: draining[g]: agents of group g taking no new chat, to go for a head count's drop
        self._draining: list[set[Agent]] = [set() for _ in self.groups]
        # Seat spans (group, answer, end) of finished chats, folded in after the run.
        self._seat_spans: tuple[list[int], list[float], list[float]] = ([], [], [])
        # Spans (group, start, end) of an agent holding at least one chat.
        self._held_spans: tuple[list[int], list[float], list[float]] = ([], [], [])
        self._time: tuple[np.ndarray, np.ndarray] | None = None
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
        best, least, since = None, math.inf, math.inf
        for group in self._able[kind]:
            for j, agents in enumerate(self._holding[group.index]):
                if j > least:
                    break
                for agent in agents:
                    if self._may_take(agent):
                        at = agent.seats.at  # type: ignore[union-attr]
                        if j < least or at < since:
                            best, least, since = agent, j, at
                        break
                else:
                    continue
                break
        return best

    def _serve_chat(self, agent: Agent, contact: Contact, now: float) -> None:
        """The free ``agent`` (holding no chat) takes ``contact``, a chat from its queue,
        then fills its other seats from the line (and with ``mix``, takes a call that
        waits)."""
        self._add_chat(agent, contact, now)
        self._refill(agent, now)
        if self._mixable[agent.group.index] is not None:
            self._take_call(agent, now)

    # --- calls taken while holding chats (mix) ---

    def _offer_mixed(self, contact: Contact, now: float) -> None:
        """An arriving call (its groups settled) that groups with ``mix`` take: to an idle
        agent, else to the agent of those groups holding the fewest chats (among equals,
        the one holding that many longest), who sets them aside for it, else it waits."""
        agent = self.router.select_agent(contact, now)
        if agent is None:
            best, least = None, (math.inf, math.inf)
            for group in self._mixed[contact.kind]:
                for holder in self._mixable[group.index] or ():
                    seats = holder.seats
                    assert seats is not None
                    if (len(seats.contacts), seats.at) < least and self._may_take(holder):
                        best, least = holder, (len(seats.contacts), seats.at)
            if best is None:
                self._wait(contact, now)
                return
            self._call_aside(best, contact, now)
            return
        self._serve_voice(agent, contact, now)

    def _take_call(self, agent: Agent, now: float) -> None:
        """``agent`` of a group with ``mix``, holding chats, on no call: the first call
        waiting in its skill order, if any (it sets its chats aside for it)."""
        if not self._may_take(agent):
            return
        for k in agent.group.skills:
            if agent.group in self._mixed[k]:
                contact = self.queues[k].pop(now)
                if contact is not None:
                    self._call_aside(agent, contact, now)
                    return

    def _call_aside(self, agent: Agent, contact: Contact, now: float) -> None:
        """``agent`` sets its chats aside at ``now`` (their work stops) and answers the
        call ``contact``."""
        seats = agent.seats
        assert seats is not None
        seats.advance(now)
        self._unlist(agent)
        seats.paused = True
        self._busy_until(agent, now)
        self.serve(agent, contact, now)  # (a call: the voice step, and a wake if work waits)

    def _resume(self, agent: Agent, now: float) -> None:
        """``agent``'s call ended at ``now``: its chats go on, and it takes work waiting
        in its skill order — chats for its free seats, or a call."""
        seats = agent.seats
        assert seats is not None
        seats.paused = False
        seats.since = seats.busy_from = now
        self._list(agent, now)
        if not self._may_take(agent):
            return
        group = agent.group
        for k in group.skills:
            if self._is_chat[k]:
                while len(seats.contacts) < group.max_chats:
                    contact = self.queues[k].pop(now)
                    if contact is None:
                        break
                    self._add_chat(agent, contact, now)
            elif group in self._mixed[k]:
                contact = self.queues[k].pop(now)
                if contact is not None:
                    self._call_aside(agent, contact, now)
                    return

    def _busy_until(self, agent: Agent, now: float) -> None:
        """``agent`` was busy with its chats from ``busy_from`` to ``now``."""
        seats = agent.seats
        assert seats is not None
        agent.busy_time += now - seats.busy_from
        self.tally.task(agent.group.index, seats.busy_from, now)
        seats.busy_from = now

    def _add_chat(self, agent: Agent, contact: Contact, now: float) -> None:
        """``agent`` answers the chat ``contact`` at ``now``."""
        group = agent.group
        seats = agent.seats
        if seats is None:
            seats = agent.seats = Seats(self._pace[group.index])
        if seats.contacts:
            seats.advance(now)
            self._unlist(agent)
        else:
            seats.since = seats.start = seats.busy_from = now
        seats.contacts.append(contact)
        seats.finish.append(seats.clock + contact.handle + contact.wrap_up)
        seats.starts.append(now)
        agent.handled += 1
        self._list(agent, now)

    def _refill(self, agent: Agent, now: float) -> None:
        """Fill ``agent``'s free seats from the heads of its chat queues (skill order)."""
        seats = agent.seats
        assert seats is not None
        group = agent.group
        if not self._may_take(agent):
            return
        queues = self._chat_queues[group.index]
        while len(seats.contacts) < group.max_chats:
            for queue in queues:
                contact = queue.pop(now)
                if contact is not None:
                    break
            else:
                return
            self._add_chat(agent, contact, now)

    def _may_take(self, agent: Agent) -> bool:
        """Whether ``agent`` may take a new chat: not owed to a change off duty, nor
        draining its chats for a head count's drop (see the module's docstring)."""
        if agent.owed < math.inf:
            return False
        group = agent.group
        if not group.leaving or group.named:  # (the common case: nobody owes a drop)
            if self._draining[group.index]:
                self._draining[group.index].clear()
            return True
        draining = self._draining[group.index]
        # As many agents as the drops owed drain, those holding fewest chats when chosen;
        # one that has gone (its chats over) or a drop taken by another agent frees a place.
        draining.intersection_update(a for a in draining if a.seats and a.seats.contacts)
        while len(draining) > len(group.leaving):
            draining.remove(max(draining, key=_held))
        if len(draining) < len(group.leaving):
            holders = sorted((a for a in group.agents if a.seats and a.seats.contacts
                              and a not in draining), key=_held)
            draining.update(holders[:len(group.leaving) - len(draining)])
        return agent not in draining

    # --- a chat ends ---

    def _chat_ended(self, agent: Agent, end: float, order: int) -> bool:
        """The entry ``order`` of ``agent``, who holds chats, comes out of its group's heap
        at ``end`` (not a stale one: the centre skips those): True if a chat ends and the
        agent still holds others (it is back in the heap at its next end); False if its
        last chat ended (it is free at ``end``) or the entry is of other work."""
        seats = agent.seats
        assert seats is not None
        if order != seats.order:  # the end of other work (a call, a break)
            if seats.paused:  # the call it set its chats aside for (mix)
                self._resume(agent, end)
                return True
            return False
        group = agent.group
        i = seats.next
        seats.advance(end)
        contact = seats.contacts.pop(i)
        seats.finish.pop(i)
        start = seats.starts.pop(i)
        groups, starts, ends = self._seat_spans
        groups.append(group.index)
        starts.append(start)
        ends.append(end)
        self.tally.seated(contact, group.index, start, end, agent.number)
        seats.order = -1
        self._unbucket(agent, len(seats.contacts) + 1)
        if seats.contacts:
            # A seat to fill from the line, or a head count's drop to choose drainers for
            # now (see _may_take): else nothing to do.
            if any(self._chat_lines[group.index]) or (group.leaving and not group.named):
                self._refill(agent, end)
            if seats.order < 0:  # (refill lists it anew if it took a chat)
                self._list(agent, end)
            if self._mixable[group.index] is not None:  # (a drain over: calls may wait)
                self._take_call(agent, end)
            return True
        agent.until = end
        self._busy_until(agent, end)
        groups, starts, ends = self._held_spans
        groups.append(group.index)
        starts.append(seats.start)
        ends.append(end)
        return False

    # --- where an agent with chats is listed ---

    def _list(self, agent: Agent, now: float) -> None:
        """Put ``agent`` (holding chats) in its group's heap at its next end, and among
        the agents holding as many (if it may hold more)."""
        seats = agent.seats
        assert seats is not None
        # Its next chat to end, as things stand: the least finish on its work clock.
        finish = seats.finish
        least = min(finish)
        seats.next = finish.index(least)
        end = seats.since + max(least - seats.clock, 0.0) * seats.pace[len(finish) - 1]
        seats.order = order = next(self._order)
        group = agent.group
        heappush(group.busy, (end, order, agent))
        if any(self._work_lines[group.index]):  # work waits: its end may be the first now
            self._wake(group)
        seats.at = now
        j = len(seats.contacts)
        if j < group.max_chats:
            self._holding[group.index][j][agent] = None
        mixable = self._mixable[group.index]
        if mixable is not None:
            mixable[agent] = None

    def _unlist(self, agent: Agent) -> None:
        """Take ``agent`` (holding chats, listed) out of the agents holding as many, and
        leave its heap entry to be skipped."""
        seats = agent.seats
        assert seats is not None
        if seats.order < 0:  # (it is out of the heap: its chat just ended)
            return
        seats.stale.add(seats.order)
        seats.order = -1
        self._unbucket(agent, len(seats.contacts))

    def _unbucket(self, agent: Agent, j: int) -> None:
        """``agent`` no longer holds ``j`` chats (nor, for now, takes a call)."""
        if j < agent.group.max_chats:
            self._holding[agent.group.index][j].pop(agent, None)
        mixable = self._mixable[agent.group.index]
        if mixable is not None:
            mixable.pop(agent, None)

    # --- statistics ---

    def _chat_time(self) -> tuple[np.ndarray, np.ndarray]:
        """``seat[i, g]``, the seconds of chat held by agents of group g in interval i
        (each chat from its answer to its end), and ``held[i, g]``, the seconds they held
        at least one; computed once, after the run."""
        if self._time is None:
            axes = self.tally.axes
            self._time = (np.zeros((axes.intervals, axes.groups)),
                          np.zeros((axes.intervals, axes.groups)))
            for spans, into in zip((self._seat_spans, self._held_spans), self._time,
                                   strict=True):
                groups, starts, ends = spans
                if groups:
                    spread(np.array(groups, dtype=np.intp), np.array(starts),
                           np.array(ends), axes, into)
        return self._time

    def _chat_group_metrics(self, interval: int, group: int) -> dict[str, float]:
        """The chat metrics of ``group`` in ``interval`` (NaN for a group without chat)."""
        chat = [group] if self.groups[group].max_chats else []
        return self._chat_sums(slice(interval, interval + 1), chat)

    def _chat_metrics(self, intervals: slice, kinds: slice) -> dict[str, float]:
        """The chat metrics of the groups that take chat over ``intervals``, in a row
        whose contact types include a chat type (NaN otherwise)."""
        types = self.tally.axes.kinds_in(kinds)  # (``kinds``: contact classes)
        chat = ([g.index for g in self.groups if g.max_chats]
                if any(self._is_chat[k] for k in types) else [])
        return self._chat_sums(intervals, chat)

    def _chat_sums(self, intervals: slice, groups: list[int]) -> dict[str, float]:
        if not groups:
            return dict.fromkeys(("seat_time", "chat_time", "concurrency_mean",
                                  "seat_utilisation"), math.nan)
        seat, held = (float(t[intervals, groups].sum()) for t in self._chat_time())
        staffed = self.tally.scheduled[intervals, groups] + self.tally.overtime[intervals,
                                                                                 groups]
        seats = float((staffed * [self.groups[g].max_chats for g in groups]).sum())
        return {"seat_time": seat, "chat_time": held,
                "concurrency_mean": seat / held if held > 0 else math.nan,
                "seat_utilisation": seat / seats if seats > 0 else math.nan}
