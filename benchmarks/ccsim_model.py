"""The benchmark case as a ccsim scenario, timed as "core" and "end-to-end".

*core* is building :class:`ccsim.model.centre.Centre` and running it: the simulation
proper. *end-to-end* adds :meth:`Centre.result`, which folds the statistics and builds
the pandas tables; together they are exactly what :func:`ccsim.simulate` does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import ccsim
from benchmarks.case import MEAN_HANDLE, MEAN_PATIENCE, Case, Counts, RunOutcome
from ccsim.model.centre import Centre


def scenario(case: Case) -> ccsim.Scenario:
    """The ccsim scenario of ``case``: one contact type, one agent group.

    The warm-up is left at zero so that ``offered`` counts every customer simulated; the
    first interval is dropped from the agreement statistics instead, which is what
    ``warmup = period`` would do.
    """
    return ccsim.Scenario(
        name=f"erlang-a-{case.agents}",
        period=case.period,
        horizon=case.period * (case.batches + 1),
        warmup=0.0,
        contact_types=[
            {
                "name": "general",
                "arrivals": {"per_hour": case.arrival_rate * 3600.0},
                "handle_time": {"dist": "exponential", "mean": MEAN_HANDLE},
                "patience": {"dist": "exponential", "mean": MEAN_PATIENCE},
            }
        ],
        agent_groups=[{"name": "agents", "skills": ["general"], "staff": case.agents}],
        service_level={"answer_within": 20.0},
    )


def run_centre(centre: Centre) -> None:
    """Run a built centre to the end, as :func:`ccsim.simulate` does.

    A ``Centre.run`` method is preferred when there is one: a core with its own event loop
    cannot be driven by ``env.run()``.
    """
    own = getattr(centre, "run", None)
    if callable(own):
        own()
    else:
        centre.env.run()


@dataclass(frozen=True)
class Timed:
    """A ccsim run with its two timings (seconds)."""

    outcome: RunOutcome
    core: float
    end_to_end: float


def timed_centre(build: Callable[[], Centre]) -> tuple[ccsim.RunResult, float, float]:
    """Build a centre with ``build()``, run it and read its result: the result, the
    seconds to build and run it (*core*), and those plus ``result()`` with every table
    built (*end-to-end*: the tables are otherwise built when first read)."""
    start = time.perf_counter()
    centre = build()
    run_centre(centre)
    core = time.perf_counter()
    result = centre.result().build()
    return result, core - start, time.perf_counter() - start


def run_timed(spec: ccsim.Scenario, case: Case, seed: int) -> Timed:
    """Run ``spec`` once, timing the core and the result tables separately."""
    result, core, end_to_end = timed_centre(lambda: Centre(spec, seed))
    return Timed(outcome(case, result), core, end_to_end)


def run(case: Case, seed: int) -> RunOutcome:
    """Simulate ``case`` once with :func:`ccsim.simulate` and count its outcomes."""
    return outcome(case, ccsim.simulate(scenario(case), seed))


def outcome(case: Case, result: ccsim.RunResult) -> RunOutcome:
    """Counts per interval from the ``all`` rows of the result's interval table."""
    rows = result.intervals[result.intervals["contact_type"] == "all"].sort_values("interval")
    counts = Counts.empty(case.batches + 1)
    for row in rows.itertuples():
        i = int(row.interval)
        counts.offered[i] = int(row.offered)
        counts.abandoned[i] = int(row.abandoned)
        counts.answered[i] = int(row.answered)
        # The table holds rates; back to counts (exact up to float rounding).
        counts.waited[i] = round(row.p_wait * row.offered) if row.offered else 0
        counts.wait_answered[i] = float(row.asa) * row.answered if row.answered else 0.0
    return RunOutcome(customers=int(result.summary["offered"]), counts=counts)
