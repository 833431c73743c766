"""The shape of a run's statistics, and the interval of a time.

Everything a run counts is attributed to a cell of the same declared axes: the reporting
*interval* (``period`` seconds each; the first ``warmup`` simulated but not measured), the
contact *class* (a contact type today; a type × segment tomorrow) and the agent *group* —
and, for contacts, their *attempt kind* (first attempts and those counted apart) and
*outcome*. The tally, the policies' counters and the tables all read one :class:`Axes`
instead of keeping their own sizes, and :meth:`Axes.interval` is the one definition of the
interval of a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ccsim.model.contacts import FIRST, Outcome, attempt_kind
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
    classes: int  #: contact classes (contact types)
    groups: int  #: agent groups
    attempts: tuple[int, ...] = (FIRST,)
    outcomes: tuple[Outcome, ...] = CORE_OUTCOMES

    @classmethod
    def of(cls, scenario: Scenario, attempts: Iterable[str] = (),
           outcomes: Iterable[str] = ()) -> Axes:
        """The axes of a run of ``scenario`` whose policies make contacts of the attempt
        kinds named ``attempts`` (other than first) and record ``outcomes`` (names of
        registered outcome metrics)."""
        declared = sorted(Outcome(name) for name in outcomes)
        return cls(
            period=scenario.period,
            intervals=scenario.intervals,
            warmup=scenario.warmup_intervals,
            classes=len(scenario.contact_types),
            groups=len(scenario.agent_groups),
            attempts=tuple(dict.fromkeys((FIRST, *map(attempt_kind, attempts)))),
            outcomes=tuple(dict.fromkeys((*CORE_OUTCOMES, *declared))),
        )

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
