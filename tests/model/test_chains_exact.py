"""The exact reference chains of priorities (priority_chain.py) and redials
(redial_chain.py) proved against closed forms and against themselves: Erlang A, B and C
from :mod:`ccsim.analytic`, Cobham's priority waits, the M/M/1 retrial queue, flow
balance, Little's law, and a tagged caller against the stationary flows. No simulation:
every comparison is exact up to rounding and the truncation, whose boundary each test
holds below 1e-10, so the tolerances are 1e-9 (1e-8 where GMRES solves a chain of three
dimensions or more), and Cobham's 1e-6 as asked."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest
from priority_chain import cobham_waits, solve_priority
from redial_chain import solve_redial

from ccsim.analytic import erlang_a_metrics, erlang_b, erlang_c_metrics

TALK = 180.0  # seconds: mean talk time
MU = 1 / TALK


def rel(x: float, y: float) -> float:
    """|x - y| relative to y (absolute where y is 0, as a class that never abandons)."""
    return abs(x - y) / abs(y) if y else abs(x)


# --- priorities -------------------------------------------------------------------------


def test_one_class_is_erlang_a():
    c, lam, patience, t = 4, 1.1 * 4 * MU, 120.0, 20.0
    chain = solve_priority(c, [lam], MU, [1 / patience], answer_within=t)
    exact = erlang_a_metrics(c, lam, TALK, patience, answer_within=t)
    got = chain.classes[0]
    assert chain.boundary < 1e-10
    for field in ("p_wait", "p_abandon", "mean_wait", "asa", "service_level"):
        assert rel(getattr(got, field), getattr(exact, field)) < 1e-9, field


def test_one_patient_class_is_erlang_c():
    c, lam, t = 4, 0.8 * 4 * MU, 20.0
    chain = solve_priority(c, [lam], MU, answer_within=t)
    exact = erlang_c_metrics(c, lam, TALK, answer_within=t)
    got = chain.classes[0]
    assert chain.boundary < 1e-10 and got.p_abandon == 0
    for field in ("p_wait", "mean_wait", "asa", "service_level"):
        assert rel(getattr(got, field), getattr(exact, field)) < 1e-9, field


@pytest.mark.parametrize(("c", "loads"), [(4, (0.4, 0.4)), (3, (0.2, 0.25, 0.15))],
                         ids=["two classes", "three classes"])
def test_patient_classes_wait_as_cobham_says(c, loads):
    lam = [load * c * MU for load in loads]
    t = 30.0
    chain = solve_priority(c, lam, MU, answer_within=t)
    assert chain.boundary < 1e-10
    for got, wait in zip(chain.classes, cobham_waits(lam, MU, c), strict=True):
        assert rel(got.mean_wait, wait) < 1e-6
        assert rel(got.asa, wait) < 1e-6  # nobody abandons: the answered are everyone
    # Class 0 overtakes everyone, so once every agent is busy its wait is exponential,
    # rate c mu - lam_0: an exact check of the service level from the tagged caller.
    top = chain.classes[0]
    assert rel(top.service_level, 1 - chain.p_wait * math.exp(-(c * MU - lam[0]) * t)) < 1e-9
    assert [x.mean_wait for x in chain.classes] == sorted(x.mean_wait for x in chain.classes)


def test_equal_patience_pools_into_one_class():
    # The total waiting does not depend on the order when everyone abandons alike.
    c, lam, theta = 3, [0.5 * MU, 1.5 * MU, 1.2 * MU], 1 / 150
    split = solve_priority(c, lam, MU, [theta] * 3)
    pooled = solve_priority(c, [sum(lam)], MU, [theta])
    assert rel(split.p_wait, pooled.p_wait) < 1e-8
    assert rel(sum(x.mean_queue for x in split.classes), pooled.classes[0].mean_queue) < 1e-8
    assert rel(sum(x.abandoned_rate for x in split.classes),
               pooled.classes[0].abandoned_rate) < 1e-8
    assert rel(sum(x.answered_rate for x in split.classes),
               pooled.classes[0].answered_rate) < 1e-8


@pytest.mark.parametrize(("theta", "loads"), [((1 / 60, 1 / 120, 1 / 300), (1.0, 1.5, 1.5)),
                                              ((0.0, 1 / 90, 0.0), (1.0, 1.5, 0.6))],
                         ids=["impatient", "mixed"])
def test_each_class_is_answered_or_abandons(theta, loads):
    c, lam = 4, [load * MU for load in loads]  # offered loads 1.0 and 0.775
    chain = solve_priority(c, lam, MU, theta, answer_within=20.0)
    assert chain.boundary < 1e-10
    for k, got in enumerate(chain.classes):
        assert rel(got.answered_rate + got.abandoned_rate, lam[k]) < 1e-9
        assert got.p_abandon == pytest.approx(got.abandoned_rate / lam[k], rel=1e-12)
    # The tagged caller (answered, wait) against the flows and Little's law.
    assert chain.checks["answered"] < 1e-8 and chain.checks["wait"] < 1e-8


def test_service_level_runs_from_no_wait_to_answered():
    # Nobody waits an hour: P(patience > 3600 s) <= exp(-3600 / 150), 4e-11.
    c, lam, theta = 3, [0.8 * MU, 1.4 * MU], [1 / 100, 1 / 150]
    now = solve_priority(c, lam, MU, theta, answer_within=0.0)
    ever = solve_priority(c, lam, MU, theta, answer_within=3600.0)
    for k in range(2):
        assert rel(now.classes[k].service_level, 1 - now.p_wait) < 1e-12
        assert rel(ever.classes[k].service_level, ever.classes[k].answered_rate / lam[k]) < 1e-9


def test_priority_truncation_is_negligible():
    c, lam, theta = 3, [0.9 * MU, 1.5 * MU], [1 / 200, 0.0]
    chain = solve_priority(c, lam, MU, theta, answer_within=20.0)
    wider = solve_priority(c, lam, MU, theta, answer_within=20.0, N=chain.N + 20)
    assert chain.boundary < 1e-10
    for a, b in zip(chain.classes, wider.classes, strict=True):
        for field in ("p_abandon", "mean_wait", "asa", "service_level"):
            assert rel(getattr(a, field), getattr(b, field)) < 1e-9, field


# --- redials ----------------------------------------------------------------------------


def test_no_redials_is_erlang_a():
    c, lam, patience = 4, 1.1 * 4 * MU, 120.0
    chain = solve_redial(c, lam, MU, 1 / patience, p=0.0, delta=1 / 300)
    exact = erlang_a_metrics(c, lam, TALK, patience)
    assert chain.boundary < 1e-10
    assert rel(chain.p_wait, exact.p_wait) < 1e-9
    for share in (chain.p_abandon, chain.first_p_abandon, chain.p_lost):
        assert rel(share, exact.p_abandon) < 1e-9
    assert chain.redial_rate == 0 and chain.attempts_per_customer == pytest.approx(1, rel=1e-12)


def test_no_waiting_room_and_no_redials_is_erlang_b():
    chain = solve_redial(3, 2.0 * MU, MU, 1 / 120, p=0.0, delta=1 / 300, max_waiting=0)
    assert rel(chain.p_blocked, erlang_b(3, 2.0)) < 1e-12
    assert rel(chain.first_p_blocked, erlang_b(3, 2.0)) < 1e-12


@pytest.mark.parametrize(("lam", "delta"), [(0.6, 0.8), (0.85, 0.5), (0.3, 2.0)])
def test_persistent_blocked_callers_are_the_mm1_retrial_queue(lam, delta):
    # One agent, no line, every blocked caller retries (p = 1) at rate delta: the classical
    # M/M/1 retrial queue, E[orbit] = rho^2 / (1 - rho) + lam rho / (delta (1 - rho))
    # (Falin & Templeton 1997, with mu = 1).
    chain = solve_redial(1, lam, 1.0, 0.0, p=1.0, delta=delta, max_waiting=0)
    rho = lam
    assert chain.boundary < 1e-10 and chain.p_lost < 1e-10
    assert rel(chain.mean_orbit, rho**2 / (1 - rho) + lam * rho / (delta * (1 - rho))) < 1e-9


REDIAL_CASES = [  # c, load, patience, p, delay, max_waiting, max_attempts
    (4, 1.1, 120.0, 0.5, 300.0, None, None),
    (4, 1.1, 120.0, 0.5, 300.0, 3, None),
    (3, 0.9, 60.0, 0.7, 60.0, 2, 3),
]


@pytest.mark.parametrize(("c", "load", "patience", "p", "delay", "max_waiting", "attempts"),
                         REDIAL_CASES, ids=["unlimited", "line of 3", "three attempts"])
def test_redial_flows_balance(c, load, patience, p, delay, max_waiting, attempts):
    lam = load * c * MU
    chain = solve_redial(c, lam, MU, 1 / patience, p, 1 / delay, max_waiting=max_waiting,
                         max_attempts=attempts)
    assert chain.boundary < 1e-10
    failed = chain.abandoned_rate + chain.blocked_rate
    # Every attempt is answered, abandons or is blocked; every failure redials or is lost.
    assert rel(lam + chain.redial_rate, chain.answered_rate + failed) < 1e-9
    assert rel(chain.orbit_in_rate + chain.lost_rate, failed) < 1e-9
    assert rel(chain.answered_rate + chain.lost_rate, lam) < 1e-9
    # Little's law for the orbit: what goes in comes out after a mean 1 / delta.
    assert rel(chain.mean_orbit, chain.orbit_in_rate * delay) < 1e-9
    assert rel(chain.redial_rate, chain.orbit_in_rate) < 1e-9
    if attempts is None:
        assert rel(chain.redial_rate, p * failed) < 1e-9
    else:
        assert rel(sum(chain.mean_orbit_by_attempts), chain.mean_orbit) < 1e-12
    assert rel(chain.attempts_per_customer, 1 + chain.redial_rate / lam) < 1e-12
    assert chain.p_abandon * chain.attempt_rate == pytest.approx(chain.abandoned_rate)
    assert chain.checks["fcfs"] < 1e-8


def test_one_attempt_is_no_redials():
    args = (4, 1.1 * 4 * MU, MU, 1 / 120)
    for max_waiting in (None, 2):
        once = solve_redial(*args, p=0.6, delta=1 / 300, max_waiting=max_waiting,
                            max_attempts=1)
        never = solve_redial(*args, p=0.0, delta=1 / 300, max_waiting=max_waiting)
        for field in ("first_p_abandon", "first_p_blocked", "p_wait", "p_abandon", "p_lost"):
            assert rel(getattr(once, field), getattr(never, field)) < 1e-12, field
        assert once.redial_rate == 0 and once.mean_orbit_by_attempts == ()


def test_many_attempts_approach_unlimited_redials():
    # Redials after 20 s on average keep the orbit small enough for five attempt numbers.
    p = 0.4
    args = (2, 1.1 * 2 * MU, MU, 1 / 90, p, 1 / 20)
    unlimited = solve_redial(*args, max_waiting=2)
    fields = ("first_p_abandon", "p_lost", "attempts_per_customer")
    gaps = []
    for m in range(1, 6):
        chain = solve_redial(*args, max_waiting=2, max_attempts=m)
        assert chain.boundary < 1e-10 and chain.checks["fcfs"] < 1e-8
        gaps.append([getattr(chain, f) / getattr(unlimited, f) - 1 for f in fields])
    # Only customers who redial after m failures tell the two apart, at most a share
    # p^m of them: the relative gaps stay below p^m and shrink geometrically (by about
    # p P(fail) = 0.27 here), each from the same side.
    for m, gap in enumerate(gaps, start=1):
        assert max(map(abs, gap)) < p**m
    for before, after in pairwise(gaps):
        for x, y in zip(before, after, strict=True):
            assert abs(y) < 0.5 * abs(x) and x * y > 0
