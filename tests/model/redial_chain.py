"""The exact continuous-time Markov chain of a line whose lost callers redial: "line plus
orbit".

One contact type, one group of ``c`` agents. First attempts arrive Poisson at rate ``lam``;
talk time is exponential (rate ``mu``) and so is patience on the line (rate ``theta``;
``0``: nobody abandons). At most ``max_waiting`` callers wait (``None``: no limit); an
attempt that finds that many waiting is blocked. An attempt that abandons or is blocked
fails; the caller then redials with probability ``p`` after an exponential delay (rate
``delta``), in the *orbit*, and the redial is a fresh attempt (fresh patience, fresh talk
time) that joins the line behind everyone, FCFS whatever its attempt number. With
``max_attempts = m`` a caller whose m-th attempt fails is lost; ``None``: no limit.

The state is the line and the orbit.

* The line: ``b < c`` busy agents with nobody waiting, or every agent busy and the
  waiting callers in order. Without an attempt limit every attempt is alike and the line
  is the number waiting. With ``max_attempts = m`` it is the sequence of the waiting
  callers' attempt numbers, head first: a count per attempt number would not do, since
  whom an agent takes (the head) depends on the order. (Counts with a random waiting
  caller served instead moved the shares by a few 1e-4, relative, in the cases tried.)
  The tagged-caller check ``checks["fcfs"]`` tells FCFS from any other order: rounding
  here, about 1e-2 for those counts.
* The orbit: callers waiting to redial; with ``max_attempts = m``, counts
  ``o_1..o_{m-1}`` by the attempts already made (``mean_orbit_by_attempts``).

Truncation, so the chain is finite: at most ``R`` callers in the orbit (a failed attempt
that would join a full orbit is lost instead, counted in ``lost_rate``), and with
``max_waiting = None`` at most ``W`` waiting, i.e. the chain with ``max_waiting = W`` (its
``blocked_rate`` is the truncation's). ``boundary`` is ``P(orbit = R)`` plus (without a
limit on waiting) ``P(W waiting)``; by default ``R`` and ``W`` grow until each part is
below ``1e-12``, which bounds the error of every share below.

Size: ``(c + sum_{q <= W} L^q) * C(R + D, D)`` states, with ``L`` attempt numbers in the
line and ``D`` orbit counts (``L = D = 1`` without a limit, ``L = m``, ``D = m - 1`` with
``max_attempts = m``). Without a limit it is a small 2-D grid; with one it grows fast, so
give a short ``max_waiting`` there and keep the orbit small (redials that come soon):
five attempt numbers, two places and ``R = 9`` are 24,000 states and a second, six are
90,000 and several. Chains of three dimensions or more are solved by GMRES (see
``priority_chain.Linear``), to rounding, and checked state by state.

Rates are per second and times in seconds. First-attempt shares are per customer (first
attempts arrive Poisson, PASTA); attempt-level shares are per attempt, redials included
(redials are not Poisson: each state is weighted by its attempt rate ``lam + delta *
orbit``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import product

import numpy as np
from priority_chain import simplex, stationary

MAX_STATES = 2_000_000  # beyond this a solve takes minutes


@dataclass(frozen=True)
class RedialResult:
    first_p_abandon: float  #: share of customers whose first attempt abandons
    first_p_blocked: float  #: share of customers whose first attempt is blocked
    p_wait: float  #: share of attempts finding every agent busy (blocked ones included)
    p_abandon: float  #: share of attempts that abandon
    p_blocked: float  #: share of attempts blocked
    p_lost: float  #: share of customers lost for good (never answered), lost_rate / lam
    attempts_per_customer: float  #: mean attempts per customer, attempt_rate / lam
    mean_orbit: float  #: E[orbit], time-average callers waiting to redial
    #: E[o_i], callers in the orbit with i = 1, 2, .. attempts made; () without a limit
    mean_orbit_by_attempts: tuple[float, ...]
    attempt_rate: float  #: per second, attempts (first and redials): lam + redial_rate
    redial_rate: float  #: per second, redials: delta E[orbit]
    orbit_in_rate: float  #: per second, failed attempts joining the orbit
    answered_rate: float  #: per second, conversations: mu E[busy agents]
    abandoned_rate: float  #: per second, theta E[waiting]
    blocked_rate: float  #: per second, blocked attempts
    lost_rate: float  #: per second, failed attempts that do not redial (and orbit drops)
    boundary: float  #: probability of the truncation boundary (see the module docstring)
    W: int  #: places in the line of the truncated chain (max_waiting if given)
    R: int  #: places in the orbit of the truncated chain
    states: int  #: states of the truncated chain
    #: ``fcfs``: largest relative gap, over attempt numbers, between the abandonment rate
    #: by Little's law (theta E[waiting with that attempt number]) and a tagged FCFS
    #: caller's (an attempt finding q waiting abandons with probability
    #: (q + 1) theta / (c mu + (q + 1) theta), whoever arrives later); rounding if right.
    checks: dict[str, float]


class _Orbit:
    """The orbit states: counts by attempts made, ``dims`` of them, in all at most ``top``."""

    def __init__(self, dims: int, top: int) -> None:
        rows = simplex(dims, top)
        self.counts, self.top, self.dims = rows, top, dims
        self.total = rows.sum(axis=1)
        self.n = len(rows)
        self._keys = self._key(rows)  # increasing: the rows are in lexicographic order

    def _key(self, rows: np.ndarray) -> np.ndarray:
        if not self.dims:  # one state, the empty orbit
            return np.zeros(len(rows), dtype=np.int64)
        return np.ravel_multi_index(tuple(rows.T), (self.top + 1,) * self.dims)

    def shift(self, change: np.ndarray) -> np.ndarray:
        """The index of each state plus ``change``, -1 where that is not a state."""
        moved = self.counts + change
        valid = (moved >= 0).all(axis=1) & (moved.sum(axis=1) <= self.top)
        out = -np.ones(self.n, dtype=np.int64)
        out[valid] = np.searchsorted(self._keys, self._key(moved[valid]))
        return out


def _tail_length(c: int, lam: float, mu: float, theta: float, tol: float) -> int:
    """Waiting places where the line M/M/c+M (arrivals ``lam``) has tail below ``tol``."""
    term = mass = 1.0
    q = 0
    while True:
        ratio = lam / (c * mu + (q + 1) * theta)
        if ratio < 1 and term * ratio / (1 - ratio) < tol * mass:
            return q + 1
        if ratio >= 1 and q > 10_000:
            raise ValueError("no steady state: theta = 0 and lam >= c mu, give max_waiting")
        q += 1
        term *= ratio
        mass += term


def _solve(c: int, lam: float, mu: float, theta: float, p: float, delta: float,
           max_attempts: int | None, W: int, R: int, truncated_line: bool) -> RedialResult:
    """The chain with ``W`` waiting places and ``R`` orbit places."""
    # Labels of waiting callers and orbit dimensions. Without a limit: one label, one
    # dimension. With max_attempts = m: label i = attempt number 1..m, dimension i - 1 =
    # i attempts made; a redial from dimension d is attempt d + 2.
    unlimited = max_attempts is None
    labels = (0,) if unlimited else tuple(range(1, max_attempts + 1))
    first = labels[0]
    dims = 1 if unlimited else max_attempts - 1

    def after_failure(label: int) -> int | None:
        """The orbit dimension a failed attempt redials from (None: it cannot)."""
        if unlimited:
            return 0
        return label - 1 if label < max_attempts else None

    def redial_label(d: int) -> int:
        return 0 if unlimited else d + 2

    lines: list[tuple[int, tuple[int, ...]]] = [(b, ()) for b in range(c)]
    for q in range(W + 1):
        lines += [(c, seq) for seq in product(labels, repeat=q)]
    line_index = {line: i for i, line in enumerate(lines)}
    orbit = _Orbit(dims, R)
    n = len(lines) * orbit.n
    if n > MAX_STATES:
        raise ValueError(f"{n} states: give a smaller max_waiting or max_attempts")
    unit = np.eye(dims, dtype=np.int64)
    same = np.arange(orbit.n)
    plus = [orbit.shift(unit[d]) for d in range(dims)]
    minus = [orbit.shift(-unit[d]) for d in range(dims)]
    redials = delta * orbit.counts  # per dimension and orbit state

    frm, to, rate = [], [], []
    blocked = np.zeros(n)  # per state: attempts blocked, per second
    joined = np.zeros(n)  # failed attempts joining the orbit
    lost = np.zeros(n)  # failed attempts lost for good
    tagged = np.zeros((n, len(labels)))  # FCFS abandonment rate of the arrivals, by label

    def add(line: int, src: np.ndarray, new_line: int, dst: np.ndarray, value) -> None:
        """Rates ``value`` from (line, orbit src) to (new_line, orbit dst), where both
        orbit indices are states (>= 0) and the rate is positive."""
        value = np.broadcast_to(np.asarray(value, dtype=float), src.shape)
        keep = (src >= 0) & (dst >= 0) & (value > 0)
        a, b = line * orbit.n + src[keep], new_line * orbit.n + dst[keep]
        move = a != b
        frm.append(a[move])
        to.append(b[move])
        rate.append(value[keep][move])

    def fail(line: int, label: int, src: np.ndarray, base: np.ndarray, value,
             new_line: int | None = None) -> None:
        """A failed attempt of ``label`` in states (line, src), at rate ``value``, after
        which the line is ``new_line`` and the orbit ``base``: it joins the orbit with
        probability p (if it may redial and the orbit has room), else it is lost."""
        new_line = line if new_line is None else new_line
        value = np.broadcast_to(np.asarray(value, dtype=float), src.shape)
        ok = (src >= 0) & (base >= 0)
        src, base, value = src[ok], base[ok], value[ok]
        rows = line * orbit.n + src
        d = after_failure(label)
        if d is None or p == 0:
            add(line, src, new_line, base, value)
            lost[rows] += value
            return
        target = plus[d][base]  # the orbit after base, one more in d
        room = target >= 0
        add(line, src[room], new_line, target[room], p * value[room])
        joined[rows[room]] += p * value[room]  # rows are distinct: += is enough
        add(line, src, new_line, base, np.where(room, 1 - p, 1.0) * value)
        lost[rows] += np.where(room, 1 - p, 1.0) * value

    for i, (b, seq) in enumerate(lines):
        # Attempts: first attempts (orbit unchanged), and redials from each dimension.
        arrivals = [(first, same, np.full(orbit.n, lam))]
        arrivals += [(redial_label(d), minus[d], redials[:, d]) for d in range(dims)]
        for label, base, value in arrivals:
            src = same[base >= 0]
            base, value = base[base >= 0], value[base >= 0]
            if b < c:
                add(i, src, line_index[(b + 1, ())] if b + 1 < c else line_index[(c, ())],
                    base, value)
            elif len(seq) < W:
                add(i, src, line_index[(c, (*seq, label))], base, value)
                q = len(seq)
                tagged[i * orbit.n + src, labels.index(label)] += (
                    value * (q + 1) * theta / (c * mu + (q + 1) * theta))
            else:
                blocked[i * orbit.n + src] += value
                fail(i, label, src, base, value)
        # Ends of conversations.
        if b < c and b > 0:
            add(i, same, line_index[(b - 1, ())], same, b * mu)
        elif b == c:
            add(i, same, line_index[(c, seq[1:])] if seq else line_index[(c - 1, ())],
                same, c * mu)
        # Abandonments, from each place in the line.
        for j, label in enumerate(seq):
            fail(i, label, same, same, theta, new_line=line_index[(c, seq[:j] + seq[j + 1:])])

    frm, to, rate = np.concatenate(frm), np.concatenate(to), np.concatenate(rate)
    ref = line_index[(c, ())] * orbit.n  # every agent busy, nobody waiting or in orbit
    # Two attempt numbers or more make the chain a grid of three dimensions or more:
    # solved by levels, the callers in orbit, which each transition moves by at most one.
    level = None if dims < 2 else np.tile(orbit.total, len(lines))
    pi = stationary(frm, to, rate, n, ref, level)

    line_of = np.repeat(np.arange(len(lines)), orbit.n)  # per state
    busy = np.array([b == c for b, _ in lines])[line_of]
    waiting = np.array([len(seq) for _, seq in lines])[line_of]
    agents = np.array([b for b, _ in lines])[line_of]
    by_label = np.array([[seq.count(label) for label in labels] for _, seq in lines])[line_of]
    counts = np.tile(orbit.counts, (len(lines), 1))
    in_orbit = counts.sum(axis=1)
    full = busy & (waiting == W)
    # An attempt that finds q waiting (and is not blocked) abandons with probability
    # (q + 1) theta / (c mu + (q + 1) theta): FCFS, whoever comes later.
    abandons = np.where(busy & ~full, (waiting + 1) * theta / (c * mu + (waiting + 1) * theta),
                        0.0)

    attempts_here = lam + delta * in_orbit
    attempt_rate = float(pi @ attempts_here)
    mean_orbit = float(pi @ in_orbit)
    abandoned = theta * float(pi @ waiting)
    blocked_rate = float(pi @ blocked)
    little = theta * (pi @ by_label)  # abandonment rate by attempt number
    fcfs = pi @ tagged
    gaps = [abs(x - y) / x if x > 0 else abs(y) for x, y in zip(little, fcfs, strict=True)]
    boundary = float(pi[in_orbit == R].sum()) if dims else 0.0
    if truncated_line:
        boundary += float(pi[full].sum())
    return RedialResult(
        first_p_abandon=float(pi @ abandons),
        first_p_blocked=float(pi[full].sum()),
        p_wait=float(pi[busy] @ attempts_here[busy]) / attempt_rate,
        p_abandon=abandoned / attempt_rate,
        p_blocked=blocked_rate / attempt_rate,
        p_lost=float(pi @ lost) / lam,
        attempts_per_customer=attempt_rate / lam,
        mean_orbit=mean_orbit,
        mean_orbit_by_attempts=() if unlimited else tuple(float(x) for x in pi @ counts),
        attempt_rate=attempt_rate,
        redial_rate=delta * mean_orbit,
        orbit_in_rate=float(pi @ joined),
        answered_rate=mu * float(pi @ agents),
        abandoned_rate=abandoned,
        blocked_rate=blocked_rate,
        lost_rate=float(pi @ lost),
        boundary=boundary,
        W=W,
        R=R,
        states=n,
        checks={"fcfs": max(gaps)},
    )


def solve_redial(c: int, lam: float, mu: float, theta: float, p: float, delta: float,
                 max_waiting: int | None = None, max_attempts: int | None = None,
                 W: int | None = None, R: int | None = None,
                 tol: float = 1e-12) -> RedialResult:
    """The stationary line plus orbit (see the module's docstring): rates per second.

    ``W`` (only with ``max_waiting=None``) and ``R`` truncate the line and the orbit;
    left ``None``, each starts small and grows by half until its part of ``boundary`` is
    below ``tol``.
    """
    if c < 1 or lam <= 0 or mu <= 0 or theta < 0 or delta <= 0 or not 0 <= p <= 1:
        raise ValueError("need c >= 1, lam, mu, delta > 0, theta >= 0 and 0 <= p <= 1")
    if max_attempts is not None and max_attempts < 1:
        raise ValueError(f"max_attempts must be >= 1 or None, got {max_attempts}")
    if max_waiting is not None:
        W = max_waiting
    elif W is None:
        W = _tail_length(c, lam, mu, theta, tol)
    grow_W, grow_R = max_waiting is None, R is None
    R = 4 if R is None else R
    while True:
        result = _solve(c, lam, mu, theta, p, delta, max_attempts, W, R,
                        truncated_line=max_waiting is None)
        # The parts of the boundary, read back from the result.
        line_part = result.first_p_blocked if max_waiting is None else 0.0
        orbit_part = result.boundary - line_part
        more_W = grow_W and line_part > tol
        more_R = grow_R and orbit_part > tol
        if not (more_W or more_R):
            return result
        W = max(W + 2, math.ceil(1.5 * W)) if more_W else W
        R = max(R + 2, math.ceil(1.5 * R)) if more_R else R
