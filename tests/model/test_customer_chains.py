"""Priority segments and redials against their exact Markov chains.

Exponential everything, one group, stationary days (a warm-up, then many hours): each
segment's abandonment, P(wait), mean wait and service level against the chain of the M/M/c
queue with non-preemptive priorities and class patience (:mod:`priority_chain`); without
patience, the mean waits against Cobham's formula; and redials — first-attempt
abandonment, the redial rate, the mean number waiting to redial (its time average, from the
trace) and the attempt-level P(wait) — against the chain of the line plus orbit
(:mod:`redial_chain`).

Each check is |mean − exact| < t · s / √n over independent replications, t the two-sided
99.9 % Student quantile: with a dozen checks in this module a 95 % band would fail by
chance about half the time; 99.9 % still fails on a model error of a few standard errors.
"""

from __future__ import annotations

import pytest
from agreement import agrees
from priority_chain import cobham_waits, solve_priority
from redial_chain import solve_redial

from ccsim import Scenario, simulate

AHT = 240.0  # seconds
HOUR = 3600.0


def _priority_day(c, per_hour, shares, patience, hours, warmup):
    segments = [{"name": f"s{k}", "share": share, "priority": k + 1}
                for k, share in enumerate(shares)]
    for segment, mean in zip(segments, patience, strict=True):
        if mean is not None:
            segment["patience"] = {"dist": "exponential", "mean": mean}
    return Scenario(
        period=HOUR, horizon=(hours + warmup) * HOUR, warmup=warmup * HOUR,
        service_level={"answer_within": 20},
        contact_types=[{"name": "calls", "arrivals": {"per_hour": per_hour},
                        "handle_time": {"dist": "exponential", "mean": AHT},
                        "segments": segments}],
        agent_groups=[{"name": "team", "skills": ["calls"], "staff": c}])


def _segment_rows(scenario, seeds):
    rows = [simulate(scenario, seed).types.set_index("segment") for seed in seeds]
    return rows


def test_two_segments_with_their_own_patience_agree_with_the_exact_chain():
    c, per_hour, shares, patience = 6, 80.0, (0.3, 0.7), (120.0, 300.0)
    scenario = _priority_day(c, per_hour, shares, patience, hours=60, warmup=4)
    lam = [per_hour * s / HOUR for s in shares]
    exact = solve_priority(c, lam, 1 / AHT, [1 / p for p in patience], answer_within=20)
    rows = _segment_rows(scenario, range(10))
    for k, name in enumerate(("s0", "s1")):
        want = exact.classes[k]
        for metric, value in (("abandon_rate", want.p_abandon), ("p_wait", want.p_wait),
                              ("mean_wait", want.mean_wait),
                              ("sl_offered", want.service_level)):
            agrees([r.loc[name, metric] for r in rows], value, f"{name} {metric}")
    # The gap the priority makes is far beyond the noise: the first waits under half as
    # long, although it is the less patient.
    assert exact.classes[0].mean_wait < exact.classes[1].mean_wait / 2


def test_without_patience_the_waits_agree_with_cobham():
    c, per_hour, shares = 5, 63.75, (0.25, 0.35, 0.4)  # 85 % busy
    scenario = _priority_day(c, per_hour, shares, (None, None, None), hours=100, warmup=5)
    waits = cobham_waits([per_hour * s / HOUR for s in shares], 1 / AHT, c)
    rows = _segment_rows(scenario, range(12))
    for k, name in enumerate(("s0", "s1", "s2")):
        agrees([r.loc[name, "mean_wait"] for r in rows], waits[k], f"{name} mean wait")


def _redial_day(*, hours, warmup, max_waiting=None, max_attempts=None):
    spec = {"name": "calls", "arrivals": {"per_hour": 70.0},
            "handle_time": {"dist": "exponential", "mean": AHT},
            "patience": {"dist": "exponential", "mean": 120.0},
            "redial": {"share": 0.6, "delay": {"dist": "exponential", "mean": "10min"}}}
    if max_waiting is not None:
        spec["max_waiting"] = max_waiting
    if max_attempts is not None:
        spec["redial"]["max_attempts"] = max_attempts
    return Scenario(period=HOUR, horizon=(hours + warmup) * HOUR, warmup=warmup * HOUR,
                    contact_types=[spec],
                    agent_groups=[{"name": "team", "skills": ["calls"], "staff": 5}])


def _attempts(trace, start, end):
    """Per attempt that arrived in [start, end): whether it found every agent busy (it
    waited at all, or was blocked); and the time-average orbit over [start, end)."""
    trace = trace.sort_values("time", kind="stable")
    busy, total, orbit = 0, 0, 0.0
    failed_at: dict[int, float] = {}
    arrived_at: dict[int, float] = {}
    for time, event, contact in zip(trace.time, trace.event, trace.contact, strict=True):
        if event in ("arrived", "redial_arrived"):
            if event == "redial_arrived":
                # Time spent in the orbit, inside the window.
                orbit += max(0.0, min(time, end) - max(failed_at.pop(contact), start))
            arrived_at[contact] = time
            if start <= time < end:
                total += 1
        elif event.endswith(("answered", "abandoned", "blocked")):
            arrival = arrived_at.pop(contact)
            if start <= arrival < end and (time > arrival or event.endswith("blocked")):
                busy += 1
            if not event.endswith("answered"):
                failed_at[contact] = time
    return busy / total, orbit / (end - start)


@pytest.mark.parametrize(("max_waiting", "max_attempts"), [(None, None), (3, 3)])
def test_redials_agree_with_the_exact_line_plus_orbit(max_waiting, max_attempts):
    hours, warmup = 40, 3
    scenario = _redial_day(hours=hours, warmup=warmup, max_waiting=max_waiting,
                           max_attempts=max_attempts)
    exact = solve_redial(5, 70.0 / HOUR, 1 / AHT, 1 / 120.0, 0.6, 1 / 600.0,
                         max_waiting=max_waiting, max_attempts=max_attempts)
    first, rate, p_wait, orbit, lost = [], [], [], [], []
    for seed in range(8):
        result = simulate(scenario, seed, trace=True)
        s = result.summary
        first.append((s["abandoned"] + s["blocked"]) / s["offered"])
        rate.append(s["redials"] / (hours * HOUR))
        lost.append(s["customers_lost"] / s["offered"])
        waited, mean_orbit = _attempts(result.trace, warmup * HOUR, (warmup + hours) * HOUR)
        p_wait.append(waited)
        orbit.append(mean_orbit)
    agrees(first, exact.first_p_abandon + exact.first_p_blocked, "first attempts failing")
    agrees(rate, exact.redial_rate, "redial rate")
    agrees(orbit, exact.mean_orbit, "mean orbit")
    agrees(p_wait, exact.p_wait, "attempt-level P(wait)")
    agrees(lost, exact.p_lost, "customers lost")
