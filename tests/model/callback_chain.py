"""The exact continuous-time Markov chain of callback offers in ``window`` mode.

One contact type, one group of ``c`` agents, Poisson arrivals at rate ``lam``, exponential
talk time (rate ``mu``, the same for callback conversations), exponential patience (rate
``theta``) on the line, ``reach = 1`` and ``dial_time = 0``. A caller who finds every agent
busy and ``q >= K`` callers waiting is offered a callback and accepts with probability
``p``. The state is ``(a, b, q, m)``: agents talking to callers on the line, agents on
callbacks, callers waiting on the line, callbacks pending. A freed agent takes a waiting
caller, else a pending callback (``when_idle``), or a pending callback first
(``priority``). Truncated at ``q <= Q``, ``m <= M``; the tests check that the boundary holds
negligible probability.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.linalg import spsolve


@dataclass(frozen=True)
class ChainResult:
    abandon_rate: float  #: abandoned on the line / offered
    accepted: float  #: callbacks accepted / offered
    pending: float  #: mean callbacks pending
    delay: float  #: mean callback delay (request → conversation), by Little's law
    boundary: float  #: probability of the truncation boundary


def solve(c: int, lam: float, mu: float, theta: float, K: int, p: float, rule: str,
          Q: int = 80, M: int = 400) -> ChainResult:
    states: dict[tuple[int, int, int, int], int] = {}

    def index(state: tuple[int, int, int, int]) -> int:
        if state not in states:
            states[state] = len(states)
        return states[state]

    # Reachable states: a + b < c only with q = m = 0 (work is never left waiting).
    for a in range(c + 1):
        for b in range(c + 1 - a):
            if a + b < c:
                index((a, b, 0, 0))
            else:
                for q in range(Q + 1):
                    for m in range(M + 1):
                        index((a, b, q, m))
    rows, cols, rates = [], [], []

    def add(frm: tuple, to: tuple, rate: float) -> None:
        if rate > 0 and to in states:
            rows.append(states[frm])
            cols.append(states[to])
            rates.append(rate)

    def freed(a: int, b: int, q: int, m: int) -> tuple[int, int, int, int]:
        """An agent has just finished (a, b already lowered): what it takes next."""
        if rule == "priority" and m > 0:
            return (a, b + 1, q, m - 1)
        if q > 0:
            return (a + 1, b, q - 1, m)
        if m > 0:
            return (a, b + 1, q, m - 1)
        return (a, b, q, m)

    for (a, b, q, m) in list(states):
        s = (a, b, q, m)
        if a + b < c:
            add(s, (a + 1, b, q, m), lam)
        elif q >= K:
            add(s, (a, b, q, m + 1), lam * p)
            add(s, (a, b, q + 1, m), lam * (1 - p))
        else:
            add(s, (a, b, q + 1, m), lam)
        if a:
            add(s, freed(a - 1, b, q, m), a * mu)
        if b:
            add(s, freed(a, b - 1, q, m), b * mu)
        if q:
            add(s, (a, b, q - 1, m), q * theta)
    n = len(states)
    generator = coo_matrix((rates, (rows, cols)), shape=(n, n)).tocsr()
    generator = generator - coo_matrix((np.asarray(generator.sum(axis=1)).ravel(),
                                        (range(n), range(n))), shape=(n, n)).tocsr()
    # π G = 0 with Σπ = 1: replace one balance equation by the normalisation.
    system = generator.T.tolil()
    system[0, :] = np.ones(n)
    rhs = np.zeros(n)
    rhs[0] = 1.0
    pi = spsolve(system.tocsr(), rhs)
    key = np.array(list(states), dtype=float)
    a, b, q, m = key.T
    busy = a + b >= c
    offer = busy & (q >= K)
    accepted = float(pi[offer].sum() * p)
    pending = float(pi @ m)
    boundary = float(pi[(q == Q) | (m == M)].sum())
    return ChainResult(
        abandon_rate=float(pi @ q) * theta / lam,
        accepted=accepted,
        pending=pending,
        delay=pending / (lam * accepted) if accepted else float("nan"),
        boundary=boundary,
    )
