"""Callers who hang up, or find the line full, and call again: a contact type's ``redial``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictBool, field_validator

from ccsim.scenario.distributions import Delay, after
from ccsim.scenario.fields import Count, Strict
from ccsim.scenario.words import percent

#: What a caller may redial after: its patience ran out, or it was turned away.
After = Literal["abandoned", "blocked"]


def _both() -> list[After]:
    return ["abandoned", "blocked"]


class Redial(Strict):
    """``redial = { share = 0.6, delay = { dist = "exponential", mean = "10min" },
    max_attempts = 3, after = ["abandoned", "blocked"], redraw = true }``: a caller whose
    attempt ends as one of ``after`` calls again with probability ``share``, ``delay``
    later, until it has made ``max_attempts`` attempts (first included; none: no limit).
    ``redraw`` draws each redial's talk time and patience afresh; ``false`` keeps the first
    attempt's (the same customer, with the same matter and temper)."""

    share: float = Field(gt=0, le=1, allow_inf_nan=False, strict=True)
    delay: Delay
    max_attempts: Count | None = None
    after: list[After] = Field(default_factory=_both, min_length=1)
    redraw: StrictBool = True

    @field_validator("after")
    @classmethod
    def _once(cls, value: list[str]) -> list[str]:
        if len(set(value)) < len(value):
            raise ValueError(f"names an outcome twice (got {value})")
        return value

    def describe(self) -> str:
        """``60 % of those who hung up or were blocked call again a delay (exponential, mean
        10min) after they left, at most 3 attempts in all, with fresh talk and patience``"""
        what = " or ".join({"abandoned": "hung up", "blocked": "were blocked"}[a]
                           for a in self.after)
        most = (f", at most {self.max_attempts} attempts in all" if self.max_attempts
                else ", with no limit on attempts")
        draws = ("fresh talk and patience" if self.redraw
                 else "the first attempt's talk and patience")
        return (f"{percent(self.share)} of those who {what} call again "
                f"{after(self.delay, 'they left')}{most}, with {draws}")
