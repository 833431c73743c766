"""Calls scheduled on the SimPy clock at an absolute time, at less cost than a Timeout.

The centre schedules an event for each stretch of arrivals and each wake-up of a group. A
:class:`simpy.events.Timeout` checks its delay, keeps five attributes and goes through
``Environment.schedule``; a :class:`Call` keeps only what ``Environment.step`` reads
(``callbacks``, ``_ok``) and its value, and goes straight onto the environment's schedule
at the intended time itself (a delay ``time - now`` added back to ``now`` may land an ulp
away from it); the hot path reads the time of the next event off the schedule itself.
It relies on SimPy 4's schedule: a heap of ``(time, priority, id, event)``
in ``env._queue``, ids from ``env._eid`` (pinned in ``pyproject.toml``).
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappush
from typing import Any

import simpy
from simpy.events import NORMAL

#: ``at(time, callback, value)``: at the absolute ``time`` (seconds, >= now), call
#: ``callback(event)``, with ``value`` as ``event._value``.
At = Callable[[float, Callable[[Any], None], Any], None]


class Call:
    """A scheduled call: an event that never fails (``Environment.step`` reads ``_ok``)."""

    __slots__ = ("_value", "callbacks")
    _ok = True


def scheduler(env: simpy.Environment) -> At:
    """The ``at`` of ``env``, on the same schedule and id sequence as its own events."""
    queue, ids = env._queue, env._eid

    def at(time: float, callback: Callable[[Any], None], value: Any) -> None:
        call = Call()
        call.callbacks = [callback]
        call._value = value
        heappush(queue, (time, NORMAL, next(ids), call))

    return at


def schedule(env: simpy.Environment) -> list:
    """``env``'s schedule, read-only: the time of its next event is ``[0][0]``, as
    ``env.peek()`` gives it without a call (``peek`` is inf when the schedule is empty)."""
    return env._queue
