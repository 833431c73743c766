"""The ``callbacks`` section: ccsim with a ``[callbacks]`` policy against the textbook SimPy
model of the same policy (:mod:`benchmarks.textbook_callbacks`), their agreement with each
other and with the exact Markov chain, and ccsim's memory with callbacks.

The case is :mod:`benchmarks.callback_case`. ccsim is timed as in the speed section:
*core* is building the centre and running it, *end-to-end* adds the result tables; both
are what :func:`ccsim.simulate` does for a scenario with ``[callbacks]``. The same case
with ``[callbacks]`` removed (*ccsim off*) is timed alongside, to show what the policy costs.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import ccsim
from benchmarks import ccsim_model, suite, textbook_callbacks
from benchmarks.callback_case import (
    ACCEPT,
    LOAD,  # noqa: F401  (re-exported for the report)
    PROMISE,
    CallbackCase,
    CallbackCounts,
    CallbackOutcome,
    K,
    callback_batches,
    chain_truncation,
)
from benchmarks.case import MEAN_HANDLE, MEAN_PATIENCE
from benchmarks.intervals import Agreement, agreements, load_by_path
from benchmarks.suite import ROOT, SizeRuns
from ccsim.model.callbacks import CallbackPolicy
from ccsim.model.centre import Centre

MODELS = ("ccsim", "textbook", "ccsim off")
#: The issue's target: ccsim ≥ 5× the textbook model of the same policy at 50 agents.
TARGET = (50, 5.0)
CHAIN = ROOT / "tests" / "model" / "callback_chain.py"
METRICS = ("abandon_rate", "accepted", "delay")
#: The confidence level of the agreement intervals.
LEVEL = 0.95


def scenario(case: CallbackCase, callbacks: bool = True) -> ccsim.Scenario:
    """The ccsim scenario of ``case``: the speed section's Erlang-A scenario, with
    ``[callbacks]`` unless ``callbacks=False``."""
    base = ccsim_model.scenario(case)
    if not callbacks:
        return base
    return ccsim.Scenario(**{
        **base.model_dump(), "name": f"callbacks-{case.agents}",
        "callbacks": {"queue_at_least": K, "accept": ACCEPT, "promise": PROMISE,
                      "schedule": "when_idle", "dial_time": 0.0, "reach": 1.0},
    })


def centre(spec: ccsim.Scenario, seed: int) -> Centre:
    """The centre :func:`ccsim.simulate` builds for ``spec`` (with its callback policy)."""
    if spec.callbacks is None:
        return Centre(spec, seed)
    return Centre(spec, seed, policies=[CallbackPolicy(spec)])


def outcome(case: CallbackCase, result: ccsim.RunResult) -> CallbackOutcome:
    """Counts per interval from the ``all`` rows of the result's interval table."""
    rows = result.intervals[result.intervals["contact_type"] == "all"].sort_values("interval")
    counts = CallbackCounts.empty(case.batches + 1)
    has = "callbacks_accepted" in result.intervals.columns
    for row in rows.itertuples():
        i = int(row.interval)
        counts.offered[i] = int(row.offered)
        counts.abandoned[i] = int(row.abandoned)
        counts.answered[i] = int(row.answered)
        if has:
            counts.offers[i] = int(row.callbacks_offered)
            counts.accepted[i] = int(row.callbacks_accepted)
            counts.completed[i] = n = int(row.callbacks_completed)
            counts.delay[i] = float(row.callback_delay_mean) * n if n else 0.0
    return CallbackOutcome(int(result.summary["offered"]), counts)


def run_ccsim(case: CallbackCase, seed: int) -> CallbackOutcome:
    """One ccsim run with callbacks, as :func:`ccsim.simulate` (used by the memory probe)."""
    return outcome(case, ccsim.simulate(scenario(case), seed))


# --- speed ---------------------------------------------------------------------------


def compare(
    agent_counts: Sequence[int],
    customers: int,
    rounds: int,
    seed: int = 1,
    models: Sequence[str] = MODELS,
    progress: Callable[[str], None] | None = None,
) -> list[SizeRuns]:
    """Time the models on the same case in alternating rounds, as the speed section does
    (:func:`benchmarks.suite.compare_policy`)."""
    return suite.compare_policy(
        CallbackCase, lambda case: (scenario(case), scenario(case, callbacks=False)), centre,
        outcome, textbook_callbacks.run, agent_counts, customers, rounds, seed, models, progress)


@dataclass(frozen=True)
class Speed:
    """Median customers per second at one agent count, and the ratios to the textbook."""

    agents: int
    customers: int
    rates: dict[str, float]  #: "ccsim core", "ccsim", "textbook", "ccsim off core", ...
    best: dict[str, float]
    ratios: dict[str, float]  #: "ccsim core / textbook", "ccsim / textbook"


def speeds(results: Sequence[SizeRuns]) -> list[Speed]:
    out = []
    for size in results:
        rates: dict[str, float] = {}
        best: dict[str, float] = {}
        for model, runs in size.runs.items():
            if model.startswith("ccsim"):
                core = [r.core_rate for r in runs]
                name = model.replace("ccsim", "ccsim core", 1)
                rates[name], best[name] = statistics.median(core), max(core)
            e2e = [r.rate for r in runs]
            rates[model], best[model] = statistics.median(e2e), max(e2e)
        ratios = {
            f"{m} / textbook": rates[m] / rates["textbook"]
            for m in ("ccsim core", "ccsim", "ccsim core off", "ccsim off")
            if m in rates and "textbook" in rates
        }
        customers = round(statistics.median(r.customers for v in size.runs.values() for r in v))
        out.append(Speed(size.agents, customers, rates, best, ratios))
    return out


# --- agreement -----------------------------------------------------------------------


def load_chain() -> ModuleType:
    """The exact chain's solver in tests/model, imported by path."""
    return load_by_path(Path(CHAIN))


@dataclass(frozen=True)
class Chain:
    """The exact chain's values for one case."""

    abandon_rate: float
    accepted: float
    delay: float
    boundary: float  #: probability on the truncation boundary
    truncation: tuple[int, int]  #: (Q, M)
    seconds: float


def chain(agents: int) -> Chain | None:
    """Solve the exact chain of the case at ``agents`` (``None`` if it cannot be loaded)."""
    if not Path(CHAIN).exists():
        return None
    solve = load_chain().solve
    case = CallbackCase(agents, 1)
    q, m = chain_truncation(agents)
    start = time.perf_counter()
    r = solve(agents, case.arrival_rate, 1 / MEAN_HANDLE, 1 / MEAN_PATIENCE, K, ACCEPT,
              "when_idle", Q=q, M=m)
    return Chain(r.abandon_rate, r.accepted, r.delay, r.boundary, (q, m),
                 time.perf_counter() - start)


def agreement(
    results: Sequence[SizeRuns], chains: dict[int, Chain | None] | None = None
) -> list[Agreement]:
    """Batch means of abandon rate, share accepted and mean callback delay per model, against
    the exact chain where solved (``chains``: agents → chain), and ccsim − textbook."""
    return agreements(results, chains, lambda size, counts: callback_batches(counts),
                      METRICS, LEVEL)


# --- the section ---------------------------------------------------------------------


def section(
    agent_counts: Sequence[int],
    customers: int,
    rounds: int,
    seed: int,
    mem_customers: int,
    traced: bool,
    chain_max_agents: int | None,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Everything the section reports: runs, speeds, chains, agreement and memory."""
    results = compare(agent_counts, customers, rounds, seed, progress=progress)
    chains: dict[int, Chain | None] = {}
    for agents in agent_counts:
        if chain_max_agents is None or agents <= chain_max_agents:
            if progress:
                progress(f"  exact chain at {agents} agents")
            chains[agents] = chain(agents)
    mem = (
        suite.memory(agent_counts, mem_customers, ["ccsim-callbacks"], traced=traced,
                     progress=progress)
        if mem_customers
        else []
    )
    return {
        "runs": results,
        "speed": speeds(results),
        "chains": chains,
        "agreement": agreement(results, chains),
        "memory": mem,
    }
