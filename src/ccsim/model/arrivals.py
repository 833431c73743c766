"""Arrival processes.

Arrivals of a contact type are a Poisson process whose rate is constant within each
reporting interval (``volumes[i]`` expected contacts in interval ``i``). Arrival times are
made by a time change: the points of a unit-rate Poisson process (cumulative sums of
Exp(1) draws) are mapped through the inverse of the cumulative expected volume Λ(t).
This is exact, draws one number per arrival whatever the volumes, and keeps the n-th
arrival tied to the n-th draw, which is what common random numbers need.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence

import numpy as np

from ccsim.streams import BATCH


def arrival_times(
    volumes: Sequence[float],
    period: float,
    rng: np.random.Generator,
    seen: Callable[[np.ndarray], None] | None = None,
) -> Iterator[float]:
    """Arrival times (seconds, increasing) of a Poisson process with ``volumes[i]`` expected
    arrivals in ``[i·period, (i+1)·period)``; ends at the horizon ``len(volumes)·period``.
    ``seen`` is given each batch of times as it is made (to count arrivals with numpy:
    every time made is consumed by the end of a run)."""
    # Batches flattened by C-level itertools: no Python frame per arrival.
    return itertools.chain.from_iterable(_batches(volumes, period, rng, seen))


def _batches(
    volumes: Sequence[float],
    period: float,
    rng: np.random.Generator,
    seen: Callable[[np.ndarray], None] | None,
) -> Iterator[list[float]]:
    rates = np.asarray(volumes, dtype=float)
    cumulative = np.concatenate(([0.0], np.cumsum(rates)))
    total = cumulative[-1]
    level = 0.0
    while True:
        points = level + np.cumsum(rng.exponential(1.0, BATCH))
        level = float(points[-1])
        inside = points[points < total]
        # The interval holding each point: Λ(start) <= point < Λ(end), so its volume is > 0.
        index = np.searchsorted(cumulative, inside, side="right") - 1
        times = (index + (inside - cumulative[index]) / rates[index]) * period
        if seen is not None:
            seen(times)
        yield times.tolist()
        if len(inside) < len(points):
            return
