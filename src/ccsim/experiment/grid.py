"""Grid expansion: a base scenario, the alternatives of ``[vary]`` and the hand-made
``[[variants]]`` of an experiment file → the variants it runs, validated, and the parameter
columns of its tables.

Every hand-made variant (the base among them) is crossed with every point of the grid, in
file order; a variant is labelled by its hand-made label and the grid values it takes
(``short calls, staff=×0.9``). Changes are applied to the raw scenario table with the
dotted-key rules of :mod:`ccsim.scenario.keys`, and each variant is then validated as a
:class:`~ccsim.scenario.Scenario`.
"""

from __future__ import annotations

import copy
import itertools
import json
from dataclasses import field
from typing import Any

from pydantic.dataclasses import dataclass

from ccsim.scenario import Scenario, ScenarioError
from ccsim.scenario.keys import Change, apply_change
from ccsim.toml_text import as_toml

#: The parameter column naming each variant's hand-made variant (its ``[[variants]]``
#: label, or the base scenario's name); present only when there are ``[[variants]]``.
LABEL_COLUMN = "variants.label"

#: (key, its alternatives) of ``[vary]``, or (label, its changes) of ``[[variants]]``.
Changes = list[tuple[str, list[Change]]]


@dataclass(frozen=True)
class Variant:
    """One scenario of an experiment.

    ``parameters`` maps each parameter column (a varied key, or ``key:scale`` for a scale
    factor) to the value this variant uses, as written in the file; lists and tables are
    written as compact JSON text so that every value fits a table cell, and in a column
    that holds anything but numbers (``staff = 10`` in one variant and ``[8, 9, 10, 11]``
    in another; ``"2min"`` and ``150``) every value is text (``"10"``, ``"150"``).
    """

    label: str
    scenario: Scenario
    parameters: dict[str, Any] = field(default_factory=dict, hash=False)


def expand(
    base: dict[str, Any], grid: Changes, named: Changes, where: str | None
) -> tuple[list[Variant], list[str]]:
    """Every hand-made variant of ``named`` (the base among them) crossed with every point
    of ``grid``, validated; and the parameter columns, in order. Errors name the file
    ``where``, the variant or key, and the scenario key path."""
    short = _short_keys([key for key, _ in grid], base)
    named = _with_base(base, named, where)
    columns: list[str] = [LABEL_COLUMN] if named else []
    for _, changes in named:
        columns += [_column(c) for c in changes if _column(c) not in columns]
    grid_columns = [_column(alternatives[0]) for _, alternatives in grid]
    for column in grid_columns:
        if column in columns:
            raise ScenarioError(
                "is set both by [[variants]] and by [vary]; keep it in one of them",
                f"vary[{json.dumps(column.removesuffix(':scale'))}]",
                where,
            )
    columns += grid_columns
    points = list(itertools.product(*(alternatives for _, alternatives in grid)))
    hand_made: list[tuple[str | None, list[Change]]] = [*named] or [(None, [])]
    built: list[tuple[str, Scenario, dict[str, Any]]] = []
    for name, own in hand_made:
        seen: dict[str, tuple[Change, ...]] = {}
        for point in points:
            parts = [name] if name else []
            parts += [
                f"{short[c.key]}={'×' if c.scale else ''}{_show(c.value)}" for c in point
            ]
            label = ", ".join(parts) if parts else _base_name(base)
            data = copy.deepcopy(base)
            for change in own:
                _apply(data, change, f"variants[{name}][{json.dumps(change.key)}]", where)
            for change in point:
                _apply(data, change, f"vary[{json.dumps(change.key)}]", where)
            try:
                scenario = Scenario.from_dict(data)
            except ScenarioError as error:
                path = f"variant {label!r}: {error.path}" if error.path else f"variant {label!r}"
                raise ScenarioError(error.message, path, where) from None
            _check_distinct(scenario, point, seen, where)
            values = {_column(c): c.value for c in [*own, *point]}
            built.append((label, scenario, {LABEL_COLUMN: name, **values} if name else values))
    text = {
        column
        for column in columns
        if not all(_number(values[column]) for _, _, values in built if column in values)
    }
    variants = [
        Variant(label, scenario, {k: _cell(v, k in text) for k, v in values.items()})
        for label, scenario, values in built
    ]
    return variants, columns


def resolved(scenario: Scenario) -> str:
    """``scenario`` as canonical JSON text: equal for two scenarios that run the same,
    however their files wrote them (``"2min"`` or ``120``)."""
    return json.dumps(scenario.model_dump(mode="json"), sort_keys=True)


def canonical(value: Any) -> str:
    """A value as compact JSON text (keys sorted): equal for equal values."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def _with_base(base: dict[str, Any], named: Changes, where: str | None) -> Changes:
    """``named`` with the base scenario first, under its name, unless one of them gives
    the base scenario (it stands for the base under its own label)."""
    if not named:
        return named
    plain = resolved(Scenario.from_dict(copy.deepcopy(base)))
    for name, changes in named:
        data = copy.deepcopy(base)
        for change in changes:
            _apply(data, change, f"variants[{name}][{json.dumps(change.key)}]", where)
        try:
            if resolved(Scenario.from_dict(data)) == plain:
                return named
        except ScenarioError:
            continue  # reported with the variant's label when it is built
    label = _base_name(base)
    if label in [n for n, _ in named]:
        raise ScenarioError(
            f"the label {label!r} is the base scenario's name, and the base is a variant of "
            "its own; choose another label",
            f"variants[{label}]",
            where,
        )
    return [(label, []), *named]


def _check_distinct(
    scenario: Scenario,
    point: tuple[Change, ...],
    seen: dict[str, tuple[Change, ...]],
    where: str | None,
) -> None:
    """Refuse two points of the grid that give the same scenario: alternatives that are
    written differently but mean the same (``"2min"`` and ``120``) would run it twice."""
    if not point:
        return
    other = seen.setdefault(resolved(scenario), point)
    if other is point:
        return
    first, second = next((a, b) for a, b in zip(other, point, strict=True) if a is not b)
    raise ScenarioError(
        f"{as_toml(first.value)} and {as_toml(second.value)} are the same value "
        "(the variants would be the same scenario)",
        f"vary[{json.dumps(first.key)}]",
        where,
    )


def _base_name(base: dict[str, Any]) -> str:
    name = base.get("name", "scenario")
    return name if isinstance(name, str) and name else "scenario"


def _column(change: Change) -> str:
    return f"{change.key}:scale" if change.scale else change.key


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _cell(value: Any, text: bool) -> Any:
    """A parameter value as a table cell: scalars as they are, lists and tables as JSON;
    with ``text`` (a column that does not hold only numbers, so one typed table column
    cannot hold it as written) every value as text, strings as they are."""
    if isinstance(value, list | dict) or (text and not isinstance(value, str)):
        return canonical(value)
    return value


def _show(value: Any) -> str:
    """A value as a label shows it: ``10``, ``0.9``, ``2min``, ``[8,9,10]``."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int | str):
        return str(value)
    return canonical(value)


def _short_keys(keys: list[str], base: dict[str, Any]) -> dict[str, str]:
    """Keys as labels show them: without the list they start in (``agent_groups``) and
    without ``*`` (``agent_groups.*.staff`` → ``staff``), unless that makes two alike."""
    short = {}
    for key in keys:
        parts = key.split(".")
        if len(parts) > 1 and isinstance(base.get(parts[0]), list):
            parts = parts[1:]
        short[key] = ".".join(p for p in parts if p != "*") or key
    if len(set(short.values())) < len(short):
        return {key: key for key in keys}
    return short


def _apply(data: dict[str, Any], change: Change, at: str, where: str | None) -> None:
    """Set or scale ``change.key`` in ``data``, a raw scenario table (in place)."""
    apply_change(Scenario, data, change, at, where)
