"""ccsim.analytic.erlang: Erlang B and C against their definitions in exact rational
arithmetic, textbook values, M/M/1 and M/M/2 closed forms, the unstable conventions and
properties of random queues."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from erlang_cases import (
    HANDLE,
    agents_st,
    erlang_b_exact,
    erlang_c_exact,
    handle_st,
    load_factor_st,
    threshold_st,
)
from hypothesis import given, settings
from scipy import special

from ccsim.analytic import erlang_b, erlang_b_metrics, erlang_c, erlang_c_metrics

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
