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

import contextlib
import math
import os
import socket
import threading
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
#: Seconds to wait for a Dask scheduler to answer, when connecting and when its
#: connection is lost midway, before giving up.
DASK_CONNECT_TIMEOUT = 10.0
#: Seconds a Dask cluster may have no worker at all before the runs it holds are given up.
DASK_NO_WORKERS = 60.0
#: Seconds between a local worker's checks that the process that started it still lives.
PARENT_POLL = 0.2


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
                agents=_columns(result.agents) if result.agents is not None else None,
                days=_columns(result.days),
                channels=_columns(result.channels),
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
        self._waiting = deque(runs)
        self._slots = max(1, slots)
        self._target = target
        self._seconds = 0.0
        self._done = 0

    def __bool__(self) -> bool:
        return bool(self._waiting)

    def observe(self, records: list[dict[str, Any]]) -> None:
        self._seconds += sum(r["elapsed"] for r in records)
        self._done += len(records)

    def take(self) -> list[Run]:
        if self._done == 0:
            size = 1
        else:
            by_time = max(1, int(self._target / max(self._seconds / self._done, 1e-6)))
            # Leave at least two batches per worker so the last ones finish together.
            fair = max(1, math.ceil(len(self._waiting) / (2 * self._slots)))
            size = min(by_time, fair)
        return [self._waiting.popleft() for _ in range(min(size, len(self._waiting)))]


def exit_with_parent(parent: int) -> None:
    """Pool initializer: end this worker as soon as ``parent`` (the process that started
    the pool) is gone, even if that process was killed (``kill -9``) and could not stop
    its pool. A killed parent never closes the pipes its forked workers also hold, so
    the workers cannot learn it from them: a daemon thread watches ``os.getppid()``,
    which changes once a process is orphaned."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL)
        os._exit(1)

    threading.Thread(target=watch, name="ccsim-parent-watch", daemon=True).start()


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
    pool = ProcessPoolExecutor(
        max_workers=workers, initializer=exit_with_parent, initargs=(os.getpid(),)
    )
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
                failure = future.exception()
                if isinstance(failure, BrokenProcessPool):
                    broken = failure
                    continue
                records = future.result()
                batches.observe(records)
                remaining -= len(records)
                yield from records
        if broken is not None:
            raise WorkerDied(_lost(f"a worker process died ({broken})", remaining, len(runs)))
        clean = True
    finally:
        # On an error or interrupt, do not wait for queued batches.
        pool.shutdown(wait=clean, cancel_futures=not clean)


def dask_client(address: str | None, workers: int | None) -> Any:
    """A ``dask.distributed.Client`` for the scheduler at ``address``, or for a new
    ``LocalCluster`` of ``workers`` single-threaded processes when ``address`` is empty.
    The caller closes it (and its cluster). An address that is malformed or does not
    answer within :data:`DASK_CONNECT_TIMEOUT` seconds is a :class:`ScenarioError`."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ScenarioError(DASK_MISSING) from None
    if address:
        try:
            return Client(address, timeout=DASK_CONNECT_TIMEOUT)
        except (OSError, ValueError, TimeoutError) as error:
            raise ScenarioError(
                f"cannot connect to a Dask scheduler at {address!r} ({error}); check the "
                "address (such as tcp://host:8786) and that the scheduler is running",
                "dask address",
            ) from None
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
    """Run on the Dask cluster of ``client``, in batches of about a second.

    A cluster that fails midway (the scheduler gone, a batch lost with its workers, or no
    worker at all for :data:`DASK_NO_WORKERS` seconds) raises :class:`WorkerDied` after
    every record received so far has been yielded; ``run_batch`` catches the errors of
    the runs themselves, so any error of a future is the cluster's."""
    try:
        from dask.distributed import wait as dask_wait
    except ImportError:
        raise ScenarioError(DASK_MISSING) from None
    slots = max(1, sum(client.nthreads().values()))
    batches = _Batches(runs, slots, DASK_TARGET)
    live: set[Any] = set()
    remaining = len(runs)
    idle_since: float | None = None
    try:
        while batches or live:
            while batches and len(live) < 2 * slots:
                live.add(_submit(client, scenarios, batches.take(), trace))
            try:
                done, _ = dask_wait(list(live), timeout=5.0, return_when="FIRST_COMPLETED")
            except TimeoutError:
                idle_since = _check_workers(client, idle_since, remaining, len(runs))
                continue
            except Exception as error:  # futures cancelled: the scheduler is gone
                raise WorkerDied(_lost(_failed(error), remaining, len(runs))) from None
            idle_since = None
            for future in done:
                records = _records(future, remaining, len(runs))
                live.discard(future)
                future.release()
                batches.observe(records)
                remaining -= len(records)
                yield from records
    finally:
        if live:
            with contextlib.suppress(Exception):  # a lost scheduler cannot cancel
                client.cancel(list(live))


def _records(future: Any, remaining: int, total: int) -> list[dict[str, Any]]:
    """The records of a finished batch; its failure is the cluster's (see run_dask)."""
    try:
        return future.result()
    except Exception as error:
        raise WorkerDied(_lost(_failed(error), remaining, total)) from None


def _failed(error: Exception) -> str:
    """The cluster's failure in a line (Dask's messages run over several)."""
    first = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"the Dask cluster failed ({type(error).__name__}{': ' + first if first else ''})"


def _check_workers(
    client: Any, idle_since: float | None, remaining: int, total: int
) -> float | None:
    """When the cluster has had no worker since ``idle_since``; WorkerDied once too long."""
    try:
        workers = len(client.nthreads())
    except Exception as error:
        raise WorkerDied(_lost(f"the Dask scheduler is gone ({error})", remaining, total)) from None
    now = time.monotonic()
    if workers:
        return None
    if idle_since is not None and now - idle_since > DASK_NO_WORKERS:
        raise WorkerDied(
            _lost(f"the Dask cluster has had no worker for {DASK_NO_WORKERS:g} s", remaining,
                  total)
        )
    return now if idle_since is None else idle_since


def _lost(what: str, remaining: int, total: int) -> str:
    return (
        f"{what}; {remaining} of {total} runs did not finish: run the experiment again to "
        "finish them"
    )


def _submit(client: Any, scenarios: Sequence[Scenario], batch: list[Run], trace: bool) -> Any:
    # pure=False: the same batch submitted twice (a resumed experiment) must run again.
    return client.submit(run_batch, _subset(scenarios, batch), batch, trace, pure=False)
