"""What was varied across the variants of an experiment, as factors: each swept key that
takes more than one value, and the hand-made ``[[variants]]`` (their labels, the parameter
column :data:`~ccsim.experiment.sweep.LABEL_COLUMN`; the keys they set belong to them and
are no factors of their own). Each factor knows its levels in axis order, as numbers where
they are numbers or durations, and each variant's level; :func:`describe` says a
parameter column in words. The charts (:mod:`ccsim.plots`) draw a factor per axis, line
or panel; the report page (:mod:`ccsim.report`) says what each variant changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ccsim.experiment.sweep import LABEL_COLUMN
from ccsim.units import parse_duration

if TYPE_CHECKING:
    from ccsim.experiment import Results

#: A factor that is no parameter column: the variants' labels themselves.
VARIANT = "variant"


@dataclass(frozen=True)
class Factor:
    """One thing varied across the variants of an experiment.

    ``column`` is a parameter column (a key, ``key:scale``, :data:`LABEL_COLUMN`), or
    ``"variant"`` for the variants' labels; ``levels`` its distinct values in axis order;
    ``numbers`` the levels as positions on a numeric axis in ``unit`` (durations in
    seconds or minutes), or None when they are categories; ``codes`` each variant's
    level, as an index into ``levels``, in the experiment's order.
    """

    column: str
    levels: tuple[Any, ...]
    numbers: tuple[float, ...] | None
    unit: str
    codes: tuple[int, ...]


def factors(results: Results) -> list[Factor]:
    """What was varied, as factors (see the module docstring): numeric ones first, the
    hand-made variants last. Empty for one variant."""
    params = [v["parameters"] for v in results.manifest["variants"]]
    columns = results.parameters
    if LABEL_COLUMN in columns:  # the keys hand-made variants set follow their label
        columns = [c for c in columns if c == LABEL_COLUMN or not _follows(params, c)]
    elif any(c not in p for p in params for c in columns):
        # Results of hand-made variants written before LABEL_COLUMN: their labels.
        columns = []
        if len(params) > 1:
            return [by_variant(results)]
    found = [_make_factor(c, [p.get(c) for p in params]) for c in columns]
    found = [f for f in found if len(f.levels) > 1]
    return sorted(found, key=lambda f: (f.numbers is None, f.column == LABEL_COLUMN))


def by_variant(results: Results) -> Factor:
    """The variants' labels as one factor, a level each in the experiment's order: the
    axis of a chart when no key was varied."""
    return _make_factor(VARIANT, results.variants)


def _follows(params: list[dict[str, Any]], column: str) -> bool:
    """Whether ``column`` takes one value within each hand-made variant."""
    seen: dict[str, str] = {}
    return all(
        seen.setdefault(p[LABEL_COLUMN], repr(p.get(column))) == repr(p.get(column))
        for p in params
    )


def _make_factor(column: str, values: list[Any]) -> Factor:
    keys = list(dict.fromkeys(repr(v) for v in values))
    distinct = [values[[repr(v) for v in values].index(k)] for k in keys]
    axis = _numeric(distinct)
    order = list(range(len(distinct)))
    if axis is not None:
        order.sort(key=lambda i: axis[0][i])
    levels = tuple(distinct[i] for i in order)
    codes = tuple(order.index(keys.index(repr(v))) for v in values)
    numbers = tuple(axis[0][i] for i in order) if axis is not None else None
    return Factor(column, levels, numbers, axis[1] if axis is not None else "", codes)


def _numeric(values: Sequence[Any]) -> tuple[list[float], str] | None:
    """Parameter values as numbers for an axis, and the unit they are shown in: numbers as
    they are, durations ("2min") in seconds or minutes; None when not all are numeric."""
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return [float(v) for v in values], ""
    if all(isinstance(v, str) for v in values):
        try:
            seconds = [parse_duration(v) for v in values]
        except ValueError:
            return None
        if min(seconds) >= 60:
            return [s / 60 for s in seconds], "min"
        return seconds, "s"
    return None


def describe(column: str) -> str:
    """A parameter column in words: ``agent_groups.sales.staff`` → "sales team staff",
    ``agent_groups.*.staff:scale`` → "staff of every team", ``contact_types.billing.
    patience.mean`` → "billing mean patience"."""
    if column in (LABEL_COLUMN, VARIANT):
        return "variant"
    parts = column.removesuffix(":scale").split(".")
    owner, every = "", ""
    if parts[0] in ("agent_groups", "contact_types") and len(parts) > 2:
        kind = "team" if parts[0] == "agent_groups" else "contact type"
        name, parts = parts[1], parts[2:]
        if name == "*":
            every = f" of every {kind}"
        else:
            owner = f"{name} team " if kind == "team" else f"{name} "
    if len(parts) > 1 and parts[-1] == "mean":
        parts = ["mean", *parts[:-1]]
    return owner + " ".join(p.replace("_", " ") for p in parts) + every
