"""Dotted keys into a scenario table: ``agent_groups.sales.staff``, list entries by their
``name``, ``*`` for every entry; a change sets the value there, or multiplies it
(``{ scale = f }``: a number, a duration or every entry of a list of them; rounded half up
where the schema field takes whole numbers). Experiment files (:mod:`ccsim.experiment.sweep`)
and :meth:`Scenario.with_changes` share these rules."""

from __future__ import annotations

import copy
import difflib
import math
import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ccsim.scenario.errors import ScenarioError
from ccsim.toml_text import as_toml
from ccsim.units import parse_duration


@dataclass(frozen=True)
class Change:
    """Set ``key`` to ``value``, or multiply what is there by ``value`` when ``scale``."""

    key: str
    value: Any
    scale: bool = False


def apply_change(model: type[BaseModel], data: dict[str, Any], change: Change, at: str,
                 where: str | None) -> None:
    """Set or scale ``change.key`` in ``data`` (in place), a raw table of ``model``; errors
    are at ``at`` in the file ``where``."""
    parts = change.key.split(".")
    if parts[0] not in model.model_fields:
        close = difflib.get_close_matches(parts[0], list(model.model_fields), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ScenarioError(
            f"no scenario key {parts[0]!r}{hint}; expected one of: "
            f"{', '.join(model.model_fields)}",
            at,
            where,
        )
    whole = change.scale and takes_integers(model, change.key)
    for table, leaf, place in _targets(data, parts, at, where):
        if change.scale:
            if leaf not in table:
                raise ScenarioError(f"{place} has no value to scale; set it instead", at, where)
            try:
                table[leaf] = _scaled(table[leaf], change.value, whole)
            except ValueError as error:
                raise ScenarioError(f"{place}: {error}", at, where) from None
        else:
            if isinstance(table.get(leaf), list) and isinstance(change.value, dict):
                raise ScenarioError(
                    f"would replace the list {leaf!r} with a table; to change one entry, "
                    'quote the whole dotted key ("agent_groups.sales.staff" = ...)',
                    at,
                    where,
                )
            table[leaf] = copy.deepcopy(change.value)


def _targets(
    data: dict[str, Any], parts: list[str], at: str, where: str | None
) -> list[tuple[dict[str, Any], str, str]]:
    """The (table, key, key path) that ``parts`` addresses: list entries by name or ``*``;
    missing tables on the way are created (validation then rejects unknown keys)."""
    nodes: list[tuple[Any, str]] = [(data, "")]
    for i, part in enumerate(parts[:-1]):
        following = []
        for node, path in nodes:
            if isinstance(node, list):
                following += _entries(node, part, path, at, where)
            elif isinstance(node, dict):
                child = node.setdefault(part, {})
                if not isinstance(child, dict | list):
                    raise ScenarioError(
                        f"{'.'.join(parts[: i + 1])} is a value ({as_toml(child)}), not a "
                        "table or list",
                        at,
                        where,
                    )
                following.append((child, f"{path}.{part}" if path else part))
        nodes = following
    leaf = parts[-1]
    targets = []
    for node, path in nodes:
        if isinstance(node, list):
            raise ScenarioError(
                f"{path} is a list: name an entry and a key in it "
                f"(e.g. {path}.{_names(node)[0] if _names(node) else 'NAME'}.{leaf})",
                at,
                where,
            )
        targets.append((node, leaf, f"{path}.{leaf}" if path else leaf))
    return targets


def _entries(
    node: list[Any], name: str, path: str, at: str, where: str | None
) -> list[tuple[Any, str]]:
    """The entries of the list at ``path`` named ``name`` (all of them for ``*``)."""
    names = _names(node)
    if name == "*":
        entries = [entry for entry in node if isinstance(entry, dict)]
        return [(entry, f"{path}[{entry.get('name')}]") for entry in entries]
    matches = [entry for entry in node if isinstance(entry, dict) and entry.get("name") == name]
    if not matches:
        what = path.split(".")[-1].split("[")[0].removesuffix("s").replace("_", " ")
        close = difflib.get_close_matches(name, names, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ScenarioError(
            f"no {what} named {name!r} ({hint}expected one of: {', '.join(names)})", at, where
        )
    return [(entry, f"{path}[{name}]") for entry in matches]


def _names(node: list[Any]) -> list[str]:
    return [str(e["name"]) for e in node if isinstance(e, dict) and "name" in e]


def takes_integers(model: type[BaseModel], key: str) -> bool:
    """Whether the schema field at the dotted ``key`` of ``model`` (list entries by name
    or ``*``) takes whole numbers only: every number type its annotation admits, through
    unions, ``None``, lists and tuples, is ``int``. False for a key the schema lacks
    (validation reports it) and for a field that also takes floats (durations, rates)."""
    leaves = [leaf for tp in _annotations_at(model, key.split(".")) for leaf in _scalars(tp)]
    numbers = [leaf for leaf in leaves if leaf in (int, float, complex)]
    return bool(numbers) and all(leaf is int for leaf in numbers)


def _annotations_at(annotation: Any, parts: list[str]) -> list[Any]:
    """The annotations of the fields that ``parts`` reaches from ``annotation`` (a model
    class, or a union of them such as a distribution's forms, which may all have the key)."""
    if not parts:
        return [annotation]
    found = []
    for tp in _alternatives(annotation):
        if typing.get_origin(tp) is list:  # a list of entries: parts[0] names one, or *
            found += _annotations_at(typing.get_args(tp)[0], parts[1:])
        elif isinstance(tp, type) and issubclass(tp, BaseModel) and parts[0] in tp.model_fields:
            found += _annotations_at(tp.model_fields[parts[0]].annotation, parts[1:])
    return found


def _alternatives(annotation: Any) -> list[Any]:
    """The members of a union (``None`` dropped, ``Annotated`` unwrapped)."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _alternatives(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [a for arg in typing.get_args(annotation) for a in _alternatives(arg)]
    return [] if annotation is type(None) else [annotation]


def _scalars(annotation: Any) -> list[Any]:
    """The value types ``annotation`` admits, through unions, lists and tuples."""
    found = []
    for tp in _alternatives(annotation):
        if typing.get_origin(tp) in (list, tuple):
            found += [s for arg in typing.get_args(tp) if arg is not ... for s in _scalars(arg)]
        else:
            found.append(tp)
    return found


def _scaled(value: Any, factor: float, whole: bool) -> Any:
    """``value`` (a number, a duration or a list of them) multiplied by ``factor``;
    rounded half up to a whole number when ``whole``."""
    if isinstance(value, list):
        return [_scaled(v, factor, whole) for v in value]
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(
            f"can only scale a number, a duration or a list of them (got {as_toml(value)})"
        )
    try:
        seconds = parse_duration(value) if isinstance(value, str) else value
    except ValueError:
        raise ValueError(
            f"can only scale a number, a duration or a list of them (got {as_toml(value)})"
        ) from None
    product = seconds * factor
    return math.floor(product + 0.5) if whole else product
