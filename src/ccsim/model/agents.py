"""Agents and agent groups.

An agent group holds agents with the same skills; its head count changes at interval
boundaries as the scenario's staffing says. When the head count drops, idle agents leave
at once (the most recently idle first) and busy agents finish their contact first: the
first of the group's busy agents to finish leave. The time they spend finishing is
overtime, counted as staffed time so that occupancy never exceeds 1.
"""

from __future__ import annotations

import math
from collections import deque


class Agent:
    """One agent. ``idle_since`` orders the idle agents (longest idle first)."""

    __slots__ = ("group", "idle_since")

    def __init__(self, group: Group, now: float):
        self.group = group
        self.idle_since = now


class Group:
    """The agents of one agent group during a run.

    ``skills`` are contact type indices in the group's order of preference. ``idle`` holds
    the idle agents, longest idle first; ``on_duty`` counts agents present and not leaving;
    ``leaving`` holds, for each busy agent still owed to a drop in head count, the time the
    drop took effect. ``busy`` is a heap of ``(end, order, agent)`` for agents serving a
    contact; an agent whose end has passed while no queue of the group held a contact is
    still in it until the group is *settled* (see :mod:`ccsim.model.centre`).
    ``wake_at`` is the time of the group's next scheduled wake-up (``inf`` if none).
    """

    __slots__ = ("busy", "idle", "index", "leaving", "name", "on_duty", "skills", "wake_at")

    def __init__(self, index: int, name: str, skills: tuple[int, ...]):
        self.index = index
        self.name = name
        self.skills = skills
        self.idle: deque[Agent] = deque()
        self.on_duty = 0
        self.leaving: deque[float] = deque()
        self.busy: list[tuple[float, int, Agent]] = []
        self.wake_at = math.inf
