"""What the callbacks of a run did: counts, delays and agent time per source, interval and
contact type, and the metrics read from them (defined in :mod:`ccsim.model.registry`).

Everything about a request is attributed to the interval in which its customer first
arrived, like every other count of a run, except the number pending, which is a time
average over the clock. Counts and sums are the run's shared counters
(:class:`~ccsim.model.counters.Counters`, one per source: interval × contact type); delays
are binned for their quantiles, and the spans in which requests were pending spread over
the intervals they cover, in batches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ccsim.model.axes import Axes
from ccsim.model.callbacks.schedule import FOLLOW_UP, OFFER, RECALL, Request
from ccsim.model.contacts import Contact
from ccsim.model.counters import Counters
from ccsim.model.metrics import _BINS, spread, wait_bins
from ccsim.model.tables import quantiles, ratio


@dataclass(frozen=True)
class Source:
    """How the metrics of one source of requests are named: ``<plural>_completed``,
    ``<singular>_delay_mean``, ``agent_time_<plural>``, ..."""

    plural: str
    singular: str


#: By source index (:data:`OFFER`, :data:`RECALL`, :data:`FOLLOW_UP`).
SOURCES = {OFFER: Source("callbacks", "callback"), RECALL: Source("recalls", "recall"),
           FOLLOW_UP: Source("followups", "followup")}

_COUNTS = ("offered", "requested", "completed", "failed", "promised", "kept")
_SUMS = ("delay", "agent_time")
_BATCH = 4096


class Ledger:
    """The callback statistics of a run on ``axes``."""

    def __init__(self, axes: Axes):
        self.axes = axes
        intervals, kinds = axes.intervals, axes.classes
        #: by source: its counts and sums per interval × contact class
        self.sources = {source: Counters(axes, (kinds,), _COUNTS, _SUMS) for source in SOURCES}
        self.hist = np.zeros((len(SOURCES), intervals, kinds, _BINS), dtype=np.int32)
        self._delays: list[tuple[int, int, float]] = []  # (source, cell, delay), binned later
        #: pending[interval, source × kinds + kind]: seconds of requests pending in it
        self.pending = np.zeros((intervals, len(SOURCES) * kinds))
        self._spans: tuple[list[int], list[float], list[float]] = ([], [], [])

    def cell(self, source: int, contact: Contact) -> int:
        """The cell of ``contact``'s requests from ``source``, in that source's counters."""
        return self.sources[source].cell(contact.arrival, self.axes.class_of(contact))

    def count(self, name: str, source: int, cell: int) -> None:
        self.sources[source].values[name][cell] += 1

    def due(self, request: Request, now: float) -> None:
        """``request`` is pending from ``now`` until it is completed or has failed."""
        request.pending_since = now

    def completed(self, request: Request, now: float, start: float, seconds: float) -> None:
        """``request``'s last attempt, at ``now``, reached the customer: the conversation
        starts at ``start``; the agent spent ``seconds`` on the attempt and conversation."""
        cell, values = request.cell, self.sources[request.source].values
        values["completed"][cell] += 1
        delay = start - request.requested
        values["delay"][cell] += delay
        values["agent_time"][cell] += seconds
        if request.promise_by < math.inf:
            values["promised"][cell] += 1
            values["kept"][cell] += start <= request.promise_by
        self._delays.append((request.source, cell, delay))
        self._resolved(request, now)

    def failed(self, request: Request, now: float) -> None:
        """``request`` has failed at ``now``."""
        values = self.sources[request.source].values
        values["failed"][request.cell] += 1
        values["promised"][request.cell] += request.promise_by < math.inf
        self._resolved(request, now)

    def worked(self, request: Request, seconds: float) -> None:
        """An agent spent ``seconds`` on an attempt at ``request`` that did not reach it."""
        self.sources[request.source].values["agent_time"][request.cell] += seconds

    def _resolved(self, request: Request, now: float) -> None:
        column, since, until = self._spans
        column.append(request.source * self.axes.classes + self.axes.class_of(request.contact))
        since.append(request.pending_since)
        until.append(now)
        if len(column) >= _BATCH:
            self.fold()

    def fold(self) -> None:
        """Add the delays not yet binned to their cells' histograms, and the pending spans
        to their intervals."""
        if self._delays:
            sources, cells, delays = (np.array(c) for c in zip(*self._delays, strict=True))
            # The cell of a source's counters is interval × kinds + kind: the same as the
            # histogram's, within its source.
            flat = self.hist.reshape(-1, _BINS)
            cells += sources * (self.axes.intervals * self.axes.classes)
            np.add.at(flat, (cells, wait_bins(delays)), 1)
            self._delays.clear()
        if self._spans[0]:
            column, since, until = (np.array(c) for c in self._spans)
            spread(column, since, until, self.axes, self.pending)
            for c in self._spans:
                c.clear()

    def close(self) -> None:
        """The run is over: the tables are read from here on."""
        self.fold()
        for counters in self.sources.values():
            counters.close()
        self._pending = self.pending.reshape(
            self.axes.intervals, len(SOURCES), self.axes.classes).transpose(1, 0, 2)

    def metrics(self, source: int, intervals: slice, kinds: slice) -> dict[str, float]:
        """The metrics of ``source`` over ``intervals`` × ``kinds`` (index slices), the
        warm-up left out (after :meth:`close`); for offers, all but ``callbacks_accepted``
        (an outcome of the line, which the tally counts)."""
        counters = self.sources[source]

        def total(name: str) -> float:
            return counters.total(name, intervals, kinds)

        part = self.axes.measured(intervals)
        completed, failed = int(total("completed")), int(total("failed"))
        seconds = len(range(*part.indices(self.axes.intervals))) * self.axes.period
        hist = self.hist[source, part, kinds].sum(axis=(0, 1))
        name = SOURCES[source]
        first = ({"callbacks_offered": int(total("offered"))} if source == OFFER
                 else {f"{name.plural}_requested": int(total("requested"))})
        out = {
            **first,
            f"{name.plural}_completed": completed,
            f"{name.plural}_failed": failed,
            f"{name.singular}_delay_mean": ratio(total("delay"), completed),
            f"{name.singular}_delay_p90": quantiles(hist, (0.9,))[0],
            f"agent_time_{name.plural}": float(total("agent_time")),
            f"{name.plural}_pending": ratio(self._pending[source, part, kinds].sum(), seconds),
        }
        if source == OFFER:
            out["promise_kept"] = ratio(total("kept"), total("promised"))
        return out
