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
  (:class:`~ccsim.model.contacts.Outcome`, an open set: policies register their own).
  Other attempt kinds (repeats, ...) are counted apart, each with its own arrivals and
  outcomes. :meth:`Tally.check` verifies at the end of every run that, for every attempt
  kind, each contact that arrived is counted in exactly one outcome column.
* ``abandon_rate`` = abandoned / offered.
* ``service_level`` = answered with wait <= ``answer_within`` / offered.
* ``asa`` — mean wait of answered contacts, seconds.
* ``mean_wait`` — mean time in queue of all offered contacts (abandoned ones until they
  left), seconds; ``wait_p50``, ``wait_p90``, ``wait_p95`` — its quantiles, from a
  histogram with 1 % wide bins (relative error below 1 %).
* ``p_wait`` — share of offered contacts that waited at all.
* ``occupancy`` — agents' busy time (talk + wrap-up) / their staffed time, both inside the
  measured window; staffed time is the duty the roster plans (``scheduled``: head count ×
  time, for head counts; for named agents, their duty as worked, breaks taken late where
  they were taken) plus the overtime of agents finishing a contact after their duty
  ended (see :mod:`ccsim.model.roster`).

Contacts of an outcome *outside the line's service* (``closed``: the centre was closed; see
:attr:`~ccsim.model.registry.Metric.outside`) count in ``offered`` and its identity, but
not in the waits, and the service metrics' denominators leave them out.

A rate whose denominator is zero is NaN, never 0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ccsim.model.axes import Axes
from ccsim.model.contacts import FIRST, Contact, Outcome, attempt_name, outcomes

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


class AccountingError(AssertionError):
    """Contacts offered and their outcomes disagree: a bug in the model or in a policy."""


class Counts:
    """The contact counters of one attempt kind, per interval × class (the first axis of
    ``counts``: the outcome)."""

    def __init__(self, intervals: int, classes: int):
        shape = (intervals, classes)
        self.offered = np.zeros(shape, dtype=np.int64)
        self.counts = np.zeros((len(outcomes()), *shape), dtype=np.int64)
        self.in_sl = np.zeros(shape, dtype=np.int64)
        self.short = np.zeros(shape, dtype=np.int64)  # abandoned within answer_within
        self.waited = np.zeros(shape, dtype=np.int64)
        self.wait_answered = np.zeros(shape)
        self.wait_all = np.zeros(shape)
        self.hist = np.zeros((*shape, _BINS), dtype=np.int32)

    def fold(self, interval: np.ndarray, kind: np.ndarray, outcome: np.ndarray,
             wait: np.ndarray, answer_within: np.ndarray,
             outside: tuple[int, ...] = ()) -> None:
        """Add contacts of measured ``interval``s (and class ``kind``, ``outcome``,
        ``wait``), judged against the service-level threshold of their class
        (``answer_within[kind]``, seconds); those of the ``outside`` outcomes only to
        ``offered`` and ``counts``."""
        if not len(interval):
            return
        if int(outcome.max()) >= len(self.counts):  # an outcome registered during the run
            grown = np.zeros((len(outcomes()), *self.offered.shape), dtype=np.int64)
            grown[:len(self.counts)] = self.counts
            self.counts = grown
        classes = self.offered.shape[1]
        # Only the intervals these records touch, not the whole horizon.
        low, high = int(interval.min()), int(interval.max()) + 1
        cell = (interval - low) * classes + kind
        shape = (high - low, classes)
        size = shape[0] * shape[1]

        def count(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
            w = None if weights is None else weights[mask]
            return np.bincount(cell[mask], weights=w, minlength=size).reshape(shape)

        answered = outcome == Outcome.ANSWERED
        self.counts[:, low:high] += np.bincount(
            outcome * size + cell, minlength=len(self.counts) * size
        ).reshape(len(self.counts), *shape)
        within = wait <= answer_within[kind]
        self.in_sl[low:high] += count(answered & within)
        self.short[low:high] += count((outcome == Outcome.ABANDONED) & within)
        self.wait_answered[low:high] += count(answered, wait)
        if outside:  # the waits of the line's own contacts
            line = ~np.isin(outcome, outside)
            cell, wait = cell[line], wait[line]
        self.waited[low:high] += count(wait > 0)
        self.wait_all[low:high] += np.bincount(cell, wait, minlength=size).reshape(shape)
        self.hist[low:high] += np.bincount(
            cell * _BINS + wait_bins(wait), minlength=size * _BINS
        ).reshape(*shape, _BINS).astype(self.hist.dtype)


class Tally:
    """Per-interval statistics of one run, on its declared :class:`~ccsim.model.axes.Axes`.

    Times are seconds since the start of the horizon. Contacts are counted by attempt kind
    (``by_attempt``; ``first``: first attempts, whose counters are the line's metrics); the
    agents' busy time, whatever they worked on, per interval × group. This tally counts
    every contact as a first attempt: a run whose axes count other attempt kinds apart
    has a :class:`~ccsim.model.tallies.SplitTally` (see
    :func:`ccsim.model.trace.tally_type`), so that a run without them pays nothing per
    contact for the split.
    """

    #: Whether :meth:`event` and :meth:`note` keep anything (a trace).
    tracing = False

    def __init__(self, axes: Axes, *, answer_within: float | Sequence[float],
                 expected: np.ndarray | None = None):
        self.axes = axes
        self.period = axes.period  # (the staffed time of the tables reads it)
        #: answer_within[k]: the service-level threshold of contact class k, seconds
        self.answer_within = np.broadcast_to(np.asarray(answer_within, float), (axes.classes,))
        shape = (axes.intervals, axes.classes)
        #: expected[i, k]: the arrivals of type k the forecast expects in interval i
        self.expected = np.zeros(shape) if expected is None else np.asarray(expected, float)
        #: the contact counters of each attempt kind counted
        self.by_attempt = {attempt: Counts(*shape) for attempt in axes.attempts}
        self.first = self.by_attempt[FIRST]
        self.busy_time = np.zeros((axes.intervals, axes.groups))
        #: scheduled[i, g]: seconds of regular duty (not overtime): the roster's plan for
        #: head counts (the centre sets it); for a group of named agents, their duty as
        #: worked (recorded by :meth:`duty`: a break taken late moves it)
        self.scheduled = np.zeros((axes.intervals, axes.groups))
        self.overtime = np.zeros((axes.intervals, axes.groups))
        self.drain = np.zeros(axes.groups)  # busy time after the horizon (agents finishing)
        # Pending records, folded in by flush(), as columns (appending to a list is the
        # cheapest thing the hot path can do): answered contacts (arrival, kind, group,
        # start, end), other outcomes (arrival, kind, outcome, wait), overtime (group,
        # start, end), agent tasks (group, start, end); a SplitTally adds the attempt kind
        # of each contact record.
        self._answered: tuple[list[float], list[int], list[int], list[float], list[float]] = (
            [], [], [], [], []
        )
        self._other: tuple[list[float], list[int], list[int], list[float]] = ([], [], [], [])
        self._over: tuple[list[int], list[float], list[float]] = ([], [], [])
        self._duty: tuple[list[int], list[float], list[float]] = ([], [], [])
        self._tasks: tuple[list[int], list[float], list[float]] = ([], [], [])
        self._untasks: tuple[list[int], list[float], list[float]] = ([], [], [])
        a, t = self._answered, self._tasks
        self._append_answered = (a[0].append, a[1].append, a[2].append, a[3].append,
                                 a[4].append)
        self._append_task = (t[0].append, t[1].append, t[2].append)

    def arrived(self, kind: int, times: np.ndarray) -> None:
        """First attempts of class ``kind`` (a type without segments) arrive at ``times``
        (seconds): they are offered."""
        interval = self.axes.index(times)
        interval = interval[(interval >= 0) & (interval < self.axes.intervals)]
        self.first.offered[:, kind] += np.bincount(interval, minlength=self.axes.intervals)

    def arrived_classes(self, classes: np.ndarray, times: np.ndarray) -> None:
        """First attempts of contact ``classes`` arrive at ``times`` (seconds, one class
        each): they are offered."""
        interval = self.axes.index(times)
        inside = (interval >= 0) & (interval < self.axes.intervals)
        self.first.offered += np.bincount(
            interval[inside] * self.axes.classes + classes[inside],
            minlength=self.first.offered.size).reshape(self.first.offered.shape)

    def arrived_at(self, kind: int, time: float, attempt: int = FIRST) -> None:
        """One contact of class ``kind`` and ``attempt`` kind arrives at ``time`` (seconds):
        offered, for a first attempt; counted among its kind's, for another."""
        interval = int(time // self.axes.period)  # as Axes.index, without numpy (per call)
        if 0 <= interval < self.axes.intervals:
            self.by_attempt[attempt].offered[interval, kind] += 1

    def record(self, contact: Contact, outcome: int, wait: float) -> None:
        """``contact`` left with ``outcome`` (not answered) after waiting ``wait`` seconds."""
        arrival, kind, outcomes, waits = self._other
        arrival.append(contact.arrival)
        kind.append(contact.kind)
        outcomes.append(outcome)
        waits.append(wait)

    def answered(self, contact: Contact, group: int, start: float, end: float,
                 agent: int = -1) -> None:
        """Agent number ``agent`` of ``group`` answers ``contact`` at ``start`` and is busy
        with it (talk and wrap-up) until ``end`` (only a trace keeps who)."""
        arrival, kind, groups, starts, ends = self._append_answered
        arrival(contact.arrival)
        kind(contact.kind)
        groups(group)
        starts(start)
        ends(end)

    def seated(self, contact: Contact, group: int, start: float, end: float,
               agent: int = -1) -> None:
        """``contact``, answered at ``start`` by agent number ``agent`` of ``group``, was
        worked on until ``end``, its agent's busy time kept apart: answered, with no busy
        time of its own (a chat's agent is busy while it holds any chat, see
        :mod:`ccsim.model.chat`; an e-mail's work is a task, see
        :mod:`ccsim.model.deferred`)."""
        self.answered(contact, group, start, start, agent)

    def extra(self, group: int, start: float, end: float) -> None:
        """An agent of ``group`` stays from ``start`` to ``end`` after its shift ended."""
        groups, starts, ends = self._over
        groups.append(group)
        starts.append(start)
        ends.append(end)

    def duty(self, group: int, start: float, end: float) -> None:
        """An agent of ``group`` (whose agents are named) was on regular duty from
        ``start`` to ``end``."""
        groups, starts, ends = self._duty
        groups.append(group)
        starts.append(start)
        ends.append(end)

    def event(self, contact: Contact, time: float, name: str, group: int = -1,
              agent: int = -1) -> None:
        """A policy's event about ``contact`` (at agent number ``agent`` of ``group``, if
        any: kept only in a trace)."""

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

    def untask(self, group: int, start: float, end: float) -> None:
        """The task of an agent of ``group`` recorded to ``end`` stopped at ``start``: its
        busy time from ``start`` to ``end`` is given back."""
        groups, starts, ends = self._untasks
        groups.append(group)
        starts.append(start)
        ends.append(end)

    def pending(self) -> int:
        """Contacts recorded but not yet folded into the counters."""
        return len(self._answered[0]) + len(self._other[0])

    def flush(self) -> None:
        """Fold the pending records into the per-interval counters."""
        if self._answered[0] or self._other[0]:
            self._fold_contacts()
        if self._over[0]:
            group, start, end = _take(self._over, _SEGMENT)
            self._spread(group, start, end, self.overtime)
        if self._duty[0]:
            group, start, end = _take(self._duty, _SEGMENT)
            self._spread(group, start, end, self.scheduled)
        if self._tasks[0]:
            group, start, end = _take(self._tasks, _SEGMENT)
            self._spread(group, start, end, self.busy_time)
        if self._untasks[0]:  # after the tasks they shorten
            group, start, end = _take(self._untasks, _SEGMENT)
            self._spread(group, start, end, self.busy_time, sign=-1.0)

    def check(self) -> None:
        """Raise :class:`AccountingError` unless, for every attempt kind, measured interval
        and contact class, the contacts that arrived = the sum of the outcome columns (every
        registered outcome), and every outcome counted is one the tables report (call after
        the last flush)."""
        w = self.axes.warmup
        for attempt, part in self.by_attempt.items():
            what = "" if attempt == FIRST else f", {attempt_name(attempt)} attempts"
            counted = part.counts[:, w:]
            total = counted.sum(axis=0)
            if not np.array_equal(total, part.offered[w:]):
                i, k = np.argwhere(total != part.offered[w:])[0]
                raise AccountingError(
                    f"interval {i + w}, contact type {k}{what}: {part.offered[i + w, k]} "
                    f"offered but {total[i, k]} counted in the outcome columns "
                    f"({', '.join(o.column for o in outcomes())})"
                )
            stray = [o for o in range(len(counted)) if o not in self.axes.outcomes]
            if stray and counted[stray].any():
                o = next(o for o in stray if counted[o].any())
                raise AccountingError(
                    f"outcome {Outcome(o).column!r}{what}: {counted[o].sum()} contacts "
                    "recorded with it, but no installed policy declares it "
                    "(Policy.outcomes), so no table would show them")

    def _fold_contacts(self) -> None:
        arrival_a, kind_a, group, start, end = _take(self._answered, _ANSWERED_COLUMNS)
        arrival_o, kind_o, outcome_o, wait_o = _take(self._other, _OTHER_COLUMNS)
        attempt = self._take_attempts()
        if len(group):
            # Other attempts' busy time went in with the agents' tasks (see SplitTally).
            first = slice(None) if attempt is None else attempt[:len(group)] == FIRST
            self._spread(group[first], start[first], end[first], self.busy_time)
        arrival = np.concatenate((arrival_a, arrival_o))
        kind = self._classes(np.concatenate((kind_a, kind_o)).astype(np.intp))
        outcome = np.concatenate((np.full(len(arrival_a), _ANSWERED), outcome_o)).astype(np.intp)
        wait = np.concatenate((start - arrival_a, wait_o))
        if len(outcome) and (outcome.min() < 0 or outcome.max() >= len(outcomes())):
            bad = outcome[(outcome < 0) | (outcome >= len(outcomes()))][0]
            raise AccountingError(f"a contact was recorded with outcome {bad}, which is not "
                                  "a registered outcome (see ccsim.register)")
        interval = self.axes.index(arrival)
        keep = (interval >= self.axes.warmup) & (interval < self.axes.intervals)
        if attempt is None:
            self.first.fold(interval[keep], kind[keep], outcome[keep], wait[keep],
                            self.answer_within, self.axes.outside)
            return
        for kind_of_attempt, part in self.by_attempt.items():
            mine = keep & (attempt == kind_of_attempt)
            part.fold(interval[mine], kind[mine], outcome[mine], wait[mine],
                      self.answer_within, self.axes.outside)

    def _take_attempts(self) -> np.ndarray | None:
        """The attempt kind of each pending contact record, answered ones first (``None``:
        all first attempts)."""
        return None

    def _classes(self, kind: np.ndarray) -> np.ndarray:
        """The contact class of each pending contact record of type ``kind``, answered
        ones first (a run without segments: the type)."""
        return kind

    def _spread(
        self, group: np.ndarray, start: np.ndarray, end: np.ndarray, into: np.ndarray,
        sign: float = 1.0,
    ) -> None:
        """Add (``sign`` -1: take away) the length of each segment of ``group`` from
        ``start`` to ``end`` to the intervals it overlaps before the horizon (busy time
        after it to ``drain``)."""
        group = group.astype(np.intp)
        if into is self.busy_time:
            horizon = self.axes.intervals * self.axes.period
            after = np.maximum(end - np.maximum(start, horizon), 0.0)
            self.drain += sign * np.bincount(group, after, minlength=self.axes.groups)
        if sign > 0:
            spread(group, start, end, self.axes, into)
            return
        given_back = np.zeros_like(into)
        spread(group, start, end, self.axes, given_back)
        into -= given_back


def spread(column: np.ndarray, start: np.ndarray, end: np.ndarray, axes: Axes,
           into: np.ndarray) -> None:
    """Add the length of each segment from ``start`` to ``end`` (seconds, ``end >= start``)
    to ``into[interval, column]`` for each interval of ``axes`` it overlaps; the part
    after the last interval of ``into`` is left out."""
    intervals, columns = into.shape
    period = axes.period
    first = axes.index(start)
    last = axes.index(end)
    # A segment adds to its first interval up to that interval's end (or its own end),
    # to its last interval from that interval's start, and a whole period to any between.

    def add(index: np.ndarray, mask: np.ndarray, amount: np.ndarray) -> None:
        into[...] += np.bincount(
            index[mask] * columns + column[mask], amount[mask], minlength=into.size
        ).reshape(into.shape)

    add(first, first < intervals, np.minimum(end, (first + 1) * period) - start)
    add(last, (last > first) & (last < intervals), end - last * period)
    longer = last > first + 1  # (few: as Python ints, not numpy scalars, to index with)
    for g, i, j in zip(column[longer].tolist(), first[longer].tolist(),
                       np.minimum(last[longer], intervals).tolist(), strict=True):
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
    arrays: list[np.ndarray] = [np.fromiter(column, dtype, len(column))
              for column, dtype in zip(columns, dtypes, strict=True)]
    for column in columns:
        column.clear()
    return arrays


def frame(rows: list[dict[str, float]]) -> pd.DataFrame:
    """Rows as a pandas DataFrame (pandas is imported only when results are built)."""
    import pandas as pd

    return pd.DataFrame(rows)
