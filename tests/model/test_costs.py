"""Costs: every component recomputed, to the cent, from the run's own tables."""

from __future__ import annotations

import math

import pytest

from ccsim import Scenario, simulate
from ccsim.scenario import ScenarioError

COSTS = {"currency": "EUR",
         "agent_groups": {"service": {"per_hour": 28.0, "overtime_per_hour": 42.0},
                          "sales": {"per_hour": 32.0}},
         "per_contact": {"billing": 0.40, "tech": 0.25},
         "per_minute_waiting": 0.02, "per_abandon": 2.50}


def _day(costs=COSTS, **extra) -> Scenario:
    return Scenario(
        start="08:00", horizon="10h", period="30min", warmup="30min",
        contact_types=[
            {"name": "billing", "arrivals": {"per_hour": 50},
             "handle_time": {"dist": "exponential", "mean": "5min"},
             "patience": {"dist": "exponential", "mean": "3min"}},
            {"name": "tech", "arrivals": {"per_hour": 20},
             "handle_time": {"dist": "lognormal", "mean": "8min", "cv": 0.8},
             "patience": {"dist": "exponential", "mean": "5min"}}],
        agent_groups=[
            {"name": "service", "skills": ["billing", "tech"], "shifts": [
                {"start": "08:00", "length": "8h", "agents": 5, "breaks": [
                    {"window": ["11:00", "13:00"], "length": "30min", "paid": False}]},
                {"start": "10:00", "length": "8h", "agents": 2}]},
            {"name": "sales", "skills": ["tech"], "staff": [1] * 10 + [2] * 10}],
        costs=costs, **extra)


@pytest.mark.parametrize("seed", [0, 1])
def test_every_cost_is_its_definition_on_the_runs_own_tables(seed):
    day = _day()
    result = simulate(day, seed)
    s, types, groups, agents = result.summary, result.types, result.groups, result.agents
    by_type = types[types.contact_type != "all"].set_index("contact_type")
    contact = 0.40 * by_type.answered["billing"] + 0.25 * by_type.answered["tech"]
    waiting = 0.02 * (by_type.mean_wait * by_type.offered).sum() / 60
    abandon = 2.50 * s["abandoned"]
    # The shifts' agents are paid their duty less the unpaid lunch; sales its head counts;
    # the measured window starts after the 30-minute warm-up (5 agents on duty in it).
    service = agents[agents.agent_group == "service"]
    overtime = service.overtime.sum()
    paid_service = service.paid_time.sum() - overtime - 5 * 1800.0
    paid_sales = (sum([1] * 9 + [2] * 10)) * 1800.0
    staff = (28.0 * paid_service + 32.0 * paid_sales) / 3600
    assert s["contact_cost"] == pytest.approx(contact, abs=0.005)
    assert s["waiting_cost"] == pytest.approx(waiting, abs=0.005)
    assert s["abandon_cost"] == pytest.approx(abandon, abs=0.005)
    assert s["staff_cost"] == pytest.approx(staff, abs=0.005)
    assert s["overtime_cost"] == pytest.approx(42.0 * overtime / 3600, abs=0.005)
    assert s["paid_hours"] == pytest.approx((paid_service + paid_sales + overtime) / 3600,
                                            abs=1e-6)
    total = staff + 42.0 * overtime / 3600 + contact + waiting + abandon
    assert s["total_cost"] == pytest.approx(total, abs=0.005)
    assert s["cost_per_contact"] == pytest.approx(total / s["answered"], abs=1e-4)
    assert s["cost_per_resolved_contact"] == s["cost_per_contact"]  # no resolution
    # The groups' costs add up to the centre's, and a type's row has no staff cost.
    for name in ("staff_cost", "overtime_cost", "paid_hours"):
        assert groups[name].sum() == pytest.approx(s[name], abs=1e-6)
    assert math.isnan(by_type.staff_cost["tech"]) and math.isnan(by_type.total_cost["tech"])
    assert by_type.contact_cost.sum() == pytest.approx(s["contact_cost"], abs=1e-9)
    # ... and so do the days' (one day here) and the intervals'.
    assert result.days.total_cost.sum() == pytest.approx(s["total_cost"], abs=1e-6)
    every = result.intervals[result.intervals.contact_type == "all"]
    assert every.total_cost.sum() == pytest.approx(s["total_cost"], abs=1e-6)


def test_a_type_with_segments_costs_its_contacts_in_every_segment():
    # Costs are per contact class, a type's segments each one (the run failed on a type
    # with segments: its per-type prices did not line up with the tally's classes).
    day = _day()
    billing = {**day.contact_types[0].model_dump(exclude_none=True),
               "segments": [{"name": "gold", "share": 0.3, "priority": 1},
                            {"name": "basic", "share": 0.7, "priority": 2}]}
    result = simulate(day.with_changes({"contact_types": [
        billing, day.contact_types[1].model_dump(exclude_none=True)]}), 2)
    rows = result.types.set_index(["contact_type", "segment"])
    for segment in ("gold", "basic", "all"):
        assert rows.loc[("billing", segment), "contact_cost"] == pytest.approx(
            0.40 * rows.loc[("billing", segment), "answered"])
    assert result.summary["contact_cost"] == pytest.approx(
        0.40 * rows.loc[("billing", "all"), "answered"]
        + 0.25 * rows.loc[("tech", "all"), "answered"])


def test_costs_change_no_other_result():
    with_costs, without = simulate(_day(), 3), simulate(_day(costs=None), 3)
    assert {k: v for k, v in with_costs.summary.items() if k in without.summary} == \
        without.summary


def test_cost_per_resolved_contact_counts_only_settled_matters():
    day = _day().with_changes({"contact_types.billing.resolution": 0.8,
                               "contact_types.billing.repeat_delay": "1h"})
    s = simulate(day, 0).summary
    assert s["cost_per_resolved_contact"] == pytest.approx(
        s["total_cost"] / (s["answered"] * s["resolution_rate"]))


@pytest.mark.parametrize(("change", "path", "words"), [
    ({"agent_groups": {"servce": {"per_hour": 20}}}, "costs.agent_groups.servce",
     "did you mean 'service'"),
    ({"per_contact": {"chat": 0.1}}, "costs.per_contact.chat", "names no contact type"),
    ({"per_abandon": -1}, "costs.per_abandon", "must be >= 0"),
    ({"per_hours": 3}, "costs", "unknown key 'per_hours'"),
])
def test_bad_costs_name_their_key(change, path, words):
    with pytest.raises(ScenarioError) as error:
        _day(costs={**COSTS, "agent_groups": {}, **change})
    assert error.value.path == path and words in error.value.message


def test_revenue_is_the_outbound_successes_times_their_price():
    day = _day().with_changes({
        "costs.per_success": {"leads": -40.0},
        "agent_groups.sales.outbound": ["leads"],
        "outbound": [{"name": "leads", "list_size": 400, "dial_time": "20s", "reach": 0.5,
                      "handle_time": {"dist": "exponential", "mean": "4min"},
                      "success": 0.3}]})
    result = simulate(day, 2)
    s, groups = result.summary, result.groups
    assert s["outbound_successes"] > 0
    assert s["revenue"] == pytest.approx(40.0 * s["outbound_successes"])
    costs = sum(s[n] for n in ("staff_cost", "overtime_cost", "contact_cost", "waiting_cost",
                               "abandon_cost"))
    assert s["total_cost"] == pytest.approx(costs - s["revenue"], abs=1e-6)
    # Revenue is the sales team's: per group and interval of the call.
    by_group = groups.groupby("agent_group")[["revenue", "outbound_successes"]].sum()
    assert by_group.revenue["sales"] == pytest.approx(40.0 * by_group.outbound_successes["sales"])
    assert by_group.revenue["service"] == 0.0
    with pytest.raises(ScenarioError) as error:
        _day(costs={**COSTS, "per_success": {"lead": -40.0}})
    assert error.value.path == "costs.per_success.lead"
    assert "no outbound campaign exists" in error.value.message
