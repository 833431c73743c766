"""The ``blending`` section: ccsim with an outbound campaign under the ``reserve`` rule
against the textbook SimPy model of the same policy (:mod:`benchmarks.textbook_blending`),
their agreement with each other and with the exact Markov chain, and ccsim's memory.

The case is :mod:`benchmarks.blending_case`. ccsim is timed as in the speed section:
*core* is building the centre and running it, *end-to-end* adds the result tables; both
are what :func:`ccsim.simulate` does for a scenario with ``[[outbound]]``. The same case
with the campaign removed (*ccsim off*: plain Erlang A at the same load) is timed alongside,
to show what the policy costs. Memory is :mod:`benchmarks.memory`'s probe of
``ccsim-blending``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import ccsim
from benchmarks import ccsim_model, suite, textbook_blending
from benchmarks.blending_case import (
    LOAD,
    MEAN_OUTBOUND,
    BlendingCase,
    BlendingCounts,
    BlendingOutcome,
    blending_batches,
    keep_idle,
)
from benchmarks.callbacks import Speed, speeds
from benchmarks.case import MEAN_HANDLE, MEAN_PATIENCE
from benchmarks.intervals import Agreement, agreements, load_by_path
from benchmarks.report import interval_cells, policy_speed_text, table
from benchmarks.suite import ROOT, SizeRuns
from ccsim.model.centre import Centre
from ccsim.model.outbound import Outbound

__all__ = ["LOAD", "MEAN_OUTBOUND", "Speed", "keep_idle", "speeds"]  # re-exported

MODELS = ("ccsim", "textbook", "ccsim off")
#: The issue's target: ccsim ≥ 5× the textbook model of the same policy at 50 agents.
TARGET = (50, 5.0)
CHAIN = ROOT / "tests" / "model" / "reserve_chain.py"
METRICS = ("abandon_rate", "p_wait", "outbound_per_hour")
#: Confidence level of the agreement intervals: 3 metrics × 2 models × 2 sizes (and the
#: differences) are checked at once, so 95 % would flag one by chance about half the time.
LEVEL = 0.999
CAMPAIGN = "leads"


def scenario(case: BlendingCase, outbound: bool = True) -> ccsim.Scenario:
    """The ccsim scenario of ``case``: the speed section's Erlang-A scenario, whose group
    calls out for an unlimited list under ``reserve`` unless ``outbound=False``."""
    base = ccsim_model.scenario(case)
    if not outbound:
        return base
    data = base.model_dump()
    (group,) = data["agent_groups"]
    group.update(outbound=[CAMPAIGN],
                 blending={"rule": "reserve", "keep_idle": case.keep_idle})
    return ccsim.Scenario(**{
        **data, "name": f"blending-{case.agents}",
        "outbound": [{"name": CAMPAIGN, "dial_time": 0.0, "reach": 1.0, "success": 0.0,
                      "handle_time": {"dist": "exponential", "mean": MEAN_OUTBOUND}}],
    })


def centre(spec: ccsim.Scenario, seed: int) -> Centre:
    """The centre :func:`ccsim.simulate` builds for ``spec`` (with its outbound policy)."""
    if not spec.outbound:
        return Centre(spec, seed)
    return Centre(spec, seed, policies=[Outbound(spec)])


def outcome(case: BlendingCase, result: ccsim.RunResult) -> BlendingOutcome:
    """Counts per interval from the ``all`` rows of the result's interval table."""
    rows = result.intervals[result.intervals["contact_type"] == "all"].sort_values("interval")
    counts = BlendingCounts.empty(case.batches + 1)
    has = "outbound_reached" in result.intervals.columns
    for row in rows.itertuples():
        i = int(row.interval)
        counts.offered[i] = o = int(row.offered)
        counts.abandoned[i] = int(row.abandoned)
        counts.answered[i] = int(row.answered)
        counts.waited[i] = round(row.p_wait * o) if o else 0  # a rate: back to a count
        if has:
            counts.outbound[i] = int(row.outbound_reached)
    return BlendingOutcome(int(result.summary["offered"]), counts)


def run_ccsim(case: BlendingCase, seed: int) -> BlendingOutcome:
    """One ccsim run with the campaign, as :func:`ccsim.simulate` (the memory probe's)."""
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
        BlendingCase, lambda case: (scenario(case), scenario(case, outbound=False)), centre,
        outcome, textbook_blending.run, agent_counts, customers, rounds, seed, models, progress)


# --- agreement -----------------------------------------------------------------------


def load_chain() -> ModuleType:
    """The exact chain's solver in tests/model, imported by path."""
    return load_by_path(Path(CHAIN))


@dataclass(frozen=True)
class Chain:
    """The exact chain's values for one case."""

    abandon_rate: float
    p_wait: float
    outbound_per_hour: float
    keep_idle: int
    boundary: float  #: probability on the truncation boundary
    states: int
    seconds: float


def chain(agents: int) -> Chain | None:
    """Solve the exact chain of the case at ``agents`` (``None`` if it cannot be loaded)."""
    if not Path(CHAIN).exists():
        return None
    solve = load_chain().solve
    case = BlendingCase(agents, 1)
    start = time.perf_counter()
    r = solve(agents, case.arrival_rate, 1 / MEAN_HANDLE, 1 / MEAN_OUTBOUND, 1 / MEAN_PATIENCE,
              case.keep_idle)
    return Chain(r.abandon_rate, r.p_wait, r.outbound_per_hour, case.keep_idle, r.boundary,
                 r.states, time.perf_counter() - start)


def agreement(
    results: Sequence[SizeRuns], chains: dict[int, Chain | None] | None = None
) -> list[Agreement]:
    """Batch means of abandon rate, P(wait) and outbound conversations per hour per model,
    against the exact chain where solved (``chains``: agents → chain), and ccsim −
    textbook."""
    return agreements(results, chains,
                      lambda size, counts: blending_batches(counts, size.period), METRICS,
                      LEVEL)


# --- memory --------------------------------------------------------------------------

def section(
    agent_counts: Sequence[int],
    customers: int,
    rounds: int,
    seed: int,
    mem_customers: int,
    traced: bool,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Everything the section reports: runs, speeds, chains, agreement and memory."""
    results = compare(agent_counts, customers, rounds, seed, progress=progress)
    chains: dict[int, Chain | None] = {}
    for agents in agent_counts:
        if progress:
            progress(f"  exact chain at {agents} agents")
        chains[agents] = chain(agents)
    mem = suite.memory(agent_counts, mem_customers, ["ccsim-blending"], traced=traced,
                       progress=progress) if mem_customers else []
    return {
        "runs": results,
        "speed": speeds(results),
        "chains": chains,
        "agreement": agreement(results, chains),
        "memory": mem,
    }


# --- the tables ----------------------------------------------------------------------


def speed_text(rows: Sequence[Speed], rounds: int) -> str:
    """Rates and ratios of :func:`speeds`, and the target."""
    return policy_speed_text(rows, rounds, TARGET, "[[outbound]]",
                             [("K", lambda s: str(keep_idle(s.agents)))])


def agreement_text(rows: Sequence[Agreement], chains: dict[int, Chain | None]) -> str:
    """The agreement table of :func:`agreement` and the chains used."""
    pct = f"{100 * LEVEL:g}% CI"
    headers = ["model", "agents", "measured", "batches",
               f"abandon % ({pct})", "exact", "in CI",
               f"P(wait) % ({pct})", "exact", "in CI",
               f"outbound/h ({pct})", "exact", "in CI"]
    order = {"ccsim": 0, "textbook": 1, "difference": 2}
    body = []
    for a in sorted(rows, key=lambda a: (a.agents, order.get(a.model, 3))):
        d = a.model == "difference"
        m = a.metrics
        body.append([
            "ccsim − textbook" if d else a.model, str(a.agents), f"{a.measured:,}",
            str(a.batches),
            *interval_cells(m["abandon_rate"], 3, 100.0, d),
            *interval_cells(m["p_wait"], 2, 100.0, d),
            *interval_cells(m["outbound_per_hour"], 2, 1.0, d),
        ])
    notes = []
    for agents, c in sorted(chains.items()):
        if c is None:
            notes.append(f"  {agents} agents: tests/model/reserve_chain.py not found")
        else:
            notes.append(f"  {agents} agents: K = {c.keep_idle}, {c.states:,} states, boundary "
                         f"mass {c.boundary:.1e}, solved in {c.seconds:.2f} s")
    return (
        "abandon rate (abandoned / offered), P(wait) (found no agent idle) and outbound "
        "conversations per hour, batch means over\nthe measured batches of all rounds (inbound "
        "by arrival, outbound by start; the first interval of each run is warm-up);\n"
        f"{100 * LEVEL:g} % t-intervals; 'exact' = the continuous-time Markov chain of "
        "tests/model/reserve_chain.py; the ccsim − textbook rows\nare Welch "
        f"{100 * LEVEL:g} % intervals of the difference (in CI = 0 inside)\n"
        + table(headers, body)
        + ("\nexact chain:\n" + "\n".join(notes) if notes else "")
    )
