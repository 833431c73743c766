"""The simulator agrees with queueing theory wherever theory applies.

Each case runs R independent replications of a stationary single queue and checks that
the exact value (``ccsim.analytic``) lies inside the replications' two-sided 99.9 %
Student-t confidence interval for every metric. 99.9 % rather than 95 % because about
sixty intervals are checked: at 95 % three would miss by chance alone. A wrong model
(a routing, abandonment or statistics bug) misses by far more than that.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from ccsim import Scenario, simulate
from ccsim.analytic import erlang_a_metrics, erlang_b_metrics, erlang_c_metrics

CONFIDENCE = 0.999
ANSWER_WITHIN = 20.0


def _queue(agents, load, aht, patience, *, hours, lines=None):
    contact = {
        "name": "calls",
        "arrivals": {"per_hour": load / aht * 3600},
        "handle_time": {"dist": "exponential", "mean": aht},
    }
    if patience is not None:
        contact["patience"] = {"dist": "exponential", "mean": patience}
    # Warm-up: one period long, 30 mean handle times, so the queue starts near steady state.
    period = 30 * aht
    return Scenario(
        period=period,
        horizon=period * math.ceil(hours * 3600 / period),
        warmup=period,
        lines=lines,
        service_level={"answer_within": ANSWER_WITHIN},
        contact_types=[contact],
        agent_groups=[{"name": "agents", "skills": ["calls"], "staff": agents}],
    )


def _check(scenario, theory: dict[str, float], replications: int, seed0: int):
    runs = [simulate(scenario, seed0 + r).summary for r in range(replications)]
    t = stats.t.ppf(0.5 + CONFIDENCE / 2, replications - 1)
    misses = []
    for metric, exact in theory.items():
        values = np.array([run[metric] for run in runs], dtype=float)
        mean, half = values.mean(), t * values.std(ddof=1) / math.sqrt(replications)
        half = max(half, 1e-12)  # all replications equal (e.g. nobody answered in time)
        if not abs(mean - exact) <= half:
            misses.append(f"{metric}: simulated {mean:.5g} ± {half:.3g}, exact {exact:.5g}")
    assert not misses, "; ".join(misses)


ERLANG_C = [
    # agents, load (erlangs), mean handle (s), hours, replications
    (1, 0.5, 60, 40, 20),
    (2, 1.5, 240, 60, 20),
    (10, 8.5, 240, 60, 20),
    (100, 94, 240, 8, 20),
    (300, 285, 240, 4, 12),
]


@pytest.mark.parametrize(("agents", "load", "aht", "hours", "reps"), ERLANG_C)
def test_erlang_c(agents, load, aht, hours, reps):
    exact = erlang_c_metrics(agents, load / aht, aht, ANSWER_WITHIN)
    _check(
        _queue(agents, load, aht, None, hours=hours),
        {"p_wait": exact.p_wait, "asa": exact.asa, "service_level": exact.service_level,
         "occupancy": exact.occupancy, "abandon_rate": 0.0},
        reps, seed0=agents,
    )


ERLANG_A = [
    # agents, load, mean handle, mean patience (s), hours, replications
    (1, 0.8, 60, 60, 30, 20),
    (50, 46, 240, 180, 20, 30),  # the foundation issue's case: 11.5 calls/min
    (20, 30, 240, 120, 10, 20),  # 150 % overload
    (50, 200, 240, 180, 4, 12),  # 400 % overload
    (500, 490, 240, 300, 3, 12),
]


@pytest.mark.parametrize(("agents", "load", "aht", "patience", "hours", "reps"), ERLANG_A)
def test_erlang_a(agents, load, aht, patience, hours, reps):
    exact = erlang_a_metrics(agents, load / aht, aht, patience, ANSWER_WITHIN)
    _check(
        _queue(agents, load, aht, patience, hours=hours),
        {"p_wait": exact.p_wait, "abandon_rate": exact.p_abandon, "asa": exact.asa,
         "mean_wait": exact.mean_wait, "service_level": exact.service_level,
         "occupancy": exact.occupancy},
        reps, seed0=1000 + agents,
    )


ERLANG_B = [(1, 1.0, 60, 20, 20), (10, 8.0, 240, 40, 20), (200, 190, 240, 4, 12)]


@pytest.mark.parametrize(("agents", "load", "aht", "hours", "reps"), ERLANG_B)
def test_erlang_b_with_as_many_lines_as_agents(agents, load, aht, hours, reps):
    exact = erlang_b_metrics(agents, load / aht, aht, ANSWER_WITHIN)
    scenario = _queue(agents, load, aht, None, hours=hours, lines=agents)
    runs = [simulate(scenario, 2000 + r).summary for r in range(reps)]
    blocked = np.array([r["blocked"] / r["offered"] for r in runs])
    t = stats.t.ppf(0.5 + CONFIDENCE / 2, reps - 1)
    half = t * blocked.std(ddof=1) / math.sqrt(reps)
    assert abs(blocked.mean() - exact.p_blocked) <= half, (blocked.mean(), half, exact.p_blocked)
    assert all(r["p_wait"] == 0 for r in runs)  # with lines = agents nobody ever waits
    _check(scenario, {"occupancy": exact.occupancy, "service_level": exact.service_level},
           reps, seed0=2000)
