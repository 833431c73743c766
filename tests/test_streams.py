"""Distributions and the seed → stream scheme (``ccsim.streams``).

Every statistical check uses a fixed seed, so it is deterministic; its tolerance is a
two-sided 99.9 % interval of the statistic's sampling distribution (z = 3.29), so that a
correct implementation would pass for almost any seed and a wrong parameterisation (a cv
read as sigma, a missing −σ²/2, shape and scale swapped) misses by many widths.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from statistics import NormalDist

import numpy as np
import pytest

from ccsim.streams import (
    BATCH,
    Constant,
    Empirical,
    Exponential,
    Gamma,
    LogNormal,
    Sequence,
    Triangular,
    UniformBetween,
    draws,
    stream,
)

Z = NormalDist().inv_cdf(0.9995)  # two-sided 99.9 %: 3.29
N = 200_000  # draws per statistical check: mean within ~0.7 % and cv within ~2 % for cv = 1


def lognormal_shape(cv):
    """Skewness and kurtosis (not excess) of the log-normal with coefficient of variation cv."""
    w = 1 + cv**2  # exp(sigma²)
    return (w + 2) * math.sqrt(w - 1), w**4 + 2 * w**3 + 3 * w**2 - 3


def gamma_shape(cv):
    """Skewness and kurtosis of the gamma with coefficient of variation cv (shape 1/cv²)."""
    return 2 * cv, 3 + 6 * cv**2


def triangular_moments(low, mode, high):
    """Mean, cv, skewness and kurtosis (3 − 3/5, whatever the shape) of the triangular."""
    q = low**2 + mode**2 + high**2 - low * mode - low * high - mode * high  # 18 × variance
    mean = (low + mode + high) / 3
    skewness = (math.sqrt(2) * (low + high - 2 * mode) * (2 * low - high - mode)
                * (low - 2 * high + mode) / (5 * q**1.5))
    return mean, math.sqrt(q / 18) / mean, skewness, 2.4


# dist, stated mean, stated cv, skewness, kurtosis (the last two set the cv's tolerance)
CONTINUOUS = [
    (Exponential(240.0), 240.0, 1.0, 2.0, 9.0),
    (LogNormal(240.0, 0.5), 240.0, 0.5, *lognormal_shape(0.5)),
    (LogNormal(180.0, 1.0), 180.0, 1.0, *lognormal_shape(1.0)),
    (Gamma(240.0, 0.5), 240.0, 0.5, *gamma_shape(0.5)),
    (Gamma(60.0, 2.0), 60.0, 2.0, *gamma_shape(2.0)),  # cv > 1: shape 1/4
    # uniform on [a, b]: sd (b − a)/√12, no skew, kurtosis 9/5
    (UniformBetween(180.0, 300.0), 240.0, 120 / math.sqrt(12) / 240, 0.0, 1.8),
    (Triangular(60.0, 120.0, 360.0), *triangular_moments(60.0, 120.0, 360.0)),  # skewed right
    (Triangular(60.0, 360.0, 360.0), *triangular_moments(60.0, 360.0, 360.0)),  # mode at max
]
CONTINUOUS_CASES = [pytest.param(*case, id=repr(case[0])) for case in CONTINUOUS]


def check_mean_and_cv(sample, mean, cv, skewness, kurtosis):
    n = len(sample)
    # The sample mean is normal to within the CLT with sd = cv · mean / √n (the stated sd).
    mean_tolerance = Z * cv * mean / math.sqrt(n)
    assert abs(sample.mean() - mean) <= mean_tolerance, (sample.mean(), mean, mean_tolerance)
    # The sample cv ĉ = s / x̄, by the delta method on (x̄, s²):
    #   Var(ln ĉ) ≈ [(κ − 1)/4 − γ·c + c²] / n
    # (¼ Var(s²)/σ⁴ + Var(x̄)/μ² − Cov(x̄, s²)/(μσ²), with Var(s²) ≈ (κ − 1)σ⁴/n and
    # Cov(x̄, s²) ≈ γσ³/n), so sd(ĉ) ≈ c · √(that). Exponential: exactly 1/√n. Checked
    # against the spread of ĉ over 500 independent batches of 20 000 draws: within 6 %
    # for every case here (log-normal cv 1, the heaviest tail, is 5 % wider).
    cv_sd = cv * math.sqrt(((kurtosis - 1) / 4 - skewness * cv + cv**2) / n)
    sample_cv = sample.std() / sample.mean()
    assert abs(sample_cv - cv) <= Z * cv_sd, (sample_cv, cv, Z * cv_sd)


@pytest.mark.parametrize(("dist", "mean", "cv", "skewness", "kurtosis"), CONTINUOUS_CASES)
def test_continuous_distributions_have_their_stated_mean_and_cv(dist, mean, cv, skewness,
                                                                 kurtosis):
    sample = np.asarray(dist.sample(stream(2024, repr(dist)), N))
    assert sample.shape == (N,) and (sample > 0).all()
    check_mean_and_cv(sample, mean, cv, skewness, kurtosis)


@pytest.mark.parametrize("dist", [UniformBetween(180.0, 300.0), Triangular(60.0, 120.0, 360.0)],
                         ids=repr)
def test_uniform_and_triangular_stay_within_their_bounds_and_fill_them(dist):
    sample = dist.sample(stream(5, repr(dist)), N)
    low, high = dist.low, dist.high
    assert low <= sample.min() and sample.max() < high
    # Within 0.1 % of the range of either end, as N draws of a density positive there
    # (the triangular's at its far end, where it falls to 0, within 5 %).
    assert sample.min() < low + 0.001 * (high - low) and sample.max() > high - 0.05 * (high - low)
    if isinstance(dist, Triangular):  # its mode is the peak: the histogram's highest bin
        counts, edges = np.histogram(sample, bins=30, range=(low, high))
        assert edges[counts.argmax()] <= dist.mode <= edges[counts.argmax() + 1]


def test_constant_is_always_its_value():
    draw = draws(Constant(30.0), stream(1, "constant"))
    assert [draw() for _ in range(2 * BATCH + 5)] == [30.0] * (2 * BATCH + 5)


def test_empirical_resamples_the_observed_values_uniformly():
    # A repeated observation counts twice: 60 is drawn half the time.
    values = (30.0, 60.0, 60.0, 240.0)
    sample = Empirical(values).sample(stream(2024, "empirical"), N)
    assert set(sample.tolist()) == set(values)
    # Each distinct value's count is Binomial(N, p): within Z binomial sds of N·p.
    for value, p in {30.0: 0.25, 60.0: 0.5, 240.0: 0.25}.items():
        count = np.count_nonzero(sample == value)
        assert abs(count - N * p) <= Z * math.sqrt(N * p * (1 - p)), (value, count)
    # Its stated mean and cv are those of the values (population sd), tolerances as above
    # from the values' own skewness and kurtosis.
    v = np.asarray(values)
    mean, sd = v.mean(), v.std()
    skewness, kurtosis = ((v - mean) ** 3).mean() / sd**3, ((v - mean) ** 4).mean() / sd**4
    check_mean_and_cv(sample, mean, sd / mean, skewness, kurtosis)


def test_sequence_cycles_through_its_values_in_order():
    values = (5.0, 1.0, 3.0)
    draw = draws(Sequence(values), stream(1, "script"))
    got = [draw() for _ in range(3 * len(values) + 1)]
    assert got == [5.0, 1.0, 3.0] * 3 + [5.0]
    # So over whole cycles (from any starting point) its mean and cv are those of the values.
    cycles = np.array([draw() for _ in range(1000 * len(values))])
    assert cycles.mean() == pytest.approx(3.0)
    assert cycles.std() / cycles.mean() == pytest.approx(np.std(values) / 3.0)


def test_a_sequence_is_only_drawn_in_order_through_draws():
    # sample(n) would restart the script at every batch.
    with pytest.raises(NotImplementedError, match="draws"):
        Sequence((1.0, 2.0)).sample(stream(1, "script"), 4)


BATCHED = [dist for dist, *_ in CONTINUOUS] + [Constant(7.0), Empirical((30.0, 60.0, 60.0, 240.0))]


@pytest.mark.parametrize("dist", BATCHED, ids=repr)
def test_draws_are_the_numpy_batches_in_order_across_batch_boundaries(dist):
    # 3000 values span several batch boundaries (draws' first batches are small, then
    # BATCH each): nothing is skipped, repeated or reordered where one batch ends and the
    # next begins, and the values are those of sampling BATCH at a time, whatever the
    # sizes of the batches (each sampler draws the bit stream value by value).
    draw = draws(dist, stream(9, "handle_time:general"))
    got = [draw() for _ in range(3000)]
    rng = stream(9, "handle_time:general")
    batches = np.concatenate([dist.sample(rng, BATCH) for _ in range(math.ceil(3000 / BATCH))])
    assert got == batches[:3000].tolist()


def first_draws(seed, name, n=8):
    return stream(seed, name).random(n).tolist()


def test_the_same_seed_and_name_give_the_same_draws():
    assert first_draws(7, "patience:billing") == first_draws(7, "patience:billing")


def test_another_name_or_seed_gives_other_draws():
    names = ["arrivals:billing", "arrivals:sales", "patience:billing", "patience:billin",
             "handle_time:billing", "", "a", "b"]
    seeds = [0, 1, 2, 7, 2**32, 2**63 - 1]
    firsts = [tuple(first_draws(seed, name)) for seed in seeds for name in names]
    assert len(set(firsts)) == len(firsts)


@pytest.mark.parametrize(("a", "b"), [((1, "patience:a"), (1, "patience:b")),
                                      ((1, "patience:a"), (2, "patience:a"))])
def test_streams_of_neighbouring_names_and_seeds_are_uncorrelated(a, b):
    # The correlation of n independent pairs is ~ N(0, 1/n): |r| ≤ Z/√n at 99.9 %.
    x, y = stream(*a).random(N), stream(*b).random(N)
    assert abs(np.corrcoef(x, y)[0, 1]) <= Z / math.sqrt(N)


def test_adding_a_stream_leaves_the_draws_of_the_others_unchanged():
    alone = stream(3, "arrivals:billing").random(2 * BATCH)
    billing = stream(3, "arrivals:billing")
    sales = stream(3, "arrivals:sales")  # a new contact type's stream, created in between
    interleaved = []
    for _ in range(2 * BATCH // 16):
        interleaved.extend(billing.random(16))
        sales.random(5)
    assert interleaved == alone.tolist()


def test_streams_are_the_same_in_another_process_with_another_hash_seed():
    # Stable across runs and machines: nothing may come from Python's salted hash().
    code = ("from ccsim.streams import stream; "
            "print(stream(7, 'patience:billing').random(4).tolist())")
    for hash_seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True, env={**os.environ, "PYTHONHASHSEED": hash_seed})
        assert done.stdout.strip() == str(first_draws(7, "patience:billing", 4))
