"""The cheapest shifts that cover a requirement: how many agents start on which shift
template, at which start time and with which placement of its breaks, on each day of the
horizon (step 2 of the staffing search, after :mod:`ccsim.optimise.requirement`).

Interval ``i`` of the horizon is covered by each agent for the share of it they spend on
duty and off their breaks (a shift or a break off the interval grid covers part of an
interval), and must be covered by at least its requirement; the agents of a template on
a day number at most its ``max_agents``; the cost is the hours paid (a shift's length
less its unpaid breaks) times the group's rate; every shift lies within the horizon. The
optimum is exact: an integer programme (:mod:`ccsim.optimise.programme`) solved by HiGHS
(``scipy.optimize.milp``) to a gap of 0.

**Placed as a run places them.** Day ``d`` (from 1) holds the shifts that start at their
clock time's first coming from ``(d − 1)`` days after the start of the horizon, as
:func:`ccsim.scenario.shifts.duties` places a :class:`~ccsim.scenario.shifts.Shift`; each
chosen start and placement of breaks is one ``Shift`` with its breaks ``at`` clock times
(never in a ``window``, whose breaks a run staggers over the agents), so a run of
:attr:`Cover.shifts` has on duty exactly what the cover counted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ccsim.optimise.programme import Infeasible, Programme, Start, offset, shares, starts
from ccsim.scenario.fields import DAY
from ccsim.scenario.shifts import Break, Shift, days_in
from ccsim.scenario.templates import ShiftTemplate
from ccsim.scenario.words import duration, listed, number
from ccsim.units import clock_seconds

if TYPE_CHECKING:
    import pandas as pd

#: Coverage this close under a requirement covers it (HiGHS's feasibility tolerance is
#: 1e-7 per constraint; coverage is a sum of shares of the interval).
TOLERANCE = 1e-6
#: The columns of :attr:`Cover.table`.
COLUMNS = ("agent_group", "day", "template", "start", "end", "breaks", "agents", "paid_hours")


class Uncoverable(ValueError):
    """A requirement that no choice of the templates' shifts covers (says where, and why)."""


@dataclass(frozen=True)
class Cover:
    """The shifts chosen. ``shifts``: one :class:`Shift` per template, start and break
    placement chosen on some day (``agents`` one count per day over a horizon of more
    than a day), ready to be the group's ``shifts``; ``table``: one row per day,
    template, start and placement with agents (:data:`COLUMNS`; ``paid_hours``: of the
    row's agents together), in time order; ``coverage``: per interval of the horizon,
    the agents on duty and off their breaks, mean over the interval; ``cost``: the hours
    paid times the rate."""

    shifts: list[Shift]
    table: pd.DataFrame
    coverage: np.ndarray
    cost: float


#: One chosen shift: its start, its breaks' starts (seconds after the shift's start),
#: and its agents.
Chosen = tuple[Start, tuple[float, ...], int]


def cover(requirement: Sequence[float], templates: Sequence[ShiftTemplate], *, start: str,
          period: float, agent_group: str = "", rate: float = 1.0) -> Cover:
    """The cheapest shifts of ``templates`` whose agents on duty and off their breaks
    number at least ``requirement[i]`` (mean over the interval) in each interval ``i``
    of ``period`` seconds of a horizon that starts at clock time ``start``; cost: the
    paid hours × ``rate`` (per hour). ``agent_group`` names the group in the table.
    :class:`Uncoverable` when no choice of shifts covers it; ``ValueError`` for bad
    input."""
    need = _requirement(requirement)
    if not math.isfinite(period) or period <= 0:
        raise ValueError(f"period: must be a positive number of seconds (got {period!r})")
    if not math.isfinite(rate) or rate <= 0:
        raise ValueError(f"rate: must be a positive cost per paid hour (got {rate!r})")
    if not templates:
        raise ValueError("give at least one shift template")
    horizon = len(need) * period
    _within(templates, start, horizon)
    programme = Programme(templates, starts(templates, start, horizon), len(need), period)
    _coverable(need, programme, start, period)
    try:
        solution = programme.solve(need)
    except Infeasible as part:  # only max_agents can make it so, after _coverable
        raise Uncoverable(_over_caps(need, programme, part, start, period)) from None
    chosen = [(programme.starts[s], placement, agents)
              for s, placement, agents in programme.placements(solution)]
    coverage = _coverage(chosen, templates, len(need), period)
    assert (coverage >= need - TOLERANCE).all(), "the cover misses an interval"
    paid = sum(agents * templates[st.template].paid for st, _, agents in chosen)
    return Cover(_shifts(chosen, templates, start, horizon),
                 _table(chosen, templates, agent_group), coverage, paid / 3600 * rate)


def _coverage(chosen: list[Chosen], templates: Sequence[ShiftTemplate], n: int,
              period: float) -> np.ndarray:
    """The agents of ``chosen`` on duty and off their breaks in each of ``n`` intervals of
    ``period`` seconds, mean over the interval."""
    spans = []
    for st, placement, agents in chosen:
        t, at = templates[st.template], st.on
        for after, b in zip(placement, t.breaks, strict=True):
            spans.append((at, st.on + after, agents))
            at = st.on + after + b.length
        spans.append((at, st.on + t.length, agents))
    # One column, the spans weighted by their agents.
    weights = np.array([agents for _, _, agents in spans], dtype=float)
    matrix = shares(np.array([(a, b, k) for k, (a, b, _) in enumerate(spans)]), n, period,
                    len(spans))
    return np.asarray(matrix @ weights, dtype=float)


def _requirement(requirement: Sequence[float]) -> np.ndarray:
    need = np.asarray(requirement, dtype=float)
    if need.ndim != 1 or need.size == 0:
        raise ValueError(f"requirement: must be one number of agents per interval of the "
                         f"horizon (got {need.size} values in {need.ndim} dimensions)")
    bad = np.flatnonzero(~np.isfinite(need) | (need < 0))
    if bad.size:
        raise ValueError(f"requirement[{bad[0]}]: must be a number of agents >= 0 "
                         f"(got {need[bad[0]]:g})")
    return need


def _within(templates: Sequence[ShiftTemplate], start: str, horizon: float) -> None:
    """Over a horizon shorter than a day, every shift lies within it: a start clock time
    before the horizon's comes the next day (as a run places a shift), past the end of
    such a horizon, and a run simulates a shift only within its horizon. Said, rather than
    left out unseen: the planner meant those starts to work. (Over several days, the last
    day's starts too late to end in time are left out: the days before use them.)"""
    if horizon >= DAY:
        return
    span = f"the horizon ({duration(horizon)} from {start})"
    for t in templates:
        if t.length > horizon:
            raise ValueError(f"shift template {t.name!r}: lasts {duration(t.length)}, longer "
                             f"than {span}, and a run simulates shifts within it")
        latest = _clock(clock_seconds(start) + horizon - t.length)
        outside = [s for s in t.start_times() if offset(s, start) >= horizon]
        if outside:
            raise ValueError(
                f"shift template {t.name!r}: starts at {outside[0]}, outside {span}, where "
                f"its shifts would cover nothing; let its starts fall within "
                f"{start}–{latest}")
        late = [s for s in t.start_times() if offset(s, start) + t.length > horizon]
        if late:
            raise ValueError(
                f"shift template {t.name!r}: a shift starting at {late[0]} ends after "
                f"{span}, and a run simulates shifts within it; let its shifts start by "
                f"{latest}")


def _coverable(need: np.ndarray, programme: Programme, start: str, period: float) -> None:
    """An interval that needs agents when no template is on duty, or more than their
    ``max_agents`` allow there even on its own: say which."""
    most = programme.most()
    uncapped = np.zeros(len(need), bool)
    capped = np.zeros(len(need))
    groups: dict[tuple[int, int], list[int]] = {}
    for s, st in enumerate(programme.starts):
        groups.setdefault((st.day, st.template), []).append(s)
    for (_, j), these in groups.items():
        # On its own, an interval gets at most the template's max_agents of a day, all
        # on the start that covers most of it.
        share = most[:, these].max(axis=1).toarray().ravel()
        cap = programme.templates[j].max_agents
        if cap is None:
            uncapped |= share > 0
        else:
            capped += cap * share
    for i in map(int, np.flatnonzero(need > 0)):
        if uncapped[i] or capped[i] >= need[i] - TOLERANCE:
            continue
        where = f"interval {i} ({_interval(i, start, period, len(need))})"
        if capped[i] <= 0:
            raise Uncoverable(f"{where} needs {_agents(need[i])}, but no shift template is on "
                              "duty then (off its breaks)")
        raise Uncoverable(f"{where} needs {_agents(need[i])}, but the shift templates give at "
                          f"most {_agents(capped[i])} there within their max_agents "
                          f"({_on_duty(programme, i)})")


def _over_caps(need: np.ndarray, programme: Programme, part: Infeasible, start: str,
               period: float) -> str:
    """Why no cover keeps within the ``max_agents``, though each interval alone can:
    where the cover that misses least falls short."""
    missing = programme.shortfall(need, part)
    if missing is None or not (missing > TOLERANCE).any():
        return ("no choice of shifts covers every interval within the templates' "
                "max_agents; raise them, or add templates")
    i = int(np.argmax(missing > TOLERANCE))
    return (f"no choice of shifts covers every interval within the templates' max_agents: "
            f"the closest leaves interval {i} ({_interval(i, start, period, len(need))}) "
            f"{_agents(missing[i])} short of the {number(need[i])} it needs "
            f"({_on_duty(programme, i)})")


def _on_duty(programme: Programme, i: int) -> str:
    """The templates on duty in interval ``i``, with their max_agents: ``on duty then:
    'early' (at most 5 a day) and 'late' (at most 5 a day)``."""
    on = sorted({programme.starts[s].template
                 for s in programme.duty[[i], :].tocoo().col.tolist()})
    named = [f"{programme.templates[j].name!r}" + (
        f" (at most {programme.templates[j].max_agents} a day)"
        if programme.templates[j].max_agents is not None else "") for j in on]
    return f"on duty then: {listed(named)}"


def _agents(count: float) -> str:
    """``1 agent``, ``2.5 agents`` (to 6 decimals: a sum of shares of an interval)."""
    count = round(float(count), 6)
    return f"{number(count)} agent{'' if count == 1 else 's'}"


def _interval(i: int, start: str, period: float, n: int) -> str:
    """``17:30–18:00``: the clock times of interval ``i`` (of ``n``), and its day
    (``day 2, 17:30–18:00``) over a horizon of more than a day."""
    first = clock_seconds(start) + i * period
    day = f"day {int(i * period // DAY) + 1}, " if n * period > DAY else ""
    return f"{day}{_clock(first)}–{_clock(first + period)}"


def _clock(seconds: float) -> str:
    """``HH:MM`` of ``seconds`` since midnight (to the minute, past midnight wrapped)."""
    minutes = round(seconds / 60) % (24 * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _hours(start: str, length: float) -> str:
    """``08:00–16:30``."""
    return f"{start}–{_clock(clock_seconds(start) + length)}"


def _shifts(chosen: list[Chosen], templates: Sequence[ShiftTemplate], start: str,
            horizon: float) -> list[Shift]:
    """One shift per template, start and placement of breaks chosen on some day, with
    its agents per day (one count over a horizon of a day or less); by template, then
    start (from the start of the horizon), then placement."""
    days = days_in(horizon)
    agents: dict[tuple[int, str, tuple[float, ...]], list[int]] = {}
    for st, placement, n in chosen:
        agents.setdefault((st.template, st.clock, placement), [0] * days)[st.day - 1] += n
    found = []
    for (j, clock, placement), counts in sorted(
            agents.items(), key=lambda kv: (kv[0][0], offset(kv[0][1], start), kv[0][2])):
        t = templates[j]
        breaks = [Break(at=_clock(clock_seconds(clock) + after), length=b.length, paid=b.paid)
                  for after, b in zip(placement, t.breaks, strict=True)]
        # The breaks in the name too: the same hours with breaks placed apart are two
        # shifts, and the agents table tells them apart by name.
        rests = f" ({', '.join(f'break {b.at}' for b in breaks)})" if breaks else ""
        found.append(Shift(
            name=f"{t.name} {_hours(clock, t.length)}{rests}", start=clock, length=t.length,
            agents=counts[0] if days == 1 else tuple(counts), breaks=breaks))
    return found


def _table(chosen: list[Chosen], templates: Sequence[ShiftTemplate],
           agent_group: str) -> pd.DataFrame:
    """The rows of :attr:`Cover.table`, by day, start, template and placement."""
    import pandas as pd

    rows = []
    for st, placement, n in sorted(chosen, key=lambda c: (c[0].day, c[0].on, c[0].template,
                                                          c[1])):
        t = templates[st.template]
        breaks = "; ".join(
            _hours(_clock(clock_seconds(st.clock) + after), b.length)
            + ("" if b.paid else " unpaid") for after, b in zip(placement, t.breaks,
                                                                 strict=True))
        rows.append((agent_group, st.day, t.name, st.clock,
                     _clock(clock_seconds(st.clock) + t.length), breaks, n,
                     n * t.paid / 3600))
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype(
        {"day": int, "agents": int, "paid_hours": float})
