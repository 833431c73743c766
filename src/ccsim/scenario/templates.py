"""Shift templates: the shifts a planner allows a group, for ``ccsim staff`` to choose
how many agents work which of them.

A template is a shift ``length``, the clock times it may start (``starts``: from–to, on a
grid of ``every``) and its ``breaks``, each of which may start anywhere from the first to
the last duration of its ``after`` window after the shift's start, on a grid of its own
``every`` (by default the starts'). Every start with every placement of the breaks that
keeps them in their listed order, each after the one before has ended, is a shift that
may be chosen (:meth:`ShiftTemplate.start_times`, :meth:`ShiftTemplate.placements`).

Starts and break starts are whole minutes, so that each chosen shift is a
:class:`~ccsim.scenario.shifts.Shift` with its breaks ``at`` clock times, placed by the
run exactly where it was chosen.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, StrictBool, model_validator

from ccsim.scenario.fields import (
    DAY,
    MAX_STAFF,
    Clock,
    NonNegativeDuration,
    PositiveDuration,
    Strict,
    no_bool,
)
from ccsim.scenario.words import duration
from ccsim.units import clock_seconds


def _whole_minutes(seconds: float) -> float:
    # A chosen shift starts, and its breaks begin, at clock times HH:MM.
    if seconds % 60:
        raise ValueError(f"must be a whole number of minutes (got {duration(seconds)}): "
                         "shifts and their breaks start at clock times HH:MM")
    return seconds


#: A step or an offset of start times: whole minutes, > 0 or >= 0.
Minutes = Annotated[PositiveDuration, AfterValidator(_whole_minutes)]
MinutesFrom0 = Annotated[NonNegativeDuration, AfterValidator(_whole_minutes)]


class Starts(Strict):
    """The clock times a template may start: from ``from`` to ``to`` (the same day), every
    ``every`` seconds (a whole number of minutes)."""

    # `from` is a Python keyword: the field is `from_`, read and written as `from`.
    model_config = ConfigDict(serialize_by_alias=True)

    from_: Clock = Field(alias="from")
    to: Clock
    every: Minutes

    @model_validator(mode="after")
    def _ordered(self) -> Starts:
        if self.to < self.from_:
            raise ValueError(f"must run from an earlier clock time to a later one, or the "
                             f"same (got from {self.from_} to {self.to})")
        return self

    def times(self) -> list[str]:
        """The start times, ``HH:MM``, earliest first."""
        first, last = clock_seconds(self.from_), clock_seconds(self.to)
        steps = int((last - first) // self.every) + 1
        return [_clock(first + k * self.every) for k in range(steps)]

    def describe(self) -> str:
        """``08:00–12:00 every 30min``, or ``at 08:00``."""
        if self.from_ == self.to:
            return f"at {self.from_}"
        return f"{self.from_}–{self.to} every {duration(self.every)}"


def _earliest_first(after: tuple[float, float]) -> tuple[float, float]:
    if after[1] < after[0]:
        raise ValueError(f"must give the earliest start, then the latest (got "
                         f"{[duration(a) for a in after]})")
    return after


class TemplateBreak(Strict):
    """A break of ``length`` seconds that starts between ``after[0]`` and ``after[1]``
    seconds after its shift's start, on a grid of ``every`` seconds from ``after[0]``
    (by default the template's starts' ``every``); ``paid``: whether its time is paid."""

    after: Annotated[tuple[MinutesFrom0, MinutesFrom0], AfterValidator(_earliest_first)]
    length: PositiveDuration
    paid: StrictBool = True
    every: Minutes | None = None

    def offsets(self, step: float) -> list[float]:
        """Seconds from the shift's start at which the break may start, on the grid of
        its ``every`` (``step`` when it gives none)."""
        every = self.every or step
        first, last = self.after
        return [first + k * every for k in range(int((last - first) // every) + 1)]

    def describe(self) -> str:
        """``30min starting 3h–5h into the shift, every 30min (unpaid)``."""
        first, last = self.after
        when = (f"{duration(first)} into the shift" if first == last else
                f"starting {duration(first)}–{duration(last)} into the shift")
        every = f", every {duration(self.every)}" if self.every and first != last else ""
        return f"{duration(self.length)} {when}{every}{'' if self.paid else ' (unpaid)'}"


class ShiftTemplate(Strict):
    """Shifts of ``length`` seconds that may start at the times of ``starts``, with
    ``breaks`` that may be placed in their windows; at most ``max_agents`` agents a day
    on all of them together (no limit if not given)."""

    name: str = Field(min_length=1)
    length: Annotated[PositiveDuration, Field(le=DAY)]
    starts: Starts
    breaks: list[TemplateBreak] = Field(default_factory=list)
    max_agents: Annotated[int, Field(ge=0, le=MAX_STAFF), BeforeValidator(no_bool)] | None = None

    @model_validator(mode="after")
    def _breaks_fit(self) -> ShiftTemplate:
        ends = 0.0  # the earliest end of the break before, after the start
        for i, b in enumerate(self.breaks):
            if b.after[1] + b.length > self.length:
                raise ValueError(
                    f"breaks[{i}]: may start {duration(b.after[1])} into the shift and last "
                    f"{duration(b.length)}, past the shift's end ({duration(self.length)}); "
                    "a break lies within its shift")
            fits = [t for t in b.offsets(self.starts.every) if t >= ends]
            if not fits:
                raise ValueError(
                    f"breaks[{i}]: must start by {duration(b.after[1])} into the shift, but "
                    f"breaks[{i - 1}] ends {duration(ends)} into it at the earliest; list "
                    "breaks in time order, each window after the one before")
            ends = fits[0] + b.length
        return self

    def start_times(self) -> list[str]:
        """The clock times its shifts may start, ``HH:MM``, earliest first."""
        return self.starts.times()

    def placements(self) -> list[tuple[float, ...]]:
        """Every placement of the breaks: seconds from the shift's start to each break's
        start, in the order listed, each after the one before has ended; in order
        (earliest first, the first break's start deciding first). One empty placement for
        a template without breaks."""
        found: list[tuple[float, ...]] = [()]
        for k, b in enumerate(self.breaks):
            gap = self.breaks[k - 1].length if k else 0.0
            found = [(*p, t) for p in found for t in b.offsets(self.starts.every)
                     if not p or t >= p[-1] + gap]
        return found

    @property
    def paid(self) -> float:
        """Seconds paid per shift: its length less its unpaid breaks."""
        return self.length - sum(b.length for b in self.breaks if not b.paid)

    def describe(self) -> str:
        """``full: 8h starting 08:00–12:00 every 30min, breaks 30min starting 3h–5h into
        the shift; at most 200 agents a day``."""
        text = f"{self.name}: {duration(self.length)} starting {self.starts.describe()}"
        if self.breaks:
            text += f", breaks {'; '.join(b.describe() for b in self.breaks)}"
        if self.max_agents is not None:
            text += f"; at most {self.max_agents} agents a day"
        return text


def _clock(seconds: float) -> str:
    """``HH:MM`` of ``seconds`` since midnight (a whole number of minutes)."""
    minutes = round(seconds) // 60 % (24 * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
