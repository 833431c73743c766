"""Busyness: the forecast's error, drawn once per day of a run.

A scenario's ``busyness = { cv = c }`` multiplies the arrival rate of every contact type on
day ``d`` by a random factor ``B_d``, and a type's own ``arrivals.busyness`` by a factor
``T_d`` of its own on top: the rate of every interval of day ``d`` is the forecast's ×
``B_d·T_d``. Each factor is gamma-distributed with mean 1 and coefficient of variation
``c`` (shape ``1/c²``; ``c = 0`` is exactly 1), independent from day to day and between
types, and the arrivals given the factors are Poisson as before — a doubly stochastic
(mixed Poisson) day.

A day is 24 h from the start of the horizon, as ``arrivals.days`` and ``shifts`` count them
(:func:`ccsim.scenario.shifts.days_in`); an interval belongs to the day it starts in. (The
days table, ``RunResult.days``, counts days by the clock from midnight: the two agree when
the horizon starts at 00:00, or lies within one day.)

The factors are drawn from named streams, ``busyness`` for the scenario's and
``busyness:<type>`` for a type's, one value per day in order: the same seed gives the same
days in every variant of a sweep (common random numbers: variants that differ only in
staffing are offered the same contacts), a longer horizon keeps the first days' factors, and
no other stream changes — a scenario without busyness draws exactly as before.

What the planner forecast stays the forecast: ``expected`` (the denominator of
``sl_expected``) is the volumes as written, not what a day brought.
"""

from __future__ import annotations

import numpy as np

from ccsim.scenario import Busyness, ContactType, Scenario
from ccsim.scenario.fields import DAY
from ccsim.scenario.shifts import days_in
from ccsim.streams import Gamma, stream


def day_factors(busyness: Busyness, days: int, rng: np.random.Generator) -> np.ndarray:
    """One factor per day: gamma with mean 1 and ``busyness.cv`` (all 1 when it is 0)."""
    if busyness.cv == 0:
        return np.ones(days)
    return Gamma(1.0, busyness.cv).sample(rng, days)


def busy_volumes(scenario: Scenario, contact_type: ContactType, seed: int) -> list[float]:
    """The expected arrivals of ``contact_type`` in each interval of the run seeded with
    ``seed``: the forecast (:meth:`Scenario.volumes`) × each day's factors. Without
    busyness, the forecast itself."""
    volumes = scenario.volumes(contact_type)
    sources = [(scenario.busyness, "busyness"),
               (contact_type.arrivals.busyness, f"busyness:{contact_type.name}")]
    given = [(b, name) for b, name in sources if b is not None]
    if not given:
        return volumes
    days = days_in(scenario.horizon)
    factor = np.ones(days)
    for busyness, name in given:
        factor *= day_factors(busyness, days, stream(seed, name))
    starts = np.arange(len(volumes)) * scenario.period
    day = np.minimum((starts + 1e-6) // DAY, days - 1).astype(int)
    return (np.asarray(volumes, dtype=float) * factor[day]).tolist()
