"""The measurements: speed against the peers, agreement with Erlang A, memory, the baseline
day and the sweep. Each function returns plain data; :mod:`benchmarks.report` prints it.
"""

from __future__ import annotations

import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

# Imported up front so that no timed run pays for an import (ccsim imports pandas lazily
# when it builds result tables).
import ciw  # noqa: F401
import numpy as np  # noqa: F401
import pandas  # noqa: F401
import simpy  # noqa: F401
from scipy import stats

import ccsim
from benchmarks import ccsim_model, ciw_model, textbook
from benchmarks.case import MEAN_HANDLE, MEAN_PATIENCE, Case, Counts, batch_stats
from ccsim.analytic import erlang_a_metrics

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "experiments" / "baseline.toml"
MODELS = ("ccsim", "textbook", "ciw")
#: Fewer events than this in all batches together and a CI says nothing useful.
MIN_EVENTS = 20


# --- the machine ---------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """CPU, cores, Python and package versions, load: what the numbers depend on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for name in ("ccsim", "simpy", "ciw", "numpy", "scipy", "pandas"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "?"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": versions,
        # Other processes on the machine slow every model alike; the load says how busy it was.
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "commit": _commit(),
    }


def _commit() -> str | None:
    """The checkout's commit, marked ``+dirty`` when src/ has uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
            check=True, timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"], cwd=ROOT, capture_output=True,
            text=True, check=True, timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return head + ("+dirty" if dirty else "")


# --- speed and agreement -------------------------------------------------------------


@dataclass
class Run:
    """One timed run of one model."""

    seed: int
    customers: int
    seconds: float  #: the whole run (ccsim: end-to-end, with its result tables)
    core_seconds: float | None  #: ccsim only: the simulation without the result tables
    counts: Counts = field(repr=False)

    @property
    def rate(self) -> float:
        return self.customers / self.seconds

    @property
    def core_rate(self) -> float:
        return self.customers / (self.core_seconds or self.seconds)


@dataclass
class SizeRuns:
    """All runs of all models at one agent count."""

    agents: int
    customers: int
    horizon: float
    period: float
    runs: dict[str, list[Run]]


def _time_ccsim(case: Case, seed: int, spec: ccsim.Scenario) -> Run:
    timed = ccsim_model.run_timed(spec, case, seed)
    out = timed.outcome
    return Run(seed, out.customers, timed.end_to_end, timed.core, out.counts)


def _time_textbook(case: Case, seed: int) -> Run:
    start = time.perf_counter()
    out = textbook.run(case, seed)
    return Run(seed, out.customers, time.perf_counter() - start, None, out.counts)


def _time_ciw(case: Case, seed: int) -> Run:
    net = ciw_model.network(case)
    start = time.perf_counter()
    records = ciw_model.simulate(case, seed, net)
    seconds = time.perf_counter() - start
    out = ciw_model.outcome(case, records)
    del records
    return Run(seed, out.customers, seconds, None, out.counts)


def compare(
    agent_counts: Sequence[int],
    customers: int,
    rounds: int,
    seed: int = 1,
    models: Sequence[str] = MODELS,
    progress: Callable[[str], None] | None = None,
) -> list[SizeRuns]:
    """Time the models on the same case, alternating: each round runs every model once.

    The order rotates from round to round so that no model always runs first (or right
    after the same neighbour). Every model gets the same seed in a round; the seeds
    drive different generators, so the runs are independent replications.
    """
    out = []
    for agents in agent_counts:
        case = Case(agents, customers)
        spec = ccsim_model.scenario(case)  # validated once, outside the timing
        timers: dict[str, Callable[[int], Run]] = {
            "ccsim": lambda s, case=case, spec=spec: _time_ccsim(case, s, spec),
            "textbook": lambda s, case=case: _time_textbook(case, s),
            "ciw": lambda s, case=case: _time_ciw(case, s),
        }
        runs = alternate(timers, models, rounds, seed, agents, progress)
        out.append(SizeRuns(agents, customers, case.horizon, case.period, runs))
    return out


def summary_timer(scenario: ccsim.Scenario) -> Callable[[int], Run]:
    """A timer of ``ccsim.simulate(scenario, seed).summary`` (what a planner's run costs),
    for :func:`alternate`."""
    def timed(seed: int) -> Run:
        start = time.perf_counter()
        summary = ccsim.simulate(scenario, seed).summary
        return Run(seed, int(summary["offered"]), time.perf_counter() - start, None,
                   Counts.empty(1))
    return timed


def alternate(
    timers: dict[str, Callable[[int], Run]],
    models: Sequence[str],
    rounds: int,
    seed: int,
    agents: int,
    progress: Callable[[str], None] | None = None,
) -> dict[str, list[Run]]:
    """Every model once per round with the round's seed, the order rotating from round to
    round so that no model always runs first (or right after the same neighbour);
    ``gc.collect()`` before each timed run."""
    runs: dict[str, list[Run]] = {m: [] for m in models}
    for r in range(rounds):
        order = [*models[r % len(models):], *models[: r % len(models)]]
        for model in order:
            gc.collect()  # garbage of the previous run is not this run's cost
            run = timers[model](seed + r)
            runs[model].append(run)
            if progress:
                progress(
                    f"  {agents:>5} agents  round {r + 1}/{rounds}  {model:<9} "
                    f"{run.customers:>8} customers  {run.seconds:7.2f} s  "
                    f"{run.rate:>9,.0f}/s"
                )
    return runs


def compare_policy(
    make_case: Callable[[int, int], Any],
    scenarios: Callable[[Any], tuple[ccsim.Scenario, ccsim.Scenario]],
    centre: Callable[[ccsim.Scenario, int], Any],
    outcome: Callable[[Any, ccsim.RunResult], Any],
    textbook_run: Callable[[Any, int], Any],
    agent_counts: Sequence[int],
    customers: int,
    rounds: int,
    seed: int,
    models: Sequence[str],
    progress: Callable[[str], None] | None = None,
) -> list[SizeRuns]:
    """The speed comparison of a policy section: at each agent count, the case
    ``make_case(agents, customers)``; ccsim with the policy (``scenarios(case)[0]``, built
    by ``centre``: *core* is building and running it, *e2e* adds ``result()``), the
    textbook model of the same policy, and ccsim without it (``scenarios(case)[1]``:
    *ccsim off*), alternating as :func:`alternate` does."""

    def time_ccsim(case: Any, seed: int, spec: ccsim.Scenario) -> Run:
        result, core, seconds = ccsim_model.timed_centre(lambda: centre(spec, seed))
        out = outcome(case, result)
        return Run(seed, out.customers, seconds, core, out.counts)

    def time_textbook(case: Any, seed: int) -> Run:
        start = time.perf_counter()
        out = textbook_run(case, seed)
        return Run(seed, out.customers, time.perf_counter() - start, None, out.counts)

    out = []
    for agents in agent_counts:
        case = make_case(agents, customers)
        on, off = scenarios(case)  # validated outside the timing
        timers: dict[str, Callable[[int], Run]] = {
            "ccsim": lambda s, case=case, on=on: time_ccsim(case, s, on),
            "textbook": lambda s, case=case: time_textbook(case, s),
            "ccsim off": lambda s, case=case, off=off: time_ccsim(case, s, off),
        }
        runs = alternate(timers, models, rounds, seed, agents, progress)
        out.append(SizeRuns(agents, customers, case.horizon, case.period, runs))
    return out


@dataclass(frozen=True)
class Speed:
    """Median customers per second at one agent count, and the ratios."""

    agents: int
    customers: int
    rates: dict[str, float]  #: model (and "ccsim core") → median customers per second
    best: dict[str, float]  #: the same, best round
    ratios: dict[str, float]  #: e.g. "ccsim core / textbook"


def speeds(results: Sequence[SizeRuns]) -> list[Speed]:
    """Median (and best) rates over the rounds, and ccsim's ratios to each peer."""
    out = []
    for size in results:
        rates: dict[str, float] = {}
        best: dict[str, float] = {}
        for model, runs in size.runs.items():
            if model == "ccsim":
                core = [r.core_rate for r in runs]
                rates["ccsim core"], best["ccsim core"] = statistics.median(core), max(core)
            e2e = [r.rate for r in runs]
            rates[model], best[model] = statistics.median(e2e), max(e2e)
        ratios = {}
        for mine in ("ccsim core", "ccsim"):
            for peer in ("textbook", "ciw"):
                if mine in rates and peer in rates:
                    ratios[f"{mine} / {peer}"] = rates[mine] / rates[peer]
        customers = round(statistics.median(r.customers for v in size.runs.values() for r in v))
        out.append(Speed(size.agents, customers, rates, best, ratios))
    return out


@dataclass(frozen=True)
class Estimate:
    """A batch-means estimate with its 95 % confidence interval and the exact value."""

    value: float
    half_width: float
    exact: float
    events: int  #: abandons (or waits); too few and the interval means little

    @property
    def within(self) -> bool | None:
        """Whether the exact value lies in the interval; ``None`` when events are too few."""
        if self.events < MIN_EVENTS or math.isnan(self.half_width):
            return None
        return abs(self.value - self.exact) <= self.half_width


@dataclass(frozen=True)
class Agreement:
    """One model at one agent count against Erlang A."""

    model: str
    agents: int
    measured: int  #: customers in the measured batches, all rounds
    batches: int
    abandon_rate: Estimate
    p_wait: Estimate
    asa: Estimate


def _estimate(values: Sequence[float], exact: float, events: int) -> Estimate:
    k = len(values)
    if k < 2:
        return Estimate(values[0] if values else math.nan, math.nan, exact, events)
    mean = statistics.fmean(values)
    half = float(stats.t.ppf(0.975, k - 1)) * statistics.stdev(values) / math.sqrt(k)
    return Estimate(mean, half, exact, events)


def agreement(results: Sequence[SizeRuns]) -> list[Agreement]:
    """Batch means over all measured batches of all rounds, against exact Erlang A."""
    out = []
    for size in results:
        case = Case(size.agents, size.customers)
        exact = erlang_a_metrics(
            size.agents, case.arrival_rate, MEAN_HANDLE, MEAN_PATIENCE, answer_within=20.0
        )
        for model, runs in size.runs.items():
            counts = [r.counts for r in runs]
            b = batch_stats(counts)
            abandons = sum(sum(c.abandoned[1:]) for c in counts)
            waits = sum(sum(c.waited[1:]) for c in counts)
            out.append(
                Agreement(
                    model=model,
                    agents=size.agents,
                    measured=b.offered,
                    batches=len(b.abandon_batches),
                    abandon_rate=_estimate(b.abandon_batches, exact.p_abandon, abandons),
                    p_wait=_estimate(b.p_wait_batches, exact.p_wait, waits),
                    asa=_estimate(b.asa_batches, exact.asa, waits),
                )
            )
    return out


# --- memory --------------------------------------------------------------------------


@dataclass(frozen=True)
class Memory:
    """Peak memory of one model at one agent count, at N and 10·N customers."""

    model: str
    agents: int
    customers: tuple[int, int]  #: customers simulated in the two runs
    rss_base_kb: tuple[int, int]  #: RSS after imports and a tiny warm-up run
    rss_peak_kb: tuple[int, int]  #: resident high-water mark of the run (whole process)
    traced_peak_kb: tuple[int, int] | None  #: tracemalloc peak during the run (separate runs)

    @property
    def rss_growth_kb(self) -> tuple[int, int]:
        """Peak RSS above the baseline, per run."""
        return (
            self.rss_peak_kb[0] - self.rss_base_kb[0],
            self.rss_peak_kb[1] - self.rss_base_kb[1],
        )

    @property
    def rss_ratio(self) -> float:
        """Peak RSS (whole process) at 10·N over that at N."""
        return self.rss_peak_kb[1] / self.rss_peak_kb[0]

    @property
    def bytes_per_customer(self) -> float:
        """Extra peak memory per extra customer, from the two runs (tracemalloc if measured,
        else RSS growth)."""
        extra = self.customers[1] - self.customers[0]
        if self.traced_peak_kb is not None:
            grew = self.traced_peak_kb[1] - self.traced_peak_kb[0]
        else:
            grew = self.rss_growth_kb[1] - self.rss_growth_kb[0]
        return 1024 * grew / extra if extra else math.nan


def probe(model: str, agents: int, customers: int, traced: bool) -> dict[str, int]:
    """Run one model once in a fresh interpreter and return its memory figures."""
    command = [
        sys.executable, "-m", "benchmarks.memory", model, str(agents), str(customers),
    ] + (["--tracemalloc"] if traced else [])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(ROOT), str(ROOT / "src"), env.get("PYTHONPATH", "")) if p
    )
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"memory probe {command[3:]} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def memory(
    agent_counts: Sequence[int],
    customers: int,
    models: Sequence[str] = MODELS,
    traced: bool = True,
    progress: Callable[[str], None] | None = None,
) -> list[Memory]:
    """Peak memory at ``customers`` and ten times as many, each in a fresh process."""
    out = []
    for agents in agent_counts:
        for model in models:
            figures = []
            for n in (customers, 10 * customers):
                rss = probe(model, agents, n, traced=False)
                tm = probe(model, agents, n, traced=True) if traced else None
                figures.append((rss, tm))
                if progress:
                    extra = f"  traced peak {tm['traced_peak_kb']:>8,} KB" if tm else ""
                    progress(
                        f"  {agents:>5} agents  {model:<8} {rss['customers']:>8} customers  "
                        f"RSS +{rss['rss_peak_kb'] - rss['rss_base_kb']:>8,} KB{extra}"
                    )
            (a, ta), (b, tb) = figures
            out.append(
                Memory(
                    model=model,
                    agents=agents,
                    customers=(a["customers"], b["customers"]),
                    rss_base_kb=(a["rss_base_kb"], b["rss_base_kb"]),
                    rss_peak_kb=(a["rss_peak_kb"], b["rss_peak_kb"]),
                    traced_peak_kb=(ta["traced_peak_kb"], tb["traced_peak_kb"])
                    if ta and tb
                    else None,
                )
            )
    return out


# --- the baseline day and the sweep --------------------------------------------------


@dataclass(frozen=True)
class Day:
    """ccsim on experiments/baseline.toml, several seeds in a row."""

    runs: int
    contacts: int
    seconds: float
    core_seconds: float

    @property
    def runs_per_second(self) -> float:
        return self.runs / self.seconds

    @property
    def contacts_per_second(self) -> float:
        return self.contacts / self.seconds

    @property
    def core_contacts_per_second(self) -> float:
        return self.contacts / self.core_seconds


def baseline_day(seeds: int, path: Path = BASELINE) -> Day:
    """Time ``ccsim.simulate`` on the baseline day for ``seeds`` seeds (core timed apart)."""
    from ccsim.model.centre import Centre

    spec = ccsim.load_scenario(path)
    contacts, seconds, core = 0, 0.0, 0.0
    for seed in range(seeds):
        gc.collect()
        result, run_core, run_seconds = ccsim_model.timed_centre(
            lambda seed=seed: Centre(spec, seed))
        contacts += int(result.summary["offered"])
        seconds += run_seconds
        core += run_core
    return Day(seeds, contacts, seconds, core)



@dataclass(frozen=True)
class Sweep:
    """``runs`` replications of the baseline day on 1, 2, ... worker processes."""

    runs: int
    method: str  #: "run_experiment" or the stopgap "ProcessPoolExecutor"
    seconds: dict[int, float]  #: workers → wall seconds

    @property
    def speedup(self) -> dict[int, float]:
        one = self.seconds.get(1)
        return {k: one / v for k, v in self.seconds.items()} if one else {}


def _simulate_baseline(seed: int) -> float:
    """One replication in a worker: the whole RunResult is built, its offered returned."""
    return ccsim.simulate(ccsim.load_scenario(BASELINE), seed).summary["offered"]


def _experiment_api() -> tuple[Callable[..., Any], Callable[..., Any]] | None:
    """ccsim's ``Experiment.from_scenario`` and ``run_experiment`` when they exist."""
    try:
        from ccsim.experiment import Experiment, run_experiment
    except ImportError:
        return None
    return Experiment.from_scenario, run_experiment


def sweep(runs: int, workers: Sequence[int], path: Path = BASELINE) -> Sweep:
    """Time ``runs`` replications of the baseline day on each number of workers.

    Uses ccsim's experiment runner when it exists (results kept in memory, ``out=None``,
    so disk speed is not measured); otherwise (a stopgap) maps :func:`ccsim.simulate`
    over the seeds with a :class:`ProcessPoolExecutor`. Both include starting the worker
    processes, which a user waits for too.
    """
    api = _experiment_api()
    seconds = {}
    for k in workers:
        gc.collect()
        if api is not None:
            from_scenario, run_experiment = api
            experiment = from_scenario(ccsim.load_scenario(path), replications=runs, seed=0)
            start = time.perf_counter()
            results = run_experiment(experiment, workers=k, out=None, progress=False)
            seconds[k] = time.perf_counter() - start
            del results
        else:
            start = time.perf_counter()
            with ProcessPoolExecutor(max_workers=k) as pool:
                offered = list(pool.map(_simulate_baseline, range(runs)))
            seconds[k] = time.perf_counter() - start
            assert len(offered) == runs
    return Sweep(runs, "run_experiment" if api else "ProcessPoolExecutor", seconds)


# --- everything -----------------------------------------------------------------------


def to_json(value: Any) -> Any:
    """Dataclasses (with their derived properties) as JSON-ready values."""
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if hasattr(value, "__dataclass_fields__"):
        data = {k: to_json(getattr(value, k)) for k in value.__dataclass_fields__}
        for name in dir(type(value)):
            if isinstance(getattr(type(value), name), property):
                data[name] = to_json(getattr(value, name))
        return data
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
