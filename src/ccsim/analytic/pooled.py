"""Erlang A applied to a whole scenario: each measured interval as one pooled queue (all
agents on duty, the total arrival rate, the mean handle time and patience of the contacts
offered), averaged over the day. The approximation the charts draw next to a simulation
(:mod:`ccsim.plots`), labelled as such; exact for one contact type with exponential
times in steady state.

Values are keyed by the simulation's metric names (:mod:`ccsim.model.registry`), in their
stored units: shares as fractions, waits in seconds.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ccsim.analytic.erlang_a import erlang_a_metrics

if TYPE_CHECKING:
    from ccsim.scenario import Scenario

#: What the pooled Erlang-A approximation models, as key paths of
#: :meth:`Scenario.used_keys` (a path allows every key under it). A scenario that sets
#: anything else — lines, scripted arrival times, a policy added later — gets no Erlang
#: line: a new feature is left out until it is added here.
ERLANG_A_MODELS = frozenset({
    "name", "start", "period", "horizon", "warmup", "service_level.answer_within", "targets",
    "contact_types.*.name", "contact_types.*.arrivals.per_hour",
    "contact_types.*.arrivals.volumes", "contact_types.*.handle_time",
    "contact_types.*.wrap_up", "contact_types.*.patience",
    "agent_groups.*.name", "agent_groups.*.skills", "agent_groups.*.staff",
})
#: Keys under :data:`ERLANG_A_MODELS` that the approximation does not model: callers who
#: hang up at once (a patience's ``balk``) are not Erlang A's exponential patience.
ERLANG_A_LEAVES_OUT = frozenset({"contact_types.*.patience.balk"})


def erlang_a_applies(scenario: Scenario) -> bool:
    """Whether the pooled Erlang-A approximation models ``scenario``: every key it sets is
    one that approximation reads (:data:`ERLANG_A_MODELS`: Poisson arrivals, handle and
    wrap-up times, patience, staff, skills, the clock), and every contact type has a
    patience. Anything else it sets rules the line out."""
    return all(_allowed(key) for key in scenario.used_keys()) and all(
        c.patience is not None for c in scenario.contact_types
    )


def _allowed(key: str) -> bool:
    """Whether ``key`` is one of :data:`ERLANG_A_MODELS` or under one of them (and not
    one of :data:`ERLANG_A_LEAVES_OUT`)."""
    if key in ERLANG_A_LEAVES_OUT:
        return False
    parts = key.split(".")
    return any(".".join(parts[:n]) in ERLANG_A_MODELS for n in range(1, len(parts) + 1))


def pooled_erlang_a(scenario: Scenario) -> dict[str, float]:
    """Erlang A (M/M/n+M) applied to each measured interval as one pooled queue — all
    agents on duty, the total arrival rate, the volume-weighted mean handle time (talk +
    wrap-up, seconds) and mean patience — then averaged over the day: rates and waits of
    all offered contacts weighted by volume, ``asa`` by answered volume, ``occupancy`` by
    agents. An approximation for several contact types and skills (it ignores routing and
    non-exponential times), exact for one type with exponential times in steady state.
    Keys are metric names (see :mod:`ccsim.model.registry`); values in their stored
    units (fractions, seconds). Every contact type needs a patience (a ValueError
    otherwise; :func:`erlang_a_applies` says whether the approximation fits)."""
    types = scenario.contact_types
    patiences = [c.patience.mean for c in types if c.patience is not None]
    if len(patiences) < len(types):
        endless = ", ".join(repr(c.name) for c in types if c.patience is None)
        raise ValueError(f"pooled Erlang A needs a patience for every contact type; {endless} "
                         "has none")
    volumes = [scenario.volumes(c) for c in types]
    sums: dict[str, float] = {}
    weights: dict[str, float] = {}
    answer_within = scenario.service_level.answer_within
    for i in range(scenario.warmup_intervals, scenario.intervals):
        volume = sum(v[i] for v in volumes)
        if volume <= 0:
            continue
        agents = sum(g.staff_at(i) for g in scenario.agent_groups)
        handle = sum(
            v[i] * (c.handle_time.mean + (c.wrap_up.mean if c.wrap_up else 0.0))
            for v, c in zip(volumes, types, strict=True)
        ) / volume
        patience = sum(v[i] * p for v, p in zip(volumes, patiences, strict=True)) / volume
        if agents == 0:  # nobody to answer: everyone waits out their patience
            values = {"service_level": 0.0, "abandon_rate": 1.0, "p_wait": 1.0,
                      "mean_wait": patience, "asa": math.nan, "occupancy": math.nan}
        else:
            m = erlang_a_metrics(agents, volume / scenario.period, handle, patience,
                                 answer_within)
            values = m.by_metric()
        for metric, value in values.items():
            if metric == "asa":
                weight = volume * (1.0 - values["abandon_rate"])
            elif metric == "occupancy":
                weight = float(agents)
            else:
                weight = volume
            sums.setdefault(metric, 0.0)
            weights.setdefault(metric, 0.0)
            if weight > 0 and not math.isnan(value):
                sums[metric] += weight * value
                weights[metric] += weight
    return {m: sums[m] / weights[m] if weights[m] > 0 else math.nan for m in sums}
