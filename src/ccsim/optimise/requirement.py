"""The head count each interval needs to meet the goals, found by simulation.

**Start.** Each interval's analytic answer (SIPP: the interval staffed as if it were a
steady state of its own, Erlang C, or Erlang A with patience, on the interval's offered
load pooled over the types; see :mod:`ccsim.optimise.sipp` for several groups), for the
service-level, ASA and abandonment goals; one agent where nothing applies.

**Search.** Every candidate is simulated on the same ``replications`` seeds (common random
numbers), and a goal is met in an interval when the mean over them is on its good side.
A *forward pass* fixes the intervals in time order: interval k gets agents until it meets
every goal, then gives back those it does not need, as long as no interval before it
misses (an agent in k serves callers who arrived in k − 1). A change in k moves the
backlog of the intervals after it, which the pass meets when it gets there. When the pass
is over, a *trim* takes one agent out of each interval in turn wherever every interval
still meets its goals, until none can go. With several groups, an interval that misses
gets the agent that buys the most of its shortfall per unit cost (the ``[costs]`` rate
per hour, else 1 per agent), and agents are given back dearest first. Goals judged per
day are searched differently (:mod:`ccsim.optimise.search`).

**Confirm.** A mean over a few seeds can be lucky in an interval trimmed to the edge:
the plan is simulated on ``validate`` other seeds, and an interval whose mean misses there
gets one more agent at a time until it meets on them too.

**Shifts.** A group with ``shift_templates`` then gets the cheapest shifts that cover its
requirement, simulated and repaired where they miss (:mod:`ccsim.optimise.rostering`).

**What it guarantees**: every measured interval meets every goal on the mean of the
search's seeds and on that of the confirming seeds; after the search (before the
confirmation adds any agent) no single agent could be taken out of any interval without
some interval missing on the search's seeds — minimal one agent at a time, not a global
optimum (two agents moved at once might do better). **What it does not:** that every
interval's mean meets the goal on yet other seeds: the plan is reported on ``validate``
fresh replications with 95 % CIs (:attr:`StaffingPlan.evaluation`), where an interval
close to its goal may fall slightly short (its CI then straddles the goal).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ccsim.experiment.seeds import run_seeds
from ccsim.model.result import clock
from ccsim.optimise.evaluate import Changes, Evaluator
from ccsim.optimise.goals import Goal
from ccsim.optimise.rostering import plan_scenario, repaired, shift_changes, templated
from ccsim.optimise.search import Progress, Search, nanmean
from ccsim.optimise.sipp import sipp_staff

if TYPE_CHECKING:
    import pandas as pd

    from ccsim.scenario import Scenario

PER = ("interval", "day")


@dataclass(frozen=True)
class StaffingPlan:
    """The search's answer. ``requirement``: ``interval``, ``time``, ``agent_group``,
    ``agents`` (the plan) and ``sipp`` (the analytic answer it started from), one row per
    interval and group searched; ``scenario``: the scenario with the plan as the groups'
    ``staff``; ``evaluation``: per measured interval (``interval``, ``time``) or day
    (``day``), as ``per`` says, each goal's metric under the plan and under SIPP, mean
    and 95 % CI half-width over ``validate`` fresh replications (columns ``<metric>``,
    ``<metric>_ci95``, ``sipp_<metric>``, ``sipp_<metric>_ci95`` per goal, and ``meets``,
    ``sipp_meets``: whether every goal's mean is met); ``evaluations``: the candidates
    simulated (each on ``replications`` seeds in the search, ``validate`` in the
    confirmation); ``shifts``: when the group has shift templates, the shifts chosen to
    cover the requirement (``agent_group``, ``day``, ``template``, ``start``, ``end``,
    ``breaks``, ``agents``, ``paid_hours``: one row per day, template, start and break
    placement with agents), and ``requirement`` then has a column ``cover``: the agents
    those shifts have on duty and not on a break, mean over the interval."""

    requirement: pd.DataFrame
    scenario: Scenario
    evaluation: pd.DataFrame
    goals: tuple[Goal, ...]
    evaluations: int
    shifts: pd.DataFrame | None = None
    per: str = "interval"


def staff(scenario: Scenario, targets: Sequence[str | Goal] = (), *, per: str = "interval",
          replications: int = 50, validate: int = 200, seed: int = 0,
          requirement: Mapping[str, Sequence[float]] | None = None,
          workers: int | None = None, client: Any = None, dask_address: str | None = None,
          progress: Progress | None = None) -> StaffingPlan:
    """The head count per interval of each group staffed by ``staff`` or by
    ``shift_templates`` (groups with ``shifts`` stay as they are) that meets every target
    in every measured interval (``per="interval"``) or day (``"day"``), and for a group
    with templates the cheapest shifts that cover it and meet the targets as simulated;
    see the module's docstring. ``targets`` are goals or their text (``"service_level >=
    0.8"``, ``"billing: asa <= 30s"``); none: the scenario's ``[targets]``.
    ``requirement`` (group → agents per interval, for groups with templates) skips the
    search: those groups' requirement is covered with shifts, the others keep their
    staffing. Candidates run on ``workers`` local processes (default: one per core), on
    the Dask cluster of ``client``, or on one at ``dask_address`` (``""``: a new local
    cluster); the plan is the same wherever they run. ``progress(stage, done, total,
    candidates)`` is called as the search goes (``"forward pass"`` or ``"scale"``,
    ``"trim"``, ``"confirm"``, ``"shifts"``, ``"report"``)."""
    from ccsim.optimise.goals import parse_goal, scenario_goals

    names = [c.name for c in scenario.contact_types]
    goals = (tuple(t if isinstance(t, Goal) else parse_goal(t, names) for t in targets)
             or scenario_goals(scenario))
    if not goals:
        raise ValueError("give at least one target ('service_level >= 0.8'), or the "
                         "scenario [targets]")
    if per not in PER:
        raise ValueError(f"per: {per!r} is not one of: {', '.join(PER)}")
    all_groups = [g.name for g in scenario.agent_groups]
    groups = ([g.name for g in scenario.agent_groups if g.shifts is None]
              if requirement is None else list(requirement))
    if not groups:
        raise ValueError("the search sets head counts (`staff`), and every group of this "
                         "scenario has shifts")
    if requirement is not None and (bare := set(groups) - set(templated(scenario, groups))):
        raise ValueError(f"requirement: {sorted(bare)[0]!r} is no agent group with "
                         "shift_templates to cover it with (expected one of: "
                         f"{', '.join(templated(scenario, all_groups)) or 'none'})")
    if replications < 2 or validate < 2:
        raise ValueError("replications and validate: at least 2 each (a mean and its CI)")
    costs = _costs(scenario, groups)
    sipp = sipp_staff(scenario, goals, groups, costs)
    start = np.array([sipp[g] for g in groups], dtype=np.int64)
    with _evaluator(scenario, goals, per, workers, client, dask_address) as evaluate:
        def search(seeds: list[int]) -> Search:
            return Search(scenario, goals, seeds, evaluate, groups, costs, per, progress)

        first = search(run_seeds(seed, replications))
        confirm = search(run_seeds(seed + 1, validate))
        if requirement is None:
            plan = first.by_interval(start) if per == "interval" else first.by_day(start)
            plan = confirm.add(plan, start)
            final: dict[str, Any] = first.changes(plan)
        else:
            plan = np.array([requirement[g] for g in groups], dtype=float)
            final = {}
        shaped = templated(scenario, groups)
        chosen = None
        if shaped:
            fixed = {k: v for k, v in final.items() if k.split(".")[1] not in shaped}
            # Paid hours are what a cover saves where the group's hours cost nothing.
            rates = {g: c or 1.0 for g, c in zip(groups, costs, strict=True)}
            chosen = repaired([first, confirm], {g: plan[groups.index(g)] for g in shaped},
                              fixed, rates)
            final = {**fixed, **shift_changes(chosen)}
        if progress is not None:
            progress("report", 0, 1, evaluate.calls)
        judge = search(run_seeds(seed + 2, validate))
        evaluation = _evaluate(judge, final, first.changes(start))
        count = evaluate.calls
    table = _requirement(scenario, groups, plan, start)
    shifts = None
    if chosen is not None:
        import pandas as pd

        table["cover"] = np.concatenate([chosen[g].coverage if g in chosen
                                         else np.full(scenario.intervals, np.nan)
                                         for g in groups])
        shifts = pd.concat([c.table for c in chosen.values()], ignore_index=True)
    return StaffingPlan(table, plan_scenario(scenario, final), evaluation, goals,
                        count, shifts, per)


def _costs(scenario: Scenario, groups: list[str]) -> list[float]:
    """What an agent of each group costs per hour (``[costs]``), else 1 each."""
    if scenario.costs is None:
        return [1.0] * len(groups)
    rates = scenario.costs.agent_groups
    return [rates[g].per_hour if g in rates else 0.0 for g in groups]


class _evaluator:
    """The Evaluator of a search, and the Dask cluster it started (closed with it)."""

    def __init__(self, scenario: Scenario, goals: tuple[Goal, ...], per: str,
                 workers: int | None, client: Any, dask_address: str | None):
        self._own = None
        if client is None and dask_address is not None:
            from ccsim.experiment.executors import dask_client

            client = self._own = dask_client(dask_address, workers)
        self._address = dask_address
        self.evaluate = Evaluator(scenario, goals, per=per, client=client,
                                  workers=workers or os.cpu_count() or 1)

    def __enter__(self) -> Evaluator:
        return self.evaluate

    def __exit__(self, *exc: object) -> None:
        self.evaluate.close()
        if self._own is not None:
            cluster = self._own.cluster
            self._own.close()
            if cluster is not None and not self._address:
                cluster.close()


def _evaluate(judge: Search, plan: Changes, sipp: Changes) -> pd.DataFrame:
    """Each goal's metric per measured unit under ``plan`` and under ``sipp``, with 95 %
    CIs over the judge's seeds."""
    import pandas as pd
    from scipy import stats

    scenario, goals = judge.scenario, judge.goals
    first = scenario.warmup_intervals
    table: dict[str, object] = {}
    if judge.per == "interval":
        table["interval"] = list(range(first, scenario.intervals))
        table["time"] = [clock(scenario, i) for i in range(first, scenario.intervals)]
    else:
        table["day"] = list(range(1, judge.days()[-1] + 2))
    meets = {}
    for prefix, heads in (("", plan), ("sipp_", sipp)):
        runs = judge.evaluate(heads, judge.seeds)
        n = np.sum(~np.isnan(runs), axis=1)
        mean = nanmean(runs, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            spread = np.sqrt(nanmean((runs - mean[:, None, :]) ** 2, axis=1) * n
                             / np.maximum(n - 1, 1))
            half = stats.t.ppf(0.975, np.maximum(n - 1, 1)) * spread / np.sqrt(n)
        met = np.ones(runs.shape[2], bool)
        for j, g in enumerate(goals):
            table[f"{prefix}{g.column}"] = mean[j]
            table[f"{prefix}{g.column}_ci95"] = np.where(n[j] >= 2, half[j], np.nan)
            met &= np.array([g.met(v) for v in mean[j]])
        meets[prefix] = met
    table["meets"], table["sipp_meets"] = meets[""], meets["sipp_"]
    return pd.DataFrame(table)


def _requirement(scenario: Scenario, groups: list[str], plan: np.ndarray,
                 sipp: np.ndarray) -> pd.DataFrame:
    import pandas as pd

    n = scenario.intervals
    return pd.DataFrame({
        "interval": list(range(n)) * len(groups),
        "time": [clock(scenario, i) for i in range(n)] * len(groups),
        "agent_group": [g for g in groups for _ in range(n)],
        "agents": plan.reshape(-1), "sipp": sipp.reshape(-1)})
