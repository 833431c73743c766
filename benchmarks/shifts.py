"""Shifts against head counts: the same day's staffing given as named agents in shifts and
as the ``staff`` head counts they add up to.

The day (8 hours, 30-minute intervals, an Erlang-A load of ~0.9 per agent) is staffed by
three shifts that only come on (``agents`` from 00:00, 02:00 and 04:00, in the ratio
3 : 2 : 1), so that both forms give the same run (tested bit for bit): the time
difference is what naming agents costs — their duty records, their counters, the agents
table. The issue asks shifts to run at least 0.9× the speed of head counts.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable

import ccsim
from benchmarks.suite import Run, alternate, summary_timer

#: What the workforce issue asks of a scenario with shifts, against its head counts.
TARGET = 0.9


def days(agents: int) -> tuple[ccsim.Scenario, ccsim.Scenario]:
    """The day with ``agents`` agents at its peak, as head counts and as shifts."""
    a, b = agents // 2, agents // 3
    c = agents - a - b
    aht, per_hour = 240.0, 0.9 * agents * 3600 / 240.0

    def day(group: dict) -> ccsim.Scenario:
        return ccsim.Scenario(
            horizon="8h", period="30min",
            contact_types=[{"name": "calls", "arrivals": {"per_hour": per_hour},
                            "handle_time": {"dist": "exponential", "mean": aht},
                            "patience": {"dist": "exponential", "mean": "3min"}}],
            agent_groups=[{"name": "team", "skills": ["calls"], **group}])

    counted = day({"staff": [a] * 4 + [a + b] * 4 + [agents] * 8})
    named = day({"shifts": [{"start": "00:00", "length": "8h", "agents": a},
                            {"start": "02:00", "length": "6h", "agents": b},
                            {"start": "04:00", "length": "4h", "agents": c}]})
    return counted, named


def compare(agents: int, rounds: int, seed: int = 1,
            progress: Callable[[str], None] | None = None) -> dict[str, list[Run]]:
    """Each form's run + summary, alternating, ``rounds`` rounds."""
    counted, named = days(agents)

    timers = {"staff": summary_timer(counted), "shifts": summary_timer(named)}
    return alternate(timers, list(timers), rounds, seed, agents, progress)


def text(runs: dict[str, list[Run]]) -> str:
    """The median ratio of the shifts' speed to the head counts' (same seed per round)."""
    per_round = [a.seconds / b.seconds for a, b in zip(runs["staff"], runs["shifts"],
                                                       strict=True)]
    median = statistics.median(per_round)
    met = "met" if median >= TARGET else "NOT met"
    return (f"shifts ÷ staff speed: {median:.2f}× (rounds {min(per_round):.2f}–"
            f"{max(per_round):.2f}); target ≥ {TARGET}×: {met}")
