"""The benchmark case in Ciw (a benchmark-only dependency): an M/M/n+M node with reneging.

Ciw keeps every individual and its data records to the end of the run, so its memory
grows with the number of customers; that is Ciw's design, measured as it is. A run stops
at the horizon (``simulate_until_max_time``): customers still waiting then are left out
of the counts, and customers in service count as answered (from their incomplete record).
"""

from __future__ import annotations

from typing import Any

import ciw

from benchmarks.case import MEAN_HANDLE, MEAN_PATIENCE, Case, Recorder, RunOutcome


def network(case: Case) -> Any:
    """The Ciw network of ``case``: one node, ``agents`` servers, exponential reneging."""
    return ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=case.arrival_rate)],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / MEAN_HANDLE)],
        number_of_servers=[case.agents],
        reneging_time_distributions=[ciw.dists.Exponential(rate=1.0 / MEAN_PATIENCE)],
    )


def simulate(case: Case, seed: int, net: Any | None = None) -> list[Any]:
    """Run Ciw on ``case`` and return its records (the timed part of a Ciw run)."""
    ciw.seed(seed)
    sim = ciw.Simulation(net if net is not None else network(case))
    sim.simulate_until_max_time(case.horizon)
    return sim.get_all_records(include_incomplete=True)


def outcome(case: Case, records: list[Any]) -> RunOutcome:
    """Count customers and outcomes from Ciw's records."""
    recorder = Recorder(case)
    customers = 0
    for r in records:
        if r.arrival_date >= case.horizon:
            continue
        customers += 1
        if r.record_type == "renege":
            recorder.abandoned(r.arrival_date, r.waiting_time)
        elif r.record_type == "service" or (
            r.record_type == "incomplete" and r.service_start_date is not None
        ):
            recorder.answered(r.arrival_date, r.service_start_date - r.arrival_date)
        # Still waiting at the horizon: fate unknown, so not counted as an outcome.
    return RunOutcome(customers=customers, counts=recorder.counts)


def run(case: Case, seed: int) -> RunOutcome:
    """Simulate ``case`` once and count its outcomes."""
    return outcome(case, simulate(case, seed))

