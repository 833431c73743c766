"""Small scenarios shared by the model tests."""

from __future__ import annotations

from ccsim import Scenario


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
