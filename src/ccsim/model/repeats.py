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

Repeats are counted apart: a repeat is a contact of attempt kind ``repeat``
(:attr:`Repeat.attempt`), which the policy declares (``attempts``), so the centre's tally
counts their arrivals and outcomes by themselves — ``offered`` and every metric of the line
stay those of first attempts — and checks ``repeat_contacts`` = the sum of their outcomes;
their agents' busy time stays in the centre's occupancy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ccsim.model.axes import Axes
from ccsim.model.contacts import FIRST, Again, Contact, Outcome, attempt_kind
from ccsim.model.counters import Counters
from ccsim.model.patience import patience_draws
from ccsim.model.policies import Policy
from ccsim.model.tables import ratio
from ccsim.streams import UNIFORM, draws

if TYPE_CHECKING:
    from ccsim.model.agents import Agent
    from ccsim.model.centre import Centre
    from ccsim.scenario import Scenario


#: The attempt kind of a repeat contact.
REPEAT = attempt_kind("repeat")


class Repeat(Again):
    """A customer's contact after an unsettled one: ``first`` is the customer's first
    attempt, ``round`` 1 for its first repeat, 2 for the next, ..."""

    __slots__ = ()
    attempt = REPEAT


class Resolution(Policy):
    """The ``resolution`` of the scenario's contact types, and the repeats it brings."""

    #: The centre's tally counts :class:`Repeat` contacts apart.
    attempts = ("repeat",)

    def __init__(self, scenario: Scenario):
        types, groups = scenario.contact_types, scenario.agent_groups
        #: settles[k][g]: probability that an agent of group g settles a contact of type k
        self.settles = [[c.resolves(g.name) for g in groups] for c in types]
        self.on = [c.repeat_delay is not None for c in types]
        #: elasticity[g]: how group g's resolution falls with a cut talk time (its pressure)
        self.elasticity = [g.pressure.resolution_elasticity if g.pressure else 0.0
                           for g in groups]
        self.horizon = scenario.horizon
        #: first attempts answered and settled, by interval of arrival × contact class ×
        #: group of the agent who answered
        axes = Axes.of(scenario)
        self.counters = Counters(axes, (axes.classes, len(groups)), ("answered", "settled"))
        self._answered = self.counters.values["answered"]
        self._settled = self.counters.values["settled"]

    def uses(self, hook: str) -> bool:
        return hook == "answered"

    def install(self, centre: Centre) -> None:
        super().install(centre)
        self.repeats = centre.tally.by_attempt[REPEAT]  # the repeats' counters
        types = centre.scenario.contact_types

        def source(spec: Any, name: str) -> Any:
            return draws(spec.build(), centre.stream(name)) if spec is not None else None

        self.draw = [draws(UNIFORM, centre.stream(f"resolution:{c.name}")) for c in types]
        self.delay = [source(c.repeat_delay, f"repeat_delay:{c.name}") for c in types]
        self.handle = [source(c.handle_time, f"repeat:handle_time:{c.name}") for c in types]
        self.patience = [patience_draws(c.patience, centre.seed, c.name, "repeat:")
                         for c in types]
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
        if contact.attempt == FIRST:
            cell = self.counters.cell(contact.arrival, self.counters.axes.class_of(contact), g)
            self._answered[cell] += 1
            self._settled[cell] += settled
        if settled:
            return
        first = contact.first
        self.centre.tally.event(first, now + talk, "unsettled", g)
        again = now + talk + self.delay[kind]()
        if again >= self.horizon:
            return
        patience, wrap = self.patience[kind], self.wrap_up[kind]
        next_call = Repeat(first, contact.round + 1 if isinstance(contact, Repeat) else 1, again,
                           again + patience(),
                           self.handle[kind](), wrap() if wrap is not None else 0.0)
        self.centre.tally.arrived_at(self.counters.axes.class_of(first), again, REPEAT)
        self.centre.tally.event(first, again, "repeat_arrived")
        self.centre.inject(next_call)

    def end(self, now: float) -> None:
        """The run is over: the counts as arrays (interval × type × group)."""
        self.counters.close()

    def group_metrics(self, interval: int, group: int) -> dict[str, float]:
        """The first-contact resolution of the first attempts of ``interval`` that agents
        of ``group`` answered."""
        every, at = slice(None), self.counters.at
        return {"resolution_rate": ratio(at("settled", interval, every, group),
                                         at("answered", interval, every, group))}

    def metrics(self, intervals: slice, kinds: slice) -> dict[str, float]:
        """``repeat_contacts``, ``repeats_answered``, ``repeats_abandoned`` and
        ``resolution_rate`` over ``intervals`` × ``kinds`` (see the registry)."""
        total = self.counters.total
        part = (self.counters.axes.measured(intervals), kinds)
        repeats = self.repeats
        return {
            "repeat_contacts": int(repeats.offered[part].sum()),
            "repeats_answered": int(repeats.counts[Outcome.ANSWERED][part].sum()),
            "repeats_abandoned": int(repeats.counts[Outcome.ABANDONED][part].sum()),
            "resolution_rate": ratio(total("settled", intervals, kinds),
                                     total("answered", intervals, kinds)),
        }
