"""What the centre aims for: the service level's definition, and the targets that results
are measured against (the scenario's, a contact type's, a segment's)."""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import field_validator

from ccsim.scenario.fields import NonNegativeDuration, Share, Strict
from ccsim.scenario.words import duration, percent

#: The definitions of service level a run reports (``sl_<name>``), by their denominator:
#: contacts offered, answered, offered less those who abandoned within the threshold
#: ("short abandons"), or the arrivals the forecast expected.
SL_DEFINITIONS = ("offered", "answered", "nonshort", "expected")


class ServiceLevel(Strict):
    """Service level = contacts answered within ``answer_within`` over a denominator that
    ``definition`` names (one of :data:`SL_DEFINITIONS`; the headline ``service_level``)."""

    answer_within: NonNegativeDuration = 20.0
    definition: Literal["offered", "answered", "nonshort", "expected"] = "offered"

    def describe(self) -> str:
        """``answered within 20s, of the contacts offered``"""
        within = duration(self.answer_within)
        of = {"offered": "of the contacts offered",
              "answered": "of the contacts answered",
              "nonshort": f"of the contacts offered, less those who hung up within {within}",
              "expected": "of the arrivals the forecast expected"}[self.definition]
        return f"answered within {within}, {of}"




class Targets(Strict):
    """What the centre aims for: a service level and an abandonment rate as shares (0.8
    for 80 %), an ASA as a duration. Charts show them; reports flag intervals that miss
    them by more than the confidence interval."""

    service_level: Share | None = None
    abandon_rate: Share | None = None
    asa: NonNegativeDuration | None = None

    @field_validator("service_level", "abandon_rate", mode="before")
    @classmethod
    def _shares_not_percent(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 1:
            if value == math.inf:
                raise ValueError("must be a finite number (got inf)")
            raise ValueError(
                f"must be a share from 0 to 1 (got {value!r}); write {value / 100:g} for "
                f"{value:g} %"
            )
        return value

    def describe(self) -> str:
        """``service level at least 80 %; abandonment at most 5 %; ASA at most 30s``"""
        stated = [f"service level at least {percent(self.service_level)}"
                  if self.service_level is not None else "",
                  f"abandonment at most {percent(self.abandon_rate)}"
                  if self.abandon_rate is not None else "",
                  f"ASA at most {duration(self.asa)}" if self.asa is not None else ""]
        return "; ".join(filter(None, stated)) or "no targets stated"
