"""The textbook SimPy model of the benchmark case: one process per customer.

This is the pattern of the SimPy documentation and most teaching material (the "bank
renege" example): a generator process makes arrivals; each customer is a process that
requests a :class:`simpy.Resource` and races the request against a patience timeout with
``req | env.timeout(patience)``. Random numbers come from one ``random.Random`` drawn per
customer (``expovariate``), as a textbook would. Outcomes go to fixed-size counters rather
than growing lists, so its memory does not grow with the number of customers.
"""

from __future__ import annotations

import random
from collections.abc import Generator

import simpy

from benchmarks.case import MEAN_HANDLE, MEAN_PATIENCE, Case, Recorder, RunOutcome


def customer(
    env: simpy.Environment,
    agents: simpy.Resource,
    patience: float,
    service: float,
    recorder: Recorder,
) -> Generator[simpy.Event, object, None]:
    """One caller: wait for an agent or give up after ``patience``; then talk ``service``."""
    arrival = env.now
    with agents.request() as req:
        result = yield req | env.timeout(patience)
        wait = env.now - arrival
        if req in result:  # type: ignore[operator]
            recorder.answered(arrival, wait)
            yield env.timeout(service)
        else:
            recorder.abandoned(arrival, wait)


def source(
    env: simpy.Environment,
    agents: simpy.Resource,
    case: Case,
    rng: random.Random,
    recorder: Recorder,
    made: list[int],
) -> Generator[simpy.Event, object, None]:
    """Poisson arrivals over ``[0, horizon)``; counts them in ``made[0]``."""
    rate, horizon = case.arrival_rate, case.horizon
    mu, theta = 1.0 / MEAN_HANDLE, 1.0 / MEAN_PATIENCE
    while True:
        gap = rng.expovariate(rate)
        if env.now + gap >= horizon:
            return
        yield env.timeout(gap)
        made[0] += 1
        env.process(
            customer(env, agents, rng.expovariate(theta), rng.expovariate(mu), recorder)
        )


def run(case: Case, seed: int) -> RunOutcome:
    """Simulate ``case`` once; arrivals stop at the horizon and the system then drains."""
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=case.agents)
    recorder = Recorder(case)
    made = [0]
    env.process(source(env, agents, case, random.Random(seed), recorder, made))
    env.run()
    return RunOutcome(customers=made[0], counts=recorder.counts)
