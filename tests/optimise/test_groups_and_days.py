"""The search with several groups (each group's own queue staffed as theory says; the
cheaper agent bought), with goals judged per day, and run anywhere with the same answer."""

from __future__ import annotations

import numpy as np
import pytest
from optimise_cases import JUMPS, assert_minimal, judges, small_day

from ccsim import Scenario
from ccsim.analytic.staffing import agents_for_target
from ccsim.optimise import sipp_staff, staff
from ccsim.optimise.evaluate import Evaluator


def _calls(name: str, per_interval: list[int]) -> dict:
    return {"name": name, "arrivals": {"volumes": per_interval},
            "handle_time": {"dist": "exponential", "mean": "4min"},
            "patience": {"dist": "exponential", "mean": "5min"}}


def test_two_teams_of_specialists_each_get_the_erlang_a_answer_of_their_queue():
    # Two types, each taken by its own team only: two independent steady queues.
    day = Scenario(
        start="08:00", period="30min", warmup="1h", service_level={"answer_within": "20s"},
        contact_types=[_calls("sales", [40] * 8), _calls("billing", [90] * 8)],
        agent_groups=[{"name": "sellers", "skills": ["sales"], "staff": 1},
                      {"name": "clerks", "skills": ["billing"], "staff": 1}])
    goals = ["sales: service_level >= 0.8", "billing: service_level >= 0.8"]
    plan = staff(day, goals, replications=30, validate=60, seed=2, workers=1)
    r = plan.requirement
    for group, per_half_hour in (("sellers", 40), ("clerks", 90)):
        erlang_a = agents_for_target(per_half_hour / 1800, 240, answer_within=20,
                                     target_service_level=0.8, mean_patience=300)
        mine = r[(r.agent_group == group) & (r.interval >= 2)]
        assert (mine.sipp == erlang_a).all(), mine
        assert (abs(mine.agents - erlang_a) <= 1).all(), mine
    heads = np.array([r[r.agent_group == g].agents.tolist() for g in ("sellers", "clerks")])
    assert_minimal(judges(day, plan, [(2, 30), (3, 60)], ("sellers", "clerks"), (1.0, 1.0)),
                   heads)
    assert plan.scenario.agent_groups[1].staff == tuple(heads[1])


def test_of_two_teams_that_take_the_same_calls_the_search_buys_the_cheaper_agents():
    # Agents of either team do the same; one costs five times the other, far more than
    # what 20 replications' noise can make one agent seem to buy over the other.
    day = small_day([8, 30, 30, 8]).with_changes({
        "agent_groups": [{"name": "dear", "skills": ["calls"], "staff": 1},
                         {"name": "cheap", "skills": ["calls"], "staff": 1}],
        "costs": {"agent_groups": {"dear": {"per_hour": 100}, "cheap": {"per_hour": 20}}}})
    plan = staff(day, ["service_level >= 0.8"], replications=20, validate=40, seed=1, workers=1)
    r = plan.requirement
    assert (r[r.agent_group == "dear"].agents == 0).all(), r
    assert r[r.agent_group == "cheap"].agents.min() >= 1
    assert plan.evaluation.meets.all()
    # The same scenario with the rates swapped staffs the other team the same way.
    swapped = day.with_changes({"costs.agent_groups": {"dear": {"per_hour": 20},
                                                       "cheap": {"per_hour": 100}}})
    other = staff(swapped, ["service_level >= 0.8"], replications=20, validate=40, seed=1,
                  workers=1)
    o = other.requirement
    assert o[o.agent_group == "dear"].agents.tolist() == r[r.agent_group == "cheap"].agents.tolist()


def test_a_day_goal_needs_fewer_agents_than_every_interval_and_is_met_on_fresh_seeds():
    day = small_day(JUMPS)
    by_day = staff(day, ["service_level >= 0.8"], per="day", replications=40, validate=100,
                   seed=3, workers=1)
    e = by_day.evaluation
    assert e.columns[0] == "day" and e.day.tolist() == [1] and by_day.per == "day"
    # On fresh seeds the day's service level is at least 80 % (within its CI) ...
    assert e.service_level[0] + e.service_level_ci95[0] >= 0.8, e
    # ... with fewer agent-intervals than meeting 80 % in every interval takes ...
    by_interval = staff(day, ["service_level >= 0.8"], replications=40, validate=100, seed=3,
                        workers=1)
    assert by_day.requirement.agents.sum() < by_interval.requirement.agents.sum()
    # The search (before the confirming seeds add any agent) leaves no agent to spare.
    search = judges(day, by_day, [(3, 40)])[0]
    found = search.by_day(np.array([sipp_staff(day, by_day.goals)["team"]]))
    assert_minimal([search], found)


def test_where_the_candidates_run_changes_nothing_and_dask_gets_the_scenario_once():
    from dask.distributed import Client, LocalCluster

    day = small_day([8, 30, 30, 8])
    goals = ["service_level >= 0.8"]
    here = staff(day, goals, replications=6, validate=6, workers=1)
    pool = staff(day, goals, replications=6, validate=6, workers=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        sent: list[tuple] = []
        submit = client.submit

        def recording(*args, **kwargs):
            sent.append(args)
            return submit(*args, **kwargs)

        client.submit = recording
        on_dask = staff(day, goals, replications=6, validate=6, client=client)
    for other in (pool, on_dask):
        assert other.requirement.equals(here.requirement)
        assert other.evaluation.equals(here.evaluation)
    # Every candidate's task carries its changes and seeds, never the scenario itself.
    assert sent and not any(isinstance(a, Scenario) for args in sent for a in args)
    with pytest.raises(ValueError, match="workers: at least 1"):
        Evaluator(day, [], workers=0)
