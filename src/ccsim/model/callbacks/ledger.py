"""What the callbacks of a run did: counts, delays and agent time per source, interval and
contact type, and the metrics read from them (defined in :mod:`ccsim.model.registry`).

Everything about a request is attributed to the interval in which its customer first
arrived, like every other count of a run, except the number pending, which is a time
average over the clock. The hot path only adds to Python lists (a NumPy item update costs
more than the rest of the step); delays are binned for their quantiles, and the spans in
which requests were pending spread over the intervals they cover, in batches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ccsim.model.callbacks.schedule import FOLLOW_UP, OFFER, RECALL, Request
from ccsim.model.contacts import Contact
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
    """The callback statistics of a run of ``intervals`` of ``period`` seconds (the first
    ``warmup`` not measured) and ``kinds`` contact types."""

    def __init__(self, intervals: int, kinds: int, period: float, warmup: int):
        self.intervals, self.kinds, self.period, self.warmup = intervals, kinds, period, warmup
        size = len(SOURCES) * intervals * kinds
        # Flat lists indexed by cell = (source × intervals + interval) × kinds + kind.
        self.counts = {name: [0] * size for name in _COUNTS}
        self.sums = {name: [0.0] * size for name in _SUMS}
        self.hist = np.zeros((len(SOURCES), intervals, kinds, _BINS), dtype=np.int32)
        self._delays: list[tuple[int, float]] = []  # (cell, delay), binned in batches
        #: pending[interval, source × kinds + kind]: seconds of requests pending in it
        self.pending = np.zeros((intervals, len(SOURCES) * kinds))
        self._spans: tuple[list[int], list[float], list[float]] = ([], [], [])

    def cell(self, source: int, contact: Contact) -> int:
        """The cell of ``contact``'s requests from ``source``."""
        interval = min(int(contact.arrival // self.period), self.intervals - 1)
        return (source * self.intervals + interval) * self.kinds + contact.kind

    def count(self, name: str, cell: int) -> None:
        self.counts[name][cell] += 1

    def due(self, request: Request, now: float) -> None:
        """``request`` is pending from ``now`` until it is completed or has failed."""
        request.pending_since = now

    def completed(self, request: Request, now: float, start: float, seconds: float) -> None:
        """``request``'s last attempt, at ``now``, reached the customer: the conversation
        starts at ``start``; the agent spent ``seconds`` on the attempt and conversation."""
        cell, counts, sums = request.cell, self.counts, self.sums
        counts["completed"][cell] += 1
        delay = start - request.requested
        sums["delay"][cell] += delay
        sums["agent_time"][cell] += seconds
        if request.promise_by < math.inf:
            counts["promised"][cell] += 1
            counts["kept"][cell] += start <= request.promise_by
        self._delays.append((cell, delay))
        self._resolved(request, now)

    def failed(self, request: Request, now: float) -> None:
        """``request`` has failed at ``now``."""
        self.counts["failed"][request.cell] += 1
        self.counts["promised"][request.cell] += request.promise_by < math.inf
        self._resolved(request, now)

    def worked(self, request: Request, seconds: float) -> None:
        """An agent spent ``seconds`` on an attempt at ``request`` that did not reach it."""
        self.sums["agent_time"][request.cell] += seconds

    def _resolved(self, request: Request, now: float) -> None:
        column, since, until = self._spans
        column.append(request.source * self.kinds + request.contact.kind)
        since.append(request.pending_since)
        until.append(now)
        if len(column) >= _BATCH:
            self.fold()

    def fold(self) -> None:
        """Add the delays not yet binned to their cells' histograms, and the pending spans
        to their intervals."""
        if self._delays:
            cells, delays = (np.array(c) for c in zip(*self._delays, strict=True))
            flat = self.hist.reshape(-1, _BINS)
            np.add.at(flat, (cells, wait_bins(delays)), 1)
            self._delays.clear()
        if self._spans[0]:
            column, since, until = (np.array(c) for c in self._spans)
            spread(column, since, until, self.period, self.pending)
            for c in self._spans:
                c.clear()

    def close(self) -> None:
        """The run is over: the tables are read from here on."""
        self.fold()
        shape = (len(SOURCES), self.intervals, self.kinds)
        self._tables = {name: np.asarray(values).reshape(shape)
                        for name, values in (*self.counts.items(), *self.sums.items())}
        self._tables["pending"] = self.pending.reshape(
            self.intervals, len(SOURCES), self.kinds).transpose(1, 0, 2)

    def metrics(self, source: int, intervals: slice, kinds: slice) -> dict[str, float]:
        """The metrics of ``source`` over ``intervals`` × ``kinds`` (index slices), the
        warm-up left out (after :meth:`close`); for offers, all but ``callbacks_accepted``
        (an outcome of the line, which the tally counts)."""
        intervals = slice(max(intervals.start or 0, self.warmup), intervals.stop)

        def total(name: str) -> float:
            return self._tables[name][source, intervals, kinds].sum()

        completed, failed = int(total("completed")), int(total("failed"))
        seconds = len(range(*intervals.indices(self.intervals))) * self.period
        hist = self.hist[source, intervals, kinds].sum(axis=(0, 1))
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
            f"{name.plural}_pending": ratio(total("pending"), seconds),
        }
        if source == OFFER:
            out["promise_kept"] = ratio(total("kept"), total("promised"))
        return out
