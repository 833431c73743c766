"""The blending benchmark case (Erlang A with an unlimited outbound list worked under the
``reserve`` rule) and the per-batch counts both of its models report.

``agents`` agents in one group, Poisson inbound arrivals at ``LOAD · agents / MEAN_HANDLE``
per second over ``[0, horizon)``, exponential inbound talk time (mean 4 min) and patience
(mean 3 min), one FIFO line. The group also calls out for one campaign with an unlimited
list, ``dial_time = 0``, ``reach = 1``, exponential outbound talk time (mean
``MEAN_OUTBOUND``), ``success = 0``, no wrap-up, under ``blending = { rule = "reserve",
keep_idle = K }`` with ``K = keep_idle(agents)``: an agent who frees takes the caller at the
head of the line if one waits; otherwise it starts an outbound call if at least ``K``
*other* agents are idle, else it goes idle. At time 0, agents dial while ``K`` others stay
idle. No outbound call starts at or after the horizon; the centre then drains.

As in :mod:`benchmarks.case`, the horizon is cut into ``1 + batches`` equal intervals by
arrival time (the first is the warm-up); outbound calls count in the interval they start in.
"""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.case import Case

LOAD = 0.8  #: offered inbound load per agent (erlangs)
MEAN_OUTBOUND = 300.0  #: seconds (5 min) of an outbound conversation


def keep_idle(agents: int) -> int:
    """``K``: about a tenth of the group kept idle for inbound, at least 2 (2 at 10 agents,
    5 at 50)."""
    return max(2, agents // 10)


@dataclass(frozen=True)
class BlendingCase(Case):
    """One blending benchmark case: the Erlang-A case at load ``LOAD`` with outbound calls."""

    load: float = LOAD

    @property
    def keep_idle(self) -> int:
        return keep_idle(self.agents)


@dataclass
class BlendingCounts:
    """Counts per interval (interval 0 is the warm-up): inbound by the caller's arrival,
    outbound calls by their start."""

    offered: list[int]  #: callers who arrived
    abandoned: list[int]  #: hung up on the line
    answered: list[int]  #: answered
    waited: list[int]  #: found no idle agent (waited > 0)
    outbound: list[int]  #: outbound conversations started

    @classmethod
    def empty(cls, intervals: int) -> BlendingCounts:
        return cls(*([0] * intervals for _ in range(5)))


@dataclass(frozen=True)
class BlendingOutcome:
    """What one run produced: customers (inbound) simulated and the counts per interval."""

    customers: int
    counts: BlendingCounts


class BlendingRecorder:
    """What the textbook model calls per customer and per outbound call: fixed-size
    counters, no per-customer lists, so its memory stays flat."""

    __slots__ = ("counts", "intervals", "period")

    def __init__(self, case: BlendingCase):
        self.period = case.period
        self.intervals = case.batches + 1
        self.counts = BlendingCounts.empty(self.intervals)

    def _i(self, time: float) -> int:
        return min(int(time / self.period), self.intervals - 1)

    def answered(self, arrival: float, waited: bool) -> None:
        i = self._i(arrival)
        c = self.counts
        c.offered[i] += 1
        c.answered[i] += 1
        if waited:
            c.waited[i] += 1

    def abandoned(self, arrival: float) -> None:
        i = self._i(arrival)
        c = self.counts
        c.offered[i] += 1
        c.abandoned[i] += 1
        c.waited[i] += 1  # patience > 0 with probability one: an abandoner waited

    def outbound(self, start: float) -> None:
        self.counts.outbound[self._i(start)] += 1


@dataclass(frozen=True)
class BlendingBatches:
    """Per-batch values of the measured batches (all intervals but the warm-up) of runs."""

    offered: int
    abandon_rate: tuple[float, ...]
    p_wait: tuple[float, ...]
    outbound_per_hour: tuple[float, ...]
    events: dict[str, int]  #: abandons, waits, outbound calls, all batches


def blending_batches(runs: list[BlendingCounts], period: float) -> BlendingBatches:
    """Batch values of abandon rate, P(wait) and outbound conversations per hour."""
    offered = abandons = waits = calls = 0
    ab, pw, out = [], [], []
    hours = period / 3600.0
    for c in runs:
        for i in range(1, len(c.offered)):
            o = c.offered[i]
            offered, abandons = offered + o, abandons + c.abandoned[i]
            waits, calls = waits + c.waited[i], calls + c.outbound[i]
            if o:
                ab.append(c.abandoned[i] / o)
                pw.append(c.waited[i] / o)
            out.append(c.outbound[i] / hours)
    return BlendingBatches(
        offered, tuple(ab), tuple(pw), tuple(out),
        {"abandon_rate": abandons, "p_wait": waits, "outbound_per_hour": calls},
    )
