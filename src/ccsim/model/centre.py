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

Policies (the scenario's ``lines``, callbacks, resolution, outbound, or a researcher's own;
see :mod:`ccsim.model.policies`) are installed when the centre is built, and the steps of
the hot path are chosen then, once: each step calls only the hooks some policy defines, and
with no policy the path has no hook and keeps no per-agent counter. What a policy reads and
acts through are the public methods of :class:`~ccsim.model.host.Host`, which a centre is.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from heapq import heappop, heappush
from itertools import count
from typing import Any

import numpy as np
import simpy

from ccsim.model.agents import Agent, Group
from ccsim.model.arrivals import arrival_times
from ccsim.model.axes import Axes
from ccsim.model.busyness import busy_volumes
from ccsim.model.calls import Fired, scheduler
from ccsim.model.chat import Chats
from ccsim.model.contacts import Contact, Outcome
from ccsim.model.duty import Duty, planned_columns
from ccsim.model.host import Host
from ccsim.model.patience import patience_draws
from ccsim.model.policies import HOOKS, Policy, hooks, method
from ccsim.model.queues import FifoQueue, LiveQueue, PriorityQueue, Queue
from ccsim.model.result import RunResult, build_result
from ccsim.model.roster import Roster
from ccsim.model.routing import Router, SkillRouter
from ccsim.model.segments import SegmentSource, capped, rank_of, ranks, shares
from ccsim.model.service import ServiceChain
from ccsim.model.shifts import AgentPlan, staffing
from ccsim.model.tables import GroupMeasure, Measure, ratio
from ccsim.model.trace import tally_type
from ccsim.scenario import Scenario
from ccsim.streams import draws, stream

#: Contact records that may pile up before they are folded into statistics: folding has a
#: fixed cost, and this bounds the memory of a run whatever its number of contacts.
FOLD_EVERY = 4096

RouterFactory = Callable[[list[Group], list[Queue]], Router]

#: The line of work of a policy that cannot say when it has work for a group: never empty.
ALWAYS = (True,)


class Centre(Host, Duty, Chats):
    """The world of one run. Build it, :meth:`run` it, then read :meth:`result`.

    ``policies`` observe and act through hooks (see :mod:`ccsim.model.policies`)."""

    # The steps of the hot path, chosen when the centre is built (see _bind): plain, or
    # calling the hooks that installed policies define.
    #: ``_offer(contact, now)``: route an arriving contact to an agent, or make it wait
    _offer: Callable[[Contact, float], None]
    #: ``_wait(contact, now)``: ``contact`` found no agent
    _wait: Callable[[Contact, float], None]
    #: ``_serve(agent, contact, now)``: ``agent`` starts serving ``contact``
    _serve: Callable[[Agent, Contact, float], None]
    #: ``_free(agent, now, since)``: ``agent`` is free at ``now``: it takes work, or is
    #: idle since ``since``
    _free: Callable[..., None]

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
        self.scenario = scenario
        self.seed = seed
        self.policies = list(policies)
        self.env = simpy.Environment()
        self._at = scheduler(self.env)
        types = scenario.contact_types
        index = {c.name: k for k, c in enumerate(types)}
        self.groups = [
            Group(g, spec.name, tuple(index[s] for s in spec.skills),
                  tuple(spec.delay(s) for s in spec.skills))
            for g, spec in enumerate(scenario.agent_groups)
        ]
        #: able[k]: the groups that can take contacts of type k
        self._able = [[g for g in self.groups if k in g.skills] for k in range(len(types))]
        #: the staffing of the scenario's head counts and shifts (None: a roster given)
        self.plan = None
        if roster is None:
            self.plan = staffing(scenario, seed)
            roster = self.plan.roster
        #: who is on duty when
        self.roster = roster
        _fits(self.roster, scenario)
        for group in self.groups:
            group.named = self.roster.named(group.index)
        #: staff[i, g]: head count of group g on duty at the start of interval i
        self.staff = self.roster.staff
        axes = self._axes()
        default = scenario.service_level.answer_within
        self.tally = tally_type(axes, trace)(
            axes,
            answer_within=[t for c in types for t in c.answer_within_of(default)],
            expected=np.array([[v * share for v in scenario.volumes(c)]
                               for c in types for share in shares(c)], dtype=float).T,
        )
        #: limit[k]: the longest a caller of type k waits before leaving a message (s)
        self._limit = [c.max_wait.after if c.max_wait else math.inf for c in types]
        self.tally.scheduled = self.roster.scheduled
        if any(group.named for group in self.groups):  # their duty as worked, not as planned
            self.tally.scheduled = self.roster.scheduled.copy()
            for group in self.groups:
                if group.named:
                    self.tally.scheduled[:, group.index] = 0.0
                    group.record = self.tally.duty
        self.queues = self._make_queues(getattr(router, "live_queues", False))
        #: lines_of[k]: the raw lines of contact type k's queue (truthy while it holds an
        #: entry, live or not)
        self._lines_of = [_raw_lines(q) for q in self.queues]
        #: work_lines[g]: what holds work for group g, truthy while some may wait: its
        #: queues' raw lines, and its policies' own lines of work
        self._work_lines = [[line for k in g.skills for line in self._lines_of[k]]
                            for g in self.groups]
        self.router = router(self.groups, self.queues)
        self._order = count()  # ties in the heaps of end times break by start order
        #: whether the scenario has chat types (:mod:`ccsim.model.chat`)
        self._chats = self._chat_setup()
        self._bind()
        for k in range(len(types)):
            self._start_arrivals(k)
        self.env.process(self._shifts())

    @property
    def agent_plans(self) -> dict[int, list[AgentPlan]]:
        """The plan of each agent of a group with shifts, by group index and number."""
        return self.plan.agents if self.plan is not None else {}

    @property
    def paid(self) -> np.ndarray:
        """``paid[i, g]``: seconds of group g paid in interval i as planned (overtime
        apart; a roster given is paid as it plans duty)."""
        return self.plan.paid if self.plan is not None else self.roster.scheduled

    def _axes(self) -> Axes:
        """The axes of the run's statistics: the attempt kinds the policies inject are
        counted apart, and the outcomes they record are reported."""
        own = ["messages"] if any(c.max_wait for c in self.scenario.contact_types) else []
        return Axes.of(self.scenario, [a for p in self.policies for a in p.attempts],
                       [*own, *(o for p in self.policies for o in p.outcomes)])

    #: ``late(agent, end)``: whether a policy gives work, at its end's own time, to an
    #: agent whose work ended while nothing waited (None: it goes idle; see
    #: :class:`~ccsim.model.policies.Policy` ``replayable``), asked only while one of
    #: ``_late_lines[g]`` (the lines of such work for group g) is truthy
    _late: Callable[[Agent, float], bool] | None = None
    _late_lines: Sequence[list] = ()

    def _make_queues(self, live: bool) -> list[Queue]:
        """One queue per contact type (a priority queue where its segments' priorities
        differ); with deadline heaps if the router or a policy reads ``live``, resolving
        each abandonment at its time if a policy needs it then."""
        if any(p.timely_abandonment for p in self.policies):
            def line() -> Queue:
                return LiveQueue(self._abandoned, self.at)
        else:
            kind = LiveQueue if live or any(p.live_queues for p in self.policies) else FifoQueue

            def line() -> Queue:
                return kind(self._abandoned)
        # A type with segments of several priorities: a line per priority.
        levels = [max(ranks(c)) + 1 for c in self.scenario.contact_types]
        return [line() if n == 1 else PriorityQueue([line() for _ in range(n)], rank_of)
                for n in levels]

    def _bind(self) -> None:
        """Install the policies, then choose the steps of the hot path: each calls only
        the hooks they define and use (the plain steps past empty hook lists)."""
        for policy in self.policies:
            policy.install(self)
        # (answered: apart below; service: the chain of talk times)
        on = {name: hooks(self.policies, name) for name in HOOKS
              if name not in ("service", "answered")}
        # The hot path reads its hook lists as attributes (a dict lookup each time costs).
        self._on_offered, self._on_free = on["offered"], on["agent_free"]
        self._on_idle = on["agent_idle"]
        # Answered hooks: of the policies that see every contact, and apart, of those that
        # watch some contacts only (each asked only of those: ``contact in watches``).
        self._on_answered = hooks([p for p in self.policies if p.watches is None], "answered")
        self._on_watched = [(p.watches, hook) for p in self.policies
                            if p.watches is not None for hook in hooks([p], "answered")]
        self._on_dequeued, self._on_queued = on["dequeued"], on["queued"]
        self._on_about_to_wait, self._on_finished = on["about_to_wait"], on["finished"]
        self._on_abandoned, self._on_interval = on["abandoned"], on["interval"]
        self._on_recorded, self._on_release = on["recorded"], on["release"]
        #: the service-time chain, and why it changed the talk of the contact last served
        self.service = ServiceChain(self.policies)
        self._times = self.service if self.service else None
        # A policy that acts when an agent frees sees every end of service at its time,
        # unless it says when it has work for a group (then only while it has).
        acting = [p for p in self.policies if not p.replayable
                  and (hooks([p], "agent_free") or hooks([p], "agent_idle"))]
        replayed = [p for p in self.policies if p.replayable]
        if replayed:  # their decisions are made when a group is settled, at each end's time
            self._late_free = hooks(replayed, "agent_free")
            self._late_idle = hooks(replayed, "agent_idle")
            below = [method(p, "idle_below") for p in replayed]
            self._idle_below = [min(b(g) if b else 0 for b in below) for g in self.groups]
            self._late = self._decide_late
            # A policy with lines of work has late work only while they hold some.
            lines_of = [method(p, "work_lines") for p in replayed]
            self._late_lines = [
                [line for of in lines_of for line in (of(g) if of else ALWAYS)]
                for g in self.groups]
        # What the policies' work waits in, with the group's queues: their own lines, their
        # has_work asked as a line, or (a policy that cannot say) a line never empty.
        self._eager = False
        for policy in acting:
            for group in self.groups:
                work_lines, has_work = method(policy, "work_lines"), method(policy, "has_work")
                if work_lines:
                    lines = work_lines(group)
                elif has_work:
                    lines = [_Asks(has_work, group)]
                else:
                    lines, self._eager = [ALWAYS], True
                self._work_lines[group.index].extend(lines)
        # Every live type a chat: the chat steps at once, without asking each contact.
        only_chat = self._chats and all(
            chat or spec.deferrable
            for chat, spec in zip(self._is_chat, self.scenario.contact_types, strict=True))
        #: ``_route(contact, now)``: an admitted arriving contact to an agent, or waiting
        self._route = (self._route_chat if only_chat else self._route_channels if self._chats
                       else self._offer_plain)
        self._offer = self._offer_hooked if self._on_offered else self._route
        self._wait = (self._wait_hooked if self._on_about_to_wait or self._on_queued
                      else self._wait_plain)
        self._serve = self._serve_voice = (
            # Nothing reads agents' counters (policies and the agents table do).
            self._serve_plain if not self.policies and not self.agent_plans
            else self._serve_hooked if (self._times or self._on_answered
                                        or self._on_finished or self._eager)
            else self._serve_watched if self._on_watched
            else self._serve_counted)
        if self._chats:
            self._serve = self._serve_chat if only_chat else self._serve_channels
        self._free = (self._free_hooked if self._on_free or self._on_dequeued or self._on_idle
                      else self._free_plain)

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
        settle, peek = self._settle, self.env.peek
        pending, flush = self.tally.pending, self.tally.flush
        handle = draws(spec.handle_time.build(), stream(seed, f"handle_time:{spec.name}"))
        # Bound methods of constants: C-level callables, cheaper than Python functions.
        none = (0.0).__float__
        patience, wrap_up = (
            patience_draws(spec.patience, seed, spec.name),
            none if spec.wrap_up is None
            else draws(spec.wrap_up.build(), stream(seed, f"wrap_up:{spec.name}")),
        )
        # ``make(now)``: the contact arriving at ``now``, where made otherwise than inline.
        make: Callable[[float], Contact] | None = None
        seen: Callable[[np.ndarray], None] = partial(self.tally.arrived,
                                                     self.tally.axes.offsets[kind])
        patience = capped(patience, self._limit[kind])
        if spec.segments:
            source = SegmentSource(spec, kind, seed, self.tally.axes.offsets[kind],
                                   self.tally.arrived_classes, patience, handle, wrap_up,
                                   cap=self._limit[kind])
            make, seen = source.make, source.seen
        if spec.arrivals.times is not None:
            seen(np.array(spec.arrivals.times, dtype=float))
            times = iter(spec.arrivals.times)
        else:
            def made(batch: np.ndarray, seen: Callable[[np.ndarray], None] = seen) -> None:
                # A stretch of arrivals may run all day (many agents, nothing waiting, no
                # interval start to visit): records are folded as batches are made too,
                # so memory stays flat.
                seen(batch)
                if pending() >= FOLD_EVERY:
                    flush()

            times = arrival_times(busy_volumes(self.scenario, spec, seed),
                                  self.scenario.period, stream(seed, f"arrivals:{spec.name}"),
                                  seen=made)

        def arrive(event: Fired[float]) -> None:
            nonlocal arrive
            now = event.value  # the arrival time itself
            if pending() >= FOLD_EVERY:
                flush()
            while True:
                contact = (Contact(kind, now, now + patience(), handle(), wrap_up())
                           if make is None else make(now))
                for group in able:
                    if group.busy and group.busy[0][0] <= now:
                        settle(group, now)
                offer(contact, now)
                following = next(times, None)
                if following is None:
                    # The last arrival: the function lets go of itself (it refers to itself
                    # to schedule the next stretch), a cycle holding all it uses.
                    arrive = None  # type: ignore[assignment]
                    return
                if following >= peek():
                    at(following, arrive, following)
                    return
                now = following

        first = next(times, None)
        if first is not None:
            at(first, arrive, first)

    # --- contacts and agents ---

    def _offer_plain(self, contact: Contact, now: float) -> None:
        agent = self.router.select_agent(contact, now)
        if agent is None:
            self._wait(contact, now)
        else:
            self._serve(agent, contact, now)

    def _offer_hooked(self, contact: Contact, now: float) -> None:
        for hook in self._on_offered:
            if not hook(contact, now):
                return
        self._route(contact, now)

    def _route_channels(self, contact: Contact, now: float) -> None:
        if self._is_chat[contact.kind]:
            self._route_chat(contact, now)
        elif self._mixed[contact.kind]:
            self._offer_mixed(contact, now)
        else:
            self._offer_plain(contact, now)

    def _serve_channels(self, agent: Agent, contact: Contact, now: float) -> None:
        if self._is_chat[contact.kind]:
            self._serve_chat(agent, contact, now)
        else:
            self._serve_voice(agent, contact, now)

    def _wait_plain(self, contact: Contact, now: float) -> None:
        self.queues[contact.kind].push(contact, now)
        for group in self._able[contact.kind]:
            self._wake(group)

    def _wait_hooked(self, contact: Contact, now: float) -> None:
        for hook in self._on_about_to_wait:
            if not hook(contact, now):
                return
        self._wait_plain(contact, now)
        for hook in self._on_queued:
            hook(contact, now)

    def _serve_plain(self, agent: Agent, contact: Contact, now: float) -> None:
        end = now + contact.handle + contact.wrap_up
        self.tally.answered(contact, agent.group.index, now, end, agent.number)
        heappush(agent.group.busy, (end, next(self._order), agent))

    def _serve_counted(self, agent: Agent, contact: Contact, now: float) -> None:
        """The plain step and the agent's counters, which policies read (once per contact
        answered, so written out)."""
        end = now + contact.handle + contact.wrap_up
        agent.handled += 1
        agent.until = end
        agent.busy_time += end - now
        self.tally.answered(contact, agent.group.index, now, end, agent.number)
        heappush(agent.group.busy, (end, next(self._order), agent))

    def _serve_watched(self, agent: Agent, contact: Contact, now: float) -> None:
        """The counted step, then the hooks of the policies that watch ``contact`` (the
        only ``answered`` hooks; no policy changes talk or needs its end). The counted
        step is written out: calling it costs 2 % of a day with redials."""
        talk, wrap_up = contact.handle, contact.wrap_up
        end = now + talk + wrap_up
        agent.handled += 1
        agent.until = end
        agent.busy_time += end - now
        self.tally.answered(contact, agent.group.index, now, end, agent.number)
        heappush(agent.group.busy, (end, next(self._order), agent))
        for watches, hook in self._on_watched:
            if contact in watches:
                hook(contact, agent, now, talk, wrap_up)

    def _serve_hooked(self, agent: Agent, contact: Contact, now: float) -> None:
        talk, wrap_up = (contact.handle, contact.wrap_up) if self._times is None else (
            self._times(agent, contact, now)
        )
        end = now + talk + wrap_up
        group = agent.group
        agent.handled += 1
        self.tally.answered(contact, group.index, now, end, agent.number)
        self._busy(agent, now, end)
        for hook in self._on_answered:
            hook(contact, agent, now, talk, wrap_up)
        for watches, hook in self._on_watched:
            if contact in watches:
                hook(contact, agent, now, talk, wrap_up)
        if self._on_finished:
            self.at(end, lambda t: self._finished(contact, agent, t))
        if self._eager:
            self._wake(group)

    def _finished(self, contact: Contact, agent: Agent, now: float) -> None:
        for hook in self._on_finished:
            hook(contact, agent, now)

    def _free_plain(self, agent: Agent, now: float, since: float) -> None:
        contact = self.router.select_contact(agent, now)
        if contact is None:
            agent.idle_since = since
            agent.group.idle.append(agent)
        else:
            self._serve(agent, contact, now)

    def _free_hooked(self, agent: Agent, now: float, since: float) -> None:
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

    # --- ends of service ---

    def _settle(self, group: Group, now: float) -> None:
        """Bring ``group`` up to ``now``: each agent whose work ended by then goes off duty
        (if owed to a change off duty: a named agent's break may be over by ``now``, and
        the agent is back in the heap at its return, freed in its turn: see
        :meth:`~ccsim.model.duty.Duty._take_break`), takes a waiting contact, or is idle
        since its end."""
        busy, late, lines = group.busy, self._late, self._work_lines[group.index]
        late_lines = self._late_lines[group.index] if late is not None else ()
        work = any(lines)  # self._has_work(group), without the call
        chats = group.max_chats  # whether its agents may hold chats
        while busy and busy[0][0] <= now:
            end, order, agent = heappop(busy)
            if chats and (seats := agent.seats) is not None:  # (see ccsim.model.chat)
                if order in seats.stale:  # an end that moved
                    seats.stale.remove(order)
                    continue
                if seats.contacts and self._chat_ended(agent, end, order):
                    continue  # a chat ended: the agent still holds others
            if group.leaving:
                since = group.release(agent)
                if since is not None:  # it is owed to a change off duty since then
                    self._owed(group, agent, since, end, now)
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

    def _woken(self, event: Fired[tuple[Group, float]]) -> None:
        group, now = event.value
        if group.wake_at == now:
            group.wake_at = math.inf
        busy, peek, lines = group.busy, self.env.peek, self._work_lines[group.index]
        while True:
            self._settle(group, now)
            # Work still waiting: the group's next end of service, taken at once if nothing
            # else is scheduled before it, else woken up for.
            if not (busy and any(lines)):
                return
            if busy[0][0] >= peek():
                self._wake(group)
                return
            now = busy[0][0]

    def _has_work(self, group: Group) -> bool:
        """Whether a queue that ``group`` serves holds a contact (maybe one that hung up),
        or another line of its work holds an entry (the hot path reads the lines inline)."""
        return any(self._work_lines[group.index])  # each line's truth, in C

    def _abandoned(self, contact: Contact) -> None:
        wait = contact.deadline - contact.arrival
        # A wait cut at the type's max_wait is a message, not an abandonment.
        self.tally.record(contact, Outcome.ABANDONED if wait < self._limit[contact.kind]
                          else Outcome.MESSAGE, wait)
        for hook in self._on_abandoned:
            hook(contact, contact.deadline)

    # --- results ---

    def result(self) -> RunResult:
        """Statistics of the finished run, with the policies' own metrics."""
        horizon = self.scenario.horizon
        for group in self.groups:  # overtime of agents who left after the last event, and
            self._settle(group, math.inf)  # work policies decide late at ends after it
            if group.record is not None:  # named agents on duty to the end
                for agent in group.agents:
                    if agent.on_duty and agent.on_since < horizon:
                        group.record(group.index, agent.on_since, horizon)
        for end in self._methods("end"):
            end(self.env.now)
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

    def close(self) -> None:
        """Let go, once the result is made, of the references by which a run's parts form
        cycles back to the centre: the steps chosen by :meth:`_bind` (its own bound
        methods), the queues and the router (a queue calls the centre back on
        abandonment), and each group's lines of its agents (an agent refers to its group).
        Reference counting then frees a run as soon as it is done with; left to Python's
        cyclic collector, a small day's hundred-odd objects cost it about a fifth of its
        time in the collector's passes during the following runs. The result reads none
        of them; the centre is not used after this."""
        for name in ("_offer", "_route", "_wait", "_serve", "_serve_voice", "_free", "_late",
                     "queues", "router", "_work_lines"):
            vars(self).pop(name, None)
        for group in self.groups:
            group.agents.clear()
            group.idle.clear()
            group.busy.clear()

    def _measures(self) -> list[Measure]:
        """Where the metrics of installed policies come from."""
        own = [self._chat_metrics] if self._chats else []
        return [*own, *self._methods("metrics")]

    def _group_measures(self) -> list[GroupMeasure]:
        """Where the per-group metrics of installed policies come from, and with shifts
        the time their plan puts on breaks and loses to absence."""
        own: list[GroupMeasure] = (
            [self._planned_off] if self.plan and self.plan.breaks is not None else [])
        if self._chats:
            own.append(self._chat_group_metrics)
        return [*own, *self._methods("group_metrics")]

    def _methods(self, name: str) -> list:
        """The bound ``name`` methods of the policies that implement it, in policy order."""
        return [m for p in self.policies if (m := method(p, name)) is not None]

    def _agents(self) -> list[dict[str, Any]] | None:
        """The rows of the agents table (none without policies or shifts: no counters are
        kept); a group with shifts lists every agent they plan, with its plan's columns."""
        if not self.policies and not self.agent_plans:
            return None
        horizon, rows = self.scenario.horizon, []
        columns = self._methods("agent_metrics")
        for group in self.groups:
            plans = self.agent_plans.get(group.index, [])
            while len(group.agents) < len(plans):  # absent every day: never came
                group.agents.append(Agent(group, len(group.agents), horizon))
                group.agents[-1].on_duty = False
            for agent in group.agents:
                # Still on duty: until the horizon, or the end of its last work after it.
                duty = agent.duty_time + (max(horizon, agent.until) - agent.on_since
                                          if agent.on_duty else 0.0)
                row: dict[str, Any] = {
                    "agent_group": group.name, "agent": agent.number, "on_duty_time": duty,
                    "busy_time": agent.busy_time, "busy_share": ratio(agent.busy_time, duty),
                    "contacts_handled": agent.handled,
                }
                if self.agent_plans:
                    row.update(planned_columns(plans[agent.number] if plans else None, agent))
                for metrics in columns:
                    row.update(metrics(agent))
                rows.append(row)
        return rows


def _took(hooks: list, agent: Agent, now: float) -> bool:
    """Whether one of ``hooks`` gave ``agent`` work at ``now``."""
    for hook in hooks:  # noqa: SIM110 (no generator per end of service)
        if hook(agent, now):
            return True
    return False


class _Asks:
    """A policy's ``has_work(group)`` as a line of work: true while the policy says so."""

    __slots__ = ("group", "has_work")

    def __init__(self, has_work: Callable[[Group], bool], group: Group):
        self.has_work, self.group = has_work, group

    def __bool__(self) -> bool:
        return self.has_work(self.group)


def _raw_lines(queue: Queue) -> list[Any]:
    """The raw lines of ``queue`` (deques, truthy in C while they hold an entry): a
    priority queue's, one per priority; a queue of one's own as it is."""
    if isinstance(queue, FifoQueue):
        return [queue.entries]
    if isinstance(queue, PriorityQueue):
        return [line for part in queue.classes for line in _raw_lines(part)]
    return [queue]


def _fits(roster: Roster, scenario: Scenario) -> None:
    """Raise ValueError unless ``roster`` is one of ``scenario``'s intervals and groups."""
    shape = (scenario.period, scenario.intervals, len(scenario.agent_groups))
    if (roster.period, roster.intervals, roster.groups) != shape:
        raise ValueError(
            f"roster: made for intervals of {roster.period:g} s × {roster.intervals} and "
            f"{roster.groups} agent groups, but the scenario has {shape[0]:g} s × "
            f"{shape[1]} and {shape[2]}")
