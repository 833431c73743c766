"""Customers as they really call (issue 24): the speed section's Erlang-A day with two
priority segments and redials, against the plain day.

The plain day is :func:`benchmarks.ccsim_model.scenario` (load 0.92 per agent, AHT 4 min,
patience 3 min). The variants add, to its one contact type: two segments (``gold``, a
fifth of the callers, served first); redials (60 % of those who hang up call again after an
exponential 10 min, at most 3 attempts); and both. The issue asks the day with both to run
at least 0.8× the speed of the plain day. A redial is a contact too: the variants simulate
about 2 % more attempts, at a higher load (more of them wait), than the plain day; the
row ``plain, as many attempts`` (the plain day with its arrival rate raised by that share)
shows what that alone costs, and ``segments, as many attempts`` what the day with both costs
but for the redials' own work (drawing, timing and making them): about the best any
implementation of redials could do (as far as a higher arrival rate stands for the load
the redials add).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

import ccsim
from benchmarks import ccsim_model
from benchmarks.case import Case
from benchmarks.suite import Run, alternate, summary_timer

#: What issue 24 asks of the day with segments and redials, against the plain day.
TARGET = 0.8
SEGMENTS = [{"name": "gold", "share": 0.2, "priority": 1},
            {"name": "standard", "share": 0.8, "priority": 2}]
REDIAL = {"share": 0.6, "delay": {"dist": "exponential", "mean": "10min"}, "max_attempts": 3}


def days(agents: int, customers: int) -> dict[str, ccsim.Scenario]:
    """The plain day and its variants, by name (``plain`` first)."""
    plain = ccsim_model.scenario(Case(agents, customers))

    def variant(**changes: Any) -> ccsim.Scenario:
        spec = plain.to_dict()
        spec["contact_types"][0].update(changes)
        return ccsim.Scenario.from_dict(spec)

    both = variant(segments=SEGMENTS, redial=REDIAL)
    summary = ccsim.simulate(both, 0).summary
    more = (summary["offered"] + summary["redials"]) / summary["offered"]
    rate = plain.contact_types[0].arrivals.per_hour
    assert rate is not None
    busier = {"per_hour": rate * more}
    return {"plain": plain, "plain, as many attempts": variant(arrivals=busier),
            "segments": variant(segments=SEGMENTS),
            "segments, as many attempts": variant(segments=SEGMENTS, arrivals=busier),
            "redials": variant(redial=REDIAL), "segments and redials": both}


def compare(agents: int, customers: int, rounds: int, seed: int = 1,
            progress: Callable[[str], None] | None = None) -> dict[str, list[Run]]:
    """Each day's run + summary, alternating, ``rounds`` rounds."""
    scenarios = days(agents, customers)

    timers = {name: summary_timer(s) for name, s in scenarios.items()}
    return alternate(timers, list(timers), rounds, seed, agents, progress)


def text(runs: dict[str, list[Run]]) -> str:
    """Each day's speed ÷ the plain day's: the median and range of the rounds' ratios (the
    same seed in a round)."""
    lines = [f"{'day':<27} {'÷ plain (median, range)':>26}"]
    met = ""
    for name, own in runs.items():
        ratios = [p.seconds / o.seconds for p, o in zip(runs["plain"], own, strict=True)]
        median = statistics.median(ratios)
        lines.append(f"{name:<27} {median:>14.2f}× ({min(ratios):.2f}–{max(ratios):.2f})")
        if name == "segments and redials":
            met = "met" if median >= TARGET else "NOT met"
    lines.append(f"target: segments and redials ≥ {TARGET}× the plain day: {met} "
                 f"({len(runs['plain'])} alternating rounds)")
    return "\n".join(lines)
