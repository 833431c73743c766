"""Who answers: agent groups, their skills and staffing, and the policies they work under."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StrictBool, field_validator, model_validator

from ccsim.scenario.fields import (
    MAX_STAFF,
    Count,
    PositiveDuration,
    PositiveFloat,
    Share,
    Strict,
    whole_counts,
)
from ccsim.scenario.policies import Blending, Pressure, Quota
from ccsim.scenario.shifts import Shift
from ccsim.scenario.templates import ShiftTemplate
from ccsim.scenario.words import duration, listed
from ccsim.toml_text import as_toml

__all__ = ["MAX_INTERVALS", "MAX_STAFF", "AgentGroup"]
#: Most reporting intervals in a horizon (statistics are kept per interval).
MAX_INTERVALS = 10_000


def _counts(value: object) -> object:
    return value if value is None else whole_counts(value)


class AgentGroup(Strict):
    """Agents with the same skills. ``skills`` is an ordered preference list of contact
    types. The group is staffed by ``staff``, a head count (constant or one per interval),
    or by ``shifts`` of named agents with breaks (see :mod:`ccsim.scenario.shifts`), of
    whom a share ``absence`` of the planned agent-days is absent. ``shift_templates`` are
    the shifts ``ccsim staff`` may choose for it (see :mod:`ccsim.scenario.templates`):
    given with ``staff`` (which a run uses) or alone (then a run needs them chosen first).
    ``outbound`` lists the campaigns the group calls for (in order of preference), as
    ``blending`` lets it; ``quota`` is each agent's daily target."""

    name: str = Field(min_length=1)
    skills: list[str] = Field(min_length=1)
    staff: Annotated[int | tuple[int, ...] | None, BeforeValidator(_counts)] = None
    shifts: list[Shift] | None = Field(default=None, min_length=1)
    shift_templates: list[ShiftTemplate] | None = Field(default=None, min_length=1)
    absence: Share = 0.0
    outbound: list[str] = Field(default_factory=list)
    blending: Blending | None = None
    quota: Quota | None = None
    pressure: Pressure | None = None
    take: Literal["skill_order", "longest_waiting", "own_first"] = "skill_order"
    handle_scale: dict[str, PositiveFloat] | None = None
    delays: dict[str, PositiveDuration] | None = None
    max_chats: Count | None = None
    mix: StrictBool = False

    @model_validator(mode="before")
    @classmethod
    def _delayed_skills(cls, data: Any) -> Any:
        # A skill written { type = "checking", after = "12s" } is the name in ``skills``
        # and its wait in ``delays``: one form to read for the rest of ccsim.
        if not isinstance(data, dict) or not isinstance(data.get("skills"), list):
            return data
        tables = [s for s in data["skills"] if isinstance(s, dict)]
        if not tables:
            return data
        delays = dict(data.get("delays") or {})
        names = []
        for i, skill in enumerate(data["skills"]):
            if isinstance(skill, dict):
                if set(skill) != {"type", "after"}:
                    raise ValueError(f"skills[{i}]: a delayed skill is {{ type = \"name\", "
                                     f"after = \"12s\" }} (got {as_toml(skill)})")
                delays[skill["type"]] = skill["after"]
                skill = skill["type"]
            names.append(skill)
        return {**data, "skills": names, "delays": delays}

    @model_validator(mode="after")
    def _of_its_skills(self) -> AgentGroup:
        for key in ("handle_scale", "delays"):
            for name in getattr(self, key) or {}:
                if name not in self.skills:
                    raise ValueError(f"{key}: {name!r} is not one of the group's skills "
                                     f"({', '.join(self.skills)})")
        return self

    def delay(self, skill: str) -> float:
        """How long a caller of ``skill`` waits before this group takes it (seconds)."""
        return (self.delays or {}).get(skill, 0.0)

    @model_validator(mode="after")
    def _blending_needs_outbound(self) -> AgentGroup:
        if self.staff is not None and self.shifts is not None:
            raise ValueError("give the group 'staff' (a head count, or one per interval) or "
                             "'shifts', one of the two")
        if self.shifts is not None and self.shift_templates is not None:
            raise ValueError("give the group 'shifts' or 'shift_templates', one of the two: "
                             "templates are what `ccsim staff` chooses its shifts from")
        if self.staff is None and self.shifts is None and self.shift_templates is None:
            raise ValueError("give the group 'staff' (a head count, or one per interval) or "
                             "'shifts', one of the two (or 'shift_templates' for `ccsim "
                             "staff` to choose its shifts from)")
        # Templates alone become shifts, whose agent-days absence then thins.
        if self.absence and self.staff is not None:
            raise ValueError("absence: set, but the group has no 'shifts' (absence is "
                             "drawn per agent and day of a shift)")
        if self.blending is not None and not self.outbound:
            raise ValueError("blending: set, but the group lists no 'outbound' campaign")
        if (self.blending is not None and self.blending.rule == "quota_first"
                and self.quota is None):
            raise ValueError("blending: rule 'quota_first' needs a 'quota' on the group")
        if self.pressure is not None and self.quota is None:
            raise ValueError("pressure: set, but the group has no 'quota' to fall behind")
        return self

    @field_validator("shift_templates")
    @classmethod
    def _distinct_templates(cls, templates: list[ShiftTemplate] | None
                            ) -> list[ShiftTemplate] | None:
        names = [t.name for t in templates or ()]
        seen = [s for i, s in enumerate(names) if s in names[:i]]
        if seen:
            raise ValueError(f"lists the template name {seen[0]!r} twice; names must be "
                             "unique within a group")
        return templates

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
        order = {"skill_order": " (in order of preference)",
                 "longest_waiting": " (the longest-waiting caller of any of them first)",
                 "own_first": f" ({self.skills[0]} first, then the longest-waiting of the "
                              "others)"}[self.take] if len(self.skills) > 1 else ""
        shown = [f"{k} (after {duration(self.delay(k))})" if self.delay(k) else k
                 for k in self.skills]
        parts = [f"takes {' → '.join(shown)}{order}"]
        if self.max_chats is not None:
            parts.append(f"holds up to {self.max_chats} chats at once " + (
                "(and takes a call while it holds some, which wait meanwhile)" if self.mix
                else "(and no call while it holds one)"))
        if self.handle_scale:
            parts.append("talk time " + ", ".join(f"× {f:g} on {name}" for name, f
                                                  in self.handle_scale.items()))
        if self.shifts is not None:
            parts.append("shifts " + "; ".join(s.describe() for s in self.shifts))
        elif self.staff is not None:
            counts = [self.staff] if isinstance(self.staff, int) else list(self.staff)
            parts.append("staff " + (str(counts[0]) if min(counts) == max(counts)
                                     else f"{min(counts)}–{max(counts)} over the horizon"))
        if self.shift_templates is not None:
            parts.append("shift templates " + "; ".join(t.describe()
                                                        for t in self.shift_templates))
        if self.absence:
            parts.append(f"{self.absence:.0%} of agent-days absent")
        if self.outbound:
            # No blending table: the model's default rule, inbound first.
            blending = (self.blending or Blending()).describe()
            parts.append(f"calls for {listed(self.outbound)}; {blending}")
        parts += [p.describe() for p in (self.quota, self.pressure) if p is not None]
        return "; ".join(parts)

    def staff_at(self, interval: int) -> int:
        """Agents scheduled in ``interval`` by the head counts ``staff`` (for a group with
        shifts, see :meth:`Scenario.planned_staff <ccsim.scenario.Scenario.planned_staff>`)."""
        if self.staff is None:
            how = "shifts" if self.shifts is not None else "shifts still to be chosen"
            raise ValueError(f"agent group {self.name!r} is staffed by {how}, not head counts")
        return self.staff if isinstance(self.staff, int) else self.staff[interval]

