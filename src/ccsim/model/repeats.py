"""First-contact resolution and repeat contacts: a policy on the hook protocol.

A conversation on the line settles the customer's matter with probability ``resolution``
of its contact type (``resolution_by_group`` for the agent's group; stream
``resolution:<type>``), less for a conversation cut short by quota pressure: cut to a share
f of its talk time, × f ^ ``resolution_elasticity`` of the agent's group's ``pressure``
(talk changed for another reason, e.g. a proficient group's, is a whole conversation; the
service-time chain says why, :mod:`ccsim.model.service`).
An unsettled customer calls again, ``repeat_delay`` after the conversation ended (stream
``repeat_delay:<type>``): a :class:`Repeat` of the same type, routed like any contact,
with talk, wrap-up and patience drawn from streams of its own
(``repeat:handle_time:<type>``, ...), so the first attempts keep their draws. A repeat can
be left unsettled again. One due after the horizon is not made (arrivals end there).

Repeats are counted apart: ``offered`` and every metric of the line stay those of first
attempts. The centre's tally passes the outcomes of repeats to a tally of their own
(:class:`RepeatSplit`), which checks ``repeat_contacts`` = the sum of their outcomes, and
keeps their agents' busy time in the centre's occupancy.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ccsim.model.contacts import Contact, Outcome
from ccsim.model.metrics import Tally
from ccsim.model.policies import Policy
from ccsim.model.tables import ratio
from ccsim.model.trace import TracingTally
from ccsim.streams import UNIFORM, draws

if TYPE_CHECKING:
    from ccsim.model.agents import Agent
    from ccsim.model.centre import Centre
    from ccsim.scenario import Scenario


class Repeat(Contact):
    """A customer's contact after an unsettled one: ``first`` is the customer's first
    attempt, ``round`` 1 for its first repeat, 2 for the next, ..."""

    __slots__ = ("first", "round")

    def __init__(self, first: Contact, round: int, arrival: float, deadline: float,
                 handle: float, wrap_up: float):
        super().__init__(first.kind, arrival, deadline, handle, wrap_up)
        self.first = first
        self.round = round


class RepeatSplit:
    """Mixin of a tally whose :class:`Repeat` contacts are counted in ``repeats`` (a tally
    of the same shape) — except their agents' busy time, which stays the centre's. In a
    trace, their events are rows of the customer's first attempt, named ``repeat_...``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.repeats = Tally(**kwargs)

    def answered(self, contact: Contact, group: int, start: float, end: float) -> None:
        if type(contact) is not Repeat:
            super().answered(contact, group, start, end)  # type: ignore[misc]
            return
        self.repeats.answered(contact, group, start, end)
        self.task(group, start, end)  # type: ignore[attr-defined]
        first = contact.first
        self.event(first, start, "repeat_answered", group)  # type: ignore[attr-defined]
        self.event(first, end, "repeat_finished", group)  # type: ignore[attr-defined]

    def record(self, contact: Contact, outcome: int, wait: float) -> None:
        if type(contact) is not Repeat:
            super().record(contact, outcome, wait)  # type: ignore[misc]
            return
        self.repeats.record(contact, outcome, wait)
        self.event(contact.first, contact.arrival + wait,  # type: ignore[attr-defined]
                   f"repeat_{Outcome(outcome).name.lower()}")

    def pending(self) -> int:
        return super().pending() + self.repeats.pending()  # type: ignore[misc]

    def flush(self) -> None:
        super().flush()  # type: ignore[misc]
        self.repeats.flush()

    def check(self) -> None:
        super().check()  # type: ignore[misc]
        self.repeats.check()


class SplitTally(RepeatSplit, Tally):
    """A :class:`Tally` that counts repeats apart."""


class SplitTracingTally(RepeatSplit, TracingTally):
    """A :class:`~ccsim.model.trace.TracingTally` that counts repeats apart."""


class Resolution(Policy):
    """The ``resolution`` of the scenario's contact types, and the repeats it brings."""

    #: The centre counts :class:`Repeat` contacts apart (a :class:`RepeatSplit` tally).
    repeats = True

    def __init__(self, scenario: Scenario):
        types, groups = scenario.contact_types, scenario.agent_groups
        #: settles[k][g]: probability that an agent of group g settles a contact of type k
        self.settles = [[c.resolves(g.name) for g in groups] for c in types]
        self.on = [c.repeat_delay is not None for c in types]
        #: elasticity[g]: how group g's resolution falls with a cut talk time (its pressure)
        self.elasticity = [g.pressure.resolution_elasticity if g.pressure else 0.0
                           for g in groups]
        self.horizon = scenario.horizon
        self.period, self.warmup = scenario.period, scenario.warmup_intervals
        #: shape of the counts of first attempts answered and settled: interval of arrival,
        #: type, group of the agent who answered (flat Python lists while the run goes: a
        #: NumPy item update per answer costs more than the rest of the hook)
        self.shape = (scenario.intervals, len(types), len(groups))
        size = self.shape[0] * self.shape[1] * self.shape[2]
        self._answered, self._settled = [0] * size, [0] * size

    def uses(self, hook: str) -> bool:
        return hook == "answered"

    def install(self, centre: Centre) -> None:
        super().install(centre)
        self.tally: Tally = centre.tally.repeats  # type: ignore[attr-defined]
        types = centre.scenario.contact_types

        def source(spec: Any, name: str) -> Any:
            return draws(spec.build(), centre.stream(name)) if spec is not None else None

        self.draw = [draws(UNIFORM, centre.stream(f"resolution:{c.name}")) for c in types]
        self.delay = [source(c.repeat_delay, f"repeat_delay:{c.name}") for c in types]
        self.handle = [source(c.handle_time, f"repeat:handle_time:{c.name}") for c in types]
        self.patience = [source(c.patience, f"repeat:patience:{c.name}") for c in types]
        self.wrap_up = [source(c.wrap_up, f"repeat:wrap_up:{c.name}") for c in types]

    def answered(self, contact: Contact, agent: Agent, now: float, talk: float,
                 wrap_up: float) -> None:
        kind = contact.kind
        if not self.on[kind]:
            return
        g = agent.group.index
        chance = self.settles[kind][g]
        # A conversation cut short by quota pressure (not merely faster: a proficient
        # agent's shorter talk is a whole conversation; see ccsim.model.service).
        kept = self.centre.service.pressed
        if kept < 1 and self.elasticity[g]:
            chance *= kept ** self.elasticity[g]
        settled = self.draw[kind]() < chance
        repeat = type(contact) is Repeat
        if not repeat:
            intervals, kinds, groups = self.shape
            interval = min(int(contact.arrival // self.period), intervals - 1)
            cell = (interval * kinds + kind) * groups + g
            self._answered[cell] += 1
            self._settled[cell] += settled
        if settled:
            return
        first = contact.first if isinstance(contact, Repeat) else contact
        self.centre.tally.event(first, now + talk, "unsettled", g)
        again = now + talk + self.delay[kind]()
        if again >= self.horizon:
            return
        patience, wrap = self.patience[kind], self.wrap_up[kind]
        next_call = Repeat(first, contact.round + 1 if isinstance(contact, Repeat) else 1, again,
                           again + patience() if patience is not None else math.inf,
                           self.handle[kind](), wrap() if wrap is not None else 0.0)
        self.tally.arrived_at(kind, again)
        self.centre.tally.event(first, again, "repeat_arrived")
        self.centre.inject(next_call)

    def end(self, now: float) -> None:
        """The run is over: the counts as arrays (interval × type × group)."""
        self.answered_first = np.array(self._answered, dtype=np.int64).reshape(self.shape)
        self.settled_first = np.array(self._settled, dtype=np.int64).reshape(self.shape)

    def group_metrics(self, interval: int, group: int) -> dict[str, float]:
        """The first-contact resolution of the first attempts of ``interval`` that agents
        of ``group`` answered."""
        return {"resolution_rate": ratio(self.settled_first[interval, :, group].sum(),
                                         self.answered_first[interval, :, group].sum())}

    def metrics(self, intervals: slice, kinds: slice) -> dict[str, float]:
        """``repeat_contacts``, ``repeats_answered``, ``repeats_abandoned`` and
        ``resolution_rate`` over ``intervals`` × ``kinds`` (see the registry)."""
        intervals = slice(max(intervals.start or 0, self.warmup), intervals.stop)
        counts = self.tally.counts
        return {
            "repeat_contacts": int(self.tally.offered[intervals, kinds].sum()),
            "repeats_answered": int(counts[Outcome.ANSWERED][intervals, kinds].sum()),
            "repeats_abandoned": int(counts[Outcome.ABANDONED][intervals, kinds].sum()),
            "resolution_rate": ratio(self.settled_first[intervals, kinds].sum(),
                                     self.answered_first[intervals, kinds].sum()),
        }
