"""How a chart lays out what was varied (:mod:`ccsim.experiment.factors`): the first factor
(a numeric one if any) is the x axis, the second gives one line per level (a heatmap's
rows), and each further one gives one panel per level, titled with it — so a line never
joins variants that differ in anything but x. Axis labels, ticks, legends and titles say
in words what was varied ("sales team staff", "staff of every team (× base)"), not key
paths.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ccsim.experiment.factors import VARIANT, Factor, by_variant, describe, factors
from ccsim.experiment.sweep import LABEL_COLUMN

if TYPE_CHECKING:
    from ccsim.experiment import Results


def axis_label(factor: Factor) -> str:
    """An axis of ``factor`` in words, with its unit: "sales team staff", "billing mean
    patience (min)", "staff of every team (× base)"."""
    if factor.column.endswith(":scale"):
        return f"{describe(factor.column)} (× base)"
    unit = f" ({factor.unit})" if factor.unit else ""
    return describe(factor.column) + unit


def tick(factor: Factor, value: Any) -> str:
    """A level as a tick shows it: ``×0.9``, ``2min``, ``12``, a variant's label."""
    if factor.column.endswith(":scale"):
        return f"×{value:g}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def level(factor: Factor, index: int) -> str:
    """A level as a legend or a panel title shows it: "sales team staff = 12", "staff of
    every team ×0.9", a hand-made variant's label."""
    value = factor.levels[index]
    if factor.column in (LABEL_COLUMN, VARIANT):
        return str(value)
    if factor.column.endswith(":scale"):
        return f"{describe(factor.column)} ×{value:g}"
    return f"{describe(factor.column)} = {tick(factor, value)}"


@dataclass(frozen=True)
class Plan:
    """Which factor is the x axis, which one gives the lines (or a heatmap's rows), and
    the panels: (title, variants in it) for each combination of levels of the rest."""

    x: Factor
    hue: Factor | None
    panels: list[tuple[str, list[int]]]


def lay_out(results: Results, x: str | None = None, y: str | None = None) -> Plan:
    """The plan of a chart of ``results``: the factor ``x`` (default: the first) on the x
    axis, ``y`` (default: the next) for the lines, a panel per combination of levels of
    the rest; the variants themselves when nothing was varied. A ValueError when ``x`` or
    ``y`` names no factor."""
    found = factors(results) or [by_variant(results)]
    for wanted in (y, x):  # x first, then y
        if wanted is not None:
            chosen = next((f for f in found if f.column == wanted), None)
            if chosen is None:
                raise ValueError(f"{wanted!r} is not a swept parameter; expected one of: "
                                 f"{', '.join(f.column for f in found)}")
            found = [chosen, *(f for f in found if f is not chosen)]
    if y is not None and x is None and len(found) > 1:
        found[0], found[1] = found[1], found[0]
    rest = found[2:]
    panels = []
    for combination in itertools.product(*(range(len(f.levels)) for f in rest)):
        members = [i for i in range(len(results.variants))
                   if all(f.codes[i] == c for f, c in zip(rest, combination, strict=True))]
        title = ", ".join(level(f, c) for f, c in zip(rest, combination, strict=True))
        if members:
            panels.append((title, members))
    return Plan(found[0], found[1] if len(found) > 1 else None, panels)


def in_words(results: Results) -> dict[str, str]:
    """Each variant's label as a legend says it: its level of every factor, in words."""
    found = factors(results)
    return {
        label: ", ".join(level(f, f.codes[i]) for f in found) or label
        for i, label in enumerate(results.variants)
    }
