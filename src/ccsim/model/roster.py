"""Who is on duty when: a roster of duty changes, per agent group.

A :class:`Roster` is plain data: the run's :class:`Change`\\ s of duty in time order. A
change either **names** an agent (agent ``n`` of a group comes on or goes off duty: a
shift's start or end, a break) or leaves the choice to the run (``delta`` agents of a
group come on or go off: a head count's rise or drop). Who goes at a drop depends on the
run, so it is decided when it happens: idle agents first (the most recently idle first),
then the group's busy agents as they finish, the first to finish first; a rise keeps
agents still owed to a drop, then brings back off-duty agents (the lowest number first),
then new ones. A group's changes either all name agents or none do.

An agent busy when its duty ends finishes its work first and then goes; the time from the
change to the end of that work is *overtime*, and counts as staffed time (so occupancy
never exceeds 1). A named agent owed to a change when its next duty starts simply stays.
A named agent's *break* is a change off duty with a ``length``, followed by its return
(a change on duty with the same ``length``, that many seconds later): busy when the break
comes, the agent finishes its contact, then takes the whole break, and is back ``length``
seconds after it left (a late break, not overtime: its duty was only moved).

Per-interval head counts (the scenario's ``staff``) are one way to build a roster
(:meth:`Roster.from_scenario`): a change of ``delta`` agents at each interval start where
the head count changes. Its planned duty is the one head counts always meant — agent
``n`` is planned in the intervals whose head count exceeds ``n`` (:meth:`Roster.plan`,
what a quota's pace reads).

**Staffed time** of a group in an interval is its planned duty there
(:attr:`Roster.scheduled`: the integral of its head count on duty over the interval) plus
the overtime worked in it. The sum is the agents' duty spans (on → off, overtime
included), but written so that head counts stay exact: an interval with no change inside
it holds ``head count × period`` seconds, an integer times the period, as it always did.

A run takes its roster from the scenario's head counts unless one is given to the centre:
``Centre(scenario, seed, roster=Roster(...))`` (with or without policies), then ``run()`` and
``result()``. Times are seconds from the start of the horizon; intervals are ``period``
seconds long; groups and agents are numbered from 0 (a group in the scenario's order).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from operator import itemgetter
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from ccsim.scenario import Scenario


class Change(NamedTuple):
    """At ``time`` (seconds), ``delta`` agents of group ``group`` (its index) come on duty
    (``delta > 0``) or go off (``delta < 0``): agent number ``agent`` (then ``delta`` is
    +1 or -1), or, when ``agent`` is None, whichever agents the run picks. A named
    agent's change with a ``length`` (seconds) is a break of that length: its start
    (off) or its planned end (on)."""

    time: float
    group: int
    delta: int
    agent: int | None = None
    length: float = 0.0


#: The changes of one moment, grouped by agent group: ``(group, changes)`` in group order.
Moment = tuple[tuple[int, tuple[Change, ...]], ...]
#: By interval: the moment at its start, and ``(time, moment)`` inside it in time order.
Moments = tuple[dict[int, Moment], dict[int, tuple[tuple[float, Moment], ...]]]


@dataclass(frozen=True)
class Roster:
    """The duty changes of a run of ``intervals`` intervals of ``period`` seconds, for
    ``groups`` agent groups. ``changes`` may be given in any order: they are kept sorted
    by time, then group (changes of one group at one time keep their given order)."""

    period: float
    intervals: int
    groups: int
    changes: tuple[Change, ...]
    #: staff[i, g]: agents of group g on duty at the start of interval i (for head
    #: counts, the head count of the interval)
    staff: np.ndarray = field(init=False, repr=False, compare=False)
    #: scheduled[i, g]: seconds of duty planned for group g in interval i (the integral of
    #: its head count on duty): ``staff × period``, plus, for each change inside the
    #: interval, its delta × the rest of the interval
    scheduled: np.ndarray = field(init=False, repr=False, compare=False)
    #: what the centre applies, by interval: the changes at its start, and those inside
    #: it by time (intervals without any are left out)
    moments: Moments = field(init=False, repr=False, compare=False)
    _named: frozenset[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The derived fields are computed once, here: a staffing search builds a roster
        # for each of thousands of runs, and a frozen dataclass sets them this way.
        put = partial(object.__setattr__, self)
        put("changes", tuple(sorted(map(Change._make, self.changes), key=itemgetter(0, 1))))
        put("_named", frozenset(c.group for c in self.changes if c.agent is not None))
        self._check()
        for name, value in zip(("moments", "staff", "scheduled"), self._derive(), strict=True):
            put(name, value)

    @classmethod
    def from_head_counts(cls, staff: np.ndarray, period: float) -> Roster:
        """The roster of head counts ``staff[i, g]`` (group ``g`` in interval ``i``): at
        each interval start where a group's count changes, a change of the difference."""
        staff = np.asarray(staff, dtype=np.int64)
        intervals, groups = staff.shape
        return cls(period, intervals, groups, tuple(
            change for g in range(groups)
            for change in head_count_changes(staff[:, g].tolist(), g, period)))

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> Roster:
        """The roster of the scenario's head counts (each group's ``staff``; a scenario
        with shifts has a roster per seed: :func:`ccsim.model.shifts.staffing`)."""
        n, period = scenario.intervals, scenario.period
        changes = []
        for g, spec in enumerate(scenario.agent_groups):
            if spec.staff is None:
                raise ValueError(f"agent group {spec.name!r} has shifts: its roster depends "
                                 "on the seed (ccsim.model.shifts.staffing(scenario, seed))")
            counts = [spec.staff] if isinstance(spec.staff, int) else spec.staff[:n]
            changes += head_count_changes(counts, g, period)
        return cls(period, n, len(scenario.agent_groups), tuple(changes))

    @property
    def horizon(self) -> float:
        return self.intervals * self.period

    def named(self, group: int) -> bool:
        """Whether ``group``'s changes name their agents."""
        return group in self._named

    # --- when the centre applies it, and what it plans ---

    def _derive(self) -> tuple[Moments, np.ndarray, np.ndarray]:
        """``moments``, ``staff`` and ``scheduled``, in one pass over the changes."""
        starts: dict[int, dict[int, list[Change]]] = {}
        inside: dict[int, dict[float, dict[int, list[Change]]]] = {}
        # steps[i][g]: the change in group g's head count at the start of interval i
        steps = [[0] * self.groups for _ in range(self.intervals + 1)]
        parts = []  # (interval, group, seconds) of the changes inside an interval
        period, intervals = self.period, self.intervals
        for c in self.changes:
            i = round(c.time / period)
            if i * period == c.time and i < intervals:  # at the start of interval i
                at = starts.setdefault(i, {})
                steps[i][c.group] += c.delta
            else:
                i = int(c.time // period)
                at = inside.setdefault(i, {}).setdefault(c.time, {})
                steps[i + 1][c.group] += c.delta
                parts.append((i, c.group, c.delta * ((i + 1) * period - c.time)))
            at.setdefault(c.group, []).append(c)

        def moment(by_group: dict[int, list[Change]]) -> Moment:
            return tuple((g, tuple(cs)) for g, cs in sorted(by_group.items()))

        moments = ({i: moment(m) for i, m in starts.items()},
                   {i: tuple((t, moment(m)) for t, m in sorted(by_time.items()))
                    for i, by_time in inside.items()})
        staff = np.add.accumulate(np.array(steps[:-1], dtype=np.int64).reshape(
            self.intervals, self.groups), axis=0)
        scheduled = staff * self.period
        for i, g, seconds in parts:
            scheduled[i, g] += seconds
        staff.flags.writeable = scheduled.flags.writeable = False  # a roster may serve many runs
        return moments, staff, scheduled

    def spans(self, group: int, agent: int) -> list[tuple[float, float]]:
        """The planned duty of agent number ``agent`` of ``group``: its ``(on, off)``
        spans, in time order (the last ends at the horizon if no change ends it). Without
        named changes, agent ``n`` is planned while the head count exceeds ``n``."""
        spans, on, count = [], None, 0
        for c in self.changes:
            if c.group != group or (c.agent is not None and c.agent != agent):
                continue
            count += c.delta if c.agent is None else 0
            now_on = count > agent if c.agent is None else c.delta > 0
            if now_on and on is None:
                on = c.time
            elif not now_on and on is not None:
                spans.append((on, c.time))
                on = None
        if on is not None:
            spans.append((on, self.horizon))
        return spans

    def plan(self, group: int, agent: int) -> Plan:
        """Agent ``agent`` of ``group``'s planned duty, by interval (see :class:`Plan`)."""
        return Plan(self.spans(group, agent), self.period, self.intervals)

    # --- checks ---

    def _check(self) -> None:
        """Raise ValueError unless the roster makes sense: times in the horizon, groups
        that exist, counts that never go below zero, named agents that alternate on and
        off starting on, and no group with both kinds of change."""
        if not (self.period > 0 and self.intervals > 0 and self.groups >= 0):
            raise ValueError(f"roster: period {self.period!r} and intervals "
                             f"{self.intervals!r} must be positive")
        on_duty = [0] * self.groups
        named: dict[int, bool] = {}
        breaks: dict[tuple[int, int], tuple[float, float]] = {}
        agents: dict[tuple[int, int], bool] = {}
        for c in self.changes:
            problem = self._wrong(c, named, agents, breaks)
            if problem is None:
                on_duty[c.group] += c.delta
                if on_duty[c.group] < 0:
                    problem = "more agents go off than are on duty"
            if problem is not None:
                raise ValueError(f"roster: change {tuple(c)!r}: {problem}")

    def _wrong(self, c: Change, named: dict[int, bool], agents: dict[tuple[int, int], bool],
               breaks: dict[tuple[int, int], tuple[float, float]]) -> str | None:
        """What is wrong with ``c`` after the changes before it (whose groups' kinds are
        in ``named``, named agents' duty in ``agents`` and the breaks they are on,
        ``(start, length)``, in ``breaks``; updated here), if anything."""
        if not 0 <= c.time < self.intervals * self.period:
            return f"time must be in [0, {self.horizon:g}) s"
        if not 0 <= c.group < self.groups:
            return f"no agent group {c.group} (there are {self.groups})"
        if c.delta == 0 or (c.agent is not None and abs(c.delta) != 1):
            return "delta must be nonzero, and +1 or -1 for a named agent"
        if named.setdefault(c.group, c.agent is not None) != (c.agent is not None):
            return f"group {c.group} mixes named agents and head counts"
        if c.length and (c.agent is None or not c.length > 0):
            return "only a named agent's change has a length (a break), and it is positive"
        if c.agent is not None:
            if c.agent < 0:
                return "agent numbers start at 0"
            if agents.get((c.group, c.agent), False) == (c.delta > 0):
                state = "on" if c.delta > 0 else "off"
                return (f"agent {c.agent} is already {state} duty (an agent's changes "
                        "alternate on and off, on first)")
            if c.delta > 0 and (c.length or (c.group, c.agent) in breaks):
                if breaks.pop((c.group, c.agent), None) != (c.time - c.length, c.length):
                    return ("a break ends (on duty with its length) exactly its length after "
                            "it starts (off duty with the same length), and only then")
            elif c.length:
                breaks[c.group, c.agent] = (c.time, c.length)
            agents[c.group, c.agent] = c.delta > 0
        return None


def head_count_changes(counts: Sequence[int], group: int, period: float) -> list[Change]:
    """The changes of ``group``'s head counts ``counts`` (one per interval from the first;
    a single one holds all day)."""
    changes, before = [], 0
    for i, count in enumerate(counts):
        if count != before:
            changes.append(Change(i * period, group, count - before))
            before = count
    return changes


class Plan:
    """One agent's planned duty: seconds planned before any time, in O(1) per read.

    ``before[i]`` is the seconds planned before interval ``i`` starts (``before[-1]``:
    in all); an interval the agent is planned through holds exactly one ``period``.
    """

    __slots__ = ("_inside", "before", "intervals", "period", "total")

    def __init__(self, spans: Iterable[tuple[float, float]], period: float, intervals: int):
        self.period, self.intervals = period, intervals
        per = np.zeros(intervals)
        #: _inside[i]: the spans that overlap interval i
        self._inside: list[list[tuple[float, float]]] = [[] for _ in range(intervals)]
        for on, off in spans:
            for i in range(int(on // period), min(math.ceil(off / period), intervals)):
                low, high = i * period, (i + 1) * period
                if off <= low or on >= high:
                    continue
                self._inside[i].append((on, off))
                per[i] += period if on <= low and off >= high else min(off, high) - max(on, low)
        self.before = np.concatenate(([0.0], np.cumsum(per)))
        self.total = float(self.before[-1])

    def elapsed(self, now: float) -> float:
        """Seconds of planned duty before ``now``."""
        i = min(max(int(now // self.period), 0), self.intervals - 1)
        low, high = i * self.period, (i + 1) * self.period
        done = self.before[i]
        for on, off in self._inside[i]:
            done += max(min(now, off, high) - max(on, low), 0.0)
        return float(done)
