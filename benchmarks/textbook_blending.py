"""The textbook SimPy model of the blending case: one process per customer, one per
outbound call.

The pattern of :mod:`benchmarks.textbook` with the ``reserve`` rule written out. The agents
are one :class:`simpy.Resource`; inbound callers and outbound calls both hold it. Each
caller is a process that requests an agent and races the request against its patience
(``req | env.timeout(patience)``), talks if it got one first, and then hands its agent to
the rule. Each outbound call is a process too: it holds an agent for its talk time and then
hands the agent to the rule.

The rule (:func:`freed`), run right after an agent is released: if no caller waits
(``agents.queue`` is empty: SimPy removes those who hung up from it at once) and at least
``K`` *other* agents are idle (``capacity - count - 1 >= K``; the released agent is already
out of ``count``), the agent starts an outbound call, unless the horizon has passed. Its
request is made there and then, so it is granted at once, before anything else can take
the agent; otherwise the agent goes to the head of the line (SimPy grants the queued
request) or stays idle. At time 0 agents dial while ``K`` others stay idle.

Random numbers come from one ``random.Random`` per run (``expovariate``), drawn per
customer and per call; outcomes go to the fixed-size counters of
:class:`~benchmarks.blending_case.BlendingRecorder`.
"""

from __future__ import annotations

import random
from collections.abc import Generator

import simpy
from simpy.resources.resource import Request

from benchmarks.blending_case import (
    MEAN_OUTBOUND,
    BlendingCase,
    BlendingOutcome,
    BlendingRecorder,
)
from benchmarks.case import MEAN_HANDLE, MEAN_PATIENCE


class Centre:
    """What every process of a run shares."""

    __slots__ = ("agents", "env", "horizon", "keep", "mu_out", "recorder", "rng")

    def __init__(self, env: simpy.Environment, case: BlendingCase, rng: random.Random,
                 recorder: BlendingRecorder):
        self.env, self.rng, self.recorder = env, rng, recorder
        self.agents = simpy.Resource(env, capacity=case.agents)
        self.keep, self.horizon = case.keep_idle, case.horizon
        self.mu_out = 1.0 / MEAN_OUTBOUND


def freed(centre: Centre) -> None:
    """The reserve rule for an agent just released: dial if no caller waits and ``K``
    others stay idle (and calls may still start)."""
    agents = centre.agents
    if (not agents.queue and agents.capacity - agents.count - 1 >= centre.keep
            and centre.env.now < centre.horizon):
        req = agents.request()  # granted at once: an agent is idle
        centre.env.process(outbound(centre, req))


def outbound(centre: Centre, req: Request) -> Generator[simpy.Event, object, None]:
    """One outbound call on the agent ``req`` holds; then the agent is free again."""
    env = centre.env
    yield req
    centre.recorder.outbound(env.now)
    yield env.timeout(centre.rng.expovariate(centre.mu_out))
    centre.agents.release(req)
    freed(centre)


def customer(centre: Centre, patience: float,
             service: float) -> Generator[simpy.Event, object, None]:
    """One caller: wait for an agent or give up after ``patience``; then talk ``service``
    and hand the agent to the rule."""
    env = centre.env
    arrival = env.now
    with centre.agents.request() as req:
        result = yield req | env.timeout(patience)
        if req not in result:  # type: ignore[operator]
            centre.recorder.abandoned(arrival)
            return
        centre.recorder.answered(arrival, env.now > arrival)
        yield env.timeout(service)
    freed(centre)


def source(centre: Centre, case: BlendingCase,
           made: list[int]) -> Generator[simpy.Event, object, None]:
    """Poisson arrivals over ``[0, horizon)``; counts them in ``made[0]``."""
    env, rng = centre.env, centre.rng
    rate, horizon = case.arrival_rate, case.horizon
    mu, theta = 1.0 / MEAN_HANDLE, 1.0 / MEAN_PATIENCE
    while True:
        gap = rng.expovariate(rate)
        if env.now + gap >= horizon:
            return
        yield env.timeout(gap)
        made[0] += 1
        env.process(customer(centre, rng.expovariate(theta), rng.expovariate(mu)))


def run(case: BlendingCase, seed: int) -> BlendingOutcome:
    """Simulate ``case`` once; arrivals and new outbound calls stop at the horizon and the
    system then drains."""
    env = simpy.Environment()
    recorder = BlendingRecorder(case)
    centre = Centre(env, case, random.Random(seed), recorder)
    made = [0]
    agents = centre.agents
    while agents.capacity - agents.count - 1 >= centre.keep:  # the campaign opens at 0
        env.process(outbound(centre, agents.request()))
    env.process(source(centre, case, made))
    env.run()
    return BlendingOutcome(customers=made[0], counts=recorder.counts)
