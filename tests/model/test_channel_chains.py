"""The exact reference chains of issue 25's channels, chat with concurrency
(chat_chain.py) and deferrable work under opening hours (backlog_chain.py), proved against
closed forms and against themselves: Erlang A and C from :mod:`ccsim.analytic`, a chat
agent and an M/M/c sojourn time solved by hand, flow balance, Little's law, tagged items
against the stationary flows, the night's arrivals, the quadrature and the truncation. No
simulation: every comparison is exact up to rounding and the truncation (held below
1e-12), so the tolerances are 1e-9 as in test_chains_exact.py, unless stated."""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pytest
from backlog_chain import BacklogMetrics, _survivals, backlog_metrics
from chat_chain import chat_metrics
from scipy.linalg import expm

from ccsim.analytic import erlang_a_metrics, erlang_b, erlang_c_metrics

HANDLE = 180.0  # seconds: mean work of a chat
MU = 1 / HANDLE
H = 3600.0  # seconds in an hour


def rel(x: float, y: float) -> float:
    """|x - y| relative to y (absolute where y is 0)."""
    return abs(x - y) / abs(y) if y else abs(x)


# --- chat with concurrency --------------------------------------------------------------


@pytest.mark.parametrize(("c", "K"), [(3, 3), (2, 4), (5, 1)])
def test_chat_without_slowdown_is_erlang_c_with_c_K_seats(c, K):
    lam, t = 0.85 * c * K * MU, 20.0
    chat = chat_metrics(c, K, lam, HANDLE, answer_within=t)
    exact = erlang_c_metrics(c * K, lam, HANDLE, answer_within=t)
    assert chat.tail < 1e-12 and chat.p_abandon == 0
    for field in ("p_wait", "mean_wait", "asa", "service_level"):
        assert rel(getattr(chat, field), getattr(exact, field)) < 1e-9, field
    assert rel(chat.utilisation, exact.occupancy) < 1e-9
    assert rel(chat.mean_handle_time, HANDLE) < 1e-9


@pytest.mark.parametrize(("c", "K", "load"), [(3, 3, 1.1), (2, 4, 0.7), (1, 3, 1.6)])
def test_chat_without_slowdown_is_erlang_a_with_c_K_seats(c, K, load):
    lam, patience, t = load * c * K * MU, 120.0, 20.0
    chat = chat_metrics(c, K, lam, HANDLE, mean_patience=patience, answer_within=t)
    exact = erlang_a_metrics(c * K, lam, HANDLE, patience, answer_within=t)
    assert chat.tail < 1e-12
    for field in ("p_wait", "p_abandon", "mean_wait", "asa", "service_level"):
        assert rel(getattr(chat, field), getattr(exact, field)) < 1e-9, field
    assert rel(chat.utilisation, exact.occupancy) < 1e-9


def test_one_chat_each_is_erlang_with_the_slower_handle():
    # K = 1: c agents who each handle one chat at speed 1 / 1.3.
    c, s, t = 4, 1.3, 30.0
    lam = 0.8 * c / (s * HANDLE)
    chat = chat_metrics(c, 1, lam, HANDLE, slowdown=(s,), answer_within=t)
    exact = erlang_c_metrics(c, lam, s * HANDLE, answer_within=t)
    for field in ("p_wait", "mean_wait", "asa", "service_level"):
        assert rel(getattr(chat, field), getattr(exact, field)) < 1e-9, field
    assert rel(chat.mean_handle_time, s * HANDLE) < 1e-9
    chat = chat_metrics(c, 1, 1.2 * lam, HANDLE, slowdown=(s,), mean_patience=90.0,
                        answer_within=t)
    exact = erlang_a_metrics(c, 1.2 * lam, s * HANDLE, 90.0, answer_within=t)
    for field in ("p_wait", "p_abandon", "mean_wait", "asa", "service_level"):
        assert rel(getattr(chat, field), getattr(exact, field)) < 1e-9, field


def test_one_agent_with_two_chats_solved_by_hand():
    # c = 1, K = 2 is a birth–death line in the chats held, then waiting: births lam;
    # deaths mu / s0 at 1, 2 mu / s1 at 2 and, with q waiting, 2 mu / s1 (+ q theta).
    # Without abandonment, with a = lam / mu and rho = lam s1 / (2 mu), the weights are
    # 1, a s0, w2 = a^2 s0 s1 / 2 and w2 rho^q beyond, Z their sum:
    s0, s1, t = 1.0, 1.4, 60.0
    lam = 0.75 * 2 * MU / s1
    a, rho = lam / MU, lam * s1 / (2 * MU)
    w2 = a * a * s0 * s1 / 2
    Z = 1 + a * s0 + w2 / (1 - rho)
    p_wait = w2 / (1 - rho) / Z
    held = (a * s0 + 2 * w2 / (1 - rho)) / Z
    chat = chat_metrics(1, 2, lam, HANDLE, slowdown=(s0, s1), answer_within=t)
    assert rel(chat.p_wait, p_wait) < 1e-9
    assert rel(chat.mean_queue, w2 * rho / (1 - rho) ** 2 / Z) < 1e-9
    assert rel(chat.mean_wait, chat.mean_queue / lam) < 1e-12
    # Once both seats are full the line empties at 2 mu / s1: the M/M/1 wait.
    assert rel(chat.service_level, 1 - p_wait * math.exp(-(2 * MU / s1 - lam) * t)) < 1e-9
    assert rel(chat.occupancy, 1 - 1 / Z) < 1e-9
    assert rel(chat.concurrency, held) < 1e-9
    assert rel(chat.mean_handle_time, held / lam) < 1e-9  # everyone is answered
    # With patience the line above two chats is Erlang A's with two agents of handle
    # s1 / mu, so everything *given a wait* is Erlang A's, and the weight of the line is
    # its P(wait) / P(2 busy) = p / (1 - p) (1 - B) / B (B Erlang B's, P(< 2) / P(2)).
    patience, lam = 100.0, 1.3 * 2 * MU / s1
    a = lam / MU
    w2 = a * a * s0 * s1 / 2
    A = erlang_a_metrics(2, lam, s1 * HANDLE, patience, answer_within=t)
    B = erlang_b(2, lam * s1 * HANDLE)
    line = A.p_wait / (1 - A.p_wait) * (1 - B) / B
    p_wait = w2 * line / (1 + a * s0 + w2 * line)
    chat = chat_metrics(1, 2, lam, HANDLE, slowdown=(s0, s1), mean_patience=patience,
                        answer_within=t)
    assert rel(chat.p_wait, p_wait) < 1e-9
    assert rel(chat.p_abandon, p_wait * A.p_abandon / A.p_wait) < 1e-9
    assert rel(chat.mean_wait, p_wait * A.mean_wait / A.p_wait) < 1e-9
    within = (A.service_level - (1 - A.p_wait)) / A.p_wait  # answered by t, given a wait
    assert rel(chat.service_level, 1 - p_wait + p_wait * within) < 1e-9
    waited = A.asa * (1 - A.p_abandon) / A.p_wait  # E[wait; answered | wait]
    assert rel(chat.asa, p_wait * waited / (1 - chat.p_abandon)) < 1e-9


CHAT_CASES = [  # c, K, load (of the seats when full), slowdown, patience
    (3, 3, 0.9, (1.0, 1.2, 1.5), math.inf),
    (3, 3, 1.2, (1.0, 1.2, 1.5), 120.0),
    (4, 2, 1.0, (1.0, 1.1), 300.0),
    (2, 4, 0.8, (1.0, 1.3, 1.7, 2.2), 60.0),
]


@pytest.mark.parametrize(("c", "K", "load", "slowdown", "patience"), CHAT_CASES,
                         ids=["patient", "impatient", "two chats", "four chats"])
def test_chat_flows_balance(c, K, load, slowdown, patience):
    lam = load * c * K * MU / slowdown[-1]
    chat = chat_metrics(c, K, lam, HANDLE, slowdown=slowdown, mean_patience=patience,
                        answer_within=30.0)
    assert chat.tail < 1e-12 and chat.boundary < 1e-12
    # Every chat is answered or abandons; every answered chat ends.
    assert rel(lam * (1 - chat.p_abandon), chat.completion_rate) < 1e-9
    assert rel(chat.answered_rate, chat.completion_rate) < 1e-9
    assert rel(chat.abandoned_rate, chat.p_abandon * lam) < 1e-12
    # Little's law: tagged chats (waiting, in service) against the time averages.
    assert max(chat.checks.values()) < 1e-9
    assert rel(chat.mean_held, chat.completion_rate * chat.mean_handle_time) < 1e-12
    # The time averages agree with each other.
    by = np.array(chat.agents_by_chats)
    assert rel(by.sum(), c) < 1e-12
    assert rel(chat.mean_held, by @ np.arange(K + 1)) < 1e-12
    assert rel(chat.concurrency, chat.utilisation * K) < 1e-12
    assert rel(chat.occupancy, 1 - by[0] / c) < 1e-12
    assert rel(chat.concurrency_when_busy, chat.mean_held / (c - by[0])) < 1e-12
    # A chat is handled at between its fastest and its slowest speed.
    assert HANDLE * min(slowdown) < chat.mean_handle_time < HANDLE * max(slowdown)
    assert 1 - chat.p_wait < chat.service_level < 1 - chat.p_abandon
    assert chat.asa <= chat.mean_wait / (1 - chat.p_abandon) + 1e-9


def test_chat_service_level_runs_from_no_wait_to_answered():
    args = (3, 3, 1.1 * 9 * MU, HANDLE)
    kwargs = {"slowdown": (1.0, 1.2, 1.5), "mean_patience": 100.0}
    now = chat_metrics(*args, **kwargs, answer_within=0.0)
    ever = chat_metrics(*args, **kwargs, answer_within=3600.0)  # exp(-36) of patience left
    assert rel(now.service_level, 1 - now.p_wait) < 1e-12
    assert rel(ever.service_level, 1 - ever.p_abandon) < 1e-9
    levels = [chat_metrics(*args, **kwargs, answer_within=t).service_level
              for t in (5.0, 20.0, 60.0)]
    assert now.service_level < levels[0] < levels[1] < levels[2] < ever.service_level


def test_chat_slowdown_costs_waits():
    base = {"agents": 3, "max_chats": 3, "arrival_rate": 0.8 * 9 * MU / 1.5,
            "mean_handle": HANDLE, "mean_patience": 200.0, "answer_within": 20.0}
    fast = chat_metrics(**base)
    slow = chat_metrics(**base, slowdown=(1.0, 1.2, 1.5))
    assert slow.mean_wait > fast.mean_wait and slow.p_abandon > fast.p_abandon
    assert slow.service_level < fast.service_level
    assert slow.mean_handle_time > fast.mean_handle_time == pytest.approx(HANDLE, rel=1e-12)


def test_chat_truncation_is_negligible():
    args = (3, 3, 0.95 * 9 * MU / 1.5, HANDLE)
    kwargs = {"slowdown": (1.0, 1.2, 1.5), "answer_within": 30.0}
    chat = chat_metrics(*args, **kwargs)
    wider = chat_metrics(*args, **kwargs, Q=chat.Q + 40)
    assert chat.tail < 1e-12 and wider.tail < chat.tail
    for field in ("p_wait", "mean_wait", "asa", "service_level", "mean_handle_time",
                  "concurrency", "occupancy"):
        assert rel(getattr(chat, field), getattr(wider, field)) < 1e-10, field


# --- deferrable work under opening hours -----------------------------------------------


def mmc_sojourn_survival(c: int, lam: float, mu: float, t: float) -> float:
    """P(response > t) in M/M/c FCFS: ``exp(-mu t) + C mu (exp(-mu t) - exp(-d t)) / (d -
    mu)``, ``d = c mu - lam``, ``C`` Erlang C (the wait is 0, or Exp(d) w.p. C)."""
    C = erlang_c_metrics(c, lam, 1 / mu).p_wait
    d = c * mu - lam
    return math.exp(-mu * t) + C * mu * (math.exp(-mu * t) - math.exp(-d * t)) / (d - mu)


def test_round_the_clock_is_erlang_c():
    c, handle, t = 3, 1200.0, 1800.0
    lam = 0.8 * c / handle
    day = backlog_metrics(c, 0.0, 24 * H, lam, handle, answer_within=t)
    exact = erlang_c_metrics(c, lam, handle)
    assert day.boundary < 1e-12
    assert rel(day.mean_response, exact.asa + handle) < 1e-9
    assert rel(day.mean_wait, exact.asa) < 1e-9
    assert rel(day.service_level, 1 - mmc_sojourn_survival(c, lam, 1 / handle, t)) < 1e-9
    assert rel(day.occupancy, exact.occupancy) < 1e-9
    assert rel(day.mean_waiting, lam * exact.asa) < 1e-9
    # The law of N at any time: M/M/c's, a^k / k! then times rho per item beyond c.
    a = lam * handle
    k = np.arange(60)
    weight = np.where(k <= c, a ** k / np.array([math.factorial(i) for i in k], dtype=float),
                      a ** c / math.factorial(c) * (a / c) ** np.maximum(k - c, 0))
    total = sum(a ** i / math.factorial(i) for i in range(c)) + a ** c / math.factorial(c) / (
        1 - a / c)
    assert np.abs(np.array(day.at_open[:60]) / (weight / total) - 1).max() < 1e-9
    assert np.abs(np.array(day.at_open) - day.at_close).max() < 1e-15


@cache
def office(answer_within: float = 13.3 * H, nodes: int = 12, N: int | None = None
           ) -> BacklogMetrics:
    """Three agents open 08:00–16:00, 20-minute items, 80% of a day's capacity."""
    return backlog_metrics(3, 8 * H, 16 * H, 2.4 / H, 1200.0, answer_within=answer_within,
                           nodes=nodes, N=N)


def night(at_close: tuple[float, ...], arrivals: float) -> np.ndarray:
    """The law at opening from the law at closing: plus Poisson(arrivals), truncated."""
    N = len(at_close) - 1
    k = np.arange(N + 1)
    poisson = np.exp(k * math.log(arrivals) - arrivals
                     - np.array([math.lgamma(i + 1) for i in k]))
    out = np.convolve(at_close, poisson)[:N + 1]
    out[N] += 1 - out.sum()  # arrivals that would pass N are lost
    return out


def test_a_day_balances():
    day = office()
    assert day.boundary < 1e-12
    lost = day.boundary * day.arrivals_per_day
    assert rel(day.arrivals_per_day, 2.4 * 24) < 1e-12
    # Each day's arrivals are worked off the same day, in the periodic steady state.
    assert rel(day.completions_per_day + lost, day.arrivals_per_day) < 1e-12
    assert rel(day.occupancy, day.completions_per_day * 1200.0 / (3 * 8 * H)) < 1e-12
    # The backlog at opening is the backlog at closing plus the night's arrivals, in
    # expectation and in law (nothing is handled at night).
    assert rel(day.backlog_at_open, day.backlog_at_close + 2.4 * 16) < 1e-9
    assert np.abs(night(day.at_close, 2.4 * 16) - day.at_open).max() < 1e-14
    # Tagged items against Little's law; the quadrature against the exact day integral.
    assert day.checks["little"] < 1e-9 and day.checks["quadrature"] < 1e-12
    assert day.mean_response > day.mean_wait + 1200.0  # handling, and nights in it
    assert rel(day.mean_in_system, day.mean_response * day.arrivals_per_day / (24 * H)
               ) < 1e-12


def test_a_profile_and_a_night_shift_balance():
    per_hour = [0.5] * 8 + [3, 5, 5, 4, 4, 4, 4, 3, 3, 2, 1, 1] + [0.5] * 4
    rate = [x / H for x in per_hour]
    for open_from, open_until in ((8.5 * H, 17 * H), (22 * H, 6 * H)):
        day = backlog_metrics(4, open_from, open_until, rate, 1200.0, answer_within=5.5 * H)
        hours = np.arange(24 * 60) / 60  # minutes of the clock, in hours
        closed = ~((hours >= open_from / H) & (hours < open_until / H)
                   if open_from < open_until else
                   (hours >= open_from / H) | (hours < open_until / H))
        arrivals_closed = float(np.repeat(per_hour, 60)[closed].sum()) / 60
        assert day.boundary < 1e-12
        assert rel(day.arrivals_per_day, sum(per_hour)) < 1e-12
        assert rel(day.completions_per_day, day.arrivals_per_day) < 1e-9
        assert rel(day.backlog_at_open, day.backlog_at_close + arrivals_closed) < 1e-9
        assert np.abs(night(day.at_close, arrivals_closed) - day.at_open).max() < 1e-14
        assert day.checks["little"] < 1e-9 and day.checks["quadrature"] < 1e-12


def test_backlog_quadrature_and_truncation_are_exact():
    # 13.3 h puts the kinks of u -> open time in [u, u + tau] between the nodes' parts.
    day = office()
    for other in (office(nodes=24), office(N=day.N + 40)):
        for field in ("service_level", "mean_wait", "mean_response", "backlog_at_open",
                      "mean_waiting"):
            assert rel(getattr(other, field), getattr(day, field)) < 1e-10, field


def test_backlog_service_level_runs_from_zero_to_everyone():
    levels = [office(answer_within=t).service_level for t in (0.0, 13.3 * H, 30 * H)]
    assert levels[0] == 0.0
    assert levels == sorted(levels) and levels[-1] < 1
    assert 1 - office(answer_within=10 * 24 * H).service_level < 1e-12


@pytest.mark.parametrize("c", [1, 2, 4])
def test_tagged_item_is_its_pure_death_chain(c):
    # On the open-time clock an item that finds j has m = j - c + 1 phases of rate c mu
    # before its start (none if j < c), then one of rate mu.
    mu, n = 1 / 1200, 12
    ys = np.array([0.0, 300.0, 2400.0, 9000.0])
    done, started = _survivals(ys, c, mu, n)
    # Each j's chain in the top-left corner of one n + 1 square (zeros elsewhere, whose
    # exponential is the identity there), all exponentiated in one call.
    T = np.zeros((n, n + 1, n + 1))
    for j in range(n):
        rates = np.array([c * mu] * max(j - c + 1, 0) + [mu])
        T[j, range(len(rates)), range(len(rates))] = -rates
        T[j, range(len(rates) - 1), range(1, len(rates))] = rates[:-1]
    for row, y in enumerate(ys):
        left = expm(T * y)[:, 0]  # the law on the phases, from the first
        for j in range(n):
            m = max(j - c + 1, 0)
            assert rel(done[row, j], left[j, :m + 1].sum()) < 1e-12
            assert rel(started[row, j], left[j, :m].sum() if y > 0 else 1.0) < 1e-12
