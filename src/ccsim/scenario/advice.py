"""Warnings about a valid scenario: things that are legal but probably not meant. One
function per concept, each returning its messages (key path first); :data:`ADVICE` runs in
order from :meth:`Scenario.warnings`. Something that can only be a mistake is an error in
:mod:`ccsim.scenario.checks` instead: a warning is for what a study may do on purpose (a
line left unstaffed to see what it costs, a reserve swept up to the whole team)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ccsim.scenario.demand import ContactType
    from ccsim.scenario.policies import Campaign
    from ccsim.scenario.schema import Scenario

_DAY = 86_400.0
#: The shortest horizon a daily quota is taken to be a whole working day for: a part-time
#: shift. A shorter horizon is a slice of a day, yet each agent must meet a whole day's
#: target in it.
MIN_WORKING_DAY = 4 * 3600.0


def no_arrivals(s: Scenario) -> list[str]:
    """A type whose scripted ``times`` are empty: none of it ever arrives. A replayed day
    may have had no contact of a type (and a hand-checked case may want one), so it is
    not an error."""
    return [f"contact_types[{c.name}].arrivals.times: empty, so no contact of this type "
            "arrives" for c in s.contact_types if c.arrivals.times == []]


def unstaffed(s: Scenario) -> list[str]:
    """A type (with patience) that no agent able to take it is on duty for, all horizon:
    every contact of it abandons. (Without patience, the work warning says it.)"""
    found = []
    planned = dict(zip((g.name for g in s.agent_groups), s.planned_staff(), strict=True))
    for c in s.contact_types:
        able = [g for g in s.agent_groups if c.name in g.skills]
        if c.patience is not None and not any(any(planned[g.name]) for g in able):
            found.append(
                f"contact_types[{c.name}]: no agent able to take it is on duty at any time "
                f"({', '.join(g.name for g in able)} staff 0 all day), so every contact of it "
                "hangs up unanswered")
    return found


def reserve(s: Scenario) -> list[str]:
    """A reserve that keeps at least the whole team idle: its agents never dial."""
    found = []
    for g, planned in zip(s.agent_groups, s.planned_staff(), strict=True):
        if g.blending is None or g.blending.rule != "reserve":
            continue
        most = math.ceil(max(planned))
        if g.blending.keep_idle >= most:
            found.append(
                f"agent_groups[{g.name}].blending.keep_idle: {g.blending.keep_idle} is at or "
                f"above the team's largest head count ({most}): an agent dials only with "
                "that many others idle, so this group never makes an outbound call")
    return found


def quota_day(s: Scenario) -> list[str]:
    """A daily quota over a horizon that is a slice of a day, or ends within a day: each
    started day counts as a whole one (the target is daily × the days begun)."""
    horizon = s.horizon
    days, part = divmod(horizon, _DAY)
    if not part or (not days and part >= MIN_WORKING_DAY):
        return []
    found = []
    for g in s.agent_groups:
        if g.quota is None or not g.quota.daily:
            continue
        if days:
            why = (f"the horizon ({horizon / 3600:g} h) ends {part / 3600:g} h into day "
                   f"{int(days) + 1}, which counts as a whole day: each agent's target is "
                   f"{g.quota.daily} × {int(days) + 1}")
        else:
            why = (f"the horizon ({horizon / 3600:g} h) is shorter than a working day "
                   f"({MIN_WORKING_DAY / 3600:g} h at least), but counts as one: each agent "
                   f"must meet the whole daily {g.quota.daily} in it")
        found.append(f"agent_groups[{g.name}].quota.daily: {why}")
    return found


def endless_work(s: Scenario) -> list[str]:
    """A talk time whose mean exceeds the horizon: the agents who take one are busy past
    its end, and the day's figures say little."""
    horizon = s.horizon
    found = []
    talks: list[tuple[str, ContactType | Campaign]] = [
        *((f"contact_types[{c.name}]", c) for c in s.contact_types),
        *((f"outbound[{c.name}]", c) for c in s.outbound)]
    for where, spec in talks:
        busy = spec.handle_time.mean + (spec.wrap_up.mean if spec.wrap_up else 0.0)
        if busy > horizon:
            found.append(
                f"{where}.handle_time: a mean talk and wrap-up time of {busy:g} s is longer "
                f"than the whole horizon ({horizon:g} s): an agent who takes one is busy past "
                "its end")
    return found


#: The warnings, in the order they are printed.
ADVICE: list[Callable[[Scenario], list[str]]] = [
    no_arrivals, unstaffed, reserve, quota_day, endless_work,
]
