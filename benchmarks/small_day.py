"""The small day: what a staffing search evaluates thousands of times.

A 2-hour Erlang-A day of about 240 contacts (load 0.92 per agent, AHT 4 min, patience
3 min), run as :func:`ccsim.simulate` and read as its ``summary`` — no tables — against
the textbook SimPy model of the same day. Each timed sample is a batch of ``days`` days,
so that the clock's resolution and one-off costs do not dominate a ~10 ms run; ccsim's
*tables* timing adds building every table (``RunResult.build()``), what the summary path
avoids; its *core* timing only builds and runs the centre (no statistics folded, checked
or read): the floor any way of computing the summary stands on.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import ccsim
from benchmarks import ccsim_model, textbook
from benchmarks.case import Case, Counts
from benchmarks.suite import Run, alternate
from ccsim.model.centre import Centre

#: 8 agents at 0.92 erlangs each, AHT 4 min: 110 contacts an hour, so 240 in ~2.2 h.
CASE = Case(agents=8, customers=240)
#: The ratio the core issue asks of simulate + summary (textbook = 1).
TARGET = 3.5
#: The timings, in the order they are reported.
MODELS = ("ccsim summary", "ccsim tables", "ccsim core", "textbook")


def _batch(days: int, one: Callable[[int], object]) -> Callable[[int], Run]:
    def timed(seed: int) -> Run:
        start = time.perf_counter()
        for d in range(days):
            one(seed * days + d)
        return Run(seed, CASE.customers * days, time.perf_counter() - start, None,
                   Counts.empty(1))
    return timed


def compare(days: int, rounds: int, seed: int = 1,
            progress: Callable[[str], None] | None = None) -> dict[str, list[Run]]:
    """Batches of ``days`` small days per model and round, alternating."""
    spec = ccsim_model.scenario(CASE)
    timers = {
        "ccsim summary": _batch(days, lambda s: ccsim.simulate(spec, s).summary),
        "ccsim tables": _batch(days, lambda s: ccsim.simulate(spec, s).build()),
        "ccsim core": _batch(days, lambda s: _core(spec, s)),
        "textbook": _batch(days, lambda s: textbook.run(CASE, s)),
    }
    return alternate(timers, list(timers), rounds, seed, CASE.agents, progress)


def _core(spec: ccsim.Scenario, seed: int) -> None:
    centre = Centre(spec, seed)
    ccsim_model.run_centre(centre)
    centre.close()


@dataclass(frozen=True)
class Ratio:
    """ccsim's days per second over the textbook's, per round: median and range."""

    model: str
    days_per_second: float
    median: float
    low: float
    high: float


def ratios(runs: dict[str, list[Run]], days: int) -> list[Ratio]:
    """Each ccsim timing against the textbook run of the same round."""
    out = []
    for model in MODELS:
        per_round = [b.seconds / a.seconds for a, b in zip(runs[model], runs["textbook"],
                                                          strict=True)]
        rate = statistics.median(days / r.seconds for r in runs[model])
        out.append(Ratio(model, rate, statistics.median(per_round), min(per_round),
                         max(per_round)))
    return out


def text(rows: list[Ratio], days: int, rounds: int) -> str:
    lines = [f"{'model':<14} {'days/s':>8} {'÷ textbook (median, range)':>30}"]
    for r in rows:
        spread = f"{r.median:.1f}× ({r.low:.1f}–{r.high:.1f})"
        lines.append(f"{r.model:<14} {r.days_per_second:>8.0f} {spread:>30}")
    by_model = {r.model: r.median for r in rows}
    summary, core = by_model["ccsim summary"], by_model["ccsim core"]
    lines.append(f"target: simulate + summary ≥ {TARGET:g}× the textbook: "
                 f"{'met' if summary >= TARGET else 'NOT met'} ({rounds} rounds of {days} "
                 f"days each, horizon {CASE.horizon / 3600:.1f} h)")
    # In textbook days: what the statistics cost now, and what the target leaves them.
    now, left = 1 / summary - 1 / core, 1 / TARGET - 1 / core
    if not now > 0:  # (within the noise of a short run, or no runs)
        lines.append("the statistics (folded, checked, summarised): no cost measured")
    else:
        lines.append(f"the statistics (folded, checked, summarised) take {now * summary:.0%}"
                     " of the day; the target leaves them "
                     + (f"{left / now:.0%} of that" if left > 0 else "nothing: the core "
                        "alone misses it"))
    return "\n".join(lines) if not math.isnan(rows[0].median) else "no runs"
