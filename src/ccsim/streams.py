"""Random streams and distributions.

Every source of randomness in a run (the arrivals of each contact type, handle times,
patience, wrap-up, ...) draws from its own numpy ``Generator``. A stream is derived from
the run's seed and a stable *name*, never from its position in a list, so adding a
stream for a new feature leaves every other stream's draws unchanged and variants of a
sweep share common random numbers.

Distributions are plain frozen dataclasses with a vectorised ``sample``; the model pulls
values one at a time from a :class:`Draws` buffer that refills in numpy batches.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

#: Values drawn per numpy call, at most. A stream's values do not depend on it: each
#: distribution's numpy sampler draws the bit stream value by value (tested).
BATCH = 1024
#: The first batches of :func:`draws` double from this size up to :data:`BATCH`, so that
#: a short run does not draw, and make floats of, a thousand values it never uses.
FIRST_BATCH = 64


def stable_id(name: str) -> int:
    """A 64-bit integer derived from ``name`` alone (stable across runs and machines)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


def stream(seed: int, name: str) -> np.random.Generator:
    """The random generator of source ``name`` in the run seeded with ``seed``."""
    sequence = np.random.SeedSequence(seed, spawn_key=(stable_id(name),))
    return np.random.Generator(np.random.PCG64(sequence))


@dataclass(frozen=True)
class Exponential:
    """Exponential with the given ``mean`` (seconds)."""

    mean: float

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.exponential(self.mean, n)


@dataclass(frozen=True)
class LogNormal:
    """Log-normal with the given ``mean`` and coefficient of variation ``cv`` = sd / mean."""

    mean: float
    cv: float

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        sigma2 = math.log1p(self.cv**2)
        return rng.lognormal(math.log(self.mean) - sigma2 / 2, math.sqrt(sigma2), n)


@dataclass(frozen=True)
class Gamma:
    """Gamma with the given ``mean`` and coefficient of variation ``cv`` (shape = 1/cv²)."""

    mean: float
    cv: float

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        shape = 1.0 / self.cv**2
        return rng.gamma(shape, self.mean / shape, n)


@dataclass(frozen=True)
class Uniform:
    """Uniform on [0, 1): ``draws(UNIFORM, rng)`` returns the very numbers of calling
    ``rng.random()`` each time, in batches (a numpy call per draw costs several times more
    than the rest of a policy's step)."""

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.random(n)


#: The one :class:`Uniform` (it has no parameters).
UNIFORM = Uniform()


@dataclass(frozen=True)
class UniformBetween:
    """Uniform on [``low``, ``high``) (seconds; ``low < high``). Not :class:`Uniform`, the
    U[0, 1) that policies draw their choices from."""

    low: float
    high: float

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.uniform(self.low, self.high, n)


@dataclass(frozen=True)
class Triangular:
    """Triangular from ``low`` to ``high`` with its peak at ``mode`` (seconds; ``low <=
    mode <= high``, ``low < high``): mean (low + mode + high) / 3."""

    low: float
    mode: float
    high: float

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.triangular(self.low, self.mode, self.high, n)


@dataclass(frozen=True)
class Constant:
    """Always ``value``."""

    value: float

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.full(n, self.value)


@dataclass(frozen=True)
class Empirical:
    """Uniformly one of the observed ``values`` (resampling, with replacement)."""

    values: tuple[float, ...]

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.choice(np.asarray(self.values, dtype=float), n)


@dataclass(frozen=True)
class Sequence:
    """The ``values`` in order, over and over: scripted inputs for hand-checkable cases."""

    values: tuple[float, ...]

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        raise NotImplementedError("a sequence is drawn in order, across batches: use draws()")


Distribution = (Exponential | LogNormal | Gamma | Uniform | UniformBetween | Triangular
                | Constant | Empirical | Sequence)


def draws(dist: Distribution, rng: np.random.Generator) -> Callable[[], float]:
    """A function returning the next value of ``dist`` from ``rng`` (batched, fast)."""
    if isinstance(dist, Sequence):
        return itertools.cycle(dist.values).__next__
    # An endless iterator of batches, flattened by C-level itertools: no Python frame per draw.
    sizes = itertools.chain(_doubling(FIRST_BATCH, BATCH), itertools.repeat(BATCH))
    batches = (dist.sample(rng, n).tolist() for n in sizes)
    return itertools.chain.from_iterable(batches).__next__


def _doubling(first: int, last: int) -> Iterator[int]:
    """``first``, twice that, ... while below ``last``."""
    size = first
    while size < last:
        yield size
        size *= 2
