"""The tallies that count contacts apart: by class (a type's segments) and by attempt kind
(repeats, redials, ...). A run whose axes need neither keeps the plain
:class:`~ccsim.model.metrics.Tally`, so it pays nothing per contact for the split (the
choice is :func:`ccsim.model.trace.tally_type`'s)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ccsim.model.axes import Axes
from ccsim.model.contacts import FIRST, Contact, attempt_name
from ccsim.model.metrics import AccountingError, Tally


class ClassTally(Tally):
    """A :class:`Tally` whose contact records name their class (type × segment) as they
    are made: a run with segments and no attempt kinds counted apart (one with both has a
    :class:`SplitTally`)."""

    def __init__(self, axes: Axes, *, answer_within: float | Sequence[float],
                 expected: np.ndarray | None = None):
        super().__init__(axes, answer_within=answer_within, expected=expected)
        self._offsets = axes.offsets

    def record(self, contact: Contact, outcome: int, wait: float) -> None:
        arrival, kind, outcomes, waits = self._other
        arrival.append(contact.arrival)
        kind.append(self._offsets[contact.kind] + contact.segment)
        outcomes.append(outcome)
        waits.append(wait)

    def answered(self, contact: Contact, group: int, start: float, end: float,
                 agent: int = -1) -> None:
        arrival, kind, groups, starts, ends = self._append_answered
        arrival(contact.arrival)
        kind(self._offsets[contact.kind] + contact.segment)
        groups(group)
        starts(start)
        ends(end)


class SplitTally(ClassTally):
    """A :class:`Tally` that counts each attempt kind of its axes apart, and each segment
    of a type: it records the attempt kind (and, with segments, the class) of every
    contact. An answered contact of another kind is busy time like any other (occupancy is
    the agents'), spread with the agents' tasks."""

    def __init__(self, axes: Axes, *, answer_within: float | Sequence[float],
                 expected: np.ndarray | None = None):
        super().__init__(axes, answer_within=answer_within, expected=expected)
        self._attempts: tuple[list[int], list[int]] = ([], [])  # answered, other

    def record(self, contact: Contact, outcome: int, wait: float) -> None:
        super().record(contact, outcome, wait)
        self._attempts[1].append(contact.attempt)

    def answered(self, contact: Contact, group: int, start: float, end: float,
                 agent: int = -1) -> None:
        # ClassTally's step written out: it runs once per contact answered (calling it
        # costs 4 % of a day with redials).
        arrival, kind, groups, starts, ends = self._append_answered
        arrival(contact.arrival)
        kind(self._offsets[contact.kind] + contact.segment)
        groups(group)
        starts(start)
        ends(end)
        attempt = contact.attempt
        self._attempts[0].append(attempt)
        if attempt != FIRST:
            self.task(group, start, end)

    def _take_attempts(self) -> np.ndarray | None:
        answered, other = self._attempts
        attempt = np.array(answered + other, dtype=np.intp)
        answered.clear()
        other.clear()
        unknown = set(np.unique(attempt).tolist()) - set(self.by_attempt)
        if unknown:
            raise AccountingError(
                f"contacts of attempt kind {', '.join(attempt_name(a) for a in unknown)} "
                "were recorded, but the run's axes do not count it (a policy that injects "
                "them declares it in Policy.attempts)")
        return attempt
