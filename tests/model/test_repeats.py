"""First-contact resolution and repeat contacts: off is the plain run, repeats draw from
streams of their own, their rate follows the renewal argument within confidence
intervals, each group settles its share, and repeats are counted apart (their outcomes
add up, their agents' time stays in occupancy)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from ccsim import Scenario, ScenarioError, simulate

AHT = 240.0


def _day(resolution=1.0, *, by_group=None, delay="2min", patience=180.0, staff=12,
         per_hour=120.0, hours=40, period=3600, handle=None):
    contact = {"name": "calls", "arrivals": {"per_hour": per_hour},
               "handle_time": handle or {"dist": "exponential", "mean": AHT},
               "resolution": resolution}
    if by_group:
        contact["resolution_by_group"] = by_group
    if resolution < 1 or by_group:
        contact["repeat_delay"] = {"dist": "exponential", "mean": delay}
    if patience is not None:
        contact["patience"] = {"dist": "exponential", "mean": patience}
    groups = ([{"name": "agents", "skills": ["calls"], "staff": staff}] if not by_group else
              [{"name": name, "skills": ["calls"], "staff": staff // 2} for name in by_group])
    return Scenario(period=period, horizon=hours * 3600, contact_types=[contact],
                    agent_groups=groups)


def test_resolution_one_is_the_plain_run():
    plain = simulate(_day(), 3)
    data = _day().model_dump()
    data["contact_types"][0].pop("resolution")
    assert json.dumps(simulate(Scenario(**data), 3).summary) == json.dumps(plain.summary)
    assert "repeat_contacts" not in plain.summary  # no policy installed


def test_repeats_draw_from_streams_of_their_own():
    # The first attempts keep their talk times whatever the repeats do.
    def talks(resolution):
        t = simulate(_day(resolution, staff=40, hours=4), 5, trace=True).trace
        answered = t[t.event == "answered"].set_index("contact").time
        finished = t[t.event == "finished"].set_index("contact").time
        return finished - answered

    plain, repeating = talks(1.0), talks(0.6)
    assert len(plain) > 400 and plain.index.equals(repeating.index)
    assert (plain == repeating).all()


@pytest.mark.parametrize("p", [0.9, 0.7, 0.5])
def test_repeats_follow_the_renewal_argument(p):
    # Nobody abandons, so every customer makes a geometric number of contacts, with mean
    # 1/p: repeats per first attempt → (1 − p)/p (the 2 min delay loses ~nothing at the end).
    reps = 12
    ratios = []
    for seed in range(reps):
        s = simulate(_day(p, patience=None, staff=25, hours=40), 100 + seed).summary
        assert s["repeats_answered"] == s["repeat_contacts"]
        ratios.append(s["repeat_contacts"] / s["offered"])
    ratios = np.array(ratios)
    half = stats.t.ppf(0.9995, reps - 1) * ratios.std(ddof=1) / math.sqrt(reps)
    target = (1 - p) / p
    assert abs(ratios.mean() - target) <= half, (ratios.mean(), half, target)
    assert half <= 0.1 * target


def test_every_answered_conversation_is_unsettled_with_its_groups_probability():
    by_group = {"experts": 0.9, "juniors": 0.5}
    r = simulate(_day(0.8, by_group=by_group, staff=14, hours=20), 6, trace=True)
    t, s = r.trace, r.summary
    for group, p in by_group.items():
        conversations = ((t.event.isin(["answered", "repeat_answered"]))
                         & (t.agent_group == group)).sum()
        unsettled = ((t.event == "unsettled") & (t.agent_group == group)).sum()
        ci = stats.binomtest(int(unsettled), int(conversations)).proportion_ci(0.999)
        assert ci.low <= 1 - p <= ci.high, group
    assert 0.5 < s["resolution_rate"] < 0.9
    rows = r.groups.groupby("agent_group").resolution_rate.mean()
    assert rows["experts"] > 0.85 > 0.55 > rows["juniors"]  # each group's own resolution


def test_repeats_are_counted_apart_and_their_work_is_in_occupancy():
    # Constant talk time, infinite patience: busy time is exactly talk × conversations.
    day = _day(0.6, patience=None, staff=20, hours=6,
               handle={"dist": "constant", "value": 200})
    r = simulate(day, 2)
    s = r.summary
    assert s["offered"] == s["answered"]  # first attempts only
    assert s["repeat_contacts"] == s["repeats_answered"] > 300
    busy = r.groups.busy_time.sum() + r.groups.drain_time.sum()
    assert busy == pytest.approx(200 * (s["answered"] + s["repeats_answered"]))


def test_a_repeat_can_be_unsettled_again_and_keeps_its_customer():
    t = simulate(_day(0.3, patience=None, staff=20, hours=3), 4, trace=True).trace
    per_customer = t[t.event == "repeat_arrived"].groupby("contact").size()
    assert per_customer.max() >= 3  # a third call of the same customer
    first = t[t.event == "arrived"].set_index("contact").time
    again = t[t.event == "repeat_arrived"].groupby("contact").time.min()
    assert (again > first[again.index]).all()


@pytest.mark.parametrize(("edit", "message"), [
    ({"resolution": 1.2, "repeat_delay": "1h"},
     r"contact_types\[calls\]\.resolution: must be <= 1 \(got 1.2\)"),
    ({"resolution": 0.8}, r"contact_types\[calls\]\.repeat_delay: is required when resolution"),
    ({"repeat_delay": "1h"}, r"contact_types\[calls\]\.repeat_delay: set, but every contact"),
    ({"resolution": 0.8, "repeat_delay": "later"},
     r"contact_types\[calls\]\.repeat_delay: expected a duration .*'later'"),
    ({"resolution_by_group": {"agnets": 0.5}, "repeat_delay": "1h"},
     r"contact_types\[calls\]\.resolution_by_group: 'agnets' names no agent group that "
     r"takes 'calls'; expected one of: agents"),
    ({"resolution_by_group": {"agents": -0.5}, "repeat_delay": "1h"},
     r"contact_types\[calls\]\.resolution_by_group\.agents: must be >= 0 \(got -0.5\)"),
])
def test_bad_resolution_keys_say_where_and_what(edit, message):
    data = _day().model_dump()
    data["contact_types"][0].update(edit)
    with pytest.raises(ScenarioError, match=message):
        Scenario(**data)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    p=st.floats(0.2, 1),
    staff=st.lists(st.integers(0, 8), min_size=4, max_size=4),
    per_hour=st.floats(30, 300),
    callbacks=st.booleans(),
    lines=st.one_of(st.none(), st.integers(1, 30)),
    seed=st.integers(0, 2**32),
)
def test_with_repeats_every_contact_is_accounted_for_and_runs_repeat(
    p, staff, per_hour, callbacks, lines, seed
):
    data = _day(min(p, 0.99), staff=1, hours=1, period=900, per_hour=per_hour).model_dump()
    data["agent_groups"][0]["staff"] = staff
    data["lines"] = lines
    if callbacks:
        data["callbacks"] = {"queue_at_least": 1, "accept": 0.5, "promise": "20min",
                             "abandoned": {"share": 0.5, "delay": "5min"}}
    scenario = Scenario(**data)
    first, again = simulate(scenario, seed), simulate(scenario, seed)  # the run checks both
    s = first.summary  # identities, first attempts and repeats apart
    assert json.dumps(s) == json.dumps(again.summary)
    assert s["repeats_answered"] + s["repeats_abandoned"] <= s["repeat_contacts"]
    rows = first.intervals[first.intervals.contact_type == "all"]
    assert rows.repeat_contacts.sum() == s["repeat_contacts"]
    assert (first.intervals.occupancy.dropna() <= 1 + 1e-9).all()


def test_a_faster_group_keeps_its_resolution_only_pressure_cuts_it():
    # The finding: Proficiency speeding a group cut first-contact resolution from
    # 0.795 to 0.551 with nobody behind quota (quota 0): any shorter talk counted as rushed.
    from ccsim.model.service import Proficiency

    def day(quota):
        group = {"name": "team", "skills": ["calls"], "staff": 10,
                 "quota": {"daily": quota, "counts": "all"},
                 "pressure": {"resolution_elasticity": 1.0}}
        return Scenario(period=1800, horizon=8 * 3600, agent_groups=[group],
                        contact_types=[{"name": "calls", "arrivals": {"per_hour": 100},
                                        "handle_time": {"dist": "exponential", "mean": 240},
                                        "resolution": 0.8, "repeat_delay": "1h"}])

    def fcr(scenario, policies=()):
        r = simulate(scenario, 3, policies=policies)
        return r.summary["resolution_rate"], r.summary["answered"]

    (plain, n), (fast, m) = fcr(day(0)), fcr(day(0), [Proficiency({"team": 0.5})])
    # Each answered first attempt is settled with probability 0.8 in both runs: the two
    # rates differ by less than 3.3 standard errors of a difference of proportions.
    se = math.sqrt(0.8 * 0.2 * (1 / n + 1 / m))
    assert n > 500 and abs(fast - plain) < 3.3 * se
    assert abs(fast - 0.8) < 3.3 * math.sqrt(0.16 / m)
