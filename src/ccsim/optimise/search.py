"""The search itself: head counts per group and interval, changed one agent at a time and
judged on the mean over a fixed list of seeds (common random numbers: every candidate
meets the same callers), every candidate simulated once.

Goals are judged *per interval* (every measured interval must meet them) or *per day*
(each measured day's value). Per interval, a forward pass fixes the intervals in time
order and a trim takes out what is not needed (see :mod:`ccsim.optimise.requirement`).
Per day, the analytic start is scaled as a whole (bisection on a factor) to the smallest
that meets every day, then trimmed one agent at a time, round-robin over the intervals
with the most agents over their analytic answer first, so that no interval is stripped
bare while another keeps its surplus.

With several groups, an interval that misses gets the agent that buys the most of its
shortfall per unit cost (one candidate per group), and gives back the dearest first.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from ccsim.model.result import clock
from ccsim.optimise.goals import Goal

if TYPE_CHECKING:
    from ccsim.optimise.evaluate import Changes, Evaluator
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


class Search:
    """The candidates of one search: ``heads[group, interval]`` of the ``groups`` searched
    (each costing ``costs`` per agent), simulated on ``seeds`` by ``evaluate``, remembered.
    ``per``: ``"interval"`` or ``"day"``, the unit a goal is judged on."""

    def __init__(self, scenario: Scenario, goals: tuple[Goal, ...], seeds: list[int],
                 evaluate: Evaluator, groups: Sequence[str], costs: Sequence[float],
                 per: str = "interval", progress: Progress | None = None):
        self.scenario, self.goals, self.seeds = scenario, goals, seeds
        self.evaluate, self.groups, self.per = evaluate, list(groups), per
        self.costs = np.asarray(costs, dtype=float)
        # Give back the dearest agents first.
        self.dearest = sorted(range(len(self.groups)), key=lambda g: (-self.costs[g], g))
        self.progress = progress
        self.first = scenario.warmup_intervals
        self._seen: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    # -- judging a candidate ------------------------------------------------------

    def changes(self, heads: np.ndarray) -> dict[str, list[int]]:
        return {f"agent_groups.{g}.staff": [int(n) for n in row]
                for g, row in zip(self.groups, heads, strict=True)}

    def means(self, heads: np.ndarray | Changes) -> np.ndarray:
        """``means[goal, unit]``: each goal's metric, mean over the seeds (NaN where no
        run measured it), under head counts ``heads`` or other ``changes`` (shifts)."""
        return self._judged(heads)[0]

    def misses(self, heads: np.ndarray | Changes) -> np.ndarray:
        """``misses[unit]``: how far each measured interval (or day) is from its worst
        goal, in units of the goal (0: every goal met)."""
        return self._judged(heads)[1]

    def _judged(self, heads: np.ndarray | Changes) -> tuple[np.ndarray, np.ndarray]:
        changes = self.changes(heads) if isinstance(heads, np.ndarray) else heads
        key = json.dumps(changes, sort_keys=True)
        if key not in self._seen:
            runs = self.evaluate(changes, self.seeds)
            means = nanmean(runs, axis=1)
            short = np.array([[g.shortfall(v) for v in row]
                              for g, row in zip(self.goals, means, strict=True)])
            self._seen[key] = means, short.max(axis=0)
        return self._seen[key]

    # -- per interval ---------------------------------------------------------------

    def by_interval(self, start: np.ndarray) -> np.ndarray:
        heads = start.copy()
        n = self.scenario.intervals
        for k in range(self.first, n):
            self.say("forward pass", k - self.first, n - self.first)
            heads = self._fix(heads, k)
        self.say("trim", 0, 1)
        return self._trim(heads)

    def _fix(self, heads: np.ndarray, k: int) -> np.ndarray:
        """Interval k meets its goals with the fewest agents that keep every earlier one
        meeting its own."""
        j = k - self.first
        limit, best, flat = heads[:, k].sum() + MAX_EXTRA, math.inf, 0
        while (short := self.misses(heads)[j]) > 0:
            # An interval no agent helps (a goal on what staffing does not move) stops
            # the search after STALLED agents that changed nothing.
            flat = flat + 1 if short >= best else 0
            best = min(best, short)
            if heads[:, k].sum() >= limit or flat >= STALLED:
                raise Unreachable(self.unreachable(heads, j))
            heads = self._buy(heads, k, j)
        for g in self.dearest:
            while heads[g, k] > 0:
                fewer = _with(heads, g, k, -1)
                if self.misses(fewer)[: j + 1].any():
                    break
                heads = fewer
        return self._cheapen(heads, k, j)

    def _cheapen(self, heads: np.ndarray, k: int, j: int) -> np.ndarray:
        """Swap an agent of interval k for a cheaper group's wherever every interval up to
        k still meets: a noisy estimate of what an agent buys can pick the dearer of two
        teams that do the same work."""
        for g in self.dearest:
            for cheaper in reversed(self.dearest):
                if self.costs[cheaper] >= self.costs[g]:
                    break
                while heads[g, k] > 0:
                    swapped = _with(_with(heads, g, k, -1), cheaper, k, +1)
                    if self.misses(swapped)[: j + 1].any():
                        break
                    heads = swapped
        return heads

    def _buy(self, heads: np.ndarray, k: int, unit: int) -> np.ndarray:
        """``heads`` with one agent more in interval k: in the group whose agent shrinks
        the shortfall of ``unit`` most per unit cost (the cheapest if none does)."""
        options = [_with(heads, g, k, +1) for g in range(len(self.groups))]
        if len(options) == 1:
            return options[0]
        short = self.misses(heads)[unit]
        gains = [short - self.misses(o)[unit] for o in options]
        chosen = max(range(len(options)), key=lambda g: (
            gains[g] > 0, gains[g] / max(self.costs[g], 1e-12), -self.costs[g], -g))
        return options[chosen]

    def _trim(self, heads: np.ndarray) -> np.ndarray:
        """Take agents out one at a time wherever every interval still meets its goals."""
        changed = True
        while changed:
            changed = False
            for k in range(self.first, self.scenario.intervals):
                for g in self.dearest:
                    while heads[g, k] > 0 and not self.misses(
                            fewer := _with(heads, g, k, -1)).any():
                        heads, changed = fewer, True
        return heads

    # -- per day --------------------------------------------------------------------

    def by_day(self, start: np.ndarray) -> np.ndarray:
        """The analytic start scaled to the least that meets every day, then trimmed."""
        def scaled(factor: float) -> np.ndarray:
            return np.ceil(start * factor - 1e-9).astype(np.int64)

        self.say("scale", 0, 1)
        high = 1.0
        while self.misses(scaled(high)).any():
            if scaled(high).max() > start.max() + MAX_EXTRA:
                raise Unreachable(self.unreachable(scaled(high), int(
                    np.argmax(self.misses(scaled(high))))))
            high *= 1.5
        low = 0.0
        while high - low > 0.02:
            middle = (low + high) / 2
            low, high = (low, middle) if not self.misses(scaled(middle)).any() else (middle, high)
        heads = scaled(high)
        self.say("trim", 0, 1)
        spare = (heads - start)[:, self.first:]
        order = [(g, self.first + i) for i in np.argsort(-spare.max(axis=0), kind="stable")
                 for g in self.dearest]
        changed = True
        while changed:
            changed = False
            for g, k in order:
                if heads[g, k] > 0 and not self.misses(fewer := _with(heads, g, k, -1)).any():
                    heads, changed = fewer, True
        return heads

    # -- confirming -----------------------------------------------------------------

    def add(self, heads: np.ndarray, start: np.ndarray) -> np.ndarray:
        """``heads`` with an agent more, one at a time, wherever it misses on these seeds:
        per interval the earliest that misses first (it moves the backlog of the later
        ones); per day, in that day's interval furthest below its analytic answer."""
        self.say("confirm", 0, 1)
        limit = heads.sum() + MAX_EXTRA * heads.shape[1]
        while (missing := np.flatnonzero(self.misses(heads))).size:
            unit = int(missing[0])
            if heads.sum() >= limit:
                raise Unreachable(self.unreachable(heads, unit))
            if self.per == "interval":
                heads = self._buy(heads, self.first + unit, unit)
            else:
                days = self.days()
                inside = [k for k in range(self.first, self.scenario.intervals)
                          if days[k - self.first] == unit]
                below = (start - heads)[:, inside]
                g, i = np.unravel_index(int(np.argmax(below)), below.shape)
                heads = _with(heads, int(g), inside[int(i)], +1)
        return heads

    def days(self) -> list[int]:
        """The measured day (from 0) of each measured interval."""
        from ccsim.model.result import day

        days = [day(self.scenario, k) for k in range(self.first, self.scenario.intervals)]
        return [d - days[0] for d in days]

    def unreachable(self, candidate: np.ndarray | Changes, unit: int) -> str:
        """Why the search gives up on measured ``unit`` under ``candidate``: its goals
        missed, with what, where."""
        means = self.means(candidate)
        missed = [f"{g.text} (got {means[i][unit]:.4g})" for i, g in enumerate(self.goals)
                  if not g.met(means[i][unit])]
        heads = candidate if isinstance(candidate, np.ndarray) else None
        if self.per == "interval":
            k = self.first + unit
            where = f"interval {k} ({clock(self.scenario, k)})"
            agents = f"{int(heads[:, k].sum())} agents" if heads is not None else "the shifts"
        else:
            where = f"day {unit + 1}"
            agents = (f"{int(heads.sum())} agent-intervals" if heads is not None
                      else "the shifts")
        return (f"{where}: {', '.join(missed)} is still missed with {agents}, and more "
                "agents do not bring it closer; the target cannot be met there")

    def say(self, stage: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(stage, done, total, self.evaluate.calls)


def _with(heads: np.ndarray, g: int, k: int, change: int) -> np.ndarray:
    changed = heads.copy()
    changed[g, k] += change
    return changed


def nanmean(values: np.ndarray, axis: int) -> np.ndarray:
    """The mean of what was measured (NaN where nothing was: an interval no contact
    reached), without numpy's warning about it."""
    counted = np.sum(~np.isnan(values), axis=axis)
    with np.errstate(invalid="ignore"):
        return np.where(counted > 0, np.nansum(values, axis=axis) / np.maximum(counted, 1),
                        np.nan)
