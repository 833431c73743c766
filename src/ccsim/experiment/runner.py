"""Running an experiment: every variant × replication, on the chosen executor, into a store."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from ccsim.experiment.budget import experiment_budget
from ccsim.experiment.executors import Run, dask_client, run_dask, run_here, run_local
from ccsim.experiment.results import Results
from ccsim.experiment.store import Store
from ccsim.experiment.sweep import Experiment
from ccsim.scenario import ScenarioError


def run_experiment(
    experiment: Experiment,
    *,
    workers: int | None = None,
    client: Any = None,
    dask_address: str | None = None,
    out: str | Path | None = None,
    fresh: bool = False,
    progress: bool | None = None,
    trace: bool = False,
    force: bool = False,
) -> Results:
    """Run every replication of every variant of ``experiment`` and return the results.

    Where: with ``client`` (a ``dask.distributed.Client``) on its cluster; else with
    ``dask_address`` on the Dask scheduler there (``""`` starts a ``LocalCluster``); else
    as the experiment says (``executor = "dask"``, its ``address`` or a LocalCluster);
    else in ``workers`` local processes (default: one per core; ``workers=1`` runs here,
    without a pool). For a LocalCluster, ``workers`` is its number of worker processes.

    ``out``: the results directory. Each run is saved there as it finishes, so running
    the same experiment again after an interruption does only the missing runs (``fresh``
    discards earlier results instead); results of a *different* experiment there are an
    error, and so is a directory of other files. More replications than ``out`` holds run
    only the new ones; fewer use the first ones. ``out=None`` keeps everything in memory and
    writes nothing. ``trace=True`` writes each run's per-contact events to ``out/trace/``
    (it needs ``out``); resumed with ``trace=True``, runs that finished without a trace
    run again (to the same results) to write theirs.
    ``progress``: a progress bar on stderr; ``None`` shows it when stderr is a terminal.

    Before anything runs or is written, the experiment's cost is estimated
    (:mod:`ccsim.experiment.budget`): one that would take more than an hour or most of the
    machine's available memory raises :class:`ScenarioError` saying what was estimated and
    how to reduce it, unless ``force``.

    Whatever runs them, the results are the same: run seeds depend only on the experiment
    seed and the replication, and tables are sorted by variant, then replication.
    """
    if trace and out is None:
        raise ValueError("trace=True writes one file per run: give out=...")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1 (got {workers})")
    if not force:
        _check_budget(experiment, workers, client, trace, progress)
    store = Store(Path(out) if out is not None else None)
    store.open(experiment, fresh=fresh)
    done = store.done(trace=trace)
    seeds = experiment.seeds()
    pending = [
        Run(v, r, seeds[r])
        for r in range(experiment.replications)
        for v in range(len(experiment.variants))
        if (v, r) not in done
    ]
    if pending:
        total = experiment.replications * len(experiment.variants)
        bar = _progress_bar(total, total - len(pending), experiment.name, progress)
        try:
            for record in _execute(experiment, pending, workers, client, dask_address, trace):
                store.add(record)
                bar.update(1)
        finally:
            bar.close()
    return store.results()


def _check_budget(experiment: Experiment, workers: int | None, client: Any, trace: bool,
                  progress: bool | None = None) -> None:
    """Refuse, before it starts, an experiment too long or too big for this machine;
    announce one that takes over a minute (unless ``progress`` is False: quiet)."""
    if client is not None:
        slots = max(1, sum(client.nthreads().values()))
    else:
        slots = workers or os.cpu_count() or 1
    budget = experiment_budget(
        [v.scenario for v in experiment.variants], experiment.replications, slots, trace
    )
    refusal = budget.refusal()
    where = experiment.source or experiment.scenario_source
    if refusal:
        raise ScenarioError(refusal, source=str(where) if where else None)
    notice = budget.announcement()
    if notice and progress is not False:
        from tqdm import tqdm

        # Part of the progress display (stderr, above its bar), which quiet turns off.
        tqdm.write(f"ccsim: {notice}", file=sys.stderr)


def _execute(
    experiment: Experiment,
    pending: list[Run],
    workers: int | None,
    client: Any,
    dask_address: str | None,
    trace: bool,
) -> Any:
    """The records of ``pending`` runs, from the executor chosen (see run_experiment)."""
    scenarios = [v.scenario for v in experiment.variants]
    if client is None and dask_address is None and experiment.executor == "dask":
        dask_address = experiment.address or ""
    if client is not None:
        yield from run_dask(scenarios, pending, trace, client)
    elif dask_address is not None:
        own = dask_client(dask_address, workers)
        try:
            yield from run_dask(scenarios, pending, trace, own)
        finally:
            cluster = own.cluster
            own.close()
            if cluster is not None and not dask_address:
                cluster.close()
    else:
        count = min(workers or os.cpu_count() or 1, len(pending))
        if count == 1:
            yield from run_here(scenarios, pending, trace)
        else:
            yield from run_local(scenarios, pending, trace, count)


def _progress_bar(total: int, initial: int, name: str, show: bool | None) -> Any:
    from tqdm import tqdm

    if show is None:
        show = sys.stderr.isatty()
    return tqdm(
        total=total,
        initial=initial,
        desc=name,
        unit="run",
        file=sys.stderr,
        disable=not show,
        dynamic_ncols=True,
    )
