"""The exact continuous-time Markov chain of the M/M/c queue with non-preemptive priorities.

One group of ``c`` agents and ``K`` contact types (classes). Class ``k`` arrives Poisson at
rate ``lam[k]`` and abandons the line after an exponential patience of rate ``theta[k]``
(``0``: nobody of that class abandons). Every conversation is exponential with the same
rate ``mu``. A freed agent takes the head of the line of the lowest-numbered class that has
one (class 0 first, FCFS within a class) and never interrupts a conversation.

Since all talk times have one rate, the class of the callers being served does not matter:
the state is either ``b < c`` busy agents with nobody waiting, or every agent busy and
``n = (n_0, ..., n_{K-1})`` callers waiting per class.

Truncation: at most ``N`` callers wait in all; an arrival that finds ``N`` waiting is lost.
That share of arrivals is ``boundary = P(n_0 + ... + n_{K-1} = N)`` (PASTA), and it bounds
the error of every share below (means move by about ``N * boundary``). By default ``N``
grows until ``boundary < 1e-12`` (see :func:`solve_priority`).

Rates are per second and times in seconds (any one time unit works the same way).
Shares are per offered contact of the class. By PASTA every class sees the same
``p_wait``; by Little's law class ``k``'s mean wait (abandoners counted until they leave)
is ``E[n_k] / lam_k`` and its abandonment share ``theta_k E[n_k] / lam_k``. The waits of
answered callers and the service level come from a tagged arrival (see :func:`_tagged`),
exactly, not from those identities, so the tests can hold the two routes against each other;
the service level takes the tagged caller's transient law at ``answer_within`` from
``scipy.sparse.linalg.expm_multiply`` (accurate to rounding).

Three classes or more make a grid of three dimensions or more, which sparse LU cannot
factorise in reasonable time; :class:`Linear` solves those by preconditioned GMRES, to
rounding too, and the solve is checked state by state. Sizes: ``c + C(N + K, K)`` states,
about 7,900 for two classes at ``N = 124`` (a tenth of a second), 85,000 for three at
``N = 78`` (ten seconds on a loaded two-core machine).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from recall_chain import _gmres as gmres  # numpy's own loops: no BLAS threads (see there)
from scipy.sparse import csr_matrix
from scipy.sparse.linalg import expm_multiply, splu

from ccsim.analytic import erlang_c

MAX_STATES = 1_000_000  # waiting vectors; beyond this a solve takes minutes


@dataclass(frozen=True)
class PriorityClass:
    """One class's steady-state performance; shares of that class's arrivals."""

    p_wait: float  #: an arrival finds every agent busy (the same for every class, PASTA)
    p_abandon: float  #: abandons the line, theta_k E[n_k] / lam_k
    mean_wait: float  #: seconds, mean wait of all arrivals (abandoners until they leave)
    asa: float  #: seconds, mean wait of answered arrivals (zero waits included)
    service_level: float  #: answered with wait <= answer_within
    mean_queue: float  #: E[n_k], time-average callers of the class waiting
    answered_rate: float  #: per second, conversations started with the class
    abandoned_rate: float  #: per second, theta_k E[n_k]


@dataclass(frozen=True)
class PriorityResult:
    classes: tuple[PriorityClass, ...]  #: in priority order, class 0 first
    p_wait: float  #: P(every agent busy)
    answer_within: float  #: seconds, the service-level threshold used
    boundary: float  #: P(N callers waiting): the share of arrivals lost to truncation
    N: int  #: the truncation, callers waiting in all
    states: int  #: states of the truncated chain
    #: largest relative gap, over classes, between the tagged arrival and the flows:
    #: ``answered`` (P(answered) against answered_rate / lam) and ``wait`` (its mean wait
    #: against Little's E[n_k] / lam_k); both are rounding when the solver is right.
    checks: dict[str, float]


def cobham_waits(lam: Sequence[float], mu: float, c: int) -> tuple[float, ...]:
    """Cobham's mean wait in line, seconds, of each class of the M/M/c non-preemptive
    priority queue without abandonment (class 0 first):
    ``W_k = C(c, a) / (c mu) / ((1 - sigma_{k-1}) (1 - sigma_k))``, with ``a = sum(lam) / mu``,
    ``sigma_k = sum_{j <= k} lam_j / (c mu)`` (``sigma_{-1} = 0``) and ``C`` Erlang C's
    probability of waiting. Needs ``sum(lam) < c mu``."""
    total = sum(lam)
    if total >= c * mu:
        raise ValueError(f"no steady state: sum(lam) / (c mu) = {total / (c * mu):.3f} >= 1")
    residual = erlang_c(c, total / mu) / (c * mu)  # mean wait for any agent to free
    sigma = np.concatenate([[0.0], np.cumsum(lam) / (c * mu)])
    return tuple(float(residual / ((1 - sigma[k]) * (1 - sigma[k + 1])))
                 for k in range(len(lam)))


def simplex(dims: int, top: int) -> np.ndarray:
    """Every vector of ``dims`` non-negative integers with sum <= ``top``, one per row, in
    lexicographic order (so their keys in :func:`_keys` are increasing)."""
    rows = np.zeros((1, 0), dtype=np.int64)
    for _ in range(dims):
        counts = top - rows.sum(axis=1) + 1
        start = np.concatenate([[0], np.cumsum(counts)[:-1]])
        last = np.arange(counts.sum()) - np.repeat(start, counts)
        rows = np.column_stack([np.repeat(rows, counts, axis=0), last])
    return rows


def _keys(vectors: np.ndarray, top: int) -> np.ndarray:
    return np.ravel_multi_index(tuple(vectors.T), (top + 1,) * vectors.shape[1])


def _lookup(grid: np.ndarray, top: int):
    """The index in ``grid`` (a :func:`simplex`) of each row of a vector array."""
    keys = _keys(grid, top)

    def index(vectors: np.ndarray) -> np.ndarray:
        where = np.searchsorted(keys, _keys(vectors, top))
        assert (keys[where] == _keys(vectors, top)).all(), "a transition leaves the states"
        return where

    return index


def _first_waiting(vectors: np.ndarray) -> np.ndarray:
    """The lowest class with a caller waiting (meaningless where nobody waits)."""
    return np.argmax(vectors > 0, axis=1)


class Linear:
    """Solves ``A x = b`` for the sparse matrices of these chains, exactly up to rounding.

    Without ``level``, by sparse LU: right for 1-D and 2-D grids, which it factorises with
    little fill. Higher-dimensional grids fill in (half a minute at 60,000 states of three
    priority classes, or at 18,000 of a line of three attempt numbers with their orbit),
    so with ``level`` — integers that no entry of ``A`` lets differ by more than one —
    the solve is GMRES preconditioned by one symmetric block Gauss–Seidel sweep over the
    levels, each level's block inverted exactly (by sparse LU, or elementwise where the
    block is diagonal): 20 to 60 iterations, a second or two at 60,000 states. Raises
    unless the residual is below 1e-12 of ``|b|``.
    """

    def __init__(self, A: csr_matrix, level: np.ndarray | None = None) -> None:
        self.direct = level is None
        if self.direct:
            self.lu = splu(A.tocsc())
            return
        coo = A.tocoo()
        if np.abs(level[coo.row] - level[coo.col]).max() > 1:
            raise ValueError("an entry joins levels more than one apart")
        self.order = np.argsort(level, kind="stable")
        bounds = np.searchsorted(level[self.order], np.arange(level.min(), level.max() + 2))
        self.spans = [slice(lo, hi) for lo, hi in pairwise(bounds) if hi > lo]
        self.A = A[self.order][:, self.order].tocsr()
        self.blocks = [self._inverse(self.A[s, s]) for s in self.spans]
        self.lower = [self.A[x, y] for x, y in zip(self.spans[1:], self.spans[:-1],
                                                   strict=True)]
        self.upper = [self.A[x, y] for x, y in pairwise(self.spans)]

    @staticmethod
    def _inverse(block: csr_matrix):
        """``v -> block^-1 v``."""
        if block.nnz == np.count_nonzero(block.diagonal()):  # diagonal: no LU call's overhead
            inverse = 1.0 / block.diagonal()
            return lambda v: inverse * v
        return splu(block.tocsc()).solve

    def _sweep(self, v: np.ndarray) -> np.ndarray:
        y = np.empty_like(v)
        y[self.spans[0]] = self.blocks[0](v[self.spans[0]])
        for i in range(1, len(self.spans)):
            s = self.spans[i]
            y[s] = self.blocks[i](v[s] - self.lower[i - 1] @ y[self.spans[i - 1]])
        for i in range(len(self.spans) - 2, -1, -1):
            y[self.spans[i]] -= self.blocks[i](self.upper[i] @ y[self.spans[i + 1]])
        return y

    def solve(self, b: np.ndarray) -> np.ndarray:
        if self.direct:
            return self.lu.solve(b)
        b = b[self.order]
        x, _ = gmres(self.A, self._sweep, b)
        residual = np.linalg.norm(b - self.A @ x) / np.linalg.norm(b)
        if residual > 1e-12:
            raise RuntimeError(f"GMRES did not converge (relative residual {residual:.1e})")
        out = np.empty_like(x)
        out[self.order] = x
        return out


def stationary(frm: np.ndarray, to: np.ndarray, rate: np.ndarray, n: int, ref: int,
               level: np.ndarray | None = None) -> np.ndarray:
    """pi G = 0, sum pi = 1, for the generator on ``n`` states with off-diagonal rates
    ``rate`` from ``frm`` to ``to`` (see :class:`Linear` for ``level``): G^T x = 0 with
    balance equation ``ref`` replaced by ``x[ref] = 1`` (a row of ones would fill the LU
    and join every level), then normalised. Raises unless every state balances to 1e-10
    of the total flow."""
    out = np.bincount(frm, weights=rate, minlength=n)
    rows = np.concatenate([to, np.arange(n)])
    cols = np.concatenate([frm, np.arange(n)])
    vals = np.concatenate([rate, -out])
    vals[rows == ref] = 0.0
    vals[(rows == ref) & (cols == ref)] = 1.0
    system = csr_matrix((vals, (rows, cols)), shape=(n, n))
    system.eliminate_zeros()
    pi = Linear(system, level).solve(np.eye(1, n, ref).ravel())
    pi /= pi.sum()
    flow = float(out @ pi)
    imbalance = float(np.abs(np.bincount(to, weights=rate * pi[frm], minlength=n)
                             - out * pi).sum())
    if imbalance > 1e-10 * flow or pi.min() < -1e-14:
        raise RuntimeError(f"the stationary solve failed (relative imbalance "
                           f"{imbalance / flow:.1e})")
    return np.maximum(pi, 0.0)


def _bounding_N(c: int, lam: np.ndarray, mu: float, theta: np.ndarray, tol: float) -> int:
    """The least ``N`` at which a birth–death line with births ``sum(lam)`` and deaths
    ``c mu + q min(theta)`` has ``P(q >= N) < tol`` (a large number if it has no steady
    state). The chain's total line has deaths at least these, so its tail is shorter."""
    total, slowest = lam.sum(), theta.min()
    term = mass = 1.0
    for q in range(100_000):
        ratio = total / (c * mu + (q + 1) * slowest)
        if ratio < 1 and term * ratio / (1 - ratio) < tol * mass:  # P(> q), unnormalised
            return q + 1
        term *= ratio
        mass += term
    return 100_000


def _line(c: int, lam: np.ndarray, mu: float, theta: np.ndarray, N: int):
    """The stationary chain truncated at ``N`` waiting: the grid of waiting vectors, and
    the probabilities of the idle states (``b < c`` busy) and of the grid's states."""
    K = len(lam)
    grid = simplex(K, N)
    index = _lookup(grid, N)
    n = c + len(grid)  # states 0..c-1: b busy agents, nobody waiting; then c + the grid's
    size = grid.sum(axis=1)
    busy = c + np.arange(len(grid))
    unit = np.eye(K, dtype=np.int64)
    empty = c + int(index(np.zeros((1, K), dtype=np.int64))[0])
    frm, to, rate = [], [], []

    def add(src, dst, value) -> None:
        frm.append(np.asarray(src))
        to.append(np.asarray(dst))
        rate.append(np.broadcast_to(np.asarray(value, dtype=float), np.shape(src)))

    b = np.arange(c)
    add(b, np.where(b + 1 < c, b + 1, empty), lam.sum())
    add(b[1:], b[1:] - 1, b[1:] * mu)
    for k in range(K):
        room = size < N
        add(busy[room], c + index(grid[room] + unit[k]), lam[k])
        some = grid[:, k] > 0
        add(busy[some], c + index(grid[some] - unit[k]), grid[some, k] * theta[k])
    waiting = size > 0
    add(busy[waiting], c + index(grid[waiting] - unit[_first_waiting(grid[waiting])]), c * mu)
    add([empty], [c - 1], c * mu)
    frm, to, rate = np.concatenate(frm), np.concatenate(to), np.concatenate(rate)
    keep = rate > 0
    level = np.concatenate([np.arange(c), c + size])  # each transition moves it by one
    pi = stationary(frm[keep], to[keep], rate[keep], n, empty, None if K < 3 else level)
    return grid, pi[:c], pi[c:]


def _tagged(k: int, c: int, lam: np.ndarray, mu: float, theta: np.ndarray, top: int):
    """The line as a tagged class-``k`` caller sees it while it waits.

    Its state is ``v = (n_0, ..., n_{k-1}, m)``: callers of higher classes waiting (all
    ahead of it, later arrivals too) and ``m`` of its own class ahead of it (classes below
    never matter). Every agent stays busy while it waits, so an agent frees at rate
    ``c mu`` and takes the first of ``v`` that waits, or the tagged caller when ``v = 0``;
    each waiting caller abandons at its class's rate, the tagged one at ``theta_k``. The
    same truncation: arrivals ahead stop at ``sum(v) = top``.

    Returns the states, the transient generator ``T`` (CSR) and, per state, the
    probability of being answered, ``E[wait; answered]`` and ``E[wait]``, in seconds.
    """
    grid = simplex(k + 1, top)
    index = _lookup(grid, top)
    n = len(grid)
    here = np.arange(n)
    size = grid.sum(axis=1)
    frm, to, rate = [here], [here], [-(lam[:k].sum() * (size < top) + c * mu
                                       + grid @ theta[:k + 1] + theta[k])]
    for j in range(k):  # an arrival of a higher class: ahead of the tagged caller
        room = size < top
        frm.append(here[room])
        to.append(index(grid[room] + np.eye(k + 1, dtype=np.int64)[j]))
        rate.append(np.full(room.sum(), lam[j]))
    for j in range(k + 1):  # an abandonment ahead
        some = grid[:, j] > 0
        frm.append(here[some])
        to.append(index(grid[some] - np.eye(k + 1, dtype=np.int64)[j]))
        rate.append(grid[some, j] * theta[j])
    ahead = size > 0  # an agent frees and takes the first caller ahead
    first = _first_waiting(grid[ahead])
    frm.append(here[ahead])
    to.append(index(grid[ahead] - np.eye(k + 1, dtype=np.int64)[first]))
    rate.append(np.full(ahead.sum(), c * mu))
    T = csr_matrix((np.concatenate(rate), (np.concatenate(frm), np.concatenate(to))),
                   shape=(n, n))
    # Absorption, answered: at rate c mu from v = 0. With s = P(answered | v), the
    # expected time to absorption weighted by s is E[wait; answered] = (-T)^-1 s.
    lu = Linear(-T, None if k < 2 else size)
    served = lu.solve(np.where(ahead, 0.0, c * mu))
    return grid, T, served, lu.solve(served), lu.solve(np.ones(n))


def solve_priority(c: int, lam: Sequence[float], mu: float,
                   theta: Sequence[float] | None = None, answer_within: float = 0.0,
                   N: int | None = None, tol: float = 1e-12) -> PriorityResult:
    """The stationary performance of each class (see the module's docstring): ``lam``
    per class, ``mu`` and ``theta`` (per class; ``None``: nobody abandons) per second,
    ``answer_within`` in seconds.

    ``N`` truncates the callers waiting in all. Left ``None``, it starts at 24 and grows
    by half until ``boundary`` is below ``tol``, or up to the ``N`` at which a slower
    birth–death line (births ``sum(lam)``, deaths ``c mu + q min(theta)``) has a tail
    below ``tol``; a boundary still above 1e-10 there raises.
    """
    lam = np.asarray(lam, dtype=float)
    K = len(lam)
    theta = np.zeros(K) if theta is None else np.asarray(theta, dtype=float)
    if c < 1 or K < 1 or len(theta) != K or mu <= 0 or (lam <= 0).any() or (theta < 0).any():
        raise ValueError("need c >= 1, mu > 0, and per class lam > 0 and theta >= 0")
    automatic = N is None
    if automatic:
        most = _bounding_N(c, lam, mu, theta, tol)
        N = min(24, most)
    while True:
        if math.comb(N + K, K) > MAX_STATES:
            raise ValueError(f"{math.comb(N + K, K)} states at N = {N}: too many (no steady "
                             f"state, or too heavy a load for {K} classes)")
        grid, idle, line = _line(c, lam, mu, theta, N)
        size = grid.sum(axis=1)
        boundary = float(line[size == N].sum())
        if not automatic or boundary < tol or most <= N:
            break
        N = min(most, math.ceil(1.5 * N))
    if automatic and boundary > 1e-10:
        raise RuntimeError(f"truncation boundary {boundary:.1e} at N = {N}")
    p_idle, p_wait = float(idle.sum()), float(line.sum())
    queue = line @ grid
    waiting = size > 0
    first = _first_waiting(grid)
    answered = lam * p_idle + c * mu * np.bincount(first[waiting], weights=line[waiting],
                                                   minlength=K)
    classes, gaps_answered, gaps_wait = [], [], []
    for k in range(K):
        tagged, T, served, wait_served, wait_all = _tagged(k, c, lam, mu, theta, N - 1)
        # A class-k arrival that waits starts at v = (n_0..n_k), every agent busy (PASTA).
        start = size < N
        alpha = np.bincount(_lookup(tagged, N - 1)(grid[start, :k + 1]),
                            weights=line[start], minlength=len(tagged))
        p_answered = p_idle + float(alpha @ served)
        late = (float(expm_multiply(T.T * answer_within, alpha) @ served)
                if answer_within > 0 else float(alpha @ served))
        gaps_answered.append(abs(p_answered / (answered[k] / lam[k]) - 1))
        little = queue[k] / lam[k]
        gaps_wait.append(abs(float(alpha @ wait_all) - little) / little if little else 0.0)
        classes.append(PriorityClass(
            p_wait=p_wait,
            p_abandon=float(theta[k] * queue[k] / lam[k]),
            mean_wait=float(little),
            asa=float(alpha @ wait_served) / p_answered,
            service_level=p_answered - late,
            mean_queue=float(queue[k]),
            answered_rate=float(answered[k]),
            abandoned_rate=float(theta[k] * queue[k]),
        ))
    return PriorityResult(
        classes=tuple(classes), p_wait=p_wait, answer_within=answer_within,
        boundary=boundary, N=N, states=c + len(grid),
        checks={"answered": max(gaps_answered), "wait": max(gaps_wait)},
    )
