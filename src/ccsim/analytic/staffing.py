"""Staffing by formula: the fewest agents whose Erlang C or Erlang A metrics meet a
service level, an average speed of answer and an abandonment target.

Rates per second or strings (``"690/h"``); durations in seconds or strings (``"4min"``).
"""

from __future__ import annotations

import math

from ccsim.analytic.arguments import check_agents, check_nonnegative, check_rates, seconds
from ccsim.analytic.erlang_a import erlang_a_metrics


class TeamTooLarge(ValueError):
    """No team of at most ``limit`` agents meets the targets (see :func:`agents_for_target`):
    a caller with its own words for the limit (a command's option) can say so in them."""

    def __init__(self, message: str, limit: int):
        super().__init__(message)
        self.limit = limit


def agents_for_target(
    arrival_rate: float | str,
    mean_handle: float | str,
    *,
    answer_within: float | str,
    target_service_level: float | None = None,
    max_asa: float | str | None = None,
    max_abandon_rate: float | None = None,
    mean_patience: float | str | None = None,
    max_agents: int = 100_000,
) -> int:
    """Fewest agents whose metrics meet every given target.

    Erlang C if mean_patience is None or math.inf, else Erlang A. Targets:
    service_level >= target_service_level (in [0, 1)), asa <= max_asa (seconds, > 0),
    p_abandon <= max_abandon_rate (in (0, 1]); at least one is required. Erlang C only
    counts stable staffing (agents > offered load), so with max_abandon_rate alone it
    returns the smallest stable team. Every metric improves with each added agent, so the
    search gallops outwards from the offered load and then bisects: O(log n) evaluations.
    Raises :class:`TeamTooLarge` (a ValueError) if even max_agents agents miss the
    targets.
    """
    lam, handle = check_rates(arrival_rate, mean_handle)
    t = seconds("answer_within", answer_within)
    cap = check_agents(max_agents)
    if target_service_level is None and max_asa is None and max_abandon_rate is None:
        raise ValueError("give at least one of target_service_level, max_asa, max_abandon_rate")
    if target_service_level is not None:
        sl = check_nonnegative("target_service_level", target_service_level)
        if sl >= 1.0:
            raise ValueError(f"target_service_level must be in [0, 1), got {sl!r}")
    asa_limit = None if max_asa is None else seconds("max_asa", max_asa)
    if asa_limit == 0.0:
        raise ValueError("max_asa must be > 0: some contact always waits")
    if max_abandon_rate is not None:
        ab = check_nonnegative("max_abandon_rate", max_abandon_rate)
        if not 0.0 < ab <= 1.0:
            raise ValueError(f"max_abandon_rate must be in (0, 1], got {ab!r}")
    patience = (
        math.inf
        if mean_patience is None
        else seconds("mean_patience", mean_patience, allow_inf=True)
    )
    load = lam * handle

    def meets(n: int) -> bool:
        m = erlang_a_metrics(n, lam, handle, patience, t)
        return (
            (target_service_level is None or m.service_level >= target_service_level)
            and (asa_limit is None or m.asa <= asa_limit)
            and (max_abandon_rate is None or m.p_abandon <= max_abandon_rate)
        )

    smallest = math.floor(load) + 1 if math.isinf(patience) else 1
    if smallest > cap:
        raise TeamTooLarge(f"offered load {load:g} erlangs needs more than max_agents={cap}",
                           cap)
    guess = min(max(smallest, math.ceil(load)), cap)
    if meets(guess):
        good, bad, step = guess, smallest - 1, 1
        while good - step >= smallest:  # gallop down to a failing team size
            if not meets(good - step):
                bad = good - step
                break
            good, step = good - step, 2 * step
    else:
        bad, step = guess, 1
        while True:  # gallop up to a passing team size
            if bad == cap:
                raise TeamTooLarge(f"targets not met with max_agents={cap} agents", cap)
            trial = min(bad + step, cap)
            if meets(trial):
                good = trial
                break
            bad, step = trial, 2 * step
    while good - bad > 1:
        middle = (good + bad) // 2
        if meets(middle):
            good = middle
        else:
            bad = middle
    return good
