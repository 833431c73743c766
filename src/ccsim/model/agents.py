"""Agents with identity, and agent groups.

Every agent exists for the whole run: it has a number within its group, is on or off
duty, and keeps counters a policy may read (contacts handled, busy time) and extend (a
subclass, or attributes a policy keeps per agent by ``agent.key``). Agents go on and off
duty as the run's roster says (:mod:`ccsim.model.roster`). A change that leaves the choice
to the run (a head count's) picks the agents: when agents go off, idle ones go at once (the
most recently idle first) and busy ones finish their contact first (the first of the
group's busy agents to finish go off; the time they spend finishing is overtime, counted
as staffed time so that occupancy never exceeds 1); when agents come on, those owed to an
earlier drop stay on first, then off-duty agents come back, the lowest number first, then
new agents join (:meth:`Group.withdraw`, :meth:`Group.join`). A change that names its
agent moves that agent alone (:meth:`Group.come`, :meth:`Group.go`), by the same rule: busy,
it finishes its contact first. A named agent's *break* keeps its length: busy when it
comes, the agent finishes first and is back ``length`` seconds after it left (the centre
keeps that time, :attr:`Agent.back`).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from heapq import heappop, heappush
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ccsim.model.chat import Seats


class Agent:
    """One agent of a group, for the whole run.

    ``idle_since`` orders the idle agents (longest idle first); ``until`` is the end of
    the agent's current or last work (seconds); ``handled`` counts the contacts it has
    answered and ``busy_time`` the seconds of work (talk, wrap-up, tasks) it has started.
    These three are what policies read, so they are kept by a centre with policies
    (:class:`~ccsim.model.centre.Centre`); with none, nothing reads them during the run,
    so they stay at their start values and cost nothing.
    """

    __slots__ = ("back", "break_time", "busy_time", "duty_time", "group", "handled",
                 "idle_since", "missed", "number", "on_duty", "on_since", "overtime", "owed",
                 "rest", "seats", "until")

    def __init__(self, group: Group, number: int, now: float):
        self.group = group
        self.number = number
        self.on_duty = True
        self.idle_since = now
        self.until = now
        self.handled = 0
        self.busy_time = 0.0
        self.on_since = now  #: when it last came on duty
        self.duty_time = 0.0  #: seconds on duty before that (overtime finishing included)
        #: when a change named it off duty while it was busy (inf: it owes nothing)
        self.owed = math.inf
        #: the length of the break it owes (0: what it owes is the end of its duty)
        self.rest = 0.0
        #: when it is back from a break it took late (inf: it is not on one)
        self.back = math.inf
        #: ``(time, length)`` of changes off duty that came while it was away or owing a
        #: break, taken in turn when it is back (length 0: its duty ended)
        self.missed: list[tuple[float, float]] = []
        self.overtime = 0.0  #: seconds on duty after its duty ended, finishing work
        self.break_time = 0.0  #: seconds on its breaks
        #: the chats it holds (:mod:`ccsim.model.chat`; None: it has never held one)
        self.seats: Seats | None = None

    @property
    def key(self) -> tuple[int, int]:
        """``(group index, number)``: unique in the run and stable across variants."""
        return (self.group.index, self.number)

    @property
    def name(self) -> str:
        return f"{self.group.name}#{self.number}"

    def state(self, now: float) -> str:
        """``"off"``, ``"busy"`` or ``"idle"`` at ``now``."""
        if not self.on_duty:
            return "off"
        return "busy" if self.until > now else "idle"

    def __repr__(self) -> str:
        return f"Agent({self.name}, handled={self.handled})"


class Group:
    """The agents of one agent group during a run.

    ``skills`` are contact type indices in the group's order of preference. ``agents`` is
    every agent that has been on duty (and those numbered below one), by number.
    ``idle`` holds the idle agents, longest idle first; ``on_duty`` counts agents present
    and not leaving; ``leaving`` holds, for each busy agent still owed to a change off
    duty, the time the change took effect (a head count's changes in order; a named
    agent's also in its ``owed``). ``busy`` is a heap of ``(end, order, agent)`` for busy
    agents; an agent whose end has passed while nothing waited for it is still in it until
    the group is *settled* (see :mod:`ccsim.model.centre`). ``wake_at`` is the time of the
    group's next scheduled wake-up (``inf`` if none). ``named``: whether the roster names
    the group's agents.
    """

    __slots__ = (
        "_off", "agents", "busy", "delays", "idle", "index", "leaving", "max_chats", "name",
        "named", "on_duty", "record", "skills", "wake_at",
    )

    def __init__(self, index: int, name: str, skills: tuple[int, ...],
                 delays: tuple[float, ...] = ()):
        self.index = index
        self.name = name
        self.skills = skills
        #: delays[j]: how long a caller of skills[j] waits before the group takes it (s)
        self.delays = delays or (0.0,) * len(skills)
        self.agents: list[Agent] = []
        self.idle: deque[Agent] = deque()
        self.on_duty = 0
        self.leaving: deque[float] = deque()
        self.busy: list[tuple[float, int, Agent]] = []
        self.wake_at = math.inf
        self._off: list[int] = []  # numbers of off-duty agents (a heap: lowest first)
        self.named = False
        #: the most chats an agent may hold at once (0: the group takes no chat)
        self.max_chats = 0
        #: ``record(group, on, off)``: a span its agents were on duty, not overtime (kept
        #: for a group whose agents are named; None: the roster's plan is the staffed time)
        self.record: Callable[[int, float, float], None] | None = None

    def join(self, now: float) -> Agent:
        """An agent comes on duty at ``now`` (counted in ``on_duty``), idle: the
        lowest-numbered off-duty agent, or a new one. The caller makes it take work or
        puts it in ``idle``."""
        if self._off:
            agent = self.agents[heappop(self._off)]
            agent.on_duty = True
            agent.idle_since = agent.on_since = now
        else:
            agent = Agent(self, len(self.agents), now)
            self.agents.append(agent)
        self.on_duty += 1
        return agent

    def leave(self, agent: Agent, now: float, due: float | None = None) -> None:
        """``agent`` (not idle, not busy) goes off duty at ``now``; its duty was ``due``
        to end then (if earlier, the rest was overtime)."""
        agent.on_duty = False
        self.worked(agent, now, now if due is None else due)
        heappush(self._off, agent.number)

    def worked(self, agent: Agent, now: float, due: float) -> None:
        """``agent``, on duty since ``agent.on_since``, has worked until ``now``, the part
        after ``due`` as overtime."""
        agent.duty_time += now - agent.on_since
        agent.overtime += now - due
        if self.record is not None and due > agent.on_since:
            self.record(self.index, agent.on_since, due)

    def release(self, agent: Agent) -> float | None:
        """``agent``, busy until now, is free while ``leaving`` holds something: the time
        of the change it is owed to (it goes off duty), or None (it stays)."""
        if agent.owed == math.inf:
            # A head count's drop is owed by whoever finishes first; a named one by its agent.
            return None if self.named else self.leaving.popleft()
        since, agent.owed = agent.owed, math.inf
        self.leaving.remove(since)
        return since

    def come(self, number: int, now: float) -> tuple[Agent, float | None]:
        """Agent ``number`` comes on duty at ``now``. Busy and owed to a change off duty,
        it stays: returned with the time of that change (its overtime ran from then to
        now). Else it is idle, returned with None, for the caller to give work or put in
        ``idle``."""
        while len(self.agents) <= number:  # numbers a roster has not named yet: off duty
            absent = Agent(self, len(self.agents), now)
            absent.on_duty = False
            self.agents.append(absent)
        agent, since = self.agents[number], None
        self.on_duty += 1
        if agent.owed < math.inf:
            since, agent.owed = agent.owed, math.inf
            self.leaving.remove(since)
            self.worked(agent, now, since)
            agent.on_since = now
        else:
            agent.on_duty = True
            agent.idle_since = agent.on_since = now
        return agent, since

    def go(self, number: int, now: float, rest: float = 0.0) -> bool:
        """Agent ``number`` goes off duty at ``now``, for a break of ``rest`` seconds if
        positive: at once if idle (returns True); else (busy) when it finishes, owing the
        change (see :meth:`release`)."""
        agent = self.agents[number]
        self.on_duty -= 1
        try:
            self.idle.remove(agent)
        except ValueError:
            agent.owed, agent.rest = now, rest
            self.leaving.append(now)
            return False
        self.leave(agent, now)
        return True

    def owe(self, agent: Agent, now: float, rest: float) -> None:
        """A change off duty at ``now`` (a break of ``rest`` seconds, or the end of its
        duty) comes while ``agent`` is away on a break or owes one: the end of its duty
        replaces a break still owed (overtime counts from now); the rest waits its turn."""
        if agent.owed < math.inf and not rest:
            self.leaving.remove(agent.owed)
            self.leaving.append(now)
            agent.owed, agent.rest = now, 0.0
            agent.missed.clear()
        else:
            agent.missed.append((now, rest))

    def back_from_break(self, agent: Agent, now: float) -> None:
        """``agent``, away on a break it took late, comes back on duty at ``now``."""
        agent.back = math.inf
        agent.on_duty = True
        agent.idle_since = agent.on_since = now
        self.on_duty += 1

    def withdraw(self, count: int, now: float) -> int:
        """Take up to ``count`` idle agents off duty (and out of ``on_duty``) at ``now``;
        return how many. The most recently idle go first, so the longest-idle order of the
        rest holds."""
        taken = min(count, len(self.idle))
        for _ in range(taken):
            self.leave(self.idle.pop(), now)
        self.on_duty -= taken
        return taken

    def __repr__(self) -> str:
        return f"Group({self.name}, on duty {self.on_duty}, idle {len(self.idle)})"
