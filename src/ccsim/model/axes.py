"""The shape of a run's statistics, and the interval of a time.

Everything a run counts is attributed to a cell of the same declared axes: the reporting
*interval* (``period`` seconds each; the first ``warmup`` simulated but not measured), the
contact *class* (a contact type, or type × segment where it has segments) and the agent
*group* — and, for contacts, their *attempt kind* (first attempts and those counted apart)
and *outcome*. The tally, the policies' counters and the tables all read one :class:`Axes`
instead of keeping their own sizes, and :meth:`Axes.interval` is the one definition of the
interval of a time.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from ccsim.model.contacts import FIRST, Contact, Outcome, attempt_kind
from ccsim.model.registry import outside

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ccsim.scenario import Scenario

#: The outcomes every run reports (their columns are in every contact table).
CORE_OUTCOMES = (Outcome.ANSWERED, Outcome.ABANDONED, Outcome.BLOCKED, Outcome.UNSERVED)


@dataclass(frozen=True)
class Axes:
    """The axes of a run's statistics: interval × class × group, the attempt kinds counted
    (each apart; see :func:`~ccsim.model.contacts.attempt_kind`) and the outcomes whose
    columns the contact tables report (the core ones and those the policies declare)."""

    period: float  #: seconds per interval
    intervals: int  #: intervals of the horizon, warm-up included
    warmup: int  #: the first intervals, simulated but not measured
    classes: int  #: contact classes: each type's segments (a type without: one class)
    groups: int  #: agent groups
    attempts: tuple[int, ...] = (FIRST,)
    outcomes: tuple[Outcome, ...] = CORE_OUTCOMES
    #: the classes of each contact type, in type order (empty: one each, no segments)
    segments: tuple[int, ...] = ()

    @classmethod
    def of(cls, scenario: Scenario, attempts: Iterable[str] = (),
           outcomes: Iterable[str] = ()) -> Axes:
        """The axes of a run of ``scenario`` whose policies make contacts of the attempt
        kinds named ``attempts`` (other than first) and record ``outcomes`` (names of
        registered outcome metrics)."""
        declared = sorted(Outcome(name) for name in outcomes)
        types = scenario.contact_types
        segments = (tuple(len(c.segments or [None]) for c in types)
                    if any(c.segments for c in types) else ())
        return cls(
            period=scenario.period,
            intervals=scenario.intervals,
            warmup=scenario.warmup_intervals,
            classes=sum(segments) or len(types),
            groups=len(scenario.agent_groups),
            attempts=tuple(dict.fromkeys((FIRST, *map(attempt_kind, attempts)))),
            outcomes=tuple(dict.fromkeys((*CORE_OUTCOMES, *declared))),
            segments=segments,
        )

    @property
    def segmented(self) -> bool:
        """Whether some contact type has segments (its classes are type × segment)."""
        return bool(self.segments)

    @cached_property
    def offsets(self) -> tuple[int, ...]:
        """The first class of each contact type (the type's own number, without
        segments)."""
        if not self.segments:
            return tuple(range(self.classes))
        return tuple(itertools.accumulate(self.segments[:-1], initial=0))

    def class_of(self, contact: Contact) -> int:
        """The contact class of ``contact``: its type's, or its customer's segment's."""
        return self.offsets[contact.kind] + contact.segment

    def classes_of(self, kind: int) -> slice:
        """The classes of contact type number ``kind``."""
        if not self.segments:
            return slice(kind, kind + 1)
        start = self.offsets[kind]
        return slice(start, start + self.segments[kind])

    @cached_property
    def kind_of(self) -> tuple[int, ...]:
        """The contact type of each class."""
        return tuple(k for k, n in enumerate(self.segments or (1,) * self.classes)
                     for _ in range(n))

    def kinds_in(self, classes: slice) -> list[int]:
        """The contact types with a class in ``classes`` (an index slice), in order."""
        return list(dict.fromkeys(self.kind_of[classes]))

    @property
    def outside(self) -> tuple[Outcome, ...]:
        """The outcomes reported that are outside the line's service (Metric.outside)."""
        return outside(self.outcomes)

    @property
    def split(self) -> bool:
        """Whether some contacts are counted apart from first attempts."""
        return len(self.attempts) > 1

    def interval(self, time: float) -> int:
        """The interval in which ``time`` (seconds) falls; a time after the horizon is in
        the last one (what a counter of the run attributes to it)."""
        return min(max(int(time // self.period), 0), self.intervals - 1)

    def index(self, times: np.ndarray | float) -> np.ndarray:
        """The interval of each of ``times`` (seconds), not clipped to the horizon (the
        tally leaves out what falls outside it)."""
        return (np.asarray(times) // self.period).astype(np.intp)

    def measured(self, intervals: slice) -> slice:
        """The part of ``intervals`` (an index slice) after the warm-up."""
        return slice(max(intervals.start or 0, self.warmup), intervals.stop)
