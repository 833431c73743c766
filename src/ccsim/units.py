"""Durations with units.

Planners write durations as ``"20s"``, ``"4min"``, ``"1.5h"``; ccsim works in seconds.
A bare number is already seconds. Rates are written per unit of time, ``"690/h"`` or
``"11.5/min"``; ccsim works per second.
"""

from __future__ import annotations

import math
import re

from ccsim.toml_text import as_toml

_UNIT_SECONDS = {
    "ms": 0.001,
    "s": 1.0,
    "sec": 1.0,
    "min": 60.0,
    "h": 3600.0,
    "hr": 3600.0,
    "d": 86400.0,
}
_DURATION = re.compile(
    r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?inf|nan)\s*([a-z]*)\s*$"
)


def parse_duration(value: object) -> float:
    """Seconds in ``value``: a number (seconds) or a string such as ``"4min"``.

    Raises ``ValueError`` naming the accepted units for anything else. The sign and
    finiteness are not checked here: the schema decides what range is valid where.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a duration such as \"20s\" or \"4min\", got {as_toml(value)}")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        match = _DURATION.match(value.lower())
        if match:
            number, unit = match.groups()
            if unit == "":
                unit = "s"
            if unit in _UNIT_SECONDS:
                return float(number) * _UNIT_SECONDS[unit]
    units = ", ".join(_UNIT_SECONDS)
    raise ValueError(
        f"expected a duration such as \"20s\" or \"4min\" (units: {units}), got {as_toml(value)}"
    )


_RATE = re.compile(r"^\s*([^/]+?)\s*/\s*([a-z]+)\s*$")


def parse_rate(value: object) -> float:
    """Events per second in ``value``: a number (per second) or a string such as
    ``"690/h"`` or ``"11.5/min"`` (any unit of :func:`parse_duration`).

    Raises ``ValueError`` for anything else; the sign is not checked here."""
    if isinstance(value, bool):
        raise ValueError(f"expected a rate such as \"690/h\", got {as_toml(value)}")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        match = _RATE.match(value.lower())
        if match and match.group(2) in _UNIT_SECONDS:
            try:
                count = float(match.group(1))
            except ValueError:
                pass
            else:
                return count / _UNIT_SECONDS[match.group(2)]
    units = ", ".join(_UNIT_SECONDS)
    raise ValueError(
        f"expected a rate such as \"690/h\" or \"11.5/min\" (units: {units}), got {as_toml(value)}"
    )


def format_duration(seconds: float) -> str:
    """A short human form of ``seconds`` (``"30min"``, ``"1.5h"``, ``"20s"``)."""
    if not math.isfinite(seconds):
        return str(seconds)
    for unit, size in (("h", 3600.0), ("min", 60.0)):
        if seconds >= size and (seconds / size * 10) % 1 == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"


def clock_seconds(clock: str) -> int:
    """Seconds since midnight of a clock time ``"HH:MM"`` (already validated)."""
    hours, minutes = map(int, clock.split(":"))
    return hours * 3600 + minutes * 60


#: The units a duration is shown in, smallest first, with their size in seconds.
_SHOWN = (("s", 1.0), ("min", 60.0), ("h", 3600.0))
#: A duration is shown in the largest unit of which it holds at least this many: 119 s
#: stays seconds, 120 s is 2.0 min, 102,619 s is 28.5 h.
_AT_LEAST = 2.0


def duration_unit(seconds: float) -> tuple[str, float]:
    """The unit a planner reads a duration of ``seconds`` in, and that unit's size in
    seconds: ``("s", 1.0)`` below 2 min, ``("min", 60.0)`` below 2 h, else ``("h", 3600.0)``.
    NaN and infinities are given seconds."""
    chosen = _SHOWN[0]
    if math.isfinite(seconds):
        for unit in _SHOWN:
            if abs(seconds) >= _AT_LEAST * unit[1]:
                chosen = unit
    return chosen
