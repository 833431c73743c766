"""What the Erlang tests share: the handle time most cases use, Erlang B and C from their
definitions in exact rational arithmetic (oracles independent of the package's formulas),
and the hypothesis strategies of random queues."""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import strategies as st

from ccsim.analytic import QueueMetrics

HANDLE = 240.0  # seconds; most cases use a 4-minute handle time


def metrics_fields(m: QueueMetrics) -> list[float]:
    return [m.p_wait, m.p_abandon, m.p_blocked, m.asa, m.mean_wait, m.service_level, m.occupancy]


def erlang_b_exact(n: int, a: Fraction) -> Fraction:
    """(a^n/n!) / sum_k a^k/k! in exact rationals."""
    terms = [a**k / math.factorial(k) for k in range(n + 1)]
    return terms[-1] / sum(terms)


def erlang_c_exact(n: int, a: Fraction) -> Fraction:
    """P(wait) of M/M/n from the stationary law: (a^n/n! * n/(n-a)) / normaliser."""
    head = [a**k / math.factorial(k) for k in range(n)]
    tail = a**n / math.factorial(n) * n / (n - a)
    return tail / (sum(head) + tail)


agents_st = st.integers(min_value=1, max_value=300)
load_factor_st = st.floats(min_value=0.01, max_value=4.0)
handle_st = st.floats(min_value=10.0, max_value=1000.0)
threshold_st = st.floats(min_value=0.0, max_value=300.0)
