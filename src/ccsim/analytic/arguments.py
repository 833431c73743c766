"""The argument checks of :mod:`ccsim.analytic`: every public function validates, so a bad
unit conversion upstream fails loudly here instead of producing a plausible-looking
number. Durations and rates may be strings with a unit, as in scenario files."""

from __future__ import annotations

import math
import numbers

from ccsim.units import parse_duration, parse_rate


def check_agents(agents: object) -> int:
    """``agents`` as an int; a ValueError unless it is a whole number >= 1 (not a bool)."""
    if isinstance(agents, bool) or not isinstance(agents, numbers.Integral) or agents < 1:
        raise ValueError(f"agents must be an integer >= 1, got {agents!r}")
    return int(agents)


def check_nonnegative(name: str, value: object, *, allow_inf: bool = False) -> float:
    """``value`` as a float; a ValueError naming ``name`` unless it is a real number >= 0
    (finite unless ``allow_inf``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    number = float(value)
    if math.isnan(number) or number < 0.0 or (math.isinf(number) and not allow_inf):
        bound = ">= 0 (math.inf allowed)" if allow_inf else "finite and >= 0"
        raise ValueError(f"{name} must be {bound}, got {value!r}")
    return number


def seconds(name: str, value: object, *, allow_inf: bool = False) -> float:
    """A duration in seconds: a number, or a string with a unit ("4min")."""
    if isinstance(value, str):
        value = parse_duration(value)
    return check_nonnegative(f"{name} (seconds)", value, allow_inf=allow_inf)


def check_rates(arrival_rate: object, mean_handle: object) -> tuple[float, float]:
    """(arrival rate per second, mean handle time in seconds); the handle time must be
    > 0."""
    if isinstance(arrival_rate, str):
        arrival_rate = parse_rate(arrival_rate)
    lam = check_nonnegative("arrival_rate (per second)", arrival_rate)
    handle = seconds("mean_handle", mean_handle)
    if handle == 0.0:
        raise ValueError("mean_handle (seconds) must be > 0, got 0")
    return lam, handle


def clip01(p: float) -> float:
    """``p`` within [0, 1]."""
    # Sums of many rounded terms can land a few ulps outside [0, 1].
    return min(1.0, max(0.0, p))
