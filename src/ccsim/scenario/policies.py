"""Policies a planner turns on: callbacks (offers, recalls, follow-ups), outbound campaigns,
blending, daily quotas and the pressure they put on talk time."""

from __future__ import annotations

import itertools
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from ccsim.scenario.distributions import Delay, DistributionSpec
from ccsim.scenario.fields import (
    Clock,
    Count,
    NonNegativeDuration,
    PositiveDuration,
    PositiveFloat,
    Share,
    Strict,
    Volume,
    no_bool,
    table_or_false,
)


class Recalls(Strict):
    """``[callbacks.abandoned]``: agents call back a ``share`` of the customers who hung up
    on the line (those who waited at least ``min_wait``), ``delay`` after they hung up."""

    share: Share
    delay: Delay
    min_wait: NonNegativeDuration = 0.0


class FollowUps(Strict):
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

class _CallbackKeys(Strict):
    """The keys of a callback policy; see :class:`Callbacks`."""

    queue_at_least: Annotated[int, Field(ge=0), BeforeValidator(no_bool)] | None = None
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
    abandoned: Annotated[Literal[False] | Recalls, BeforeValidator(table_or_false)] | None = None
    follow_ups: Annotated[Literal[False] | FollowUps, BeforeValidator(table_or_false)] | None = (
        None
    )


class CallbackOverride(_CallbackKeys):
    """``contact_types[*].callbacks``: keys that replace the scenario-wide ``[callbacks]``
    for one contact type (or, with no scenario-wide table, its whole policy). A table
    ``abandoned`` or ``follow_ups`` replaces the scenario's whole table; ``false`` turns it
    off for the type."""

    def given(self) -> dict[str, Any]:
        """The keys this override sets. A key set to ``None`` (by a dump that wrote every
        key, or by Python code) counts as not given: TOML cannot write ``None``, and most
        keys of a whole policy cannot be ``None``, so it cannot stand for removing the
        scenario's value."""
        return {k: v for k, v in self.model_dump(exclude_unset=True).items() if v is not None}


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
        return Callbacks(**{**self.model_dump(exclude_unset=True), **override.given()})



class Campaign(Strict):
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


class Blending(Strict):
    """How a group's agents split their time between inbound contacts and outbound calls
    (see :mod:`ccsim.model.blending`): ``inbound_first`` — an outbound call only when no
    inbound contact the agent can take waits; ``reserve`` — as ``inbound_first``, and only
    while at least ``keep_idle`` other agents of the group stay idle for inbound;
    ``quota_first`` — an agent behind the pace of its quota dials even when inbound
    contacts wait."""

    rule: Literal["inbound_first", "reserve", "quota_first"] = "inbound_first"
    keep_idle: Annotated[int, Field(ge=0), BeforeValidator(no_bool)] = 0

    @model_validator(mode="after")
    def _keep_idle_only_in_reserve(self) -> Blending:
        if self.keep_idle and self.rule != "reserve":
            raise ValueError(f"keep_idle: applies to rule 'reserve' only (rule is "
                             f"{self.rule!r})")
        return self


class Quota(Strict):
    """``quota``: each agent's target per working day (``daily``), counting its outbound
    conversations (``counts = "outbound"``) or those and the inbound contacts it answered
    (``"all"``). Its *pace* at time t is the target × the share of its planned time on duty
    (agent number n is planned in the intervals whose head count exceeds n) elapsed by t."""

    daily: Annotated[int, Field(ge=0), BeforeValidator(no_bool)]
    counts: Literal["outbound", "all"] = "outbound"


class Pressure(Strict):
    """``pressure``: an agent behind the pace of its quota shortens its conversations.
    Behind by a share d of its target (pace − done, ÷ target), its talk time is ×
    max(``floor``, 1 − ``slope`` × d); a conversation cut to a share f of its talk time
    settles the customer's matter (inbound) or succeeds (outbound) with probability × f ^
    ``resolution_elasticity`` (a modelling assumption: see :mod:`ccsim.model.outbound`)."""

    floor: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False), BeforeValidator(no_bool)] = 0.6
    slope: PositiveFloat = 2.0
    resolution_elasticity: Volume = 1.0


