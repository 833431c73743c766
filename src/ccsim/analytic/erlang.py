"""Erlang B and Erlang C: a multi-server queue whose callers are lost when every agent is
busy (M/M/n/n), or wait as long as it takes (M/M/n).

Offered load in erlangs; rates per second or strings (``"690/h"``); durations in seconds
or strings (``"4min"``); probabilities per offered contact.
"""

from __future__ import annotations

import math

from ccsim.analytic.arguments import check_agents, check_nonnegative, check_rates, clip01, seconds
from ccsim.analytic.metrics import QueueMetrics


def erlang_b(agents: int, offered_load: float) -> float:
    """Blocking probability of M/M/n/n (Erlang loss formula). offered_load in erlangs.

    B(n, a) = (a^n / n!) / sum_{k=0..n} a^k / k!, computed by the recursion
    B(k) = a B(k-1) / (k + a B(k-1)), which never forms a^n or n! and is stable for any
    load; O(n) time (about 10 ms at 100,000 agents).
    """
    n = check_agents(agents)
    a = check_nonnegative("offered_load (erlangs)", offered_load)
    return erlang_b_last_two(n, a)[1]


def erlang_b_last_two(n: int, a: float) -> tuple[float, float]:
    """(B(n-1, a), B(n, a)) by the loss recursion; B(0, a) = 1."""
    previous = b = 1.0
    for k in range(1, n + 1):
        previous = b
        ab = a * b
        b = ab / (k + ab)
    return previous, b


def erlang_c(agents: int, offered_load: float) -> float:
    """P(wait) of M/M/n (Erlang C). Returns 1.0 when offered_load >= agents.

    Uses C = n B / (n - a + a B) with B the Erlang B value, which has no cancellation
    even next to the stability boundary a -> n.
    """
    n = check_agents(agents)
    a = check_nonnegative("offered_load (erlangs)", offered_load)
    if a >= n:
        return 1.0
    b = erlang_b(n, a)
    return clip01(n * b / (n - a + a * b))


def erlang_b_metrics(
    agents: int,
    arrival_rate: float | str,
    mean_handle: float | str,
    answer_within: float | str = 0.0,
) -> QueueMetrics:
    """M/M/n/n metrics: blocked contacts are lost, everyone else is answered at once.

    p_wait, asa and mean_wait are 0; service_level = 1 - p_blocked for any threshold;
    occupancy = load (1 - B) / agents.
    """
    n = check_agents(agents)
    lam, handle = check_rates(arrival_rate, mean_handle)
    t = seconds("answer_within", answer_within)
    load = lam * handle
    b = erlang_b(n, load)
    return QueueMetrics(
        agents=n,
        offered_load=load,
        p_wait=0.0,
        p_abandon=0.0,
        p_blocked=b,
        asa=0.0,
        mean_wait=0.0,
        service_level=1.0 - b,
        occupancy=clip01(load * (1.0 - b) / n),
        answer_within=t,
    )


def erlang_c_metrics(
    agents: int,
    arrival_rate: float | str,
    mean_handle: float | str,
    answer_within: float | str = 0.0,
) -> QueueMetrics:
    """M/M/n metrics (infinite patience).

    asa = mean_wait = C / (n mu - lambda) and service_level = 1 - C exp(-(n mu - lambda) t).
    When offered_load >= agents the queue has no steady state; by convention p_wait = 1,
    asa = mean_wait = math.inf, service_level = 0 and occupancy = 1 (every agent is busy
    forever and the queue grows without bound).
    """
    n = check_agents(agents)
    lam, handle = check_rates(arrival_rate, mean_handle)
    t = seconds("answer_within", answer_within)
    load = lam * handle
    if load >= n:
        return QueueMetrics(
            agents=n,
            offered_load=load,
            p_wait=1.0,
            p_abandon=0.0,
            p_blocked=0.0,
            asa=math.inf,
            mean_wait=math.inf,
            service_level=0.0,
            occupancy=1.0,
            answer_within=t,
        )
    c = erlang_c(n, load)
    spare_rate = (n - load) / handle  # n mu - lambda, formed without cancelling two rates
    wait = c / spare_rate
    return QueueMetrics(
        agents=n,
        offered_load=load,
        p_wait=c,
        p_abandon=0.0,
        p_blocked=0.0,
        asa=wait,
        mean_wait=wait,
        service_level=clip01(1.0 - c * math.exp(-spare_rate * t)),
        occupancy=load / n,
        answer_within=t,
    )
