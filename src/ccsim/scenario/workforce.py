"""Who answers: agent groups, their skills and staffing, and the policies they work under."""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, field_validator, model_validator

from ccsim.scenario.fields import Strict
from ccsim.scenario.policies import Blending, Pressure, Quota
from ccsim.scenario.words import listed
from ccsim.toml_text import as_toml

#: Most agents a group can have in one interval (each agent is an object in the model).
MAX_STAFF = 100_000
#: Most reporting intervals in a horizon (statistics are kept per interval).
MAX_INTERVALS = 10_000


def _staff(value: Any) -> int | tuple[int, ...]:
    def whole(x: Any, where: str) -> int:
        if (
            isinstance(x, bool)
            or not isinstance(x, int | float)
            or not math.isfinite(x)
            or x != int(x)
            or not 0 <= x <= MAX_STAFF
        ):
            raise ValueError(
                f"{where}must be a whole number from 0 to {MAX_STAFF} (got {as_toml(x)})"
            )
        return int(x)

    if isinstance(value, list | tuple):
        if not value:
            raise ValueError("must list one head count per interval (got [])")
        return tuple(whole(x, f"[{i}]: ") for i, x in enumerate(value))
    return whole(value, "")




class AgentGroup(Strict):
    """Agents with the same skills. ``skills`` is an ordered preference list of contact
    types; ``staff`` is a head count, constant or one per interval. ``outbound`` lists the
    campaigns the group calls for (in order of preference), as ``blending`` lets it;
    ``quota`` is each agent's daily target."""

    name: str = Field(min_length=1)
    skills: list[str] = Field(min_length=1)
    staff: Annotated[int | tuple[int, ...], BeforeValidator(_staff)]
    outbound: list[str] = Field(default_factory=list)
    blending: Blending | None = None
    quota: Quota | None = None
    pressure: Pressure | None = None

    @model_validator(mode="after")
    def _blending_needs_outbound(self) -> AgentGroup:
        if self.blending is not None and not self.outbound:
            raise ValueError("blending: set, but the group lists no 'outbound' campaign")
        if (self.blending is not None and self.blending.rule == "quota_first"
                and self.quota is None):
            raise ValueError("blending: rule 'quota_first' needs a 'quota' on the group")
        if self.pressure is not None and self.quota is None:
            raise ValueError("pressure: set, but the group has no 'quota' to fall behind")
        return self

    @field_validator("skills", "outbound")
    @classmethod
    def _distinct(cls, names: list[str]) -> list[str]:
        seen = [s for i, s in enumerate(names) if s in names[:i]]
        if seen:
            raise ValueError(f"lists {seen[0]!r} twice (got {as_toml(names)})")
        return names

    def describe(self) -> str:
        """``takes tech → billing (in order of preference); staff 4–5``, then its
        campaigns, blending, quota and pressure."""
        counts = [self.staff] if isinstance(self.staff, int) else list(self.staff)
        staff = (str(counts[0]) if min(counts) == max(counts)
                 else f"{min(counts)}–{max(counts)} over the horizon")
        order = " (in order of preference)" if len(self.skills) > 1 else ""
        parts = [f"takes {' → '.join(self.skills)}{order}", f"staff {staff}"]
        if self.outbound:
            # No blending table: the model's default rule, inbound first.
            blending = (self.blending or Blending()).describe()
            parts.append(f"calls for {listed(self.outbound)}; {blending}")
        parts += [p.describe() for p in (self.quota, self.pressure) if p is not None]
        return "; ".join(parts)

    def staff_at(self, interval: int) -> int:
        """Agents scheduled in ``interval``."""
        return self.staff if isinstance(self.staff, int) else self.staff[interval]

