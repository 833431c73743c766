"""The head count each interval needs to meet the goals, found by simulation.

**Start.** Each interval's analytic answer (SIPP: the interval staffed as if it were a
steady state of its own, Erlang C, or Erlang A with patience, on the interval's offered
load pooled over the types), for the service-level, ASA and abandonment goals of the
centre; one agent where nothing applies.

**Search.** Every candidate is simulated on the same ``replications`` seeds (common random
numbers), and a goal is met in an interval when the mean over them is on its good side.
A *forward pass* fixes the intervals in time order: interval k gets agents until it meets
every goal, then gives back those it does not need, as long as no interval before it
misses (an agent in k serves callers who arrived in k − 1). A change in k moves the
backlog of the intervals after it, which the pass meets when it gets there. When the pass
is over, a *trim* takes one agent out of each interval in turn wherever every interval
still meets its goals, until none can go.

**Confirm.** A mean over a few seeds can be lucky in an interval trimmed to the edge:
the plan is simulated on ``validate`` other seeds, and an interval whose mean misses there
gets one more agent at a time until it meets on them too.

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

import math
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ccsim.experiment.seeds import run_seeds
from ccsim.model import simulate
from ccsim.model.result import clock
from ccsim.optimise.goals import Goal

if TYPE_CHECKING:
    import pandas as pd

    from ccsim.scenario import Scenario

#: ``progress(stage, done, total, candidates)``: where the search is, and how many
#: candidates it has simulated.
Progress = Callable[[str, int, int, int], None]

#: The most agents the search gives one interval beyond its analytic answer before it
#: says that the goal cannot be met.
MAX_EXTRA = 200
#: Agents added to an interval without its shortfall shrinking at all before the search
#: says that the goal cannot be met there.
STALLED = 10


class Unreachable(ValueError):
    """A goal that no head count within reach meets (say which, and where)."""


@dataclass(frozen=True)
class StaffingPlan:
    """The search's answer. ``requirement``: ``interval``, ``time``, ``agent_group``,
    ``agents`` (the plan) and ``sipp`` (the analytic answer it started from), one row per
    interval; ``scenario``: the scenario with the plan as the group's ``staff``;
    ``evaluation``: per measured interval, each goal's metric under the plan and under
    SIPP, mean and 95 % CI half-width over ``validate`` fresh replications (columns
    ``<metric>``, ``<metric>_ci95``, ``sipp_<metric>``, ``sipp_<metric>_ci95`` per goal, and
    ``meets``, ``sipp_meets``: whether every goal's mean is met); ``evaluations``: the
    candidates simulated (each on ``replications`` seeds in the search, ``validate`` in
    the confirmation); ``shifts``: when the group has shift templates, the shifts chosen to
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


def staff(scenario: Scenario, targets: Sequence[str | Goal], *, replications: int = 50,
          validate: int = 200, seed: int = 0,
          progress: Progress | None = None) -> StaffingPlan:
    """The head count per interval that meets every target in every measured interval
    (see the module's docstring), for a scenario with one agent group staffed by
    ``staff``. ``targets`` are goals or their text (``"service_level >= 0.8"``,
    ``"billing: asa <= 30s"``). ``progress(stage, done, total, candidates)`` is called
    as the search goes (``"forward pass"``, ``"trim"``, ``"confirm"``, ``"report"``)."""
    from ccsim.optimise.goals import parse_goal

    names = [c.name for c in scenario.contact_types]
    goals = tuple(t if isinstance(t, Goal) else parse_goal(t, names) for t in targets)
    if not goals:
        raise ValueError("give at least one target ('service_level >= 0.8')")
    if len(scenario.agent_groups) != 1 or scenario.agent_groups[0].staff is None:
        raise ValueError("the search sets the head counts (`staff`) of one agent group; this "
                         "scenario has " + ("shifts" if len(scenario.agent_groups) == 1 else
                                            f"{len(scenario.agent_groups)} groups"))
    if replications < 2 or validate < 2:
        raise ValueError("replications and validate: at least 2 each (a mean and its CI)")
    search = _Search(scenario, goals, run_seeds(seed, replications), progress)
    sipp = sipp_staff(scenario, goals)
    plan = search.run(sipp)
    confirm = _Search(scenario, goals, run_seeds(seed + 1, validate), progress)
    confirm.count = search.count  # the candidates so far, counted on
    plan = confirm.add(plan)
    if progress is not None:
        progress("report", 0, 1, confirm.count)
    evaluation = _evaluate(scenario, goals, plan, sipp, run_seeds(seed + 2, validate))
    return StaffingPlan(_requirement(scenario, plan, sipp), _with_staff(scenario, plan),
                        evaluation, goals, confirm.count)


def sipp_staff(scenario: Scenario, goals: Sequence[Goal]) -> list[int]:
    """Each interval's analytic head count for the centre's service-level, ASA and
    abandonment goals (Erlang C, or Erlang A with patience, on the load pooled over the
    types); one agent where no goal applies or no contact arrives."""
    from ccsim.analytic.staffing import agents_for_target

    wanted = {g.metric: g.value for g in goals if g.contact_type == "all"}
    types = scenario.contact_types
    volumes = [scenario.volumes(c) for c in types]
    busy = [c.handle_time.mean + (c.wrap_up.mean if c.wrap_up else 0.0) for c in types]
    patience = [c.patience.mean if c.patience is not None else math.inf for c in types]
    out = []
    for i in range(scenario.intervals):
        arrivals = sum(v[i] for v in volumes)
        if arrivals <= 0 or not wanted.keys() & {"service_level", "asa", "abandon_rate"}:
            out.append(1)
            continue
        weights = [v[i] / arrivals for v in volumes]
        handle = sum(w * b for w, b in zip(weights, busy, strict=True))
        mean_patience = sum(w * p for w, p in zip(weights, patience, strict=True))
        out.append(agents_for_target(
            arrivals / scenario.period, handle,
            answer_within=scenario.service_level.answer_within,
            target_service_level=min(wanted.get("service_level", 0.0), 0.999) or None,
            max_asa=wanted.get("asa") or None,
            max_abandon_rate=wanted.get("abandon_rate") or None,
            mean_patience=mean_patience))
    return out


class _Search:
    """The candidates of one search, simulated on the same seeds, remembered by head
    counts."""

    def __init__(self, scenario: Scenario, goals: tuple[Goal, ...], seeds: list[int],
                 progress: Progress | None):
        self.scenario, self.goals, self.seeds = scenario, goals, seeds
        self.progress = progress
        self.first = scenario.warmup_intervals
        self._seen: dict[tuple[int, ...], np.ndarray] = {}
        self.count = 0

    def misses(self, staff: list[int]) -> np.ndarray:
        """``misses[k]``: how far measured interval k is from its worst goal (0: met)."""
        key = tuple(staff)
        if key not in self._seen:
            means = _means(self.scenario, self.goals, staff, self.seeds)
            self._seen[key] = np.array([
                max(g.shortfall(means[j][k]) for j, g in enumerate(self.goals))
                for k in range(len(means[0]))])
            self.count += 1
        return self._seen[key]

    def run(self, start: list[int]) -> list[int]:
        staff = list(start)
        for k in range(self.first, self.scenario.intervals):
            self._say("forward pass", k - self.first, self.scenario.intervals - self.first)
            staff = self._fix(staff, k)
        self._say("trim", 0, 1)
        return self._trim(staff)

    def add(self, staff: list[int]) -> list[int]:
        """``staff`` with an agent more, one at a time, in each interval that misses on
        these seeds (the earliest first: it moves the backlog of the later ones)."""
        self._say("confirm", 0, 1)
        while (missing := np.flatnonzero(self.misses(staff))).size:
            k = self.first + int(missing[0])
            if staff[k] >= MAX_EXTRA + max(staff):
                raise Unreachable(self._unreachable(staff, k))
            staff = _with(staff, k, staff[k] + 1)
        return staff

    def _fix(self, staff: list[int], k: int) -> list[int]:
        """Interval k meets its goals with the fewest agents that keep every earlier one
        meeting its own."""
        j = k - self.first
        limit, best, flat = staff[k] + MAX_EXTRA, math.inf, 0
        while (short := self.misses(staff)[j]) > 0:
            # An interval no agent helps (a goal on what staffing does not move) stops
            # the search after STALLED agents that changed nothing.
            flat = flat + 1 if short >= best else 0
            best = min(best, short)
            if staff[k] >= limit or flat >= STALLED:
                raise Unreachable(self._unreachable(staff, k))
            staff = _with(staff, k, staff[k] + 1)
        while staff[k] > 0:
            fewer = _with(staff, k, staff[k] - 1)
            if self.misses(fewer)[: j + 1].any():
                break
            staff = fewer
        return staff

    def _trim(self, staff: list[int]) -> list[int]:
        """Take agents out one at a time wherever every interval still meets its goals."""
        changed = True
        while changed:
            changed = False
            for k in range(self.first, self.scenario.intervals):
                while staff[k] > 0 and not self.misses(fewer := _with(staff, k, staff[k] - 1)
                                                       ).any():
                    staff, changed = fewer, True
        return staff

    def _unreachable(self, staff: list[int], k: int) -> str:
        means = _means(self.scenario, self.goals, staff, self.seeds)
        j = k - self.first
        missed = [f"{g.text} (got {means[i][j]:.4g})" for i, g in enumerate(self.goals)
                  if not g.met(means[i][j])]
        return (f"interval {k} ({clock(self.scenario, k)}): {', '.join(missed)} is still "
                f"missed with {staff[k]} agents, and more agents do not bring it closer; "
                "the target cannot be met there")

    def _say(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(stage, done, total, self.count)


def _with(staff: list[int], k: int, agents: int) -> list[int]:
    changed = list(staff)
    changed[k] = agents
    return changed


def _with_staff(scenario: Scenario, staff: list[int]) -> Scenario:
    return scenario.with_changes({f"agent_groups.{scenario.agent_groups[0].name}.staff":
                                  list(staff)})


def _means(scenario: Scenario, goals: Sequence[Goal], staff: list[int],
           seeds: list[int]) -> list[np.ndarray]:
    """Each goal's metric per measured interval, mean over the runs on ``seeds`` (NaN
    where no run measured it)."""
    values = _runs(scenario, goals, staff, seeds)
    with _quiet():
        return [np.nanmean(v, axis=0) for v in values]


def _runs(scenario: Scenario, goals: Sequence[Goal], staff: list[int],
          seeds: list[int]) -> list[np.ndarray]:
    """``values[goal][run, measured interval]``."""
    day = _with_staff(scenario, staff)
    values: list[list[np.ndarray]] = [[] for _ in goals]
    for s in seeds:
        result = simulate(day, s)
        for j, g in enumerate(goals):
            values[j].append(result.per_interval(g.metric, g.contact_type))
    return [np.array(v) for v in values]


@contextmanager
def _quiet() -> Iterator[None]:
    """numpy's means of nothing are NaN, on purpose (an interval no contact reached)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _evaluate(scenario: Scenario, goals: Sequence[Goal], plan: list[int], sipp: list[int],
              seeds: list[int]) -> pd.DataFrame:
    """Each goal's metric per measured interval under ``plan`` and under ``sipp``, with
    95 % CIs over ``seeds``."""
    import pandas as pd
    from scipy import stats

    first = scenario.warmup_intervals
    table: dict[str, object] = {
        "interval": list(range(first, scenario.intervals)),
        "time": [clock(scenario, i) for i in range(first, scenario.intervals)]}
    meets = {"": np.ones(scenario.intervals - first, bool),
             "sipp_": np.ones(scenario.intervals - first, bool)}
    for prefix, staff in (("", plan), ("sipp_", sipp)):
        for g, runs in zip(goals, _runs(scenario, goals, staff, seeds), strict=True):
            n = np.sum(~np.isnan(runs), axis=0)
            with np.errstate(invalid="ignore", divide="ignore"), _quiet():
                mean = np.nanmean(runs, axis=0)
                half = stats.t.ppf(0.975, np.maximum(n - 1, 1)) * np.nanstd(
                    runs, axis=0, ddof=1) / np.sqrt(n)
            name = g.metric if g.contact_type == "all" else f"{g.contact_type}:{g.metric}"
            table[f"{prefix}{name}"] = mean
            table[f"{prefix}{name}_ci95"] = np.where(n >= 2, half, np.nan)
            meets[prefix] &= np.array([g.met(v) for v in mean])
    table["meets"], table["sipp_meets"] = meets[""], meets["sipp_"]
    return pd.DataFrame(table)


def _requirement(scenario: Scenario, plan: list[int], sipp: list[int]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({
        "interval": range(scenario.intervals),
        "time": [clock(scenario, i) for i in range(scenario.intervals)],
        "agent_group": scenario.agent_groups[0].name,
        "agents": plan, "sipp": sipp})
