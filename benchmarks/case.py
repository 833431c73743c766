"""The benchmark model (Erlang A, M/M/n+M) and the per-batch counts every model reports.

All three implementations simulate the same case: ``agents`` agents, Poisson arrivals at
``load · agents / mean_handle`` per second over ``[0, horizon)``, exponential handle times
and exponential patience, one FIFO queue. The horizon is cut into ``1 + batches`` equal
intervals by arrival time: the first is the warm-up (discarded), the others are batches
for batch-means confidence intervals. A fixed number of intervals keeps ccsim's
per-interval tables the same size whatever the number of customers, so the memory check
measures growth per customer, not per interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

MEAN_HANDLE = 240.0  #: seconds (4 min)
MEAN_PATIENCE = 180.0  #: seconds (3 min)
LOAD = 0.92  #: offered load per agent (erlangs)
BATCHES = 10  #: measured batches after the warm-up interval


@dataclass(frozen=True)
class Case:
    """One Erlang-A benchmark case: ``agents`` and the expected number of ``customers``."""

    agents: int
    customers: int
    batches: int = BATCHES
    load: float = LOAD  #: offered load per agent (erlangs)

    @property
    def arrival_rate(self) -> float:
        """Arrivals per second, so that the offered load is ``load · agents`` erlangs."""
        return self.load * self.agents / MEAN_HANDLE

    @property
    def horizon(self) -> float:
        """Seconds of arrivals, so that ``customers`` are expected."""
        return self.customers / self.arrival_rate

    @property
    def period(self) -> float:
        """Length of the warm-up interval and of each batch, seconds."""
        return self.horizon / (self.batches + 1)


@dataclass
class Counts:
    """Outcome counts per interval by arrival time (interval 0 is the warm-up).

    Kept as a handful of fixed-size lists so that collecting them costs no memory per
    customer in any model.
    """

    offered: list[int]
    abandoned: list[int]
    waited: list[int]
    answered: list[int]
    wait_answered: list[float] = field(repr=False)

    @classmethod
    def empty(cls, intervals: int) -> Counts:
        return cls(
            [0] * intervals, [0] * intervals, [0] * intervals, [0] * intervals, [0.0] * intervals
        )


class Recorder:
    """Counts outcomes by the interval of arrival; what each peer model calls per customer."""

    __slots__ = ("counts", "intervals", "period")

    def __init__(self, case: Case):
        self.period = case.period
        self.intervals = case.batches + 1
        self.counts = Counts.empty(self.intervals)

    def answered(self, arrival: float, wait: float) -> None:
        i = min(int(arrival / self.period), self.intervals - 1)
        c = self.counts
        c.offered[i] += 1
        c.answered[i] += 1
        c.wait_answered[i] += wait
        if wait > 0.0:
            c.waited[i] += 1

    def abandoned(self, arrival: float, wait: float) -> None:
        i = min(int(arrival / self.period), self.intervals - 1)
        c = self.counts
        c.offered[i] += 1
        c.abandoned[i] += 1
        # An abandoning customer always waited (patience > 0 with probability one).
        c.waited[i] += 1


@dataclass(frozen=True)
class BatchStats:
    """Pooled estimates and per-batch values of the measured batches of one or more runs."""

    offered: int
    abandon_rate: float
    p_wait: float
    asa: float
    abandon_batches: tuple[float, ...]
    p_wait_batches: tuple[float, ...]
    asa_batches: tuple[float, ...]


def batch_stats(runs: list[Counts]) -> BatchStats:
    """Pool the measured batches (all intervals but the warm-up) of ``runs``."""
    offered = abandoned = waited = answered = 0
    wait_answered = 0.0
    ab, pw, asa = [], [], []
    for c in runs:
        for i in range(1, len(c.offered)):
            o, a, n = c.offered[i], c.abandoned[i], c.answered[i]
            offered, abandoned, waited = offered + o, abandoned + a, waited + c.waited[i]
            answered, wait_answered = answered + n, wait_answered + c.wait_answered[i]
            if o:
                ab.append(a / o)
                pw.append(c.waited[i] / o)
            if n:
                asa.append(c.wait_answered[i] / n)
    return BatchStats(
        offered=offered,
        abandon_rate=abandoned / offered if offered else math.nan,
        p_wait=waited / offered if offered else math.nan,
        asa=wait_answered / answered if answered else math.nan,
        abandon_batches=tuple(ab),
        p_wait_batches=tuple(pw),
        asa_batches=tuple(asa),
    )


@dataclass(frozen=True)
class RunOutcome:
    """What one timed run produced: customers simulated and their counts per interval."""

    customers: int
    counts: Counts
