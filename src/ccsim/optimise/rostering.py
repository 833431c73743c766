"""Step 2 of a staffing plan: shifts that cover the requirement at least cost, simulated
and repaired.

A group with ``shift_templates`` has its requirement (the head counts the search found,
or a planner's own) covered by the cheapest choice of its templates' shifts
(:func:`ccsim.optimise.cover.cover`, exact). The shifts are then simulated as they are —
breaks, and shift ends that fall where a head count did not, change what the requirement
assumed — and wherever the goals miss, the requirement of the earliest interval that
misses (per day: that day's interval with the most contacts per agent covering it) goes
up to one agent more than its cover gives, and the cover is solved again, until the
simulated shifts meet the goals on the search's seeds and then on the confirming ones.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ccsim.optimise.cover import Cover, cover
from ccsim.optimise.search import MAX_EXTRA, Search, Unreachable

if TYPE_CHECKING:
    from ccsim.optimise.evaluate import Changes
    from ccsim.scenario import Scenario


def templated(scenario: Scenario, groups: Sequence[str]) -> list[str]:
    """Those of ``groups`` that have shift templates."""
    found = {g.name for g in scenario.agent_groups if g.shift_templates}
    return [g for g in groups if g in found]


def covers(scenario: Scenario, need: dict[str, np.ndarray],
           rates: dict[str, float]) -> dict[str, Cover]:
    """Each group of ``need`` → the cheapest cover of its requirement per interval."""
    groups = {g.name: g for g in scenario.agent_groups}
    return {name: cover(list(agents), groups[name].shift_templates or [], start=scenario.start,
                        period=scenario.period, agent_group=name, rate=rates[name])
            for name, agents in need.items()}


def shift_changes(chosen: dict[str, Cover]) -> dict[str, Any]:
    """The changes that staff each group by its cover's shifts (and by nothing else: a
    group has ``staff`` or ``shifts``, and its templates are spent)."""
    changes: dict[str, Any] = {}
    for name, c in chosen.items():
        # A requirement of nobody is covered by no shift: the group has no agent.
        changes[f"agent_groups.{name}.staff"] = None if c.shifts else 0
        changes[f"agent_groups.{name}.shift_templates"] = None
        changes[f"agent_groups.{name}.shifts"] = [
            s.model_dump(mode="json", exclude_defaults=True) for s in c.shifts] or None
    return changes


def repaired(searches: Sequence[Search], need: dict[str, np.ndarray], fixed: Changes,
             rates: dict[str, float]) -> dict[str, Cover]:
    """The covers of ``need`` (raised where the simulated shifts miss) that meet the
    goals on each search's seeds in turn, with the other groups as ``fixed`` says. With
    several groups, the raise goes to the group whose new cover shrinks the shortfall
    most per unit of its rate (the cheapest if none does), as the search buys agents."""
    need = {g: np.asarray(v, dtype=float).copy() for g, v in need.items()}
    scenario = searches[0].scenario
    limit = sum(float(v.sum()) for v in need.values()) + MAX_EXTRA * scenario.intervals
    chosen = covers(scenario, need, rates)
    for search in searches:
        search.say("shifts", 0, 1)
        while (missing := np.flatnonzero(search.misses(_candidate(fixed, chosen)))).size:
            unit = int(missing[0])
            if sum(float(v.sum()) for v in need.values()) >= limit:
                raise Unreachable(search.unreachable(_candidate(fixed, chosen), unit))
            options = {g: _raised(search, unit, need, chosen, g, rates) for g in need}
            if len(options) == 1:
                need, chosen = next(iter(options.values()))
                continue
            short = search.misses(_candidate(fixed, chosen))[unit]
            gains = {g: short - search.misses(_candidate(fixed, c))[unit]
                     for g, (_, c) in options.items()}
            best = max(need, key=lambda g: (gains[g] > 0, gains[g] / rates[g], -rates[g]))
            need, chosen = options[best]
    return chosen


def _raised(search: Search, unit: int, need: dict[str, np.ndarray], chosen: dict[str, Cover],
            group: str, rates: dict[str, float]
            ) -> tuple[dict[str, np.ndarray], dict[str, Cover]]:
    """``need`` with ``group``'s requirement raised where ``unit`` misses, and its covers:
    one agent more than the group's cover gives there now (raising a requirement the
    cover already exceeds would choose the same shifts again)."""
    k = _where(search, unit, chosen[group])
    raised = {**need, group: need[group].copy()}
    raised[group][k] = max(need[group][k], math.floor(chosen[group].coverage[k] + 1e-9)) + 1
    scenario = search.scenario
    return raised, {**chosen, group: covers(scenario, {group: raised[group]}, rates)[group]}


def _candidate(fixed: Changes, chosen: dict[str, Cover]) -> dict[str, Any]:
    return {**fixed, **shift_changes(chosen)}


def _where(search: Search, unit: int, given: Cover) -> int:
    """The interval whose requirement goes up when ``unit`` misses: the interval itself,
    or that day's interval with the most contacts per agent covering it (the earliest on
    a tie)."""
    if search.per == "interval":
        return search.first + unit
    scenario = search.scenario
    days = search.days()
    inside = [k for k in range(search.first, scenario.intervals)
              if days[k - search.first] == unit]
    load = np.sum([scenario.volumes(c) for c in scenario.contact_types], axis=0)
    per_agent = load[inside] / np.maximum(given.coverage[inside], 1e-9)
    return inside[int(np.argmax(per_agent))]


def plan_scenario(scenario: Scenario, changes: Changes) -> Scenario:
    """``scenario`` with ``changes``, and without the keys they unset: a group staffed by
    shifts has no ``staff`` and no ``shift_templates`` (TOML has no null for them)."""
    data = scenario.with_changes(changes).to_dict()
    data["agent_groups"] = [{k: v for k, v in g.items() if v is not None}
                            for g in data["agent_groups"]]
    return type(scenario).from_dict(data)
