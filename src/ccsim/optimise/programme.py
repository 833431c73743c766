"""The integer programme of a cover (:mod:`ccsim.optimise.cover`), solved by HiGHS.

**Variables.** For each *start* — a day, a template and a start time — ``x[s]``, the
agents who start then; and for each break ``k`` of its template and each placement ``p``
of that break, ``b[s, k, p]``, those of them who take break ``k`` at ``p``. Counting the
placements of each break apart, not of every combination of them (Aykin's formulation of
breaks), keeps the programme small: three breaks of three placements are nine variables
a start, not 27, and HiGHS solves a week of 15-minute intervals several times faster.

**Constraints.** Each break is taken by every agent of its start: ``Σ_p b[s, k, p] =
x[s]``. When break ``k + 1`` may start before break ``k`` has ended, for each placement
``q`` of break ``k + 1``: ``Σ_{q' ≤ q} b[s, k + 1, q'] ≤ Σ_{p + length_k ≤ q} b[s, k, p]``
— as many breaks ``k`` over by ``q`` as breaks ``k + 1`` begun by then. These hold
exactly when pairing the agents' placements of every break in time order (the first
agent takes the earliest of each) gives each agent breaks one after the other, so the
counts are those of agents with ordered breaks, and :meth:`Programme.placements` finds
the agents again. Interval ``i`` is covered by ``Σ_s duty[i, s] x[s] − Σ away[i, q] b[q]``
(shares of the interval on duty, and on each break), at least its requirement; a
template's starts on a day sum to at most its ``max_agents``; the cost is the starts'
paid hours.

**Parts.** Starts that share no interval needing agents, nor a ``max_agents``, never
meet: a centre closed at night is a programme per day, each solved on its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ccsim.scenario.fields import DAY
from ccsim.scenario.shifts import days_in
from ccsim.scenario.templates import ShiftTemplate
from ccsim.units import clock_seconds

if TYPE_CHECKING:
    from scipy.optimize import OptimizeResult
    from scipy.sparse import csr_array

#: The most variables a programme may have (starts and break placements over the
#: horizon): well beyond a week of fine grids, solved in seconds to minutes.
MAX_VARIABLES = 200_000


@dataclass(frozen=True)
class Start:
    """Agents starting template ``template`` on ``day`` (from 1) at clock time ``clock``,
    ``on`` seconds after the start of the horizon (as a run places a shift)."""

    day: int
    template: int
    clock: str
    on: float


def offset(clock: str, start: str) -> float:
    """Seconds from clock time ``start`` to the next ``clock``, as a run places a shift
    (:func:`ccsim.scenario.shifts.duties`)."""
    return float((clock_seconds(clock) - clock_seconds(start)) % DAY)


def starts(templates: Sequence[ShiftTemplate], start: str, horizon: float) -> list[Start]:
    """Every day, template and start time whose shift lies within the horizon (of
    ``horizon`` seconds from clock time ``start``), in that order. A run simulates a
    shift only within its horizon (a ``shifts`` entry must end in it), so a start too late
    for its shift to end in time is not offered: the last day's night shift, say."""
    found = []
    for day in range(1, days_in(horizon) + 1):
        for j, t in enumerate(templates):
            for clock in t.start_times():
                on = (day - 1) * DAY + offset(clock, start)
                if on + t.length <= horizon:
                    found.append(Start(day, j, clock, on))
    return found


def shares(spans: np.ndarray, n: int, period: float, columns: int) -> csr_array:
    """``shares[i, c]``: the share of interval ``i`` (of ``n`` of ``period`` seconds)
    within the spans ``(from, to, c)`` (seconds since the start of the horizon; rows of
    ``spans``) of column ``c``."""
    import scipy.sparse as sparse

    spans = np.asarray(spans, dtype=float).reshape(-1, 3)
    ons, offs = (np.clip(spans[:, c], 0, n * period) for c in (0, 1))
    keep = offs > ons
    ons, offs, column = ons[keep], offs[keep], spans[keep, 2].astype(int)
    # A span covers the intervals from its first to its last, each by its overlap.
    first = np.floor(ons / period).astype(int)
    count = np.minimum(np.ceil(offs / period).astype(int), n) - first
    span = np.repeat(np.arange(len(ons)), count)
    ends = np.cumsum(count)
    row = first[span] + np.arange(len(span)) - np.repeat(ends - count, count)
    overlap = np.minimum(offs[span], (row + 1) * period) - np.maximum(ons[span], row * period)
    good = overlap > 0
    return sparse.csr_array((overlap[good] / period, (row[good], column[span][good])),
                            shape=(n, columns))


class Infeasible(Exception):
    """No choice of agents covers the intervals ``rows`` with the variables ``columns``
    (a part of the programme) within the templates' ``max_agents``."""

    def __init__(self, rows: np.ndarray, columns: np.ndarray):
        super().__init__(f"no cover of {len(rows)} intervals")
        self.rows, self.columns = rows, columns


class Programme:
    """The programme of covering ``n`` intervals of ``period`` seconds with the
    ``starts`` of ``templates`` (see the module's docstring). Its variables are ``[x |
    b]``: the starts, then the break placements (:attr:`breaks`)."""

    def __init__(self, templates: Sequence[ShiftTemplate], starts: list[Start], n: int,
                 period: float):
        self.templates, self.starts, self.n = templates, starts, n
        #: the break variables: (start, break of its template, seconds after its start)
        self.breaks = [(s, k, p) for s, st in enumerate(starts)
                       for k, b in enumerate(templates[st.template].breaks)
                       for p in b.offsets(templates[st.template].starts.every)]
        m, size = len(starts), len(starts) + len(self.breaks)
        if size > MAX_VARIABLES:
            raise ValueError(f"the shift templates give {size:,} starts and break placements "
                             f"over the horizon, more than the {MAX_VARIABLES:,} a cover "
                             "takes on; give their starts or breaks a coarser 'every'")
        #: duty[i, s]: the share of interval i an agent of start s is on duty (breaks aside)
        self.duty = shares(np.array([(st.on, st.on + templates[st.template].length, s)
                                     for s, st in enumerate(starts)]), n, period, m)
        #: away[i, q]: the share of interval i an agent of break variable q is on it
        self.away = shares(np.array([(starts[s].on + p, starts[s].on + p + self._length(s, k),
                                      q) for q, (s, k, p) in enumerate(self.breaks)]),
                           n, period, len(self.breaks))
        self.cost = np.r_[[templates[st.template].paid / 3600 for st in starts],
                          np.zeros(len(self.breaks))]
        rows: list[tuple[int, int, float]] = []  # (row, variable, coefficient)
        low: list[float] = []
        high: list[float] = []

        def rule(terms: list[tuple[int, float]], lower: float, upper: float) -> None:
            rows.extend((len(low), v, c) for v, c in terms)
            low.append(lower)
            high.append(upper)

        placed: dict[tuple[int, int], list[tuple[float, int]]] = {}
        for q, (s, k, p) in enumerate(self.breaks):
            placed.setdefault((s, k), []).append((p, m + q))
        for (s, k), these in placed.items():
            rule([(s, -1.0)] + [(v, 1.0) for _, v in these], 0.0, 0.0)  # each agent once
            before = placed.get((s, k - 1)) if k else None
            gap = self._length(s, k - 1) if k else 0.0
            if before is None or min(these)[0] >= max(before)[0] + gap:
                continue  # any placements of the two are in order
            for by, _ in these:  # breaks k + 1 begun by `by`, breaks k over by then
                rule([(v, 1.0) for p, v in these if p <= by]
                     + [(v, -1.0) for p, v in before if p + gap <= by], -np.inf, 0.0)
        capped: dict[tuple[int, int], list[int]] = {}
        for s, st in enumerate(starts):
            if templates[st.template].max_agents is not None:
                capped.setdefault((st.day, st.template), []).append(s)
        for (_, j), these_starts in capped.items():
            rule([(s, 1.0) for s in these_starts], -np.inf,
                 float(templates[j].max_agents or 0))
        #: the rows other than coverage: low ≤ rules @ [x | b] ≤ high
        self.rules = _matrix(rows, len(low), size)
        self.low, self.high = np.array(low), np.array(high)

    def _length(self, s: int, k: int) -> float:
        return self.templates[self.starts[s].template].breaks[k].length

    def covering(self) -> csr_array:
        """``covering[i] @ [x | b]``: the agents on duty and off their breaks in interval
        ``i``, mean over it."""
        import scipy.sparse as sparse

        return sparse.hstack([self.duty, -self.away], format="csr")

    def most(self) -> csr_array:
        """``most[i, s]``: at most the share of interval ``i`` that an agent of start
        ``s`` is on duty and off its breaks (each break where it takes least of it)."""
        import scipy.sparse as sparse

        owner = np.array([s for s, _, _ in self.breaks], dtype=int)
        which = np.array([k for _, k, _ in self.breaks], dtype=int)
        least = sparse.csr_array((self.n, len(self.starts)))
        for k in np.unique(which):
            columns = np.flatnonzero(which == k)
            least = least + _least(self.away[:, columns], owner[columns], len(self.starts))
        return self.duty - least

    def solve(self, need: np.ndarray) -> np.ndarray:
        """The agents of each variable that cover ``need`` at the fewest paid hours,
        part by part; :class:`Infeasible` names a part no choice covers."""
        solution = np.zeros(len(self.cost), dtype=int)
        for rows, columns in self._parts(need):
            # An exact optimum: HiGHS stops at a relative gap of 1e-4 by default, a few
            # paid hours over a week.
            found = self._milp(columns, rows, need, options={"mip_rel_gap": 0.0})
            if found.status == 2:
                raise Infeasible(rows, columns)
            if found.x is None:
                raise RuntimeError(f"HiGHS found no cover: {found.message}")
            solution[columns] = np.rint(found.x)
        return solution

    def shortfall(self, need: np.ndarray, part: Infeasible) -> np.ndarray | None:
        """Per interval, the agents missing in the cover of ``part`` that misses the
        fewest agent-intervals in all (None: HiGHS found none within 10 s)."""
        found = self._milp(part.columns, part.rows, need, slack=True,
                           options={"time_limit": 10.0})
        if found.x is None:
            return None
        missing = np.zeros(self.n)
        missing[part.rows] = found.x[len(part.columns):]
        return missing

    def placements(self, solution: np.ndarray) -> list[tuple[int, tuple[float, ...], int]]:
        """``(start, break placement, agents)`` of the agents of ``solution``: each start's
        placements of every break, paired in time order, alike ones together."""
        m = len(self.starts)
        placed: dict[tuple[int, int], list[float]] = {}
        for q, (s, k, p) in enumerate(self.breaks):
            placed.setdefault((s, k), []).extend([p] * int(solution[m + q]))
        found = []
        for s, st in enumerate(self.starts):
            if solution[s] == 0:
                continue
            each = [sorted(placed[s, k]) for k in range(len(self.templates[st.template].breaks))]
            combos = Counter(tuple(b[a] for b in each) for a in range(int(solution[s])))
            found += [(s, combo, combos[combo]) for combo in sorted(combos)]
        return found

    def _parts(self, need: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """The programme's independent parts: each one's intervals that need agents and
        its variables. Starts on duty in no such interval are in none: they would cost
        and cover nothing."""
        import scipy.sparse as sparse
        from scipy.sparse.csgraph import connected_components

        size = len(self.cost)
        rows = np.flatnonzero(need > 0)  # coverage ≥ 0 holds anyway
        if not len(rows):
            return []
        on = sparse.hstack([(self.duty[rows] > 0).astype(float),
                            sparse.csr_array((len(rows), len(self.breaks)))], format="csr")
        links = (self.rules != 0).astype(float)
        # Nodes: the variables, then the intervals that need agents, then the rules.
        graph = sparse.block_array([[None, on.T, links.T], [on, None, None],
                                    [links, None, None]], format="csr")
        _, label = connected_components(graph, directed=False)
        needed = label[size:size + len(rows)]
        return [(rows[needed == part], np.flatnonzero(label[:size] == part))
                for part in np.unique(needed)]

    def _milp(self, columns: np.ndarray, rows: np.ndarray, need: np.ndarray, *,
              slack: bool = False, options: dict[str, float]) -> OptimizeResult:
        """HiGHS on the variables ``columns``, covering the intervals ``rows``; with
        ``slack``, a variable per interval of agents missing there, their sum the cost."""
        import scipy.sparse as sparse
        from scipy.optimize import LinearConstraint, milp

        covering = self.covering()[rows][:, columns]
        rules = self.rules[:, columns]
        keep = np.diff(rules.indptr) > 0  # the rules of other parts' variables
        rules, low, high = rules[keep], self.low[keep], self.high[keep]
        cost, integrality = self.cost[columns], np.ones(len(columns))
        if slack:
            covering = sparse.hstack([covering, sparse.eye_array(len(rows))], format="csr")
            rules = sparse.hstack([rules, sparse.csr_array((rules.shape[0], len(rows)))],
                                  format="csr")
            cost = np.r_[np.zeros(len(columns)), np.ones(len(rows))]
            integrality = np.r_[integrality, np.zeros(len(rows))]
        constraints = [LinearConstraint(covering, lb=need[rows])]
        if rules.shape[0]:
            constraints.append(LinearConstraint(rules, lb=low, ub=high))
        return milp(cost, integrality=integrality, constraints=constraints, options=options)


def _matrix(entries: list[tuple[int, int, float]], rows: int, columns: int) -> csr_array:
    import scipy.sparse as sparse

    if not entries:
        return sparse.csr_array((rows, columns))
    r, c, v = zip(*entries, strict=True)
    return sparse.csr_array((v, (r, c)), shape=(rows, columns))


def _least(away: csr_array, owner: np.ndarray, columns: int) -> csr_array:
    """``least[i, s]``: the least share of interval ``i`` any of the columns of ``away``
    that belong to start ``s`` (``owner``) takes: 0 unless every one of them takes some."""
    import scipy.sparse as sparse

    coo = away.tocoo()
    size = np.bincount(owner, minlength=columns)
    key = coo.row.astype(np.int64) * columns + owner[coo.col]
    order = np.lexsort((coo.data, key))
    key, data = key[order], coo.data[order]
    first = np.r_[0, np.flatnonzero(np.diff(key)) + 1] if len(key) else np.zeros(0, int)
    counts = np.diff(np.r_[first, len(key)])
    keys = key[first]
    whole = counts == size[keys % columns]
    return sparse.csr_array((data[first][whole], (keys[whole] // columns,
                                                  keys[whole] % columns)),
                            shape=(away.shape[0], columns))
