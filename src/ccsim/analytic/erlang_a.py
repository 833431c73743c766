"""Erlang A (M/M/n+M; Palm 1943, Garnett, Mandelbaum & Reiman 2002): Erlang C with
waiting contacts who abandon after an exponential patience, so the queue is stable at any
load. Exact, not simulated, for thousands of agents and in heavy overload.

Rates per second or strings (``"690/h"``); durations in seconds or strings (``"4min"``);
probabilities per offered contact. The method is in the comment block below.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy import special

from ccsim.analytic.arguments import check_agents, check_rates, clip01, seconds
from ccsim.analytic.erlang import erlang_b_last_two, erlang_c_metrics
from ccsim.analytic.metrics import QueueMetrics

# State k = contacts in system; births lambda, deaths min(k, n) mu + max(k - n, 0) theta.
# Below n the stationary weights are Erlang B's, so with B = B(n, a) and the queue weights
# t_q = prod_{j=1..q} lambda / (n mu + j theta) (q = k - n waiting, t_0 = 1):
#     P(k < n) : P(k = n + q) = (1 - B) / B : t_q,
# and by PASTA an arrival sees this distribution. An arrival that finds q waiting passes
# phases m = q, ..., 0 (m contacts ahead), each ending at rate n mu + m theta (a service or
# an abandonment ahead) unless its own patience (rate theta) runs out first. Hence
#     P(answered | q) = n mu / (n mu + (q+1) theta),
# and, given it is answered, its wait is a sum of independent Exp(n mu + (m+1) theta),
# m = 0..q, i.e. -log(U) / theta with U ~ Beta(n mu/theta + 1, q + 1), so
#     P(wait <= t | answered, q) = I_{1 - exp(-theta t)}(q + 1, n mu/theta + 1)
# (regularised incomplete beta: no unstable hypoexponential sums). Mean queue length is
# summed directly and mean_wait follows from Little's law; the identity
# p_abandon = theta * mean_wait is checked by the tests, not used by this route.
#
# The weights t_q rise while lambda > n mu + q theta and then fall super-geometrically, so
# the sum is exact after a few hundred to a few hundred thousand terms. It runs out of
# road only for very long patience in overload (about (lambda - n mu) / theta states);
# there the same quantities are integrals over the "offered wait" V, whose density given
# delay is proportional to exp(-n mu v + (lambda/theta)(1 - exp(-theta v))) (Mandelbaum &
# Zeltyn 2007), and the answered contact is the one whose patience exceeds V:
#     P(answered | V) = exp(-theta V).
# That density is log-concave, so Gauss-Legendre quadrature over its bulk is accurate to
# rounding; the tests hold the two routes against each other and against a brute-force
# Markov chain.

_LOG_DROP = 50.0  # weights below exp(-50) ~ 2e-22 of the largest cannot move a double
_MAX_QUEUE_STATES = 250_000  # beyond this the quadrature route is faster and as exact
_MAX_PATIENCE = 1e100  # beyond this scipy.special.betainc loses its footing (NaN by 1e200)
_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(20)
_GL_PANELS = 48
_GL_GRADED = 48  # panels per side of each grading centre, down to 1e-14 of the span

# (log P(k >= n) / P(k = n), then, conditional on an arrival finding all agents busy:
#  P(answered), P(abandon), E[wait; answered] in s, E[number waiting],
#  P(answered, wait <= t)). P(answered) and P(abandon) are both kept because either can
#  be too close to 1 to recover the other by subtraction.
_Delayed = tuple[float, float, float, float, float, float]


def _delayed_by_states(lam: float, nmu: float, theta: float, t: float) -> _Delayed | None:
    """Exact sums over queue lengths q; None if more than _MAX_QUEUE_STATES are needed."""
    log_lam = math.log(lam)
    pieces = [np.zeros(1)]
    last = peak = 0.0
    start, size = 1, 512
    while True:
        j = np.arange(start, start + size, dtype=float)
        steps = log_lam - np.log(nmu + j * theta)
        log_w = last + np.cumsum(steps)
        pieces.append(log_w)
        peak = max(peak, float(log_w.max()))
        last = float(log_w[-1])
        start += size
        ratio_log = float(steps[-1])
        # Ratios only decrease, so everything after the last term is below
        # last / (1 - ratio): stop when even that bound is negligible.
        if ratio_log < 0.0 and last - math.log(-math.expm1(ratio_log)) < peak - _LOG_DROP:
            break
        if start > _MAX_QUEUE_STATES:
            return None
        size = min(2 * size, 1 << 17)
    w = np.exp(np.concatenate(pieces) - peak)
    total = float(w.sum())
    w /= total
    q = np.arange(w.size, dtype=float)
    exit_rate = nmu + (q + 1.0) * theta
    p_answer = nmu / exit_rate
    p_abandon = (q + 1.0) * theta / exit_rate  # not 1 - p_answer: tiny theta would cancel
    answered_wait = np.cumsum(1.0 / exit_rate)  # E[wait | answered, q]
    within = (
        special.betainc(q + 1.0, nmu / theta + 1.0, -math.expm1(-theta * t))
        if t > 0.0
        else np.zeros_like(q)
    )
    return (
        peak + math.log(total),
        float(w @ p_answer),
        float(w @ p_abandon),
        float(w @ (p_answer * answered_wait)),
        float(w @ q),
        float(w @ (p_answer * within)),
    )


def _expm1_minus(w: np.ndarray) -> np.ndarray:
    """e^w - 1 - w without cancellation near 0."""
    w = np.asarray(w, dtype=float)
    small = np.abs(w) < 0.1
    ws = np.where(small, w, 0.0)
    series = np.zeros_like(ws)
    term = ws.copy()
    for k in range(2, 16):  # |w| < 0.1: 15 terms reach rounding
        term = term * ws / k
        series += term
    return np.where(small, series, np.expm1(np.where(small, 0.0, w)) - w)


def _x_minus_log1p(x: float) -> float:
    """x - log(1 + x) without cancellation near 0."""
    if abs(x) >= 0.1:
        return x - math.log1p(x)
    return sum((-1.0) ** k * x**k / k for k in range(2, 20))


def _gauss_legendre(
    log_f: Callable[[np.ndarray], np.ndarray], lo: float, hi: float, centres: tuple[float, ...]
) -> float:
    """Integral of exp(log_f) over [lo, hi] by composite Gauss-Legendre.

    Panels are uniform plus geometrically graded away from each point in centres, so
    features far narrower than [lo, hi] (the patience scale 1/theta next to a wide
    density) are resolved without knowing their size.
    """
    if not hi > lo:
        return 0.0
    span = hi - lo
    graded = span * np.logspace(-14, 0, _GL_GRADED)
    edges = [np.linspace(lo, hi, _GL_PANELS + 1)]
    for c in centres:
        edges += [c - graded, c + graded]
    x_edges = np.unique(np.clip(np.concatenate(edges), lo, hi))
    half = 0.5 * np.diff(x_edges)[:, None]
    mid = 0.5 * (x_edges[:-1] + x_edges[1:])[:, None]
    x = (mid + half * _GL_NODES).ravel()
    return float(np.sum((half * _GL_WEIGHTS).ravel() * np.exp(log_f(x))))


def _bulk(
    log_f: Callable[[np.ndarray], np.ndarray], mode: float, lower: float, width: float
) -> tuple[float, float]:
    """Interval outside which the concave log_f (peak at mode, domain >= lower) is below
    its peak minus _LOG_DROP; width is a first guess at the scale."""

    def at(x: float) -> float:
        return float(log_f(np.array([x]))[0])

    floor = at(mode) - _LOG_DROP

    def edge(direction: float) -> float:
        inside, step = mode, width
        while True:
            outside = mode + direction * step
            if outside <= lower:
                if at(lower) >= floor:
                    return lower
                outside = lower
                break
            if at(outside) < floor:
                break
            inside, step = outside, 2.0 * step
        for _ in range(200):  # bisection: the drop point need not be precise
            middle = 0.5 * (inside + outside)
            if middle in (inside, outside):
                break
            if at(middle) >= floor:
                inside = middle
            else:
                outside = middle
        return outside

    lo = lower if mode <= lower else edge(-1.0)
    return lo, edge(1.0)


def _delayed_by_quadrature(lam: float, nmu: float, theta: float, t: float) -> _Delayed:
    """Same quantities as _delayed_by_states, as integrals over the offered wait."""
    # Work in d = v - v0, offset from the density's mode v0: v0 can be huge when patience
    # is long, and v0 + d would lose d to rounding.
    overloaded = lam > nmu
    c0 = nmu if overloaded else lam  # lambda exp(-theta v0)
    log_eps = math.log(nmu / lam) if overloaded else 0.0  # log exp(-theta v0)
    v0 = -log_eps / theta
    lower = -v0

    # log density relative to its peak, in a form without large cancelling terms
    def log_base(d: np.ndarray) -> np.ndarray:
        return -(nmu - c0) * d - (c0 / theta) * _expm1_minus(-theta * d)

    def log_answered(d: np.ndarray) -> np.ndarray:  # times exp(-theta (v - v0))
        return log_base(d) - theta * d

    def log_abandoned(d: np.ndarray) -> np.ndarray:  # times 1 - exp(-theta v)
        with np.errstate(divide="ignore"):
            return log_base(d) + np.log(-np.expm1(log_eps - theta * d))

    def log_answered_wait(d: np.ndarray) -> np.ndarray:  # times v exp(-theta (v - v0))
        with np.errstate(divide="ignore"):
            return log_answered(d) + np.log(np.maximum(v0 + d, 0.0))

    width = 1.0 / (abs(nmu - c0) + math.sqrt(c0 * theta) + theta)
    lo0, hi0 = _bulk(log_base, 0.0, lower, width)
    mode1 = max(lower, -math.log1p(theta / nmu) / theta) if overloaded else 0.0
    lo1, hi1 = _bulk(log_answered, mode1, lower, width)
    # grade panels towards both modes and towards v = 0, where 1 - exp(-theta v) bends
    centres = (0.0, mode1, lower)
    base = _gauss_legendre(log_base, lo0, hi0, centres)
    eps = math.exp(log_eps)
    p_abandon = _gauss_legendre(log_abandoned, lo0, hi0, centres) / base
    answered_wait = eps * _gauss_legendre(log_answered_wait, lo1, hi1, centres) / base
    within = eps * _gauss_legendre(log_answered, lo1, min(hi1, t - v0), centres) / base
    log_peak = (nmu / theta) * _x_minus_log1p((lam - nmu) / nmu) if overloaded else 0.0
    return (
        math.log(nmu) + log_peak + math.log(base),
        eps * _gauss_legendre(log_answered, lo1, hi1, centres) / base,
        p_abandon,
        answered_wait,
        lam * p_abandon / theta,  # Little's law with E[wait | V] = (1 - e^{-theta V})/theta
        within,
    )


def erlang_a_metrics(
    agents: int,
    arrival_rate: float | str,
    mean_handle: float | str,
    mean_patience: float | str,
    answer_within: float | str = 0.0,
) -> QueueMetrics:
    """M/M/n+M (Palm/Erlang-A, Garnett–Mandelbaum–Reiman 2002): exponential patience with
    mean mean_patience (seconds).

    Exact (no simulation) and finite for any load, including heavy overload, for
    thousands of agents. mean_patience = math.inf returns exactly erlang_c_metrics;
    mean_patience = 0 is the limit theta -> inf: contacts finding all agents busy leave at
    once, so p_wait = p_abandon = B(n, a), asa = mean_wait = 0. Finite patience must be
    <= 1e100 s. See the comment block above for the method.
    """
    n = check_agents(agents)
    lam, handle = check_rates(arrival_rate, mean_handle)
    patience = seconds("mean_patience", mean_patience, allow_inf=True)
    t = seconds("answer_within", answer_within)
    if math.isinf(patience):
        return erlang_c_metrics(n, lam, handle, t)
    if patience > _MAX_PATIENCE:
        raise ValueError(
            f"mean_patience must be <= {_MAX_PATIENCE:g} s or math.inf, got {mean_patience!r}"
        )
    load = lam * handle
    b_before, b = erlang_b_last_two(n, load)

    def result(
        p_wait: float,
        p_abandon: float,
        p_answered: float,
        asa: float,
        mean_wait: float,
        service_level: float,
    ) -> QueueMetrics:
        return QueueMetrics(
            agents=n,
            offered_load=load,
            p_wait=clip01(p_wait),
            p_abandon=clip01(p_abandon),
            p_blocked=0.0,
            asa=asa,
            mean_wait=mean_wait,
            service_level=clip01(service_level),
            occupancy=clip01(load * p_answered / n),
            answer_within=t,
        )

    if b == 0.0:  # no load, or a^n/n! underflowed: no arrival finds every agent busy
        return result(0.0, 0.0, 1.0, 0.0, 0.0, 1.0)
    if patience == 0.0:
        return result(b, b, 1.0 - b, 0.0, 0.0, 1.0 - b)
    nmu, theta = n / handle, 1.0 / patience
    delayed = _delayed_by_states(lam, nmu, theta, t)
    if delayed is None:
        delayed = _delayed_by_quadrature(lam, nmu, theta, t)
    log_delayed, answered_d, abandon_d, answered_wait_d, queue_d, within_d = delayed
    # P(k < n) / P(k = n) = (1 - B) / B = n / (a B(n-1)): the right-hand form keeps its
    # precision when B rounds to 1 in extreme overload. Normalise in log space because
    # the queue weights overflow a double in heavy overload.
    log_free = math.log(n / load) - math.log(b_before)
    log_total = float(np.logaddexp(log_free, log_delayed))
    p_free = math.exp(log_free - log_total)
    p_wait = math.exp(log_delayed - log_total)
    p_answered = p_free + p_wait * answered_d
    return result(
        p_wait,
        p_wait * abandon_d,
        p_answered,
        p_wait * answered_wait_d / p_answered if p_answered > 0.0 else 0.0,
        p_wait * queue_d / lam,
        p_free + p_wait * within_d,
    )
