"""Where runs execute: in this process, in local worker processes, or on a Dask cluster.

Every executor takes the same list of :class:`Run` s and yields one *record* per run as
it finishes (in finishing order; the store sorts). A record is a plain dict, so it crosses
process boundaries cheaply and is written to disk as JSON:

``variant``, ``replication``, ``seed``; ``status`` (``"ok"`` or ``"failed"``) and ``error``
(``"ExceptionType: message"``, empty when ok); ``summary`` (metric → value);
``intervals``, ``types`` and ``groups`` (column → list of values: the RunResult tables);
``trace`` (a DataFrame, only when traced); and, kept apart from results, ``elapsed``
(seconds of wall clock), ``host`` and ``pid``.

Runs are sent in *batches* so that per-task overhead stays small against the work: a
local pool task costs ~0.15 ms and a Dask task ~4 ms, while a run of a small scenario
takes 10–300 ms. The first batch per worker holds one run; from then on batches are sized
from the measured mean run time to last about ``target`` seconds (0.2 s locally, 1 s on
Dask), but never so large that the end of the experiment waits on one worker. Batching
changes nothing in the results: a run's seed depends only on its replication.

This module imports only the model (no pandas at import, no dask unless asked for), so
worker processes stay cheap to start.
"""

from __future__ import annotations

import math
import os
import socket
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from ccsim.model import simulate
from ccsim.scenario import Scenario, ScenarioError

#: Seconds a batch should take, per executor (see the module docstring).
LOCAL_TARGET = 0.2
DASK_TARGET = 1.0
DASK_MISSING = 'install ccsim[dask] to use executor = "dask"'


@dataclass(frozen=True)
class Run:
    """Replication ``replication`` of variant number ``variant``, with its run ``seed``."""

    variant: int
    replication: int
    seed: int


class WorkerDied(RuntimeError):
    """A worker process died (killed, out of memory) while running a batch."""


def run_batch(
    scenarios: dict[int, Scenario], runs: Sequence[Run], trace: bool = False
) -> list[dict[str, Any]]:
    """Simulate each run; a run that raises is a ``failed`` record, not an exception, so
    one bad run never loses the others of its batch."""
    host, pid = socket.gethostname(), os.getpid()
    records = []
    for run in runs:
        start = time.perf_counter()
        record: dict[str, Any] = {
            "variant": run.variant,
            "replication": run.replication,
            "seed": run.seed,
        }
        try:
            result = simulate(scenarios[run.variant], run.seed, trace=trace)
        except Exception as error:  # a failed run is data; the message is kept
            record.update(status="failed", error=f"{type(error).__name__}: {error}")
        else:
            record.update(
                status="ok",
                error="",
                summary={k: _plain(v) for k, v in result.summary.items()},
                intervals=_columns(result.intervals),
                types=_columns(result.types),
                groups=_columns(result.groups),
            )
            if trace:
                record["trace"] = result.trace
        record.update(elapsed=time.perf_counter() - start, host=host, pid=pid)
        records.append(record)
    return records


def _columns(table: Any) -> dict[str, list[Any]]:
    """A table as column name → plain values (a run record is JSON)."""
    return {str(c): [_plain(v) for v in table[c].tolist()] for c in table.columns}


def _plain(value: Any) -> Any:
    """numpy scalars as Python numbers (JSON and pickling stay simple)."""
    return value.item() if hasattr(value, "item") else value


class _Batches:
    """Hands out batches of runs sized from the run times seen so far."""

    def __init__(self, runs: Sequence[Run], slots: int, target: float):
        self._queue = deque(runs)
        self._slots = max(1, slots)
        self._target = target
        self._seconds = 0.0
        self._done = 0

    def __bool__(self) -> bool:
        return bool(self._queue)

    def observe(self, records: list[dict[str, Any]]) -> None:
        self._seconds += sum(r["elapsed"] for r in records)
        self._done += len(records)

    def take(self) -> list[Run]:
        if self._done == 0:
            size = 1
        else:
            by_time = max(1, int(self._target / max(self._seconds / self._done, 1e-6)))
            # Leave at least two batches per worker so the last ones finish together.
            fair = max(1, math.ceil(len(self._queue) / (2 * self._slots)))
            size = min(by_time, fair)
        return [self._queue.popleft() for _ in range(min(size, len(self._queue)))]


def _subset(scenarios: Sequence[Scenario], batch: list[Run]) -> dict[int, Scenario]:
    return {run.variant: scenarios[run.variant] for run in batch}


def run_here(
    scenarios: Sequence[Scenario], runs: Sequence[Run], trace: bool
) -> Iterator[dict[str, Any]]:
    """Run one after the other in this process (``workers=1``): no pool to start."""
    for run in runs:
        yield from run_batch(_subset(scenarios, [run]), [run], trace)


def run_local(
    scenarios: Sequence[Scenario], runs: Sequence[Run], trace: bool, workers: int
) -> Iterator[dict[str, Any]]:
    """Run in a pool of ``workers`` local processes. A dead worker breaks the pool: the
    records received so far have been yielded, and :class:`WorkerDied` says how many runs
    are left (running the experiment again finishes them)."""
    # Workers are forked from this process: importing pandas (which every run's tables
    # need) here once saves each worker importing it on its own.
    import pandas  # noqa: F401

    batches = _Batches(runs, workers, LOCAL_TARGET)
    remaining = len(runs)
    pool = ProcessPoolExecutor(max_workers=workers)
    clean = False
    try:
        in_flight: dict[Any, list[Run]] = {}
        broken: BrokenProcessPool | None = None
        while (batches or in_flight) and broken is None:
            try:
                while batches and len(in_flight) < 2 * workers:
                    batch = batches.take()
                    future = pool.submit(run_batch, _subset(scenarios, batch), batch, trace)
                    in_flight[future] = batch
            except BrokenProcessPool as error:
                broken = error
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            # Yield every batch that finished before reporting a broken pool: nothing
            # finished is lost.
            for future in sorted(done, key=lambda f: f.exception() is not None):
                in_flight.pop(future)
                if isinstance(future.exception(), BrokenProcessPool):
                    broken = future.exception()
                    continue
                records = future.result()
                batches.observe(records)
                remaining -= len(records)
                yield from records
        if broken is not None:
            raise WorkerDied(
                f"a worker process died ({broken}); {remaining} of {len(runs)} runs "
                "did not finish: run the experiment again to finish them"
            )
        clean = True
    finally:
        # On an error or interrupt, do not wait for queued batches.
        pool.shutdown(wait=clean, cancel_futures=not clean)


def dask_client(address: str | None, workers: int | None) -> Any:
    """A ``dask.distributed.Client`` for the scheduler at ``address``, or for a new
    ``LocalCluster`` of ``workers`` single-threaded processes when ``address`` is empty.
    The caller closes it (and its cluster)."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ScenarioError(DASK_MISSING) from None
    if address:
        return Client(address)
    cluster = LocalCluster(
        n_workers=workers or os.cpu_count() or 1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
    )
    return Client(cluster)


def run_dask(
    scenarios: Sequence[Scenario], runs: Sequence[Run], trace: bool, client: Any
) -> Iterator[dict[str, Any]]:
    """Run on the Dask cluster of ``client``, in batches of about a second."""
    try:
        from dask.distributed import as_completed
    except ImportError:
        raise ScenarioError(DASK_MISSING) from None
    slots = max(1, sum(client.nthreads().values()))
    batches = _Batches(runs, slots, DASK_TARGET)
    pending = as_completed()
    live: set[Any] = set()
    try:
        while batches and len(live) < 2 * slots:
            live.add(_submit(client, pending, scenarios, batches.take(), trace))
        for future in pending:
            records = future.result()
            live.discard(future)
            future.release()
            batches.observe(records)
            yield from records
            if batches:
                live.add(_submit(client, pending, scenarios, batches.take(), trace))
    finally:
        if live:
            client.cancel(list(live))


def _submit(
    client: Any, pending: Any, scenarios: Sequence[Scenario], batch: list[Run], trace: bool
) -> Any:
    # pure=False: the same batch submitted twice (a resumed experiment) must run again.
    future = client.submit(run_batch, _subset(scenarios, batch), batch, trace, pure=False)
    pending.add(future)
    return future
