"""The textbook SimPy model of the callback case: one process per customer.

The pattern of :mod:`benchmarks.textbook` with a callback offer in front of it. The agents
are a :class:`simpy.PriorityResource`: callers on the line request it at priority 0,
callbacks at priority 1, so a freed agent takes the caller at the head of the line if one
waits and the oldest callback otherwise — the ``when_idle`` rule. Each customer is one
process:

* on arrival, if every agent is busy and at least ``K`` live callers wait (a counter of
  callers on the line, kept by their processes), it is offered a callback and accepts with
  probability ``ACCEPT``; one who accepts leaves the line, requests an agent at priority 1
  and, when it gets one, talks for its own talk time (``dial_time = 0``, ``reach = 1``);
* otherwise it waits on the line, racing the request against its patience
  (``req | env.timeout(patience)``), and talks if it got an agent first.

Random numbers come from one ``random.Random`` per run (``expovariate``, ``random``), drawn
per customer; outcomes go to the fixed-size counters of
:class:`~benchmarks.callback_case.CallbackRecorder`.
"""

from __future__ import annotations

import random
from collections.abc import Generator

import simpy

from benchmarks.callback_case import (
    ACCEPT,
    CallbackCase,
    CallbackOutcome,
    CallbackRecorder,
    K,
)
from benchmarks.case import MEAN_HANDLE, MEAN_PATIENCE


def customer(
    env: simpy.Environment,
    agents: simpy.PriorityResource,
    waiting: list[int],
    rng: random.Random,
    patience: float,
    service: float,
    recorder: CallbackRecorder,
) -> Generator[simpy.Event, object, None]:
    """One customer: maybe a callback, else wait on the line or hang up; then talk."""
    arrival = env.now
    if agents.count == agents.capacity and waiting[0] >= K:
        accepted = rng.random() < ACCEPT
        recorder.offer(arrival, accepted)
        if accepted:
            with agents.request(priority=1) as req:
                yield req
                recorder.called_back(arrival, env.now - arrival)
                yield env.timeout(service)
            return
    waiting[0] += 1
    with agents.request(priority=0) as req:
        result = yield req | env.timeout(patience)
        waiting[0] -= 1
        if req in result:  # type: ignore[operator]
            recorder.answered(arrival)
            yield env.timeout(service)
        else:
            recorder.abandoned(arrival)


def source(
    env: simpy.Environment,
    agents: simpy.PriorityResource,
    case: CallbackCase,
    rng: random.Random,
    recorder: CallbackRecorder,
    made: list[int],
) -> Generator[simpy.Event, object, None]:
    """Poisson arrivals over ``[0, horizon)``; counts them in ``made[0]``."""
    rate, horizon = case.arrival_rate, case.horizon
    mu, theta = 1.0 / MEAN_HANDLE, 1.0 / MEAN_PATIENCE
    waiting = [0]
    while True:
        gap = rng.expovariate(rate)
        if env.now + gap >= horizon:
            return
        yield env.timeout(gap)
        made[0] += 1
        env.process(customer(env, agents, waiting, rng, rng.expovariate(theta),
                             rng.expovariate(mu), recorder))


def run(case: CallbackCase, seed: int) -> CallbackOutcome:
    """Simulate ``case`` once; arrivals stop at the horizon and the system then drains
    (every callback is made)."""
    env = simpy.Environment()
    agents = simpy.PriorityResource(env, capacity=case.agents)
    recorder = CallbackRecorder(case)
    made = [0]
    env.process(source(env, agents, case, random.Random(seed), recorder, made))
    env.run()
    return CallbackOutcome(customers=made[0], counts=recorder.counts)
