"""One run of a contact centre: the SimPy environment, its arrivals, agents, queues and
policies.

SimPy's :class:`~simpy.core.Environment` is the clock, but only what must happen at a time
of its own is scheduled on it. Three ideas keep the work per contact small, each exact:

* **No process per customer, no abandonment event.** Queues have a fixed order, so
  abandonment is resolved when a contact is reached (:mod:`ccsim.model.queues`).
* **Ends of service are lazy.** A busy agent sits in its group's heap of end times. Its end
  needs an event only if work may be waiting for it then: whenever a queue the group
  serves holds a contact, the group has a *wake-up* scheduled at its earliest end. Otherwise
  the agent is simply found idle (since its end time) when the group is next *settled* —
  before a contact is routed to it, or its head count changes.
* **Quiet stretches of arrivals are taken in one go.** An arrival event goes on with the
  next arrivals of its type as long as they come before anything else on the SimPy
  schedule (``env.peek()``): nothing else can happen in between. Work it schedules is
  placed at absolute times, so ``now`` may run ahead of ``env.now`` inside such a stretch.

This is the plain centre: no policy, no hook on its path. A run with policies (the
scenario's ``lines``, or a researcher's own) is a
:class:`~ccsim.model.policy_centre.PolicyCentre`, which calls the hooks policies install.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Generator, Sequence
from heapq import heappop, heappush
from itertools import count

import numpy as np
import simpy

from ccsim.model.agents import Agent, Group
from ccsim.model.arrivals import arrival_times
from ccsim.model.calls import schedule, scheduler
from ccsim.model.contacts import Contact, Outcome
from ccsim.model.metrics import Tally
from ccsim.model.queues import FifoQueue, LiveQueue, Queue
from ccsim.model.result import RunResult, build_result
from ccsim.model.roster import Change, Roster
from ccsim.model.routing import Router, SkillRouter
from ccsim.model.tables import GroupMeasure, Measure
from ccsim.model.trace import TracingTally
from ccsim.scenario import Scenario
from ccsim.streams import draws, stream

#: Contact records that may pile up before they are folded into statistics: folding has a
#: fixed cost, and this bounds the memory of a run whatever its number of contacts.
FOLD_EVERY = 4096

RouterFactory = Callable[[list[Group], list[Queue]], Router]


class Centre:
    """The world of one run. Build it, :meth:`run` it, then read :meth:`result`."""

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        *,
        trace: bool = False,
        router: RouterFactory = SkillRouter,
        roster: Roster | None = None,
    ):
        self.scenario = scenario
        self.seed = seed
        self.env = simpy.Environment()
        self._at, self._events = scheduler(self.env), schedule(self.env)
        types = scenario.contact_types
        index = {c.name: k for k, c in enumerate(types)}
        self.groups = [
            Group(g, spec.name, tuple(index[s] for s in spec.skills))
            for g, spec in enumerate(scenario.agent_groups)
        ]
        #: able[k]: the groups that can take contacts of type k
        self._able = [[g for g in self.groups if k in g.skills] for k in range(len(types))]
        #: who is on duty when: the scenario's head counts, or a roster given
        self.roster = Roster.from_scenario(scenario) if roster is None else roster
        _fits(self.roster, scenario)
        for group in self.groups:
            group.named = self.roster.named(group.index)
        #: staff[i, g]: head count of group g on duty at the start of interval i
        self.staff = self.roster.staff
        self.tally = self._tally_type(trace)(
            period=scenario.period,
            intervals=scenario.intervals,
            warmup_intervals=scenario.warmup_intervals,
            kinds=len(types),
            groups=len(self.groups),
            answer_within=scenario.service_level.answer_within,
            expected=np.array([scenario.volumes(c) for c in types], dtype=float).T,
        )
        self.tally.scheduled = self.roster.scheduled
        self.queues = self._make_queues(len(types), getattr(router, "live_queues", False))
        entries = [q.entries if isinstance(q, FifoQueue) else q for q in self.queues]
        #: work_lines[g]: what holds work for group g, truthy while some may wait: its
        #: queues' raw lines; a PolicyCentre adds its policies' own lines of work
        self._work_lines = [[entries[k] for k in g.skills] for g in self.groups]
        self.router = router(self.groups, self.queues)
        self._order = count()  # ties in the heaps of end times break by start order
        self._prepare()
        for k in range(len(types)):
            self._start_arrivals(k)
        self.env.process(self._shifts())

    def _tally_type(self, trace: bool) -> type[Tally]:
        """What keeps the statistics: a plain tally, or one that also logs every event."""
        return TracingTally if trace else Tally

    #: ``late(agent, end)``: whether a policy gives work, at its end's own time, to an
    #: agent whose work ended while nothing waited (None: it goes idle; see
    #: :class:`~ccsim.model.policies.Policy` ``replayable``), asked only while one of
    #: ``_late_lines[g]`` (the lines of such work for group g) is truthy
    _late: Callable[[Agent, float], bool] | None = None
    _late_lines: Sequence[list] = ()

    def _make_queues(self, kinds: int, live: bool) -> list[Queue]:
        """One queue per contact type; with deadline heaps if the router reads ``live``."""
        return [(LiveQueue if live else FifoQueue)(self._abandoned) for _ in range(kinds)]

    def _prepare(self) -> None:
        """Called once the queues and the router exist, before any arrival is scheduled."""

    def run(self) -> None:
        """Run to the end: arrivals stop at the horizon, contacts in the system finish.

        Python's cyclic garbage collector is paused meanwhile (and restored after): the
        contacts and records a run makes are freed by reference counting, and the
        collector's passes over hundreds of thousands of them cost several per cent."""
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            self.env.run()
        finally:
            if was_enabled:
                gc.enable()

    # --- arrivals ---

    def _start_arrivals(self, kind: int) -> None:
        spec = self.scenario.contact_types[kind]
        seed, offer, able, at = self.seed, self._offer, self._able[kind], self._at
        settle, events = self._settle, self._events
        pending, flush = self.tally.pending, self.tally.flush
        if spec.arrivals.times is not None:
            self.tally.arrived(kind, np.array(spec.arrivals.times, dtype=float))
            times = iter(spec.arrivals.times)
        else:
            times = arrival_times(
                self.scenario.volumes(spec),
                self.scenario.period,
                stream(seed, f"arrivals:{spec.name}"),
                seen=lambda batch: self.tally.arrived(kind, batch),
            )
        handle = draws(spec.handle_time.build(), stream(seed, f"handle_time:{spec.name}"))

        # Bound methods of constants: C-level callables, cheaper than Python functions.
        never, none = math.inf.__float__, (0.0).__float__
        patience, wrap_up = (
            never if spec.patience is None
            else draws(spec.patience.build(), stream(seed, f"patience:{spec.name}")),
            none if spec.wrap_up is None
            else draws(spec.wrap_up.build(), stream(seed, f"wrap_up:{spec.name}")),
        )

        def arrive(event: simpy.Event) -> None:
            now = event._value  # the arrival time itself
            if pending() >= FOLD_EVERY:
                flush()
            while True:
                contact = Contact(kind, now, now + patience(), handle(), wrap_up())
                for group in able:
                    if group.busy and group.busy[0][0] <= now:
                        settle(group, now)
                offer(contact, now)
                following = next(times, None)
                if following is None:
                    return
                if events and following >= events[0][0]:  # following >= env.peek()
                    at(following, arrive, following)
                    return
                now = following

        first = next(times, None)
        if first is not None:
            at(first, arrive, first)

    # --- contacts and agents ---

    def _offer(self, contact: Contact, now: float) -> None:
        agent = self.router.select_agent(contact, now)
        if agent is None:
            self._wait(contact, now)
        else:
            self._serve(agent, contact, now)

    def _wait(self, contact: Contact, now: float) -> None:
        self.queues[contact.kind].push(contact, now)
        for group in self._able[contact.kind]:
            self._wake(group)

    def _serve(self, agent: Agent, contact: Contact, now: float) -> None:
        end = now + contact.handle + contact.wrap_up
        self.tally.answered(contact, agent.group.index, now, end)
        heappush(agent.group.busy, (end, next(self._order), agent))

    def _free(self, agent: Agent, now: float, since: float) -> None:
        """``agent`` is free at ``now``: it takes a waiting contact, or is idle since
        ``since``."""
        contact = self.router.select_contact(agent, now)
        if contact is None:
            agent.idle_since = since
            agent.group.idle.append(agent)
        else:
            self._serve(agent, contact, now)

    # --- ends of service ---

    def _settle(self, group: Group, now: float) -> None:
        """Bring ``group`` up to ``now``: each agent whose work ended by then goes off duty
        (if owed to a drop in head count), takes a waiting contact, or is idle since its
        end."""
        busy, late, lines = group.busy, self._late, self._work_lines[group.index]
        late_lines = self._late_lines[group.index] if late is not None else ()
        work = any(lines)  # self._has_work(group), without the call
        while busy and busy[0][0] <= now:
            end, _, agent = heappop(busy)
            if group.leaving:
                since = group.release(agent)
                if since is not None:  # it is owed to a change off duty since then
                    self.tally.extra(group.index, since, end)
                    group.leave(agent, end)
                    continue
            if work:
                self._free(agent, now, since=end)
                work = any(lines)
            # Nothing waiting: skip the router's search (a policy may still decide late).
            elif late is None or not (any(late_lines) and late(agent, end)):
                agent.idle_since = end
                group.idle.append(agent)

    def _wake(self, group: Group) -> None:
        """Make sure ``group`` wakes up when its first busy agent is free (work is waiting)."""
        if group.busy:
            first = group.busy[0][0]
            if first < group.wake_at:
                group.wake_at = first
                self._at(first, self._woken, (group, first))

    def _woken(self, event: simpy.Event) -> None:
        group, now = event._value
        if group.wake_at == now:
            group.wake_at = math.inf
        busy, events, lines = group.busy, self._events, self._work_lines[group.index]
        while True:
            self._settle(group, now)
            # Work still waiting: the group's next end of service, taken at once if nothing
            # else is scheduled before it, else woken up for.
            if not (busy and any(lines)):
                return
            if events and busy[0][0] >= events[0][0]:  # >= self.env.peek()
                self._wake(group)
                return
            now = busy[0][0]

    def _has_work(self, group: Group) -> bool:
        """Whether a queue that ``group`` serves holds a contact (maybe one that hung up),
        or another line of its work holds an entry (the hot path reads the lines inline)."""
        return any(self._work_lines[group.index])  # each line's truth, in C

    def _abandoned(self, contact: Contact) -> None:
        self.tally.record(contact, Outcome.ABANDONED, contact.deadline - contact.arrival)

    # --- staffing ---

    def _shifts(self) -> Generator[simpy.Event, None, None]:
        """Apply the roster: at each interval start, every group's changes then (a group
        with none is settled all the same) and the ``interval`` hook; the changes inside
        the interval are scheduled at their own times."""
        starts, insides = self.roster.moments
        for interval in range(self.scenario.intervals):
            if interval:
                yield self.env.timeout(self.scenario.period)
            changes = dict(starts.get(interval, ()))
            for group in self.groups:
                self._restaff(group, changes.get(group.index, ()))
            for time, moment in insides.get(interval, ()):
                self._at(time, self._moment, moment)
            self._boundary(interval)

    def _moment(self, event: simpy.Event) -> None:
        for g, changes in event._value:
            self._restaff(self.groups[g], changes)

    def _boundary(self, interval: int) -> None:
        """The staffing of ``interval`` has just been set."""

    def _restaff(self, group: Group, changes: Sequence[Change]) -> None:
        """Apply ``changes`` (of ``group``, at now) once the group is settled."""
        now = self.env.now
        self._settle(group, now)
        for change in changes:
            if change.agent is not None:
                self._named(group, change.agent, change.delta > 0, now)
            elif change.delta < 0:
                # Idle agents go at once (withdraw counts them off); busy ones owe the rest.
                owed = -change.delta - group.withdraw(-change.delta, now)
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

    def _named(self, group: Group, number: int, on: bool, now: float) -> None:
        """Agent ``number`` of ``group`` comes on (``on``) or goes off duty."""
        if not on:
            group.go(number, now)
            return
        agent, since = group.come(number, now)
        if since is None:
            self._free(agent, now, since=now)
        else:  # still finishing the contact it was to go after
            self.tally.extra(group.index, since, now)

    # --- results ---

    def result(self) -> RunResult:
        """Statistics of the finished run."""
        for group in self.groups:
            self._settle(group, math.inf)  # overtime of agents who left after the last event
        horizon = self.scenario.horizon
        for queue in self.queues:
            for contact in queue.drain():
                # Left waiting with no agent to take them: they abandon when patience runs
                # out; with infinite patience they count as having waited until the horizon.
                if contact.deadline < math.inf:
                    self._abandoned(contact)
                else:
                    self.tally.record(contact, Outcome.UNSERVED, horizon - contact.arrival)
        self.tally.flush()
        self.tally.check()
        return build_result(
            self.scenario, self.seed, self.tally, self.staff, self.groups, self._measures(),
            self._group_measures(), self._agents(),
        )

    def _measures(self) -> list[Measure]:
        """Where the metrics of installed policies come from (none here)."""
        return []

    def _group_measures(self) -> list[GroupMeasure]:
        """Where the per-group metrics of installed policies come from (none here)."""
        return []

    def _agents(self) -> list[dict[str, float]] | None:
        """The rows of the agents table (none here: the plain centre keeps no counters)."""
        return None


def _fits(roster: Roster, scenario: Scenario) -> None:
    """Raise ValueError unless ``roster`` is one of ``scenario``'s intervals and groups."""
    shape = (scenario.period, scenario.intervals, len(scenario.agent_groups))
    if (roster.period, roster.intervals, roster.groups) != shape:
        raise ValueError(
            f"roster: made for intervals of {roster.period:g} s × {roster.intervals} and "
            f"{roster.groups} agent groups, but the scenario has {shape[0]:g} s × "
            f"{shape[1]} and {shape[2]}")
