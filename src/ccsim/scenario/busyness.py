"""Busyness: the forecast's error. No forecast is exact: some days bring 20 % more contacts
than planned, some fewer, and a plan that is fine on average fails on the busy ones.

``busyness = { cv = 0.2 }`` at the top of a scenario draws one random factor per day for
all arrivals, and ``arrivals = { ..., busyness = { cv = 0.1 } }`` one for a contact type
alone, multiplied on top: gamma-distributed, mean 1, with the coefficient of variation
given. The model draws them (:mod:`ccsim.model.busyness`); here is what a planner writes,
and the check that nothing scripted is asked to be scaled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import BeforeValidator, Field

from ccsim.scenario.errors import ScenarioError
from ccsim.scenario.fields import Strict, no_bool

if TYPE_CHECKING:
    from ccsim.scenario.schema import Scenario

#: The largest coefficient of variation of a day's factor: measured forecast errors of a
#: day's volume are some 5 to 30 %; at cv 1 a day is already as likely to bring a third of
#: the forecast as twice it, and far larger ones make days of many times the forecast.
MAX_BUSYNESS_CV = 1.0


class Busyness(Strict):
    """``{ cv = 0.2 }``: each day's arrivals × a random factor, gamma with mean 1 and this
    coefficient of variation (sd / mean; 0: none, as in a sweep's baseline)."""

    cv: Annotated[float, Field(ge=0, le=MAX_BUSYNESS_CV, allow_inf_nan=False),
                  BeforeValidator(no_bool)]

    def describe(self) -> str:
        """``each day's arrivals × a random factor (gamma, mean 1, cv 0.2)``"""
        return f"each day's arrivals × a random factor (gamma, mean 1, cv {self.cv:g})"


def busyness(s: Scenario) -> None:
    """Busyness scales only Poisson arrivals: scripted ``times`` are a day as it came, so
    neither a type's own busyness nor the scenario's may meet them."""
    for c in s.contact_types:
        if c.arrivals.times is None:
            continue
        if c.arrivals.busyness is not None:
            raise ScenarioError(
                "cannot scale scripted arrival 'times' (they are the day as it came); give "
                "the type 'per_hour' or 'volumes', or remove 'busyness'",
                f"contact_types[{c.name}].arrivals.busyness")
        if s.busyness is not None:
            raise ScenarioError(
                f"scales every contact type's arrivals, but {c.name!r} has scripted arrival "
                "'times', which it cannot scale; give each Poisson type a busyness of its own "
                "(arrivals.busyness) instead", "busyness")
