"""Where the search starts: each interval staffed by its own steady-state formula (SIPP).

With one group, the group gets the analytic head count of the load of every type pooled
(Erlang C, or Erlang A with patience). With several, each contact type goes to the
searched group that lists it earliest in its skills (its specialists; the cheaper group,
then the first listed, on a tie), and each group gets the analytic head count of the
types it was given, pooled. A type only groups the search does not staff (shifts) can
take is left to them. Goals on one type count for the group that type went to; of two
goals on the same metric the stricter is staffed for.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ccsim.optimise.goals import Goal

if TYPE_CHECKING:
    from ccsim.scenario import Scenario

#: The metrics the analytic formulas staff for.
ANALYTIC = ("service_level", "asa", "abandon_rate")


def sipp_staff(scenario: Scenario, goals: Sequence[Goal],
               groups: Sequence[str] | None = None,
               costs: Sequence[float] | None = None) -> dict[str, list[int]]:
    """Each of ``groups`` (default: every group) → its analytic head count per interval
    (see the module's docstring); ``costs`` (one per group) break ties between groups. An
    interval with no arrivals, or goals the formulas do not cover, gets one agent in each
    group that was given a type."""
    from ccsim.analytic.staffing import agents_for_target

    names = list(groups) if groups is not None else [g.name for g in scenario.agent_groups]
    price = list(costs) if costs is not None else [1.0] * len(names)
    skills = {g.name: g.skills for g in scenario.agent_groups}
    given: dict[str, list[int]] = {name: [] for name in names}
    for k, c in enumerate(scenario.contact_types):
        able = [i for i, name in enumerate(names) if c.name in skills[name]]
        if able:
            chosen = min(able, key=lambda i: (skills[names[i]].index(c.name), price[i], i))
            given[names[chosen]].append(k)
    types = scenario.contact_types
    volumes = [scenario.volumes(c) for c in types]
    busy = [c.handle_time.mean + (c.wrap_up.mean if c.wrap_up else 0.0) for c in types]
    patience = [c.patience.mean if c.patience is not None else math.inf for c in types]
    out: dict[str, list[int]] = {}
    for name in names:
        kinds = given[name]
        if not kinds:
            out[name] = [0] * scenario.intervals
            continue
        wanted = _strictest(goals, {"all", *(types[k].name for k in kinds)})
        heads = []
        for i in range(scenario.intervals):
            arrivals = sum(volumes[k][i] for k in kinds)
            if arrivals <= 0 or not wanted:
                heads.append(1)
                continue
            weights = {k: volumes[k][i] / arrivals for k in kinds}
            handle = sum(w * busy[k] for k, w in weights.items())
            mean_patience = sum(w * patience[k] for k, w in weights.items())
            heads.append(agents_for_target(
                arrivals / scenario.period, handle,
                answer_within=scenario.service_level.answer_within,
                target_service_level=min(wanted.get("service_level", 0.0), 0.999) or None,
                max_asa=wanted.get("asa") or None,
                max_abandon_rate=wanted.get("abandon_rate") or None,
                mean_patience=mean_patience))
        out[name] = heads
    return out


def _strictest(goals: Sequence[Goal], kinds: set[str]) -> dict[str, float]:
    """The strictest value of each analytic metric's goals on ``kinds``."""
    wanted: dict[str, float] = {}
    for g in goals:
        if g.metric in ANALYTIC and g.contact_type in kinds:
            pick = max if g.op == ">=" else min
            wanted[g.metric] = pick(wanted.get(g.metric, g.value), g.value)
    return wanted
