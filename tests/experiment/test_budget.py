"""The cost estimate of a run against measured runs, and the refusal of one too big."""

from __future__ import annotations

import gc
import math
import time
import tracemalloc

import pytest

from ccsim import Scenario, simulate
from ccsim.experiment import Experiment, run_experiment
from ccsim.experiment.budget import Budget, experiment_budget, run_cost
from ccsim.scenario import ScenarioError


def centre(per_hour: float, staff: int, *, hours: int = 10, period: str = "30min",
           patience: bool = True, types: int = 1) -> Scenario:
    contact_types = [
        {"name": f"t{i}", "arrivals": {"per_hour": per_hour / types},
         "handle_time": {"dist": "exponential", "mean": "4min"},
         **({"patience": {"dist": "exponential", "mean": "3min"}} if patience else {})}
        for i in range(types)
    ]
    groups = [{"name": "all", "skills": [c["name"] for c in contact_types], "staff": staff}]
    return Scenario(period=period, horizon=f"{hours}h", contact_types=contact_types,
                    agent_groups=groups)


SHAPES = {
    "single queue": centre(690, 50),
    "ten times larger": centre(6900, 500),
    "overloaded without patience": centre(2000, 50, patience=False),
    "a week of 15-minute intervals": centre(600, 50, hours=168, period="15min"),
    "four types": centre(2000, 150, types=4),
    "idle crowd": centre(100, 5000),
}


def _seconds(run) -> float:
    """The time of ``run()``: the least of three when it is short (a run of a few ms is
    easily doubled by the machine), after a garbage collection (earlier tests' garbage is
    not its cost)."""
    best = math.inf
    for _ in range(3):
        gc.collect()
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
        if best > 0.5:
            break
    return best


@pytest.mark.parametrize("trace", [False, True], ids=["plain", "traced"])
@pytest.mark.parametrize("name", list(SHAPES))
def test_the_estimate_of_a_run_is_within_an_order_of_magnitude_of_the_measured_run(name, trace):
    scenario = SHAPES[name]
    # An experiment's run reads every table (the executors store them), so the estimate is
    # of a run with its tables built: RunResult builds them only when read.
    simulate(SHAPES["single queue"], 0, trace=trace).build()  # imports and caches
    seconds = _seconds(lambda: simulate(scenario, 1, trace=trace).build())
    tracemalloc.start()
    try:
        simulate(scenario, 1, trace=trace).build()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    cost = run_cost(scenario, trace)
    assert cost.contacts == pytest.approx(sum(sum(scenario.volumes(c))
                                              for c in scenario.contact_types))
    # Ratios, not thresholds: the machine may be slower or faster, not ten times so.
    assert 0.1 < cost.seconds / seconds < 10, (cost.seconds, seconds)
    assert 0.1 < cost.memory / peak < 10, (cost.memory, peak)


def test_the_parents_tables_are_counted_in_the_memory_of_an_experiment(tmp_path):
    scenario = SHAPES["a week of 15-minute intervals"]
    experiment = Experiment.from_scenario(scenario, replications=6, seed=0)
    tracemalloc.start()
    try:
        run_experiment(experiment, workers=1, out=tmp_path / "out", progress=False).summary()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    budget = experiment_budget([scenario], 6, slots=1)
    assert 0.1 < budget.memory / peak < 10, (budget.memory, peak)


def test_a_budget_that_fits_has_no_refusal_and_one_too_big_says_what_and_how():
    fits = Budget(runs=10, slots=2, contacts=1e5, seconds=60, memory=1e8, available=4e9)
    assert fits.refusal() is None
    big = Budget(runs=10, slots=2, contacts=1e10, seconds=7200, memory=8e9, available=4e9)
    assert big.refusal() == (
        "10 run(s) of about 1,000,000,000 contacts each would take about 2.0 h on 2 "
        "worker(s) and about 8.0 GB of memory, more than the 4.0 GB this machine has "
        "available; reduce the replications, the variants, the horizon or the arrival "
        "volumes (or the workers, for memory; or drop --trace), or pass --force to run it "
        "anyway"
    )


def test_run_experiment_refuses_a_run_of_hours_before_writing_anything(tmp_path):
    experiment = Experiment.from_scenario(centre(5e8, 50), replications=3, seed=0)
    with pytest.raises(ScenarioError, match=r"would take about [\d.,]+ h on 1 worker"):
        run_experiment(experiment, workers=1, out=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_the_outbound_attempts_counted_bound_a_run_of_short_calls_from_above():
    # Agents with next to no inbound work dial all day: the estimate (their time over the
    # cost of an attempt) is an upper bound, and not a loose one.
    scenario = Scenario(
        period="10min", horizon="1h",
        contact_types=[{"name": "in", "arrivals": {"per_hour": 6},
                        "handle_time": {"dist": "exponential", "mean": "4min"}}],
        agent_groups=[{"name": "g", "skills": ["in"], "staff": 4, "outbound": ["leads"]}],
        outbound=[{"name": "leads", "dial_time": "0.5s", "reach": 0.5, "success": 0.1,
                   "handle_time": {"dist": "exponential", "mean": "1s"}}])
    made = simulate(scenario, 1).summary["outbound_attempts"]
    estimate = run_cost(scenario).attempts
    assert estimate == pytest.approx(4 * 3600 / 1.0)
    assert 0.7 * estimate < made <= estimate


def test_callback_attempts_are_counted_per_request_up_to_max_attempts():
    day = centre(600, 50)
    never = day.with_changes(callbacks={"queue_at_least": 0, "accept": 1, "promise": "1h",
                                        "reach": 0, "dial_time": "1s", "max_attempts": 7})
    always = never.with_changes({"callbacks.reach": 1})
    # Every offered caller (at most: every arrival) is tried 7 times, or once.
    assert run_cost(never).attempts == pytest.approx(6000 * 7)
    assert run_cost(always).attempts == pytest.approx(6000)
