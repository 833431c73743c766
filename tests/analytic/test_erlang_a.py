"""ccsim.analytic.erlang_a: Erlang A against oracles deliberately independent of the
module's formulas — a truncated generator solved by linear algebra (stationary law,
absorption times, matrix exponential) and the Mandelbaum–Zeltyn incomplete-gamma closed
forms — its two internal routes against each other, its limits, and properties of random
queues."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from erlang_cases import (
    HANDLE,
    agents_st,
    erlang_b_exact,
    handle_st,
    load_factor_st,
    metrics_fields,
    threshold_st,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import linalg, special

from ccsim.analytic import erlang_a, erlang_a_metrics, erlang_b, erlang_c_metrics

patience_st = st.floats(min_value=1.0, max_value=5000.0)


def brute_force_erlang_a(
    n: int, lam: float, handle: float, patience: float, t: float, q_max: int
) -> dict[str, float]:
    """M/M/n+M metrics by linear algebra on a truncated chain (no formulas shared with the
    module): stationary law from the generator, a tagged contact's fate from an absorbing
    chain (fundamental matrix for probabilities and mean times, expm for P(served by t))."""
    mu, theta = 1.0 / handle, 1.0 / patience
    k_max = n + q_max
    gen = np.zeros((k_max + 1, k_max + 1))
    for k in range(k_max):
        gen[k, k + 1] = lam
    for k in range(1, k_max + 1):
        gen[k, k - 1] = min(k, n) * mu + max(k - n, 0) * theta
    np.fill_diagonal(gen, -gen.sum(axis=1))
    system = np.vstack([gen.T, np.ones(k_max + 1)])
    rhs = np.zeros(k_max + 2)
    rhs[-1] = 1.0
    pi = np.linalg.lstsq(system, rhs, rcond=None)[0]
    assert pi[-1] < 1e-14, "truncation too tight"

    # tagged contact with m contacts ahead, m = 0..q_max; absorbing: served, abandoned
    size = q_max + 1
    g = np.zeros((size, size))
    for m in range(size):
        g[m, m] = -(n * mu + m * theta + theta)
        if m >= 1:
            g[m, m - 1] = n * mu + m * theta
    to_served = np.zeros(size)
    to_served[0] = n * mu
    fundamental = np.linalg.inv(-g)
    p_served = fundamental @ to_served
    wait_all = fundamental @ np.ones(size)
    wait_served = fundamental @ p_served  # E[T; served] = N^2 r
    served_by_t = fundamental @ ((np.eye(size) - linalg.expm(g * t)) @ to_served)

    waiting = pi[n:]  # arrival sees q = k - n contacts ahead (PASTA)
    p_abandon = float(waiting @ (1.0 - p_served))
    p_answered = 1.0 - p_abandon
    return {
        "p_wait": float(waiting.sum()),
        "p_abandon": p_abandon,
        "asa": float(waiting @ wait_served) / p_answered,
        "mean_wait": float(waiting @ wait_all),
        "service_level": float(pi[:n].sum() + waiting @ served_by_t),
        "occupancy": float(np.minimum(np.arange(k_max + 1), n) @ pi) / n,
        "mean_queue": float(np.arange(size) @ waiting),
    }


def mandelbaum_zeltyn(
    n: int, lam: float, handle: float, patience: float, t: float
) -> dict[str, float]:
    """P(wait), P(abandon) and service level of M/M/n+M from the incomplete-gamma closed
    forms (Mandelbaum & Zeltyn 2007): with x = lambda/theta, y = n mu/theta,
    A(p, z) = e^x x^-p gamma(p, z) (lower incomplete gamma),
    sum_q t_q = y A(y, x); answered share = y A(y+1, x); answered by t: the same minus
    y A(y+1, x e^{-theta t}). Only for moderate x, y (no overflow guard)."""
    theta = 1.0 / patience
    x, y = lam / theta, (n / handle) / theta
    b = erlang_b_exact(n, Fraction(lam * handle))

    def a_term(p: float, z: float) -> float:
        return math.exp(x - p * math.log(x) + special.gammaln(p)) * special.gammainc(p, z)

    s = y * a_term(y, x)
    answered = y * a_term(y + 1.0, x)
    answered_late = y * a_term(y + 1.0, x * math.exp(-theta * t))
    b = float(b)
    p_n = b / (1.0 - b + b * s)  # P(k = n)
    return {
        "p_wait": p_n * s,
        "p_abandon": p_n * (s - answered),
        "service_level": 1.0 - p_n * s + p_n * (answered - answered_late),
    }


# ---------------------------------------------------------------------------------------
# Erlang A: exact checks

BRUTE_FORCE_CASES = [
    # agents, arrival rate /s, handle s, patience s, answer_within s, truncation
    (1, 0.5 / HANDLE, HANDLE, 60.0, 20.0, 60),
    (1, 3.0 / HANDLE, HANDLE, 300.0, 60.0, 120),
    (3, 2.5 / HANDLE, HANDLE, 90.0, 10.0, 80),
    (2, 8.0 / HANDLE, HANDLE, 30.0, 5.0, 80),
    (5, 6.0 / 100.0, 100.0, 1000.0, 30.0, 300),
    (50, 11.5 / 60.0, 240.0, 180.0, 20.0, 150),  # the project's reference case
]


@pytest.mark.parametrize(("n", "lam", "handle", "patience", "t", "q_max"), BRUTE_FORCE_CASES)
def test_erlang_a_matches_brute_force_markov_chain(
    n: int, lam: float, handle: float, patience: float, t: float, q_max: int
) -> None:
    m = erlang_a_metrics(n, lam, handle, patience, answer_within=t)
    ref = brute_force_erlang_a(n, lam, handle, patience, t, q_max)
    for name in ("p_wait", "p_abandon", "asa", "mean_wait", "service_level", "occupancy"):
        assert getattr(m, name) == pytest.approx(ref[name], rel=1e-9, abs=1e-13), name
    # Little's law and P(abandon) = theta E[wait], against the chain's own queue length
    assert m.mean_wait == pytest.approx(ref["mean_queue"] / lam, rel=1e-9)
    assert m.p_abandon == pytest.approx(ref["mean_queue"] / patience / lam, rel=1e-9)
    assert m.p_blocked == 0.0


@pytest.mark.parametrize(("n", "lam", "handle", "patience", "t", "_q"), BRUTE_FORCE_CASES)
def test_erlang_a_matches_incomplete_gamma_closed_form(
    n: int, lam: float, handle: float, patience: float, t: float, _q: int
) -> None:
    m = erlang_a_metrics(n, lam, handle, patience, answer_within=t)
    ref = mandelbaum_zeltyn(n, lam, handle, patience, t)
    for name, value in ref.items():
        assert getattr(m, name) == pytest.approx(value, rel=1e-9, abs=1e-13), name


@pytest.mark.parametrize(("n", "load"), [(1, 0.7), (4, 2.0), (20, 25.0), (300, 280.0)])
def test_erlang_a_with_patience_equal_to_handle_is_poisson(n: int, load: float) -> None:
    # theta = mu makes every contact in system leave at rate mu: an M/M/inf queue, so
    # the number in system is Poisson(load) and P(wait) is its tail beyond n - 1.
    m = erlang_a_metrics(n, load / HANDLE, HANDLE, HANDLE, answer_within=0.0)
    k = np.arange(n, n + 2000, dtype=float)
    pmf = np.exp(k * math.log(load) - load - special.gammaln(k + 1.0))
    assert m.p_wait == pytest.approx(float(special.gammainc(n, load)), rel=1e-10)
    # an arrival finding k in system abandons with prob (k - n + 1) / (k + 1)
    assert m.p_abandon == pytest.approx(float(pmf @ ((k - n + 1.0) / (k + 1.0))), rel=1e-10)


def test_reference_fifty_agent_case() -> None:
    # 50 agents, 11.5 contacts/min, 4 min handle, 3 min mean patience, 20 s threshold;
    # values agree with the brute-force chain above to 1e-9.
    m = erlang_a_metrics(50, 11.5 / 60.0, 240.0, 180.0, answer_within=20.0)
    assert m.offered_load == pytest.approx(46.0)
    assert m.p_wait == pytest.approx(0.2784726630, rel=1e-8)
    assert m.p_abandon == pytest.approx(0.02882090731, rel=1e-8)
    assert m.asa == pytest.approx(4.868465254, rel=1e-8)
    assert m.mean_wait == pytest.approx(5.187763315, rel=1e-8)
    assert m.service_level == pytest.approx(0.8761319419, rel=1e-8)
    assert m.occupancy == pytest.approx(0.8934847653, rel=1e-8)


# ---------------------------------------------------------------------------------------
# Erlang A: the two internal routes (exact state sums, quadrature over the offered wait)

ROUTE_CASES = [
    (50, 46.0, 180.0),
    (50, 200.0, 180.0),
    (1000, 980.0, 180.0),
    (5000, 4990.0, 180.0),
    (50, 49.99, 1e9),
    (3, 2.0, 0.5),
    (1, 5.0, 1e-3),
    (2, 8.0, 30.0),
]


@pytest.mark.parametrize(("n", "load", "patience"), ROUTE_CASES)
def test_state_sum_and_quadrature_routes_agree(n: int, load: float, patience: float) -> None:
    args = (load / HANDLE, n / HANDLE, 1.0 / patience, 20.0)
    by_states = erlang_a._delayed_by_states(*args)
    by_quadrature = erlang_a._delayed_by_quadrature(*args)
    assert by_states is not None
    # log-normaliser: absolute; conditional probabilities and means: relative
    assert by_quadrature[0] == pytest.approx(by_states[0], abs=1e-12)
    for got, want in zip(by_quadrature[1:], by_states[1:], strict=True):
        assert got == pytest.approx(want, rel=1e-9, abs=1e-15)


def test_quadrature_route_end_to_end(monkeypatch: pytest.MonkeyPatch) -> None:
    cases = [(50, 46.0, 180.0), (50, 200.0, 600.0), (1000, 1000.0, 3600.0)]
    exact = [erlang_a_metrics(n, a / HANDLE, HANDLE, p, 20.0) for n, a, p in cases]
    monkeypatch.setattr(erlang_a, "_MAX_QUEUE_STATES", 0)
    for (n, a, p), want in zip(cases, exact, strict=True):
        got = erlang_a_metrics(n, a / HANDLE, HANDLE, p, 20.0)
        assert metrics_fields(got) == pytest.approx(metrics_fields(want), rel=1e-9, abs=1e-14)


def test_long_patience_in_overload_uses_quadrature_and_stays_sane() -> None:
    # (lambda - n mu) / theta ~ 6e6 queue states: past the state-sum limit
    m = erlang_a_metrics(50, 200.0 / HANDLE, HANDLE, 1e7, answer_within=20.0)
    assert m.p_wait == pytest.approx(1.0)
    assert m.p_abandon == pytest.approx(0.75, rel=1e-9)  # servers never idle: n mu / lambda
    assert m.p_abandon == pytest.approx(m.mean_wait / 1e7, rel=1e-9)
    assert 0.0 <= m.service_level < 1e-6


# ---------------------------------------------------------------------------------------
# Erlang A: limits, stability, identities


@pytest.mark.parametrize(("n", "load"), [(1, 0.5), (2, 1.0), (10, 8.0), (50, 40.0), (50, 48.0)])
def test_erlang_a_long_patience_converges_to_erlang_c(n: int, load: float) -> None:
    c = erlang_c_metrics(n, load / HANDLE, HANDLE, answer_within=20.0)
    names = ("p_wait", "asa", "mean_wait", "service_level", "occupancy")
    gaps = []
    for patience in (1e9, 1e10, 1e11):
        a = erlang_a_metrics(n, load / HANDLE, HANDLE, patience, answer_within=20.0)
        for name in ("p_wait", "service_level", "occupancy"):
            assert getattr(a, name) == pytest.approx(getattr(c, name), abs=1e-6), name
        for name in ("asa", "mean_wait"):  # answered contacts are a shade faster: O(1/patience)
            assert getattr(a, name) == pytest.approx(getattr(c, name), rel=1e-5), name
        assert a.p_abandon < 1e-6
        gaps.append(np.array([getattr(a, k) - getattr(c, k) for k in names]))
    # the gap is first order in 1/patience: each factor 10 in patience divides it by 10,
    # which also shows the arithmetic is accurate well below the 1e-6 level
    for name, big, small in zip(names, gaps[0], gaps[2], strict=True):
        assert small == pytest.approx(big / 100.0, rel=0.05), name


def test_infinite_patience_is_exactly_erlang_c() -> None:
    for n, load in ((10, 8.0), (10, 12.0)):
        a = erlang_a_metrics(n, load / HANDLE, HANDLE, math.inf, answer_within=20.0)
        assert a == erlang_c_metrics(n, load / HANDLE, HANDLE, answer_within=20.0)


def test_zero_patience_is_the_loss_limit() -> None:
    m = erlang_a_metrics(10, 8.0 / HANDLE, HANDLE, 0.0, answer_within=20.0)
    near = erlang_a_metrics(10, 8.0 / HANDLE, HANDLE, 1e-6, answer_within=20.0)
    b = erlang_b(10, 8.0)
    assert m.p_wait == m.p_abandon == b
    assert m.service_level == pytest.approx(1.0 - b)
    assert metrics_fields(near) == pytest.approx(metrics_fields(m), rel=1e-6, abs=1e-6)


def test_light_load_on_a_large_team_never_waits() -> None:
    m = erlang_a_metrics(200, 20.0 / HANDLE, HANDLE, 180.0, answer_within=20.0)
    assert m.p_wait < 1e-60
    assert m.service_level == pytest.approx(1.0, abs=1e-15)
    assert m.occupancy == pytest.approx(0.1)
    idle = erlang_a_metrics(5, 0.0, HANDLE, 180.0, answer_within=20.0)
    assert (idle.p_wait, idle.asa, idle.service_level, idle.occupancy) == (0.0, 0.0, 1.0, 0.0)


@pytest.mark.parametrize(
    ("n", "load", "patience"),
    [
        (1000, 980.0, 180.0),
        (1000, 1000.0, 180.0),
        (1000, 1020.0, 600.0),
        (5000, 4990.0, 180.0),
        (5000, 5000.0, 3600.0),
        (5000, 20000.0, 180.0),
        (1000, 999.0, 1e9),
    ],
)
def test_erlang_a_large_teams_are_stable(n: int, load: float, patience: float) -> None:
    m = erlang_a_metrics(n, load / HANDLE, HANDLE, patience, answer_within=20.0)
    for value in (m.p_wait, m.p_abandon, m.service_level, m.occupancy):
        assert 0.0 <= value <= 1.0
    assert math.isfinite(m.asa) and math.isfinite(m.mean_wait)
    assert m.p_abandon == pytest.approx(m.mean_wait / patience, rel=1e-9)


@pytest.mark.parametrize(("n", "ratio"), [(10, 4.0), (50, 4.0), (1000, 4.0), (50, 20.0)])
def test_heavy_overload_follows_fluid_limit(n: int, ratio: float) -> None:
    m = erlang_a_metrics(n, ratio * n / HANDLE, HANDLE, 180.0, answer_within=20.0)
    assert m.p_abandon == pytest.approx(1.0 - 1.0 / ratio, rel=0.03)
    assert m.p_wait == pytest.approx(1.0, abs=1e-3)
    assert m.occupancy == pytest.approx(1.0, abs=1e-3)
    assert all(math.isfinite(v) for v in metrics_fields(m))


def test_extreme_overload_with_tiny_patience_keeps_agents_busy() -> None:
    # 3 agents, 1e16 erlangs, patience 1e-10 s: Erlang B rounds to 1, yet occupancy must
    # still come out as 1 (it is computed from P(answered), not 1 - P(abandon))
    m = erlang_a_metrics(3, 1e6, 1e10, 1e-10, answer_within=1.0)
    assert m.occupancy == pytest.approx(1.0, abs=1e-12)
    assert m.p_abandon == pytest.approx(1.0, abs=1e-12)
    assert m.service_level < 1e-12
    assert all(math.isfinite(v) for v in metrics_fields(m))


@settings(max_examples=150, deadline=None)
@given(agents_st, load_factor_st, handle_st, patience_st, threshold_st)
def test_erlang_a_properties(
    n: int, factor: float, handle: float, patience: float, t: float
) -> None:
    lam = factor * n / handle
    m = erlang_a_metrics(n, lam, handle, patience, answer_within=t)
    for value in (m.p_wait, m.p_abandon, m.service_level, m.occupancy):
        assert 0.0 <= value <= 1.0
    assert math.isfinite(m.asa) and m.asa >= 0.0
    assert math.isfinite(m.mean_wait) and m.mean_wait >= 0.0
    assert m.p_abandon <= m.p_wait + 1e-12  # only contacts that wait can abandon
    assert 1.0 - m.p_wait - 1e-12 <= m.service_level <= 1.0 - m.p_abandon + 1e-12
    # mean_wait = P(ans) ASA + P(ab) E[wait | abandoned] >= P(ans) ASA
    assert (1.0 - m.p_abandon) * m.asa <= m.mean_wait * (1 + 1e-9) + 1e-300
    assert m.p_abandon == pytest.approx(m.mean_wait / patience, rel=1e-8, abs=1e-300)

    more = erlang_a_metrics(n + 1, lam, handle, patience, answer_within=t)
    assert more.service_level >= m.service_level - 1e-12
    assert more.p_wait <= m.p_wait + 1e-12
    assert more.p_abandon <= m.p_abandon + 1e-12
    later = erlang_a_metrics(n, lam, handle, patience, answer_within=t + 15.0)
    assert later.service_level >= m.service_level - 1e-12
