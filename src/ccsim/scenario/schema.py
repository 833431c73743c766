"""The whole scenario: one contact centre over one horizon, validated; loading it from TOML."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError, model_validator

from ccsim.scenario.advice import ADVICE
from ccsim.scenario.busyness import Busyness
from ccsim.scenario.checks import CHECKS, staffed
from ccsim.scenario.costs import Costs
from ccsim.scenario.demand import ContactType
from ccsim.scenario.errors import ScenarioError, read_toml, scenario_error
from ccsim.scenario.fields import (
    Count,
    NonNegativeDuration,
    PositiveDuration,
    Strict,
    Weekday,
)
from ccsim.scenario.keys import Change, apply_change
from ccsim.scenario.policies import Callbacks, Campaign
from ccsim.scenario.shifts import duties, planned_seconds
from ccsim.scenario.targets import ServiceLevel, Targets
from ccsim.scenario.words import duration, listed
from ccsim.scenario.workforce import AgentGroup
from ccsim.toml_text import as_toml
from ccsim.units import clock_seconds


class Scenario(Strict):
    """One contact centre over one horizon: contact types, agent groups and the reporting
    conventions. Durations are seconds (strings with units are accepted on input).

    Build one with ``Scenario(**fields)``, ``Scenario.from_dict(data)`` or
    :func:`load_scenario`; every mistake raises :class:`ScenarioError`.
    """

    name: str = "scenario"
    start: str = Field(default="00:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    #: The day of the week at the start of the horizon: what a weekday table of ``hours``
    #: reads (the days after it follow in order).
    start_day: Weekday = "mon"
    period: PositiveDuration = 1800.0
    #: Seconds. Optional in a file when every type gives ``volumes`` per interval: then
    #: their length (NaN only until validated; ``checks.horizon`` derives it, and leaves it
    #: unset, so a scenario changed later derives it again).
    horizon: PositiveDuration = math.nan
    warmup: NonNegativeDuration = 0.0
    lines: Count | None = None
    service_level: ServiceLevel = ServiceLevel()
    targets: Targets = Targets()
    callbacks: Callbacks | None = None
    contact_types: list[ContactType] = Field(min_length=1)
    agent_groups: list[AgentGroup] = Field(min_length=1)
    outbound: list[Campaign] = Field(default_factory=list)
    costs: Costs | None = None
    #: One random factor per day for all arrivals: the forecast's error (a type's own
    #: ``arrivals.busyness`` multiplies on top).
    busyness: Busyness | None = None

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise scenario_error(error, data) from None

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str | None = None) -> Scenario:
        """Validate ``data`` (as read from TOML); errors name ``source`` when given."""
        if not isinstance(data, dict):
            raise ScenarioError(
                f"expected a table of scenario keys (got {as_toml(data)})", "", source
            )
        try:
            return cls(**data)
        except ScenarioError as error:
            raise (error.located(source) if source else error) from None

    def with_changes(self, changes: Mapping[str, Any] | None = None, /, **keys: Any) -> Scenario:
        """A new scenario: this one with ``changes`` made, validated as any other (a
        :class:`ScenarioError` names the key). Keys are dotted, as in an experiment file's
        variants: list entries by name, ``*`` for every entry, ``{"scale": f}`` multiplies
        — ``day.with_changes({"agent_groups.agents.staff": 52})``; top-level keys may be
        given as keywords — ``day.with_changes(callbacks=None, warmup="1h")``. A horizon
        derived from the volumes is derived again."""
        data = self.to_dict()
        for key, value in {**(changes or {}), **keys}.items():
            scale = isinstance(value, dict) and set(value) == {"scale"}
            change = Change(key, value["scale"] if scale else value, scale=scale)
            apply_change(Scenario, data, change, key, None)
        return Scenario.from_dict(data)

    def model_copy(self, *, update: Mapping[str, Any] | None = None,
                   deep: bool = False) -> Scenario:
        """A copy; with ``update`` (keys → values), the scenario :meth:`with_changes`
        makes, validated: a copy that skipped validation could hold a negative warm-up or
        a period of 0, and fail deep inside a run."""
        if update:
            return self.with_changes(update)
        return super().model_copy(deep=deep)
    def to_dict(self) -> dict[str, Any]:
        """The scenario as JSON data, holding the keys its author set (as they validated:
        durations in seconds) and nothing else: ``Scenario.from_dict(s.to_dict()) == s``.
        Keys left unset stay unset, so what they mean is not frozen as ``null``s that
        validate differently (a type's ``callbacks`` keys fall back to the scenario's)."""
        return self.model_dump(mode="json", exclude_unset=True)

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        for check in CHECKS:
            check(self)
        return self

    def describe(self) -> str:
        """The centre in a paragraph: its horizon and intervals, the service level, the
        lines, each distinct callback policy (with the types it applies to) and the
        targets. Its contact types, agent groups and campaigns describe themselves."""
        # The weekday matters only to a weekday table of hours: otherwise it would be noise.
        day = f"{self.start_day} " if self.weekly else ""
        text = (f"{duration(self.horizon)} from {day}{self.start}, reported in "
                f"{duration(self.period)} intervals ({self.intervals})")
        text += (f", the first {duration(self.warmup)} a warm-up not measured. " if self.warmup
                 else ". ")
        text += f"Service level: {self.service_level.describe()}. "
        if self.busyness is not None:
            text += f"Busyness (the forecast's error): {self.busyness.describe()}. "
        text += (f"At most {self.lines} callers at a time (lines); the rest are blocked. "
                 if self.lines else "No limit on lines. ")
        policies: dict[str, list[str]] = {}
        for c in self.contact_types:
            policy = self.callbacks_for(c)
            if policy is not None:
                policies.setdefault(policy.describe(), []).append(c.name)
        text += "".join(f"Callbacks ({listed(names)}): {words}. "
                        for words, names in policies.items())
        if self.outbound:
            text += f"Outbound campaigns: {listed([c.name for c in self.outbound])}. "
        if self.costs is not None:
            text += f"Costs: {self.costs.describe()}. "
        return text + f"Targets: {self.targets.describe()}."

    # --- derived quantities the model and reports use ---

    def callbacks_for(self, contact_type: ContactType) -> Callbacks | None:
        """The callback policy of ``contact_type`` (None: no callbacks for it)."""
        own = contact_type.callbacks
        if own is False:
            return None
        if self.callbacks is None:
            return None if own is None else Callbacks(**own.given())
        return self.callbacks.overridden(own)

    @property
    def weekly(self) -> bool:
        """Whether some contact type or campaign keeps a weekday table of hours."""
        return any(isinstance(c.hours, dict) for c in self.contact_types) or any(
            isinstance(c.hours, dict) for c in self.outbound)

    @property
    def start_seconds(self) -> int:
        """Seconds since midnight at the start of the horizon (its clock time ``start``)."""
        return clock_seconds(self.start)

    @property
    def intervals(self) -> int:
        """Number of reporting intervals in the horizon."""
        return round(self.horizon / self.period)

    @property
    def warmup_intervals(self) -> int:
        """Number of leading intervals that are simulated but not measured."""
        return round(self.warmup / self.period)

    def volumes(self, contact_type: ContactType) -> list[float]:
        """Expected arrivals of ``contact_type`` in each interval."""
        arrivals = contact_type.arrivals
        if arrivals.per_hour is not None:
            return [arrivals.per_hour * self.period / 3600.0] * self.intervals
        volumes = arrivals.over_horizon()
        if volumes is not None:
            return volumes
        counts = [0.0] * self.intervals
        for t in arrivals.times or ():  # the form left: Arrivals holds exactly one
            counts[int(t // self.period)] += 1
        return counts

    def planned_staff(self) -> list[list[float]]:
        """``planned[g][i]``: the agents of group ``g`` planned on duty in interval ``i``,
        on average over it: its head count, or its shifts' agents less their planned
        breaks (before absence). A :class:`ScenarioError` if a group's shifts are still to
        be chosen from its templates."""
        staffed(self)
        n, period = self.intervals, self.period
        return [
            [float(g.staff_at(i)) for i in range(n)] if g.shifts is None
            else [s / period for s in planned_seconds(duties(g.shifts, self.start, self.horizon),
                                                      period, n)]
            for g in self.agent_groups]

    def used_keys(self) -> set[str]:
        """The key paths this scenario sets to something other than their default, down to
        single values, with ``*`` for every entry of a list: ``lines``,
        ``contact_types.*.patience.mean``, ``agent_groups.*.staff``, ... Required keys are
        always in it. What reads a scenario for a purpose of its own (the Erlang-A line of
        a chart) can so accept only the features it knows, and not a future one."""
        return set(_used_keys(self, ""))

    def warnings(self) -> list[str]:
        """Things that are legal but probably not meant."""
        found = []

        def work(c: ContactType) -> float:
            """Agent-seconds of talk and wrap-up the contacts of ``c`` bring."""
            busy = c.handle_time.mean + (c.wrap_up.mean if c.wrap_up else 0.0)
            return sum(self.volumes(c)) * busy

        planned = dict(zip((g.name for g in self.agent_groups), self.planned_staff(),
                           strict=True))

        def capacity(groups: list[AgentGroup]) -> float:
            return sum(sum(planned[g.name]) for g in groups) * self.period

        total_work = sum(work(c) for c in self.contact_types)
        total_capacity = capacity(self.agent_groups)
        for c in self.contact_types:
            if c.patience is not None:
                continue
            own = capacity([g for g in self.agent_groups if c.name in g.skills])
            if work(c) >= own or total_work >= total_capacity:
                found.append(
                    f"contact_types[{c.name}]: no patience, and the work offered "
                    f"({work(c) / 3600:,.0f} agent-hours of talk and wrap-up; "
                    f"{total_work / 3600:,.0f} for all types) is more than the staff can do "
                    f"({own / 3600:,.0f} agent-hours able to take it; {total_capacity / 3600:,.0f} "
                    "in all): the queue grows all day"
                )
        found += [warning for advice in ADVICE for warning in advice(self)]
        # How long a run takes is for ccsim.experiment.budget, which refuses one too big.
        return found



def _used_keys(model: BaseModel, prefix: str) -> Iterator[str]:
    """The key paths under ``model`` (written after ``prefix``) that are not at their
    default; see :meth:`Scenario.used_keys`."""
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if not field.is_required() and value == field.get_default(call_default_factory=True):
            continue
        path = f"{prefix}{field.alias or name}"
        if isinstance(value, BaseModel):
            yield from _used_keys(value, f"{path}.")
        elif isinstance(value, list) and value and all(isinstance(v, BaseModel) for v in value):
            for entry in value:
                yield from _used_keys(entry, f"{path}.*.")
        else:
            yield path




def load_scenario(path: str | Path) -> Scenario:
    """Read and validate the scenario file at ``path`` (TOML)."""
    path = Path(path)
    return Scenario.from_dict(read_toml(path), source=str(path))


