"""Callback offers (``[callbacks]``, ``window`` mode): a policy on the hook protocol.

A caller who arrives to find every agent able to take it busy is *offered* a callback when
the triggers of its type hold — what an ACD knows at that moment, never the simulator's
future: the live queue of its type (``queue_at_least``) and the classic predicted wait,
position × mean talk + wrap-up time ÷ agents on duty able to take the type
(``predicted_wait_above``). It accepts with probability ``accept`` (stream
``callbacks:accept:<type>``), hangs up at once — outcome ``callbacks_accepted``, neither
answered nor abandoned — and a *callback request* waits in the callback queue of its type.

Agents work requests as the scheduling rule of the request's type says (a small class, see
:class:`Schedule`): ``when_idle`` — only when no live contact the agent can take waits;
``priority`` — before any live contact; ``deadline`` — as ``when_idle``, but before live
contacts once its promise ends within one mean talk + wrap-up time. Each attempt costs the
agent ``dial_time``; the customer answers with probability ``reach`` (stream
``callbacks:reach:<type>``); the conversation takes the contact's talk time drawn at arrival
× ``talk_scale``, then its wrap-up. An unanswered attempt is due again after
``retry_delay``; after ``max_attempts`` the callback has *failed*, as has one no agent was
left to make by the end of the run.

Measured per interval of the caller's first arrival and per type (see
:mod:`ccsim.model.registry`): offers, acceptances, completions, failures, the delay from
acceptance to the start of the conversation (mean and 90th percentile), the share of
promises kept (conversation started within ``promise``), agent time on callbacks, and the
time-average number of callbacks pending.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ccsim.model.contacts import Contact, Outcome
from ccsim.model.metrics import _BINS, wait_bins
from ccsim.model.policies import Policy
from ccsim.model.tables import quantiles, ratio

if TYPE_CHECKING:
    from ccsim.model.agents import Agent, Group
    from ccsim.model.policy_centre import PolicyCentre
    from ccsim.scenario import Callbacks, Scenario


@dataclass(order=True)
class Request:
    """A callback accepted at ``requested`` (seconds), to be made by ``promise_by``."""

    requested: float
    order: int
    contact: Contact = field(compare=False)
    promise_by: float = field(compare=False)
    attempts: int = field(default=0, compare=False)


class Schedule:
    """When an agent works a due callback: a researcher's rule is a subclass that answers
    :meth:`before_live` (take ``request`` before any live contact, at ``now``?). A free
    agent first takes the oldest due request that comes before live contacts, then live
    contacts, then the oldest due request of all."""

    def before_live(self, request: Request, now: float) -> bool:
        return False


class WhenIdle(Schedule):
    """Callbacks only when no live contact the agent can take waits."""


class Priority(Schedule):
    """A due callback before any live contact."""

    def before_live(self, request: Request, now: float) -> bool:
        return True


class Deadline(Schedule):
    """As :class:`WhenIdle`, but before live contacts once the promise ends within
    ``margin`` seconds (one mean talk + wrap-up time of the type)."""

    def __init__(self, margin: float):
        self.margin = margin

    def before_live(self, request: Request, now: float) -> bool:
        return request.promise_by - now <= self.margin


class CallbackPolicy(Policy):
    """The ``[callbacks]`` of a scenario (``window`` mode)."""

    live_queues = True

    def __init__(self, scenario: Scenario, rules: Mapping[str, Schedule] | None = None):
        """The callbacks of ``scenario``; ``rules`` (contact type name → rule) replaces the
        scheduling rule its ``schedule`` names, e.g. with a researcher's own."""
        types = scenario.contact_types
        self.specs: list[Callbacks | None] = [scenario.callbacks_for(c) for c in types]
        #: busy[k]: mean talk + wrap-up time of type k (the ACD's estimate), seconds
        self.busy = [c.handle_time.mean + (c.wrap_up.mean if c.wrap_up else 0.0) for c in types]
        given = rules or {}
        self.rules: list[Schedule] = [
            given.get(c.name) or _rule(s, b)
            for c, s, b in zip(types, self.specs, self.busy, strict=True)
        ]
        self.period = scenario.period
        self.warmup = scenario.warmup_intervals
        shape = (scenario.intervals, len(types))
        self.counts = {name: np.zeros(shape, dtype=np.int64) for name in (
            "callbacks_offered", "callbacks_completed", "callbacks_failed", "kept")}
        self.sums = {name: np.zeros(shape) for name in ("delay", "agent_time", "pending")}
        self.hist = np.zeros((*shape, _BINS), dtype=np.int32)
        self._delays: list[tuple[int, int, float]] = []  # binned in batches, as the tally
        self.due: list[list[Request]] = [[] for _ in types]  # heaps, oldest request first
        self._pending = [0] * len(types)
        self._since = 0.0  # when the pending counts last changed
        self._order = 0

    def install(self, centre: PolicyCentre) -> None:
        super().install(centre)
        names = [c.name for c in centre.scenario.contact_types]
        self.accept = [centre.stream(f"callbacks:accept:{n}") for n in names]
        self.reach = [centre.stream(f"callbacks:reach:{n}") for n in names]
        self.able: list[list[Group]] = [
            [g for g in centre.groups if k in g.skills] for k in range(len(names))
        ]
        self.queues = centre.queues

    # --- the offer ---

    def offered(self, contact: Contact, now: float) -> bool:
        kind = contact.kind
        spec = self.specs[kind]
        if spec is None:
            return True
        for group in self.able[kind]:
            if group.idle:  # an agent takes it: nothing to offer
                return True
        waiting = self.queues[kind].live(now)
        if spec.queue_at_least is not None and waiting < spec.queue_at_least:
            return True
        if spec.predicted_wait_above is not None:
            staffed = sum(g.on_duty for g in self.able[kind])
            predicted = (waiting + 1) * self.busy[kind] / staffed if staffed else math.inf
            if predicted <= spec.predicted_wait_above:
                return True
        cell = self._cell(contact)
        self._count("callbacks_offered", cell)
        self.centre.tally.event(contact, now, "callback_offered")
        if self.accept[kind].random() >= spec.accept:
            return True
        self.centre.record(contact, Outcome.CALLBACK_ACCEPTED, 0.0)
        self._pend(kind, now, +1)
        self._order += 1
        self._make_due(Request(now, self._order, contact, now + spec.promise), now)
        return False

    # --- working the callbacks ---

    def agent_free(self, agent: Agent, now: float) -> bool:
        request = self._take(agent, now, before_live=True)
        return request is not None and self._attempt(agent, request, now)

    def agent_idle(self, agent: Agent, now: float) -> bool:
        request = self._take(agent, now, before_live=False)
        return request is not None and self._attempt(agent, request, now)

    def _take(self, agent: Agent, now: float, before_live: bool) -> Request | None:
        """The oldest due request among the agent's skills (that the rule of its type puts
        before live contacts, when ``before_live``), out of its queue."""
        best = None
        for kind in agent.group.skills:
            due = self.due[kind]
            if (due and (best is None or due[0] < self.due[best][0])
                    and (not before_live or self.rules[kind].before_live(due[0], now))):
                best = kind
        return None if best is None else heapq.heappop(self.due[best])

    def has_work(self, group: Group) -> bool:
        due = self.due
        for kind in group.skills:  # noqa: SIM110 (called at every end of service)
            if due[kind]:
                return True
        return False

    def _make_due(self, request: Request, now: float) -> None:
        """``request`` is due at ``now``: the longest-idle agent able to make it does so at
        once, or it waits in the queue of its type (and its groups wake at their next end
        of service)."""
        kind = request.contact.kind
        able = self.able[kind]
        self.centre.settle(able, now)
        idle = [g.idle[0] for g in able if g.idle]
        if idle:
            agent = self.centre.claim(min(idle, key=lambda a: a.idle_since))
            self._attempt(agent, request, now)
        else:
            heapq.heappush(self.due[kind], request)
            self.centre.wake(able)

    def _attempt(self, agent: Agent, request: Request, now: float) -> bool:
        """``agent`` makes one attempt at ``request``."""
        contact = request.contact
        kind = contact.kind
        spec = self.specs[kind]
        assert spec is not None
        request.attempts += 1
        cell = self._cell(contact)
        tally = self.centre.tally
        tally.event(contact, now, "callback_attempt", agent.group.index)
        start = now + spec.dial_time
        if self.reach[kind].random() < spec.reach:
            end = start + contact.handle * spec.talk_scale + contact.wrap_up
            delay = start - request.requested
            self._count("callbacks_completed", cell)
            self._count("kept", cell, start <= request.promise_by)
            self.sums["delay"][cell] += delay
            self._delays.append((*cell, delay))
            if len(self._delays) >= 4096:  # bounded memory, one numpy call per batch
                self._fold_delays()
            self._pend(kind, now, -1)
            tally.event(contact, start, "callback_answered", agent.group.index)
            tally.event(contact, end, "callback_finished", agent.group.index)
        else:
            end = start
            if request.attempts < spec.max_attempts:
                self.centre.at(end + spec.retry_delay, lambda t: self._make_due(request, t))
            else:
                self._fail(request, now)
        self.sums["agent_time"][cell] += end - now
        self.centre.occupy(agent, now, end)
        return True

    def _fail(self, request: Request, now: float) -> None:
        self._count("callbacks_failed", self._cell(request.contact))
        self._pend(request.contact.kind, now, -1)
        self.centre.tally.event(request.contact, now, "callback_failed")

    def end(self, now: float) -> None:
        """The run is over: callbacks no agent was left to make have failed."""
        for due in self.due:
            for request in due:
                self._fail(request, now)
            due.clear()
        self._fold_delays()

    def _fold_delays(self) -> None:
        """Add the pending callback delays to their cells' histograms."""
        if self._delays:
            interval, kind, delay = (np.array(c) for c in zip(*self._delays, strict=True))
            np.add.at(self.hist, (interval, kind, wait_bins(delay)), 1)
            self._delays.clear()

    # --- statistics ---

    def _cell(self, contact: Contact) -> tuple[int, int]:
        return (min(int(contact.arrival // self.period), len(self.hist) - 1), contact.kind)

    def _count(self, name: str, cell: tuple[int, int], yes: bool = True) -> None:
        if yes:
            self.counts[name][cell] += 1

    def _pend(self, kind: int, now: float, change: int) -> None:
        """The callbacks pending of ``kind`` change by ``change`` at ``now``: the time
        spent at the old counts is added to the intervals it covers."""
        area, period, last = self.sums["pending"], self.period, self._since
        if now > last and any(self._pending):
            pending = np.array(self._pending)
            for i in range(int(last // period), min(int(now // period), len(area) - 1) + 1):
                overlap = min(now, (i + 1) * period) - max(last, i * period)
                if overlap > 0:
                    area[i] += pending * overlap
        self._since = now
        self._pending[kind] += change

    def metrics(self, intervals: slice, kinds: slice) -> dict[str, float]:
        """The callback metrics of ``intervals`` × ``kinds`` (see the registry)."""
        intervals = slice(max(intervals.start or 0, self.warmup), intervals.stop)
        count = {name: int(a[intervals, kinds].sum()) for name, a in self.counts.items()}
        # An outcome of the line, counted by the tally like every other.
        accepted = self.centre.tally.counts[Outcome.CALLBACK_ACCEPTED]
        count["callbacks_accepted"] = int(accepted[intervals, kinds].sum())
        completed, failed = count["callbacks_completed"], count["callbacks_failed"]
        seconds = len(range(*intervals.indices(len(self.hist)))) * self.period
        return {
            **{name: v for name, v in count.items() if name != "kept"},
            "callback_delay_mean": ratio(self.sums["delay"][intervals, kinds].sum(), completed),
            "callback_delay_p90": quantiles(self.hist[intervals, kinds].sum(axis=(0, 1)),
                                            (0.9,))[0],
            "promise_kept": ratio(count["kept"], completed + failed),
            "agent_time_callbacks": float(self.sums["agent_time"][intervals, kinds].sum()),
            "callbacks_pending": ratio(self.sums["pending"][intervals, kinds].sum(), seconds),
        }


def _rule(spec: Callbacks | None, busy: float) -> Schedule:
    if spec is None or spec.schedule == "when_idle":
        return WhenIdle()
    return Priority() if spec.schedule == "priority" else Deadline(busy)
