"""The ``[callbacks]`` of a scenario as a policy on the hook protocol.

**Offers.** A caller who finds every agent able to take it busy (the router gives it none:
the ``about_to_wait`` hook) is *offered* a callback
when the triggers of its type hold — what an ACD knows at that moment, never the
simulator's future: the live callers of its type waiting ahead of it (``queue_at_least``)
and the classic predicted wait, position × mean talk + wrap-up time ÷ agents on duty able
to take the type (``predicted_wait_above``). The offer is made on arrival or, with
``offer_after``, once the caller has waited that long (an event for that caller only,
and only if its patience lasts that long: it could not be offered otherwise). It accepts
with probability ``accept`` (a share, or a curve of the predicted wait; stream
``callbacks:accept:<type>``) and hangs up: outcome ``callbacks_accepted``, neither
answered nor abandoned. In ``window`` mode it leaves the line and a request waits in the
callback queue of its type; in ``keep_place`` mode it keeps its place, and the agent who
reaches it calls it back.

**Recalls** (``abandoned``): a ``share`` of the customers who hung up on the line after
waiting at least ``min_wait`` (stream ``callbacks:recall:<type>``) are due a call
``delay`` later (stream ``callbacks:recall_delay:<type>``). **Follow-ups**
(``follow_ups``): a ``share`` of the contacts whose first conversation ends — on the line
or as a callback or recall — are due a call ``delay`` after it (streams
``callbacks:follow_up:<type>``, ``callbacks:follow_up_delay:<type>``).

**Working them.** Agents work due requests as the scheduling rule of the type says (see
:mod:`~ccsim.model.callbacks.schedule`). Each attempt costs the agent ``dial_time``; the
customer answers with probability ``reach`` (stream ``callbacks:reach:<type>``); the
conversation takes the contact's talk time drawn at arrival × ``talk_scale``, then its
wrap-up. An unanswered attempt is due again after ``retry_delay``; after ``max_attempts``
the request has *failed*, as has one no agent was left to make by the end of the run.

**Opening hours.** A type with ``hours`` takes no calls while it is closed: a request that
becomes due then (or is still due at closing, a ``keep_place`` caller still holding its
place included) waits for the type's next opening within the horizon, and is made then,
oldest first; with none left, it fails at the end of the run. A type without hours is
never asked (no event, no draw: the run is the same).

**When it is decided.** While callbacks are due but no caller waits, an agent whose work
ends takes the oldest due call. If one group makes the calls of each type and an attempt
schedules nothing (``reach = 1`` or ``max_attempts = 1``, no follow-ups), that choice
depends only on the group at that end, so it is made when the group is next settled, at
the end's own time (``Policy.replayable``): no event per end of service, the same run.
Otherwise the group wakes at each end while calls are due.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING

from ccsim.model.axes import Axes
from ccsim.model.callbacks.ledger import SOURCES, Ledger
from ccsim.model.callbacks.schedule import (
    FOLLOW_UP,
    OFFER,
    RECALL,
    Request,
    Schedule,
    rule_for,
)
from ccsim.model.contacts import Contact, Outcome
from ccsim.model.hours import Opening
from ccsim.model.policies import Policy
from ccsim.model.queues import LiveQueue, PriorityQueue, Queue
from ccsim.model.tables import ratio
from ccsim.streams import UNIFORM, draws

if TYPE_CHECKING:
    import numpy as np

    from ccsim.model.agents import Agent, Group
    from ccsim.model.centre import Centre
    from ccsim.scenario import Callbacks, Scenario



class CallbackPolicy(Policy):
    """The ``[callbacks]`` of a scenario: offers, recalls and follow-ups."""

    live_queues = True

    def __init__(self, scenario: Scenario, rules: Mapping[str, Schedule] | None = None):
        """The callbacks of ``scenario``; ``rules`` (contact type name → rule) replaces the
        scheduling rule its ``schedule`` names, e.g. with a researcher's own."""
        types = scenario.contact_types
        self.specs = specs = [scenario.callbacks_for(c) for c in types]
        #: busy[k]: mean talk + wrap-up time of type k (the ACD's estimate), seconds
        self.busy = [c.handle_time.mean + (c.wrap_up.mean if c.wrap_up else 0.0) for c in types]
        given = rules or {}
        self.rules: list[Schedule] = [
            given.get(c.name) or rule_for(s.schedule if s is not None else None, b)
            for c, s, b in zip(types, self.specs, self.busy, strict=True)
        ]
        offers = [s if s is not None and s.offers else None for s in specs]
        #: the offer made on arrival, by type (None: none, or made at ``offer_after``)
        self.on_arrival = [s if s is not None and s.offer_after is None else None
                           for s in offers]
        #: the offer made once a caller has waited ``offer_after``, by type
        self.on_waiting = [s if s is not None and s.offer_after is not None else None
                           for s in offers]
        self.recalls = [s.abandoned or None if s is not None else None for s in specs]
        self.follow_ups = [s.follow_ups or None if s is not None else None for s in specs]
        self.curves = [_curve(s.accept if s is not None else None) for s in offers]
        #: whether the offers of a type read the caller's position (the predicted wait)
        self.positioned = [s is not None and (s.predicted_wait_above is not None
                                              or callable(c))
                           for s, c in zip(offers, self.curves, strict=True)]
        self.sources = [source for source, used in (
            (OFFER, any(offers)), (RECALL, any(self.recalls)),
            (FOLLOW_UP, any(self.follow_ups))) if used]
        # agent_free is called at every end of service: only if a rule may put a due call
        # before live contacts.
        early = any(type(r).before_live is not Schedule.before_live for r in self.rules)
        self._needs = {"agent_idle"} | ({"agent_free"} if early else set())
        self._needs |= {"about_to_wait"} if any(self.on_arrival) else set()
        self._needs |= {"queued"} if any(self.on_waiting) else set()
        self._needs |= {"dequeued"} if any(s and s.mode == "keep_place" for s in offers) else set()
        self._needs |= {"abandoned"} if any(self.recalls) else set()
        self._needs |= {"answered"} if any(self.follow_ups) else set()
        # Recalls start when a customer hangs up: its abandonment must be seen at the time.
        self.timely_abandonment = any(self.recalls)
        # Due calls may be taken late, at an agent's end of service while no caller waits
        # (see Policy.replayable), if one group makes the calls of each type (so they go in
        # the order of its ends) and an attempt schedules nothing (a retry or follow-up could
        # fall before the group is next settled).
        makers = [sum(c.name in g.skills for g in scenario.agent_groups) for c in types]
        self.replayable = all(
            s is None or (n == 1 and s.follow_ups is None
                          and (s.reach >= 1.0 or s.max_attempts <= 1))
            for s, n in zip(specs, makers, strict=True))
        self.ledger = Ledger(Axes.of(scenario))
        #: accepting an offer is an outcome of the line (the tables report its column)
        self.outcomes = ("callbacks_accepted",) if OFFER in self.sources else ()
        #: due[k]: heap of (requested, order, request) of type k, oldest request first
        self.due: list[list[tuple[float, int, Request]]] = [[] for _ in types]
        #: opening[k]: when type k takes calls, if it has callbacks and hours (else None)
        self.opening = [Opening.of(scenario, k) if s is not None else None
                        for k, s in enumerate(specs)]
        #: whether some type with callbacks has hours (if not, none is ever asked)
        self.hours = any(o is not None for o in self.opening)
        #: deferred[k]: requests of type k due while it is closed, for its next opening
        self.deferred: list[list[Request]] = [[] for _ in types]
        self.held: dict[Contact, Request] = {}  # keep_place callers still in the line
        self._order = 0
        self._over = False

    def uses(self, hook: str) -> bool:
        return hook in self._needs

    def install(self, centre: Centre) -> None:
        super().install(centre)
        names = [c.name for c in centre.scenario.contact_types]

        def streams(name: str) -> list[np.random.Generator]:
            return [centre.stream(f"callbacks:{name}:{n}") for n in names]

        # Batched: the same numbers as a numpy call per draw, at a fraction of its cost.
        self.accept = [draws(UNIFORM, rng) for rng in streams("accept")]
        self.reach = [draws(UNIFORM, rng) for rng in streams("reach")]
        self.recall_share = [draws(UNIFORM, rng) for rng in streams("recall")]
        self.follow_share = [draws(UNIFORM, rng) for rng in streams("follow_up")]
        self.recall_delay = [
            draws(s.delay.build(), centre.stream(f"callbacks:recall_delay:{n}"))
            if s is not None else None for s, n in zip(self.recalls, names, strict=True)
        ]
        self.follow_delay = [
            draws(s.delay.build(), centre.stream(f"callbacks:follow_up_delay:{n}"))
            if s is not None else None for s, n in zip(self.follow_ups, names, strict=True)
        ]
        self.able: list[list[Group]] = [
            [g for g in centre.groups if k in g.skills] for k in range(len(names))
        ]
        self.queues = [_live(q) for q in centre.queues]
        self._event = centre.tally.event  # a trace row (a no-op when not tracing)
        self._tracing = centre.tally.tracing
        for kind, opening in enumerate(self.opening):
            if opening is None:
                continue
            for close in opening.closings:
                centre.at(close, partial(self._closing, kind))
            for opens in opening.opens:
                if opens > 0:  # nothing is due before the run starts
                    centre.at(opens, partial(self._opening, kind))

    # --- the offer ---

    def about_to_wait(self, contact: Contact, now: float) -> bool:
        # Called only when the router found no agent for it: every one able to is busy.
        kind = contact.kind
        spec = self.on_arrival[kind]
        if spec is None:
            return True
        queue = self.queues[kind]
        least = spec.queue_at_least
        if least is not None and not queue.at_least(least, now):
            return True  # the cheap trigger first: most callers stop here
        position = queue.live(now) + 1 if self.positioned[kind] else None
        return not self._offer(contact, spec, position, now, in_line=False)  # False: it left

    def queued(self, contact: Contact, now: float) -> None:
        spec = self.on_waiting[contact.kind]
        after = spec.offer_after if spec is not None else None  # set for each of on_waiting
        # A caller whose patience runs out first would be gone by then.
        if after is not None and contact.deadline >= now + after:
            self.centre.at(now + after, lambda t: self._waited(contact, t))

    def _waited(self, contact: Contact, now: float) -> None:
        """``contact`` joined the line ``offer_after`` ago: offered if it still waits."""
        spec = self.on_waiting[contact.kind]
        position = self.queues[contact.kind].position(contact, now)
        if spec is None or position is None or (
                spec.queue_at_least is not None and position - 1 < spec.queue_at_least):
            return
        self._offer(contact, spec, position, now, in_line=True)

    def _offer(self, contact: Contact, spec: Callbacks, position: int | None, now: float,
               in_line: bool) -> bool:
        """Offer a callback to ``contact``, whose ``queue_at_least`` trigger holds, at
        ``position`` in the line (or to join it; ``None`` if no trigger or curve reads
        it), if the other trigger holds; whether it left the line for a callback queue (in
        ``keep_place`` mode it accepts but stays, to be reached in its turn)."""
        kind = contact.kind
        curve = self.curves[kind]
        if position is not None:
            staffed = 0
            for group in self.able[kind]:
                staffed += group.on_duty
            predicted = position * self.busy[kind] / staffed if staffed else math.inf
            if spec.predicted_wait_above is not None and predicted <= spec.predicted_wait_above:
                return False
        cell = self.ledger.cell(OFFER, contact)
        self.ledger.count("offered", OFFER, cell)
        if self._tracing:
            self._event(contact, now, "callback_offered")
        # A curve reads the predicted wait: its types are positioned, so it is known.
        accept = curve(predicted) if callable(curve) else curve
        if self.accept[kind]() >= accept:
            return False
        self.centre.record(contact, Outcome.CALLBACK_ACCEPTED, now - contact.arrival)
        promise_by = now + spec.promise if spec.promise is not None else math.inf
        request = self._request(contact, now, OFFER, promise_by, cell)
        queue = self.queues[kind]
        if spec.mode == "keep_place" and self._open(kind, now):
            queue.hold(contact, now)  # called back when an agent reaches its place
            self.held[contact] = request
            return False
        if in_line:
            queue.withdraw(contact, now)
        self._make_due(request, now)
        return True

    def dequeued(self, agent: Agent, contact: Contact, now: float) -> bool:
        request = self.held.pop(contact, None)
        if request is None:
            return False
        self.queues[contact.kind].release(contact)
        if not self._open(contact.kind, now):
            # Reached at the closing instant itself: the call waits for the opening, and
            # the agent, busy for no time, looks for other work.
            self.deferred[contact.kind].append(request)
            self.centre.occupy(agent, now, now)
            return True
        return self._attempt(agent, request, now)

    # --- recalls and follow-ups ---

    def abandoned(self, contact: Contact, now: float) -> None:
        kind = contact.kind
        spec, delay = self.recalls[kind], self.recall_delay[kind]  # both, or neither
        if (spec is None or delay is None or self._over or now - contact.arrival < spec.min_wait
                or self.recall_share[kind]() >= spec.share):
            return
        self._later(self._request(contact, now, RECALL), now + delay())

    def answered(self, contact: Contact, agent: Agent, now: float, talk: float,
                 wrap_up: float) -> None:
        self._follow_up(contact, now + talk + wrap_up)

    def _follow_up(self, contact: Contact, end: float) -> None:
        """``contact``'s first conversation ends at ``end``: a follow-up, maybe."""
        kind = contact.kind
        spec, delay = self.follow_ups[kind], self.follow_delay[kind]  # both, or neither
        if spec is None or delay is None or self.follow_share[kind]() >= spec.share:
            return
        self._later(self._request(contact, end, FOLLOW_UP), end + delay())

    def _later(self, request: Request, due: float) -> None:
        """``request`` (a recall or follow-up) is due at ``due``."""
        source, contact = request.source, request.contact
        self.ledger.count("requested", source, request.cell)
        self._event(contact, request.requested, f"{SOURCES[source].singular}_requested")

        def now_due(now: float) -> None:
            self.ledger.due(request, now)
            self._make_due(request, now)

        self.centre.at(due, now_due)

    def _request(self, contact: Contact, now: float, source: int,
                 promise_by: float = math.inf, cell: int | None = None) -> Request:
        self._order += 1
        if cell is None:
            cell = self.ledger.cell(source, contact)
        return Request(contact, now, source, self._order, promise_by, cell)

    # --- working the requests ---

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
                    and (not before_live or self.rules[kind].before_live(due[0][2], now))
                    and (not self.hours or self._open(kind, now))):
                best = kind
        return None if best is None else heapq.heappop(self.due[best])[2]

    def work_lines(self, group: Group) -> list[list[tuple[float, int, Request]]]:
        return [self.due[kind] for kind in group.skills]

    def _make_due(self, request: Request, now: float) -> None:
        """``request`` is due at ``now``: the longest-idle agent able to make it does so at
        once, or it waits in the queue of its type (and, unless taken late, its groups wake
        at their next end of service)."""
        kind = request.contact.kind
        if self.hours and not self._open(kind, now):
            self.deferred[kind].append(request)
            return
        able = self.able[kind]
        self.centre.settle(able, now)
        first = None  # the longest idle (the first found of those idle the longest)
        for group in able:
            if group.idle and (first is None or group.idle[0].idle_since < first.idle_since):
                first = group.idle[0]
        if first is not None:
            self._attempt(self.centre.claim(first), request, now)
        else:
            heapq.heappush(self.due[kind], (request.requested, request.order, request))
            if not self.replayable:
                self.centre.wake(able)

    # --- opening hours ---

    def _open(self, kind: int, now: float) -> bool:
        """Whether type ``kind`` takes calls at ``now`` (seconds): always, without hours."""
        opening = self.opening[kind]
        return opening is None or opening.is_open(now)

    def _closing(self, kind: int, now: float) -> None:
        """Type ``kind`` closes at ``now``: its due requests, and those of the callers
        holding a place in its line, wait for the next opening."""
        # Agents whose work ended before now took their calls then (a late decision is
        # made at its own time): settle them before the rest is set aside.
        self.centre.settle(self.able[kind], now)
        queue = self.queues[kind]
        for contact in [c for c in self.held if c.kind == kind]:
            queue.withdraw(contact, now)
            queue.release(contact)
            self.deferred[kind].append(self.held.pop(contact))
        self.deferred[kind].extend(request for _, _, request in self.due[kind])
        self.due[kind].clear()

    def _opening(self, kind: int, now: float) -> None:
        """Type ``kind`` opens at ``now``: the requests that waited for it are due, oldest
        first."""
        waiting, self.deferred[kind] = self.deferred[kind], []
        for request in sorted(waiting, key=lambda r: (r.requested, r.order)):
            self._make_due(request, now)

    def _attempt(self, agent: Agent, request: Request, now: float) -> bool:
        """``agent`` makes one attempt at ``request``."""
        contact, source = request.contact, request.source
        kind = contact.kind
        spec = self.specs[kind]
        assert spec is not None
        request.attempts += 1
        start = now + spec.dial_time
        reached = self.reach[kind]() < spec.reach
        end = start + contact.handle * spec.talk_scale + contact.wrap_up if reached else start
        if self._tracing:
            self._trace_attempt(agent, request, now, start, end, reached)
        if reached:
            self.ledger.completed(request, now, start, end - now)
            if source != FOLLOW_UP and self.follow_ups[kind] is not None:
                self._follow_up(contact, end)
        else:
            self.ledger.worked(request, end - now)
            if request.attempts < spec.max_attempts:
                self.centre.at(end + spec.retry_delay, lambda t: self._make_due(request, t))
            else:
                self._fail(request, now)
        self.centre.occupy(agent, now, end)
        return True

    def _trace_attempt(self, agent: Agent, request: Request, now: float, start: float,
                       end: float, reached: bool) -> None:
        """The trace rows of an attempt (and of its conversation, if ``reached``)."""
        log, contact, group = self._event, request.contact, agent.group.index
        event = SOURCES[request.source].singular
        log(contact, now, f"{event}_attempt", group)
        if reached:
            log(contact, start, f"{event}_answered", group)
            log(contact, end, f"{event}_finished", group)

    def _fail(self, request: Request, now: float) -> None:
        self.ledger.failed(request, now)
        self._event(request.contact, now, f"{SOURCES[request.source].singular}_failed")

    def end(self, now: float) -> None:
        """The run is over: requests no agent was left to make have failed (a caller still
        holding its place leaves the line)."""
        self._over = True
        # Still pending when the last event passed: pending up to the horizon at least.
        over = max(now, self.centre.scenario.horizon)
        for contact, request in self.held.items():
            queue = self.queues[contact.kind]
            queue.withdraw(contact, now)
            queue.release(contact)
            self._fail(request, over)
        self.held.clear()
        for due in self.due:
            for _, _, request in due:
                self._fail(request, over)
            due.clear()
        for deferred in self.deferred:  # closed for the rest of the run
            for request in deferred:
                self._fail(request, over)
            deferred.clear()
        self.ledger.close()

    # --- statistics ---

    def metrics(self, intervals: slice, kinds: slice) -> dict[str, float]:
        """The metrics of the sources in use, over ``intervals`` × ``kinds`` (see the
        registry)."""
        out: dict[str, float] = {}
        for source in self.sources:
            out.update(self.ledger.metrics(source, intervals, kinds))
        if OFFER in self.sources:
            # The service level of those who stayed on the line leaves out the callers who
            # accepted (an outcome of the line, which the tally counts and the tables show).
            first = self.centre.tally.first
            part = (self.ledger.axes.measured(intervals), kinds)
            accepted = int(first.counts[Outcome.CALLBACK_ACCEPTED][part].sum())
            out["sl_on_line"] = ratio(int(first.in_sl[part].sum()),
                                      int(first.offered[part].sum()) - accepted)
        return out


def _live(queue: Queue) -> LiveQueue | PriorityQueue:
    """``queue``, which the centre builds live for a policy with ``live_queues``: one that
    can withdraw, hold and place a caller (a priority queue of live lines, for a type with
    segments: a caller's place counts those of higher priority ahead of it)."""
    if isinstance(queue, LiveQueue) or (isinstance(queue, PriorityQueue) and all(
            isinstance(line, LiveQueue) for line in queue.classes)):
        return queue
    raise TypeError(f"callbacks need live queues (live_queues = True), got {queue!r}")


def _curve(accept: float | list[tuple[float, float]] | None) -> float | Callable[[float], float]:
    """``accept`` as a share, or as the acceptance of a predicted wait (seconds): linear
    between the curve's points, flat beyond them."""
    if not isinstance(accept, list):
        return accept or 0.0
    waits, shares = [w for w, _ in accept], [p for _, p in accept]

    def acceptance(predicted: float) -> float:
        j = bisect.bisect_right(waits, predicted)
        if j == 0:
            return shares[0]
        if j == len(waits):
            return shares[-1]
        w0, w1 = waits[j - 1], waits[j]
        return shares[j - 1] + (shares[j] - shares[j - 1]) * (predicted - w0) / (w1 - w0)

    return acceptance

