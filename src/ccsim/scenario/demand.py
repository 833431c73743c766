"""What arrives: contact types, their arrivals, handle times and patience, segments and
limits on waiting."""

from __future__ import annotations

import itertools
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from ccsim.scenario.busyness import Busyness
from ccsim.scenario.channels import DEFERRABLE, Slowdown, describe_slowdown
from ccsim.scenario.distributions import Delay, DistributionSpec, after
from ccsim.scenario.fields import (
    Count,
    Hours,
    NonNegativeDuration,
    PositiveFloat,
    Share,
    Strict,
    Volume,
    describe_hours,
    no_bool,
    table_or_false,
)
from ccsim.scenario.policies import CallbackOverride
from ccsim.scenario.redials import Redial
from ccsim.scenario.segments import MaxWait, Segment, describe_limits
from ccsim.scenario.targets import Targets
from ccsim.scenario.words import listed, number, percent
from ccsim.toml_text import as_toml


class Arrivals(Strict):
    """When contacts arrive: a Poisson process with a constant ``per_hour`` rate or with
    expected ``volumes`` per interval (piecewise-constant rate ``volumes[i] / period``), or
    scripted arrival ``times`` (a replayed day, or a case worked out by hand). With
    ``days``, ``volumes`` is one day's profile and day ``d`` of the horizon expects it
    × ``days[d]``. ``busyness`` multiplies each day's rate by a random factor of the type's
    own (see :mod:`ccsim.scenario.busyness`)."""

    per_hour: PositiveFloat | None = None
    volumes: list[Volume] | None = None
    times: list[NonNegativeDuration] | None = None
    days: list[Volume] | None = None
    busyness: Busyness | None = None

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
        if self.days is not None:
            if self.volumes is None:
                raise ValueError("days: scales a day's 'volumes' (one factor per day of the "
                                 "horizon); give 'volumes' for one day")
            if not self.days:
                raise ValueError("days: must list one factor per day of the horizon (got [])")
        return self

    def over_horizon(self) -> list[float] | None:
        """The expected volumes of every interval of the horizon (``None`` without
        ``volumes``): the day's profile × each day's factor, with ``days``."""
        if self.volumes is None:
            return None
        if self.days is None:
            return list(self.volumes)  # a copy: the scenario stays as it was written
        return [v * factor for factor in self.days for v in self.volumes]

    def describe(self) -> str:
        """``120 an hour (Poisson)``, ``1,234 expected over 16 intervals, at most 150 in
        one (Poisson)``, ``12 scripted arrivals``; with ``busyness``, its words after."""
        forecast = self._forecast()
        return f"{forecast}, {self.busyness.describe()}" if self.busyness else forecast

    def _forecast(self) -> str:
        if self.per_hour is not None:
            return f"{number(self.per_hour)} an hour (Poisson)"
        if self.volumes is not None and self.days is not None:
            return (f"{number(sum(self.volumes))} expected in a day of {len(self.volumes)} "
                    f"intervals, × {number(min(self.days))}–{number(max(self.days))} "
                    f"over {len(self.days)} days (Poisson)")
        if self.volumes is not None:
            return (f"{number(sum(self.volumes))} expected over {len(self.volumes)} "
                    f"intervals, at most {number(max(self.volumes))} in one (Poisson)")
        times = self.times or []
        return f"{len(times)} scripted arrivals" if times else "no arrivals (times = [])"


#: ``contact_types[*].callbacks``: ``false`` (none for this type) or keys that adjust the
#: scenario's policy.
TypeCallbacks = Annotated[Literal[False] | CallbackOverride, BeforeValidator(table_or_false)]


def _selection(value: object) -> object:
    """A rule's name, or the groups to try in order (a list of at least one name)."""
    if value in ("longest_idle", "random") or (isinstance(value, list) and value):
        return value
    raise ValueError("must be 'longest_idle', 'random' or the agent groups to try in order, "
                     f"a list such as [\"specialists\", \"generalists\"] (got "
                     f"{as_toml(value)})")


class ContactType(Strict):
    """A kind of contact: how many arrive, how long they take, how long callers wait.
    ``callbacks`` adjusts the scenario's callback policy for this type (a table of keys),
    or ``false`` turns it off for the type. ``resolution`` is the probability that a
    conversation on the line settles the customer's matter (first-contact resolution;
    ``resolution_by_group`` sets it for the groups it names); an unsettled customer calls
    again, a *repeat contact* of the same type, ``repeat_delay`` after the conversation.
    ``hours`` are the type's opening hours, every day or by weekday (a table naming every
    day, ``"closed"`` for a day it does not open): a contact that arrives outside them
    is turned away (outcome ``closed``); callers already waiting at closing are still
    answered (``at_close = "serve"``) or told to call back another day (``"clear"``: they
    are ``closed`` too)."""

    name: str = Field(min_length=1)
    channel: Literal["voice", "chat", "email", "web", "fax"] = "voice"
    slowdown: Slowdown | None = None
    backlog: Annotated[int, Field(ge=0), BeforeValidator(no_bool)] = 0
    backlog_age: Delay | None = None
    arrivals: Arrivals
    handle_time: DistributionSpec
    wrap_up: DistributionSpec | None = None
    patience: DistributionSpec | None = None
    callbacks: TypeCallbacks | None = None
    resolution: Share = 1.0
    resolution_by_group: dict[str, Share] | None = None
    repeat_delay: Delay | None = None
    hours: Hours | None = None
    at_close: Literal["serve", "clear"] = "serve"
    answer_within: NonNegativeDuration | None = None
    targets: Targets | None = None
    segments: list[Segment] | None = Field(default=None, min_length=1)
    max_waiting: Count | None = None
    max_wait: MaxWait | None = None
    redial: Redial | None = None
    agent_selection: Annotated[Literal["longest_idle", "random"] | list[str],
                               BeforeValidator(_selection)] = "longest_idle"

    @property
    def deferrable(self) -> bool:
        """Whether its contacts are deferrable work (e-mail, web forms, fax): nobody hangs
        up, and agents take it when no live contact waits (see :mod:`ccsim.model.deferred`)."""
        return self.channel in DEFERRABLE

    def resolves(self, group: str) -> float:
        """The probability that an agent of ``group`` settles a contact of this type."""
        return (self.resolution_by_group or {}).get(group, self.resolution)

    @property
    def repeats(self) -> bool:
        """Whether some contacts of this type are left unsettled (and come back)."""
        return self.resolution < 1 or any(p < 1 for p in (self.resolution_by_group or {}
                                                           ).values())

    def answer_within_of(self, default: float) -> list[float]:
        """The service-level threshold (seconds) of each of the type's classes: its
        segments in order (one class without segments), ``default`` where neither the
        segment nor the type sets one."""
        own = default if self.answer_within is None else self.answer_within
        return [own if s.answer_within is None else s.answer_within
                for s in self.segments] if self.segments else [own]

    @model_validator(mode="after")
    def _repeat_delay(self) -> ContactType:
        if self.repeats and self.repeat_delay is None:
            raise ValueError("repeat_delay: is required when resolution is below 1 (when "
                             "does an unsettled customer call again? a duration or a "
                             "distribution)")
        return self

    def describe(self) -> str:
        """Its arrivals, handle time, wrap-up, patience, own callback keys and resolution,
        ``; ``-separated (the scenario's callback policy is the scenario's to describe)."""
        parts = [f"a chat ({describe_slowdown(self.slowdown)})"] if self.channel == "chat" else []
        if self.deferrable:
            parts.append(f"deferrable work ({self.channel}: nobody hangs up; agents take it "
                         "when no call or chat they can take waits"
                         + (f"; {self.backlog} items waiting at the start" if self.backlog
                            else "") + ")")
        parts += [f"arrivals {self.arrivals.describe()}",
                 f"handle time {self.handle_time.describe()}",
                 f"wrap-up {self.wrap_up.describe()}" if self.wrap_up else "no wrap-up",
                 f"patience {self.patience.describe()}" if self.patience
                 else "infinite patience (nobody hangs up)"]
        if self.callbacks is False:
            parts.append("no callbacks")
        elif self.callbacks is not None:
            parts.append(f"its own callback keys: {self.callbacks.describe()}")
        if self.repeats:
            settled = f"{percent(self.resolution)} of conversations settle the matter"
            groups = [f"{percent(p)} with {g}" for g, p in (self.resolution_by_group or {}
                                                              ).items()]
            parts.append(settled + (f" ({listed(groups)})" if groups else ""))
        if self.repeat_delay is not None:
            parts.append("an unsettled customer calls again "
                         f"{after(self.repeat_delay, 'the conversation')}")
        if self.hours is not None:
            waiting = ("callers waiting at closing are turned away too" if
                       self.at_close == "clear" else "callers waiting at closing are served")
            parts.append(f"open {describe_hours(self.hours)} (a contact arriving while "
                         f"closed is turned away; {waiting})")
        parts += describe_limits(self.max_waiting, self.max_wait, self.answer_within)
        if self.targets is not None:
            parts.append(f"its own targets: {self.targets.describe()}")
        if self.segments:
            parts.append("segments: " + "; ".join(s.describe() for s in self.segments))
        if self.redial is not None:
            parts.append(self.redial.describe())
        if self.agent_selection == "random":
            parts.append("an arriving contact goes to a free agent drawn at random among "
                         "all those able to take it")
        elif isinstance(self.agent_selection, list):
            parts.append("an arriving contact goes to a free agent of "
                         + ", else of ".join(self.agent_selection))
        return "; ".join(parts)


