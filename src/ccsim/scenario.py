"""The scenario schema: what a planner writes in a scenario file, validated.

A :class:`Scenario` is immutable once built. It is the only place that checks user input:
the model trusts it. Every error is a :class:`ScenarioError` naming the file, the key path
(``contact_types[general].handle_time.mean``, list entries by name), the bad value and what
was expected.
"""

from __future__ import annotations

import difflib
import itertools
import math
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ccsim import streams
from ccsim.units import clock_seconds, parse_duration


class ScenarioError(Exception):
    """A mistake in a scenario or experiment: where it is, what was found, what was expected."""

    def __init__(self, message: str, path: str = "", source: str | None = None):
        self.message = message
        self.path = path
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ": ".join(part for part in (self.source, self.path) if part)
        return f"{where}: {self.message}" if where else self.message

    def located(self, source: str) -> ScenarioError:
        """The same error, attributed to the file (or other source) ``source``."""
        return type(self)(self.message, self.path, source)


def _duration(value: object) -> float:
    return parse_duration(value)


Duration = Annotated[float, BeforeValidator(_duration), Field(allow_inf_nan=False)]
PositiveDuration = Annotated[float, BeforeValidator(_duration), Field(gt=0, allow_inf_nan=False)]
NonNegativeDuration = Annotated[
    float, BeforeValidator(_duration), Field(ge=0, allow_inf_nan=False)
]


def _number(value: object) -> object:
    # Pydantic's lax mode reads true as 1: a planner who wrote `per_hour = true` meant
    # something else, so a boolean is never a number here.
    if isinstance(value, bool):
        raise ValueError(f"must be a number, not true or false (got {str(value).lower()})")
    return value


# The constraints come first so that they stay in the number's own schema (nan is "must
# be a finite number", not "must be > 0"); the validator wraps it.
PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False), BeforeValidator(_number)]
Volume = Annotated[float, Field(ge=0, allow_inf_nan=False), BeforeValidator(_number)]
Count = Annotated[int, Field(ge=1), BeforeValidator(_number)]


class _Strict(BaseModel):
    """Immutable, and an unknown key is an error that suggests the key meant."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            fields = list(cls.model_fields)
            for key in data:
                if key not in cls.model_fields:
                    close = difflib.get_close_matches(str(key), fields, n=1)
                    hint = f" (did you mean {close[0]!r}?)" if close else ""
                    raise ValueError(
                        f"unknown key {key!r}{hint}; expected one of: {', '.join(fields)}"
                    )
        return data


# --- distributions -----------------------------------------------------------------


class ExponentialSpec(_Strict):
    """``{ dist = "exponential", mean = "4min" }``"""

    dist: Literal["exponential"]
    mean: PositiveDuration

    def build(self) -> streams.Distribution:
        return streams.Exponential(self.mean)


class LogNormalSpec(_Strict):
    """``{ dist = "lognormal", mean = "4min", cv = 0.8 }`` (cv = standard deviation / mean)"""

    dist: Literal["lognormal"]
    mean: PositiveDuration
    cv: PositiveFloat

    def build(self) -> streams.Distribution:
        return streams.LogNormal(self.mean, self.cv)


class GammaSpec(_Strict):
    """``{ dist = "gamma", mean = "4min", cv = 0.8 }``"""

    dist: Literal["gamma"]
    mean: PositiveDuration
    cv: PositiveFloat

    def build(self) -> streams.Distribution:
        return streams.Gamma(self.mean, self.cv)


class ConstantSpec(_Strict):
    """``{ dist = "constant", value = "4min" }``"""

    dist: Literal["constant"]
    value: PositiveDuration

    @property
    def mean(self) -> float:
        return self.value

    def build(self) -> streams.Distribution:
        return streams.Constant(self.value)


class _ValuesSpec(_Strict):
    values: list[NonNegativeDuration] = Field(min_length=1)

    @field_validator("values")
    @classmethod
    def _positive_mean(cls, values: list[float]) -> list[float]:
        if sum(values) <= 0:
            raise ValueError(f"at least one value must be positive (got {values!r})")
        return values

    @property
    def mean(self) -> float:
        return sum(self.values) / len(self.values)


class EmpiricalSpec(_ValuesSpec):
    """``{ dist = "empirical", values = ["2min", "3min", ...] }``: resampled uniformly."""

    dist: Literal["empirical"]

    def build(self) -> streams.Distribution:
        return streams.Empirical(tuple(self.values))


class SequenceSpec(_ValuesSpec):
    """``{ dist = "sequence", values = [...] }``: the values in order, cycling (scripted cases)."""

    dist: Literal["sequence"]

    def build(self) -> streams.Distribution:
        return streams.Sequence(tuple(self.values))


DistributionSpec = Annotated[
    ExponentialSpec | LogNormalSpec | GammaSpec | ConstantSpec | EmpiricalSpec | SequenceSpec,
    Field(discriminator="dist"),
]
_DIST_TAGS = frozenset({"exponential", "lognormal", "gamma", "constant", "empirical", "sequence"})


# --- the centre ----------------------------------------------------------------------


class Arrivals(_Strict):
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
        if self.volumes is not None and not any(v > 0 for v in self.volumes):
            raise ValueError(f"volumes: at least one must be positive (got {self.volumes})")
        if self.times is not None and any(b < a for a, b in itertools.pairwise(self.times)):
            raise ValueError(f"times: must be in increasing order (got {self.times})")
        return self


#: The definitions of service level a run reports (``sl_<name>``), by their denominator:
#: contacts offered, answered, offered less those who abandoned within the threshold
#: ("short abandons"), or the arrivals the forecast expected.
SL_DEFINITIONS = ("offered", "answered", "nonshort", "expected")


class ServiceLevel(_Strict):
    """Service level = contacts answered within ``answer_within`` over a denominator that
    ``definition`` names (one of :data:`SL_DEFINITIONS`; the headline ``service_level``)."""

    answer_within: NonNegativeDuration = 20.0
    definition: Literal["offered", "answered", "nonshort", "expected"] = "offered"


Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False, strict=True)]


class Targets(_Strict):
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


def _delay(value: Any) -> Any:
    # A plain duration is a constant delay; a table is a distribution.
    return value if isinstance(value, dict) else {"dist": "constant", "value": value}


#: A delay: a duration (constant) or a distribution table, as ``handle_time``.
Delay = Annotated[DistributionSpec, BeforeValidator(_delay)]


def _table_or_false(value: Any) -> Any:
    if value is not False and not isinstance(value, dict | BaseModel):
        shown = str(value).lower() if isinstance(value, bool) else repr(value)
        raise ValueError(f"must be a table of keys, or false to turn it off (got {shown})")
    return value


class Recalls(_Strict):
    """``[callbacks.abandoned]``: agents call back a ``share`` of the customers who hung up
    on the line (those who waited at least ``min_wait``), ``delay`` after they hung up."""

    share: Share
    delay: Delay
    min_wait: NonNegativeDuration = 0.0


class FollowUps(_Strict):
    """``[callbacks.follow_ups]``: a ``share`` of contacts whose first conversation ends
    (on the line or as a callback) need a follow-up call from an agent, ``delay`` after
    that conversation (and its wrap-up) ended."""

    share: Share
    delay: Delay


def _curve(value: Any) -> Any:
    if isinstance(value, list) and not value:
        raise ValueError("must list at least one [predicted wait, share] pair (got [])")
    return value


#: ``accept``: a share, or a curve of the predicted wait: ``[[wait, share], ...]``.
AcceptCurve = Annotated[
    list[tuple[NonNegativeDuration, Share]], BeforeValidator(_curve)
]

class _CallbackKeys(_Strict):
    """The keys of a callback policy; see :class:`Callbacks`."""

    queue_at_least: Annotated[int, Field(ge=0), BeforeValidator(_number)] | None = None
    predicted_wait_above: NonNegativeDuration | None = None
    offer_after: NonNegativeDuration | None = None
    accept: Share | AcceptCurve | None = None
    mode: Literal["window", "keep_place"] | None = None
    promise: PositiveDuration | None = None
    schedule: Literal["when_idle", "priority", "deadline"] | None = None
    dial_time: NonNegativeDuration | None = None
    reach: Share | None = None
    retry_delay: NonNegativeDuration | None = None
    max_attempts: Count | None = None
    talk_scale: PositiveFloat | None = None
    abandoned: Annotated[Literal[False] | Recalls, BeforeValidator(_table_or_false)] | None = None
    follow_ups: Annotated[Literal[False] | FollowUps, BeforeValidator(_table_or_false)] | None = (
        None
    )


class CallbackOverride(_CallbackKeys):
    """``contact_types[*].callbacks``: keys that replace the scenario-wide ``[callbacks]``
    for one contact type (or, with no scenario-wide table, its whole policy). A table
    ``abandoned`` or ``follow_ups`` replaces the scenario's whole table; ``false`` turns it
    off for the type."""


class Callbacks(_CallbackKeys):
    """``[callbacks]``: three policies, each optional, whose calls agents make alike.

    * **The offer**, on the triggers given (all must hold): ``queue_at_least`` (that many
      live callers of its type already waiting ahead), ``predicted_wait_above`` (the ACD's
      estimate: position × mean handle time (talk + wrap-up) ÷ agents on duty able to take
      the type), ``offer_after`` (made once the caller has waited that long, rather than on
      arrival). It goes to a caller who finds every agent able to take it busy, who accepts
      with probability ``accept`` (a share, or a curve of the predicted wait: linear
      between the points, flat beyond them). In ``window`` mode it leaves the line and is
      called back, promised within ``promise``; in ``keep_place`` mode (``mode`` not given:
      ``window``) it hangs up but
      keeps its place, and the agent who reaches it calls it back.
    * ``abandoned`` (:class:`Recalls`): calls back customers who hung up on the line.
    * ``follow_ups`` (:class:`FollowUps`): calls that settle what a first contact did not.

    ``schedule`` says when agents work due calls: ``when_idle`` (only when no live contact
    they can take waits), ``priority`` (a due call first) or ``deadline`` (as
    ``when_idle``, but a callback whose promise would otherwise be broken first). Each
    attempt costs the agent ``dial_time``; the customer answers with probability
    ``reach``; an unanswered attempt is retried after ``retry_delay``, at most
    ``max_attempts`` attempts. The conversation takes the contact's own talk time (drawn at
    arrival) × ``talk_scale``, then its wrap-up.
    """

    schedule: Literal["when_idle", "priority", "deadline"] = "when_idle"
    dial_time: NonNegativeDuration = 0.0
    reach: Share = 1.0
    retry_delay: NonNegativeDuration = 600.0
    max_attempts: Count = 3
    talk_scale: PositiveFloat = 1.0

    @model_validator(mode="after")
    def _complete(self) -> Callbacks:
        given = [k for k in ("accept", "promise", "mode") if getattr(self, k) is not None]
        if not self.offers and given:
            raise ValueError(
                f"{given[0]}: set, but there is no offer trigger "
                "('queue_at_least', 'predicted_wait_above' or 'offer_after'), so nothing "
                "would be offered"
            )
        if not (self.offers or self.abandoned or self.follow_ups):
            raise ValueError(
                "give an offer trigger ('queue_at_least', 'predicted_wait_above' or "
                "'offer_after'), or a table 'abandoned' or 'follow_ups'"
            )
        if self.offers:
            if self.accept is None:
                raise ValueError("accept: is required with an offer trigger (a share, or a "
                                 "curve [[predicted wait, share], ...])")
            if self.mode != "keep_place" and self.promise is None:
                raise ValueError("promise: is required in 'window' mode (a duration)")
            if isinstance(self.accept, list):
                waits = [w for w, _ in self.accept]
                if any(b <= a for a, b in itertools.pairwise(waits)):
                    raise ValueError(f"accept: the predicted waits must increase (got {waits})")
        return self

    @property
    def offers(self) -> bool:
        """Whether callers are offered a callback (some trigger is given)."""
        return not (self.queue_at_least is None and self.predicted_wait_above is None
                    and self.offer_after is None)

    def overridden(self, override: CallbackOverride | None) -> Callbacks:
        """This policy with the keys ``override`` sets replaced."""
        if override is None:
            return self
        return Callbacks(**{**self.model_dump(exclude_unset=True),
                            **override.model_dump(exclude_unset=True)})


class ContactType(_Strict):
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
            raise ValueError(f"{where}must be a whole number from 0 to {MAX_STAFF} (got {x!r})")
        return int(x)

    if isinstance(value, list | tuple):
        if not value:
            raise ValueError("must list one head count per interval (got [])")
        return tuple(whole(x, f"[{i}]: ") for i, x in enumerate(value))
    return whole(value, "")


Clock = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class Campaign(_Strict):
    """``[[outbound]]``: a list of customers to call. Each attempt costs the agent
    ``dial_time`` and uses up one entry of the list (``list_size``; none: unlimited); the
    customer answers with probability ``reach``; the conversation takes ``handle_time``
    (then ``wrap_up``) and ends in a success (a sale, say) with probability ``success``.
    Calls are made only within ``hours`` (clock times, from–to), if given."""

    name: str = Field(min_length=1)
    list_size: Count | None = None
    dial_time: NonNegativeDuration = 0.0
    reach: Share = 1.0
    handle_time: DistributionSpec
    wrap_up: DistributionSpec | None = None
    success: Share
    hours: tuple[Clock, Clock] | None = None

    @field_validator("hours")
    @classmethod
    def _ordered(cls, hours: tuple[str, str] | None) -> tuple[str, str] | None:
        if hours is not None and hours[1] <= hours[0]:
            raise ValueError(f"must run from an earlier clock time to a later one (got "
                             f"{list(hours)})")
        return hours


class Blending(_Strict):
    """How a group's agents split their time between inbound contacts and outbound calls
    (see :mod:`ccsim.model.blending`): ``inbound_first`` — an outbound call only when no
    inbound contact the agent can take waits; ``reserve`` — as ``inbound_first``, and only
    while at least ``keep_idle`` other agents of the group stay idle for inbound;
    ``quota_first`` — an agent behind the pace of its quota dials even when inbound
    contacts wait."""

    rule: Literal["inbound_first", "reserve", "quota_first"] = "inbound_first"
    keep_idle: Annotated[int, Field(ge=0), BeforeValidator(_number)] = 0

    @model_validator(mode="after")
    def _keep_idle_only_in_reserve(self) -> Blending:
        if self.keep_idle and self.rule != "reserve":
            raise ValueError(f"keep_idle: applies to rule 'reserve' only (rule is "
                             f"{self.rule!r})")
        return self


class Quota(_Strict):
    """``quota``: each agent's target per working day (``daily``), counting its outbound
    conversations (``counts = "outbound"``) or those and the inbound contacts it answered
    (``"all"``). Its *pace* at time t is the target × the share of its planned time on duty
    (agent number n is planned in the intervals whose head count exceeds n) elapsed by t."""

    daily: Annotated[int, Field(ge=0), BeforeValidator(_number)]
    counts: Literal["outbound", "all"] = "outbound"


class Pressure(_Strict):
    """``pressure``: an agent behind the pace of its quota shortens its conversations.
    Behind by a share d of its target (pace − done, ÷ target), its talk time is ×
    max(``floor``, 1 − ``slope`` × d); a conversation cut to a share f of its talk time
    settles the customer's matter (inbound) or succeeds (outbound) with probability × f ^
    ``resolution_elasticity`` (a modelling assumption: see :mod:`ccsim.model.outbound`)."""

    floor: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False), BeforeValidator(_number)] = 0.6
    slope: PositiveFloat = 2.0
    resolution_elasticity: Volume = 1.0


class AgentGroup(_Strict):
    """Agents with the same skills. ``skills`` is an ordered preference list of contact
    types; ``staff`` is a head count, constant or one per interval. ``outbound`` lists the
    campaigns the group calls for (in order of preference), as ``blending`` lets it;
    ``quota`` is each agent's daily target."""

    name: str = Field(min_length=1)
    skills: list[str] = Field(min_length=1)
    staff: Annotated[int | tuple[int, ...], BeforeValidator(_staff)]
    outbound: list[str] = []
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
            raise ValueError(f"lists {seen[0]!r} twice (got {names!r})")
        return names

    def staff_at(self, interval: int) -> int:
        """Agents scheduled in ``interval``."""
        return self.staff if isinstance(self.staff, int) else self.staff[interval]


class Scenario(_Strict):
    """One contact centre over one horizon: contact types, agent groups and the reporting
    conventions. Durations are seconds (strings with units are accepted on input).

    Build one with ``Scenario(**fields)``, ``Scenario.from_dict(data)`` or
    :func:`load_scenario`; every mistake raises :class:`ScenarioError`.
    """

    name: str = "scenario"
    start: str = Field(default="00:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    period: PositiveDuration = 1800.0
    horizon: PositiveDuration | None = None
    warmup: NonNegativeDuration = 0.0
    lines: Count | None = None
    service_level: ServiceLevel = ServiceLevel()
    targets: Targets = Targets()
    callbacks: Callbacks | None = None
    contact_types: list[ContactType] = Field(min_length=1)
    agent_groups: list[AgentGroup] = Field(min_length=1)
    outbound: list[Campaign] = []

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise _scenario_error(error, data) from None

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str | None = None) -> Scenario:
        """Validate ``data`` (as read from TOML); errors name ``source`` when given."""
        if not isinstance(data, dict):
            raise ScenarioError(f"expected a table of scenario keys (got {data!r})", "", source)
        try:
            return cls(**data)
        except ScenarioError as error:
            raise (error.located(source) if source else error) from None

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        _check_names("contact_types", [c.name for c in self.contact_types])
        _check_names("agent_groups", [g.name for g in self.agent_groups])
        types = {c.name for c in self.contact_types}
        for group in self.agent_groups:
            for skill in group.skills:
                if skill not in types:
                    raise ScenarioError(
                        f"{skill!r} names no contact type; expected one of: {', '.join(types)}",
                        f"agent_groups[{group.name}].skills",
                    )
        for c in self.contact_types:
            for name in c.resolution_by_group or {}:
                group = next((g for g in self.agent_groups if g.name == name), None)
                if group is None or c.name not in group.skills:
                    able = [g.name for g in self.agent_groups if c.name in g.skills]
                    raise ScenarioError(
                        f"{name!r} names no agent group that takes {c.name!r}; expected one "
                        f"of: {', '.join(able)}",
                        f"contact_types[{c.name}].resolution_by_group",
                    )
        _check_names("outbound", [c.name for c in self.outbound])
        campaigns = [c.name for c in self.outbound]
        for group in self.agent_groups:
            for name in group.outbound:
                if name not in campaigns:
                    raise ScenarioError(
                        f"{name!r} names no [[outbound]] campaign; expected one of: "
                        f"{', '.join(campaigns) or '(none defined)'}",
                        f"agent_groups[{group.name}].outbound",
                    )
        called = {name for g in self.agent_groups for name in g.outbound}
        for campaign in self.outbound:
            if campaign.name not in called:
                raise ScenarioError(
                    "no agent group lists this campaign in its 'outbound', so no call of it "
                    "could ever be made", f"outbound[{campaign.name}]")
        for group in self.agent_groups:
            if group.quota is not None and group.quota.counts == "outbound" and (
                    not group.outbound):
                raise ScenarioError(
                    "counts outbound conversations, but the group lists no 'outbound' "
                    "campaign; list one, or count \"all\" contacts",
                    f"agent_groups[{group.name}].quota.counts")
        for c in self.contact_types:
            rushed = [g.name for g in self.agent_groups if c.name in g.skills
                      and g.pressure is not None and g.pressure.resolution_elasticity > 0]
            if rushed and c.repeat_delay is None:
                raise ScenarioError(
                    f"is required: the pressure on {', '.join(map(repr, rushed))} lowers "
                    "the resolution of rushed conversations (resolution_elasticity > 0), "
                    "and an unsettled customer calls again (or set resolution_elasticity "
                    "= 0)", f"contact_types[{c.name}].repeat_delay")
            if c.repeat_delay is not None and not (c.repeats or rushed):
                raise ScenarioError(
                    "set, but every contact is resolved (resolution 1, no quota pressure "
                    "on the groups that take it): no customer calls again",
                    f"contact_types[{c.name}].repeat_delay")
        served = {s for g in self.agent_groups for s in g.skills}
        for c in self.contact_types:
            if c.name not in served:
                raise ScenarioError(
                    "no agent group lists this contact type in its skills, so no contact "
                    "of it could ever be answered",
                    f"contact_types[{c.name}]",
                )
        self._check_horizon()
        for c in self.contact_types:
            try:
                self.callbacks_for(c)
            except ValidationError as error:  # a type's keys merged with the scenario's
                found = _scenario_error(error, {})
                where = f"contact_types[{c.name}].callbacks"
                path = ".".join(filter(None, (where, found.path)))
                raise ScenarioError(found.message, path) from None
        return self

    def _check_horizon(self) -> None:
        lengths = {
            c.name: len(c.arrivals.volumes) for c in self.contact_types if c.arrivals.volumes
        }
        if self.horizon is None:
            if not lengths:
                raise ScenarioError(
                    "is required when no contact type gives 'volumes' per interval", "horizon"
                )
            if len(set(lengths.values())) > 1:
                raise ScenarioError(
                    f"contact types give different numbers of volumes {lengths}; "
                    "give them all the same length or set 'horizon'",
                    "contact_types",
                )
            object.__setattr__(self, "horizon", next(iter(lengths.values())) * self.period)
        n = self.horizon / self.period
        if abs(n - round(n)) > 1e-9:
            raise ScenarioError(
                f"must be a whole number of periods of {self.period:g} s (got {self.horizon:g} s)",
                "horizon",
            )
        n = round(n)
        if n > MAX_INTERVALS:
            raise ScenarioError(
                f"holds {n} intervals of {self.period:g} s, more than the {MAX_INTERVALS} "
                "a run can report; use a longer period",
                "horizon",
            )
        for c in self.contact_types:
            if c.arrivals.times and c.arrivals.times[-1] >= self.horizon:
                raise ScenarioError(
                    f"must all be before the horizon ({self.horizon:g} s) "
                    f"(got {c.arrivals.times[-1]:g} s)",
                    f"contact_types[{c.name}].arrivals.times",
                )
        for name, length in lengths.items():
            if length != n:
                raise ScenarioError(
                    f"lists {length} volumes but the horizon holds {n} intervals of "
                    f"{self.period:g} s",
                    f"contact_types[{name}].arrivals.volumes",
                )
        for group in self.agent_groups:
            if not isinstance(group.staff, int) and len(group.staff) != n:
                raise ScenarioError(
                    f"lists {len(group.staff)} head counts but the horizon holds {n} intervals",
                    f"agent_groups[{group.name}].staff",
                )
        w = self.warmup / self.period
        if abs(w - round(w)) > 1e-9 or self.warmup >= self.horizon:
            raise ScenarioError(
                f"must be a whole number of periods ({self.period:g} s) shorter than the "
                f"horizon (got {self.warmup:g} s)",
                "warmup",
            )

    # --- derived quantities the model and reports use ---

    def callbacks_for(self, contact_type: ContactType) -> Callbacks | None:
        """The callback policy of ``contact_type`` (None: no callbacks for it)."""
        own = contact_type.callbacks
        if own is False or (self.callbacks is None and own is None):
            return None
        if self.callbacks is None:
            return Callbacks(**own.model_dump(exclude_unset=True))  # type: ignore[union-attr]
        return self.callbacks.overridden(own or None)

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
        if arrivals.volumes is not None:
            return list(arrivals.volumes)
        if arrivals.times is not None:
            counts = [0.0] * self.intervals
            for t in arrivals.times:
                counts[int(t // self.period)] += 1
            return counts
        return [arrivals.per_hour * self.period / 3600.0] * self.intervals

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

        def capacity(groups: list[AgentGroup]) -> float:
            return sum(g.staff_at(i) for g in groups for i in range(self.intervals)) * self.period

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
        # How long a run takes is for ccsim.experiment.budget, which refuses one too big.
        return found


def _used_keys(model: BaseModel, prefix: str) -> Iterator[str]:
    """The key paths under ``model`` (written after ``prefix``) that are not at their
    default; see :meth:`Scenario.used_keys`."""
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        if not field.is_required() and value == field.get_default(call_default_factory=True):
            continue
        path = f"{prefix}{name}"
        if isinstance(value, BaseModel):
            yield from _used_keys(value, f"{path}.")
        elif isinstance(value, list) and value and all(isinstance(v, BaseModel) for v in value):
            for entry in value:
                yield from _used_keys(entry, f"{path}.*.")
        else:
            yield path


def _check_names(key: str, names: list[str]) -> None:
    for i, name in enumerate(names):
        if name in names[:i]:
            raise ScenarioError(f"the name {name!r} is used twice; names must be unique", key)


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate the scenario file at ``path`` (TOML)."""
    path = Path(path)
    return Scenario.from_dict(read_toml(path), source=str(path))


def read_toml(path: Path) -> dict[str, Any]:
    """The TOML table in ``path``. What is not a readable UTF-8 TOML file — missing, a
    directory, UTF-16, a byte-order mark, binary, malformed — is a :class:`ScenarioError`."""
    source = str(path)
    if path.is_dir():
        raise ScenarioError("is a directory; expected a scenario or experiment TOML file",
                            source=source)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError("no such file", source=source) from None
    except OSError as error:
        raise ScenarioError(f"cannot be read ({error.strerror})", source=source) from None
    if data.startswith(b"\xef\xbb\xbf"):
        raise ScenarioError("starts with a byte-order mark; save it as UTF-8 without one",
                            source=source)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ScenarioError("is UTF-16 text; TOML files are UTF-8: save it as UTF-8",
                            source=source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError(
            f"is not TOML text (byte {data[error.start]:#04x} at offset {error.start} is not "
            "UTF-8); give a scenario or experiment TOML file", source=source
        ) from None
    if "\x00" in text:
        raise ScenarioError("is not TOML text (it holds NUL bytes); give a scenario or "
                            "experiment TOML file", source=source)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"not valid TOML: {error}", source=source) from None


# Pydantic's wording for the common cases, said the way the rest of ccsim says it.
_PLAIN = {
    "greater_than": "must be > {gt}",
    "greater_than_equal": "must be >= {ge}",
    "less_than_equal": "must be <= {le}",
    "finite_number": "must be a finite number",
    "literal_error": "must be {expected}",
    "too_short": "must have at least {min_length} entries",
    "string_pattern_mismatch": "must look like HH:MM",
    "union_tag_invalid": "unknown distribution; expected one of {expected_tags}",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "string_type": "must be a string",
    "list_type": "must be a list",
    "model_type": "must be a table",
    "model_attributes_type": "must be a table",
}


def _scenario_error(error: ValidationError, data: dict[str, Any]) -> ScenarioError:
    """The first validation problem, with its key path written with names. Of the errors
    of a union's branches (``false`` or a table), the one that went deepest is the one
    meant; ties go to our own checks' messages."""
    errors = error.errors(include_url=False)
    start = errors[0]["loc"][:-1]
    branches = [e for e in errors if e["loc"][: len(start)] == start]
    first = max(branches, key=lambda e: (len(e["loc"]), e["type"] == "value_error"))
    path = key_path(first["loc"], data)
    if first["type"] == "value_error":
        message = str(first["ctx"]["error"])
    elif first["type"] == "missing":
        message = "is required"
    elif first["type"] in _PLAIN:
        ctx = {k: f"{v:g}" if isinstance(v, float) else v for k, v in first.get("ctx", {}).items()}
        message = f"{_PLAIN[first['type']].format(**ctx)} (got {first['input']!r})"
    else:
        message = f"{first['msg'][0].lower()}{first['msg'][1:]} (got {first['input']!r})"
    # A value error that names an entry of a list ("[3]: must be ...") or a key of the table
    # it checks ("accept: is required ...") extends the path.
    if message.startswith("[") and "]: " in message:
        index, message = message.split(": ", 1)
        path += index
    elif first["type"] == "value_error" and re.match(r"[a-z_]+: ", message):
        key, message = message.split(": ", 1)
        path = f"{path}.{key}" if path else key
    return ScenarioError(message, path)


def key_path(loc: tuple[Any, ...], data: Any) -> str:
    """``('contact_types', 0, 'handle_time', 'exponential', 'mean')`` →
    ``contact_types[general].handle_time.mean``: list entries by their name when they have one."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            name = item.get("name") if isinstance(item, dict) else None
            out += f"[{name}]" if isinstance(name, str) and name else f"[{part}]"
            node = item
        elif isinstance(node, str | int | float) or (
            not (isinstance(node, dict) and part in node)
            and (part in _DIST_TAGS or not part.isidentifier() or part[:1].isupper())
        ):
            continue  # the tag of a union's branch, or a field inside a plain value
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out
