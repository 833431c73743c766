"""Busyness (``ccsim.model.busyness``): one random factor per day for all arrivals, and a
contact type's own on top — how the days are cut, that the factors are gamma with mean 1
and the stated cv, that they come from named streams (a sweep's variants share them, no
other draw changes) and that the service level averaged over days is Erlang A averaged
over the factor's law.

Statistical checks use fixed seeds and two-sided 99.9 % intervals (z = 3.29, or Student
t over replications), as ``tests/test_streams.py`` and ``tests/model/test_theory.py`` do.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from ccsim import Experiment, Scenario, run_experiment, simulate
from ccsim.analytic import erlang_a_metrics
from ccsim.model.busyness import busy_volumes, day_factors
from ccsim.scenario import Busyness
from ccsim.streams import stream

Z = stats.norm.ppf(0.9995)  # two-sided 99.9 %: 3.29
DAY = 86_400


def _centre(days: float = 3, *, busyness: float | None = 0.2, own: float | None = None,
            start: str = "00:00", per_hour: float = 20.0, staff: int = 3,
            **keys) -> Scenario:
    """Two contact types over ``days`` in hourly intervals: ``calls`` (``own``: its own
    busyness) and ``mail``, with the scenario's ``busyness``."""
    calls = {"per_hour": per_hour} | ({"busyness": {"cv": own}} if own is not None else {})
    data = {
        "period": 3600, "horizon": days * DAY, "start": start,
        "contact_types": [
            {"name": "calls", "arrivals": calls,
             "handle_time": {"dist": "exponential", "mean": 240},
             "patience": {"dist": "exponential", "mean": 300}},
            {"name": "mail", "arrivals": {"per_hour": 5},
             "handle_time": {"dist": "exponential", "mean": 300}}],
        "agent_groups": [{"name": "team", "skills": ["calls", "mail"], "staff": staff}],
        **keys}
    if busyness is not None:
        data["busyness"] = {"cv": busyness}
    return Scenario.from_dict(data)


def _ratios(scenario: Scenario, seed: int) -> dict[str, np.ndarray]:
    """Each type's rate in each interval over its forecast's."""
    return {c.name: np.array(busy_volumes(scenario, c, seed)) / np.array(scenario.volumes(c))
            for c in scenario.contact_types}


def test_without_busyness_the_rates_are_the_forecast_itself():
    plain = _centre(busyness=None)
    for c in plain.contact_types:
        assert busy_volumes(plain, c, 4) == plain.volumes(c)


def test_a_busyness_of_0_is_the_run_without_it():
    assert simulate(_centre(busyness=0.0), 4).summary == simulate(_centre(busyness=None),
                                                                   4).summary


def test_each_day_has_one_factor_for_every_interval_and_type():
    """Days are 24 h from the start of the horizon (06:00 here, so day 1 runs to 06:00 the
    next morning): one factor for all of a day's intervals, the same for every type, and
    a type's own multiplied on top."""
    seed = 11
    scenario = _centre(3, own=0.1, start="06:00")
    ratios = _ratios(scenario, seed)
    every = day_factors(Busyness(cv=0.2), 3, stream(seed, "busyness"))
    own = day_factors(Busyness(cv=0.1), 3, stream(seed, "busyness:calls"))
    assert np.allclose(ratios["mail"], np.repeat(every, 24), rtol=1e-12)
    assert np.allclose(ratios["calls"], np.repeat(every * own, 24), rtol=1e-12)
    assert len(set(every)) == 3 and len(set(own)) == 3
    # A longer horizon keeps the first days' factors; another seed draws other days.
    assert np.allclose(_ratios(_centre(5, own=0.1), seed)["calls"][:72], ratios["calls"])
    assert not np.allclose(_ratios(scenario, seed + 1)["calls"], ratios["calls"])


def test_a_day_profile_with_days_factors_is_scaled_day_by_day():
    profile = [0] * 8 + [10] * 10 + [0] * 6
    scenario = _centre(2).with_changes({"contact_types.calls.arrivals": {
        "volumes": profile, "days": [1.0, 0.5]}})
    calls = scenario.contact_types[0]
    every = day_factors(Busyness(cv=0.2), 2, stream(3, "busyness"))
    expected = np.array(profile + [v * 0.5 for v in profile]) * np.repeat(every, 24)
    assert np.allclose(busy_volumes(scenario, calls, 3), expected, rtol=1e-12)


def _check_mean_and_cv(sample: np.ndarray, cv: float) -> None:
    """``sample`` has mean 1 and coefficient of variation ``cv`` within 99.9 % intervals:
    the mean's is the CLT's, cv/√n; the sample cv's is the delta method's of
    tests/test_streams.py, with the gamma's skewness 2c and kurtosis 3 + 6c² (for the
    product of two gammas, its own moments)."""
    n = len(sample)
    assert abs(sample.mean() - 1) <= Z * cv / math.sqrt(n), (sample.mean(), n)
    m = [np.mean((sample - 1) ** k) for k in (2, 3, 4)]  # central moments (mean 1)
    skewness, kurtosis = m[1] / m[0] ** 1.5, m[2] / m[0] ** 2
    cv_sd = cv * math.sqrt(((kurtosis - 1) / 4 - skewness * cv + cv**2) / n)
    assert abs(sample.std() / sample.mean() - cv) <= Z * cv_sd, (sample.std(), cv, cv_sd)


def test_the_realised_day_rates_have_mean_1_and_the_stated_cv():
    """The rates a run uses, day by day, over 2,000 replications × 7 days (14,000 days):
    the scenario's factor (cv 0.2) for a type without its own, and the product of both
    (cv² = (1 + 0.2²)(1 + 0.3²) − 1) for one with its own (cv 0.3); the days independent
    of each other, and the two factors of each other."""
    scenario = _centre(7, own=0.3)
    days = np.array([[r[::24] for r in _ratios(scenario, seed).values()]
                     for seed in range(2000)])  # replication × type × day
    calls, mail = days[:, 0].ravel(), days[:, 1].ravel()
    _check_mean_and_cv(mail, 0.2)
    _check_mean_and_cv(calls, math.sqrt((1 + 0.2**2) * (1 + 0.3**2) - 1))
    # Independent: the correlation of n pairs is ~ N(0, 1/n) (here the type's own factor
    # against the scenario's, and each day's against the next).
    n = len(mail)
    assert abs(np.corrcoef(calls / mail, mail)[0, 1]) <= Z / math.sqrt(n)
    lagged = days[:, 1, :-1].ravel(), days[:, 1, 1:].ravel()
    assert abs(np.corrcoef(*lagged)[0, 1]) <= Z / math.sqrt(len(lagged[0]))


def test_a_sweeps_variants_meet_the_same_days():
    """Variants that differ only in staffing are offered the same contacts each day of
    each replication (common random numbers), and the days differ."""
    base = _centre(3, busyness=0.3, own=0.2).to_dict()
    experiment = Experiment.from_dict({"name": "crn", "scenario": base, "replications": 3,
                                       "seed": 5, "vary": {"agent_groups.team.staff": [2, 6]}})
    days = run_experiment(experiment, workers=1).days
    offered = {variant: part.sort_values(["replication", "day"])["offered"].to_numpy()
               for variant, part in days.groupby("variant")}
    few, many = offered.values()
    assert len(few) == 9 and (few == many).all()
    assert len(set(few)) > 5
    sl = days.groupby("variant")["service_level"].mean()
    assert sl.iloc[0] != sl.iloc[1]


def test_the_forecast_stays_the_forecast():
    """``sl_expected`` divides by the volumes as written, whatever a day brought."""
    scenario = _centre(3, busyness=0.3)
    s = simulate(scenario, 2).summary
    forecast = sum(sum(scenario.volumes(c)) for c in scenario.contact_types)
    in_time = s["sl_offered"] * s["offered"]
    assert s["sl_expected"] == pytest.approx(in_time / forecast, rel=1e-9)
    assert s["offered"] != pytest.approx(forecast, rel=0.01)  # the days were not the forecast


# --- the service level of uncertain days ----------------------------------------------------

#: A stationary single queue with exponential everything, lightly loaded on average (four
#: agents, 0.4 of their capacity) but with busy days: cv 0.5, so that the average over
#: days is well below the service level of an average day (0.907 against 0.936).
AGENTS, AHT, PATIENCE, PER_HOUR, CV, WITHIN = 4, 240.0, 300.0, 24.0, 0.5, 20.0
DAYS, REPLICATIONS = 10, 60


def erlang_a_over_days(cv: float) -> float:
    """Erlang A's service level averaged over the gamma law (mean 1, ``cv``) of the day's
    factor F: ∫ SL(λ·f) g(f) df."""
    shape = 1 / cv**2
    law = stats.gamma(shape, scale=1 / shape)
    value, error = integrate.quad(lambda f: _erlang_a(f) * law.pdf(f), 0, np.inf, limit=200)
    assert error < 1e-6
    return value


def _erlang_a(factor: float) -> float:
    return erlang_a_metrics(AGENTS, PER_HOUR * factor / 3600, AHT, PATIENCE,
                            WITHIN).service_level


def test_service_level_over_days_is_erlang_a_over_the_law_of_the_days():
    """60 replications of 10 days (600 days; days are 24 h, long against the queue's
    relaxation time of a few handle times, so each is near its own steady state; a
    warm-up hour): the mean over days of the daily service level agrees with Erlang A
    averaged over the gamma law of the factor, within the 99.9 % Student-t interval of
    the replications' means, an interval narrower than 10 % of it.

    Two checks give the test its power. Day by day, the service level less Erlang A's at
    that day's own rate (the factor the run drew, read back from its stream) has mean 0
    within a far narrower interval: a run that ignored its factors would miss by the gap
    between Erlang A averaged over days and at the mean rate (0.907 against 0.936), many
    such widths. And the contacts offered each whole day over its forecast Λ have mean 1
    and variance cv² + 1/Λ (a mixed Poisson count), within their intervals. About 4 s."""
    scenario = Scenario(
        period=3600, horizon=DAYS * DAY, warmup=3600, busyness={"cv": CV},
        service_level={"answer_within": WITHIN},
        contact_types=[{"name": "calls", "arrivals": {"per_hour": PER_HOUR},
                        "handle_time": {"dist": "exponential", "mean": AHT},
                        "patience": {"dist": "exponential", "mean": PATIENCE}}],
        agent_groups=[{"name": "agents", "skills": ["calls"], "staff": AGENTS}])
    calls = scenario.contact_types[0]
    seeds = range(1000, 1000 + REPLICATIONS)
    runs = [simulate(scenario, seed) for seed in seeds]
    daily = np.array([run.per_day("service_level") for run in runs])  # replication × day
    offered = np.array([run.per_day("offered") for run in runs])
    factors = np.array([busy_volumes(scenario, calls, seed)[::24] for seed in seeds]) / (
        PER_HOUR)
    t = stats.t.ppf(0.9995, REPLICATIONS - 1)

    def interval(values: np.ndarray) -> tuple[float, float]:
        means = values.mean(axis=1)  # one per replication: independent
        return means.mean(), t * means.std(ddof=1) / math.sqrt(len(means))

    exact, at_mean = erlang_a_over_days(CV), _erlang_a(1.0)
    mean, half = interval(daily)
    assert half <= 0.1 * exact, (half, exact)
    assert abs(mean - exact) <= half, (mean, half, exact)

    residual, residual_half = interval(daily - np.vectorize(_erlang_a)(factors))
    assert abs(residual) <= residual_half, (residual, residual_half)
    assert abs(exact - at_mean) > 5 * residual_half, (exact, at_mean, residual_half)

    whole = offered[:, 1:] / (PER_HOUR * 24)  # days 2 to 10 (day 1 lost its warm-up hour)
    ratio, ratio_half = interval(whole)
    assert abs(ratio - 1) <= ratio_half, (ratio, ratio_half)
    spread = whole.var(axis=1, ddof=1)
    variance, variance_half = spread.mean(), t * spread.std(ddof=1) / math.sqrt(len(spread))
    assert abs(variance - (CV**2 + 1 / (PER_HOUR * 24))) <= variance_half, (variance,
                                                                             variance_half)
