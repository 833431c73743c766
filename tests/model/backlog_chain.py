"""The exact periodic Markov chain of deferrable work (e-mail): a backlog that only opening
hours work off, day after day.

Items arrive Poisson round the clock, at rate ``lam(t)``: one rate, or 24 rates, one per
hour of the clock (hour ``h`` is ``[h, h + 1) * day / 24``). A fixed team of ``c`` agents
works only while the centre is open, ``[open_from, open_until)`` of each day (it may wrap
past midnight; ``open_until - open_from = day`` is open round the clock). Handling an item
takes exponential work of mean ``1 / mu``; nobody abandons; items are handled FCFS, and
those in hand at closing are set aside and resumed at the next opening with the work they
have left (memoryless: in the chain they are just items in the system).

So ``N(t)``, the items in the system (in hand or not), is a birth–death process with
births ``lam(t)`` and deaths ``min(N, c) mu`` while open, ``0`` while closed: a
continuous-time chain with period one day, whose rates are constant on *pieces* of the
day (cut at opening, closing and, with 24 rates, the hours). It has a periodic steady
state when a day's arrivals ``Lambda = integral of lam over the day`` are fewer than a
day's capacity, ``Lambda < c mu (open time)``.

Method. Each piece's transfer matrix is applied by uniformisation, ``p(t) = sum_k
Pois(k; q t) p P^k`` with ``P = I + G / q`` (every term non-negative: no cancellation),
the Poisson sum cut where its tail is below 1e-18; the same sum gives ``integral_0^t
p(s) ds = sum_k P(Pois(q t) > k) / q p P^k``. The day's transfer matrix from one opening
to the next is the product over the pieces (built column by column, ``N + 1`` laws at
once); its stationary vector, by Grassmann–Taksar–Heyman elimination (no subtraction: even
the tail's tiny probabilities are right to rounding) and checked by its residual, is the
law of ``N`` at opening — the periodic steady state, exactly what power iteration of that
matrix would converge to. Carrying it through the day gives the law at closing and the
exact day integrals of ``E[N]``, ``E[min(N, c)]`` and ``P(N = N_max)``. Sizes: ``N`` about
150 for three agents, 0.2 s; 580 for thirty agents, 3 s (the matrix is dense).

Truncation: at most ``N`` in the system; an arrival that finds ``N`` is lost.
``boundary`` is that share of a day's arrivals, ``integral lam P(N(t) = N) dt / Lambda``;
by default ``N`` grows until ``boundary < tol``, which bounds the error of every
share (means move by about ``N * boundary``).

Response times. A tagged item arriving at ``u`` that finds ``j`` in the system (PASTA:
the law of ``N(u)``, arrivals weighted by ``lam(u)``) has only the ``j`` ahead of it to
wait for, FCFS, and nobody leaves but by being handled. While the centre is open and
``j >= c`` the ones ahead end at rate ``c mu``; once fewer than ``c`` are ahead it is in
hand and ends at rate ``mu``; while closed nothing moves. So on the *open-time clock* its
start of handling is ``X'_j`` = Erlang(``j - c + 1``, ``c mu``) (``0`` if ``j < c``) and
its end ``X_j = X'_j + Exp(mu)``, whose survival function is ``Q(m, c mu x) +
exp(-mu x) (c / (c - 1))^m P(m, (c - 1) mu x)`` (``m = j - c + 1``; ``P``, ``Q`` the
regularised incomplete gamma functions; ``Q(m + 1, mu x)`` when ``c = 1``), computed as
Poisson sums of positive terms (:func:`_survivals`). The open
time in ``[u, u + t]``, ``O(u, u + t)``, is a known function, so

* ``P(response <= tau | u, j) = P(X_j <= O(u, u + tau))``, exactly;
* ``E[response | u, j] = E[X_j] + sum over the closed stretches after u of their length
  times P(X_j > open time from u to their start)`` (the response integrates ``P(X_j >
  O(u, u + t))`` over ``t``), and likewise the wait to the start of handling with
  ``P(X'_j >= .)`` (an item that arrives while closed waits at least until opening).

Only the average over the arrival time ``u`` is numerical: Gauss–Legendre over the day,
cut where the integrand has kinks (the pieces' ends, and where ``u + tau`` crosses an
opening or a closing) and into parts of at most ``day / 48``, ``nodes`` per part (the
laws at a part's nodes from one run of powers ``P^k p``). Within a part the integrand is
analytic, so the error falls exponentially with ``nodes``: at the default 12 it is
rounding (the tests find 24 nodes within 1e-13, and cutting at the kinks is what gets
there: without them, 4e-7). ``checks`` holds the tagged mean response against Little's
law and the quadrature of ``E[N]`` against its exact integral.

What the simulator must measure to match: ``mean_response`` and ``service_level`` from an
item's arrival to the end of its handling, nights included; ``mean_wait`` from arrival to
the *first* start of its handling (an item set aside at closing has started); every item
of a day counted by its arrival, round the clock; the team all present for the whole of
the opening hours; the order strictly FCFS (items set aside are the oldest, resumed first
at opening).

Times in seconds and rates per second by default; ``day`` in the same unit makes any
other unit work (``day=24`` for hours).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

import numpy as np
from scipy.signal import lfilter
from scipy.sparse import csr_matrix, diags
from scipy.special import gammainc, gammaln, xlogy

DAY = 86_400.0  #: seconds
MAX_N = 5_000  # the day's transfer matrix is dense: seconds at N = 1,000, O(N^3) beyond
_BLOCK = 200.0  # uniformise at most this many expected jumps at once (exp(-200) is safe)
_CUT = 1e-18  # Poisson tails and survival terms below this are dropped


@dataclass(frozen=True)
class BacklogMetrics:
    """The periodic steady state of deferrable work (see the module's docstring): shares
    of all arrivals, times in seconds, day averages over the whole 24 hours."""

    agents: int  #: c
    arrivals_per_day: float  #: Lambda, the integral of arrival_rate over a day
    completions_per_day: float  #: mu times the day integral of E[min(N, c)] while open
    backlog_at_open: float  #: E[N] at opening: items in the system, set-aside ones too
    backlog_at_close: float  #: E[N] at closing, items in hand included
    at_open: tuple[float, ...]  #: P(N = k) at opening, k = 0..N
    at_close: tuple[float, ...]  #: P(N = k) at closing, k = 0..N
    mean_in_system: float  #: day average of E[N(t)]
    #: day average of the items not being handled: N - min(N, c) while open, N while
    #: closed (items set aside at closing count as waiting)
    mean_waiting: float
    occupancy: float  #: busy agent-time over the agents' open time, E[min(N, c)] / c
    mean_response: float  #: seconds, arrival to end of handling: Little, mean_in_system/lam
    mean_wait: float  #: seconds, arrival to first start of handling (tagged item)
    service_level: float  #: P(handling ends within answer_within of arrival)
    answer_within: float  #: seconds, the threshold used
    boundary: float  #: share of arrivals the truncation loses
    N: int  #: the truncation: at most N items in the system
    #: ``little``: relative gap between the tagged items' mean response and Little's;
    #: ``quadrature``: relative gap between the quadrature of E[N] over the day and its
    #: exact integral. Both rounding when the method is right.
    checks: dict[str, float]


@dataclass(frozen=True)
class _Piece:
    start: float  #: time since opening
    length: float
    rate: float  #: arrivals per second
    open: bool


def _pieces(day: float, open_from: float, open_len: float, rates: np.ndarray) -> list[_Piece]:
    """The day from one opening to the next, cut where a rate changes (an hour of the
    clock within 1e-9 of a day of opening or closing is taken to be it)."""
    anchors = (0.0, open_len, day)
    cuts = set(anchors)
    if len(set(rates.tolist())) > 1:
        for h in range(24):
            cut = (h * day / 24 - open_from) % day
            if min(abs(cut - a) for a in anchors) > 1e-9 * day:
                cuts.add(cut)
    out = []
    for a, b in pairwise(sorted(cuts)):
        if b > a:
            clock = (open_from + (a + b) / 2) % day
            out.append(_Piece(a, b - a, float(rates[int(clock // (day / 24)) % 24]),
                              (a + b) / 2 < open_len))
    return out


@lru_cache(maxsize=4096)
def _poisson(x: float) -> tuple[np.ndarray, np.ndarray]:
    """``P(Pois(x) = k)`` and ``P(Pois(x) > k)``, ``k = 0..K``, cut where the tail beyond
    ``K`` is below ``_CUT`` (after ``k > x`` it is at most ``w_k x / (k + 1 - x)``)."""
    w = [math.exp(-x)]
    k = 0
    while not (k > x and w[-1] * x / (k + 1 - x) < _CUT):
        k += 1
        w.append(w[-1] * x / k)
    weights = np.array(w)
    tails = np.concatenate([np.cumsum(weights[::-1])[::-1][1:], [0.0]])
    return weights, tails


@dataclass(frozen=True)
class _Uniformised:
    """A piece's birth–death generator ``G`` on ``0..N``, uniformised: ``P = I + G / q``,
    kept transposed (``PT``, CSR) so that laws are columns and a step is one sparse
    product, scipy's own loop."""

    q: float  #: the uniformisation rate, the largest total rate out of a state
    PT: csr_matrix | None  #: P transposed; None when nothing moves (q = 0)

    @classmethod
    def of(cls, birth: np.ndarray, death: np.ndarray) -> _Uniformised:
        q = float((birth + death).max())
        if q == 0.0:
            return cls(q, None)
        keep = 1.0 - (birth + death) / q
        return cls(q, diags([birth[:-1] / q, keep, death[1:] / q], [-1, 0, 1], format="csr"))

    def apply(self, V: np.ndarray, t: float) -> np.ndarray:
        """``exp(G t)^T V``: each column of ``V`` a law at 0, its law at ``t``. By
        Horner's scheme, ``sum_k w_k P^k V = w_0 V + P^T (w_1 V + P^T (...))``."""
        if self.PT is None or t == 0.0:
            return V.copy()
        blocks = max(1, math.ceil(self.q * t / _BLOCK))
        weights, _ = _poisson(self.q * t / blocks)
        for _ in range(blocks):
            Z = weights[-1] * V
            for w in weights[-2::-1]:
                Z = self.PT @ Z
                Z += w * V
            V = Z
        return V

    def at(self, v: np.ndarray, times: np.ndarray) -> np.ndarray:
        """The laws at ``times`` (rows; each ``q t <= _BLOCK``) from ``v`` at 0: the
        powers ``P^k v`` once, weighted by ``Pois(k; q t)`` for each time."""
        if self.PT is None:
            return np.tile(v, (len(times), 1))
        x = self.q * np.asarray(times, dtype=float)
        K = len(_poisson(float(x.max()))[0])  # enough terms for the largest time
        powers = np.empty((K, len(v)))
        powers[0] = v
        for i in range(1, K):
            powers[i] = self.PT @ powers[i - 1]
        k = np.arange(K)
        with np.errstate(divide="ignore"):
            weights = np.exp(xlogy(k, x[:, None]) - x[:, None] - gammaln(k + 1))
        return np.einsum("tk,kn->tn", weights, powers)

    def integrate(self, v: np.ndarray, t: float) -> tuple[np.ndarray, np.ndarray]:
        """The law at ``t`` from ``v`` at 0 and ``integral_0^t`` of the law:
        ``sum_k P(Pois(q t) > k) / q P^k v``."""
        if self.PT is None or t == 0.0:
            return v.copy(), v * t
        blocks = max(1, math.ceil(self.q * t / _BLOCK))
        weights, tails = _poisson(self.q * t / blocks)
        area = np.zeros_like(v)
        for _ in range(blocks):
            y = v
            v = weights[0] * y
            area += tails[0] / self.q * y
            for w, tail in zip(weights[1:], tails[1:], strict=True):
                y = self.PT @ y
                v += w * y
                area += tail / self.q * y
        return v, area


def _survivals(y: np.ndarray, c: int, mu: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    """For each open time ``y`` (rows) and ``j = 0..n-1`` found in the system (columns):
    ``P(X_j > y)`` (the end of handling) and ``P(X'_j >= y)`` (its start).

    With ``z = c mu y``, ``pi_i = Pois(i; z)``, ``r = (c - 1) / c`` and ``m = max(j - c + 1,
    0)``: ``P(X'_j > y) = sum_{i < m} pi_i`` (fewer than ``m`` of the line's ends by
    ``y``) and ``P(X_j > y) = sum_{i < m} pi_i + R_m``, ``R_m = sum_{i >= m} pi_i r^(i - m)``
    (the incomplete-gamma form of the module's docstring summed term by term: ``c mu``
    splits into ``mu``, the tagged item's own end, and the rest). ``R`` runs down from
    ``R_M = r^-M exp(-z / c) P(M, r z)`` (``M = n - c``, ``P`` the regularised lower
    incomplete gamma function; ``pi_M`` when ``c = 1``) by ``R_m = pi_m + r R_{m+1}``.
    Every term is positive: no cancellation."""
    y = np.asarray(y, dtype=float).reshape(-1)
    z = (c * mu * y)[:, None]
    M = max(n - c, 0)
    i = np.arange(M + 1)
    with np.errstate(divide="ignore"):
        pmf = np.exp(xlogy(i, z) - z - gammaln(i + 1))
        r = (c - 1) / c
        last = (pmf[:, M] if c == 1 else
                np.exp(-M * math.log(r) - z[:, 0] / c + np.log(gammainc(M, r * z[:, 0])))
                if M else np.exp(-z[:, 0] / c))
    below = np.concatenate([np.zeros((len(y), 1)), np.cumsum(pmf[:, :-1], axis=1)], axis=1)
    # R_m for m = M..0: the filter y_k = x_k + r y_{k-1} over m = M, M-1, .., with R_M
    # entered through the initial state.
    rest = last[:, None]
    if M:
        down, _ = lfilter([1.0], [1.0, -r], pmf[:, ::-1][:, 1:], axis=1,
                          zi=(r * last)[:, None])
        rest = np.concatenate([down[:, ::-1], rest], axis=1)
    m = np.maximum(np.arange(n) - c + 1, 0)
    start = below[:, m]
    start[np.ix_(y <= 0, m == 0)] = 1.0  # P(X' >= 0) = 1
    return below[:, m] + rest[:, m], start


def _gth(P: np.ndarray) -> np.ndarray:
    """The stationary vector of the stochastic matrix ``P`` by Grassmann, Taksar and
    Heyman's elimination (1985): only additions of non-negative numbers, so every entry,
    the smallest too, is accurate to rounding; numpy's elementwise loops, not LAPACK's
    threads (a 160-state LAPACK solve took 0.1 s on the busy two-core machine)."""
    A = P.copy()
    for k in range(len(A) - 1, 0, -1):
        out = A[k, :k].sum()
        A[:k, k] /= out
        A[:k, :k] += A[:k, k, None] * A[k, None, :k]
    pi = np.zeros(len(A))
    pi[0] = 1.0
    for k in range(1, len(A)):
        pi[k] = np.einsum("i,i->", pi[:k], A[:k, k])
    return pi / pi.sum()


def _day(pieces: list[_Piece], N: int, c: int, mu: float) -> list[_Uniformised]:
    """Each piece's chain on ``0..N``: births ``lam`` (none at ``N``), deaths ``min(k, c)
    mu`` while open."""
    k = np.arange(N + 1)
    out = []
    for piece in pieces:
        birth = np.where(k < N, piece.rate, 0.0)
        death = np.minimum(k, c) * mu if piece.open else np.zeros(N + 1)
        out.append(_Uniformised.of(birth, death))
    return out


def _at_open(pieces: list[_Piece], chains: list[_Uniformised], N: int) -> np.ndarray:
    """The periodic steady state at opening: the stationary vector of the day's transfer
    matrix, checked by its residual."""
    V = np.eye(N + 1)  # column k: the law of the day that starts with k
    for piece, chain in zip(pieces, chains, strict=True):
        V = chain.apply(V, piece.length)
    X = V.T
    p = _gth(X)
    residual = float(np.abs(np.einsum("i,ij->j", p, X) - p).sum())
    if residual > 1e-12:
        raise RuntimeError(f"the periodic solve failed (residual {residual:.1e})")
    return p


def backlog_metrics(agents: int, open_from: float, open_until: float,
                    arrival_rate: float | Sequence[float], mean_handle: float,
                    answer_within: float = 0.0, day: float = DAY, nodes: int = 12,
                    N: int | None = None, tol: float = 1e-12) -> BacklogMetrics:
    """The periodic steady state of deferrable work (see the module's docstring).

    ``agents`` (c) work ``[open_from, open_until)`` of each day (times of the clock,
    ``0 <= . <= day``; wrapping past midnight allowed; ``(0, day)``: round the clock);
    ``arrival_rate`` per second, one value or 24 (per hour of the clock); ``mean_handle``
    (1 / mu) seconds; ``answer_within`` seconds (any length, days too). ``nodes``: the
    Gauss–Legendre nodes per part of the day in the average over arrival times.

    ``N`` truncates the items in the system; left ``None`` it starts at about half a
    day's arrivals and grows (as the law at opening's tail suggests) until ``boundary <
    tol``.
    """
    c = agents
    rates = np.asarray(arrival_rate, dtype=float).ravel()
    if rates.size == 1:
        rates = np.full(24, rates[0])
    if c < 1 or rates.size != 24 or (rates < 0).any() or rates.sum() == 0:
        raise ValueError("need agents >= 1 and one rate or 24 rates, >= 0, not all 0")
    if mean_handle <= 0 or answer_within < 0 or day <= 0 or nodes < 1:
        raise ValueError("need mean_handle, day, nodes > 0 and answer_within >= 0")
    if not (0 <= open_from <= day and 0 <= open_until <= day):
        raise ValueError("open_from and open_until are times of the clock, 0..day")
    open_len = day if open_until - open_from == day else (open_until - open_from) % day
    if open_len == 0:
        raise ValueError("the centre never opens")
    mu = 1.0 / mean_handle
    pieces = _pieces(day, open_from % day, open_len, rates)
    arrivals = sum(p.rate * p.length for p in pieces)
    if arrivals >= c * mu * open_len:
        raise ValueError(f"no periodic steady state: a day's arrivals ({arrivals:.4g}) "
                         f"reach its capacity ({c * mu * open_len:.4g})")
    automatic = N is None
    if N is None:
        N = math.ceil(arrivals / 2 + 6 * math.sqrt(arrivals) + c + 20)
    while True:
        if N > MAX_N:
            raise ValueError(f"N = {N}: too many states")
        chains = _day(pieces, N, c, mu)
        p_open = _at_open(pieces, chains, N)
        # Through the day: the law at each piece's start and the exact day integrals.
        p, k = p_open, np.arange(N + 1)
        starts, in_system, busy, lost = [], 0.0, 0.0, 0.0
        p_close = p_open if open_len == day else None
        for piece, chain in zip(pieces, chains, strict=True):
            starts.append(p)
            p, area = chain.integrate(p, piece.length)
            in_system += float(area @ k)
            lost += piece.rate * float(area[N])
            if piece.open:
                busy += float(area @ np.minimum(k, c))
            if math.isclose(piece.start + piece.length, open_len):
                p_close = p
        boundary = lost / arrivals
        if not automatic or boundary < tol:
            break
        N = _next_N(N, p_open, boundary, tol)
    assert p_close is not None

    # The average over arrival times of the tagged item's response and wait.
    kinks = {(open_len - answer_within) % day, (-answer_within) % day}
    x, w = np.polynomial.legendre.leggauss(nodes)
    within = response = wait = quadrature = 0.0
    for piece, chain, p in zip(pieces, chains, starts, strict=True):
        a, b = piece.start, piece.start + piece.length
        cuts = sorted({a, b} | {s for s in kinks if a < s < b})
        for lo, hi in pairwise(cuts):
            parts = max(math.ceil((hi - lo) / (day / 48)), math.ceil(chain.q * (hi - lo)
                                                                     / _BLOCK))
            width = (hi - lo) / parts
            for i in range(parts):
                start = lo + i * width
                u = start + (x + 1) / 2 * width
                at = chain.at(p, np.concatenate([u - start, [width]]))
                p, laws = at[-1], at[:-1]
                weight = w * width / 2
                quadrature += float(weight @ (laws @ k))
                found = (weight * piece.rate)[:, None] * laws
                r, s, done = _tagged(u, answer_within, c, mu, N + 1, day, open_len)
                within += float(np.einsum("ij,ij->", found, done))
                response += float(np.einsum("ij,ij->", found, r))
                wait += float(np.einsum("ij,ij->", found, s))
    little = in_system / arrivals
    return BacklogMetrics(
        agents=c,
        arrivals_per_day=arrivals,
        completions_per_day=mu * busy,
        backlog_at_open=float(p_open @ k),
        backlog_at_close=float(p_close @ k),
        at_open=tuple(float(v) for v in p_open),
        at_close=tuple(float(v) for v in p_close),
        mean_in_system=in_system / day,
        mean_waiting=(in_system - busy) / day,
        occupancy=busy / (c * open_len),
        mean_response=little,
        mean_wait=float(wait) / arrivals,
        service_level=float(within) / arrivals,
        answer_within=float(answer_within),
        boundary=boundary,
        N=N,
        checks={"little": abs(float(response) / arrivals / little - 1),
                "quadrature": float(abs(quadrature / in_system - 1))},
    )


def _next_N(N: int, p_open: np.ndarray, boundary: float, tol: float) -> int:
    """A larger truncation: where the boundary would fall below ``tol`` if it decayed like
    the law at opening does over its last ten states (plus ten), between 1.2 and 3 times
    ``N``; 1.5 times ``N`` when that law is not decaying yet. The caller checks."""
    if p_open[N - 11] > 0:
        ratio = (p_open[N - 1] / p_open[N - 11]) ** 0.1
        if 0 < ratio < 0.999:
            more = math.ceil(math.log(tol / boundary) / math.log(ratio)) + 10
            return min(max(N + more, math.ceil(1.2 * N)), 3 * N)
    return math.ceil(1.5 * N)


def _open_time(a: float, b: float, day: float, open_len: float) -> float:
    """Open time in ``[a, b]``, times since an opening."""

    def before(t: float) -> float:
        return (t // day) * open_len + min(t % day, open_len)

    return before(b) - before(a)


def _tagged(u: np.ndarray, tau: float, c: int, mu: float, n: int, day: float,
            open_len: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For items arriving at ``u`` (times since an opening, rows) that find ``j = 0..n-1``
    in the system (columns): ``E[response]``, ``E[wait]`` and ``P(response <= tau)``. The
    means are the open-time means plus each closed stretch after ``u`` times the chance of
    not being done (not started) when it begins."""
    m = np.maximum(np.arange(n) - c + 1, 0)
    response = np.tile(m / (c * mu) + 1 / mu, (len(u), 1))
    wait = np.tile(m / (c * mu), (len(u), 1))
    ys = [[_open_time(v, v + tau, day, open_len)] for v in u]
    lengths: list[list[float]] = [[] for _ in u]
    if open_len < day:
        # Stretches until even the last j (the slowest) is surely done: its open time
        # X is Erlang(m, c mu) + Exp(mu), beyond 1e-18 past z = c mu y of the bound.
        # Every u < day has one stretch per day: the first from max(u, closing).
        top = m[-1] + 12 * math.sqrt(m[-1] + 1) + 50 + 42 * c
        for d in range(math.ceil(top / (c * mu) / open_len) + 2):
            for row, v in enumerate(u):
                start = max(d * day + open_len, v)
                lengths[row].append((d + 1) * day - start)
                ys[row].append(_open_time(v, start, day, open_len))
    stretches = len(lengths[0])
    done, started = (x.reshape(len(u), stretches + 1, n)
                     for x in _survivals(np.array(ys).ravel(), c, mu, n))
    if stretches:
        if done[:, -1, -1].max() > _CUT:
            raise RuntimeError("too few closed stretches for the tagged item")
        span = np.array(lengths)
        response += np.einsum("ik,ikj->ij", span, done[:, 1:])
        wait += np.einsum("ik,ikj->ij", span, started[:, 1:])
    return response, wait, 1.0 - done[:, 0]
