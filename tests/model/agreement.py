"""The statistical check of the model tests against exact chains: |mean − exact| < t · s /
√n over independent replications, t the two-sided 99.9 % Student quantile (a module of a
dozen checks would fail by chance too often at 95 %; 99.9 % still fails on a model error of
a few standard errors)."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats


def agrees(values: list[float], exact: float, what: str) -> None:
    """Assert that the mean of ``values`` (one per replication) agrees with ``exact``."""
    values_ = np.asarray(values, dtype=float)
    n = len(values_)
    half = stats.t.ppf(0.9995, n - 1) * values_.std(ddof=1) / math.sqrt(n)
    assert abs(values_.mean() - exact) < half, (
        f"{what}: {values_.mean():.5g} ± {half:.2g} over {n} runs, exact {exact:.5g}")
