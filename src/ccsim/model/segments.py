"""Priority segments: the classes of a contact type's customers.

A type with ``segments`` draws each arriving customer's segment from a stream of its own
(``segment:<type>``), one uniform number per arrival, so the n-th customer of a type is of
the same segment in every variant of a sweep. The segments of a batch of arrival times are
drawn when the batch is made, and counted as offered then, per contact class (type ×
segment), as a type's arrivals are. A segment with its own ``patience`` draws it from
``patience:<type>:<segment>`` (and ``balk:<type>:<segment>``); the others share the
type's stream, and every segment scales the type's handle-time draw by its
``handle_scale``: a scenario without segments draws exactly what it drew before.

In the queue, a customer's *rank* is the place of its segment's priority among the type's
distinct priorities (0 first): the type's queue is a
:class:`~ccsim.model.queues.PriorityQueue` with one first-come-first-served line per rank.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from functools import partial
from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np

from ccsim.model.contacts import Contact
from ccsim.model.patience import patience_draws
from ccsim.streams import stream

if TYPE_CHECKING:
    from ccsim.scenario import ContactType


class Segmented(Contact):
    """A first attempt of a customer of a segmented type: ``segment`` is the number of its
    segment in the type's list, ``rank`` its place in the queue's priority order."""

    __slots__ = ("rank", "segment")

    def __init__(self, kind: int, arrival: float, deadline: float, handle: float,
                 wrap_up: float, segment: int, rank: int):
        self.kind = kind
        self.arrival = arrival
        self.deadline = deadline
        self.handle = handle
        self.wrap_up = wrap_up
        # Slots of this class; class attributes (0) of a plain contact.
        self.segment, self.rank = segment, rank  # type: ignore[misc]

    def __repr__(self) -> str:
        return (f"Segmented(kind={self.kind}, segment={self.segment}, "
                f"arrival={self.arrival:g}, deadline={self.deadline:g})")


def ranks(spec: ContactType) -> list[int]:
    """The queue rank of each of ``spec``'s segments: the place of its priority among the
    type's distinct priorities, 0 first (one rank without segments)."""
    if not spec.segments:
        return [0]
    levels = sorted({s.priority for s in spec.segments})
    return [levels.index(s.priority) for s in spec.segments]


def shares(spec: ContactType) -> list[float]:
    """The share of ``spec``'s customers in each of its classes (``[1.0]`` without
    segments)."""
    return [s.share for s in spec.segments] if spec.segments else [1.0]


def capped(patience: Callable[[], float], after: float) -> Callable[[], float]:
    """``patience`` draws cut at ``after`` seconds (a type's ``max_wait``; ``inf``: as
    they are)."""
    return patience if after == math.inf else partial(_least, patience, after)


def _least(patience: Callable[[], float], after: float) -> float:
    return min(patience(), after)


#: ``rank_of(contact)``: its line in its type's priority queue (C-level: read per push).
rank_of = attrgetter("rank")


class SegmentSource:
    """The customers of a segmented type, as they arrive: their segments are drawn by
    batch (:meth:`seen`, given each batch of arrival times) and each contact is made by
    :meth:`make`, in arrival order.

    ``offered(classes, times)`` counts the arrivals of the given contact classes (the
    type's classes start at ``offset``); ``patience``, ``handle`` and ``wrap_up`` are the
    type's draws; a segment's own patience is cut at ``cap`` seconds, as the type's."""

    def __init__(self, spec: ContactType, kind: int, seed: int, offset: int,
                 offered: Callable[[np.ndarray, np.ndarray], None],
                 patience: Callable[[], float], handle: Callable[[], float],
                 wrap_up: Callable[[], float], cap: float = math.inf):
        segments = spec.segments or []
        self.kind, self.offset, self._offered = kind, offset, offered
        self._rng = stream(seed, f"segment:{spec.name}")
        # Segment j holds the uniform numbers in [cut[j-1], cut[j]).
        self._cut = np.cumsum([s.share for s in segments])[:-1]
        self._pending: deque[int] = deque()
        own = [patience if s.patience is None
               else capped(patience_draws(s.patience, seed, f"{spec.name}:{s.name}"), cap)
               for s in segments]
        #: each segment's patience draws, handle-time factor and queue rank
        self._segments = list(zip(own, [s.handle_scale for s in segments], ranks(spec),
                                  strict=True))
        self._handle, self._wrap_up = handle, wrap_up

    def seen(self, times: np.ndarray) -> None:
        """A batch of arrival ``times`` (seconds) is made: draw their segments, count them
        offered."""
        segment = np.searchsorted(self._cut, self._rng.random(len(times)), side="right")
        self._offered(self.offset + segment, times)
        self._pending.extend(segment.tolist())

    def make(self, now: float) -> Contact:
        """The next customer, arriving at ``now``."""
        s = self._pending.popleft()
        patience, scale, rank = self._segments[s]
        return Segmented(self.kind, now, now + patience(), self._handle() * scale,
                         self._wrap_up(), s, rank)
