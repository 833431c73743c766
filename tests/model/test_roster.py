"""The roster: head counts as one way to build it (exactly today's results), agents named
on and off duty at their own times, staffed time from duty spans, the quota's pace."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_cases import scripted

from ccsim import Scenario, simulate
from ccsim.model.agents import Group
from ccsim.model.centre import Centre
from ccsim.model.policies import Policy
from ccsim.model.roster import Change, Roster


def test_head_counts_become_changes_of_any_agent_where_they_change():
    staff = np.array([[3, 0], [1, 2], [1, 2], [4, 0]])
    roster = Roster.from_head_counts(staff, 900.0)
    assert roster.changes == (
        Change(0.0, 0, 3), Change(900.0, 0, -2), Change(900.0, 1, 2), Change(2700.0, 0, 3),
        Change(2700.0, 1, -2))
    assert np.array_equal(roster.staff, staff)
    assert np.array_equal(roster.scheduled, staff * 900.0)  # head count × period, exactly
    assert not roster.named(0) and not roster.named(1)
    # Agent n is planned while the head count exceeds n.
    assert roster.spans(0, 0) == [(0.0, 3600.0)]
    assert roster.spans(0, 1) == [(0.0, 900.0), (2700.0, 3600.0)]
    assert roster.spans(1, 1) == [(900.0, 2700.0)]
    assert roster.spans(0, 3) == [(2700.0, 3600.0)] and roster.spans(1, 2) == []


def test_the_default_roster_is_the_scenarios_head_counts():
    day = scripted([10, 20], [30, 30], staff=[2, 1, 3], period=60, horizon=180)
    centre = Centre(day, 0)
    assert centre.roster == Roster.from_scenario(day) == Roster.from_head_counts(
        np.array([[2], [1], [3]]), 60.0)
    constant = scripted([10], [30], staff=4, period=60, horizon=180)
    assert Roster.from_scenario(constant).changes == (Change(0.0, 0, 4),)
    assert centre.staff.tolist() == [[2], [1], [3]]
    given_roster = Centre(day, 0, roster=Roster.from_scenario(day))
    for c in (centre, given_roster):
        c.run()
    assert centre.result().summary == given_roster.result().summary


def _old_elapsed(column: np.ndarray, period: float, number: int, now: float):
    """The pace's planned seconds before ``now`` as the quota computed them from head
    counts before the roster (outbound.py at 8f96ea6)."""
    planned = np.concatenate(([0.0], np.cumsum((column > number) * period)))
    i = min(max(int(now // period), 0), len(column) - 1)
    on = column[i] > number
    return planned[i] + (min(now, (i + 1) * period) - i * period) * on, planned[-1]


@settings(max_examples=150, deadline=None)
@given(
    column=st.lists(st.integers(0, 4), min_size=1, max_size=8),
    period=st.sampled_from([900.0, 1800.0, 0.7, 1 / 3, 37.5]),
    number=st.integers(0, 4),
    share=st.floats(0, 1.2),
)
def test_the_plan_of_a_head_count_gives_the_pace_of_today_bit_for_bit(
        column, period, number, share):
    staff = np.array(column)[:, None]
    plan = Roster.from_head_counts(staff, period).plan(0, number)
    now = share * len(column) * period
    elapsed, total = _old_elapsed(staff[:, 0], period, number, now)
    assert plan.total == total
    assert plan.elapsed(now) == elapsed


def test_a_plan_counts_parts_of_intervals():
    roster = Roster(600.0, 3, 1, (Change(100.0, 0, 1, 0), Change(1300.0, 0, -1, 0)))
    plan = roster.plan(0, 0)
    assert plan.before.tolist() == [0.0, 500.0, 1100.0, 1200.0]
    assert plan.elapsed(50.0) == 0.0 and plan.elapsed(700.0) == 600.0
    assert plan.elapsed(1250.0) == 1150.0 and plan.elapsed(5000.0) == 1200.0
    assert roster.staff.tolist() == [[0], [1], [1]]  # on duty at each interval's start
    assert roster.scheduled.tolist() == [[500.0], [600.0], [100.0]]


@pytest.mark.parametrize(("changes", "message"), [
    ([Change(600.0, 0, 1)], r"time must be in \[0, 600\)"),
    ([Change(-1.0, 0, 1)], r"time must be in"),
    ([Change(0.0, 2, 1)], r"no agent group 2 \(there are 1\)"),
    ([Change(0.0, 0, 0)], r"delta must be nonzero"),
    ([Change(0.0, 0, 2, 0)], r"\+1 or -1 for a named agent"),
    ([Change(0.0, 0, 1, 0), Change(10.0, 0, 1)], r"group 0 mixes named agents and head"),
    ([Change(0.0, 0, 1, 0), Change(10.0, 0, 1, 0)], r"agent 0 is already on duty"),
    ([Change(10.0, 0, -1, 0)], r"agent 0 is already off duty"),
    ([Change(0.0, 0, 2), Change(10.0, 0, -3)], r"more agents go off than are on duty"),
    ([Change(0.0, 0, 1, -1)], r"agent numbers start at 0"),
])
def test_a_roster_that_makes_no_sense_is_refused(changes, message):
    with pytest.raises(ValueError, match=r"^roster: change \(.*" + message):
        Roster(60.0, 10, 1, tuple(changes))


def test_a_roster_for_another_day_is_refused():
    day = scripted([10], [30], staff=[1, 1], period=60, horizon=120)
    with pytest.raises(ValueError, match=r"made for intervals of 60 s × 3 and 1 agent "
                                         r"groups, but the scenario has 60 s × 2 and 1"):
        Centre(day, 0, roster=Roster(60.0, 3, 1, ()))


class _HeadCountCentre(Centre):
    """The centre as it set head counts before the roster (centre.py at 8f96ea6): the
    target of each interval, set at its start."""

    def _shifts(self):
        for interval in range(self.scenario.intervals):
            if interval:
                yield self.env.timeout(self.scenario.period)
            for group in self.groups:
                self._set(group, int(self.staff[interval, group.index]))
            self._boundary(interval)

    def _set(self, group, target):
        now = self.env.now
        self._settle(group, now)
        change = target - group.on_duty
        if change < 0:
            gone = group.withdraw(-change, now)
            group.leaving.extend([now] * (-change - gone))
            group.on_duty = target
            return
        while change and group.leaving:
            self.tally.extra(group.index, group.leaving.pop(), now)
            change -= 1
            group.on_duty += 1
        for _ in range(change):
            self._free(group.join(now), now, since=now)
        if self._has_work(group):
            self._wake(group)


@settings(max_examples=25, deadline=None)
@given(
    staff=st.lists(st.lists(st.integers(0, 6), min_size=6, max_size=6), min_size=1,
                   max_size=2),
    handle=st.floats(30, 900),
    seed=st.integers(0, 999),
)
def test_the_head_count_roster_runs_a_day_as_the_head_counts_did(staff, handle, seed):
    day = Scenario(
        period=300, horizon=1800,
        contact_types=[{"name": n, "arrivals": {"per_hour": 150},
                        "handle_time": {"dist": "exponential", "mean": handle},
                        "patience": {"dist": "exponential", "mean": 120}}
                       for n in ("x", "y")],
        agent_groups=[{"name": f"g{g}", "skills": ["x", "y"][g:] + ["x", "y"][:g],
                       "staff": counts} for g, counts in enumerate(staff)])
    runs = []
    for kind in (Centre, _HeadCountCentre):
        centre = kind(day, seed)
        centre.run()
        runs.append(centre.result())
    new, old = runs
    assert new.summary == old.summary or all(
        v == old.summary[k] or (math.isnan(v) and math.isnan(old.summary[k]))
        for k, v in new.summary.items())
    assert new.groups.equals(old.groups) and new.intervals.equals(old.intervals)


def _named_twin(staff: list[int], period: float) -> Roster:
    """Head counts that only rise, as named agents: agent n on from the first interval
    whose head count exceeds n (the agent a rise brings on: the lowest number, or new)."""
    changes = []
    for n in range(max(staff)):
        first = next(i for i, s in enumerate(staff) if s > n)
        changes.append(Change(first * period, 0, 1, n))
    return Roster(period, len(staff), 1, tuple(changes))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_named_agents_coming_on_as_a_head_count_rises_give_the_same_run(seed):
    staff = [2, 3, 3, 5, 6]
    day = Scenario(
        period=900, horizon=4500,
        contact_types=[{"name": "calls", "arrivals": {"per_hour": 60},
                        "handle_time": {"dist": "exponential", "mean": 240},
                        "patience": {"dist": "exponential", "mean": 120}}],
        agent_groups=[{"name": "agents", "skills": ["calls"], "staff": staff}])
    centre = Centre(day, seed, roster=_named_twin(staff, 900.0))
    centre.run()
    named, counted = centre.result(), simulate(day, seed)
    assert named.summary == counted.summary
    assert named.groups.equals(counted.groups) and named.intervals.equals(counted.intervals)


class _Starts(Policy):
    """Logs every start of service: (agent number, time, on duty and owing nothing)."""

    def __init__(self) -> None:
        self.starts: list[tuple[int, float, bool]] = []

    def answered(self, contact, agent, now, talk, wrap_up) -> None:
        self.starts.append((agent.number, now, agent.on_duty and agent.owed == math.inf))


def _run(day: Scenario, roster: Roster, seed: int = 0):
    log = _Starts()
    centre = Centre(day, seed, policies=[log], roster=roster)
    centre.run()
    return centre, centre.result(), log.starts


def test_an_agent_leaving_mid_interval_while_busy_finishes_its_contact_then_goes():
    # Two agents from 0 s; agent 1 is to go at 200 s. Call 0 (0-500 s) goes to agent 0,
    # call 1 (10-410 s) to agent 1, who finishes it and goes at 410 s; call 2 at 450 s
    # finds nobody free and waits for agent 0, free at 500 s.
    day = scripted([0, 10, 450], [500, 400, 10], period=600, horizon=1200)
    roster = Roster(600.0, 2, 1, (Change(0.0, 0, 1, 0), Change(0.0, 0, 1, 1),
                                  Change(200.0, 0, -1, 1)))
    _, result, starts = _run(day, roster)
    assert starts == [(0, 0.0, True), (1, 10.0, True), (0, 500.0, True)]
    agents = result.agents.set_index("agent")
    assert agents.on_duty_time.tolist() == [1200.0, 410.0]
    assert agents.contacts_handled.tolist() == [2, 1]
    groups = result.groups
    assert groups.staff.tolist() == [2, 1]
    assert roster.scheduled.tolist() == [[800.0], [600.0]]
    # Staffed time is the sum of the duty spans: 0-1200 s and 0-410 s (overtime 200-410 s).
    assert groups.staffed_time.tolist() == [1010.0, 600.0]
    assert groups.staffed_time.sum() == agents.on_duty_time.sum()
    assert result.summary["asa"] == pytest.approx(50 / 3)


def test_an_agent_on_a_break_is_not_routed_to():
    # Agent 1 is on a break from 300 s to 400 s. Busy with call 1 (250-350 s) when it
    # starts, it finishes first; call 2 at 360 s waits for its return at 400 s, as agent 0
    # is busy with call 0 (0-590 s) all along.
    day = scripted([0, 250, 360, 450], [590, 100, 10, 10], period=600, horizon=600)
    roster = Roster(600.0, 1, 1, (Change(0.0, 0, 1, 0), Change(0.0, 0, 1, 1),
                                  Change(300.0, 0, -1, 1), Change(400.0, 0, 1, 1)))
    _, result, starts = _run(day, roster)
    assert starts == [(0, 0.0, True), (1, 250.0, True), (1, 400.0, True), (1, 450.0, True)]
    assert result.agents.on_duty_time.tolist() == [600.0, 550.0]  # 0-350 s, 400-600 s
    assert result.groups.staffed_time.tolist() == [1150.0]  # 500 planned + 50 overtime
    assert result.summary["answered"] == 4


def test_a_break_over_before_the_contact_ends_leaves_the_agent_on():
    # Agent 0's break (100-200 s) comes and goes while it serves call 0 (50-350 s): it
    # works on, and the whole break counts as overtime.
    day = scripted([50, 360], [300, 10], period=600, horizon=600)
    roster = Roster(600.0, 1, 1, (Change(0.0, 0, 1, 0), Change(100.0, 0, -1, 0),
                                  Change(200.0, 0, 1, 0)))
    centre, result, starts = _run(day, roster)
    assert starts == [(0, 50.0, True), (0, 360.0, True)]
    assert result.agents.on_duty_time.tolist() == [600.0]
    assert result.groups.staffed_time.tolist() == [600.0]
    assert centre.tally.overtime.tolist() == [[100.0]]


@st.composite
def _named_days(draw):
    """A small random day whose groups' agents go on and off duty at their own times."""
    period, intervals = 600.0, 4
    horizon = period * intervals
    groups = draw(st.integers(1, 2))
    changes = []
    for g in range(groups):
        for n in range(draw(st.integers(1, 4))):
            times = sorted(set(draw(st.lists(st.floats(0, horizon - 1e-3), max_size=5))))
            changes += [Change(t, g, 1 if k % 2 == 0 else -1, n) for k, t in enumerate(times)]
    names = ["a", "b"][:groups]
    day = Scenario(
        period=period, horizon=horizon,
        contact_types=[{"name": "calls", "arrivals": {"per_hour": draw(st.floats(20, 200))},
                        "handle_time": {"dist": "exponential",
                                        "mean": draw(st.floats(20, 400))},
                        "patience": {"dist": "exponential", "mean": 200}}],
        agent_groups=[{"name": n, "skills": ["calls"], "staff": 0} for n in names])
    return day, Roster(period, intervals, groups, tuple(changes)), draw(st.integers(0, 99))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(case=_named_days())
def test_a_named_roster_keeps_its_invariants(case, monkeypatch):
    day, roster, seed = case
    moves: dict[tuple[int, int], list[tuple[bool, float]]] = {}
    come, leave = Group.come, Group.leave

    def logged_come(self, number, now):
        agent, since = come(self, number, now)
        if since is None:
            moves.setdefault(agent.key, []).append((True, now))
        return agent, since

    def logged_leave(self, agent, now, due=None):
        moves.setdefault(agent.key, []).append((False, now))
        leave(self, agent, now, due)

    with monkeypatch.context() as patch:
        patch.setattr(Group, "come", logged_come)
        patch.setattr(Group, "leave", logged_leave)
        _, result, starts = _run(day, roster, seed)
    # Nobody starts a contact off duty or owing a change.
    assert all(fine for _, _, fine in starts)
    # Every agent goes on, off, on, ... in time order, and never off before its roster says.
    for (g, n), log in moves.items():
        assert [on for on, _ in log] == [k % 2 == 0 for k in range(len(log))]
        times = [t for _, t in log]
        assert times == sorted(times)
        planned_offs = [off for _, off in roster.spans(g, n)]
        assert all(t >= p for t, p in zip(times[1::2], planned_offs, strict=False))
    # Staffed time covers busy time, in each group and interval.
    groups = result.groups
    assert (groups.staffed_time >= groups.busy_time * (1 - 1e-12) - 1e-9).all()
    # ... and it is the sum of the agents' duty spans as they happened, within the horizon.
    horizon = day.horizon
    spans = 0.0
    for log in moves.values():
        times = [t for _, t in log] + ([horizon] if len(log) % 2 else [])
        spans += sum(min(off, horizon) - on for on, off in zip(times[::2], times[1::2],
                                                             strict=True))
    assert groups.staffed_time.sum() == pytest.approx(spans, rel=1e-12, abs=1e-9)
    # Every contact offered is counted once.
    s = result.summary
    assert s["offered"] == s["answered"] + s["abandoned"] + s["blocked"] + s["unserved"]


class _EveryStart(Policy):
    """Has an ``interval`` hook, so that the centre visits every interval start."""

    def __init__(self) -> None:
        self.starts: list[float] = []

    def interval(self, index: int, now: float) -> None:
        self.starts.append(now)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 999), staff=st.integers(1, 4),
       period=st.sampled_from([300.0, 711.4624505928854, 0.1 * 3001]))
def test_interval_starts_with_no_change_passed_over_change_nothing(seed, staff, period):
    """A head count that never changes: the centre passes over every interval start but
    the last (no change, no hook); visiting them all (a policy's hook) gives the same run,
    with callers arriving exactly at the starts and busy agents to free there."""
    n = 6
    starts = [0.0]
    for _ in range(n - 1):
        starts.append(starts[-1] + period)  # the clock's own sums
    times = sorted({*starts, *np.random.default_rng(seed).uniform(0, n * period, 40)})
    day = Scenario(
        period=period, horizon=n * period,
        contact_types=[{"name": "calls", "arrivals": {"times": times},
                        "handle_time": {"dist": "exponential", "mean": period / 3},
                        "patience": {"dist": "exponential", "mean": period / 4}}],
        agent_groups=[{"name": "agents", "skills": ["calls"], "staff": staff}])
    hook = _EveryStart()
    visited = Centre(day, seed, policies=[hook])
    visited.run()
    assert hook.starts == starts
    passed = Centre(day, seed)
    passed.run()
    a, b = visited.result(), passed.result()
    assert all(v == b.summary[k] or (math.isnan(v) and math.isnan(b.summary[k]))
               for k, v in a.summary.items())
    assert a.intervals.equals(b.intervals) and a.groups.equals(b.groups)
