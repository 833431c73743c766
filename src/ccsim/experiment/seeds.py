"""Run seeds: one per replication, shared by every variant (common random numbers).

Replication *r* of an experiment seeded with *s* runs with the seed
``SeedSequence(s, spawn_key=(r,))`` reduced to one 64-bit integer. Every variant uses that
same seed for replication *r*; since the model derives one stream per named source of
randomness from the run seed, two variants see the same arrivals, handle times and
patience wherever their scenarios agree, so the difference between them is measured with
far less noise than independent seeds would give. A run's seed depends only on the
experiment seed and the replication number, never on the executor, the number of workers
or the order runs finish in.
"""

from __future__ import annotations

import numpy as np


def run_seed(seed: int, replication: int) -> int:
    """The seed of replication ``replication`` (0-based) of an experiment seeded ``seed``:
    a non-negative integer below 2**64."""
    sequence = np.random.SeedSequence(seed, spawn_key=(replication,))
    return int(sequence.generate_state(1, np.uint64)[0])


def run_seeds(seed: int, replications: int) -> list[int]:
    """The seeds of replications ``0 .. replications - 1``."""
    return [run_seed(seed, r) for r in range(replications)]
