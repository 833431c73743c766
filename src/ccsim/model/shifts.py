"""A run's roster from the scenario: head counts as given, shifts as named agents with
their breaks, less the agent-days drawn absent.

Absence is drawn per agent and day from the stream ``absence:<group>``, one child stream
per shift (in the order the shifts are listed), agent slot by agent slot, each slot all
the days of the horizon: so adding agents to a shift, or a shift after it, changes nobody
else's absences, and a group without absence draws nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np

from ccsim.model.roster import Change, Roster, head_count_changes
from ccsim.scenario import Scenario
from ccsim.scenario.checks import staffed
from ccsim.scenario.shifts import (
    Duty,
    Shift,
    break_spans,
    days_in,
    duties,
    first_numbers,
    paid_spans,
    planned_seconds,
)
from ccsim.streams import stream


@dataclass(frozen=True)
class AgentPlan:
    """One named agent's plan over the horizon: its ``shift`` (label), and over the days
    it is planned and present, seconds of ``duty`` (from start to end of shift), ``paid``
    (duty less unpaid breaks) and of ``breaks``; ``days`` present and ``absent`` days."""

    shift: str
    duty: float
    paid: float
    breaks: float
    days: int
    absent: int


@dataclass(frozen=True)
class Staffing:
    """A run's roster, and the plan of each named agent: ``agents[g][n]`` for agent ``n``
    of a group ``g`` with shifts (groups with head counts have none); ``paid[i, g]``: the
    seconds of group ``g``'s agents paid in interval ``i`` as planned (head counts: all
    their duty; shifts: their duty less unpaid breaks, of the agents present);
    ``breaks[i, g]`` and ``absent[i, g]``: the seconds planned on breaks (by the agents
    present) and on duty (off break) by the agents absent (None without shifts: a run
    of head counts builds nothing it does not use)."""

    roster: Roster
    agents: dict[int, list[AgentPlan]]
    paid: np.ndarray
    breaks: np.ndarray | None = None
    absent: np.ndarray | None = None


def agent_days(scenario: Scenario, seed: int, group: int) -> tuple[list[Duty], list[bool]]:
    """Every agent-day the shifts of ``group`` (its index) plan, and whether each is
    absent in the run with ``seed``."""
    spec = scenario.agent_groups[group]
    assert spec.shifts is not None
    plan = duties(spec.shifts, scenario.start, scenario.horizon)
    gone = (_absent(spec.shifts, spec.absence, plan, days_in(scenario.horizon),
                    stream(seed, f"absence:{spec.name}")) if spec.absence
            else [False] * len(plan))
    return plan, gone


def staffing(scenario: Scenario, seed: int) -> Staffing:
    """The roster of ``scenario``'s run with ``seed``, with absence drawn."""
    staffed(scenario)
    n, period = scenario.intervals, scenario.period
    changes: list[Change] = []
    agents: dict[int, list[AgentPlan]] = {}
    paid: dict[int, list[float]] = {}
    breaks: dict[int, list[float]] = {}
    absent: dict[int, list[float]] = {}
    for g, spec in enumerate(scenario.agent_groups):
        if spec.shifts is None:
            counts = [spec.staff] if isinstance(spec.staff, int) else list(spec.staff or ())
            changes += head_count_changes(counts[:n], g, period)
            continue
        plan, gone = agent_days(scenario, seed, g)
        present = [d for d, away in zip(plan, gone, strict=True) if not away]
        changes += [c for duty in present for c in _changes(duty, g, scenario.horizon)]
        agents[g] = _plans(spec.shifts, plan, gone)
        paid[g] = planned_seconds(present, period, n, paid_spans)
        breaks[g] = planned_seconds(present, period, n, break_spans)
        absent[g] = planned_seconds([d for d, away in zip(plan, gone, strict=True) if away],
                                    period, n)
    roster = Roster(period, n, len(scenario.agent_groups), tuple(changes))
    if not agents:
        return Staffing(roster, agents, roster.scheduled)

    def by_group(seconds: dict[int, list[float]], rest: np.ndarray) -> np.ndarray:
        out = rest.copy()
        for g, column in seconds.items():
            out[:, g] = column
        return out

    none = np.zeros_like(roster.scheduled)
    return Staffing(roster, agents, by_group(paid, roster.scheduled), by_group(breaks, none),
                    by_group(absent, none))


def _absent(shifts: list[Shift], share: float, plan: list[Duty], days: int,
            source: np.random.Generator) -> list[bool]:
    """Whether each agent-day of ``plan`` (of ``shifts``, over ``days`` days) is absent,
    each with probability ``share``, drawn from ``source``'s child streams."""
    seeds = source.bit_generator.seed_seq.spawn(len(shifts))  # type: ignore[attr-defined]
    first = first_numbers(shifts)
    draws = [np.random.Generator(np.random.PCG64(seed)).random((s.most, days)) < share
             for seed, s in zip(seeds, shifts, strict=True)]
    return [bool(draws[d.shift][d.agent - first[d.shift], d.day - 1]) for d in plan]



def _changes(duty: Duty, group: int, horizon: float) -> list[Change]:
    """The roster's changes for one agent-day (none after the horizon)."""
    changes = [Change(duty.on, group, 1, duty.agent)]
    for start, length, _ in duty.breaks:
        changes += [Change(start, group, -1, duty.agent, length),
                    Change(start + length, group, 1, duty.agent, length)]
    if duty.off < horizon:
        changes.append(Change(duty.off, group, -1, duty.agent))
    return changes


def _plans(shifts: list[Shift], plan: list[Duty], absent: list[bool]) -> list[AgentPlan]:
    """Each agent's :class:`AgentPlan`, by number."""
    on_duty: dict[int, float] = defaultdict(float)
    paid: dict[int, float] = defaultdict(float)
    breaks: dict[int, float] = defaultdict(float)
    present: Counter[int] = Counter()
    away: Counter[int] = Counter()
    for duty, gone in zip(plan, absent, strict=True):
        if gone:
            away[duty.agent] += 1
            continue
        present[duty.agent] += 1
        on_duty[duty.agent] += duty.off - duty.on
        paid[duty.agent] += duty.paid
        breaks[duty.agent] += sum(length for _, length, _ in duty.breaks)
    labels = [label for s in shifts for label in [s.label] * s.most]
    return [AgentPlan(label, on_duty[n], paid[n], breaks[n], present[n], away[n])
            for n, label in enumerate(labels)]
