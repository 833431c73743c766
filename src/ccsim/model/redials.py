"""Redials: callers who hang up, or are turned away, and call again — a policy on the hook
protocol.

A first attempt, or a redial, of a type with ``redial`` that ends as one of its ``after``
outcomes (``abandoned``: its patience ran out, seen at that moment; ``blocked``: the lines
or the type's waiting room were full) calls again with probability ``share`` (stream
``redial:<type>``), ``delay`` later (``redial_delay:<type>``), until it has made
``max_attempts`` attempts. A redial is a :class:`Redialled` contact of the same type and
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
        # Redials after abandonment are made at the moment the patience runs out.
        self.timely_abandonment = any(Outcome.ABANDONED in a for a in self.after)
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


    def install(self, centre: Centre) -> None:
        super().install(centre)
        self.redials = centre.tally.by_attempt[REDIAL]
        types = centre.scenario.contact_types
        self.draw = [draws(UNIFORM, centre.stream(f"redial:{c.name}")) for c in types]
        self.delay = [draws(spec.delay.build(), centre.stream(f"redial_delay:{c.name}"))
                      if spec else None for c, spec in zip(types, self.specs, strict=True)]
        self._sources = [_Fresh(centre, c, cap) if spec and spec.redraw else None
                         for c, spec, cap in zip(types, self.specs, self.limit, strict=True)]

    def abandoned(self, contact: Contact, now: float) -> None:
        self._ended(contact, Outcome.ABANDONED, now)

    def recorded(self, contact: Contact, outcome: int, now: float) -> None:
        self._ended(contact, outcome, now)

    def answered(self, contact: Contact, agent: Agent, now: float, talk: float,
                 wrap_up: float) -> None:
        if contact.attempt != REDIAL:
            return
        assert isinstance(contact, Redialled)
        first = contact.first
        wait = contact.waited + now - contact.arrival
        if wait <= self.thresholds[first.kind][first.segment]:
            axes = self.counters.axes
            self._in_sl[self.counters.cell(first.arrival, axes.class_of(first))] += 1

    def _ended(self, contact: Contact, outcome: int, now: float) -> None:
        """``contact`` (of a type with redials) ended unanswered with ``outcome`` at
        ``now``: its customer calls again, or is lost."""
        if (self._over or outcome not in _ENDS or contact.attempt not in (FIRST, REDIAL)):
            return
        kind, first = contact.kind, contact.first
        spec = self.specs[kind]
        made = contact.round + 1 if isinstance(contact, Redialled) else 1
        if (spec is None or outcome not in self.after[kind]
                or (spec.max_attempts is not None and made >= spec.max_attempts)
                or self.draw[kind]() >= spec.share):
            axes = self.counters.axes
            self._lost[self.counters.cell(first.arrival, axes.class_of(first))] += 1
            return
        delay = self.delay[kind]
        assert delay is not None
        again = now + delay()
        if again >= self.horizon:
            return
        fresh = self._sources[kind]
        if fresh is None:  # the same matter and temper: this attempt's times
            patience = contact.deadline - contact.arrival
            handle, wrap_up = contact.handle, contact.wrap_up
        else:
            patience, handle, wrap_up = fresh.draw(first.segment)
        waited = (contact.waited if isinstance(contact, Redialled) else 0.0) + (
            now - contact.arrival)
        redial = Redialled(first, made, again, again + patience, handle, wrap_up, waited)
        centre = self.centre
        centre.tally.arrived_at(centre.tally.axes.class_of(first), again, REDIAL)
        centre.tally.event(first, again, "redial_arrived")
        centre.inject(redial)

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
