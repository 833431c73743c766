"""Calls scheduled at an absolute time (ccsim.model.calls): on SimPy's own schedule, in the
order of scheduling at equal times, at the very time asked for."""

from __future__ import annotations

import simpy

from ccsim.model.calls import schedule, scheduler


def test_calls_and_simpy_events_run_in_time_then_scheduling_order():
    env = simpy.Environment()
    at, seen = scheduler(env), []

    def note(event):
        seen.append((env.now, event._value))

    at(2.0, note, "a")
    at(1.0, note, "b")
    at(2.0, note, "c")
    env.timeout(2.0).callbacks.append(lambda event: seen.append((env.now, "timeout")))
    at(2.0, note, "d")
    assert schedule(env)[0][0] == env.peek() == 1.0
    env.run()
    assert seen == [(1.0, "b"), (2.0, "a"), (2.0, "c"), (2.0, "timeout"), (2.0, "d")]
    assert not schedule(env) and env.peek() == float("inf")


def test_a_call_runs_at_the_time_itself_not_now_plus_a_rounded_delay():
    now, time = 0.2579690924717717, 34.164417796853165
    assert now + (time - now) != time  # what a Timeout of delay time - now would give
    env = simpy.Environment()
    at, seen = scheduler(env), []

    def later(event):
        at(time, lambda e: seen.append((env.now, e._value)), "on time")

    env.timeout(now).callbacks.append(later)
    env.run()
    assert seen == [(time, "on time")]
