"""The callback benchmark case (Erlang A with ``window``/``when_idle`` callback offers) and
the per-batch counts both of its models report.

``agents`` agents, Poisson arrivals at ``LOAD · agents / MEAN_HANDLE`` per second over
``[0, horizon)``, exponential talk time (mean 4 min) and patience (mean 3 min), one FIFO
line. A caller who finds every agent busy and at least ``K`` live callers waiting is offered
a callback and accepts with probability ``ACCEPT``; one who accepts leaves the line at once
and waits in a callback queue. A freed agent takes the caller at the head of the line if
one waits, else the oldest callback (``when_idle``). Each callback is answered at the first
attempt with no dialling time (``dial_time = 0``, ``reach = 1``) and the conversation takes
the caller's own talk time. The promise is long (10 h), so no rule looks at it.

As in :mod:`benchmarks.case`, the horizon is cut into ``1 + batches`` equal intervals by
arrival time (the first is the warm-up), here of a whole number of seconds each.
"""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.case import Case

LOAD = 0.95  #: offered load per agent (erlangs)
K = 3  #: offer when at least this many live callers already wait (and every agent is busy)
ACCEPT = 0.5  #: probability that an offered caller accepts
PROMISE = 36_000.0  #: seconds (10 h): long enough that no callback breaks it


@dataclass(frozen=True)
class CallbackCase(Case):
    """One callback benchmark case: the Erlang-A case at load ``LOAD`` with the offers."""

    load: float = LOAD


@dataclass
class CallbackCounts:
    """Outcome counts per interval by the caller's arrival (interval 0 is the warm-up)."""

    offered: list[int]  #: callers who arrived
    abandoned: list[int]  #: hung up on the line
    answered: list[int]  #: answered on the line
    offers: list[int]  #: offered a callback
    accepted: list[int]  #: accepted one (and left the line)
    completed: list[int]  #: callback conversations started
    delay: list[float]  #: sum of request → start of the callback conversation, seconds

    @classmethod
    def empty(cls, intervals: int) -> CallbackCounts:
        return cls(*([0] * intervals for _ in range(6)), [0.0] * intervals)


@dataclass(frozen=True)
class CallbackOutcome:
    """What one run produced: customers simulated and their counts per interval."""

    customers: int
    counts: CallbackCounts


class CallbackRecorder:
    """What the textbook model calls per customer: fixed-size counters, no per-customer
    lists, so its memory stays flat."""

    __slots__ = ("counts", "intervals", "period")

    def __init__(self, case: CallbackCase):
        self.period = case.period
        self.intervals = case.batches + 1
        self.counts = CallbackCounts.empty(self.intervals)

    def _i(self, arrival: float) -> int:
        return min(int(arrival / self.period), self.intervals - 1)

    def answered(self, arrival: float) -> None:
        i = self._i(arrival)
        self.counts.offered[i] += 1
        self.counts.answered[i] += 1

    def abandoned(self, arrival: float) -> None:
        i = self._i(arrival)
        self.counts.offered[i] += 1
        self.counts.abandoned[i] += 1

    def offer(self, arrival: float, accepted: bool) -> None:
        i = self._i(arrival)
        self.counts.offers[i] += 1
        if accepted:
            self.counts.offered[i] += 1
            self.counts.accepted[i] += 1

    def called_back(self, arrival: float, delay: float) -> None:
        i = self._i(arrival)
        self.counts.completed[i] += 1
        self.counts.delay[i] += delay


@dataclass(frozen=True)
class CallbackBatches:
    """Per-batch values of the measured batches (all intervals but the warm-up) of runs."""

    offered: int
    abandon_rate: tuple[float, ...]
    accepted: tuple[float, ...]
    delay: tuple[float, ...]
    events: dict[str, int]  #: abandons, acceptances, callbacks completed, all batches


def callback_batches(runs: list[CallbackCounts]) -> CallbackBatches:
    """Batch values of abandon rate, share accepted and mean callback delay."""
    offered = abandons = accepts = completed = 0
    ab, acc, delay = [], [], []
    for c in runs:
        for i in range(1, len(c.offered)):
            o, n = c.offered[i], c.completed[i]
            offered, abandons = offered + o, abandons + c.abandoned[i]
            accepts, completed = accepts + c.accepted[i], completed + n
            if o:
                ab.append(c.abandoned[i] / o)
                acc.append(c.accepted[i] / o)
            if n:
                delay.append(c.delay[i] / n)
    return CallbackBatches(
        offered, tuple(ab), tuple(acc), tuple(delay),
        {"abandon_rate": abandons, "accepted": accepts, "delay": completed},
    )


def chain_truncation(agents: int) -> tuple[int, int]:
    """Truncation ``(Q, M)`` of the exact chain for this case: callers on the line, callbacks
    pending. Chosen so that the boundary holds ~1e-6 of the probability or less at load
    0.95 (10 agents: ~1e-10; 50 agents: ~1e-6); :func:`benchmarks.callbacks.chain` reports
    the boundary mass it found."""
    return 15, 60 + 2 * agents
