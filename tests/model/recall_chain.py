"""The exact continuous-time Markov chain of recalls: calling back customers who abandoned.

One contact type, one group of ``c`` agents, Poisson arrivals at rate ``lam``, exponential
talk time (rate ``mu``, the same for recall conversations), exponential patience (rate
``theta``) on the line, no wrap-up, no dial time and ``reach = 1``. A caller who arrives
with an agent idle is served at once; otherwise it waits in a FIFO line and abandons at
rate ``theta``. An abandoner is chosen for a recall with probability ``s``; it then spends
an exponential delay (rate ``delta``) *in delay*, after which the recall is *due*. A due
recall that finds an agent idle is started at once, otherwise it waits among the due
recalls (which never give up). A freed agent takes a waiting caller, else a due recall
(``when_idle``), or a due recall first, else a waiting caller (``priority``).

The state is ``(a, b, q, m, r)``: agents talking to callers from the line, agents on
recall conversations, callers waiting on the line, due recalls pending, customers in
delay. Work never waits while an agent is idle, so ``a + b < c`` only with ``q = m = 0``.
Truncated at ``q <= Q``, ``m <= M``, ``r <= R``: an arrival at ``q = Q`` is lost, and a
recall that would push ``r`` above ``R`` or ``m`` above ``M`` is dropped (the abandonment
or the end of the delay still happens). ``boundary`` is the stationary probability of
``q = Q`` or ``m = M`` or ``r = R``; the tests check that it is negligible.

The chain is positive recurrent only when the agents keep up with the recalls: under
``priority`` when ``s * lam < c * mu``, under ``when_idle`` when ``lam - (1 - s) * A < c * mu``
with ``A`` the abandonment rate while due recalls are never short; ``s = 1`` needs
``lam < c * mu`` under either rule. Otherwise ``m`` grows without bound, and the truncated
chain shows it as a large ``boundary``. Near those limits the tail of ``m`` is long: see
``solve`` for the truncation it needs.

The generator is built with vectorised index arithmetic (about a million states for eight
agents), and ``pi G = 0`` is solved by preconditioned GMRES (see ``_stationary``).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.linalg import splu

RULES = ("when_idle", "priority")


@dataclass(frozen=True)
class RecallResult:
    abandon_rate: float  #: abandoned on the line / offered (theta E[q] / lam)
    recalls: float  #: recall requests / offered (s * abandon_rate)
    pending: float  #: E[m], time-average due recalls waiting for an agent
    delay: float  #: mean time hang-up → recall conversation, by Little's law
    in_delay: float  #: E[r], time-average customers in delay
    boundary: float  #: probability of the truncation boundary
    states: int  #: states of the truncated chain


@dataclass(frozen=True)
class _Grid:
    """The numbering of the states: by ``r``, then for each ``r`` the idle-agent states
    ``(a, b)`` with ``a + b < c`` (``q = m = 0``), then the all-busy states ``(a, q, m)``
    with ``b = c - a``."""

    c: int
    Q: int
    M: int
    R: int

    @property
    def pairs(self) -> int:
        return self.c * (self.c + 1) // 2  # (a, b) with a + b < c

    @property
    def level(self) -> int:
        return self.pairs + (self.c + 1) * (self.Q + 1) * (self.M + 1)

    @property
    def n(self) -> int:
        return self.level * (self.R + 1)

    def idle(self, a: np.ndarray, b: np.ndarray, r: np.ndarray) -> np.ndarray:
        total = a + b  # pairs numbered by a + b, then a
        return r * self.level + total * (total + 1) // 2 + a

    def busy(self, a: np.ndarray, q: np.ndarray, m: np.ndarray, r: np.ndarray) -> np.ndarray:
        return r * self.level + self.pairs + (a * (self.Q + 1) + q) * (self.M + 1) + m

    def states(self) -> tuple[np.ndarray, ...]:
        """(a, b, q, m, r) of every state, in index order."""
        total = np.repeat(np.arange(self.c), np.arange(1, self.c + 1))
        first = np.concatenate([np.arange(k + 1) for k in range(self.c)])
        ab, q, m = (x.ravel() for x in np.meshgrid(
            np.arange(self.c + 1), np.arange(self.Q + 1), np.arange(self.M + 1), indexing="ij"))
        zero = np.zeros(self.pairs, dtype=int)
        level = (np.concatenate([first, ab]), np.concatenate([total - first, self.c - ab]),
                 np.concatenate([zero, q]), np.concatenate([zero, m]))
        r = np.repeat(np.arange(self.R + 1), self.level)
        return (*(np.tile(x, self.R + 1) for x in level), r)


def _generator(c: int, lam: float, mu: float, theta: float, s: float, delta: float,
               rule: str, grid: _Grid):
    """The off-diagonal rates as (from, to, rate) arrays, and the state coordinates."""
    a, b, q, m, r = grid.states()
    frm, to, rate = [], [], []

    def add(src: np.ndarray, dst: np.ndarray, value) -> None:
        value = np.broadcast_to(np.asarray(value, dtype=float), src.shape)
        keep = value > 0
        frm.append(src[keep])
        to.append(dst[keep])
        rate.append(value[keep])

    # Idle-agent states (q = m = 0): a new conversation, from an arrival or a due recall,
    # may make every agent busy.
    idle = a + b < c
    here = np.flatnonzero(idle)
    ai, bi, ri = a[here], b[here], r[here]
    zero = np.zeros_like(ai)

    def start(a1, b1, r1):
        return np.where(a1 + b1 == c, grid.busy(a1, zero, zero, r1), grid.idle(a1, b1, r1))

    add(here, start(ai + 1, bi, ri), lam)
    add(here, grid.idle(np.maximum(ai - 1, 0), bi, ri), ai * mu)
    add(here, grid.idle(ai, np.maximum(bi - 1, 0), ri), bi * mu)
    add(here, start(ai, bi + 1, np.maximum(ri - 1, 0)), ri * delta)

    # All-busy states (a + b = c).
    here = np.flatnonzero(~idle)
    ab, qb, mb, rb = a[here], q[here], m[here], r[here]
    add(here, grid.busy(ab, np.minimum(qb + 1, grid.Q), mb, rb), np.where(qb < grid.Q, lam, 0))
    # A conversation ends, a line one (a -> a - 1) or a recall one (b -> b - 1), and the
    # freed agent takes a due recall, a waiting caller or nothing.
    for line in (True, False):
        count = ab if line else c - ab
        a0 = np.maximum(ab - line, 0)  # a after the end
        recall = (mb > 0) & ((qb == 0) | (rule == "priority"))
        caller = (qb > 0) & ~recall
        target = np.where(
            recall, grid.busy(a0, qb, np.maximum(mb - 1, 0), rb),
            np.where(caller, grid.busy(np.minimum(a0 + 1, c), np.maximum(qb - 1, 0), mb, rb),
                     grid.idle(a0, np.maximum(c - 1 - a0, 0), rb)))
        add(here, target, count * mu)
    # Abandonment, with a recall chosen with probability s (dropped at r = R).
    q1 = np.maximum(qb - 1, 0)
    chosen = rb < grid.R
    gone = qb * theta
    add(here, grid.busy(ab, q1, mb, np.minimum(rb + 1, grid.R)), np.where(chosen, s, 0) * gone)
    add(here, grid.busy(ab, q1, mb, rb), np.where(chosen, 1 - s, 1) * gone)
    # The end of a delay: the recall is due (dropped at m = M).
    add(here, grid.busy(ab, qb, np.minimum(mb + 1, grid.M), np.maximum(rb - 1, 0)), rb * delta)
    return (np.concatenate(frm), np.concatenate(to), np.concatenate(rate)), (a, b, q, m, r)


def solve(c: int, lam: float, mu: float, theta: float, s: float, delta: float, rule: str,
          Q: int = 40, M: int | None = None, R: int | None = None) -> RecallResult:
    """The stationary recall chain (see the module's docstring), truncated at ``q <= Q``,
    ``m <= M``, ``r <= R``.

    ``M`` and ``R`` default to 150 and 30 under ``when_idle`` (due recalls wait behind the
    line, so ``m`` has the long tail) and to 90 and 40 under ``priority`` (served recalls
    make the line abandon more, so ``r`` has it). With ``Q = 40`` these keep ``boundary``
    below 1e-8 for 3 to 8 agents, loads ``lam / (c mu)`` of 0.8 to 1.1, ``theta`` from
    ``mu / 2`` to ``2 mu``, ``s`` up to 0.3 (and ``s = 1`` at load 0.8) and ``delta = mu / 2``,
    in 2 to 8 s for three agents and 4 to 20 s for eight (28 s for the slowest corner:
    eight agents, load 1.1, ``theta = mu / 2``, ``when_idle``). Smaller grids are much
    faster where the tails are short, and ``boundary`` says whether they are.
    """
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
    if not 0 <= s <= 1:
        raise ValueError(f"s must be a probability, got {s!r}")
    M = (150 if rule == "when_idle" else 90) if M is None else M
    R = (30 if rule == "when_idle" else 40) if R is None else R
    grid = _Grid(c, Q, M, R)
    (frm, to, rate), (_, _, q, m, r) = _generator(c, lam, mu, theta, s, delta, rule, grid)
    # Levels for the block Gauss–Seidel sweep, each moved by at most one per transition:
    # r (when_idle), or r + m, the recalls requested and not yet started (priority), whose
    # blocks factorise with far less fill than r's there.
    level = r if rule == "when_idle" else r + m
    fixed = int(grid.idle(min(c - 1, int(lam / mu)), 0, 0))  # a state of some probability
    pi = _stationary(frm, to, rate / mu, level, fixed)
    eq, em, er = float(pi @ q), float(pi @ m), float(pi @ r)
    abandon = theta * eq / lam
    return RecallResult(
        abandon_rate=abandon,
        recalls=s * abandon,
        pending=em,
        delay=1 / delta + em / (delta * er) if er > 0 else float("nan"),
        in_delay=er,
        boundary=float(pi[(q == Q) | (m == M) | (r == R)].sum()),
        states=grid.n,
    )


def _stationary(frm: np.ndarray, to: np.ndarray, rate: np.ndarray, level: np.ndarray,
                k: int) -> np.ndarray:
    """pi G = 0, sum pi = 1, for the generator with off-diagonal rates ``rate`` from ``frm``
    to ``to``, whose transitions move ``level`` by at most one.

    Solved as G^T x = 0 with the equation of state ``k`` replaced by ``x[k] = 1``, by GMRES
    preconditioned with one symmetric block Gauss–Seidel sweep over the levels, each
    level's block factorised once by sparse LU; 20 to 110 iterations reach round-off. (A
    direct sparse LU of the whole chain, a 3-D grid, fills in: it takes over a minute at
    100,000 states.) Raises ``RuntimeError`` unless every state's balance holds to 1e-9 of
    the total flow.
    """
    n = len(level)
    order = np.argsort(level, kind="stable")
    where = np.empty(n, dtype=int)
    where[order] = np.arange(n)
    bounds = np.searchsorted(level[order], np.arange(level.max() + 2))
    out = np.bincount(frm, weights=rate, minlength=n)
    rows = np.concatenate([where[to], np.arange(n)])
    cols = np.concatenate([where[frm], np.arange(n)])
    vals = np.concatenate([rate, -out[order]])
    vals[rows == where[k]] = 0.0
    vals[(rows == where[k]) & (cols == where[k])] = 1.0
    system = csr_matrix((vals, (rows, cols)), shape=(n, n))
    system.eliminate_zeros()
    rhs = np.zeros(n)
    rhs[where[k]] = 1.0
    spans = [slice(lo, hi) for lo, hi in pairwise(bounds)]
    lus = [splu(system[x, x].tocsc(), permc_spec="MMD_AT_PLUS_A") for x in spans]
    lower = [system[x, y] for x, y in zip(spans[1:], spans[:-1], strict=True)]
    upper = [system[x, y] for x, y in pairwise(spans)]

    def sweep(v: np.ndarray) -> np.ndarray:
        y = np.empty(n)
        y[spans[0]] = lus[0].solve(v[spans[0]])
        for i in range(1, len(spans)):
            y[spans[i]] = lus[i].solve(v[spans[i]] - lower[i - 1] @ y[spans[i - 1]])
        for i in range(len(spans) - 2, -1, -1):
            y[spans[i]] -= lus[i].solve(upper[i] @ y[spans[i + 1]])
        return y

    x, converged = _gmres(system, sweep, rhs)
    pi = x[where] / x.sum()
    # The balance of every state, against the total flow.
    flow = float(out @ pi)
    imbalance = np.abs(np.bincount(to, weights=rate * pi[frm], minlength=n) - out * pi).sum()
    if not converged or imbalance > 1e-9 * flow or pi.min() < -1e-13:
        raise RuntimeError(f"the stationary solve did not converge (relative imbalance "
                           f"{imbalance / flow:.1e})")
    return np.maximum(pi, 0.0)


def _norm(v: np.ndarray) -> float:
    return float(np.sqrt(np.einsum("i,i->", v, v)))


def _gmres(system, precondition, rhs: np.ndarray, rtol: float = 1e-13, restart: int = 40,
           cycles: int = 20) -> tuple[np.ndarray, bool]:
    """Restarted GMRES, preconditioned on the right (so it minimises the true residual),
    with classical Gram–Schmidt done twice. Its vector products are numpy's own
    ``einsum`` loops, not BLAS: scipy's ``gmres`` makes a BLAS call per basis vector per
    iteration, and with OpenBLAS's threads on a busy two-core machine that made the whole
    solve three times slower."""
    x = np.zeros_like(rhs)
    target = rtol * _norm(rhs)
    residual = rhs.copy()
    for _ in range(cycles):
        beta = _norm(residual)
        if beta <= target:
            return x, True
        basis = np.empty((restart + 1, len(rhs)))
        basis[0] = residual / beta
        hessenberg = np.zeros((restart + 1, restart))
        for j in range(restart):
            w = system @ precondition(basis[j])
            for _ in range(2):
                h = np.einsum("ij,j->i", basis[:j + 1], w)
                w -= np.einsum("ij,i->j", basis[:j + 1], h)
                hessenberg[:j + 1, j] += h
            hessenberg[j + 1, j] = _norm(w)
            e1 = np.zeros(j + 2)
            e1[0] = beta
            y = np.linalg.lstsq(hessenberg[:j + 2, :j + 1], e1, rcond=None)[0]
            small = _norm(e1 - hessenberg[:j + 2, :j + 1] @ y)
            if hessenberg[j + 1, j] == 0.0 or small <= target:
                break
            basis[j + 1] = w / hessenberg[j + 1, j]
        x += precondition(np.einsum("ij,i->j", basis[:len(y)], y))
        residual = rhs - system @ x
    return x, _norm(residual) <= target


if __name__ == "__main__":  # the checks of this module; takes about ten minutes
    import time

    from ccsim.analytic import erlang_a_metrics

    mu = 1 / 300  # mean talk time 300 s
    delta = mu / 2  # mean delay twice the mean talk time

    print("(1) s = 0 is Erlang A")
    worst = 0.0
    for c in (3, 5, 8):
        for load in (0.8, 1.0, 1.1):
            for theta in (mu / 2, mu, 2 * mu):
                lam = load * c * mu
                for rule in RULES:
                    chain = solve(c, lam, mu, theta, 0.0, delta, rule, Q=60, M=2, R=2)
                    exact = erlang_a_metrics(c, lam, 1 / mu, 1 / theta).p_abandon
                    worst = max(worst, abs(chain.abandon_rate - exact))
    chain = solve(8, 8.8 * mu, mu, mu / 2, 0.0, delta, "when_idle")  # the full default grid
    exact = erlang_a_metrics(8, 8.8 * mu, 1 / mu, 2 / mu).p_abandon
    worst = max(worst, abs(chain.abandon_rate - exact))
    print(f"    largest |chain - erlang_a_metrics| over 55 cases: {worst:.1e}")
    assert worst < 1e-9

    print("(2)-(4) flow balance, priority against when_idle, sizes and times")
    header = ("c", "load", "theta/mu", "s", "rule", "states", "wall s", "cpu s", "boundary",
              "abandon_rate", "delay s", "pending", "flow - 1")
    print("  ".join(f"{h:>12}" for h in header))
    results, flows = {}, []
    for c in (3, 5, 8):
        for load, s in ((0.8, 0.3), (0.8, 1.0), (1.0, 0.3), (1.1, 0.3)):
            for theta in (mu / 2, mu, 2 * mu):
                for rule in RULES:
                    lam = load * c * mu
                    wall, cpu = time.perf_counter(), time.process_time()
                    got = solve(c, lam, mu, theta, s, delta, rule)
                    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                    flow = delta * got.in_delay / (lam * got.recalls) - 1
                    results[c, load, theta, s, rule] = got
                    flows.append((got.boundary, abs(flow)))
                    row = (c, load, theta / mu, s, rule, got.states, f"{wall:.1f}",
                           f"{cpu:.1f}", f"{got.boundary:.1e}", f"{got.abandon_rate:.6f}",
                           f"{got.delay:.1f}", f"{got.pending:.4f}", f"{flow:.1e}")
                    print("  ".join(f"{x:>12}" for x in row), flush=True)
                    assert got.boundary < 1e-8
    worst = max(f for b, f in flows if b < 1e-10)
    print(f"(2) largest |delta E[r] / (s theta E[q]) - 1| with boundary < 1e-10: {worst:.1e}")
    assert worst < 1e-9
    higher = [results[(*key, "priority")].abandon_rate > results[(*key, "when_idle")]
              .abandon_rate for key in {k[:4] for k in results}]
    print(f"(3) priority abandons more than when_idle in {sum(higher)} of {len(higher)} cases")
    assert all(higher)
    unstable = solve(3, 3 * mu, mu, mu, 1.0, delta, "when_idle", Q=20, M=100, R=20)
    print(f"    s = 1 at load 1 has no stationary law: boundary {unstable.boundary:.2f}")

