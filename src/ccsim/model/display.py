"""How a metric's number reads, next to the registry that defines it: in the terminal
tables, on the report page and in charts.

The registry (:mod:`ccsim.model.registry`) says what a metric is (its stored unit, display
scale, decimals, range); this module makes the three choices a reader sees, in one place:

* **the unit**: a share in %; a duration in s, min or h by its size
  (:func:`ccsim.units.duration_unit`: 102,619 s of agent time reads 28.5 h), one unit for
  a whole column so that its rows compare at a glance;
* **the decimals**: the metric's own, one place for minutes and hours;
* **the 95 % confidence interval**, clipped to the values the metric can take. An
  interval inside that range reads ``mean ± half-width``; one that reaches past it (a
  t interval of few replications around a share near 100 %) reads by its clipped ends,
  ``94.94% [85.75, 100.00]``, since ``94.94 ± 9.19%`` would claim shares above 100 %.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeGuard

from ccsim.model.registry import Metric
from ccsim.units import duration_unit

#: Decimals of a duration shown in minutes or hours.
_COARSE_DECIMALS = 1


@dataclass(frozen=True)
class Shown:
    """How values of one metric are shown: the stored value × ``factor``, with
    ``decimals`` places, then ``unit``."""

    unit: str
    factor: float
    decimals: int


def known(value: float | None) -> TypeGuard[float]:
    """Whether ``value`` is a number (neither None nor NaN)."""
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def shown(m: Metric, values: Iterable[float | None] = ()) -> Shown:
    """How metric ``m`` reads. A duration (stored in ``s``) takes the unit of the largest
    finite size among ``values`` (seconds), so a column of them shares one unit; every
    other metric reads in its registered unit and scale."""
    if m.unit != "s":
        return Shown(m.unit, m.scale, m.decimals)
    sizes = [abs(v) for v in values if known(v) and math.isfinite(v)]
    unit, size = duration_unit(max(sizes, default=0.0))
    return Shown(unit, 1.0 / size, m.decimals if unit == "s" else _COARSE_DECIMALS)


def number(value: float | None, how: Shown) -> str:
    """``value`` (stored unit) as ``how`` shows it, without the unit; ``–`` for none."""
    if not known(value):
        return "–"
    return f"{value * how.factor:,.{how.decimals}f}"


def band(mean: float, half: float, m: Metric) -> tuple[float, float]:
    """The ends of the 95 % interval ``mean ± half`` clipped to the range of ``m``
    (stored units)."""
    return max(mean - half, m.low), min(mean + half, m.high)


def spread(mean: float | None, half: float | None, m: Metric, how: Shown) -> str:
    """The confidence interval's part of a cell: ``± 1.23``, or the clipped ends
    ``[85.75, 100.00]`` when it reaches past the range of ``m``; empty without one."""
    if not (known(mean) and known(half)):
        return ""
    low, high = band(mean, half, m)
    if (low, high) == (mean - half, mean + half):
        return f"± {number(half, how)}"
    return f"[{number(low, how)}, {number(high, how)}]"


def with_unit(text: str, unit: str) -> str:
    """``87.5%`` but ``12.3 s``: a percent sign sits on its number, other units do not."""
    if text == "–":
        return text  # no number, no unit
    return text + (unit if unit in ("%", "") else f" {unit}")


#: The unit the registry gives costs; a scenario's ``[costs]`` names the currency.
MONEY = "money"


def in_currency(text: str, currency: str | None) -> str:
    """``text`` with the unit of costs read as ``currency`` (unchanged without one). In a
    column of plain text (two spaces after the unit) the column keeps its width."""
    if not currency:
        return text
    text = re.sub(rf" {MONEY}(?=  )", f" {currency}".ljust(len(MONEY) + 1), text)
    return text.replace(f" {MONEY}", f" {currency}")


def value_text(mean: float | None, half: float | None, m: Metric, how: Shown | None = None,
               *, unit: bool = True) -> str:
    """A cell: ``48.85 ± 9.88%``, ``30.3 min``, ``94.94% [85.75, 100.00]``. ``how``
    defaults to :func:`shown` of ``mean`` alone; ``unit=False`` leaves the unit out (a
    count, whose column says it counts contacts)."""
    how = how or shown(m, [mean])
    text, ci = number(mean, how), spread(mean, half, m, how)
    if ci.startswith("±"):  # "48.85 ± 9.88%": the unit covers both numbers
        text, ci = f"{text} {ci}", ""
    if unit:
        text = with_unit(text, how.unit)
    return f"{text} {ci}" if ci else text
