"""Waiting lines: every queue agrees with a brute-force line, abandonment is recorded exactly
once, memory stays bounded by the live queue, alarms ring at the moment patience ends."""

from __future__ import annotations

import heapq
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccsim import Scenario
from ccsim.model import queues as queues_module
from ccsim.model.centre import Centre
from ccsim.model.contacts import Contact
from ccsim.model.policies import Policy
from ccsim.model.queues import FifoQueue, LiveQueue, PriorityQueue


def contact(arrival: float, patience: float, kind: int = 0) -> Contact:
    return Contact(kind, arrival, arrival + patience, 1.0, 0.0)


class Clock:
    """A scheduler for alarms, fired by hand as the test's time moves on."""

    def __init__(self):
        self.now = 0.0
        self.pending: list[tuple[float, int, object]] = []

    def at(self, time, callback):
        assert time >= self.now
        heapq.heappush(self.pending, (time, len(self.pending) + id(callback) % 7, callback))

    def advance(self, now):
        while self.pending and self.pending[0][0] <= now:
            time, _, callback = heapq.heappop(self.pending)
            self.now = time
            callback(time)
        self.now = now


class Reference:
    """The brute-force line: a list scanned in full at each question."""

    def __init__(self):
        self.line: list[Contact] = []

    def pop(self, now):
        while self.line:
            c = self.line.pop(0)
            if c.deadline >= now:
                return c
        return None

    def live(self, now):
        return sum(c.deadline >= now for c in self.line)


OPS = st.lists(
    st.tuples(
        st.sampled_from(["push", "push", "push", "pop", "head", "live", "at_least",
                         "withdraw", "hold"]),
        st.floats(0, 5),  # time step
        st.one_of(st.just(math.inf), st.floats(0, 20)),  # patience
        st.integers(0, 40),  # k of at_least; which live caller to withdraw or hold
    ),
    max_size=120,
)


@pytest.mark.parametrize("kind", ["fifo", "live", "alarms"])
@settings(max_examples=150, deadline=None)
@given(ops=OPS, purge_at=st.sampled_from([2, 5, 4096]), scan=st.sampled_from([0, 2, 32]))
def test_a_queue_answers_as_a_brute_force_line_and_records_each_abandonment_once(
    kind, ops, purge_at, scan
):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(queues_module, "PURGE_AT", purge_at)
        patch.setattr(queues_module, "SCAN", scan)
        check_against_reference(kind, ops, purge_at)


def check_against_reference(kind, ops, purge_at):
    clock = Clock()
    recorded: list[tuple[Contact, float]] = []

    def abandon(c):
        recorded.append((c, clock.now))

    queue = {
        "fifo": lambda: FifoQueue(abandon),
        "live": lambda: LiveQueue(abandon),
        "alarms": lambda: LiveQueue(abandon, clock.at),
    }[kind]()
    reference = Reference()
    pushed, served, withdrawn = [], [], []
    now, peak = 0.0, 0
    for op, step, patience, k in ops:
        now += step
        clock.advance(now)
        waiting = [c for c in reference.line if c.deadline >= now]
        if op in ("withdraw", "hold") and (kind == "fifo" or not waiting):
            continue  # what only a LiveQueue does, to a caller still waiting
        if op == "withdraw":  # leaves unrecorded (its policy records it)
            c = waiting[k % len(waiting)]
            queue.withdraw(c, now)  # the reference line sees its deadline turn -inf
            withdrawn.append(c)
        elif op == "hold":  # hangs up but keeps its place: never abandons
            queue.hold(waiting[k % len(waiting)], now)
        elif op == "at_least":
            assert queue.at_least(k, now) == (reference.live(now) >= k)
        elif op == "push":
            c = contact(now, patience)
            pushed.append(c)
            queue.push(c, now)
            reference.line.append(c)
            peak = max(peak, reference.live(now))
            # Memory: bounded by (twice) the live queue, not by the callers who hung up.
            assert len(queue.entries) <= max(purge_at, 2 * peak) + 1
        elif op == "pop":
            got = queue.pop(now)
            assert got is reference.pop(now)
            if got is not None:
                served.append(got)
        elif op == "head":
            expected = next((c for c in reference.line if c.deadline >= now), None)
            assert queue.head(now) is expected
        else:
            assert queue.live(now) == reference.live(now)
    clock.advance(now)
    left = queue.drain()
    gone = [c for c, _ in recorded]
    # Each contact ends exactly once: taken by an agent, recorded as abandoned, withdrawn
    # (a withdrawn one reached at the head is dropped unrecorded), or left.
    assert sorted(map(id, served + gone + left + withdrawn)) == sorted(map(id, pushed))
    for c, when in recorded:
        assert c.deadline < when  # nobody is recorded before their patience ran out
        if kind == "alarms":  # ... and with alarms, at that very moment
            assert when == math.nextafter(c.deadline, math.inf)
    if kind == "alarms":
        assert all(c.deadline >= now for c in left)


def test_live_counts_only_callers_still_waiting():
    recorded = []
    queue = LiveQueue(recorded.append)
    for arrival, patience in [(0, 5), (1, 100), (2, 4), (3, math.inf)]:
        queue.push(contact(arrival, patience), arrival)
    assert queue.live(4) == 4
    assert queue.live(5.5) == 3  # the first hung up at 5
    assert queue.live(6) == 3  # the third's patience ends at 6: still waiting then
    assert queue.live(6.5) == 2
    assert recorded == []  # without alarms, recorded only when reached
    assert queue.pop(6.5).arrival == 1
    assert [c.arrival for c in recorded] == [0]
    assert queue.live(6.5) == 1
    assert queue.pop(6.5).arrival == 3
    assert [c.arrival for c in recorded] == [0, 2]


def test_a_patience_ending_at_the_instant_of_the_question_still_waits():
    queue = FifoQueue(lambda c: None)
    queue.push(contact(0, 10), 0)
    assert queue.live(10) == 1 and queue.head(10) is not None
    assert queue.live(math.nextafter(10, 11)) == 0


def test_priority_classes_serve_the_first_class_first_and_keep_abandonment_exact():
    recorded = []
    queue = PriorityQueue([FifoQueue(recorded.append), FifoQueue(recorded.append)],
                          priority=lambda c: c.kind)
    low = contact(0, 100, kind=1)
    high_gone = contact(1, 2, kind=0)
    high = contact(2, 100, kind=0)
    for c in (low, high_gone, high):
        queue.push(c, c.arrival)
    assert queue.live(5) == 2
    assert queue.pop(5) is high  # the first class, past its caller who hung up at 3
    assert queue.pop(5) is low
    assert queue.pop(5) is None and not queue
    assert recorded == [high_gone]


class Longest(Policy):
    """Watches the raw length of the line at each queued contact."""

    def __init__(self):
        self.longest = 0

    def queued(self, contact, now):
        self.longest = max(self.longest, len(self.centre.queues[0].entries))


def test_an_overloaded_day_keeps_memory_bounded_by_the_live_queue():
    # 200,000 calls an hour, one agent, 2 s of patience: about 110 callers wait at any time
    # while the line is crossed by some 55,000 who hang up.
    scenario = Scenario(
        period=900, horizon=900,
        contact_types=[{"name": "calls", "arrivals": {"per_hour": 200_000},
                        "handle_time": {"dist": "exponential", "mean": 60},
                        "patience": {"dist": "exponential", "mean": 2}}],
        agent_groups=[{"name": "agents", "skills": ["calls"], "staff": 1}],
    )
    watch = Longest()
    centre = Centre(scenario, 1, policies=[watch])
    centre.run()
    summary = centre.result().summary
    assert summary["abandoned"] > 40_000
    assert watch.longest <= 2 * queues_module.PURGE_AT + 1
