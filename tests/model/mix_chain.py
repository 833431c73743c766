"""The exact continuous-time Markov chain of a blended group with ``mix = true``: agents
who hold up to ``K`` chats and take a call while they hold some, setting their chats
aside for it.

One group of ``c`` agents takes calls (first in its skill order) and chats. Calls arrive
Poisson at ``lam_v``, chats at ``lam_c``; talk is exponential of rate ``mu_v``; a chat's
work exponential of rate ``mu_c``, done at speed ``1 / slowdown[j - 1]`` while its agent
holds ``j`` chats and is on no call (on a call, its chats make no progress). Waiting
callers and chats abandon at rates ``theta_v`` and ``theta_c`` each. An agent is in state
``(j, b)``: ``j`` chats held, ``b`` on a call or not. The rules, as the simulator's:

* a call goes to an idle agent ``(0, 0)``, else to an agent on no call holding the fewest
  chats ``(j >= 1, 0)``, which moves to ``(j, 1)``, else it waits;
* a chat goes to an idle agent, else to an agent on no call holding the fewest chats
  below ``K``, else it waits;
* a call ends at ``(j, 1)`` (rate ``mu_v``): the agent takes a waiting call (``(j, 1)``
  again), else, holding chats, it fills its seats from the chats waiting; holding none,
  it takes up to ``K`` waiting chats, or is idle;
* a chat ends at ``(j, 0)`` (rate ``j mu_c / slowdown[j - 1]``): the agent refills the
  seat from the chats waiting; its last chat over, it takes a waiting call, else chats,
  else it is idle.

The state is the histogram of agents over the ``2 (K + 1)`` agent states, with the
numbers of calls and chats waiting (each cut at ``Q``: arrivals beyond it are lost, and
``boundary`` is the largest share lost, to be negligible). Outputs are per arrival of a
type (PASTA) or time averages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from priority_chain import stationary


@dataclass(frozen=True)
class MixMetrics:
    """Steady-state performance of a blended group with ``mix`` (see the module)."""

    p_wait_calls: float  #: a call finds no idle agent and none holding chats on no call
    p_wait_chats: float  #: a chat finds no idle agent and none on no call below K chats
    abandon_calls: float  #: theta_v E[calls waiting] / lam_v
    abandon_chats: float  #: theta_c E[chats waiting] / lam_c
    occupancy: float  #: per person: share of agent-time with a call or a chat
    seat_utilisation: float  #: E[chats held] / (c K)
    concurrency_mean: float  #: E[chats held] / E[agents holding >= 1 chat]
    boundary: float  #: the largest P(a line at Q): the share of arrivals lost to the cut
    states: int


def mix_metrics(c: int, K: int, lam_v: float, lam_c: float, mean_talk: float,
                mean_chat: float, *, slowdown: Sequence[float] | None = None,
                patience_calls: float, patience_chats: float, Q: int = 40) -> MixMetrics:
    """The chain of the module for ``c`` agents of ``K`` seats; rates per second, means
    in seconds."""
    mu_v, mu_c = 1.0 / mean_talk, 1.0 / mean_chat
    theta_v, theta_c = 1.0 / patience_calls, 1.0 / patience_chats
    pace = list(slowdown or [1.0] * K)
    kinds = [(j, b) for j in range(K + 1) for b in (0, 1)]
    at = {kind: i for i, kind in enumerate(kinds)}

    def moved(n: tuple[int, ...], a: tuple[int, int], b: tuple[int, int]) -> tuple[int, ...]:
        m = list(n)
        m[at[a]] -= 1
        m[at[b]] += 1
        return tuple(m)

    def freed(n: tuple[int, ...], frm: tuple[int, int], qv: int, qc: int):
        """An agent leaving ``frm`` with no chats and no call takes waiting work."""
        if qv:
            return moved(n, frm, (0, 1)), qv - 1, qc
        if qc:
            take = min(K, qc)
            return moved(n, frm, (take, 0)), qv, qc - take
        return moved(n, frm, (0, 0)), qv, qc

    start = (tuple(c if kind == (0, 0) else 0 for kind in kinds), 0, 0)
    index = {start: 0}
    order = [start]
    frm: list[int] = []
    to: list[int] = []
    rate: list[float] = []

    def edge(s: int, target: tuple, r: float) -> None:
        if target not in index:
            index[target] = len(order)
            order.append(target)
        frm.append(s)
        to.append(index[target])
        rate.append(r)

    i = 0
    while i < len(order):
        n, qv, qc = order[i]
        # A call arrives.
        if n[at[0, 0]]:
            edge(i, (moved(n, (0, 0), (0, 1)), qv, qc), lam_v)
        elif holders := [j for j in range(1, K + 1) if n[at[j, 0]]]:
            j = min(holders)
            edge(i, (moved(n, (j, 0), (j, 1)), qv, qc), lam_v)
        elif qv < Q:
            edge(i, (n, qv + 1, qc), lam_v)
        # A chat arrives.
        if n[at[0, 0]]:
            edge(i, (moved(n, (0, 0), (1, 0)), qv, qc), lam_c)
        elif below := [j for j in range(1, K) if n[at[j, 0]]]:
            j = min(below)
            edge(i, (moved(n, (j, 0), (j + 1, 0)), qv, qc), lam_c)
        elif qc < Q:
            edge(i, (n, qv, qc + 1), lam_c)
        # Calls end.
        for j in range(K + 1):
            busy = n[at[j, 1]]
            if not busy:
                continue
            if j == 0:
                edge(i, freed(n, (0, 1), qv, qc), busy * mu_v)
            elif qv:
                edge(i, (n, qv - 1, qc), busy * mu_v)  # the next call; chats still aside
            else:
                take = min(K - j, qc)
                edge(i, (moved(n, (j, 1), (j + take, 0)), qv, qc - take), busy * mu_v)
        # Chats end (on no call).
        for j in range(1, K + 1):
            holding = n[at[j, 0]]
            if not holding:
                continue
            r = holding * j * mu_c / pace[j - 1]
            if qc:
                edge(i, (n, qv, qc - 1), r)  # the seat refilled from the line
            elif j > 1:
                edge(i, (moved(n, (j, 0), (j - 1, 0)), qv, qc), r)
            else:
                edge(i, freed(n, (1, 0), qv, qc), r)
        if qv:
            edge(i, (n, qv - 1, qc), qv * theta_v)
        if qc:
            edge(i, (n, qv, qc - 1), qc * theta_c)
        i += 1

    pi = stationary(np.array(frm), np.array(to), np.array(rate), len(order), 0)
    hist = np.array([s[0] for s in order], dtype=float)
    qv_ = np.array([s[1] for s in order], dtype=float)
    qc_ = np.array([s[2] for s in order], dtype=float)
    counts = {kind: hist[:, at[kind]] for kind in kinds}
    no_call_taker = (counts[0, 0] == 0) & (sum(counts[j, 0] for j in range(1, K + 1)) == 0)
    no_chat_taker = (counts[0, 0] == 0) & (sum(counts[j, 0] for j in range(1, K)) == 0)
    held = sum(j * (counts[j, 0] + counts[j, 1]) for j in range(1, K + 1))
    holders = sum(counts[j, 0] + counts[j, 1] for j in range(1, K + 1))
    return MixMetrics(
        p_wait_calls=float(pi @ no_call_taker),
        p_wait_chats=float(pi @ no_chat_taker),
        abandon_calls=float(theta_v * (pi @ qv_) / lam_v),
        abandon_chats=float(theta_c * (pi @ qc_) / lam_c),
        occupancy=float(1.0 - (pi @ counts[0, 0]) / c),
        seat_utilisation=float((pi @ held) / (c * K)),
        concurrency_mean=float((pi @ held) / (pi @ holders)),
        boundary=float(max(pi[qv_ == Q].sum(), pi[qc_ == Q].sum())),
        states=len(order),
    )
