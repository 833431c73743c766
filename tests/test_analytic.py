"""Tests for ccsim.analytic: exact values, brute-force Markov chains, limits and properties.

The oracles here are deliberately independent of the module's formulas: Erlang B/C from
their definitions in exact rational arithmetic, Erlang A from a truncated generator solved
by linear algebra (stationary law, absorption times, matrix exponential) and from the
Mandelbaum–Zeltyn incomplete-gamma closed forms.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import linalg, special

from ccsim import analytic
from ccsim.analytic import (
    QueueMetrics,
    agents_for_target,
    erlang_a_metrics,
    erlang_b,
    erlang_b_metrics,
    erlang_c,
    erlang_c_metrics,
)

HANDLE = 240.0  # seconds; most cases use a 4-minute handle time


def metrics_fields(m: QueueMetrics) -> list[float]:
    return [m.p_wait, m.p_abandon, m.p_blocked, m.asa, m.mean_wait, m.service_level, m.occupancy]


# ---------------------------------------------------------------------------------------
# Oracles


def erlang_b_exact(n: int, a: Fraction) -> Fraction:
    """(a^n/n!) / sum_k a^k/k! in exact rationals."""
    terms = [a**k / math.factorial(k) for k in range(n + 1)]
    return terms[-1] / sum(terms)


def erlang_c_exact(n: int, a: Fraction) -> Fraction:
    """P(wait) of M/M/n from the stationary law: (a^n/n! * n/(n-a)) / normaliser."""
    head = [a**k / math.factorial(k) for k in range(n)]
    tail = a**n / math.factorial(n) * n / (n - a)
    return tail / (sum(head) + tail)


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
# Erlang B


@pytest.mark.parametrize("n", [1, 2, 3, 5, 10, 17, 30])
@pytest.mark.parametrize("a", [Fraction(1, 2), Fraction(1), Fraction(5), Fraction(37, 2)])
def test_erlang_b_matches_definition(n: int, a: Fraction) -> None:
    assert erlang_b(n, float(a)) == pytest.approx(float(erlang_b_exact(n, a)), rel=1e-13)


def test_erlang_b_textbook_values() -> None:
    assert erlang_b(1, 1.0) == pytest.approx(0.5, rel=1e-15)
    assert erlang_b(2, 1.0) == pytest.approx(0.2, rel=1e-15)
    assert erlang_b(10, 5.0) == pytest.approx(0.018385, abs=5e-7)  # published tables
    assert erlang_b(3, 0.0) == 0.0


def test_erlang_b_large_team_matches_log_space_sum() -> None:
    n, a = 100_000, 99_000.0
    k = np.arange(n + 1)
    log_terms = k * math.log(a) - special.gammaln(k + 1.0)
    expected = math.exp(log_terms[-1] - special.logsumexp(log_terms))
    assert erlang_b(n, a) == pytest.approx(expected, rel=1e-8)
    assert 0.0 < erlang_b(50, 1e6) < 1.0


def test_erlang_b_metrics_conventions() -> None:
    m = erlang_b_metrics(10, 5.0 / HANDLE, HANDLE, answer_within=20.0)
    b = erlang_b(10, 5.0)
    assert m.offered_load == pytest.approx(5.0)
    assert m.p_blocked == b
    assert (m.p_wait, m.p_abandon, m.asa, m.mean_wait) == (0.0, 0.0, 0.0, 0.0)
    assert m.service_level == pytest.approx(1.0 - b)
    assert m.occupancy == pytest.approx(5.0 * (1.0 - b) / 10)
    assert m.answer_within == 20.0


# ---------------------------------------------------------------------------------------
# Erlang C


@pytest.mark.parametrize(
    ("n", "a"), [(1, Fraction(1, 2)), (2, Fraction(1)), (5, Fraction(4)), (20, Fraction(37, 2))]
)
def test_erlang_c_matches_definition(n: int, a: Fraction) -> None:
    assert erlang_c(n, float(a)) == pytest.approx(float(erlang_c_exact(n, a)), rel=1e-13)


def test_erlang_c_two_agents_one_erlang_is_one_third() -> None:
    assert erlang_c(2, 1.0) == pytest.approx(1.0 / 3.0, rel=1e-15)


@pytest.mark.parametrize("rho", [0.1, 0.5, 0.9, 0.99])
def test_mm1_closed_form(rho: float) -> None:
    mu = 1.0 / HANDLE
    lam = rho * mu
    m = erlang_c_metrics(1, lam, HANDLE, answer_within=30.0)
    assert m.p_wait == pytest.approx(rho, rel=1e-13)
    assert m.asa == pytest.approx(rho / (mu - lam), rel=1e-12)
    assert m.mean_wait == m.asa
    assert m.service_level == pytest.approx(1.0 - rho * math.exp(-(mu - lam) * 30.0), rel=1e-12)
    assert m.occupancy == pytest.approx(rho, rel=1e-13)


@pytest.mark.parametrize("a", [0.2, 1.0, 1.5, 1.99])
def test_mm2_closed_form(a: float) -> None:
    # two agents: P(wait) = a^2 / (2 + a), mean wait = P(wait) / (2 mu - lambda)
    mu = 1.0 / HANDLE
    lam = a * mu
    m = erlang_c_metrics(2, lam, HANDLE, answer_within=15.0)
    c = a * a / (2.0 + a)
    assert m.p_wait == pytest.approx(c, rel=1e-12)
    assert m.asa == pytest.approx(c / (2 * mu - lam), rel=1e-11)
    assert m.service_level == pytest.approx(1 - c * math.exp(-(2 * mu - lam) * 15.0), rel=1e-12)


def test_erlang_c_unstable_conventions() -> None:
    for load in (10.0, 12.5):
        m = erlang_c_metrics(10, load / HANDLE, HANDLE, answer_within=20.0)
        assert m.p_wait == 1.0
        assert m.asa == math.inf
        assert m.mean_wait == math.inf
        assert m.service_level == 0.0
        assert m.occupancy == 1.0
        assert erlang_c(10, load) == 1.0


def test_erlang_c_near_critical_large_team_is_finite() -> None:
    for n, load in ((1000, 999.9), (5000, 4999.0), (100_000, 99_990.0)):
        m = erlang_c_metrics(n, load / HANDLE, HANDLE, answer_within=20.0)
        assert 0.0 < m.p_wait <= 1.0
        assert 0.0 <= m.service_level < 1.0
        assert math.isfinite(m.asa) and m.asa > 0.0


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
    by_states = analytic._delayed_by_states(*args)
    by_quadrature = analytic._delayed_by_quadrature(*args)
    assert by_states is not None
    # log-normaliser: absolute; conditional probabilities and means: relative
    assert by_quadrature[0] == pytest.approx(by_states[0], abs=1e-12)
    for got, want in zip(by_quadrature[1:], by_states[1:], strict=True):
        assert got == pytest.approx(want, rel=1e-9, abs=1e-15)


def test_quadrature_route_end_to_end(monkeypatch: pytest.MonkeyPatch) -> None:
    cases = [(50, 46.0, 180.0), (50, 200.0, 600.0), (1000, 1000.0, 3600.0)]
    exact = [erlang_a_metrics(n, a / HANDLE, HANDLE, p, 20.0) for n, a, p in cases]
    monkeypatch.setattr(analytic, "_MAX_QUEUE_STATES", 0)
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


# ---------------------------------------------------------------------------------------
# Properties

agents_st = st.integers(min_value=1, max_value=300)
load_factor_st = st.floats(min_value=0.01, max_value=4.0)
handle_st = st.floats(min_value=10.0, max_value=1000.0)
patience_st = st.floats(min_value=1.0, max_value=5000.0)
threshold_st = st.floats(min_value=0.0, max_value=300.0)


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


@settings(max_examples=150, deadline=None)
@given(agents_st, load_factor_st, handle_st, threshold_st)
def test_erlang_c_properties(n: int, factor: float, handle: float, t: float) -> None:
    lam = factor * n / handle
    m = erlang_c_metrics(n, lam, handle, answer_within=t)
    assert 0.0 <= m.p_wait <= 1.0 and 0.0 <= m.service_level <= 1.0
    assert 1.0 - m.p_wait - 1e-12 <= m.service_level
    more = erlang_c_metrics(n + 1, lam, handle, answer_within=t)
    assert more.p_wait <= m.p_wait + 1e-12
    assert more.service_level >= m.service_level - 1e-12
    assert more.asa <= m.asa
    later = erlang_c_metrics(n, lam, handle, answer_within=t + 15.0)
    assert later.service_level >= m.service_level - 1e-12


# ---------------------------------------------------------------------------------------
# Staffing


def _meets(n: int, lam: float, handle: float, patience: float, t: float, **targets: float) -> bool:
    m = erlang_a_metrics(n, lam, handle, patience, answer_within=t)
    if math.isinf(patience) and m.offered_load >= n:
        return False
    return (
        m.service_level >= targets.get("target_service_level", -1.0)
        and m.asa <= targets.get("max_asa", math.inf)
        and m.p_abandon <= targets.get("max_abandon_rate", 1.0)
    )


@pytest.mark.parametrize(
    ("patience", "targets"),
    [
        (None, {"target_service_level": 0.8}),
        (None, {"max_asa": 15.0}),
        (None, {"target_service_level": 0.9, "max_asa": 5.0}),
        (180.0, {"target_service_level": 0.8}),
        (180.0, {"max_abandon_rate": 0.02}),
        (180.0, {"target_service_level": 0.8, "max_asa": 10.0, "max_abandon_rate": 0.05}),
    ],
)
def test_agents_for_target_is_the_smallest_team(
    patience: float | None, targets: dict[str, float]
) -> None:
    lam, t = 11.5 / 60.0, 20.0
    n = agents_for_target(lam, 240.0, answer_within=t, mean_patience=patience, **targets)
    p = math.inf if patience is None else patience
    assert _meets(n, lam, 240.0, p, t, **targets)
    assert not _meets(n - 1, lam, 240.0, p, t, **targets)


@settings(max_examples=60, deadline=None)
@given(
    st.floats(min_value=0.001, max_value=2.0),
    st.floats(min_value=30.0, max_value=900.0),
    st.floats(min_value=0.05, max_value=0.98),
    st.one_of(st.none(), st.floats(min_value=5.0, max_value=2000.0)),
    st.floats(min_value=0.0, max_value=120.0),
)
def test_agents_for_target_property(
    lam: float, handle: float, sl: float, patience: float | None, t: float
) -> None:
    n = agents_for_target(
        lam, handle, answer_within=t, target_service_level=sl, mean_patience=patience
    )
    p = math.inf if patience is None else patience
    assert _meets(n, lam, handle, p, t, target_service_level=sl)
    assert n == 1 or not _meets(n - 1, lam, handle, p, t, target_service_level=sl)


def test_agents_for_target_large_centre() -> None:
    lam = 5000.0 / HANDLE
    n = agents_for_target(lam, HANDLE, answer_within=20.0, target_service_level=0.8)
    assert 5000 < n < 5200
    assert _meets(n, lam, HANDLE, math.inf, 20.0, target_service_level=0.8)
    assert not _meets(n - 1, lam, HANDLE, math.inf, 20.0, target_service_level=0.8)


def test_agents_for_target_overload_with_abandonment_can_staff_below_load() -> None:
    lam = 100.0 / HANDLE
    n = agents_for_target(lam, HANDLE, answer_within=20.0, max_abandon_rate=0.5, mean_patience=60.0)
    assert n < 100
    assert _meets(n, lam, HANDLE, 60.0, 20.0, max_abandon_rate=0.5)
    assert not _meets(n - 1, lam, HANDLE, 60.0, 20.0, max_abandon_rate=0.5)


def test_agents_for_target_errors() -> None:
    with pytest.raises(ValueError, match="at least one"):
        agents_for_target(0.1, HANDLE, answer_within=20.0)
    with pytest.raises(ValueError, match="max_agents"):
        agents_for_target(1.0, HANDLE, answer_within=20.0, target_service_level=0.8, max_agents=100)
    with pytest.raises(ValueError, match="max_agents"):
        agents_for_target(
            1.0, HANDLE, answer_within=20.0, target_service_level=0.99, max_agents=245
        )
    with pytest.raises(ValueError, match="target_service_level"):
        agents_for_target(0.1, HANDLE, answer_within=20.0, target_service_level=1.0)
    with pytest.raises(ValueError, match="max_abandon_rate"):
        agents_for_target(0.1, HANDLE, answer_within=20.0, max_abandon_rate=0.0)


# ---------------------------------------------------------------------------------------
# Argument checks


@pytest.mark.parametrize("agents", [0, -3, 2.0, 2.5, True, "3", None])
def test_bad_agents_rejected(agents: object) -> None:
    with pytest.raises(ValueError, match="agents"):
        erlang_b(agents, 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="agents"):
        erlang_a_metrics(agents, 0.1, HANDLE, 60.0)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf, -math.inf])
def test_bad_rates_and_durations_rejected(bad: float) -> None:
    with pytest.raises(ValueError, match="offered_load"):
        erlang_c(3, bad)
    with pytest.raises(ValueError, match="arrival_rate"):
        erlang_c_metrics(3, bad, HANDLE)
    with pytest.raises(ValueError, match="mean_handle"):
        erlang_b_metrics(3, 0.1, bad)
    with pytest.raises(ValueError, match="answer_within"):
        erlang_a_metrics(3, 0.1, HANDLE, 60.0, answer_within=bad)
    if not (bad > 0 and math.isinf(bad)):  # +inf patience is Erlang C
        with pytest.raises(ValueError, match="mean_patience"):
            erlang_a_metrics(3, 0.1, HANDLE, bad)


def test_zero_handle_and_absurd_patience_rejected() -> None:
    with pytest.raises(ValueError, match="mean_handle"):
        erlang_c_metrics(3, 0.1, 0.0)
    with pytest.raises(ValueError, match="mean_patience"):
        erlang_a_metrics(3, 0.1, HANDLE, 1e200)


def test_numpy_scalars_accepted() -> None:
    m = erlang_a_metrics(np.int64(10), np.float64(0.03), np.float64(HANDLE), np.float64(60.0))
    assert m.agents == 10 and isinstance(m.agents, int)


def test_durations_and_rates_are_accepted_as_in_scenario_files():
    """``"690/h"`` and ``"4min"`` mean what ``per_hour = 690`` and ``mean = "4min"`` do."""
    from ccsim import analytic

    planner = analytic.erlang_a_metrics(50, "690/h", "4min", "3min", answer_within="20s")
    assert planner == analytic.erlang_a_metrics(50, 690 / 3600, 240, 180, answer_within=20)
    assert analytic.erlang_c_metrics(50, "11.5/min", "4min", "20s") == (
        analytic.erlang_c_metrics(50, 690 / 3600, 240, 20)
    )
    assert analytic.erlang_b_metrics(50, "690/h", "240s") == (
        analytic.erlang_b_metrics(50, 690 / 3600, 240)
    )
    assert analytic.agents_for_target("690/h", "4min", answer_within="20s",
                                      target_service_level=0.8, mean_patience="3min",
                                      max_asa="30s") == (
        analytic.agents_for_target(690 / 3600, 240, answer_within=20, target_service_level=0.8,
                                   mean_patience=180, max_asa=30)
    )
    with pytest.raises(ValueError, match=r'expected a rate such as "690/h"'):
        analytic.erlang_c_metrics(50, "690 per hour", 240)
    with pytest.raises(ValueError, match=r'expected a duration such as "20s"'):
        analytic.erlang_c_metrics(50, "690/h", "4 fortnights")
