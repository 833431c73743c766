"""The core's behaviour on cases small enough to work out by hand, and its invariants."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_cases import scripted

from ccsim import Scenario, simulate


def test_three_calls_worked_out_by_hand():
    # Call 0 at 0 s is answered at once and talks to 30 s. Call 1 at 10 s waits 20 s and
    # talks to 60 s. Call 2 at 20 s would wait until 60 s but hangs up at 20 + 25 = 45 s.
    result = simulate(scripted([0, 10, 20], [30], patience=[25]))
    s = result.summary
    assert (s["offered"], s["answered"], s["abandoned"], s["blocked"]) == (3, 2, 1, 0)
    assert s["service_level"] == pytest.approx(1 / 3)
    assert s["asa"] == pytest.approx(10.0)
    assert s["mean_wait"] == pytest.approx(45 / 3)
    assert s["p_wait"] == pytest.approx(2 / 3)
    assert s["abandon_rate"] == pytest.approx(1 / 3)
    assert s["occupancy"] == pytest.approx(60 / 600)
    assert s["wait_p50"] == pytest.approx(20, rel=0.01)


def test_a_contact_whose_patience_ends_as_an_agent_frees_is_answered():
    s = simulate(scripted([0, 10], [30], patience=[20])).summary
    assert (s["answered"], s["abandoned"]) == (2, 0)


def test_trace_lists_every_event_in_time_order():
    trace = simulate(scripted([0, 10, 20], [30], patience=[25]), trace=True).trace
    rows = list(zip(trace.time, trace.event, trace.contact, strict=True))
    assert rows == [
        (0, "arrived", 0), (0, "answered", 0), (10, "arrived", 1), (20, "arrived", 2),
        (30, "finished", 0), (30, "answered", 1), (45, "abandoned", 2), (60, "finished", 1),
    ]


def test_busy_agents_finish_their_contact_when_staff_drops():
    # One agent until 60 s, none after; the call from 30 s to 90 s is finished in overtime.
    result = simulate(scripted([30], [60], staff=[1, 0], period=60, horizon=120))
    assert result.summary["answered"] == 1
    groups = result.groups.set_index("interval")
    assert groups.loc[0, "occupancy"] == pytest.approx(0.5)
    assert groups.loc[1, "staffed_time"] == pytest.approx(30)
    assert groups.loc[1, "occupancy"] == pytest.approx(1.0)


def test_idle_agents_leave_at_once_and_new_agents_take_waiting_contacts():
    # No agent in the first minute: the call at 10 s waits until an agent starts at 60 s.
    s = simulate(scripted([10], [30], staff=[0, 1], period=60, horizon=120)).summary
    assert s["asa"] == pytest.approx(50)
    # Both calls are answered by the one agent; the second leaves its agent idle at 120 s.
    result = simulate(scripted([0, 70], [30], staff=[2, 1], period=60, horizon=120))
    staffed = result.groups.set_index("interval").staffed_time
    assert list(staffed) == pytest.approx([120, 60])


def test_an_agent_owed_to_a_staff_drop_stays_when_staff_rises_again():
    # Staff 1, 0, 1: the call from 30 s to 150 s spans the drop and the rise.
    result = simulate(scripted([30, 100], [120, 10], staff=[1, 0, 1], period=60, horizon=180))
    groups = result.groups.set_index("interval")
    assert groups.loc[1, "staffed_time"] == pytest.approx(60)  # overtime all of interval 1
    s = result.summary
    assert s["answered"] == 2
    assert s["asa"] == pytest.approx((0 + 50) / 2)  # the second call waits for the same agent
    assert s["occupancy"] <= 1


def test_contacts_left_without_agents_abandon_or_stay_unserved():
    s = simulate(scripted([10, 20], [30], patience=[5, 1e6], staff=0)).summary
    assert (s["offered"], s["abandoned"], s["unserved"]) == (2, 2, 0)
    assert s["mean_wait"] == pytest.approx((5 + 1e6) / 2)
    s = simulate(scripted([10, 20], [30], staff=0)).summary
    assert (s["offered"], s["abandoned"], s["unserved"]) == (2, 0, 2)


def test_same_seed_same_results_and_another_seed_differs(single_queue_file):
    from ccsim import load_scenario

    scenario = load_scenario(single_queue_file)
    a, b, c = simulate(scenario, 7), simulate(scenario, 7), simulate(scenario, 8)
    assert a.summary == b.summary
    assert a.intervals.equals(b.intervals) and a.groups.equals(b.groups)
    assert a.summary != c.summary


def test_a_new_contact_type_leaves_the_draws_of_the_others_unchanged(single_queue_dict):
    # Streams are named, not numbered: adding "sales" must not change "general"'s arrivals.
    one = Scenario.from_dict(single_queue_dict)
    single_queue_dict["contact_types"].append(
        {**single_queue_dict["contact_types"][0], "name": "sales"}
    )
    single_queue_dict["agent_groups"].append(
        {"name": "sellers", "skills": ["sales"], "staff": 50}
    )
    two = Scenario.from_dict(single_queue_dict)
    trace_one = simulate(one, 3, trace=True).trace
    trace_two = simulate(two, 3, trace=True).trace
    general = trace_two[trace_two.contact_type == "general"]
    arrivals = general[general.event == "arrived"].time
    assert arrivals.tolist() == trace_one[trace_one.event == "arrived"].time.tolist()


def test_little_law_links_the_queue_the_arrival_rate_and_the_mean_wait(single_queue_file):
    """L = λW: the time-average number waiting in the measured window, integrated from the
    traced events, equals the scenario's arrival rate (690 an hour: not a count from the run)
    times the summary's mean wait, within the 99.9 % CI of 20 replications. A wrong arrival
    rate, or a mean wait that leaves out abandoned or blocked callers, breaks it."""
    from scipy import stats

    from ccsim import load_scenario

    scenario = load_scenario(single_queue_file)
    window = (3600.0, 36000.0)
    rate = 690 / 3600
    gaps, queue = [], []
    for seed in range(20):
        result = simulate(scenario, seed, trace=True)
        t = result.trace
        arrived = t[t.event == "arrived"].set_index(["contact_type", "contact"]).time
        left = t[t.event.isin(["answered", "abandoned"])]
        left = left.set_index(["contact_type", "contact"]).time
        start = arrived.loc[left.index].to_numpy()
        end = left.to_numpy()
        overlap = np.clip(np.minimum(end, window[1]) - np.maximum(start, window[0]), 0, None)
        length = overlap.sum() / (window[1] - window[0])
        queue.append(length)
        gaps.append(length - rate * result.summary["mean_wait"])
    gaps = np.array(gaps)
    half = stats.t.ppf(0.9995, len(gaps) - 1) * gaps.std(ddof=1) / math.sqrt(len(gaps))
    assert abs(gaps.mean()) <= half
    assert half <= 0.05 * np.mean(queue)  # precise enough to see a 5 % error


def test_busy_agents_on_average_equal_answered_rate_times_handle_time(single_queue_file):
    """Little's law for the servers: occupancy × agents = λ_answered × E[handle]."""
    from ccsim import load_scenario

    scenario = load_scenario(single_queue_file)
    result = simulate(scenario, 5, trace=True)
    t = result.trace
    start = t[t.event == "answered"].set_index(["contact_type", "contact"]).time
    end = t[t.event == "finished"].set_index(["contact_type", "contact"]).time
    window = (3600.0, 36000.0)
    busy = (end.clip(*window) - start.clip(*window)).clip(lower=0).sum()
    assert result.summary["occupancy"] == pytest.approx(busy / (50 * (window[1] - window[0])))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    per_hour=st.floats(10, 2000),
    aht=st.floats(10, 900),
    patience=st.one_of(st.none(), st.floats(1, 900)),
    staff=st.lists(st.integers(0, 30), min_size=4, max_size=4),
    lines=st.one_of(st.none(), st.integers(1, 60)),
    seed=st.integers(0, 2**32),
)
def test_every_contact_is_accounted_for(per_hour, aht, patience, staff, lines, seed):
    contact = {
        "name": "calls",
        "arrivals": {"per_hour": per_hour},
        "handle_time": {"dist": "exponential", "mean": aht},
    }
    if patience is not None:
        contact["patience"] = {"dist": "exponential", "mean": patience}
    scenario = Scenario(
        period=900, horizon=3600, lines=lines, contact_types=[contact],
        agent_groups=[{"name": "agents", "skills": ["calls"], "staff": staff}],
    )
    result = simulate(scenario, seed, trace=True)
    s = result.summary
    assert s["offered"] == s["answered"] + s["abandoned"] + s["blocked"] + s["unserved"]
    arrivals = (result.trace.event == "arrived").sum()
    assert s["offered"] == arrivals
    rows = result.intervals[result.intervals.contact_type == "all"]
    assert rows.offered.sum() == s["offered"]
    assert (rows.offered == rows.answered + rows.abandoned + rows.blocked + rows.unserved).all()
    groups = result.groups
    assert (groups.busy_time <= groups.staffed_time + 1e-6).all()
    for metric in ("service_level", "abandon_rate", "p_wait", "occupancy"):
        # (occupancy: busy and staffed time are sums of the same spans in another order)
        assert math.isnan(s[metric]) or 0 <= s[metric] <= 1 + 1e-12
    if patience is None and lines is None:
        assert s["abandoned"] == 0
    if lines is None:
        assert s["blocked"] == 0
    if staff[-1] > 0 or patience is not None:
        assert s["unserved"] == 0


def test_unserved_contacts_count_as_waiting_until_the_horizon():
    # Nobody on duty after 60 s; the call at 100 s is never answered. Its wait does not
    # depend on when the last unrelated call ends.
    waits = []
    for handle in (10, 10_000):
        s = simulate(scripted([0, 100], [handle], staff=[1, 0], period=60, horizon=120)).summary
        assert (s["answered"], s["unserved"]) == (1, 1)
        waits.append(s["mean_wait"])
    assert waits == [pytest.approx((0 + 20) / 2)] * 2


def test_every_draw_of_the_nth_contact_is_the_same_whatever_the_staffing(single_queue_dict):
    """Common random numbers: handle time and wrap-up belong to the contact, not to the
    order of service, so changing staff changes no contact's talk or wrap-up."""
    single_queue_dict["contact_types"][0]["wrap_up"] = {"dist": "exponential", "mean": 30}
    busy = []
    for staff in (45, 50):
        single_queue_dict["agent_groups"][0]["staff"] = staff
        t = simulate(Scenario.from_dict(single_queue_dict), 4, trace=True).trace
        start = t[t.event == "answered"].set_index("contact").time
        end = t[t.event == "finished"].set_index("contact").time
        busy.append(end - start)
    both = busy[0].index.intersection(busy[1].index)
    assert len(both) > 5000
    assert (busy[0][both] - busy[1][both]).abs().max() < 1e-9


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    per_hour=st.floats(30, 1500),
    aht=st.floats(20, 600),
    wrap_up=st.one_of(st.none(), st.floats(1, 120)),
    patience=st.one_of(st.none(), st.floats(5, 600)),
    staff=st.integers(1, 12),
    lines=st.one_of(st.none(), st.integers(1, 40)),
    seed=st.integers(0, 2**32),
)
def test_no_agent_idles_while_a_caller_waits(per_hour, aht, wrap_up, patience, staff, lines,
                                            seed):
    """Work conservation, read off the trace: whenever a contact is waiting, every agent is
    busy. (Guards the lazy ends of service and the wake-ups: a missed wake-up leaves an agent
    idle beside a queue.)"""
    contact = {"name": "calls", "arrivals": {"per_hour": per_hour},
               "handle_time": {"dist": "exponential", "mean": aht}}
    if patience is not None:
        contact["patience"] = {"dist": "exponential", "mean": patience}
    if wrap_up is not None:
        contact["wrap_up"] = {"dist": "exponential", "mean": wrap_up}
    scenario = Scenario(period=900, horizon=3600, lines=lines, contact_types=[contact],
                        agent_groups=[{"name": "agents", "skills": ["calls"], "staff": staff}])
    trace = simulate(scenario, seed, trace=True).trace
    step = {"arrived": (0, 1), "answered": (1, -1), "abandoned": (0, -1), "blocked": (0, -1),
            "finished": (-1, 0)}
    busy = waiting = 0
    for time, events in trace.groupby("time", sort=True).event:
        for event in events:
            b, w = step[event]
            busy, waiting = busy + b, waiting + w
        assert waiting == 0 or busy == staff, (time, busy, waiting)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rates=st.tuples(st.floats(30, 900), st.floats(30, 900)),
    aht=st.tuples(st.floats(20, 400), st.floats(20, 400)),
    patience=st.one_of(st.none(), st.floats(5, 600)),
    wrap_up=st.one_of(st.none(), st.floats(1, 60)),
    staff=st.tuples(st.lists(st.integers(0, 6), min_size=4, max_size=4),
                    st.lists(st.integers(0, 6), min_size=4, max_size=4)),
    seed=st.integers(0, 2**32),
)
def test_no_able_agent_idles_while_a_contact_waits_in_several_groups(
    rates, aht, patience, wrap_up, staff, seed
):
    """Work conservation across groups with changing staff: whenever a contact of a type
    waits, every on-duty agent of every group able to take it is busy (agents finishing
    after their shift count as busy too)."""
    types = []
    for name, rate, mean in zip("ab", rates, aht, strict=True):
        spec = {"name": name, "arrivals": {"per_hour": rate},
                "handle_time": {"dist": "exponential", "mean": mean}}
        if patience is not None:
            spec["patience"] = {"dist": "exponential", "mean": patience}
        if wrap_up is not None:
            spec["wrap_up"] = {"dist": "exponential", "mean": wrap_up}
        types.append(spec)
    groups = [{"name": "only_a", "skills": ["a"], "staff": staff[0]},
              {"name": "both", "skills": ["b", "a"], "staff": staff[1]}]
    scenario = Scenario(period=900, horizon=3600, contact_types=types, agent_groups=groups)
    trace = simulate(scenario, seed, trace=True).trace
    able = {0: (0, 1), 1: (1,)}
    busy, waiting = [0, 0], [0, 0]
    for time, rows in trace.groupby("time", sort=True):
        for event, name, group_name in zip(rows.event, rows.contact_type, rows.agent_group,
                                           strict=True):
            kind, group = "ab".index(name), {"only_a": 0, "both": 1}.get(group_name)
            if event == "arrived":
                waiting[kind] += 1
            elif event == "answered":
                waiting[kind] -= 1
                busy[group] += 1
            elif event == "finished":
                busy[group] -= 1
            else:  # abandoned, unserved
                waiting[kind] -= 1
        interval = min(int(time // 900), 3)
        for kind in (0, 1):
            if waiting[kind]:
                for g in able[kind]:
                    assert busy[g] >= staff[g][interval], (time, kind, g, busy, waiting)


@pytest.mark.parametrize(("given", "hint"), [("day.toml", "load_scenario"),
                                             ({"name": "x"}, r"Scenario\(\*\*keys\)")])
def test_simulate_refuses_what_is_not_a_scenario_and_says_what_to_do(given, hint):
    with pytest.raises(TypeError, match=rf"takes a ccsim.Scenario, not \w+ .*{hint}"):
        simulate(given)


def test_a_finished_run_is_freed_by_reference_counting():
    """Nothing of a run but SimPy's own environment is left for the cyclic collector
    (whose passes over a search's runs would cost them a fifth of their time)."""
    import gc

    scenario = Scenario(period=900, horizon=3600,
                        contact_types=[{"name": "a", "arrivals": {"per_hour": 60},
                                        "handle_time": {"dist": "exponential", "mean": 200},
                                        "patience": {"dist": "exponential", "mean": 60}}],
                        agent_groups=[{"name": "g", "skills": ["a"], "staff": [2, 3, 1, 2]}])
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        result = simulate(scenario, 1)
        del result
        left = gc.collect()
    finally:
        if was_enabled:
            gc.enable()
    assert left <= 10  # simpy.Environment binds its event classes to itself


def _peak_traced(customers: int) -> int:
    """Peak Python memory (bytes) of one run of a day of 1,000 agents at load 0.9, where
    nothing waits: one stretch of arrivals runs all day (no interval start to visit)."""
    import tracemalloc

    agents, aht = 1000, 240.0
    rate = 0.9 * agents / aht  # per second
    scenario = Scenario(
        horizon=customers / rate, period=customers / rate / 4,
        contact_types=[{"name": "calls", "arrivals": {"per_hour": rate * 3600},
                        "handle_time": {"dist": "exponential", "mean": aht},
                        "patience": {"dist": "exponential", "mean": 180.0}}],
        agent_groups=[{"name": "a", "skills": ["calls"], "staff": agents}])
    simulate(scenario, 0)  # imports and first-use costs out of the count
    tracemalloc.start()
    try:
        simulate(scenario, 1)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_day_in_one_stretch_of_arrivals_folds_its_records_as_it_goes():
    # The records were folded only when an event began, and such a day has almost none:
    # 4x the customers held ~2.3x the memory. Folded as they mount up, about the same.
    assert _peak_traced(80_000) < 1.3 * _peak_traced(20_000)
