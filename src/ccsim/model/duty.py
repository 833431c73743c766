"""Who is on duty, applied as the run goes: a :class:`~ccsim.model.centre.Centre` part
that follows its roster (:mod:`ccsim.model.roster`) — head counts that rise and drop,
named agents that come, go and take their breaks whole — and the agents table's columns of
a shift plan.

A named agent busy when its break comes finishes its contact first, then takes the whole
break: it is back ``length`` seconds after it left, on its own (:meth:`Duty._take_break`),
and the roster's planned return is skipped. A change off duty that comes while it is away
waits its turn (:meth:`~ccsim.model.agents.Group.owe`): a missed break starts when it is
back; the end of its duty ends the break with it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator, Iterator, Sequence
from heapq import heappush
from typing import TYPE_CHECKING, Any

from ccsim.model.agents import Agent, Group
from ccsim.model.calls import Fired
from ccsim.model.roster import Change

if TYPE_CHECKING:
    import simpy

    from ccsim.model.metrics import Tally
    from ccsim.model.roster import Roster
    from ccsim.model.shifts import AgentPlan, Staffing
    from ccsim.scenario import Scenario


class Duty:
    """The roster applied to a run's groups (a part of the centre, which provides what is
    declared here)."""

    if TYPE_CHECKING:
        env: simpy.Environment
        scenario: Scenario
        roster: Roster
        plan: Staffing | None
        groups: list[Group]
        tally: Tally
        _at: Callable[..., None]
        _order: Iterator[int]
        _on_interval: list
        _on_release: list

        def _settle(self, group: Group, now: float) -> None: ...
        def _free(self, agent: Agent, now: float, since: float) -> None: ...
        def _wake(self, group: Group) -> None: ...
        def _has_work(self, group: Group) -> bool: ...

    def _shifts(self) -> Generator[simpy.Event, None, None]:
        """Apply the roster: at each interval start, every group's changes then (a group
        with none is settled all the same) and the ``interval`` hook; the changes inside
        the interval are scheduled at their own times.

        With no ``interval`` hook, an interval start with no change is passed over (and
        the run ends no earlier: the last start is always visited). Its settling changes
        nothing, since ends of service are replayed at their own times, and on a small
        day its wake-ups are a tenth of the run's events."""
        starts, insides = self.roster.moments
        period, last = self.scenario.period, self.scenario.intervals - 1
        hooked = bool(self._on_interval)
        # The start of each interval as the sum of the periods before it, as a timeout per
        # interval put the clock there; the wait to a start passed over is the difference.
        start = 0.0
        for interval in range(self.scenario.intervals):
            if interval:
                start += period
                if not (hooked or interval in starts or interval in insides
                        or interval == last):
                    continue
                yield self.env.timeout(start - self.env.now)
            changes, now = dict(starts.get(interval, ())), self.env.now
            for group in self.groups:
                self._restaff(group, changes.get(group.index, ()), now)
            for time, moment in insides.get(interval, ()):
                self._at(time, self._moment, (time, moment))
            self._boundary(interval)

    def _moment(self, event: Fired[tuple[float, Sequence[tuple[int, Sequence[Change]]]]]) -> None:
        # The intended time, not env.now: a Timeout's delay added back may land an ulp away.
        now, moment = event.value
        for g, changes in moment:
            self._restaff(self.groups[g], changes, now)

    def _boundary(self, interval: int) -> None:
        """The staffing of ``interval`` has just been set."""
        for hook in self._on_interval:
            hook(interval, self.env.now)

    def _restaff(self, group: Group, changes: Sequence[Change], now: float) -> None:
        """Apply ``changes`` (of ``group``, at ``now``) once the group is settled."""
        self._settle(group, now)
        for change in changes:
            if change.agent is not None:
                self._named(group, change, now)
            elif change.delta < 0:
                # Idle agents go at once (withdraw counts them off), then agents a policy
                # frees from its own work (set aside); busy ones owe the rest.
                owed = -change.delta - group.withdraw(-change.delta, now)
                for release in self._on_release:
                    if owed:
                        owed -= group.withdraw(release(group, owed, now), now)
                group.leaving.extend([now] * owed)
                group.on_duty -= owed
            else:
                self._join(group, change.delta, now)
        # Agents only leaving: nobody new to wake for.
        if (not changes or any(c.delta > 0 for c in changes)) and self._has_work(group):
            self._wake(group)

    def _join(self, group: Group, count: int, now: float) -> None:
        """``count`` agents of ``group``, whichever the rule picks, come on duty."""
        # Busy agents still owed to an earlier drop stay on instead of others arriving.
        while count and group.leaving:
            self.tally.extra(group.index, group.leaving.pop(), now)
            count -= 1
            group.on_duty += 1
        for _ in range(count):
            self._free(group.join(now), now, since=now)

    def _named(self, group: Group, change: Change, now: float) -> None:
        """The agent ``change`` names comes on or goes off duty (for a break of
        ``change.length`` seconds, if positive; see :mod:`ccsim.model.roster`)."""
        number, rest = change.agent, change.length
        assert number is not None
        if change.delta < 0:
            if number < len(group.agents):
                agent = group.agents[number]
                if agent.back < math.inf or agent.rest:  # away, or owing a break
                    group.owe(agent, now, rest)
                    return
            if group.go(number, now, rest) and rest:
                group.agents[number].break_time += rest
            return
        if rest:  # back from a break: unless it took it late, and comes back on its own
            agent = group.agents[number]
            # Owing it, away on it, or just back from it (its own return at this very time,
            # seen first: a break missed while away, taken when the agent was back exactly
            # at its planned start, ends exactly at its planned end).
            if agent.on_duty or agent.back < math.inf:
                return
        agent, since = group.come(number, now)
        if since is None:
            self._free(agent, now, since=now)
        else:  # still finishing the contact it was to go after
            self.tally.extra(group.index, since, now)

    def _owed(self, group: Group, agent: Agent, since: float, end: float, now: float) -> None:
        """``agent``, owing a change off duty since ``since``, has finished its work at
        ``end`` (observed when its group is settled up to ``now``): it takes its break
        then, in full, or its duty ends (overtime since ``since``)."""
        if agent.rest:
            rest, agent.rest = agent.rest, 0.0
            group.leave(agent, end)
            self._take_break(group, agent, end, rest, now)
        else:
            self.tally.extra(group.index, since, end)
            group.leave(agent, end, due=since)

    def _take_break(self, group: Group, agent: Agent, start: float, rest: float,
                    now: float) -> None:
        """``agent`` (off duty) starts a break of ``rest`` seconds at ``start``, late: it is
        back on its own when it is over, at an event of its own if after ``now``.

        Else the break is already over when its group is settled up to ``now`` (its end of
        work is observed late, at ``now``: see :mod:`ccsim.model.centre`). Nothing has
        read the group since ``start``, so the agent is back at its own time, exactly as
        :meth:`_returned` would have had it: a break it missed starts then (over by
        ``now`` too, maybe), or it is back on duty, and its group's busy heap takes it at
        that time, for the settle under way to free it in its turn (it takes work waiting
        at ``now``, or is idle since its return, in longest-idle order)."""
        while True:
            agent.back = back = start + rest
            agent.break_time += rest
            if back > now:
                self._at(back, self._returned, (group, agent))
                return
            if _ended(agent):
                return
            if not agent.missed:
                break
            start, rest = back, agent.missed.pop(0)[1]
        group.back_from_break(agent, back)
        heappush(group.busy, (back, next(self._order), agent))

    def _returned(self, event: Fired[tuple[Group, Agent]]) -> None:
        """An agent is back from a break it took late: on duty, unless its duty ended
        meanwhile; a break it missed while away starts now."""
        group, agent = event.value
        now = agent.back
        if _ended(agent):
            return
        self._settle(group, now)
        if agent.missed:
            self._take_break(group, agent, now, agent.missed.pop(0)[1], now)
            return
        group.back_from_break(agent, now)
        self._free(agent, now, since=now)
        if self._has_work(group):
            self._wake(group)

    def _planned_off(self, interval: int, group: int) -> dict[str, float]:
        assert self.plan is not None and self.plan.breaks is not None
        breaks, absent = self.plan.breaks, self.plan.absent
        assert absent is not None
        return {"break_time": float(breaks[interval, group]),
                "absent_time": float(absent[interval, group])}


def _ended(agent: Agent) -> bool:
    """Whether the duty of ``agent``, away on a break it took late, ended during the
    break, which ended with it (the agent stays off duty)."""
    ended = next((time for time, rest in agent.missed if not rest), None)
    if ended is None:
        return False
    agent.break_time -= agent.back - ended
    agent.missed.clear()
    agent.back = math.inf
    return True


def planned_columns(plan: AgentPlan | None, agent: Agent) -> dict[str, Any]:
    """An agent's columns of its shift plan (empty ones for a group of head counts):
    ``shift``; ``paid_time`` (its duty less unpaid breaks, plus overtime), ``break_time``
    and ``overtime`` in seconds; ``absent_days``."""
    if plan is None:
        return {"shift": None, "paid_time": math.nan, "break_time": math.nan,
                "overtime": agent.overtime, "absent_days": 0}
    return {"shift": plan.shift, "paid_time": plan.paid + agent.overtime,
            "break_time": agent.break_time, "overtime": agent.overtime,
            "absent_days": plan.absent}


