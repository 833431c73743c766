"""The exact continuous-time Markov chain of inbound/outbound blending with a reserve.

One contact type, one group of ``c`` agents, Poisson inbound arrivals at rate ``lam``,
exponential inbound talk time (rate ``mu_in``), exponential patience on the line (rate
``theta``; ``0``: nobody abandons), no wrap-up. An unlimited list of outbound calls with
``dial_time = 0`` and ``reach = 1`` and exponential outbound talk time (rate ``mu_out``).

Rule ``reserve`` with ``K = keep_idle``: an agent who frees takes a waiting caller if one
waits; otherwise it starts an outbound call if at least ``K`` *other* agents of the group
are idle, else it goes idle. An arrival is answered at once by an idle agent if there is
one, else it waits (FIFO). ``K = 0`` is ``inbound_first``: no agent is ever idle. ``K = c``
(no outbound call is ever started) is accepted too: the M/M/c(+M) queue, a check.

The state is ``(x, k)``: inbound contacts in the system (talking or waiting) and agents on
outbound calls. With ``s = c - k``: ``a = min(x, s)`` talking inbound, ``q = max(x - s, 0)``
waiting, ``i = s - a`` idle. Transitions:

* arrival, ``lam``: ``(x + 1, k)`` (blocked at the truncation ``x = X``);
* inbound end, ``a mu_in``: ``(x - 1, k)`` if ``q > 0`` (the agent takes the head of the
  line) or if ``q = 0`` and ``i < K`` (it goes idle); ``(x - 1, k + 1)`` if ``q = 0`` and
  ``i >= K`` (it dials);
* outbound end, ``k mu_out``: ``(x, k - 1)`` if ``q > 0`` (takes a caller) or if ``q = 0`` and
  ``i < K`` (goes idle); nothing changes if ``q = 0`` and ``i >= K`` (dials again);
* abandonment, ``q theta``: ``(x - 1, k)``.

An agent goes idle only while fewer than ``K`` others are, and a call is started only with
``K`` others idle, so in the recurrent class ``i <= K`` and (for ``K >= 1``) ``k <= c - K``:
those are the states built. Truncated at ``x <= X`` (``X=None``: chosen, and raised until
the boundary ``P(x = X)`` is below ``1e-11``).

``asa`` comes from a tagged arrival: while it waits every freed agent takes the head of the
line and no call is started, so its state is ``(j, k)`` (``j`` callers ahead) and
``k`` only falls; a one-pass recursion over ``j`` gives its probability of being answered
and its mean wait when answered. (``E[q] / (lam - theta E[q])`` is *not* the ASA when
``theta > 0``: it charges the abandoners' waits to the answered.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.linalg import spsolve


@dataclass(frozen=True)
class ReserveResult:
    abandon_rate: float  #: abandoned on the line / offered (theta E[q] / lam)
    p_wait: float  #: P(an arrival waits) = P(no agent idle), by PASTA
    mean_wait: float  #: mean wait of all arrivals, E[q] / lam (Little), seconds if rates /s
    asa: float  #: mean wait of answered arrivals (zero waits included)
    outbound_per_hour: float  #: outbound conversations per hour, 3600 mu_out E[k]
    idle_mean: float  #: E[idle agents]
    boundary: float  #: P(x = X), the truncation boundary (0 for the closed form)
    states: int  #: states of the truncated chain (0 for the closed form)


def _check(c: int, lam: float, mu_in: float, mu_out: float, theta: float, K: int) -> None:
    if c < 1 or not 0 <= K <= c:
        raise ValueError(f"need c >= 1 and 0 <= K <= c, got c={c}, K={K}")
    if lam <= 0 or mu_in <= 0 or mu_out <= 0 or theta < 0:
        raise ValueError("need lam, mu_in, mu_out > 0 and theta >= 0")
    if theta == 0 and lam >= c * mu_in:
        raise ValueError(f"no steady state without abandonment: lam / (c mu_in) = "
                         f"{lam / (c * mu_in):.3f} >= 1")


def _default_X(c: int, lam: float, mu_in: float, theta: float, tol: float = 1e-12) -> int:
    """``c`` plus the line length where the M/M/c+M line (``k = 0``, which a long line
    drains to) has tail below ``tol``, with a margin."""
    term, total, q = 1.0, 1.0, 0
    while True:
        q += 1
        ratio = lam / (c * mu_in + q * theta)
        term *= ratio
        total += term
        rest = term * ratio / (1 - ratio) if ratio < 1 else math.inf
        if rest < tol * total:
            break
    return c + int(1.1 * q) + 10


def _tagged(c: int, mu_in: float, mu_out: float, theta: float, J: int, kmax: int):
    """For a tagged caller with ``j`` ahead and ``k`` agents on outbound calls (every agent
    busy): P(answered), E[wait; answered], E[wait], arrays ``[j, k]`` for ``j <= J``."""
    k = np.arange(kmax + 1)
    inb, outb = (c - k) * mu_in, k * mu_out
    served, w_served, w_all = (np.empty((J + 1, kmax + 1)) for _ in range(3))
    s_prev, m_prev, w_prev = np.ones(kmax + 1), np.zeros(kmax + 1), np.zeros(kmax + 1)

    def down(v: np.ndarray) -> np.ndarray:  # v at k - 1 (its weight k mu_out is 0 at k = 0)
        return np.concatenate([[0.0], v[:-1]])

    for j in range(J + 1):
        rate = inb + outb + (j + 1) * theta
        stay = inb + j * theta  # an end of inbound talk or an abandonment ahead: j - 1, k

        def step(prev: np.ndarray, stay=stay) -> np.ndarray:
            return stay * prev + outb * down(prev)

        s_j = step(s_prev) / rate
        m_j = (s_j + step(m_prev)) / rate
        w_j = (1.0 + step(w_prev)) / rate
        served[j], w_served[j], w_all[j] = s_j, m_j, w_j
        s_prev, m_prev, w_prev = s_j, m_j, w_j
    return served, w_served, w_all


def _solve(c: int, lam: float, mu_in: float, mu_out: float, theta: float, K: int, X: int):
    kmax = c - K if K >= 1 else c
    ks = np.arange(kmax + 1)
    xmin = np.maximum(0, c - ks - K)  # idle = c - k - x <= K
    counts = X + 1 - xmin
    offset = np.concatenate([[0], np.cumsum(counts)])
    n = int(offset[-1])
    k = np.repeat(ks, counts)
    x = np.arange(n) - offset[k] + xmin[k]
    grid = -np.ones((X + 2, kmax + 2), dtype=np.int64)  # (x, k) -> index, -1 outside
    grid[x, k] = np.arange(n)

    s = c - k
    a = np.minimum(x, s)
    q = x - a
    idle = s - a
    frm, to, rate = [], [], []

    def add(mask: np.ndarray, x1: np.ndarray, k1: np.ndarray, r: np.ndarray | float) -> None:
        r = np.broadcast_to(np.asarray(r, dtype=float), mask.shape)
        mask = mask & (r > 0)
        dst = grid[x1[mask], k1[mask]]
        if (dst < 0).any():
            raise AssertionError("a transition leaves the state set")
        frm.append(np.flatnonzero(mask))
        to.append(dst)
        rate.append(r[mask])

    dial = (q == 0) & (idle >= K)
    add(x < X, x + 1, k, lam)
    add((a > 0) & ~dial, x - 1, k, a * mu_in)
    add((a > 0) & dial, x - 1, k + 1, a * mu_in)
    add((k > 0) & ~dial, x, k - 1, k * mu_out)  # dial: a new outbound call, no change
    add(q > 0, x - 1, k, q * theta)
    frm, to, rate = np.concatenate(frm), np.concatenate(to), np.concatenate(rate)

    # π G = 0 with Σπ = 1: G^T π = 0 with π[0] = 1 in place of balance equation 0 (column 0
    # goes to the right-hand side; a row of ones would fill the sparse LU), then normalised.
    out = np.bincount(frm, weights=rate, minlength=n)
    rows = np.concatenate([to, np.arange(n)])
    cols = np.concatenate([frm, np.arange(n)])
    vals = np.concatenate([rate, -out])
    system = coo_matrix((vals, (rows, cols)), shape=(n, n)).tocsc()
    rhs = -system[1:, [0]].toarray().ravel()
    pi = np.empty(n)
    pi[0] = 1.0
    pi[1:] = spsolve(system[1:, 1:].tocsc(), rhs)
    pi /= pi.sum()

    eq, ek, ei = float(pi @ q), float(pi @ k), float(pi @ idle)
    busy = idle == 0
    boundary = float(pi[x == X].sum())
    # The tagged arrival (PASTA over the states where an arrival is admitted, x < X).
    served, w_served, w_all = _tagged(c, mu_in, mu_out, theta, X, kmax)
    admit = x < X
    wait = busy & admit
    p_admit = float(pi[admit].sum())
    p_served = (float(pi[admit & ~busy].sum()) + float(pi[wait] @ served[q[wait], k[wait]]))
    asa = float(pi[wait] @ w_served[q[wait], k[wait]]) / p_served
    checks = {  # little, abandon: 1 up to rounding (the tagged caller against Little's law)
        "little": float(pi[wait] @ w_all[q[wait], k[wait]]) / (eq / lam)
        if eq > 0 else 1.0,
        "abandon": (p_admit - p_served) / (theta * eq / lam) if theta * eq > 0 else 1.0,
        "pi_min": float(pi.min()),
    }
    result = ReserveResult(
        abandon_rate=theta * eq / lam,
        p_wait=float(pi[busy].sum()),
        mean_wait=eq / lam,
        asa=asa,
        outbound_per_hour=3600.0 * mu_out * ek,
        idle_mean=ei,
        boundary=boundary,
        states=n,
    )
    return result, checks, (x, k, pi)


def solve(c: int, lam: float, mu_in: float, mu_out: float, theta: float, K: int,
          X: int | None = None) -> ReserveResult:
    """The stationary metrics of the reserve rule with ``K = keep_idle`` (rates per second
    give waits in seconds). ``X`` truncates the inbound contacts in the system."""
    _check(c, lam, mu_in, mu_out, theta, K)
    if X is not None:
        return _solve(c, lam, mu_in, mu_out, theta, K, X)[0]
    X = _default_X(c, lam, mu_in, theta)
    while True:
        result = _solve(c, lam, mu_in, mu_out, theta, K, X)[0]
        if result.boundary < 1e-11:
            return result
        X = int(1.5 * X)


def closed_form(c: int, lam: float, mu: float, K: int) -> ReserveResult:
    """The reserve rule with ``mu_in = mu_out = mu`` and no abandonment, in closed form.

    Every busy agent ends at rate ``mu`` whatever it does, so ``n = (agents not idle) +
    (callers waiting)`` is a birth–death chain on ``n >= c - K`` (``n >= c`` for ``K = 0``):
    birth ``lam``; death ``c mu`` for ``n > c`` (the freed agent takes a caller); for
    ``n <= c`` the ``n`` busy agents end at ``n mu`` and the freed one goes idle
    (``n -> n - 1``) only if fewer than ``K`` others, ``c - n``, are idle — so death ``n mu``
    for ``c - K < n <= c`` and ``0`` at ``n = c - K`` (it dials again). Hence, with
    ``a = lam / mu`` and ``rho = a / c``, ``p_n ∝ a^n / n!`` for ``c - K <= n <= c`` and
    ``p_n = p_c rho^(n - c)`` above: ``P(wait) = p_c / (1 - rho)``,
    ``E[q] = p_c rho / (1 - rho)^2``, ``E[idle] = Σ_{n<c} (c - n) p_n``, and the outbound
    agents ``E[k] = c - E[idle] - a`` (the busy agents less the inbound ones, Little).
    """
    _check(c, lam, mu, mu, 0.0, K)
    a, rho = lam / mu, lam / (c * mu)
    low = c - K
    weights = [1.0]  # p_n / p_{c-K} for n = c - K .. c
    for n in range(low + 1, c + 1):
        weights.append(weights[-1] * a / n)
    weights = np.array(weights)
    p_c_rel = weights[-1]
    norm = weights.sum() + p_c_rel * rho / (1 - rho)
    p = weights / norm
    p_c = float(p[-1])
    eq = p_c * rho / (1 - rho) ** 2
    idle = float(np.arange(K, -1, -1) @ p)  # c - n for n = c - K .. c
    ek = c - idle - a
    return ReserveResult(
        abandon_rate=0.0,
        p_wait=p_c / (1 - rho),
        mean_wait=eq / lam,
        asa=eq / lam,
        outbound_per_hour=3600.0 * mu * ek,
        idle_mean=idle,
        boundary=0.0,
        states=0,
    )


def _dense(c: int, lam: float, mu_in: float, mu_out: float, theta: float, K: int, X: int):
    """Brute force: agent-level states ``(a, k, q)`` (every one with work never waiting
    beside an idle agent, transient ones included), the same truncation ``a + q <= X``, a
    dense generator and numpy.linalg. Returns the metrics as a dict."""
    states = [(a, k, q) for k in range(c + 1) for a in range(c + 1 - k)
              for q in range(X + 1) if a + q <= X and (q == 0 or a + k == c)]
    index = {s: i for i, s in enumerate(states)}
    n = len(states)
    G = np.zeros((n, n))

    def freed(a: int, k: int, q: int) -> tuple[int, int, int]:
        """An agent has just ended (a or k already lowered): what it does next."""
        if q > 0:
            return (a + 1, k, q - 1)
        others_idle = c - a - k - 1
        return (a, k + 1, q) if others_idle >= K else (a, k, q)

    for (a, k, q), i in index.items():
        moves = []
        if a + q < X:
            moves.append(((a + 1, k, q) if a + k < c else (a, k, q + 1), lam))
        if a:
            moves.append((freed(a - 1, k, q), a * mu_in))
        if k:
            moves.append((freed(a, k - 1, q), k * mu_out))
        if q:
            moves.append(((a, k, q - 1), q * theta))
        for target, r in moves:
            if target != (a, k, q):
                G[i, index[target]] += r
                G[i, i] -= r
    A = G.T.copy()
    A[-1, :] = 1.0
    rhs = np.zeros(n)
    rhs[-1] = 1.0
    pi = np.linalg.solve(A, rhs)
    s = np.array(states, dtype=float)
    a, k, q = s.T
    idle = c - a - k
    eq = float(pi @ q)
    transient = (idle > K) | ((k > c - K) if K >= 1 else np.zeros(n, dtype=bool))
    return {
        "abandon_rate": theta * eq / lam,
        "p_wait": float(pi[idle == 0].sum()),
        "mean_wait": eq / lam,
        "outbound_per_hour": 3600.0 * mu_out * float(pi @ k),
        "idle_mean": float(pi @ idle),
        "boundary": float(pi[a + q == X].sum()),
        "transient_mass": float(np.abs(pi[transient]).sum()),
        "states": n,
    }


if __name__ == "__main__":
    import itertools
    import time

    from ccsim.analytic import erlang_a_metrics, erlang_c_metrics

    IN, OUT, PATIENCE = 240.0, 300.0, 180.0
    FIELDS = ("abandon_rate", "p_wait", "mean_wait", "outbound_per_hour", "idle_mean")

    def rel(x: float, y: float) -> float:
        """Relative difference, with differences below 1e-13 (rounding of zeros) as 0."""
        return 0.0 if abs(x - y) < 1e-13 else abs(x - y) / abs(y)

    # (1) The sparse chain against the agent-level dense brute force, same truncation.
    print("(1) sparse (x, k) chain vs dense agent-level (a, k, q), numpy.linalg")
    for c, load, K, patience, X in [(4, 0.8, 0, PATIENCE, 25), (4, 0.8, 2, PATIENCE, 25),
                                    (5, 1.1, 3, PATIENCE, 30), (5, 0.9, 1, math.inf, 40),
                                    (3, 0.7, 2, 60.0, 12), (4, 0.9, 4, PATIENCE, 20)]:
        lam, th = load * c / IN, 1 / patience
        r, chk, _ = _solve(c, lam, 1 / IN, 1 / OUT, th, K, X)
        d = _dense(c, lam, 1 / IN, 1 / OUT, th, K, X)
        worst = max(rel(getattr(r, f), d[f]) for f in (*FIELDS, "boundary"))
        print(f"  c={c} load={load} K={K} theta=1/{patience} X={X}: states {r.states} "
              f"vs {d['states']}, transient mass {d['transient_mass']:.1e}, "
              f"boundary {r.boundary:.2e}, max rel diff {worst:.1e}, "
              f"tagged little-1 {chk['little'] - 1:.1e} abandon-1 {chk['abandon'] - 1:.1e}")
        assert worst < 1e-9 and d["transient_mass"] < 1e-12 and chk["pi_min"] > -1e-15
        assert abs(chk["little"] - 1) < 1e-9 and abs(chk["abandon"] - 1) < 1e-9

    # (2) mu_in == mu_out, theta == 0: the 1-D birth–death closed form.
    print("(2) closed form (mu_in = mu_out = 1/240, theta = 0) vs the 2-D chain")
    for c in (5, 10, 20):
        for load in (0.6, 0.8, 0.95):
            for K in sorted({0, 1, 2, 6, c - 1} & set(range(c))):
                lam = load * c / IN
                r = solve(c, lam, 1 / IN, 1 / IN, 0.0, K)
                f = closed_form(c, lam, 1 / IN, K)
                worst = max(rel(getattr(r, g), getattr(f, g))
                            for g in (*FIELDS, "asa") if getattr(f, g) != 0)
                assert worst < 1e-9 and r.abandon_rate == 0, (c, load, K, worst)
            print(f"  c={c} load={load}: K in {sorted({0, 1, 2, 6, c - 1} & set(range(c)))} "
                  f"agree, last max rel diff {worst:.1e}")

    # (3) Monotone in K; K = c - 1 has at most one outbound call; K = c is M/M/c(+M).
    print("(3) monotone in K (c = 10, load 0.8, mu_out = 1/300)")
    for patience in (PATIENCE, math.inf):
        c, lam = 10, 0.8 * 10 / IN
        rows = [solve(c, lam, 1 / IN, 1 / OUT, 1 / patience, K) for K in range(c + 1)]
        for K, r in enumerate(rows):
            print(f"  theta=1/{patience} K={K:2d}: abandon {r.abandon_rate:.6f} "
                  f"p_wait {r.p_wait:.6f} mean_wait {r.mean_wait:9.4f} asa {r.asa:9.4f} "
                  f"outbound/h {r.outbound_per_hour:8.4f} idle {r.idle_mean:.4f}")
        for r0, r1 in itertools.pairwise(rows):
            assert r1.outbound_per_hour < r0.outbound_per_hour or r1.outbound_per_hour == 0
            assert r1.mean_wait < r0.mean_wait and r1.p_wait < r0.p_wait
            assert r1.abandon_rate <= r0.abandon_rate and r1.idle_mean > r0.idle_mean
        assert rows[c - 1].outbound_per_hour <= 3600 / OUT  # E[k] <= 1
        ref = (erlang_c_metrics(c, lam, IN) if patience == math.inf
               else erlang_a_metrics(c, lam, IN, patience))
        top = rows[c]
        print(f"  K=c vs ccsim.analytic: p_wait {rel(top.p_wait, ref.p_wait):.1e} "
              f"mean_wait {rel(top.mean_wait, ref.mean_wait):.1e} "
              f"asa {rel(top.asa, ref.asa):.1e} abandon "
              f"{rel(top.abandon_rate, ref.p_abandon) if ref.p_abandon else 0:.1e}")
        assert top.outbound_per_hour == 0
        assert rel(top.p_wait, ref.p_wait) < 1e-9 and rel(top.mean_wait, ref.mean_wait) < 1e-9
        assert rel(top.asa, ref.asa) < 1e-9
        assert ref.p_abandon == 0 or rel(top.abandon_rate, ref.p_abandon) < 1e-9

    # (4) Size and time.
    print("(4) states and solve time (automatic X, boundary < 1e-10)")
    print(f"  {'c':>3} {'load':>5} {'K':>2} {'theta':>6} {'X':>5} {'states':>7} {'ms':>7} "
          f"{'boundary':>9} {'abandon':>9} {'p_wait':>8} {'mean_wait':>9} {'asa':>9} "
          f"{'out/h':>8}")
    for c in (5, 10, 20):
        for load in (0.6, 0.8, 0.95):
            for K in (0, 2, 6):
                if c <= K:
                    continue
                for patience in (PATIENCE, math.inf):
                    lam, th = load * c / IN, 1 / patience
                    t0 = time.perf_counter()
                    r = solve(c, lam, 1 / IN, 1 / OUT, th, K)
                    ms = 1000 * (time.perf_counter() - t0)
                    kmax = c - K if K else c
                    xmin = sum(max(0, c - j - K) for j in range(kmax + 1))
                    X = (r.states + xmin) // (kmax + 1) - 1
                    print(f"  {c:3d} {load:5.2f} {K:2d} {th:6.4f} {X:5d} {r.states:7d} "
                          f"{ms:7.1f} {r.boundary:9.1e} {r.abandon_rate:9.6f} {r.p_wait:8.5f} "
                          f"{r.mean_wait:9.4f} {r.asa:9.4f} {r.outbound_per_hour:8.4f}")
                    assert r.boundary < 1e-10 and ms < 1000
    print("all checks passed")
