"""Calls scheduled at an absolute time (ccsim.model.calls): on SimPy's own schedule through
its public API, in the order of scheduling at equal times, carrying the very time asked
for, never in the past."""

from __future__ import annotations

import math

import pytest
import simpy

from ccsim.model.calls import scheduler


def test_calls_and_simpy_events_run_in_time_then_scheduling_order():
    env = simpy.Environment()
    at, seen = scheduler(env), []

    def note(event):
        seen.append((env.now, event.value))

    at(2.0, note, "a")
    at(1.0, note, "b")
    at(2.0, note, "c")
    env.timeout(2.0).callbacks.append(lambda event: seen.append((env.now, "timeout")))
    at(2.0, note, "d")
    assert env.peek() == 1.0
    env.run()
    assert seen == [(1.0, "b"), (2.0, "a"), (2.0, "c"), (2.0, "timeout"), (2.0, "d")]
    assert env.peek() == float("inf")


def test_a_call_carries_the_time_itself_when_the_clock_lands_an_ulp_away():
    now, time = 0.2579690924717717, 34.164417796853165
    assert now + (time - now) != time  # where SimPy places a delay of time - now
    env = simpy.Environment()
    at, seen = scheduler(env), []

    def later(event):
        at(time, lambda e: seen.append((env.now, e.value)), time)

    env.timeout(now).callbacks.append(later)
    env.run()
    [(clock, value)] = seen
    assert value == time and clock == math.nextafter(time, -math.inf)


def test_a_call_in_the_past_is_refused():
    env = simpy.Environment()
    at = scheduler(env)
    env.run(until=10.0)
    with pytest.raises(ValueError, match="Negative delay"):
        at(9.0, lambda e: None, None)


def test_a_call_for_its_own_time_from_a_call_the_clock_placed_an_ulp_late_is_now():
    # A zero-length task scheduled from such a call (as a callback attempt that reaches
    # nobody in no time does) was refused as a negative delay.
    now, time = 0.5841403192367585, 11.3641050818758
    assert now + (time - now) == math.nextafter(time, math.inf)
    env = simpy.Environment()
    at, seen = scheduler(env), []

    def late(event):
        at(event.value, lambda e: seen.append((env.now, e.value)), event.value)

    env.timeout(now).callbacks.append(lambda event: at(time, late, time))
    env.run()
    assert seen == [(math.nextafter(time, math.inf), time)]
