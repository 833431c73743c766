"""A requirement from the planner's own sheet: ``REQ.csv`` with the columns ccsim writes
(``interval``, ``time``, ``agent_group``, ``agents``), read and checked against the
scenario it is for."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import TYPE_CHECKING

from ccsim.scenario import ScenarioError

if TYPE_CHECKING:
    from ccsim.scenario import Scenario

#: The columns a requirement file must have; others (ccsim's own ``sipp`` and ``cover``)
#: are not read.
COLUMNS = ("interval", "time", "agent_group", "agents")


def read_requirement(path: Path, scenario: Scenario) -> dict[str, list[float]]:
    """Each agent group named in ``path`` → the agents it needs in every interval of
    ``scenario`` (intervals the file leaves out need none). A :class:`ScenarioError`
    names the file, the row and what is wrong."""
    try:
        with path.open(newline="", encoding="utf-8") as file:
            rows = list(csv.DictReader(file))
            header = list(rows[0]) if rows else []
    except OSError as error:
        raise ScenarioError(f"cannot read it ({error.strerror})", source=str(path)) from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise ScenarioError(f"not a CSV file ({error})", source=str(path)) from None
    missing = [c for c in COLUMNS if c not in header]
    if not rows or missing:
        raise ScenarioError(f"expected the columns {', '.join(COLUMNS)} and a row per "
                            f"interval and group (got columns: {', '.join(header) or 'none'})",
                            source=str(path))
    groups = {g.name: g for g in scenario.agent_groups}
    needed: dict[str, list[float]] = {}
    seen: dict[tuple[str, int], int] = {}
    for line, row in enumerate(rows, start=2):
        where = f"row {line}"
        name = row["agent_group"]
        if name not in groups:
            raise ScenarioError(f"{where}: no agent group {name!r} in the scenario; expected "
                                f"one of: {', '.join(groups)}", source=str(path))
        if not groups[name].shift_templates:
            raise ScenarioError(f"{where}: agent group {name!r} has no shift_templates to "
                                "cover its requirement with", source=str(path))
        interval = _number(row["interval"], f"{where}: interval", path)
        if interval != int(interval) or not 0 <= interval < scenario.intervals:
            raise ScenarioError(f"{where}: interval {row['interval']!r} is not one of the "
                                f"scenario's 0 to {scenario.intervals - 1}", source=str(path))
        agents = _number(row["agents"], f"{where}: agents", path)
        if agents < 0:
            raise ScenarioError(f"{where}: agents must be at least 0 (got {row['agents']})",
                                source=str(path))
        if (name, int(interval)) in seen:
            raise ScenarioError(f"{where}: interval {int(interval)} of agent group {name!r} "
                                f"again (first in row {seen[name, int(interval)]})",
                                source=str(path))
        seen[name, int(interval)] = line
        needed.setdefault(name, [0.0] * scenario.intervals)[int(interval)] = agents
    return needed


def _number(text: str | None, what: str, path: Path) -> float:
    try:
        value = float(text or "")
    except ValueError:
        raise ScenarioError(f"{what}: {text!r} is not a number", source=str(path)) from None
    if not math.isfinite(value):
        raise ScenarioError(f"{what}: {text!r} is not a finite number", source=str(path))
    return value
