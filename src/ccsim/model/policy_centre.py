"""The centre with policies installed: the hooked path, and what a policy uses to act.

:class:`PolicyCentre` is a :class:`~ccsim.model.centre.Centre` that installs its policies
when it is built and calls, at each moment, the hooks they override (only those). Its
public methods are a policy's means of acting on the run; times are seconds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from heapq import heappush

import numpy as np
import simpy

from ccsim.model.agents import Agent, Group
from ccsim.model.centre import Centre, RouterFactory
from ccsim.model.contacts import Contact
from ccsim.model.metrics import Tally
from ccsim.model.policies import HOOKS, Policy, hooks
from ccsim.model.queues import LiveQueue, Queue
from ccsim.model.repeats import SplitTally, SplitTracingTally
from ccsim.model.result import RunResult
from ccsim.model.roster import Roster
from ccsim.model.routing import SkillRouter
from ccsim.model.service import service_times
from ccsim.model.tables import GroupMeasure, Measure, ratio
from ccsim.scenario import Scenario
from ccsim.streams import stream


def _took(hooks: list, agent: Agent, now: float) -> bool:
    """Whether one of ``hooks`` gave ``agent`` work at ``now``."""
    for hook in hooks:  # noqa: SIM110 (no generator per end of service)
        if hook(agent, now):
            return True
    return False


def _call(event: simpy.Event) -> None:
    callback, time = event._value
    callback(time)


#: The line of work of a policy that cannot say when it has work for a group: never empty.
ALWAYS = (True,)


class _Asks:
    """A policy's ``has_work(group)`` as a line of work: true while the policy says so."""

    __slots__ = ("group", "has_work")

    def __init__(self, has_work: Callable[[Group], bool], group: Group):
        self.has_work, self.group = has_work, group

    def __bool__(self) -> bool:
        return self.has_work(self.group)


class PolicyCentre(Centre):
    """A centre whose ``policies`` observe and act through hooks (see
    :mod:`ccsim.model.policies`)."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        *,
        trace: bool = False,
        router: RouterFactory = SkillRouter,
        policies: Iterable[Policy] = (),
        roster: Roster | None = None,
    ):
        self.policies = list(policies)
        super().__init__(scenario, seed, trace=trace, router=router, roster=roster)

    def _tally_type(self, trace: bool) -> type[Tally]:
        if any(p.repeats for p in self.policies):  # repeat contacts are counted apart
            return SplitTracingTally if trace else SplitTally
        return super()._tally_type(trace)

    def _make_queues(self, kinds: int, live: bool) -> list[Queue]:
        if any(p.timely_abandonment for p in self.policies):
            return [LiveQueue(self._abandoned, self.at) for _ in range(kinds)]
        return super()._make_queues(kinds, live or any(p.live_queues for p in self.policies))

    def _prepare(self) -> None:
        for policy in self.policies:
            policy.install(self)
        self._hooks = {name: hooks(self.policies, name) for name in HOOKS if name != "service"}
        # The hot path reads its hook lists as attributes (a dict lookup each time costs).
        self._on_offered, self._on_free = self._hooks["offered"], self._hooks["agent_free"]
        self._on_idle, self._on_answered = self._hooks["agent_idle"], self._hooks["answered"]
        self._on_dequeued, self._on_queued = self._hooks["dequeued"], self._hooks["queued"]
        self._on_about_to_wait, self._on_finished = (self._hooks["about_to_wait"],
                                                     self._hooks["finished"])
        self._on_abandoned = self._hooks["abandoned"]
        self._times = service_times(self.policies)
        # A policy that acts when an agent frees sees every end of service at its time,
        # unless it says when it has work for a group (then only while it has).
        acting = [p for p in self.policies if not p.replayable
                  and (hooks([p], "agent_free") or hooks([p], "agent_idle"))]
        replayed = [p for p in self.policies if p.replayable]
        if replayed:  # their decisions are made when a group is settled, at each end's time
            self._late_free = hooks(replayed, "agent_free")
            self._late_idle = hooks(replayed, "agent_idle")
            self._idle_below = [min(p.idle_below(g) for p in replayed) for g in self.groups]
            self._late = self._decide_late
            # A policy with lines of work has late work only while they hold some.
            self._late_lines = [
                [line for p in replayed for line in (
                    p.work_lines(g) if type(p).work_lines is not Policy.work_lines else ALWAYS)]
                for g in self.groups]
        # What the policies' work waits in, with the group's queues: their own lines, their
        # has_work asked as a line, or (a policy that cannot say) a line never empty.
        self._eager = False
        for policy in acting:
            for group in self.groups:
                if type(policy).work_lines is not Policy.work_lines:
                    lines = policy.work_lines(group)
                elif type(policy).has_work is not Policy.has_work:
                    lines = [_Asks(policy.has_work, group)]
                else:
                    lines, self._eager = [ALWAYS], True
                self._work_lines[group.index].extend(lines)
        # Past empty hook lists, the hot path calls the plain centre's steps directly.
        if not self._on_offered:
            self._offer = super()._offer  # type: ignore[method-assign]
        if not (self._times or self._on_answered or self._on_finished or self._eager):
            self._serve = self._serve_counted  # type: ignore[method-assign]

    # --- what a policy uses to act ---

    def at(self, time: float, callback: Callable[[float], None]) -> None:
        """Call ``callback(time)`` at the absolute ``time`` (>= now)."""
        self._at(time, _call, (callback, time))

    def stream(self, name: str) -> np.random.Generator:
        """The random stream ``name`` of this run (a policy names its own sources)."""
        return stream(self.seed, name)

    def record(self, contact: Contact, outcome: int, wait: float) -> None:
        """``contact`` left with ``outcome`` (not answered) after waiting ``wait``."""
        self.tally.record(contact, outcome, wait)

    def inject(self, contact: Contact, *, first_attempt: bool = False) -> None:
        """``contact`` arrives at ``contact.arrival`` (>= now) and is routed like any other.
        Only a first attempt counts in ``offered``."""
        if first_attempt:
            self.tally.arrived_at(contact.kind, contact.arrival)
        self.at(contact.arrival, lambda now: self._arrive(contact, now))

    def serve(self, agent: Agent, contact: Contact, now: float) -> None:
        """``agent`` (claimed, or just freed) starts serving ``contact`` at ``now``."""
        self._serve(agent, contact, now)
        if self._has_work(agent.group):
            self._wake(agent.group)

    def settle(self, groups: Iterable[Group], now: float) -> None:
        """Bring ``groups`` up to ``now``: agents whose work has ended by then are free
        (a policy looking for idle agents calls this first: ends of service are lazy)."""
        for group in groups:
            if group.busy and group.busy[0][0] <= now:
                self._settle(group, now)

    def wake(self, groups: Iterable[Group]) -> None:
        """Work now waits for ``groups`` (a policy's ``has_work`` turned true): their next
        ends of service are observed at their time."""
        for group in groups:
            self._wake(group)

    def claim(self, agent: Agent) -> Agent:
        """Take the idle ``agent`` out of its group's idle line, for the policy to use."""
        agent.group.idle.remove(agent)
        return agent

    def occupy(self, agent: Agent, now: float, until: float) -> None:
        """``agent`` (claimed, or just freed) works on a task other than a contact from
        ``now`` to ``until``; its busy time counts in occupancy."""
        self.tally.task(agent.group.index, now, until)
        self._busy(agent, now, until)
        if self._has_work(agent.group):
            self._wake(agent.group)

    def _busy(self, agent: Agent, now: float, end: float) -> None:
        """``agent`` works from ``now`` to ``end``: its counters and its group's heap."""
        agent.until = end
        agent.busy_time += end - now
        heappush(agent.group.busy, (end, next(self._order), agent))

    # --- the hooked path ---

    def _arrive(self, contact: Contact, now: float) -> None:
        self.settle(self._able[contact.kind], now)
        self._offer(contact, now)

    def _offer(self, contact: Contact, now: float) -> None:
        for hook in self._on_offered:
            if not hook(contact, now):
                return
        super()._offer(contact, now)

    def _wait(self, contact: Contact, now: float) -> None:
        for hook in self._on_about_to_wait:
            if not hook(contact, now):
                return
        Centre._wait(self, contact, now)
        for hook in self._on_queued:
            hook(contact, now)

    def _serve(self, agent: Agent, contact: Contact, now: float) -> None:
        talk, wrap_up = (contact.handle, contact.wrap_up) if self._times is None else (
            self._times(agent, contact, now)
        )
        end = now + talk + wrap_up
        group = agent.group
        agent.handled += 1
        self.tally.answered(contact, group.index, now, end)
        self._busy(agent, now, end)
        for hook in self._on_answered:
            hook(contact, agent, now, talk, wrap_up)
        if self._on_finished:
            self.at(end, lambda t: self._finished(contact, agent, t))
        if self._eager:
            self._wake(group)

    def _serve_counted(self, agent: Agent, contact: Contact, now: float) -> None:
        """:meth:`_serve` with nothing to call: the plain centre's step and the agent's
        counters (once per contact answered, so written out)."""
        end = now + contact.handle + contact.wrap_up
        agent.handled += 1
        agent.until = end
        agent.busy_time += end - now
        self.tally.answered(contact, agent.group.index, now, end)
        heappush(agent.group.busy, (end, next(self._order), agent))

    def _finished(self, contact: Contact, agent: Agent, now: float) -> None:
        for hook in self._on_finished:
            hook(contact, agent, now)

    def _free(self, agent: Agent, now: float, since: float) -> None:
        for hook in self._on_free:
            if hook(agent, now):
                return
        contact = self.router.select_contact(agent, now)
        if contact is not None:
            for hook in self._on_dequeued:
                if hook(agent, contact, now):
                    return
            self._serve(agent, contact, now)
            return
        for hook in self._on_idle:
            if hook(agent, now):
                return
        agent.idle_since = since
        agent.group.idle.append(agent)

    def _decide_late(self, agent: Agent, end: float) -> bool:
        """Whether a replayable policy gives work, at its end's own time, to ``agent`` whose
        work ended while nothing waited in its group's queues (nothing else has looked at
        the group since: it is settled before anything reads it)."""
        if len(agent.group.idle) < self._idle_below[agent.group.index]:
            return False
        return _took(self._late_free, agent, end) or _took(self._late_idle, agent, end)

    def _abandoned(self, contact: Contact) -> None:
        Centre._abandoned(self, contact)
        for hook in self._on_abandoned:
            hook(contact, contact.deadline)

    def result(self) -> RunResult:
        """Statistics of the finished run, with the policies' own metrics."""
        for group in self.groups:  # work decided late, at ends after the last event, first
            self._settle(group, math.inf)
        for policy in self.policies:
            policy.end(self.env.now)
        return super().result()

    def _measures(self) -> list[Measure]:
        return [p.metrics for p in self.policies if type(p).metrics is not Policy.metrics]

    def _group_measures(self) -> list[GroupMeasure]:
        return [p.group_metrics for p in self.policies
                if type(p).group_metrics is not Policy.group_metrics]

    def _agents(self) -> list[dict[str, float]]:
        horizon, rows = self.scenario.horizon, []
        for group in self.groups:
            for agent in group.agents:
                # Still on duty: until the horizon, or the end of its last work after it.
                duty = agent.duty_time + (max(horizon, agent.until) - agent.on_since
                                          if agent.on_duty else 0.0)
                row: dict[str, float] = {
                    "agent_group": group.name, "agent": agent.number, "on_duty_time": duty,
                    "busy_time": agent.busy_time, "busy_share": ratio(agent.busy_time, duty),
                    "contacts_handled": agent.handled,
                }
                for policy in self.policies:
                    row.update(policy.agent_metrics(agent))
                rows.append(row)
        return rows

    def _boundary(self, interval: int) -> None:
        for hook in self._hooks["interval"]:
            hook(interval, self.env.now)
