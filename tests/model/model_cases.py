"""Small scenarios shared by the model tests."""

from __future__ import annotations

from ccsim import Scenario
from scenarios import scenario


def scripted_case(types, groups, period=600, horizon=None):
    """Constant-handle contact types ``{name: (times, handle, patience or None)}`` and groups
    ``{name: (skills, staff)}``."""
    contact_types = []
    for name, (times, handle, patience) in types.items():
        spec = {"name": name, "arrivals": {"times": times},
                "handle_time": {"dist": "constant", "value": handle}}
        if patience is not None:
            spec["patience"] = {"dist": "sequence", "values": patience}
        contact_types.append(spec)
    return Scenario(
        period=period, horizon=horizon or period, contact_types=contact_types,
        agent_groups=[{"name": n, "skills": s, "staff": c} for n, (s, c) in groups.items()],
    )


def scripted(times, handles, *, patience=None, staff=1, period=600, horizon=600, **extra):
    """One contact type, one group, scripted arrival times and handle times (seconds)."""
    contact = {
        "name": "calls",
        "arrivals": {"times": list(times)},
        "handle_time": {"dist": "sequence", "values": list(handles)},
    }
    if patience is not None:
        contact["patience"] = {"dist": "sequence", "values": list(patience)}
    return Scenario(
        period=period,
        horizon=horizon,
        service_level={"answer_within": 15},
        contact_types=[contact],
        agent_groups=[{"name": "agents", "skills": ["calls"], "staff": staff}],
        **extra,
    )


#: Mean talk time and patience of :func:`callback_day`, seconds.
AHT, PATIENCE = 240.0, 180.0


def callback_day(callbacks=None, *, staff=10, per_hour=160.0, hours=8, patience=PATIENCE,
                 **extra):
    """The base day of :func:`scenarios.scenario` (one exponential contact type, mean talk
    ``AHT``, patience ``PATIENCE`` or none, one group, half-hour intervals) over ``hours``,
    with ``callbacks`` as the ``[callbacks]`` table."""
    return scenario(
        horizon=hours * 3600, callbacks=callbacks, agents={"staff": staff},
        calls={"arrivals": {"per_hour": per_hour},
               "handle_time": {"dist": "exponential", "mean": AHT},
               "patience": None if patience is None else {"dist": "exponential",
                                                          "mean": patience}},
        **extra)


def assert_agrees_with_chain(observed, exact, reps: int) -> None:
    """Each of ``observed`` (metric → one value per replication) has the ``exact`` chain's
    value (its attribute of that name) in its 99.9 % Student-t interval, and the interval
    is narrower than 10 % of it (precise enough that a 10 % error would show). A value of
    exactly 0 or 1 (nobody abandons; every caller waits) must be observed in every run."""
    import math

    import numpy as np
    from scipy import stats

    t = stats.t.ppf(0.9995, reps - 1)
    for name, values in observed.items():
        values = np.asarray(values, dtype=float)
        target = getattr(exact, name)
        if target < 1e-9:
            assert values.max() == 0, name
            continue
        if target == 1:
            assert values.min() == 1, name
            continue
        half = t * values.std(ddof=1) / math.sqrt(reps)
        assert abs(values.mean() - target) <= half, (name, values.mean(), half, target)
        assert half <= 0.1 * target, (name, half, target)


def mixed_day(seed_volume: float = 180.0) -> Scenario:
    """Sales is understaffed; support has agents to spare."""
    return Scenario(
        period=1800, horizon=4 * 1800,
        contact_types=[
            {"name": "sales", "arrivals": {"per_hour": seed_volume},
             "handle_time": {"dist": "exponential", "mean": 240},
             "patience": {"dist": "exponential", "mean": 120},
             "wrap_up": {"dist": "exponential", "mean": 20}},
            {"name": "support", "arrivals": {"per_hour": 60},
             "handle_time": {"dist": "exponential", "mean": 300},
             "patience": {"dist": "exponential", "mean": 300}},
        ],
        agent_groups=[
            {"name": "sellers", "skills": ["sales"], "staff": [10, 11, 11, 9]},
            {"name": "helpers", "skills": ["support"], "staff": [9, 8, 9, 9]},
        ],
    )


def steady_day() -> Scenario:
    """As ``mixed_day`` with a constant head count of helpers (no one owed to a drop: an agent
    on duty is idle exactly when its last work has ended)."""
    data = mixed_day().model_dump()
    data["agent_groups"][1]["staff"] = 9
    return Scenario(**data)
