"""What the policy sections share to judge agreement: intervals over batch means, Welch's
interval of a difference, and loading an exact-chain solver from tests/ by its path."""

from __future__ import annotations

import importlib.util
import math
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from scipy import stats

from benchmarks.suite import MIN_EVENTS, SizeRuns


@dataclass(frozen=True)
class Interval:
    """A mean with its t-interval's half-width; ``exact`` is the chain's value (or NaN)."""

    value: float
    half_width: float
    exact: float
    events: int

    @property
    def within(self) -> bool | None:
        """The exact value in the interval; ``None`` with too few events or no exact value."""
        if self.events < MIN_EVENTS or math.isnan(self.half_width) or math.isnan(self.exact):
            return None
        return abs(self.value - self.exact) <= self.half_width


@dataclass(frozen=True)
class Agreement:
    """One model (or the difference ccsim − textbook, ``model="difference"``, whose exact
    value is 0) at one agent count."""

    model: str
    agents: int
    measured: int  #: customers in the measured batches, all rounds
    batches: int
    metrics: dict[str, Interval]


def agreements(
    results: Sequence[SizeRuns],
    chains: dict[int, Any] | None,
    batches_of: Callable[[SizeRuns, list[Any]], Any],
    metrics: Sequence[str],
    level: float,
) -> list[Agreement]:
    """Per model and agent count, the batch means of ``metrics`` (``batches_of(size, the
    runs' counts)`` gives them, with ``events`` and ``offered``) against the exact chain
    where solved (``chains``: agents → an object with those attributes), and ccsim −
    textbook, at ``level``."""
    out = []
    for size in results:
        exact = (chains or {}).get(size.agents)
        batches = {}
        for model in ("ccsim", "textbook"):
            if model not in size.runs:
                continue
            b = batches_of(size, [r.counts for r in size.runs[model]])
            batches[model] = b
            found = {
                name: mean_interval(getattr(b, name), getattr(exact, name) if exact else math.nan,
                                    b.events[name], level)
                for name in metrics
            }
            out.append(Agreement(model, size.agents, b.offered, len(b.abandon_rate), found))
        if len(batches) == 2:
            a, t = batches["ccsim"], batches["textbook"]
            found = {
                name: welch_interval(getattr(a, name), getattr(t, name),
                                     min(a.events[name], t.events[name]), level)
                for name in metrics
            }
            out.append(Agreement("difference", size.agents, min(a.offered, t.offered),
                                 min(len(a.abandon_rate), len(t.abandon_rate)), found))
    return out


def mean_interval(values: Sequence[float], exact: float, events: int,
                  level: float) -> Interval:
    """The mean of ``values`` with its Student-t interval at ``level``."""
    k = len(values)
    if k < 2:
        return Interval(values[0] if values else math.nan, math.nan, exact, events)
    half = float(stats.t.ppf(0.5 + level / 2, k - 1)) * statistics.stdev(values) / math.sqrt(k)
    return Interval(statistics.fmean(values), half, exact, events)


def welch_interval(a: Sequence[float], b: Sequence[float], events: int,
                   level: float) -> Interval:
    """Welch's interval at ``level`` for mean(a) − mean(b) (exact value 0)."""
    if len(a) < 2 or len(b) < 2:
        return Interval(math.nan, math.nan, 0.0, events)
    va, vb = statistics.variance(a) / len(a), statistics.variance(b) / len(b)
    se = math.sqrt(va + vb)
    diff = statistics.fmean(a) - statistics.fmean(b)
    if se == 0:
        return Interval(diff, 0.0, 0.0, events)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    return Interval(diff, float(stats.t.ppf(0.5 + level / 2, df)) * se, 0.0, events)


def load_by_path(path: Path) -> ModuleType:
    """The module at ``path`` (a chain solver in tests/, which is not a package), imported
    once under its file name."""
    name = path.stem
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while it loads
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module
