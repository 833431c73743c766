"""Small days and checks shared by the staffing search's tests."""

from __future__ import annotations

import numpy as np

from ccsim import Scenario
from ccsim.experiment.seeds import run_seeds
from ccsim.optimise.evaluate import Evaluator
from ccsim.optimise.search import Search


def small_day(volumes, *, period="15min", warmup=0, patience="5min", **extra) -> Scenario:
    return Scenario(
        start="08:00", period=period, warmup=warmup, service_level={"answer_within": "20s"},
        contact_types=[{"name": "calls", "arrivals": {"volumes": volumes},
                        "handle_time": {"dist": "exponential", "mean": "4min"},
                        "patience": {"dist": "exponential", "mean": patience}, **extra}],
        agent_groups=[{"name": "team", "skills": ["calls"], "staff": 1}])


#: Load that jumps up and falls back three times: SIPP staffs each interval for its own
#: arrivals and leaves the backlog of the busy one before it to the quiet one after.
JUMPS = [8, 8, 60, 60, 8, 8, 50, 50, 8, 8, 8, 40, 40, 8, 8, 8]


def judges(day: Scenario, plan, seeds: list[tuple[int, int]], groups=("team",),
            costs=(1.0,)) -> list[Search]:
    """Searches on the seeds a plan was judged on (the search's, the confirming ones)."""
    evaluate = Evaluator(day, plan.goals, per=plan.per)
    return [Search(day, plan.goals, run_seeds(s, n), evaluate, groups, costs, plan.per)
            for s, n in seeds]


def assert_minimal(judges: list[Search], heads: np.ndarray) -> None:
    """``heads`` meets on every judge's seeds, and without any one agent of a measured
    interval (the warm-up keeps its analytic staff) some interval or day misses on one
    of them."""
    assert not any(j.misses(heads).any() for j in judges)
    first = judges[0].first
    for g, k in zip(*np.nonzero(heads[:, first:]), strict=True):
        k += first
        fewer = heads.copy()
        fewer[g, k] -= 1
        assert any(j.misses(fewer).any() for j in judges), (g, k)
