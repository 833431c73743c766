"""Callback requests, and the scheduling rules that say when agents work them.

A rule is a small class with one question, :meth:`Schedule.before_live`; a researcher's own
rule is a subclass, given to :class:`~ccsim.model.callbacks.CallbackPolicy` by contact type.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ccsim.model.contacts import Contact

#: Where a request comes from: an accepted offer, a customer who hung up, a follow-up.
OFFER, RECALL, FOLLOW_UP = 0, 1, 2


class Request:
    """A call an agent owes ``contact``: requested at ``requested`` (seconds), from
    ``source`` (:data:`OFFER`, :data:`RECALL` or :data:`FOLLOW_UP`), promised to start by
    ``promise_by`` (``inf``: no promise); ``attempts`` made so far; ``cell``: where the
    ledger counts it; ``pending_since``: when it became due (seconds; an accepted offer at
    once)."""

    __slots__ = ("attempts", "cell", "contact", "order", "pending_since", "promise_by",
                 "requested", "source")

    def __init__(self, contact: Contact, requested: float, source: int, order: int,
                 promise_by: float = math.inf, cell: int = 0):
        self.contact = contact
        self.requested = requested
        self.source = source
        self.order = order  #: ties between requests made at the same time
        self.promise_by = promise_by
        self.cell = cell
        self.attempts = 0
        self.pending_since = requested

    def __repr__(self) -> str:
        return (f"Request(kind={self.contact.kind}, requested={self.requested:g}, "
                f"source={self.source}, attempts={self.attempts})")


class Schedule:
    """When an agent works a due request: a researcher's rule is a subclass that answers
    :meth:`before_live` (take ``request`` before any live contact, at ``now``?). A free
    agent first takes the oldest due request that comes before live contacts, then live
    contacts, then the oldest due request of all. The answer may be asked for after the
    fact, at the agent's own ``now`` (see ``Policy.replayable``): it depends on the request
    and ``now`` only."""

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
    ``margin`` seconds (one mean talk + wrap-up time of the type). A request with no
    promise (a recall, a follow-up) is never urgent."""

    def __init__(self, margin: float):
        self.margin = margin

    def before_live(self, request: Request, now: float) -> bool:
        return request.promise_by - now <= self.margin


def rule_for(schedule: str | None, margin: float) -> Schedule:
    """The rule a scenario's ``schedule`` names (``None``: ``when_idle``)."""
    if schedule is None or schedule == "when_idle":
        return WhenIdle()
    return Priority() if schedule == "priority" else Deadline(margin)
