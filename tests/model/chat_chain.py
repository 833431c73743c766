"""The exact continuous-time Markov chain of chat with concurrency: agents who hold up to
``K`` chats at once, and slow down as they hold more.

One contact type (chat), one group of ``c`` agents, each holding at most ``K =
max_chats`` chats at a time. Chats arrive Poisson at rate ``lam``. An arriving chat goes
to an able agent (one holding fewer than ``K``) holding the fewest chats; which of several
such agents takes it (the longest idle, in the simulator) does not change anything below.
Only when every agent holds ``K`` does it wait, in one FCFS line; each waiting chat
abandons after an exponential patience of rate ``theta`` (``0``: nobody abandons). When a
chat ends and chats wait, its agent takes the head of the line at once.

A chat's *work* is drawn when it arrives, exponential with mean ``1 / mu``
(``mean_handle``); it is done at speed ``1 / slowdown[j - 1]`` while its agent holds ``j``
chats, so an agent holding ``j`` chats ends them at total rate ``j mu / slowdown[j - 1]``
(each of them at rate ``mu / slowdown[j - 1]``: exponential work is memoryless, so
a chat's speed changing in mid-chat changes only its rate). With ``slowdown[0] = 1``,
``mean_handle`` is the mean handle time of a chat its agent holds alone; ``slowdown`` all
``1`` is the M/M/cK(+M) queue (``c K`` independent seats), which the tests check.

The state is the histogram ``n = (n_0, ..., n_K)`` of agents by chats held (``sum n_j =
c``) and the line length ``q``. Fewest-chats-first assignment gives an arrival a seat
whenever some agent holds fewer than ``K``, and an agent freed while chats wait refills
its seat from the line, so ``q > 0`` only with ``n = (0, ..., 0, c)``: the states are the
``C(c + K, K)`` histograms, plus ``(0, ..., 0, c; q)`` for ``q = 1..Q``. Transitions:

* arrival, ``lam``: one agent moves from ``i = min{i : n_i > 0}`` to ``i + 1`` if ``i <
  K``; else ``q + 1`` (lost at the truncation ``q = Q``);
* an end of a chat held by an agent holding ``j`` chats, ``n_j j mu / slowdown[j - 1]``:
  that agent moves from ``j`` to ``j - 1``, or, if ``q > 0`` (then ``j = K``), takes the
  head of the line: ``q - 1``;
* an abandonment, ``q theta``: ``q - 1``.

Truncation. Above ``(0, ..., 0, c; 0)`` the chain is a birth–death line, births ``lam``,
deaths ``C + q theta`` with ``C = c K mu / slowdown[K - 1]`` (the whole group's rate of
ends, every seat full), reached only through that state. Cutting such a line at ``Q``
leaves the stationary law of the rest as it was, up to normalisation: the truncated
chain's law is the exact law conditioned on ``q <= Q``. So every probability below is off
by at most ``P(q > Q)``, and means by at most ``E[q; q > Q]`` more; ``tail`` bounds their
sum from the line's ratios (see :func:`_tail_bound`), and by default ``Q`` is the least
with ``tail < tol``. ``boundary = P(q = Q)`` is the share of arrivals the truncated chain
loses (PASTA).

Outputs are per offered chat (shares, by PASTA) or time averages; rates are per second
and times in seconds (any one time unit works the same way). ``p_wait`` is the share of
arrivals that find every agent at ``K``. Little's law gives ``mean_wait = E[q] / lam``
(abandoners counted until they leave) and ``p_abandon = theta E[q] / lam``. A tagged
waiting chat gives the rest: while it waits every agent holds ``K``, so with ``m`` chats
ahead of it the line moves at rate ``C + m theta`` and it leaves itself at rate
``theta``, a pure-death chain (:func:`_waiting`) — the Erlang A structure with ``n mu``
replaced by ``C``. ``asa`` (answered chats, zero waits included) and the service level
``P(answered, wait <= answer_within)`` come from it, the latter by
``scipy.sparse.linalg.expm_multiply`` (accurate to rounding); its mean wait is held
against Little's (``checks["wait"]``) and its probability of being answered against the
flows (``checks["answered"]``).

``mean_handle_time`` is the mean time from answer to end of a chat, ``E[held] /
completion rate`` by Little's law. ``checks["handle"]`` holds it against a tagged chat in
service (:func:`_in_service`), whose chain also follows its own agent; there arrivals that
tie between agents holding equally few go to one of them at random. Ties change how
handle times spread, not their mean (the histogram chain, hence Little's mean, ignores
them).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from priority_chain import Linear, simplex, stationary
from scipy.sparse import csr_matrix, diags
from scipy.sparse.linalg import expm_multiply

MAX_STATES = 200_000  # histograms; beyond this building the chain in Python is slow


@dataclass(frozen=True)
class ChatMetrics:
    """Steady-state performance of chat with concurrency (see the module's docstring):
    shares of offered chats, times in seconds, time averages over agents."""

    agents: int  #: c
    max_chats: int  #: K
    offered_load: float  #: erlangs of work, arrival_rate * mean_handle
    p_wait: float  #: an arrival finds every agent holding max_chats (PASTA)
    p_abandon: float  #: abandons the line, theta E[q] / lam
    mean_wait: float  #: seconds, mean wait of all arrivals (abandoners until they leave)
    asa: float  #: seconds, mean wait of answered chats (zero waits included)
    service_level: float  #: answered with wait <= answer_within, share of all arrivals
    answer_within: float  #: seconds, the service-level threshold used
    concurrency: float  #: mean chats held per agent, E[held] / c (idle agents count 0)
    concurrency_when_busy: float  #: E[held] / E[agents holding >= 1 chat]
    occupancy: float  #: per person: share of agent-time holding >= 1 chat, 1 - E[n_0] / c
    utilisation: float  #: per seat: E[held] / (c K)
    mean_handle_time: float  #: seconds, answer to end of a chat, E[held] / completion_rate
    mean_held: float  #: E[held], chats being handled (all agents together)
    mean_queue: float  #: E[q], chats waiting
    agents_by_chats: tuple[float, ...]  #: E[n_j], agents holding j = 0..K chats
    answered_rate: float  #: per second, chats answered (taken by an agent)
    completion_rate: float  #: per second, chats ended: sum_j E[n_j] j mu / slowdown[j-1]
    abandoned_rate: float  #: per second, theta E[q]
    boundary: float  #: P(q = Q): the share of arrivals the truncated chain loses
    tail: float  #: bound on P(q > Q) + E[q; q > Q] of the exact chain (the truncation error)
    Q: int  #: the truncation, chats waiting
    states: int  #: states of the truncated chain
    #: relative gaps between a tagged chat and the flows, rounding when the chain is right:
    #: ``wait`` (its mean wait against E[q] / lam), ``answered`` (P(answered) against
    #: answered_rate / lam), ``handle`` (its mean time in service against Little's).
    checks: dict[str, float]


def _tail_bound(lam: float, C: float, theta: float, Q: int) -> float:
    """An upper bound on ``(sum_{q > Q} (q + 1) t_q) / (sum_{q <= Q} t_q)`` for the line's
    weights ``t_q = prod_{i <= q} lam / (C + i theta)``: past ``Q`` the ratios are at most
    ``r = lam / (C + (Q + 1) theta)``, so the numerator is at most ``t_Q ((Q + 1) r / (1 -
    r) + r / (1 - r)^2)``. Since ``P(full) sum_{q <= Q} t_q <= 1`` this bounds ``P(q > Q) +
    E[q; q > Q]`` (``inf`` when ``r >= 1``)."""
    log_t, total, peak = 0.0, 1.0, 0.0  # log t_q, sum_{q <= Q} t_q / exp(peak)
    for i in range(1, Q + 1):
        log_t += math.log(lam / (C + i * theta))
        if log_t > peak:  # rescale so that the largest weight is 1
            total *= math.exp(peak - log_t)
            peak = log_t
        total += math.exp(log_t - peak)
    r = lam / (C + (Q + 1) * theta)
    if r >= 1:
        return math.inf
    return math.exp(log_t - peak) * ((Q + 1) * r / (1 - r) + r / (1 - r) ** 2) / total


def _least_Q(lam: float, C: float, theta: float, tol: float) -> int:
    """The least ``Q`` with :func:`_tail_bound` below ``tol``."""
    Q = 0
    while _tail_bound(lam, C, theta, Q) >= tol:
        Q = Q + 1 if Q < 64 else math.ceil(1.1 * Q)
        if Q > 1_000_000:
            raise ValueError("the line has no steady state")
    if Q > 64:  # refine the last jump by bisection
        lo, hi = math.floor(Q / 1.1), Q
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if _tail_bound(lam, C, theta, mid) >= tol else (lo, mid)
        Q = hi
    return Q


def _histograms(agents: int, K: int) -> list[tuple[int, ...]]:
    """Every ``(n_0, ..., n_K)`` with ``sum = agents``, all at ``K`` last."""
    rows = simplex(K, agents)  # (n_1..n_K), sum <= agents, lexicographic
    out = [(agents - int(r.sum()), *map(int, r)) for r in rows]
    full = (0,) * K + (agents,)
    out.remove(full)
    return [*out, full]


def _waiting(C: float, theta: float, Q: int):
    """A tagged waiting chat with ``m = 0..Q-1`` chats ahead of it (every agent full). The
    line moves at ``C + m theta`` (an end, whose agent takes the head, or an abandonment
    ahead); it is answered from ``m = 0`` at rate ``C``; it abandons at ``theta``.

    Returns the transient generator ``T`` (CSR) and, per ``m``: ``P(answered)``,
    ``E[wait; answered]`` and ``E[wait]`` (until answered or abandoned), by the one-pass
    recursions of a pure-death chain: with ``r_m = C + (m + 1) theta`` and ``a_m = (C + m
    theta) / r_m``, ``s_m = a_m s_{m-1}``, ``E[wait; answered]_m = s_m / r_m + a_m
    E[wait; answered]_{m-1}``, ``E[wait]_m = 1 / r_m + a_m E[wait]_{m-1}``
    (``s_{-1} = 1``, the rest 0)."""
    m = np.arange(Q, dtype=float)
    ahead = C + m * theta
    out = ahead + theta
    T = diags([ahead[1:], -out], [-1, 0], shape=(Q, Q), format="csr")
    served, wait_served, wait_all = np.empty(Q), np.empty(Q), np.empty(Q)
    s, ws, wa = 1.0, 0.0, 0.0
    for i in range(Q):
        a = ahead[i] / out[i]
        s, ws, wa = a * s, a * s / out[i] + a * ws, 1 / out[i] + a * wa
        served[i], wait_served[i], wait_all[i] = s, ws, wa
    return T, served, wait_served, wait_all


def _in_service(agents: int, K: int, lam: float, ends: np.ndarray, theta: float, Q: int,
                pi: dict[tuple[tuple[int, ...], int], float]) -> float:
    """The mean time from answer to end of a tagged chat, from its own chain.

    Its state is ``(j, m, q)``: ``j`` chats held by its agent (itself included), ``m`` the
    histogram of the other ``c - 1`` agents, ``q`` waiting (only when all hold ``K``).
    ``ends[j]`` is one chat's rate of ending while its agent holds ``j``. An arrival goes
    to the agent holding fewest, at random among those that tie; the tagged chat ends at
    ``ends[j]`` (absorption); another chat ends at ``(j - 1) ends[j]`` at its agent and
    ``m_i i ends[i]`` at the others, and the agent whose chat ended takes the head of the
    line if one waits. It starts where answered chats start: an arrival at a histogram
    with a free seat (weight ``lam pi``, its agent the one that took it), or the head of
    the line taken at rate ``c K ends[K]`` from ``(full; q >= 1)``."""
    others = _histograms(agents - 1, K)
    full_others = (0,) * K + (agents - 1,)
    states: dict[tuple[int, tuple[int, ...], int], int] = {}
    for j in range(1, K + 1):
        for m in others:
            states[(j, m, 0)] = len(states)
    for q in range(1, Q + 1):
        states[(K, full_others, q)] = len(states)
    n = len(states)
    frm: list[int] = []
    to: list[int] = []
    rate: list[float] = []
    leave = np.zeros(n)

    def add(s: int, t: tuple[int, tuple[int, ...], int], r: float) -> None:
        if r > 0:
            frm.append(s)
            to.append(states[t])
            rate.append(r)

    def moved(m: tuple[int, ...], i: int, step: int) -> tuple[int, ...]:
        out = list(m)
        out[i] -= 1
        out[i + step] += 1
        return tuple(out)

    for (j, m, q), s in states.items():
        leave[s] = ends[j]
        full = j == K and m == full_others
        # An arrival.
        if full:
            if q < Q:
                add(s, (j, m, q + 1), lam)
        else:
            low = min([i for i in range(K) if m[i] > 0], default=K)
            if j < low:
                add(s, (j + 1, m, q), lam)
            elif low < j:
                add(s, (j, moved(m, low, 1), q), lam)
            else:  # a tie: the tagged agent and m[low] others
                add(s, (j + 1, m, q), lam / (m[low] + 1))
                add(s, (j, moved(m, low, 1), q), lam * m[low] / (m[low] + 1))
        # Another chat at the tagged agent ends.
        if q > 0:
            add(s, (j, m, q - 1), (j - 1) * ends[j])
        elif j > 1:
            add(s, (j - 1, m, q), (j - 1) * ends[j])
        # A chat at another agent ends.
        for i in range(1, K + 1):
            r = m[i] * i * ends[i]
            add(s, (j, m, q - 1) if q > 0 else (j, moved(m, i, -1), q), r)
        # Abandonments.
        if q > 0:
            add(s, (j, m, q - 1), q * theta)
    T = csr_matrix((rate, (frm, to)), shape=(n, n))
    out = np.asarray(T.sum(axis=1)).ravel() + leave
    time = Linear((diags(out) - T).tocsr()).solve(np.ones(n))
    # Where answered chats start.
    weight = np.zeros(n)
    for (hist, q), p in pi.items():
        if hist[K] < agents:
            low = min(i for i in range(K) if hist[i] > 0)  # its agent, now at low + 1
            rest = list(hist)
            rest[low] -= 1
            weight[states[(low + 1, tuple(rest), 0)]] += lam * p
        elif q > 0:
            weight[states[(K, full_others, q - 1)]] += agents * K * ends[K] * p
    return float(weight @ time / weight.sum())


def chat_metrics(agents: int, max_chats: int, arrival_rate: float, mean_handle: float,
                 slowdown: Sequence[float] | None = None, mean_patience: float = math.inf,
                 answer_within: float = 0.0, Q: int | None = None,
                 tol: float = 1e-13) -> ChatMetrics:
    """The stationary performance of chat with concurrency (see the module's docstring).

    ``agents`` (c) each hold at most ``max_chats`` (K) chats; ``arrival_rate`` per second;
    ``mean_handle`` (1 / mu) seconds of work per chat; ``slowdown[j - 1]`` (``j = 1..K``;
    ``None``: all 1) divides the speed of each chat while its agent holds ``j``;
    ``mean_patience`` (1 / theta) seconds, ``math.inf``: nobody abandons (then needs
    ``arrival_rate < c K / (mean_handle slowdown[K - 1])``); ``answer_within`` seconds.

    ``Q`` truncates the line; left ``None`` it is the least with ``tail < tol``.
    """
    c, K = agents, max_chats
    slow = np.ones(K) if slowdown is None else np.asarray(slowdown, dtype=float)
    if c < 1 or K < 1 or len(slow) != K or (slow <= 0).any():
        raise ValueError("need agents >= 1, max_chats >= 1 and max_chats slowdowns > 0")
    if arrival_rate <= 0 or mean_handle <= 0 or not mean_patience > 0 or answer_within < 0:
        raise ValueError("need arrival_rate, mean_handle, mean_patience > 0, "
                         "answer_within >= 0")
    if math.comb(c + K, K) > MAX_STATES:
        raise ValueError(f"{math.comb(c + K, K)} histograms: too many")
    lam, mu = float(arrival_rate), 1.0 / mean_handle
    theta = 0.0 if math.isinf(mean_patience) else 1.0 / mean_patience
    ends = np.concatenate([[0.0], mu / slow])  # ends[j]: one chat's rate, its agent at j
    C = float(c * K * ends[K])
    if theta == 0 and lam >= C:
        raise ValueError(f"no steady state without abandonment: arrival_rate / (c K mu / "
                         f"slowdown[K-1]) = {lam / C:.3f} >= 1")
    if Q is None:
        Q = max(_least_Q(lam, C, theta, tol), 1)
    tail = float(_tail_bound(lam, C, theta, Q))

    hists = _histograms(c, K)
    H = len(hists)
    index = {h: i for i, h in enumerate(hists)}
    full = H - 1  # (0, ..., 0, c), q = 0; then q = 1..Q at H - 1 + q
    n = H + Q
    frm: list[int] = []
    to: list[int] = []
    rate: list[float] = []
    for h, s in index.items():
        if s != full:
            low = min(i for i in range(K) if h[i] > 0)
            up = list(h)
            up[low] -= 1
            up[low + 1] += 1
            frm.append(s)
            to.append(index[tuple(up)])
            rate.append(lam)
        for j in range(1, K + 1):
            if h[j]:
                down = list(h)
                down[j] -= 1
                down[j - 1] += 1
                frm.append(s)
                to.append(index[tuple(down)])
                rate.append(h[j] * j * ends[j])
    line = full + np.arange(Q + 1)  # q = 0..Q
    q = np.arange(Q + 1, dtype=float)
    frm_a = np.concatenate([frm, line[:-1], line[1:]])
    to_a = np.concatenate([to, line[1:], line[:-1]])
    rate_a = np.concatenate([rate, np.full(Q, lam), C + q[1:] * theta])
    pi = stationary(frm_a.astype(np.int64), to_a.astype(np.int64), rate_a, n, full)

    counts = np.array(hists, dtype=float)  # per histogram state: n_0..n_K
    by_chats = pi[:H] @ counts
    by_chats[K] += pi[H:].sum() * c  # the line's states have every agent at K
    held = float(by_chats @ np.arange(K + 1))
    line_pi = pi[line]
    mean_queue = float(line_pi @ q)
    p_wait = float(line_pi.sum())
    p_free = 1.0 - p_wait
    boundary = float(line_pi[Q])
    completion = float(by_chats @ (np.arange(K + 1) * ends))
    answered_rate = float(lam * p_free + C * line_pi[1:].sum())

    T, served, wait_served, wait_all = _waiting(C, theta, Q)
    alpha = line_pi[:Q]  # an arrival finding q < Q waiting has m = q ahead
    p_answered = p_free + float(alpha @ served)
    late = (float(expm_multiply(T.T * answer_within, alpha) @ served)
            if answer_within > 0 else float(alpha @ served))
    little = mean_queue / lam
    tagged_wait = float(alpha @ wait_all)

    states_pi = {(h, 0): float(pi[i]) for i, h in enumerate(hists)}
    states_pi.update({(hists[full], int(k)): float(line_pi[k]) for k in range(1, Q + 1)})
    handle = held / completion
    tagged_handle = _in_service(c, K, lam, ends, theta, Q, states_pi)
    busy = float(c - by_chats[0])
    return ChatMetrics(
        agents=c,
        max_chats=K,
        offered_load=lam * mean_handle,
        p_wait=p_wait,
        p_abandon=theta * mean_queue / lam,
        mean_wait=little,
        asa=float(alpha @ wait_served) / p_answered,
        service_level=p_answered - late,
        answer_within=float(answer_within),
        concurrency=held / c,
        concurrency_when_busy=held / busy,
        occupancy=busy / c,
        utilisation=held / (c * K),
        mean_handle_time=handle,
        mean_held=held,
        mean_queue=mean_queue,
        agents_by_chats=tuple(float(x) for x in by_chats),
        answered_rate=answered_rate,
        completion_rate=completion,
        abandoned_rate=theta * mean_queue,
        boundary=boundary,
        tail=tail,
        Q=Q,
        states=n,
        checks={
            "wait": abs(tagged_wait - little) / little if little else tagged_wait,
            "answered": float(abs(p_answered / (answered_rate / lam) - 1)),
            "handle": abs(tagged_handle / handle - 1),
        },
    )
