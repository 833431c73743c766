"""Shifts of named agents: breaks that keep their length, overtime, absence, and the same
service as head counts where the plan is the same."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from ccsim import Scenario, simulate
from ccsim.model.centre import Centre
from ccsim.model.policies import Policy
from ccsim.model.shifts import agent_days, staffing
from ccsim.scenario import ScenarioError


class _Starts(Policy):
    """Logs every start of service: (agent key, time, on duty and owing nothing)."""

    def __init__(self) -> None:
        self.starts: list[tuple[tuple[int, int], float, bool]] = []

    def answered(self, contact, agent, now, talk, wrap_up) -> None:
        self.starts.append((agent.key, now, agent.on_duty and agent.owed == math.inf))


def _scripted(times, handles, shifts, horizon=3600, period=600, **group):
    return Scenario(
        period=period, horizon=horizon,
        contact_types=[{"name": "calls", "arrivals": {"times": times},
                        "handle_time": {"dist": "sequence", "values": handles}}],
        agent_groups=[{"name": "team", "skills": ["calls"], "shifts": shifts, **group}])


def _run(day: Scenario, seed: int = 0):
    log = _Starts()
    centre = Centre(day, seed, policies=[log])
    centre.run()
    return centre, centre.result(), log.starts


def test_a_break_that_finds_its_agent_busy_starts_when_it_is_free_and_keeps_its_length():
    # One agent, 0-3600 s, a 10-minute break at 600 s. Busy with call 0 (500-700 s) then,
    # it goes at 700 s and is back at 1300 s: call 1 (650 s) waits for it.
    day = _scripted([500, 650], [200, 100], [
        {"start": "00:00", "length": "1h", "agents": 1,
         "breaks": [{"at": "00:10", "length": "10min"}]}])
    _, result, starts = _run(day)
    assert starts == [((0, 0), 500.0, True), ((0, 0), 1300.0, True)]
    agent = result.agents.iloc[0]
    assert (agent.break_time, agent.overtime, agent.on_duty_time) == (600.0, 0.0, 3000.0)
    assert agent.paid_time == 3600.0 and agent["shift"] == "00:00–01:00"
    # Staffed time is the duty as worked: on to 700 s, off until 1300 s.
    assert result.groups.staffed_time.tolist() == [600.0, 100.0, 500.0, 600.0, 600.0, 600.0]


def test_an_agent_busy_at_the_end_of_its_shift_finishes_its_contact_as_overtime():
    day = _scripted([1700], [400], [{"start": "00:00", "length": "30min", "agents": 1}])
    _, result, starts = _run(day)
    agent = result.agents.iloc[0]
    assert starts == [((0, 0), 1700.0, True)]
    assert (agent.overtime, agent.on_duty_time, agent.paid_time) == (300.0, 2100.0, 2100.0)
    assert result.groups.staffed_time.tolist() == [600.0, 600.0, 600.0, 300.0, 0.0, 0.0]


def test_a_break_missed_while_on_a_late_one_follows_it_in_full():
    # Break 1 at 600 s (10 min) finds the agent busy until 1100 s: away 1100-1700 s.
    # Break 2 at 1500 s (5 min) comes meanwhile: taken at 1700 s, back at 2000 s.
    day = _scripted([500, 1200], [600, 60], [
        {"start": "00:00", "length": "1h", "agents": 1,
         "breaks": [{"at": "00:10", "length": "10min"}, {"at": "00:25", "length": "5min"}]}])
    _, result, starts = _run(day)
    assert starts == [((0, 0), 500.0, True), ((0, 0), 2000.0, True)]
    assert result.agents.iloc[0].break_time == 900.0
    assert result.groups.staffed_time.sum() == 3600.0 - 900.0


def test_a_shift_that_ends_during_a_late_break_ends_it():
    # The break (10 min at 1200 s) starts late at 1700 s; the shift ends at 1800 s.
    day = _scripted([1000], [700], [
        {"start": "00:00", "length": "30min", "agents": 1,
         "breaks": [{"at": "00:20", "length": "10min", "paid": False}]}])
    _, result, _ = _run(day)
    agent = result.agents.iloc[0]
    assert (agent.break_time, agent.overtime, agent.on_duty_time) == (100.0, 0.0, 1700.0)
    assert agent.paid_time == 1200.0  # 30 min less the unpaid 10-minute break, as planned


def _heavy_day(**group) -> Scenario:
    return Scenario(
        start="08:00", horizon="12h", period="30min",
        contact_types=[{"name": "calls", "arrivals": {"per_hour": 90},
                        "handle_time": {"dist": "exponential", "mean": "5min"},
                        "patience": {"dist": "exponential", "mean": "4min"}}],
        agent_groups=[{"name": "team", "skills": ["calls"], "shifts": [
            {"start": "08:00", "length": "8.5h", "agents": 6, "breaks": [
                {"window": ["10:00", "11:00"], "length": "15min"},
                {"window": ["12:00", "14:00"], "length": "30min", "paid": False},
                {"window": ["15:00", "16:00"], "length": "15min"}]},
            {"start": "11:00", "length": "8.5h", "agents": 4, "breaks": [
                {"window": ["14:00", "16:00"], "length": "30min", "paid": False}]},
        ], **group}])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_nobody_answers_off_duty_and_paid_break_and_staffed_time_add_up(seed):
    day = _heavy_day(absence=0.15)
    centre, result, starts = _run(day, seed)
    assert starts and all(fine for _, _, fine in starts)
    agents = result.agents
    plans = centre.agent_plans[0]
    assert len(agents) == len(plans) == 10
    assert agents["shift"].tolist() == ["08:00–16:30"] * 6 + ["11:00–19:30"] * 4
    planned = np.array([p.paid for p in plans])
    assert np.array_equal(agents.paid_time.to_numpy(), planned + agents.overtime.to_numpy())
    # A break is never shortened (none runs into its shift's end here): each agent takes
    # exactly the break time its days present plan.
    assert agents.break_time.tolist() == [p.breaks for p in plans]
    assert agents.absent_days.tolist() == [p.absent for p in plans]
    # Staffed time is the agents' time on duty (overtime included: all of it before the
    # horizon, as the last shift ends half an hour before it).
    groups = result.groups
    assert groups.staffed_time.sum() == pytest.approx(agents.on_duty_time.sum(), rel=1e-12)
    assert (groups.staffed_time >= groups.busy_time * (1 - 1e-12)).all()
    on_duty = np.array([p.duty for p in plans]) - agents.break_time + agents.overtime
    assert agents.on_duty_time.to_numpy() == pytest.approx(on_duty.to_numpy(), abs=1e-6)


def test_a_shift_plan_with_the_head_counts_of_a_staff_vector_gives_the_same_run():
    # Agents only come on (3, then 2 more at 02:00 and one at 04:00): the same agents
    # answer the same contacts whether they are named or counted.
    def day(group):
        return Scenario(
            horizon="8h", period="30min",
            contact_types=[{"name": "calls", "arrivals": {"volumes": [40] * 4 + [70] * 12},
                            "handle_time": {"dist": "lognormal", "mean": "4min", "cv": 1.0},
                            "patience": {"dist": "exponential", "mean": "3min"}}],
            agent_groups=[{"name": "team", "skills": ["calls"], **group}])

    counted = day({"staff": [3] * 4 + [5] * 4 + [6] * 8})
    named = day({"shifts": [{"start": "00:00", "length": "8h", "agents": 3},
                            {"start": "02:00", "length": "6h", "agents": 2},
                            {"start": "04:00", "length": "4h", "agents": 1}]})
    for seed in range(3):
        a, b = simulate(counted, seed), simulate(named, seed)
        assert a.summary == b.summary
        assert a.intervals.equals(b.intervals)


def test_named_agents_going_off_match_head_counts_within_their_cis():
    # With agents going off, head counts send idle ones first (or the first busy ones to
    # finish) and shifts name theirs, who finish their contacts while the others work on:
    # the runs differ, by less than either one's confidence interval can tell.
    def day(group):
        return Scenario(
            horizon="8h", period="30min",
            contact_types=[{"name": "calls", "arrivals": {"per_hour": 60},
                            "handle_time": {"dist": "exponential", "mean": "5min"},
                            "patience": {"dist": "exponential", "mean": "3min"}}],
            agent_groups=[{"name": "team", "skills": ["calls"], **group}])

    counted = day({"staff": [7] * 8 + [5] * 8})
    named = day({"shifts": [{"start": "00:00", "length": "8h", "agents": 5},
                            {"start": "00:00", "length": "4h", "agents": 2}]})
    a = [simulate(counted, s).summary["service_level"] for s in range(40)]
    b = [simulate(named, s).summary["service_level"] for s in range(40)]
    half = stats.t.ppf(0.975, 39) * max(stats.sem(a), stats.sem(b))
    assert 0 < abs(np.mean(a) - np.mean(b)) < half


def test_absent_agent_days_are_a_binomial_share_of_those_planned():
    day = Scenario(
        horizon="7d", period="1h",
        contact_types=[{"name": "calls", "arrivals": {"per_hour": 1},
                        "handle_time": {"dist": "exponential", "mean": "5min"}}],
        agent_groups=[{"name": "team", "skills": ["calls"], "absence": 0.08, "shifts": [
            {"start": "08:00", "length": "8h", "agents": 30},
            {"start": "12:00", "length": "8h", "agents": [10, 10, 10, 10, 12, 4, 4]}]}])
    planned = 30 * 7 + 60
    absent = sum(a.absent for seed in range(10) for a in staffing(day, seed).agents[0])
    n = 10 * planned
    low, high = stats.binom.ppf([0.0005, 0.9995], n, 0.08)
    assert low <= absent <= high
    # Absent agents have no duty: the roster names only those present.
    roster = staffing(day, 0).roster
    ons = sum(1 for c in roster.changes if c.delta > 0)
    assert ons == planned - sum(a.absent for a in staffing(day, 0).agents[0])


def test_absence_changes_nothing_else_and_zero_absence_nothing_at_all():
    base = _heavy_day()
    assert simulate(base, 4).summary == simulate(_heavy_day(absence=0.0), 4).summary
    # Adding agents to the second shift moves nobody's absence in the first.
    one = staffing(_heavy_day(absence=0.3), 4).agents[0]
    more = base.with_changes({"agent_groups.team.absence": 0.3,
                              "agent_groups.team.shifts": [
                                  *[s.model_dump() for s in base.agent_groups[0].shifts[:1]],
                                  {**base.agent_groups[0].shifts[1].model_dump(), "agents": 7}]})
    assert [a.absent for a in staffing(more, 4).agents[0][:8]] == [a.absent for a in one[:8]]


def test_breaks_in_a_window_are_staggered_evenly_over_the_shifts_agents():
    staff = staffing(_heavy_day(), 0)
    starts = sorted(c.time for c in staff.roster.changes
                    if c.delta < 0 and c.length == 900.0 and c.time < 4 * 3600)
    # 10:00-11:00 window, 15 minutes, six agents: starts 0, 9, ..., 45 min after 10:00.
    assert starts == [7200.0 + 540.0 * k for k in range(6)]


@pytest.mark.parametrize(("shift", "path", "words"), [
    ({"start": "08:00", "length": "4h", "agents": 1,
      "breaks": [{"at": "13:00", "length": "15min"}]},
     "agent_groups[team].shifts[0]", "ends after the shift"),
    ({"start": "08:00", "length": "8h", "agents": 1,
      "breaks": [{"window": ["10:00", "11:00"], "length": "30min"},
                 {"window": ["10:30", "12:00"], "length": "30min"}]},
     "agent_groups[team].shifts[0]", "overlaps another break"),
    ({"start": "08:00", "length": "8h", "agents": 1,
      "breaks": [{"window": ["10:00", "10:10"], "length": "30min"}]},
     "agent_groups[team].shifts[0]", "shorter than its length"),
    ({"start": "16:00", "length": "10h", "agents": 1},
     "agent_groups[team].shifts[0]", "past the end of the horizon"),
    ({"start": "08:00", "length": "8h", "agents": [1, 2]},
     "agent_groups[team].shifts[0].agents", "lists 2 agent counts but the horizon holds 1 day"),
    ({"start": "08:00", "length": "8h", "agents": 1, "days": [2]},
     "agent_groups[team].shifts[0].days", "names day 2"),
    ({"start": "08:00", "length": "8h", "agents": 1,
      "breaks": [{"length": "15min"}]},
     "agent_groups[team].shifts[0].breaks[0]", "give the break a 'window'"),
])
def test_a_bad_shift_is_an_error_with_its_key_path(shift, path, words):
    with pytest.raises(ScenarioError) as error:
        _day_of(shifts=[shift])
    assert error.value.path == path and words in error.value.message


def _day_of(**group) -> Scenario:
    return Scenario(
        start="00:00", horizon="1d", period="1h",
        contact_types=[{"name": "calls", "arrivals": {"per_hour": 10},
                        "handle_time": {"dist": "exponential", "mean": "5min"}}],
        agent_groups=[{"name": "team", "skills": ["calls"], **group}])


def test_a_group_has_staff_or_shifts_and_absence_needs_shifts():
    shift = {"start": "08:00", "length": "8h", "agents": 1}
    for group, path, words in [
            ({"staff": 2, "shifts": [shift]}, "agent_groups[team]", "one of the two"),
            ({}, "agent_groups[team]", "one of the two"),
            ({"staff": 2, "absence": 0.1}, "agent_groups[team].absence", "no 'shifts'")]:
        with pytest.raises(ScenarioError) as error:
            _day_of(**group)
        assert error.value.path == path and words in error.value.message


def test_the_cli_refuses_a_bad_shift_with_exit_2_and_the_key_path(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("""
horizon = "1d"
[[contact_types]]
name = "calls"
arrivals = { per_hour = 10 }
handle_time = { dist = "exponential", mean = "5min" }
[[agent_groups]]
name = "team"
skills = ["calls"]
shifts = [{ start = "20:00", length = "8h", agents = 3 }]
""")
    done = subprocess.run([sys.executable, "-m", "ccsim.cli", "run", str(bad)],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "agent_groups[team].shifts[0]: runs on day 1 from 20:00 for 8h" in done.stderr


@st.composite
def _plans(draw):
    """A 10-hour day of 30-minute intervals with one to three shifts of up to four agents,
    each with up to two breaks (in windows or at fixed times), ending an hour before the
    horizon; absence up to 50 %; a load from light to heavy."""
    shifts = []
    for _ in range(draw(st.integers(1, 3))):
        start = draw(st.integers(0, 10)) * 30  # minutes after 08:00
        length = draw(st.integers(2, 18 - start // 30)) * 30
        breaks, at = [], start + 15
        for _ in range(draw(st.integers(0, 2))):
            size = draw(st.sampled_from([5, 10, 15, 30]))
            room = draw(st.integers(0, 45))
            if at + size + room > start + length:
                break
            window = [_clock(at), _clock(at + size + room)]
            breaks.append({"window": window, "length": f"{size}min"} if room
                          else {"at": window[0], "length": f"{size}min"})
            at += size + room + draw(st.integers(0, 30))
        shifts.append({"start": _clock(start), "length": f"{length}min",
                       "agents": draw(st.integers(1, 4)), "breaks": breaks})
    day = Scenario(
        start="08:00", horizon="10h", period="30min",
        contact_types=[{"name": "calls",
                        "arrivals": {"per_hour": draw(st.sampled_from([10, 40, 90]))},
                        "handle_time": {"dist": "empirical",
                                        "values": ["1min", "3min", "5min", "9min"]},
                        "patience": {"dist": "exponential", "mean": "4min"}}],
        agent_groups=[{"name": "team", "skills": ["calls"], "shifts": shifts,
                       "absence": draw(st.sampled_from([0.0, 0.2, 0.5]))}])
    return day, draw(st.integers(0, 99))


def _clock(minutes: int) -> str:
    minutes += 8 * 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@settings(max_examples=40, deadline=None)
@given(case=_plans())
def test_any_shift_plan_keeps_duty_breaks_and_pay_consistent(case):
    day, seed = case
    centre, result, starts = _run(day, seed)
    # Nobody starts a contact off duty, on a break or owing a change.
    assert all(fine for _, _, fine in starts)
    agents, plans = result.agents, centre.agent_plans[0]
    assert len(agents) == len(plans)
    for (_, row), plan in zip(agents.iterrows(), plans, strict=True):
        # A break is whole: cut only by the end of its shift, never otherwise.
        assert row.break_time <= plan.breaks + 1e-9
        assert row.paid_time == pytest.approx(plan.paid + row.overtime, abs=1e-9)
        # On duty: the duty planned less the breaks as taken, plus overtime.
        assert row.on_duty_time == pytest.approx(plan.duty - row.break_time + row.overtime,
                                                 abs=1e-6)
    # Staffed time is the agents' time on duty (every shift ends an hour before the
    # horizon, and no contact lasts longer than 9 minutes).
    assert result.groups.staffed_time.sum() == pytest.approx(agents.on_duty_time.sum(),
                                                              rel=1e-12, abs=1e-6)
    s = result.summary
    assert s["offered"] == s["answered"] + s["abandoned"] + s["unserved"]


def test_the_trace_shows_no_agent_answering_off_duty_or_in_its_planned_break():
    day = _heavy_day(absence=0.2)
    trace = simulate(day, 5, trace=True).trace
    answered = trace[trace.event == "answered"]
    assert answered.agent.notna().all() and len(answered) > 300
    plan, gone = agent_days(day, 5, 0)
    duty: dict[int, list] = {}
    for d, away in zip(plan, gone, strict=True):
        if not away:
            duty.setdefault(d.agent, []).append(d)
    # A late break moves the break later, never earlier: its planned span stays free too.
    for time, agent in zip(answered.time, answered.agent, strict=True):
        mine = [d for d in duty[int(agent)] if d.on <= time < d.off]
        assert len(mine) == 1, (time, agent)
        assert not any(b <= time < b + length for b, length, _ in mine[0].breaks), (time, agent)
