"""Where a search's candidates are simulated: in this process, in a pool of local worker
processes, or on a Dask cluster.

A candidate is the scenario with a few keys changed (a group's head counts, or its
shifts), run on a list of seeds; what comes back is each goal's metric per run and
measured interval — a few numbers, never tables. The scenario and the goals go to each
worker once, when the evaluator starts (a pool's initializer, or one Dask ``scatter``
broadcast): a candidate sends only its changes and its seeds. The seeds are cut into one
slice per worker and the slices' values put back in seed order, so where a candidate
runs never changes what the search sees.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import pairwise
from typing import TYPE_CHECKING, Any

import numpy as np

from ccsim.experiment.executors import WorkerDied, exit_with_parent
from ccsim.model import simulate

if TYPE_CHECKING:
    from ccsim.optimise.goals import Goal
    from ccsim.scenario import Scenario

#: What a candidate changes in the scenario: dotted keys and their values, as
#: :meth:`Scenario.with_changes` takes them.
Changes = Mapping[str, Any]


def values(scenario: Scenario, goals: Sequence[Goal], changes: Changes,
           seeds: Sequence[int], per: str = "interval") -> np.ndarray:
    """``values[goal, run, unit]``: each goal's metric in each run of the candidate, per
    measured interval (``per="interval"``) or day (``"day"``); NaN where a run measured
    nothing."""
    day = scenario.with_changes(changes) if changes else scenario
    out = []
    for s in seeds:
        result = simulate(day, s)
        read = result.per_interval if per == "interval" else result.per_day
        out.append([read(g.metric, g.contact_type) for g in goals])
    return np.array(out, dtype=float).transpose(1, 0, 2)


class Evaluator:
    """Simulates the candidates of one scenario and its goals, judged ``per`` interval or
    day, with ``workers`` local processes (1: in this process) or on the Dask cluster of
    ``client``. Close it (or use it as a context manager) to stop its workers."""

    def __init__(self, scenario: Scenario, goals: Sequence[Goal], *, per: str = "interval",
                 workers: int = 1, client: Any = None):
        if workers < 1:
            raise ValueError(f"workers: at least 1 (got {workers})")
        self.scenario, self.goals, self.per = scenario, tuple(goals), per
        #: Candidates simulated so far.
        self.calls = 0
        self._pool: ProcessPoolExecutor | None = None
        self._client, self._held = client, None
        if client is not None:
            self.slots = max(1, sum(client.nthreads().values()))
            self._held = client.scatter(scenario, broadcast=True)
        else:
            self.slots = workers
            if workers > 1:
                # Forked workers inherit pandas and the model already imported here.
                import pandas  # noqa: F401

                self._pool = ProcessPoolExecutor(workers, initializer=_hold,
                                                 initargs=(scenario, self.goals, per,
                                                           os.getpid()))

    def __call__(self, changes: Changes, seeds: Sequence[int]) -> np.ndarray:
        """``values[goal, run, measured interval]`` of the candidate (see :func:`values`)."""
        self.calls += 1
        # Index slices, not numpy's: a seed may not fit in an int64.
        cuts = np.linspace(0, len(seeds), min(self.slots, len(seeds)) + 1).round().astype(int)
        parts = [list(seeds[a:b]) for a, b in pairwise(cuts)]
        if self._client is not None:
            futures = [self._client.submit(values, self._held, self.goals, dict(changes), p,
                                           self.per, pure=False) for p in parts]
            return np.concatenate(self._client.gather(futures), axis=1)
        if self._pool is None or len(parts) == 1:
            return values(self.scenario, self.goals, changes, seeds, self.per)
        try:
            done: list[Future[np.ndarray]] = [self._pool.submit(_held_values, dict(changes), p)
                                              for p in parts]
            return np.concatenate([f.result() for f in done], axis=1)
        except BrokenProcessPool as error:
            raise WorkerDied(f"a worker process died ({error})") from None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Evaluator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# A pool worker's scenario and goals, set once by the pool's initializer: a process-local
# cache, so that a candidate need not carry them.
_HELD: dict[str, Any] = {}


def _hold(scenario: Scenario, goals: tuple[Goal, ...], per: str, parent: int) -> None:
    exit_with_parent(parent)
    _HELD.update(scenario=scenario, goals=goals, per=per)


def _held_values(changes: Changes, seeds: Sequence[int]) -> np.ndarray:
    return values(_HELD["scenario"], _HELD["goals"], changes, seeds, _HELD["per"])
