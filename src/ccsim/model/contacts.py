"""Contacts and their outcomes.

A contact is one customer's attempt to reach the centre: it arrives, perhaps waits in the
queue of its contact type, and leaves with an :class:`Outcome`. Its handle time and patience
and wrap-up are drawn when it arrives, from the streams of its type, so that the n-th
contact of a type gets the same draws in every variant of a sweep (common random numbers),
whatever happened to the contacts before it.
"""

from __future__ import annotations

from enum import IntEnum


class Outcome(IntEnum):
    """How a contact left the line. New policies add members, and an ``outcome`` metric
    named :attr:`column` in :mod:`ccsim.model.registry`; the numbers are stable."""

    ANSWERED = 0  #: reached an agent
    ABANDONED = 1  #: left the queue before reaching an agent (patience ran out)
    BLOCKED = 2  #: found every line busy and was turned away on arrival
    UNSERVED = 3  #: still waiting when no agent was left to serve it (infinite patience)
    CALLBACK_ACCEPTED = 4  #: accepted a callback and hung up (the callback is counted apart)

    @property
    def column(self) -> str:
        """The name of the metric that counts this outcome."""
        return "callbacks_accepted" if self is Outcome.CALLBACK_ACCEPTED else self.name.lower()


class Contact:
    """One customer contact. Times are seconds since the start of the horizon."""

    __slots__ = ("arrival", "deadline", "handle", "kind", "wrap_up")

    def __init__(self, kind: int, arrival: float, deadline: float, handle: float, wrap_up: float):
        self.kind = kind  #: index of the contact type in the scenario
        self.arrival = arrival
        self.deadline = deadline  #: arrival + patience: it abandons if still waiting after this
        self.handle = handle  #: talk time, seconds
        self.wrap_up = wrap_up  #: after-contact work, seconds (the caller has hung up)

    def __repr__(self) -> str:
        return f"Contact(kind={self.kind}, arrival={self.arrival:g}, deadline={self.deadline:g})"
