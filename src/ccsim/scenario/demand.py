"""What arrives: contact types, their arrivals, handle times and patience; the service level
and the targets they are measured against."""

from __future__ import annotations

import itertools
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from ccsim.scenario.distributions import Delay, DistributionSpec
from ccsim.scenario.fields import NonNegativeDuration, PositiveFloat, Share, Strict, Volume
from ccsim.scenario.policies import CallbackOverride


class Arrivals(Strict):
    """When contacts arrive: a Poisson process with a constant ``per_hour`` rate or with
    expected ``volumes`` per interval (piecewise-constant rate ``volumes[i] / period``), or
    scripted arrival ``times`` (a replayed day, or a case worked out by hand)."""

    per_hour: PositiveFloat | None = None
    volumes: list[Volume] | None = None
    times: list[NonNegativeDuration] | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Arrivals:
        given = [k for k in ("per_hour", "volumes", "times") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                f"give exactly one of 'per_hour', 'volumes' or 'times' (got {given or 'none'})"
            )
        if self.times == []:
            raise ValueError("times: must list at least one arrival time (got []); a type "
                             "that never arrives has no place in the scenario")
        if self.volumes is not None and not any(v > 0 for v in self.volumes):
            raise ValueError(f"volumes: at least one must be positive (got {self.volumes})")
        if self.times is not None and any(b < a for a, b in itertools.pairwise(self.times)):
            raise ValueError(f"times: must be in increasing order (got {self.times})")
        return self


#: The definitions of service level a run reports (``sl_<name>``), by their denominator:
#: contacts offered, answered, offered less those who abandoned within the threshold
#: ("short abandons"), or the arrivals the forecast expected.
SL_DEFINITIONS = ("offered", "answered", "nonshort", "expected")


class ServiceLevel(Strict):
    """Service level = contacts answered within ``answer_within`` over a denominator that
    ``definition`` names (one of :data:`SL_DEFINITIONS`; the headline ``service_level``)."""

    answer_within: NonNegativeDuration = 20.0
    definition: Literal["offered", "answered", "nonshort", "expected"] = "offered"




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
            raise ValueError(
                f"must be a share from 0 to 1 (got {value!r}); write {value / 100:g} for "
                f"{value:g} %"
            )
        return value



class ContactType(Strict):
    """A kind of contact: how many arrive, how long they take, how long callers wait.
    ``callbacks`` adjusts the scenario's callback policy for this type (a table of keys),
    or ``false`` turns it off for the type. ``resolution`` is the probability that a
    conversation on the line settles the customer's matter (first-contact resolution;
    ``resolution_by_group`` sets it for the groups it names); an unsettled customer calls
    again, a *repeat contact* of the same type, ``repeat_delay`` after the conversation."""

    name: str = Field(min_length=1)
    channel: Literal["voice"] = "voice"
    arrivals: Arrivals
    handle_time: DistributionSpec
    wrap_up: DistributionSpec | None = None
    patience: DistributionSpec | None = None
    callbacks: Literal[False] | CallbackOverride | None = None
    resolution: Share = 1.0
    resolution_by_group: dict[str, Share] | None = None
    repeat_delay: Delay | None = None

    def resolves(self, group: str) -> float:
        """The probability that an agent of ``group`` settles a contact of this type."""
        return (self.resolution_by_group or {}).get(group, self.resolution)

    @property
    def repeats(self) -> bool:
        """Whether some contacts of this type are left unsettled (and come back)."""
        return self.resolution < 1 or any(p < 1 for p in (self.resolution_by_group or {}
                                                           ).values())

    @model_validator(mode="after")
    def _repeat_delay(self) -> ContactType:
        if self.repeats and self.repeat_delay is None:
            raise ValueError("repeat_delay: is required when resolution is below 1 (when "
                             "does an unsettled customer call again? a duration or a "
                             "distribution)")
        return self


