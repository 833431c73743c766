"""Streaming statistics of a run, per reporting interval.

The hot path only appends numbers to short lists (one entry per contact decided and per
service started); :meth:`Tally.flush` folds them into per-interval counters with numpy
at every interval boundary, so memory does not grow with the number of contacts.

Definitions (contacts that arrive in the measured window, attributed to the interval in
which they arrived; blocked contacts count as not having waited). Each metric is
registered in :mod:`ccsim.model.registry`, which the tables, charts and reports read.

* ``offered`` — first attempts that arrived, counted where they are made (the arrival
  process, or a policy injecting a first attempt), not from outcomes; ``answered``,
  ``abandoned``, ``blocked``, ``unserved`` — how they left
  (:class:`~ccsim.model.contacts.Outcome`). :meth:`Tally.check` verifies at the end of
  every run that each offered contact is counted in exactly one outcome column.
* ``abandon_rate`` = abandoned / offered.
* ``service_level`` = answered with wait <= ``answer_within`` / offered.
* ``asa`` — mean wait of answered contacts, seconds.
* ``mean_wait`` — mean time in queue of all offered contacts (abandoned ones until they
  left), seconds; ``wait_p50``, ``wait_p90``, ``wait_p95`` — its quantiles, from a
  histogram with 1 % wide bins (relative error below 1 %).
* ``p_wait`` — share of offered contacts that waited at all.
* ``occupancy`` — agents' busy time (talk + wrap-up) / their staffed time, both inside the
  measured window; staffed time is the duty the roster plans (``scheduled``: head count ×
  time, for head counts) plus the overtime of agents finishing a contact after their duty
  ended (see :mod:`ccsim.model.roster`).

A rate whose denominator is zero is NaN, never 0.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ccsim.model.contacts import Contact, Outcome
from ccsim.model.registry import OUTCOMES

if TYPE_CHECKING:
    import pandas as pd

# Wait histogram: bin 0 holds waits of exactly 0; bin j >= 1 holds [W0·R^(j-1), W0·R^j)
# (bin 1 also everything in (0, W0)); the last bin also holds everything longer.
_W0 = 0.01
_R = 1.01
_BINS = 1 + math.ceil(math.log(1e6 / _W0) / math.log(_R))
#: bin j spans [_EDGES[j], _EDGES[j + 1])
_EDGES = np.concatenate(([0.0, 0.0], _W0 * _R ** np.arange(1, _BINS)))
_LOG_R = math.log(_R)
_ANSWERED = int(Outcome.ANSWERED)
#: The types of the pending columns (see Tally.__init__).
_ANSWERED_COLUMNS = (np.float64, np.int64, np.int64, np.float64, np.float64)
_OTHER_COLUMNS = (np.float64, np.int64, np.int64, np.float64)
_SEGMENT = (np.int64, np.float64, np.float64)
#: The outcomes that are terms of the identity offered = Σ outcomes.
_TERMS = [o for o in Outcome if o.column in OUTCOMES]


class AccountingError(AssertionError):
    """Contacts offered and their outcomes disagree: a bug in the model or in a policy."""


class Tally:
    """Per-interval statistics of one run.

    Times are seconds since the start of the horizon; intervals are ``period`` long and the
    first ``warmup_intervals`` are simulated but not measured.
    """

    #: Whether :meth:`event` and :meth:`note` keep anything (a trace).
    tracing = False

    def __init__(
        self,
        *,
        period: float,
        intervals: int,
        warmup_intervals: int,
        kinds: int,
        groups: int,
        answer_within: float,
        expected: np.ndarray | None = None,
    ):
        self.period = period
        self.intervals = intervals
        self.warmup_intervals = warmup_intervals
        self.kinds = kinds
        self.groups = groups
        self.answer_within = answer_within
        shape = (intervals, kinds)
        #: expected[i, k]: the arrivals of type k the forecast expects in interval i
        self.expected = np.zeros(shape) if expected is None else np.asarray(expected, float)
        self.offered = np.zeros(shape, dtype=np.int64)
        self.counts = np.zeros((len(Outcome), *shape), dtype=np.int64)
        self.in_sl = np.zeros(shape, dtype=np.int64)
        self.short = np.zeros(shape, dtype=np.int64)  # abandoned within answer_within
        self.waited = np.zeros(shape, dtype=np.int64)
        self.wait_answered = np.zeros(shape)
        self.wait_all = np.zeros(shape)
        self.hist = np.zeros((*shape, _BINS), dtype=np.int32)
        self.busy_time = np.zeros((intervals, groups))
        #: scheduled[i, g]: seconds of duty the roster plans (the centre sets it)
        self.scheduled = np.zeros((intervals, groups))
        self.overtime = np.zeros((intervals, groups))
        self.drain = np.zeros(groups)  # busy time after the horizon (agents finishing)
        # Pending records, folded in by flush(), as columns (appending to a list is the
        # cheapest thing the hot path can do): answered contacts (arrival, kind, group,
        # start, end), other outcomes (arrival, kind, outcome, wait), overtime (group,
        # start, end), agent tasks (group, start, end).
        self._answered: tuple[list[float], list[int], list[int], list[float], list[float]] = (
            [], [], [], [], []
        )
        self._other: tuple[list[float], list[int], list[int], list[float]] = ([], [], [], [])
        self._over: tuple[list[int], list[float], list[float]] = ([], [], [])
        self._tasks: tuple[list[int], list[float], list[float]] = ([], [], [])
        self._append_answered = tuple(column.append for column in self._answered)
        self._append_task = tuple(column.append for column in self._tasks)

    def arrived(self, kind: int, times: np.ndarray) -> None:
        """First attempts of type ``kind`` arrive at ``times`` (seconds): they are offered."""
        interval = (times // self.period).astype(np.intp)
        interval = interval[(interval >= 0) & (interval < self.intervals)]
        self.offered[:, kind] += np.bincount(interval, minlength=self.intervals)

    def arrived_at(self, kind: int, time: float) -> None:
        """One first attempt of type ``kind`` arrives at ``time`` (seconds): offered."""
        interval = int(time // self.period)
        if 0 <= interval < self.intervals:
            self.offered[interval, kind] += 1

    def record(self, contact: Contact, outcome: int, wait: float) -> None:
        """``contact`` left with ``outcome`` (not answered) after waiting ``wait`` seconds."""
        arrival, kind, outcomes, waits = self._other
        arrival.append(contact.arrival)
        kind.append(contact.kind)
        outcomes.append(outcome)
        waits.append(wait)

    def answered(self, contact: Contact, group: int, start: float, end: float) -> None:
        """An agent of ``group`` answers ``contact`` at ``start`` and is busy with it (talk
        and wrap-up) until ``end``."""
        arrival, kind, groups, starts, ends = self._append_answered
        arrival(contact.arrival)
        kind(contact.kind)
        groups(group)
        starts(start)
        ends(end)

    def extra(self, group: int, start: float, end: float) -> None:
        """An agent of ``group`` stays from ``start`` to ``end`` after its shift ended."""
        for column, value in zip(self._over, (group, start, end), strict=True):
            column.append(value)

    def event(self, contact: Contact, time: float, name: str, group: int = -1) -> None:
        """A policy's event about ``contact`` (kept only in a trace)."""

    def note(self, time: float, name: str, label: str, number: int, group: int = -1) -> None:
        """A policy's event about something other than a contact — outbound call
        ``number`` of campaign ``label``, say (kept only in a trace)."""

    def task(self, group: int, start: float, end: float) -> None:
        """An agent of ``group`` works on a task other than a contact from ``start`` to
        ``end`` (busy time)."""
        groups, starts, ends = self._append_task
        groups(group)
        starts(start)
        ends(end)

    def pending(self) -> int:
        """Contacts recorded but not yet folded into the counters."""
        return len(self._answered[0]) + len(self._other[0])

    def flush(self) -> None:
        """Fold the pending records into the per-interval counters."""
        if self._answered[0] or self._other[0]:
            self._fold_contacts()
        if self._over[0]:
            self._spread(*_take(self._over, _SEGMENT), self.overtime)
        if self._tasks[0]:
            self._spread(*_take(self._tasks, _SEGMENT), self.busy_time)

    def check(self) -> None:
        """Raise :class:`AccountingError` unless, in every measured interval and contact
        type, offered = the sum of the outcome columns (call after the last flush)."""
        w = self.warmup_intervals
        counted = self.counts[_TERMS, w:].sum(axis=0)
        wrong = np.argwhere(counted != self.offered[w:])
        if len(wrong):
            i, k = wrong[0]
            raise AccountingError(
                f"interval {i + w}, contact type {k}: {self.offered[i + w, k]} offered but "
                f"{counted[i, k]} counted in the outcome columns"
            )

    def _fold_contacts(self) -> None:
        arrival_a, kind_a, group, start, end = _take(self._answered, _ANSWERED_COLUMNS)
        arrival_o, kind_o, outcome_o, wait_o = _take(self._other, _OTHER_COLUMNS)
        if len(group):
            self._spread(group, start, end, self.busy_time)
        arrival = np.concatenate((arrival_a, arrival_o))
        kind = np.concatenate((kind_a, kind_o)).astype(np.intp)
        outcome = np.concatenate((np.full(len(arrival_a), _ANSWERED), outcome_o)).astype(np.intp)
        wait = np.concatenate((start - arrival_a, wait_o))
        interval = (arrival // self.period).astype(np.intp)
        keep = (interval >= self.warmup_intervals) & (interval < self.intervals)
        interval, kind, outcome, wait = interval[keep], kind[keep], outcome[keep], wait[keep]
        if not len(interval):
            return
        # Only the intervals these records touch, not the whole horizon.
        low, high = int(interval.min()), int(interval.max()) + 1
        cell = (interval - low) * self.kinds + kind
        shape = (high - low, self.kinds)
        size = shape[0] * shape[1]

        def count(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
            w = None if weights is None else weights[mask]
            return np.bincount(cell[mask], weights=w, minlength=size).reshape(shape)

        answered = outcome == Outcome.ANSWERED
        for o in Outcome:
            self.counts[o, low:high] += count(outcome == o)
        within = wait <= self.answer_within
        self.in_sl[low:high] += count(answered & within)
        self.short[low:high] += count((outcome == Outcome.ABANDONED) & within)
        self.waited[low:high] += count(wait > 0)
        self.wait_answered[low:high] += count(answered, wait)
        self.wait_all[low:high] += count(np.ones_like(answered), wait)
        self.hist[low:high] += np.bincount(
            cell * _BINS + wait_bins(wait), minlength=size * _BINS
        ).reshape(*shape, _BINS).astype(self.hist.dtype)

    def _spread(
        self, group: np.ndarray, start: np.ndarray, end: np.ndarray, into: np.ndarray
    ) -> None:
        """Add the length of each segment of ``group`` from ``start`` to ``end`` to the
        intervals it overlaps before the horizon (busy time after it to ``drain``)."""
        group = group.astype(np.intp)
        if into is self.busy_time:
            horizon = self.intervals * self.period
            after = np.maximum(end - np.maximum(start, horizon), 0.0)
            self.drain += np.bincount(group, after, minlength=self.groups)
        spread(group, start, end, self.period, into)


def spread(column: np.ndarray, start: np.ndarray, end: np.ndarray, period: float,
           into: np.ndarray) -> None:
    """Add the length of each segment from ``start`` to ``end`` (seconds, ``end >= start``)
    to ``into[interval, column]`` for each interval of ``period`` seconds it overlaps;
    the part after the last interval of ``into`` is left out."""
    intervals, columns = into.shape
    first = (start // period).astype(np.intp)
    last = (end // period).astype(np.intp)
    # A segment adds to its first interval up to that interval's end (or its own end),
    # to its last interval from that interval's start, and a whole period to any between.

    def add(index: np.ndarray, mask: np.ndarray, amount: np.ndarray) -> None:
        into[...] += np.bincount(
            index[mask] * columns + column[mask], amount[mask], minlength=into.size
        ).reshape(into.shape)

    add(first, first < intervals, np.minimum(end, (first + 1) * period) - start)
    add(last, (last > first) & (last < intervals), end - last * period)
    for g, i, j in zip(column[last > first + 1], first[last > first + 1],
                       np.minimum(last, intervals)[last > first + 1], strict=True):
        into[i + 1:j, g] += period


def wait_bins(wait: np.ndarray) -> np.ndarray:
    """The bin of the wait histogram that holds each of ``wait`` (seconds)."""
    positive = np.maximum(wait, _W0)
    bins = np.where(wait > 0, 1 + np.floor(np.log(positive / _W0) / _LOG_R).astype(np.intp), 0)
    return np.minimum(bins, _BINS - 1)


def _take(columns: tuple[list, ...], dtypes: tuple[type, ...]) -> list[np.ndarray]:
    """The pending ``columns`` as arrays of ``dtypes``; the lists are emptied.
    (``np.fromiter`` with a known type and length takes half the time of ``np.array``,
    which first looks at every item to find the type.)"""
    arrays = [np.fromiter(column, dtype, len(column))
              for column, dtype in zip(columns, dtypes, strict=True)]
    for column in columns:
        column.clear()
    return arrays


def frame(rows: list[dict[str, float]]) -> pd.DataFrame:
    """Rows as a pandas DataFrame (pandas is imported only when results are built)."""
    import pandas as pd

    return pd.DataFrame(rows)
