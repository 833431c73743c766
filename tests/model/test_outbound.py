"""Outbound campaigns, blending rules and quotas: off is the plain run, each rule does what
it says (checked in the trace and on the live state of the run), calling hours and list
sizes hold, quotas are paced on the planned roster, and the agents table adds up."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from model_cases import assert_agrees_with_chain

from ccsim import Scenario, ScenarioError, simulate
from ccsim.model.agents import Agent
from ccsim.model.outbound import Outbound
from ccsim.model.roster import Roster
from ccsim.scenario import Campaign


def _day(rule=None, *, keep_idle=0, quota=None, counts="outbound", staff=10, per_hour=100.0,
         hours=8, campaign=None, start="08:00", pressure=None, resolution=1.0):
    group = {"name": "team", "skills": ["calls"], "staff": staff, "outbound": ["leads"]}
    if pressure is not None:
        group["pressure"] = pressure
    if rule is not None:
        group["blending"] = {"rule": rule, **({"keep_idle": keep_idle} if keep_idle else {})}
    if quota is not None:
        group["quota"] = {"daily": quota, "counts": counts}
    leads = {"name": "leads", "dial_time": "20s", "reach": 0.5, "success": 0.2,
             "handle_time": {"dist": "exponential", "mean": "5min"}, **(campaign or {})}
    return Scenario(
        period=1800, horizon=hours * 3600, start=start, outbound=[leads], agent_groups=[group],
        contact_types=[{"name": "calls", "arrivals": {"per_hour": per_hour},
                        "handle_time": {"dist": "exponential", "mean": 240},
                        "patience": {"dist": "exponential", "mean": 180},
                        "resolution": resolution,
                        **({"repeat_delay": "1h"} if pressure is not None or resolution < 1
                           else {})}],
    )


def _plain(day: Scenario) -> Scenario:
    data = day.model_dump()
    data["outbound"] = []
    for group in data["agent_groups"]:
        group.update(outbound=[], blending=None, quota=None)
    return Scenario(**data)


def _waiting_at(trace, times):
    """For each of ``times``: inbound callers who arrived before it and left after it."""
    arrived = trace[trace.event == "arrived"].set_index("contact").time
    left = trace[trace.event.isin(["answered", "abandoned"])].set_index("contact").time
    both = left.index.intersection(arrived.index)
    a, b = arrived[both].to_numpy(), left[both].to_numpy()
    return np.array([int(((a < t) & (b > t)).sum()) for t in times])


def test_without_campaigns_the_run_is_the_plain_one():
    day = _day()
    plain = simulate(_plain(day), 3).summary
    again = simulate(Scenario(**_plain(day).model_dump()), 3).summary
    assert json.dumps(plain) == json.dumps(again)
    assert "outbound_attempts" not in plain


class Eager(Outbound):
    """The scenario's outbound policy with every end of service observed at its time."""

    def __init__(self, scenario):
        super().__init__(scenario)
        self.replayable = False


@pytest.mark.parametrize("keys", [
    {"rule": "reserve", "keep_idle": 2},
    {"rule": "quota_first", "quota": 80, "counts": "all", "pressure": {"floor": 0.5},
     "resolution": 0.8},
    {"rule": "inbound_first", "campaign": {"hours": ["10:00", "12:00"], "list_size": 300}},
])
def test_dials_decided_late_are_the_dials_decided_at_each_end(keys):
    day = _day(**keys)
    late, eager = simulate(day, 3), simulate(day, 3, policies=[Eager(day)])
    assert json.dumps(late.summary) == json.dumps(eager.summary)
    assert late.agents.equals(eager.agents)


def test_a_list_two_groups_share_is_dialled_at_each_end():
    data = _day("inbound_first", campaign={"list_size": 200}).model_dump()
    data["agent_groups"].append({**data["agent_groups"][0], "name": "more", "staff": 4})
    policy = Outbound(Scenario(**data))
    assert not policy.replayable  # a shared finite list goes in time order, group by group


def test_inbound_first_never_dials_while_an_inbound_caller_waits():
    r = simulate(_day("inbound_first", per_hour=130), 4, trace=True)
    t = r.trace
    dials = t[t.event == "outbound_attempt"].time.to_numpy()
    assert len(dials) > 300 and r.summary["abandoned"] > 50  # busy: callers do wait
    assert (_waiting_at(t, dials) == 0).all()


class Watched(Outbound):
    """The scenario's outbound policy, noting the idle agents left at every dial."""

    def __init__(self, scenario):
        super().__init__(scenario)
        self.idle_left: list[int] = []

    def _dial(self, agent: Agent, now: float) -> bool:
        idle = len(agent.group.idle)
        dialled = super()._dial(agent, now)
        if dialled:
            self.idle_left.append(idle)
        return dialled


@pytest.mark.parametrize("keep_idle", [1, 3, 6])
def test_reserve_never_dials_leaving_fewer_than_keep_idle_agents_idle(keep_idle):
    day = _day("reserve", keep_idle=keep_idle)
    watched = Watched(day)
    r = simulate(day, 5, policies=[watched], trace=True)
    assert len(watched.idle_left) == r.summary["outbound_attempts"] > 100
    assert min(watched.idle_left) >= keep_idle
    t = r.trace  # and, as inbound_first, never while a caller waits
    dials = t[t.event == "outbound_attempt"].time.to_numpy()
    assert (_waiting_at(t, dials) == 0).all()


def test_more_reserve_means_fewer_outbound_calls_and_shorter_waits():
    rows = [simulate(_day("reserve", keep_idle=k), 6).summary for k in (0, 2, 5)]
    attempts = [s["outbound_attempts"] for s in rows]
    asa = [s["asa"] for s in rows]
    assert attempts[0] > attempts[1] > attempts[2] > 0
    assert asa[0] > asa[1] > asa[2]


def test_quota_first_dials_before_inbound_when_behind_pace():
    r = simulate(_day("quota_first", quota=60, per_hour=130), 2, trace=True)
    t = r.trace
    dials = t[t.event == "outbound_attempt"].time.to_numpy()
    assert (_waiting_at(t, dials) > 0).sum() > 50  # it dialled while callers waited
    easy = simulate(_day("quota_first", quota=5, per_hour=130), 2, trace=True).trace
    few = easy[easy.event == "outbound_attempt"].time.to_numpy()
    assert (_waiting_at(easy, few) > 0).sum() < (_waiting_at(t, dials) > 0).sum() / 5


def test_raising_the_quota_raises_outbound_calls_and_inbound_waits():
    rows = [simulate(_day("quota_first", quota=q, per_hour=120), 7).summary for q in (20, 50, 80)]
    reached = [s["outbound_reached"] for s in rows]
    asa = [s["asa"] for s in rows]
    assert reached[0] < reached[1] < reached[2]
    assert asa[0] < asa[1] < asa[2]
    assert rows[0]["quota_met"] > rows[2]["quota_met"]


def test_pace_follows_the_planned_roster():
    # Four agents until noon, two after: agents 2 and 3 are planned for the morning only.
    day = _day(quota=40, hours=8)
    data = day.model_dump()
    data["agent_groups"][0]["staff"] = [4] * 8 + [2] * 8
    day = Scenario(**data)
    policy = Outbound(day)
    policy._roster = Roster.from_scenario(day)  # what install() reads off the centre

    class Seat:  # an agent of group 0, as the pace sees it
        def __init__(self, number):
            self.group, self.number, self.key, self.handled = _G, number, (0, number), 0

    class _G:
        index = 0

    assert policy.pace(Seat(0), 2 * 3600) == pytest.approx(40 * 2 / 8)
    assert policy.pace(Seat(3), 2 * 3600) == pytest.approx(40 * 2 / 4)
    assert policy.pace(Seat(3), 6 * 3600) == pytest.approx(40)  # its day is over
    assert policy.pace(Seat(1), 8 * 3600) == pytest.approx(40)


def test_calls_are_made_only_in_calling_hours_and_from_the_list():
    day = _day("inbound_first", campaign={"hours": ["10:00", "12:30"], "list_size": 150})
    r = simulate(day, 8, trace=True)
    dials = r.trace[r.trace.event == "outbound_attempt"].time
    assert dials.min() >= 2 * 3600 and dials.max() < 4.5 * 3600
    assert r.summary["outbound_attempts"] == 150  # the list ran out first
    leads = Campaign(name="leads", handle_time={"dist": "constant", "value": 60},
                     success=0.5, hours=("07:00", "09:00"))
    assert leads.windows("08:00", 86_400 * 2, "mon") == [
        (0.0, 3600.0), (82_800.0, 90_000.0), (169_200.0, 172_800.0)]


def test_the_agents_table_adds_up_to_the_run():
    day = _day("reserve", keep_idle=2, quota=30, counts="all")
    r = simulate(day, 9)
    agents, s = r.agents, r.summary
    assert len(agents) == 10 and list(agents.agent) == list(range(10))
    assert agents.contacts_handled.sum() == s["answered"]
    assert agents.outbound_attempts.sum() == s["outbound_attempts"]
    assert agents.outbound_reached.sum() == s["outbound_reached"]
    busy = r.groups.busy_time.sum() + r.groups.drain_time.sum()
    assert agents.busy_time.sum() == pytest.approx(busy)
    assert (agents.busy_share <= 1 + 1e-9).all()
    assert (agents.quota_done == agents.contacts_handled + agents.outbound_reached).all()
    met = agents.quota_done >= agents.quota
    assert s["quota_met"] == pytest.approx(met.mean())


# --- quota pressure --------------------------------------------------------------------


def test_pressure_on_agents_never_behind_changes_nothing():
    off = simulate(_day("quota_first", quota=0, resolution=0.8), 3).summary
    on = simulate(_day("quota_first", quota=0, resolution=0.8, pressure={}), 3).summary
    assert json.dumps(on) == json.dumps(off)


def test_an_agent_behind_pace_cuts_its_talk_time_down_to_the_floor():
    def talks(pressure):
        day = _day("inbound_first", quota=500, counts="all", per_hour=60, hours=4,
                   pressure=pressure, campaign={"list_size": 1})
        t = simulate(day, 5, trace=True).trace
        answered = t[t.event == "answered"].set_index("contact").time
        return t[t.event == "finished"].set_index("contact").time - answered, answered

    (drawn, _), (cut, start) = talks(None), talks({"floor": 0.5, "slope": 4})
    share = cut / drawn[cut.index]
    assert len(share) > 100
    assert share.between(0.5 - 1e-9, 1 + 1e-9).all()
    # Pace grows 125 an hour; each agent has done fewer than 25 by the end: after an
    # hour every agent is behind by more than 0.2 × 500, and 1 − 4 × 0.2 is below the floor.
    late = share[start[share.index] > 3600]
    assert len(late) > 100 and np.allclose(late, 0.5)
    assert share[start[share.index] < 120].min() > 0.9  # hardly behind yet


def test_raising_the_quota_under_pressure_costs_resolution_and_brings_repeats():
    from scipy import stats

    # Calls out in the morning only: in the afternoon, agents behind answer inbound rushed.
    def day(quota):
        return _day("quota_first", quota=quota, counts="all", per_hour=90, resolution=0.85,
                    pressure={"floor": 0.5, "slope": 3, "resolution_elasticity": 1},
                    campaign={"hours": ["08:00", "12:00"]})

    reps = 10
    # 20 a day is within reach; 120 is more than an agent's share of the day's contacts.
    rows = {q: [simulate(day(q), 40 + r).summary for r in range(reps)] for q in (20, 120)}

    def gap(metric):  # the same seeds in both: a paired difference and its 99.9 % CI
        d = np.array([b[metric] - a[metric] for a, b in zip(rows[20], rows[120], strict=True)])
        half = stats.t.ppf(0.9995, reps - 1) * d.std(ddof=1) / np.sqrt(reps)
        return d.mean(), half

    for metric, sign in (("outbound_reached", 1), ("resolution_rate", -1),
                         ("repeat_contacts", 1), ("quota_met", -1)):
        mean, half = gap(metric)
        assert sign * mean > half, (metric, mean, half)  # the whole CI on one side


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d["agent_groups"][0].update(pressure={"floor": 0.5}),
     r"agent_groups\[team\]\.pressure: set, but the group has no 'quota'"),
    (lambda d: d["agent_groups"][0].update(quota={"daily": 5}, pressure={"floor": 0}),
     r"agent_groups\[team\]\.pressure\.floor: must be > 0 \(got 0\)"),
    (lambda d: d["agent_groups"][0].update(quota={"daily": 5}, pressure={"slope": -1}),
     r"agent_groups\[team\]\.pressure\.slope: must be > 0"),
    (lambda d: d["agent_groups"][0].update(quota={"daily": 5}, pressure={"floor": 0.5}),
     r"contact_types\[calls\]\.repeat_delay: is required: the pressure on 'team' lowers"),
    (lambda d: d["contact_types"][0].update(repeat_delay="1h"),
     r"contact_types\[calls\]\.repeat_delay: set, but every contact is resolved"),
    (lambda d: d["agent_groups"][0].update(outbound=["lead"]),
     r"agent_groups\[team\]\.outbound: 'lead' names no \[\[outbound\]\] campaign; "
     r"expected one of: leads"),
    (lambda d: d["agent_groups"][0].update(outbound=[]),
     r"outbound\[leads\]: no agent group lists this campaign"),
    (lambda d: d["outbound"][0].update(reach=1.5), r"outbound\[leads\]\.reach: must be <= 1"),
    (lambda d: d["outbound"][0].pop("success"), r"outbound\[leads\]\.success: is required"),
    (lambda d: d["outbound"][0].update(list_size=0), r"outbound\[leads\]\.list_size: must be >= 1"),
    (lambda d: d["outbound"][0].update(hours=["17:00", "09:00"]),
     r"outbound\[leads\]\.hours: must run from an earlier clock time to a later one"),
    (lambda d: d["outbound"][0].update(hours=["9am", "5pm"]),
     r"outbound\[leads\]\.hours\[0\]: .*9am"),
    (lambda d: d["agent_groups"][0].update(blending={"rule": "outbound_first"}),
     r"agent_groups\[team\]\.blending\.rule: must be 'inbound_first', 'reserve' or "
     r"'quota_first'"),
    (lambda d: d["agent_groups"][0].update(blending={"rule": "inbound_first", "keep_idle": 2}),
     r"agent_groups\[team\]\.blending\.keep_idle: applies to rule 'reserve' only"),
    (lambda d: d["agent_groups"][0].update(blending={"rule": "reserve", "keep_idle": -1}),
     r"agent_groups\[team\]\.blending\.keep_idle: must be >= 0"),
    (lambda d: d["agent_groups"][0].update(blending={"rule": "quota_first"}),
     r"agent_groups\[team\]\.blending: rule 'quota_first' needs a 'quota'"),
    (lambda d: d["agent_groups"][0].update(quota={"daily": -5}),
     r"agent_groups\[team\]\.quota\.daily: must be >= 0"),
    (lambda d: d["agent_groups"][0].update(quota={"daily": 5, "counts": "sales"}),
     r"agent_groups\[team\]\.quota\.counts: must be 'outbound' or 'all'"),
    (lambda d: d["agent_groups"][0].update(outbound=[], blending=None,
                                           quota={"daily": 5}) or d.update(outbound=[]),
     r"agent_groups\[team\]\.quota\.counts: counts outbound conversations, but the group "
     r"lists no 'outbound' campaign"),
])
def test_bad_outbound_keys_say_where_and_what(edit, message):
    data = _day().model_dump()
    edit(data)
    with pytest.raises(ScenarioError, match=message):
        Scenario(**data)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rule=st.sampled_from(["inbound_first", "reserve", "quota_first"]),
    keep_idle=st.integers(0, 5),
    quota=st.integers(0, 60),
    counts=st.sampled_from(["outbound", "all"]),
    staff=st.lists(st.integers(0, 10), min_size=4, max_size=4),
    per_hour=st.floats(20, 300),
    list_size=st.one_of(st.none(), st.integers(1, 200)),
    calling=st.one_of(st.none(), st.just(["08:20", "09:10"])),
    pressure=st.booleans(),
    seed=st.integers(0, 2**32),
)
def test_with_blending_every_contact_is_accounted_for_and_runs_repeat(
    rule, keep_idle, quota, counts, staff, per_hour, list_size, calling, pressure, seed
):
    has_quota = rule == "quota_first" or quota % 2 or pressure
    campaign = {**({"list_size": list_size} if list_size else {}),
                **({"hours": calling} if calling else {})}
    data = _day(rule, keep_idle=keep_idle if rule == "reserve" else 0,
                quota=quota if has_quota else None, counts=counts, hours=2,
                per_hour=per_hour, campaign=campaign,
                pressure={"floor": 0.5} if pressure else None).model_dump()
    data["period"] = 1800
    data["agent_groups"][0]["staff"] = staff
    scenario = Scenario(**data)
    first, again = simulate(scenario, seed), simulate(scenario, seed)  # the run checks
    s = first.summary
    assert json.dumps(s) == json.dumps(again.summary)
    assert s["outbound_reached"] <= s["outbound_attempts"]
    assert s["outbound_successes"] <= s["outbound_reached"]
    if list_size:
        assert s["outbound_attempts"] <= list_size
    assert (first.groups.occupancy.dropna() <= 1 + 1e-9).all()
    if len(first.agents):
        assert (first.agents.busy_share.dropna() <= 1 + 1e-9).all()


# --- the exact chain of the reserve ----------------------------------------------------

RESERVE_CHAINS = [
    # agents, load, keep_idle, patience (None: infinite), mean outbound talk, hours per
    # replication, replications. Inbound talk is 240 s; the last case has equal talk times
    # and no abandonment: the closed form of Bhulai & Koole (2003).
    (5, 0.8, 0, 180.0, 300.0, 100, 16),
    (10, 0.8, 2, 180.0, 300.0, 100, 16),
    (20, 0.8, 6, 180.0, 300.0, 60, 16),
    (5, 0.95, 2, 180.0, 300.0, 100, 16),
    (10, 0.7, 2, None, 300.0, 300, 16),
    (10, 0.8, 3, None, 240.0, 300, 16),
]


@pytest.mark.parametrize(
    ("agents", "load", "keep_idle", "patience", "outbound_talk", "hours", "reps"),
    RESERVE_CHAINS)
def test_reserve_agrees_with_its_exact_markov_chain(agents, load, keep_idle, patience,
                                                    outbound_talk, hours, reps):
    from reserve_chain import closed_form, solve

    aht = 240.0
    lam = load * agents / aht
    theta = 1 / patience if patience else 0.0
    exact = solve(agents, lam, 1 / aht, 1 / outbound_talk, theta, keep_idle)
    assert exact.boundary < 1e-9
    if not theta and outbound_talk == aht:
        formula = closed_form(agents, lam, 1 / aht, keep_idle)
        assert (exact.mean_wait, exact.outbound_per_hour) == pytest.approx(
            (formula.mean_wait, formula.outbound_per_hour), rel=1e-9)
    period = 30 * aht
    contact = {"name": "calls", "arrivals": {"per_hour": lam * 3600},
               "handle_time": {"dist": "exponential", "mean": aht}}
    if patience:
        contact["patience"] = {"dist": "exponential", "mean": patience}
    scenario = Scenario(
        period=period, horizon=period * math.ceil(hours * 3600 / period), warmup=period,
        contact_types=[contact],
        agent_groups=[{"name": "team", "skills": ["calls"], "staff": agents,
                       "outbound": ["leads"],
                       "blending": {"rule": "reserve", "keep_idle": keep_idle}
                       if keep_idle else {"rule": "inbound_first"}}],
        outbound=[{"name": "leads", "success": 0,
                   "handle_time": {"dist": "exponential", "mean": outbound_talk}}],
    )
    measured = (scenario.horizon - scenario.warmup) / 3600
    runs = [simulate(scenario, 700 + r).summary for r in range(reps)]
    observed = {
        "abandon_rate": [s["abandon_rate"] for s in runs],
        "p_wait": [s["p_wait"] for s in runs],
        "mean_wait": [s["mean_wait"] for s in runs],
        "outbound_per_hour": [s["outbound_reached"] / measured for s in runs],
    }
    assert_agrees_with_chain(observed, exact, reps)
