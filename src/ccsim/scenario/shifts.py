"""Shifts: named agents on duty at clock times, on days of the horizon, with their breaks.

A group's ``shifts`` replace its ``staff`` head counts. Each shift has its own agents, the
same ones every day it runs (agent numbers are given shift by shift, in the order the
shifts are listed: a shift of at most 12 agents a day takes 12 numbers). The days of the
horizon are its 24-hour spans from ``t = 0``, numbered from 1; a shift runs on day ``d``
from the first time its ``start`` clock time comes in that day.

Breaks in a ``window`` are staggered over the shift's agents of the day, deterministically:
agent slot ``k`` of ``n`` starts its break ``k / (n - 1)`` of the way from the window's
opening to the latest start that still ends in the window (rounded to the second); a
break ``at`` a clock time is the same for every agent. Absent agents keep their slot, so
absence moves nobody else's break.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import accumulate
from typing import Annotated, NamedTuple

import numpy as np
from pydantic import BeforeValidator, Field, StrictBool, model_validator

from ccsim.scenario.fields import DAY, Clock, Count, PositiveDuration, Strict, whole_counts
from ccsim.scenario.words import duration
from ccsim.units import clock_seconds


def _offset(clock: str, start: str) -> float:
    """Seconds from clock time ``start`` to the next ``clock`` (0 if they are equal)."""
    return float((clock_seconds(clock) - clock_seconds(start)) % DAY)


class Break(Strict):
    """A break of ``length`` seconds within its shift: somewhere in ``window`` (clock
    times, staggered over the shift's agents) or ``at`` a clock time for all of them.
    ``paid``: whether its time is paid (lunch usually is not)."""

    window: tuple[Clock, Clock] | None = None
    at: Clock | None = None
    length: PositiveDuration
    paid: StrictBool = True

    @model_validator(mode="after")
    def _one_time(self) -> Break:
        if (self.window is None) == (self.at is None):
            raise ValueError("give the break a 'window' (staggered over the shift's agents) "
                             "or a fixed time 'at', one of the two")
        return self

    def span(self, start: str) -> tuple[float, float]:
        """Seconds from the shift's ``start`` to the earliest start of the break and to the
        latest end of it (its window, or its fixed time and length)."""
        if self.at is not None:
            at = _offset(self.at, start)
            return at, at + self.length
        assert self.window is not None
        opens = _offset(self.window[0], start)
        return opens, opens + (_offset(self.window[1], self.window[0]) or DAY)

    def placed(self, start: str, slot: int, slots: int) -> float:
        """Seconds from the shift's ``start`` to the break of agent ``slot`` of ``slots``."""
        earliest, latest_end = self.span(start)
        room = latest_end - self.length - earliest
        return earliest + (round(room * slot / (slots - 1)) if slots > 1 and room > 0 else 0)

    def describe(self) -> str:
        when = f"at {self.at}" if self.at else f"in {self.window[0]}–{self.window[1]}"  # type: ignore[index]
        return f"{duration(self.length)} {when}{'' if self.paid else ' (unpaid)'}"


class Shift(Strict):
    """``agents`` agents (a number, or one per day of the horizon) on duty from clock time
    ``start`` for ``length`` seconds, on the ``days`` of the horizon listed (numbered from
    1; every day if none), with their ``breaks``. ``name`` labels the shift's agents in
    the tables (by default its hours, ``08:00–16:30``)."""

    name: str | None = Field(default=None, min_length=1)
    start: Clock
    length: Annotated[PositiveDuration, Field(le=DAY)]
    agents: Annotated[int | tuple[int, ...], BeforeValidator(whole_counts)]
    days: tuple[Count, ...] | None = None
    breaks: list[Break] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Shift:
        if self.days is not None and not isinstance(self.agents, int):
            raise ValueError("give 'days', or one 'agents' count per day (0 on a day off), "
                             "not both")
        if self.days is not None and len(set(self.days)) != len(self.days):
            raise ValueError(f"days: lists a day twice (got {list(self.days)})")
        end = 0.0
        for i, b in enumerate(sorted(self.breaks, key=lambda b: b.span(self.start))):
            earliest, latest_end = b.span(self.start)
            if latest_end - earliest < b.length:
                raise ValueError(f"breaks[{self.breaks.index(b)}]: its window "
                                 f"{list(b.window or ())} is shorter than its length "
                                 f"({duration(b.length)})")
            if latest_end > self.length:
                raise ValueError(f"breaks[{self.breaks.index(b)}]: ends after the shift "
                                 f"({self.start} for {duration(self.length)}); a break lies "
                                 "within its shift")
            if i and earliest < end:
                raise ValueError(f"breaks[{self.breaks.index(b)}]: its window overlaps "
                                 "another break's; give breaks windows one after the other")
            end = latest_end
        return self

    @property
    def label(self) -> str:
        """The shift's name, or its hours."""
        if self.name:
            return self.name
        end = (clock_seconds(self.start) + round(self.length)) % int(DAY)
        return f"{self.start}–{end // 3600:02d}:{end % 3600 // 60:02d}"

    def agents_on(self, day: int) -> int:
        """Agents planned on ``day`` (from 1)."""
        if isinstance(self.agents, int):
            return self.agents if self.days is None or day in self.days else 0
        return self.agents[day - 1] if day <= len(self.agents) else 0

    @property
    def most(self) -> int:
        """The most agents it plans on any day: the agent numbers it takes."""
        return self.agents if isinstance(self.agents, int) else max(self.agents, default=0)

    def describe(self) -> str:
        agents = (str(self.agents) if isinstance(self.agents, int)
                  else "–".join(sorted({str(min(self.agents)), str(max(self.agents))},
                                       key=int)))
        days = f" on days {', '.join(map(str, self.days))}" if self.days else ""
        breaks = f", breaks {'; '.join(b.describe() for b in self.breaks)}" if self.breaks else ""
        return f"{self.label}: {agents} agents{days}{breaks}"


class Duty(NamedTuple):
    """One agent's planned day: on duty from ``on`` to ``off`` (seconds since the start of
    the horizon), with ``breaks`` of ``(start, length, paid)``, in time order."""

    agent: int
    shift: int
    day: int
    on: float
    off: float
    breaks: tuple[tuple[float, float, bool], ...]

    @property
    def paid(self) -> float:
        """Seconds paid: the duty less its unpaid breaks."""
        return self.off - self.on - sum(length for _, length, paid in self.breaks if not paid)


def first_numbers(shifts: list[Shift]) -> list[int]:
    """The first agent number of each shift (numbers run on from shift to shift)."""
    return list(accumulate((s.most for s in shifts[:-1]), initial=0))


def days_in(horizon: float) -> int:
    """The days of a horizon of ``horizon`` seconds (the last may be part of one)."""
    return max(math.ceil(horizon / DAY - 1e-9), 1)


def duties(shifts: list[Shift], start: str, horizon: float) -> list[Duty]:
    """Every agent-day the ``shifts`` plan over the horizon (``horizon`` seconds from clock
    time ``start``), by day, then shift, then agent; agent numbers run on from shift to
    shift."""
    found = []
    base = first_numbers(shifts)
    for day in range(1, days_in(horizon) + 1):
        for j, shift in enumerate(shifts):
            n = shift.agents_on(day)
            on = (day - 1) * DAY + _offset(shift.start, start)
            breaks = sorted(shift.breaks, key=lambda b: b.span(shift.start))
            for k in range(n):
                found.append(Duty(base[j] + k, j, day, on, on + shift.length, tuple(
                    (on + b.placed(shift.start, k, n), b.length, b.paid) for b in breaks)))
    return found


def working(duty: Duty) -> list[tuple[float, float]]:
    """The spans of ``duty`` on duty and not on a planned break, in time order."""
    spans, at = [], duty.on
    for start, length, _ in duty.breaks:
        spans.append((at, start))
        at = start + length
    spans.append((at, duty.off))
    return [(a, b) for a, b in spans if b > a]


def break_spans(duty: Duty) -> list[tuple[float, float]]:
    """The planned breaks of ``duty``."""
    return [(start, start + length) for start, length, _ in duty.breaks]


def paid_spans(duty: Duty) -> list[tuple[float, float]]:
    """The spans of ``duty`` that are paid: on duty, or on a paid break."""
    return sorted(working(duty) + [(start, start + length)
                                   for start, length, paid in duty.breaks if paid])


def planned_seconds(plan: list[Duty], period: float, intervals: int,
                    spans: Callable[[Duty], list[tuple[float, float]]] = working
                    ) -> list[float]:
    """Seconds of the ``spans`` of each duty of ``plan`` (by default those on duty and off
    break) in each interval of ``period`` s."""
    found = [span for duty in plan for span in spans(duty)]
    if not found:
        return [0.0] * intervals
    # The seconds covered by the spans before t is G(t) = Σ_{on < t} (t − on) −
    # Σ_{off < t} (t − off): prefix sums over the sorted ends give it at every interval
    # bound at once, in O((spans + intervals) log spans).
    ons, offs = (np.sort(np.array(side, dtype=float)) for side in zip(*found, strict=True))
    bounds = np.arange(intervals + 1) * period

    def before(ends: np.ndarray) -> np.ndarray:
        k = np.searchsorted(ends, bounds, side="left")
        sums = np.concatenate(([0.0], np.cumsum(ends)))
        return k * bounds - sums[k]

    return np.diff(before(ons) - before(offs)).tolist()
