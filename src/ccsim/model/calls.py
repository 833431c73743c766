"""Calls scheduled on the SimPy clock at an absolute time, through SimPy's public API.

The centre schedules an event for each stretch of arrivals and each wake-up of a group,
and policies schedule their own calls (:meth:`~ccsim.model.host.Host.at`). Each is a
:class:`simpy.events.Timeout` of delay ``time - env.now`` whose value is the intended
time, or something holding it: SimPy places the event at ``env.now + delay``, which lands
an ulp away from ``time`` when the sum is a tie that rounds the other way (about one call
in a few hundred made more than ``env.now`` ahead, none when ``time < 2 env.now``), so the
logic reads the time from the value, exactly, never from ``env.now``. So a call made from
such an event for its own time (a zero-length task) may be an ulp behind the clock: it is
placed now. A time further in the past is refused.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import simpy
from simpy.events import Timeout

T_co = TypeVar("T_co", covariant=True)

#: ``at(time, callback, value)``: at the absolute ``time`` (seconds, >= now), call
#: ``callback(event)``, with ``value`` as ``event.value``.
At = Callable[[float, Callable[[Any], None], Any], None]


class Fired(Protocol[T_co]):
    """What the callback of a call reads: the event, with the value it was scheduled with."""

    @property
    def value(self) -> T_co: ...


def scheduler(env: simpy.Environment) -> At:
    """The ``at`` of ``env``: a call at an absolute time, on its schedule."""

    def at(time: float, callback: Callable[[Any], None], value: Any) -> None:
        try:
            event = Timeout(env, time - env.now, value)
        except ValueError:  # a negative delay: an ulp behind the clock is now (see above)
            if not time >= math.nextafter(env.now, -math.inf):
                raise
            event = Timeout(env, 0.0, value)
        event.callbacks.append(callback)  # type: ignore[union-attr]

    return at
