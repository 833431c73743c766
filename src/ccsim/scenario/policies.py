"""Policies a planner turns on: callbacks (offers, recalls, follow-ups), outbound campaigns,
blending, daily quotas and the pressure they put on talk time."""

from __future__ import annotations

import itertools
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from ccsim.scenario.distributions import Delay, DistributionSpec, after
from ccsim.scenario.fields import (
    Count,
    Hours,
    NonNegativeDuration,
    PositiveDuration,
    PositiveFloat,
    Share,
    Strict,
    Volume,
    describe_hours,
    no_bool,
    table_or_false,
    windows,
)
from ccsim.scenario.words import BLENDING, SCHEDULES, duration, number, percent


class Recalls(Strict):
    """``[callbacks.abandoned]``: agents call back a ``share`` of the customers who hung up
    on the line (those who waited at least ``min_wait``), ``delay`` after they hung up."""

    share: Share
    delay: Delay
    min_wait: NonNegativeDuration = 0.0

    def describe(self) -> str:
        """``calls back 50 % of the customers who hung up on the line (after waiting at
        least 1min), 10min after they hung up``"""
        waited = f" (after waiting at least {duration(self.min_wait)})" if self.min_wait else ""
        return (f"calls back {percent(self.share)} of the customers who hung up on the "
                f"line{waited}, {after(self.delay, 'they hung up')}")


class FollowUps(Strict):
    """``[callbacks.follow_ups]``: a ``share`` of contacts whose first conversation ends
    (on the line or as a callback) need a follow-up call from an agent, ``delay`` after
    that conversation (and its wrap-up) ended."""

    share: Share
    delay: Delay

    def describe(self) -> str:
        """``calls 20 % of the customers back for a follow-up, 24h after their first
        conversation ended``"""
        return (f"calls {percent(self.share)} of the customers back for a follow-up, "
                f"{after(self.delay, 'their first conversation ended')}")


def _curve(value: Any) -> Any:
    if isinstance(value, list) and not value:
        raise ValueError("must list at least one [predicted wait, share] pair (got [])")
    return value


#: ``accept``: a share, or a curve of the predicted wait: ``[[wait, share], ...]``.
AcceptCurve = Annotated[
    list[tuple[NonNegativeDuration, Share]], BeforeValidator(_curve)
]

#: ``talk_scale``: a callback conversation lasts at most this many times the talk time the
#: caller brought (a larger factor is a typo, and 1e300 keeps an agent busy for ever).
MAX_TALK_SCALE = 100.0
TalkScale = Annotated[float, Field(gt=0, le=MAX_TALK_SCALE, allow_inf_nan=False),
                      BeforeValidator(no_bool)]


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
    talk_scale: TalkScale | None = None
    abandoned: Annotated[Literal[False] | Recalls, BeforeValidator(table_or_false)] | None = None
    follow_ups: Annotated[Literal[False] | FollowUps, BeforeValidator(table_or_false)] | None = (
        None
    )

    def _accept_words(self) -> str:
        """``30 % accept``, or the curve: ``acceptance by predicted wait: 0s → 10 %, 5min
        → 60 %``."""
        if isinstance(self.accept, list):
            points = ", ".join(f"{duration(w)} → {percent(p)}" for w, p in self.accept)
            return f"acceptance by predicted wait: {points}"
        return f"{percent(self.accept or 0.0)} accept"

    def key_words(self, key: str) -> str:
        """One key this policy sets, in words."""
        value = getattr(self, key)
        if key in ("abandoned", "follow_ups"):
            off = {"abandoned": "no calls back to customers who hung up",
                   "follow_ups": "no follow-up calls"}[key]
            return off if value is False else value.describe()
        return {
            "queue_at_least": lambda: (f"offered when {value} or more callers wait" if value
                                       else "offered whatever the queue's length"),
            "predicted_wait_above": lambda: ("offered when the predicted wait exceeds "
                                             f"{duration(value)}"),
            "offer_after": lambda: f"offered once the caller has waited {duration(value)}",
            "accept": self._accept_words,
            "mode": lambda: ("the caller hangs up and keeps its place in the queue"
                             if value == "keep_place" else "the caller leaves the line"),
            "promise": lambda: f"promised within {duration(value)}",
            "schedule": lambda: f"agents call back {SCHEDULES[value]}",
            "dial_time": lambda: f"{duration(value)} to dial",
            "reach": lambda: f"{percent(value)} answer",
            "retry_delay": lambda: f"an unanswered attempt retried after {duration(value)}",
            "max_attempts": lambda: f"at most {value} attempts",
            "talk_scale": lambda: f"talk time × {value:g}",
        }[key]()


class CallbackOverride(_CallbackKeys):
    """``contact_types[*].callbacks``: keys that replace the scenario-wide ``[callbacks]``
    for one contact type (or, with no scenario-wide table, its whole policy). A table
    ``abandoned`` or ``follow_ups`` replaces the scenario's whole table; ``false`` turns it
    off for the type."""

    def describe(self) -> str:
        """The keys it sets, in words: ``30 % accept; promised within 1h``."""
        return "; ".join(self.key_words(k) for k in self.given()) or "as the scenario's"

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
    talk_scale: TalkScale = 1.0

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
        # An unanswered attempt that takes no agent time, retried after no time, is retried
        # at the same instant: max_attempts would only stand for a higher reach, and a large
        # one loops in place. Real redials take time, or wait.
        if (self.dial_time == 0 and self.retry_delay == 0 and self.reach < 1
                and self.max_attempts > 1):
            raise ValueError(
                "retry_delay: 0 with dial_time 0 and reach below 1 retries an unanswered "
                f"call at the same instant, up to {self.max_attempts} times; give a positive "
                "retry_delay (or dial_time), or max_attempts = 1")
        return self

    @property
    def offers(self) -> bool:
        """Whether callers are offered a callback (some trigger is given)."""
        return not (self.queue_at_least is None and self.predicted_wait_above is None
                    and self.offer_after is None)

    def describe(self) -> str:
        """The whole policy in sentences: the offer (when, who accepts, what happens to
        the caller), the calls back to who hung up, the follow-ups, and how agents make
        these calls."""
        sentences = []
        if self.offers:
            when = []
            if self.queue_at_least:
                when.append(f"{self.queue_at_least} or more callers wait")
            if self.predicted_wait_above is not None:
                when.append(f"the predicted wait exceeds {duration(self.predicted_wait_above)}")
            trigger = " and ".join(when) or "every agent able to take the call is busy"
            after = (f", once the caller has waited {duration(self.offer_after)}"
                     if self.offer_after is not None else "")
            promise = (f", promised within {duration(self.promise)}"
                       if self.promise is not None else "")
            fate = ("the caller hangs up but keeps its place in the queue, and the agent who "
                    f"reaches it calls back{promise}" if self.mode == "keep_place" else
                    f"the caller leaves the line and is called back{promise}")
            sentences.append(f"a callback is offered when {trigger}{after}; "
                             f"{self._accept_words()}; {fate}")
        if self.abandoned:
            sentences.append(f"the centre {self.abandoned.describe()}")
        if self.follow_ups:
            sentences.append(f"the centre {self.follow_ups.describe()}")
        attempts = f"agents make these calls {SCHEDULES[self.schedule]}"
        if self.dial_time:
            attempts += f"; each attempt takes {duration(self.dial_time)} to dial"
        if self.reach < 1:
            attempts += (f"; {percent(self.reach)} of the customers answer, an unanswered "
                         f"attempt is retried after {duration(self.retry_delay)}, at most "
                         f"{self.max_attempts} attempts")
        if self.talk_scale != 1:
            attempts += f"; the conversation takes {self.talk_scale:g} × its talk time"
        sentences.append(attempts)
        return ". ".join(s[0].upper() + s[1:] for s in sentences)

    def overridden(self, override: CallbackOverride | None) -> Callbacks:
        """This policy with the keys ``override`` sets replaced."""
        if override is None:
            return self
        return Callbacks(**{**self.model_dump(exclude_unset=True), **override.given()})



class PredictiveDialer(Strict):
    """``dialer = { ratio = 2.0, min_free = 4, min_free_group = 1 }``: the campaign is
    dialled by a machine, not by agents: whenever at least ``min_free`` agents of the
    centre are free, ``min_free_group`` of them in the groups that call the campaign, it
    dials ``ratio`` × those groups' free agents (less the calls still being dialled)."""

    ratio: PositiveFloat
    min_free: Annotated[int, Field(ge=0), BeforeValidator(no_bool)] = 1
    min_free_group: Annotated[int, Field(ge=0), BeforeValidator(no_bool)] = 1

    def describe(self) -> str:
        """``a predictive dialer: 2 calls per free agent while 4 agents are free (1 of the
        calling groups)``"""
        return (f"a predictive dialer: {self.ratio:g} calls per free agent while "
                f"{self.min_free} agents are free ({self.min_free_group} of the calling "
                "groups)")


class Campaign(Strict):
    """``[[outbound]]``: a list of customers to call. Each attempt costs the agent
    ``dial_time`` and uses up one entry of the list (``list_size``; none: unlimited); the
    customer answers with probability ``reach`` (one share, or one per interval); the
    conversation takes ``handle_time`` (then ``wrap_up``) and ends in a success (a sale,
    say) with probability ``success``. Calls are made only within ``hours`` (clock times,
    from–to, every day or by weekday), if given. With a ``dialer`` a machine dials (see
    :class:`PredictiveDialer`) and a customer who answers and finds no agent of the
    calling groups free waits at most ``patience``, then hangs up: a *nuisance call*."""

    name: str = Field(min_length=1)
    list_size: Count | None = None
    dial_time: NonNegativeDuration = 0.0
    reach: Share | list[Share] = 1.0
    handle_time: DistributionSpec
    wrap_up: DistributionSpec | None = None
    success: Share
    hours: Hours | None = None
    dialer: PredictiveDialer | None = None
    patience: Delay | None = None

    @property
    def mean_reach(self) -> float:
        """The probability that a customer answers, over the intervals."""
        return (sum(self.reach) / len(self.reach) if isinstance(self.reach, list)
                else self.reach)

    def reach_at(self, interval: int) -> float:
        """The probability that a customer answers a call made in ``interval``."""
        return self.reach[interval] if isinstance(self.reach, list) else self.reach

    @model_validator(mode="after")
    def _patience_with_a_dialer(self) -> Campaign:
        if self.patience is not None and self.dialer is None:
            raise ValueError("patience: is how long a customer reached by the dialer waits "
                             "for an agent; it needs a 'dialer' (agents who dial are there "
                             "when the customer answers)")
        return self

    def describe(self) -> str:
        """``a list of 5,000 customers; 10s to dial, 40 % answer; talk lognormal, mean
        5min, cv 0.6; no wrap-up; 12 % succeed; calls from 09:00 to 17:00``"""
        size = (f"a list of {number(self.list_size)} customers" if self.list_size
                else "an unlimited list")
        wrap = f"wrap-up {self.wrap_up.describe()}" if self.wrap_up else "no wrap-up"
        hours = ("" if self.hours is None else f"; calls {describe_hours(self.hours)}"
                 if isinstance(self.hours, dict) else
                 f"; calls from {self.hours[0]} to {self.hours[1]}")
        reach = (percent(self.reach) if not isinstance(self.reach, list) else
                 f"{percent(min(self.reach))}–{percent(max(self.reach))} by interval")
        dialer = "" if self.dialer is None else (
            f"; {self.dialer.describe()}; a customer who answers waits at most "
            f"{duration(self.patience.mean) if self.patience else '0s'} for an agent")
        return (f"{size}; {duration(self.dial_time)} to dial, {reach} answer; "
                f"talk {self.handle_time.describe()}; {wrap}; {percent(self.success)} "
                f"succeed{hours}{dialer}")

    def windows(self, start: str, horizon: float, start_day: str
                ) -> list[tuple[float, float]]:
        """The calling windows (seconds since the start of the horizon, whose clock time is
        ``start`` on the weekday ``start_day``) within ``[0, horizon)``: the whole horizon
        without ``hours``."""
        return windows(self.hours, start, horizon, start_day)

    @model_validator(mode="after")
    def _attempts_take_time(self) -> Campaign:
        # An attempt that reaches no one and takes no agent time frees the agent at once
        # for the next: the list is used up at one instant (for ever, if it is unlimited).
        if self.mean_reach == 0 and self.dial_time == 0 and self.dialer is None:
            raise ValueError(
                "reach: 0 with dial_time 0 makes every attempt take no agent time and reach "
                "no one, so the agents would dial the list at one instant (for ever, with "
                "no list_size); give a positive reach or dial_time")
        return self


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

    def describe(self) -> str:
        """``calls out only when no inbound contact it can take waits``, and the others."""
        return BLENDING[self.rule].format(keep_idle=self.keep_idle)


class Quota(Strict):
    """``quota``: each agent's target per working day (``daily``), counting its outbound
    conversations (``counts = "outbound"``) or those and the inbound contacts it answered
    (``"all"``). Its *pace* at time t is the target × the share of its planned time on duty
    (agent number n is planned in the intervals whose head count exceeds n) elapsed by t."""

    daily: Annotated[int, Field(ge=0), BeforeValidator(no_bool)]
    counts: Literal["outbound", "all"] = "outbound"

    def describe(self) -> str:
        """``a daily quota of 40 outbound conversations per agent``"""
        what = ("outbound conversations" if self.counts == "outbound" else
                "contacts (outbound conversations and inbound contacts answered)")
        return f"a daily quota of {self.daily} {what} per agent"


class Pressure(Strict):
    """``pressure``: an agent behind the pace of its quota shortens its conversations.
    Behind by a share d of its target (pace − done, ÷ target), its talk time is ×
    max(``floor``, 1 − ``slope`` × d); a conversation cut to a share f of its talk time
    settles the customer's matter (inbound) or succeeds (outbound) with probability × f ^
    ``resolution_elasticity`` (a modelling assumption: see :mod:`ccsim.model.outbound`)."""

    floor: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False), BeforeValidator(no_bool)] = 0.6
    slope: PositiveFloat = 2.0
    resolution_elasticity: Volume = 1.0

    def describe(self) -> str:
        """How an agent behind pace hurries, and what it costs."""
        text = (f"an agent behind the pace of its quota by a share d of it talks "
                f"{self.slope:g} × d shorter, down to {percent(self.floor)} of the talk time")
        if self.resolution_elasticity:
            text += (f"; a conversation cut to a share f settles or sells with probability × "
                     f"f^{self.resolution_elasticity:g}")
        return text


