"""Redials: callers who hang up, or are turned away, and call again — a policy on the hook
protocol.

A first attempt, or a redial, of a type with ``redial`` that ends as one of its ``after``
outcomes (``abandoned``: its patience ran out; ``blocked``: the lines or the type's waiting
room were full) calls again with probability ``share`` (stream ``redial:<type>``),
``delay`` after it ended (``redial_delay:<type>``), until it has made ``max_attempts``
attempts. A caller who leaves a message (``max_wait``) has not abandoned.

Abandonment stays lazy (found when the line is next read): whether a waiting caller would
call again after hanging up, and when, is drawn as it starts to wait, so the redial's time
(its deadline plus the delay) is known then. The policy keeps those times in a heap and
looks at each when it comes: the caller, not answered nor otherwise recorded by then, hung
up at its deadline, and calls again now. A draw made for a caller who is answered is
independent of that, so the redials are exact; and no alarm is set at each deadline. Of the
contacts answered, the policy needs to see only those callers and its own redials (their
waits add up per customer): it watches them (``Policy.watches``), not every answer.

A redial is a :class:`Redialled` contact of the same type and
customer (its segment too): with ``redraw``, its talk, wrap-up and patience are drawn from
streams of its own (``redial:handle_time:<type>``, ``redial:patience:<type>``, and
``redial:patience:<type>:<segment>`` for a segment with its own patience), so first attempts
keep theirs; without, it keeps the attempt's (ContactCenters' Bilingual). One due after the
horizon is not made (arrivals end there). A customer whose attempt is abandoned or blocked
and who does not call again (whatever its type) is *lost*.

Redials are counted apart (attempt kind ``redial``): ``offered`` and the line's metrics stay
those of first attempts. The policy reports, per interval of the customer's first arrival
where it is the customer's: ``customers_lost``; ``sl_per_customer``, the customers answered
within ``answer_within`` of waiting in all (their waits on every attempt, not the delays
between), and the attempts' ``sl_per_attempt`` and ``attempts_per_customer``.
"""

from __future__ import annotations

import math
from heapq import heappop, heappush
from itertools import count
from typing import TYPE_CHECKING, Any

from ccsim.model.axes import Axes
from ccsim.model.contacts import FIRST, Again, Contact, Outcome, attempt_kind
from ccsim.model.counters import Counters
from ccsim.model.patience import patience_draws
from ccsim.model.policies import Policy
from ccsim.model.segments import capped
from ccsim.model.tables import ratio
from ccsim.streams import UNIFORM, draws

if TYPE_CHECKING:
    from ccsim.model.agents import Agent
    from ccsim.model.centre import Centre
    from ccsim.scenario import ContactType, Scenario

#: The attempt kind of a redial.
REDIAL = attempt_kind("redial")
_AFTER = {"abandoned": Outcome.ABANDONED, "blocked": Outcome.BLOCKED}
#: The outcomes that end a customer's attempt unanswered (lost unless it calls again).
_ENDS = frozenset(_AFTER.values())
#: What is known of a waiting caller that drew a redial after hanging up (see the module):
#: still waiting, or hung up and not yet redialled; hung up, found by the line (its redial
#: not yet due); redialled before the line found it; due after the horizon (not made).
#: And a redial not (or no longer) drawn, watched for its answer.
_WAITING, _FOUND, _MADE, _NEVER, _REDIAL = range(5)


class Redialled(Again):
    """A customer's attempt after one that ended unanswered: ``round`` 1 for its first
    redial; ``waited`` the seconds it waited on its earlier attempts."""

    __slots__ = ("waited",)
    attempt = REDIAL

    def __init__(self, first: Contact, round: int, arrival: float, deadline: float,
                 handle: float, wrap_up: float, waited: float):
        super().__init__(first, round, arrival, deadline, handle, wrap_up)
        self.waited = waited


class Redials(Policy):
    """The ``redial`` of the scenario's contact types."""

    attempts = ("redial",)

    def __init__(self, scenario: Scenario):
        self.specs = [c.redial for c in scenario.contact_types]
        #: after[k]: the outcomes after which a caller of type k may call again
        self.after = [frozenset(_AFTER[a] for a in spec.after) if spec else frozenset()
                      for spec in self.specs]
        self._hangs_up = [Outcome.ABANDONED in a for a in self.after]
        self._share = [spec.share if spec else 0.0 for spec in self.specs]
        self._attempts = [spec.max_attempts or math.inf if spec else 0 for spec in self.specs]
        self.horizon = scenario.horizon
        self.limit = [c.max_wait.after if c.max_wait else math.inf
                      for c in scenario.contact_types]
        self.thresholds = [c.answer_within_of(scenario.service_level.answer_within)
                           for c in scenario.contact_types]
        axes = Axes.of(scenario)
        #: customers lost, and answered within the threshold on a redial, by interval of
        #: first arrival × contact class
        self.counters = Counters(axes, (axes.classes,), ("lost", "in_sl"))
        self._lost, self._in_sl = self.counters.values["lost"], self.counters.values["in_sl"]
        self._over = False
        #: the waiting callers that drew a redial, and what is known of them; and the
        #: redials (the only contacts whose answer the policy needs to see)
        self._drawn: dict[Contact, int] = {}
        self.watches = self._drawn
        #: (time of the redial, order, caller) of those callers
        self._due: list[tuple[float, int, Contact]] = []
        self._order = count()
        self._next = math.inf  # when the policy is next called to look at _due

    def install(self, centre: Centre) -> None:
        super().install(centre)
        self.redials = centre.tally.by_attempt[REDIAL]
        types = centre.scenario.contact_types
        self.draw = [draws(UNIFORM, centre.stream(f"redial:{c.name}")) for c in types]
        self.delay = [draws(spec.delay.build(), centre.stream(f"redial_delay:{c.name}"))
                      if spec else None for c, spec in zip(types, self.specs, strict=True)]
        self._sources = [_Fresh(centre, c, cap) if spec and spec.redraw else None
                         for c, spec, cap in zip(types, self.specs, self.limit, strict=True)]

    def uses(self, hook: str) -> bool:
        return hook != "queued" or any(self._hangs_up)

    def queued(self, contact: Contact, now: float) -> None:
        """``contact`` starts to wait: whether it would call again if it hung up, and when."""
        kind, deadline = contact.kind, contact.deadline
        # (It never hangs up, with infinite patience, or leaves a message: no redial.)
        if (not self._hangs_up[kind] or deadline - contact.arrival >= self.limit[kind]
                or not self._again(contact)):
            return
        delay = self.delay[kind]
        assert delay is not None
        due = deadline + delay()
        if not due > deadline:  # a redial at once (a delay of 0): once it has hung up
            due = math.nextafter(deadline, math.inf)
        if due >= self.horizon:
            self._drawn[contact] = _NEVER
            return
        self._drawn[contact] = _WAITING
        heappush(self._due, (due, next(self._order), contact))
        if due < self._next:
            self._next = due
            self.centre.at(due, self._look)

    def abandoned(self, contact: Contact, now: float) -> None:
        """The line found ``contact`` gone at its deadline ``now`` (perhaps later)."""
        if contact.deadline - contact.arrival >= self.limit[contact.kind]:
            self._drawn.pop(contact, None)  # a message: neither redials nor is lost
            return
        known = self._drawn.pop(contact, None)
        if known == _WAITING:
            self._drawn[contact] = _FOUND  # its redial, when due
        elif (known is None or known == _REDIAL) and not self._over and (
                contact.attempt in (FIRST, REDIAL)):
            self._lose(contact)

    def recorded(self, contact: Contact, outcome: int, now: float) -> None:
        """``contact``'s outcome was recorded at ``now``: blocked callers call again (or
        are lost) at once."""
        self._drawn.pop(contact, None)
        if self._over or outcome not in _ENDS or contact.attempt not in (FIRST, REDIAL):
            return
        if outcome not in self.after[contact.kind] or not self._again(contact):
            self._lose(contact)
            return
        delay = self.delay[contact.kind]
        assert delay is not None
        due = now + delay()
        if due < self.horizon:  # one due after the horizon is not made
            self.centre.inject(self._redial(contact, now, due))

    def answered(self, contact: Contact, agent: Agent, now: float, talk: float,
                 wrap_up: float) -> None:
        self._drawn.pop(contact, None)
        if contact.attempt != REDIAL:
            return
        assert isinstance(contact, Redialled)
        first = contact.first
        wait = contact.waited + now - contact.arrival
        if wait <= self.thresholds[first.kind][first.segment]:
            axes = self.counters.axes
            self._in_sl[self.counters.cell(first.arrival, axes.class_of(first))] += 1

    def _again(self, contact: Contact) -> bool:
        """Whether ``contact`` (a first attempt or a redial), should it end unanswered,
        calls again (its attempts left, and a draw of ``share``)."""
        attempt = contact.attempt
        if attempt == FIRST:
            made = 1
        elif attempt == REDIAL:
            made = contact.round + 1  # type: ignore[attr-defined]
        else:
            return False
        kind = contact.kind
        return made < self._attempts[kind] and self.draw[kind]() < self._share[kind]

    def _lose(self, contact: Contact) -> None:
        """``contact``'s customer gave up for good."""
        first = contact.first
        self._lost[self.counters.cell(first.arrival, self.counters.axes.class_of(first))] += 1

    def _look(self, now: float) -> None:
        """The redials due by ``now``: of callers who hung up (not answered, not recorded,
        not held in the line by another policy)."""
        if self._next == now:
            self._next = math.inf
        due, drawn = self._due, self._drawn
        while due and due[0][0] <= now:
            _, _, contact = heappop(due)
            known = drawn.pop(contact, None)
            if self._over or known is None:  # answered or recorded meanwhile
                continue
            if known == _REDIAL:  # (a redial not drawn since: still watched, no call)
                drawn[contact] = known
                continue
            if known == _WAITING:
                if not contact.deadline < now:  # held: it no longer hangs up
                    if contact.attempt == REDIAL:
                        drawn[contact] = _REDIAL
                    continue
                drawn[contact] = _MADE  # for when the line finds it gone
            self.centre.arrive(self._redial(contact, contact.deadline, now))
        # Those answered meanwhile are gone: no call for them.
        while due and due[0][2] not in drawn:
            heappop(due)
        if due and due[0][0] < self._next:
            self._next = due[0][0]
            self.centre.at(self._next, self._look)

    def _redial(self, contact: Contact, ended: float, again: float) -> Redialled:
        """The redial at ``again`` of ``contact``, which ended unanswered at ``ended``
        (counted as arriving then)."""
        first = contact.first
        made = contact.round + 1 if isinstance(contact, Redialled) else 1
        fresh = self._sources[contact.kind]
        if fresh is None:  # the same matter and temper: this attempt's times
            patience = contact.deadline - contact.arrival
            handle, wrap_up = contact.handle, contact.wrap_up
        else:
            patience, handle, wrap_up = fresh.draw(first.segment)
        waited = (contact.waited if isinstance(contact, Redialled) else 0.0) + (
            ended - contact.arrival)
        redial = Redialled(first, made, again, again + patience, handle, wrap_up, waited)
        self._drawn[redial] = _REDIAL
        centre = self.centre
        centre.tally.arrived_at(centre.tally.axes.class_of(first), again, REDIAL)
        centre.tally.event(first, again, "redial_arrived")
        return redial

    def end(self, now: float) -> None:
        """The run is over: no more redials; the counts as arrays."""
        self._over = True
        self.counters.close()

    def metrics(self, intervals: slice, kinds: slice) -> dict[str, float]:
        """The redials' metrics over ``intervals`` × ``kinds`` (see the registry)."""
        part = (self.counters.axes.measured(intervals), kinds)
        first, redials = self.centre.tally.first, self.redials
        outside = sum(int(first.counts[o][part].sum()) for o in self.counters.axes.outside)
        customers = int(first.offered[part].sum()) - outside
        attempts = customers + int(redials.offered[part].sum())
        in_sl = int(first.in_sl[part].sum())
        return {
            "redials": int(redials.offered[part].sum()),
            "redials_answered": int(redials.counts[Outcome.ANSWERED][part].sum()),
            "redials_abandoned": int(redials.counts[Outcome.ABANDONED][part].sum()),
            "customers_lost": int(self.counters.total("lost", intervals, kinds)),
            "attempts_per_customer": ratio(attempts, customers),
            "sl_per_attempt": ratio(in_sl + int(redials.in_sl[part].sum()), attempts),
            "sl_per_customer": ratio(in_sl + self.counters.total("in_sl", intervals, kinds),
                                     customers),
        }


class _Fresh:
    """A type's redial draws: patience (its segment's own, where it has one; cut at the
    type's ``max_wait``), talk (× its segment's ``handle_scale``) and wrap-up."""

    def __init__(self, centre: Centre, spec: ContactType, cap: float):
        def source(dist: Any, name: str) -> Any:
            return draws(dist.build(), centre.stream(name)) if dist is not None else None

        name, seed = spec.name, centre.seed
        own = patience_draws(spec.patience, seed, name, "redial:")
        each = [own] if not spec.segments else [
            own if s.patience is None
            else patience_draws(s.patience, seed, f"{name}:{s.name}", "redial:")
            for s in spec.segments]
        self.patience = [capped(p, cap) for p in each]
        self.scale = [s.handle_scale for s in spec.segments] if spec.segments else [1.0]
        self.handle = source(spec.handle_time, f"redial:handle_time:{name}")
        self.wrap_up = source(spec.wrap_up, f"redial:wrap_up:{name}") or (0.0).__float__

    def draw(self, segment: int) -> tuple[float, float, float]:
        """A redial's patience, talk and wrap-up (seconds) for a customer of ``segment``."""
        return (self.patience[segment](), self.handle() * self.scale[segment],
                self.wrap_up())
