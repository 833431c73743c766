"""What a policy reads and acts through: the centre's public methods.

:class:`~ccsim.model.centre.Centre` is a :class:`Host`. Ends of service are lazy (see
:mod:`ccsim.model.centre`), so every read settles the groups it looks at first: a policy
never sees an agent whose work has ended as busy. Times are seconds since the start of the
horizon; an action is taken now or later, never in the past (a ValueError says so).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from heapq import heapify, heappush
from typing import TYPE_CHECKING

import numpy as np
import simpy

from ccsim.model.agents import Agent, Group
from ccsim.model.calls import At, Fired
from ccsim.model.contacts import Contact
from ccsim.streams import stream

if TYPE_CHECKING:
    from ccsim.model.metrics import Tally


class Host:
    """The public methods of a run's centre, for the policies installed in it."""

    # What the centre that is a host holds (see Centre).
    env: simpy.Environment
    seed: int
    tally: Tally
    _able: list[list[Group]]  # _able[k]: the groups that can take contacts of type k
    _at: At
    _order: Iterator[int]  # ties in the heaps of end times break by start order
    _offer: Callable[[Contact, float], None]
    _serve: Callable[[Agent, Contact, float], None]
    _settle: Callable[[Group, float], None]  # bring a group up to a time
    _wake: Callable[[Group], None]  # observe a group's next end of service at its time
    _has_work: Callable[[Group], bool]  # whether work waits for a group
    _on_recorded: list[Callable[[Contact, int, float], None]]  # the ``recorded`` hooks

    # --- what a policy reads: settled first ---

    def idle(self, group: Group, now: float) -> Sequence[Agent]:
        """The idle agents of ``group`` at ``now``, longest idle first (settled first: an
        agent whose work has ended by ``now`` is among them). Read-only: take one with
        :meth:`claim`."""
        if group.busy and group.busy[0][0] <= now:
            self._settle(group, now)
        return group.idle

    def busy(self, group: Group, now: float) -> int:
        """How many agents of ``group`` are busy at ``now`` (on duty or finishing work
        before going off)."""
        if group.busy and group.busy[0][0] <= now:
            self._settle(group, now)
        if group.max_chats:  # a chat agent's heap may hold entries of ends that moved
            return len({agent for _, _, agent in group.busy})
        return len(group.busy)

    def settle(self, groups: Iterable[Group], now: float) -> None:
        """Bring ``groups`` up to ``now``: agents whose work has ended by then are free
        (:meth:`idle` and :meth:`busy` do it themselves)."""
        for group in groups:
            if group.busy and group.busy[0][0] <= now:
                self._settle(group, now)

    # --- what a policy uses to act ---

    def at(self, time: float, callback: Callable[[float], None]) -> None:
        """Call ``callback(time)`` at the absolute ``time`` (seconds, not before now)."""
        now = self.env.now
        if not time >= now:
            # The clock may stand an ulp past the time an event was meant for (see
            # ccsim.model.calls): that time is still now.
            if not time >= math.nextafter(now, -math.inf):
                raise ValueError(f"at(): cannot schedule at {time!r} s, before the "
                                 f"current time {now!r} s (a policy acts now or later)")
            self._at(now, _call, (callback, time))
            return
        self._at(time, _call, (callback, time))

    def stream(self, name: str) -> np.random.Generator:
        """The random stream ``name`` of this run (a policy names its own sources)."""
        return stream(self.seed, name)

    def record(self, contact: Contact, outcome: int, wait: float) -> None:
        """``contact`` left with ``outcome`` (not answered) after waiting ``wait``; the
        policies' ``recorded`` hooks see it."""
        self.tally.record(contact, outcome, wait)
        for hook in self._on_recorded:
            hook(contact, outcome, contact.arrival + wait)

    def inject(self, contact: Contact, *, first_attempt: bool = False) -> None:
        """``contact`` arrives at ``contact.arrival`` (seconds, not before now) and is
        routed like any other. Only a first attempt counts in ``offered``."""
        now = self.env.now
        if not contact.arrival >= math.nextafter(now, -math.inf):  # as in at()
            raise ValueError(f"inject(): the contact arrives at {contact.arrival!r} s, "
                             f"before the current time {now!r} s")
        if first_attempt:
            self.tally.arrived_at(self.tally.axes.class_of(contact), contact.arrival)
        self.at(contact.arrival, lambda now: self._arrive(contact, now))

    def arrive(self, contact: Contact) -> None:
        """``contact`` arrives now (``contact.arrival`` is the current time), as one
        injected now would, but routed at once unless another event is due at this very
        moment (then after it, as injected); not counted in ``offered``. Call it from a
        callback of :meth:`at`, not from a hook (the centre is then midway through another
        step): it saves the event that :meth:`inject` schedules."""
        # SimPy's clock may stand an ulp either side of the time an event was meant for.
        now = self.env.now
        if not math.nextafter(now, math.inf) >= contact.arrival >= math.nextafter(
                now, -math.inf):
            raise ValueError(f"arrive(): the contact arrives at {contact.arrival!r} s, not "
                             f"at the current time {now!r} s (inject() one due later)")
        if self.env.peek() > now:
            self._arrive(contact, contact.arrival)
        else:  # events already due now go first, as they would before an injected one
            self.inject(contact)

    def _arrive(self, contact: Contact, now: float) -> None:
        self.settle(self._able[contact.kind], now)
        self._offer(contact, now)

    def serve(self, agent: Agent, contact: Contact, now: float) -> None:
        """``agent`` (claimed, or just freed) starts serving ``contact`` at ``now``."""
        self._serve(agent, contact, now)
        if self._has_work(agent.group):
            self._wake(agent.group)

    def wake(self, groups: Iterable[Group]) -> None:
        """Work now waits for ``groups`` (a policy's ``has_work`` turned true): their next
        ends of service are observed at their time."""
        for group in groups:
            self._wake(group)

    def claim(self, agent: Agent) -> Agent:
        """Take the idle ``agent`` out of its group's idle line, for the policy to use."""
        agent.group.idle.remove(agent)
        return agent

    def occupy(self, agent: Agent, now: float, until: float) -> None:
        """``agent`` (claimed, or just freed) works on a task other than a contact from
        ``now`` to ``until``; its busy time counts in occupancy."""
        self.tally.task(agent.group.index, now, until)
        self._busy(agent, now, until)
        if self._has_work(agent.group):
            self._wake(agent.group)

    def interrupt(self, agent: Agent, now: float) -> None:
        """``agent``, busy on a task of a policy's (:meth:`occupy`) until later than ``now``,
        stops it at ``now``: its end leaves its group's heap and the busy time after
        ``now`` is given back. The agent is then free, for the caller to give work or put
        in its group's idle line."""
        busy = agent.group.busy
        i = next(i for i, entry in enumerate(busy) if entry[2] is agent)
        end = busy[i][0]
        busy[i] = busy[-1]
        busy.pop()
        heapify(busy)
        self.tally.untask(agent.group.index, now, end)
        agent.busy_time -= end - now
        agent.until = now

    def _busy(self, agent: Agent, now: float, end: float) -> None:
        """``agent`` works from ``now`` to ``end``: its counters and its group's heap."""
        agent.until = end
        agent.busy_time += end - now
        heappush(agent.group.busy, (end, next(self._order), agent))


def _call(event: Fired[tuple[Callable[[float], None], float]]) -> None:
    callback, time = event.value
    callback(time)
