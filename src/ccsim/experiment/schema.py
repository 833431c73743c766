"""The keys of an experiment file as pydantic models, strict as the scenario's: an unknown
key is an error that suggests the key meant, and every mistake is a
:class:`~ccsim.scenario.ScenarioError` naming the file, the key path (``vary["lines"]``,
``variants[short calls]["lines"]``), the value and what was expected. What the keys mean
is :mod:`ccsim.experiment.sweep`; the kinds of value here are shared with its
:class:`~ccsim.experiment.sweep.Experiment`.
"""

from __future__ import annotations

import copy
import difflib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ccsim.experiment.grid import Changes, canonical
from ccsim.scenario import Scenario, ScenarioError, read_toml
from ccsim.scenario.errors import scenario_error
from ccsim.scenario.fields import Strict
from ccsim.scenario.keys import Change
from ccsim.toml_text import as_toml

#: The keys an experiment file may hold (those of :class:`ExperimentFile`), in the
#: order its messages list them.
EXPERIMENT_KEYS = (
    "name",
    "scenario",
    "replications",
    "seed",
    "executor",
    "address",
    "vary",
    "variants",
)
EXECUTORS = ("local", "dask")
DEFAULT_REPLICATIONS = 10


# --- the kinds of value an experiment file holds -----------------------------------------


class _At(ValueError):
    """A mistake at ``at`` below the key being validated: an entry of it, or a key of it."""

    def __init__(self, at: str, message: str):
        super().__init__(message)
        self.at = at


def whole_number(low: int) -> Callable[[Any], int]:
    """A check of a whole number >= ``low`` (not ``true``, not ``2.0``)."""

    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"must be a whole number >= {low} (got {as_toml(value)})")
        return value

    return check


def _executor(value: Any) -> str:
    if value not in EXECUTORS:
        raise ValueError(
            f"must be one of: {', '.join(map(repr, EXECUTORS))} (got {as_toml(value)})"
        )
    return str(value)


def _address(value: Any) -> str | None:
    if value is not None and (not isinstance(value, str) or not value):
        raise ValueError(
            f'must be a Dask scheduler address such as "tcp://host:8786" (got {as_toml(value)})'
        )
    return value


def _name(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"must be a non-empty string (got {as_toml(value)})")
    return value


def _dotted_key(key: Any) -> str:
    if not isinstance(key, str) or not key or any(not part for part in key.split(".")):
        raise ValueError(
            f"must be a dotted key such as \"agent_groups.sales.staff\" (got {as_toml(key)})"
        )
    return key


def _factor(factor: Any) -> float:
    if (
        isinstance(factor, bool)
        or not isinstance(factor, int | float)
        or not math.isfinite(factor)
        or factor <= 0
    ):
        raise ValueError(f"a scale factor must be a positive number (got {as_toml(factor)})")
    return factor


def _scaled(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"scale"}


@dataclass(frozen=True)
class Alternatives:
    """The values a ``[vary]`` key takes, in file order; with ``scale``, factors that
    multiply what the base scenario has."""

    values: tuple[Any, ...]
    scale: bool = False


def _alternatives(spec: Any) -> Alternatives:
    """A ``[vary]`` entry: a non-empty list of values, or ``{ scale = [factors] }``; no
    value twice."""
    if _scaled(spec):
        factors = spec["scale"]
        if not isinstance(factors, list) or not factors:
            raise ValueError(
                f"scale must list the factors, e.g. {{ scale = [0.9, 1.0, 1.1] }} "
                f"(got {as_toml(factors)})"
            )
        found = Alternatives(tuple(_factor(f) for f in factors), scale=True)
    elif isinstance(spec, list) and spec:
        found = Alternatives(tuple(spec))
    else:
        hint = (
            ' (a table here usually means an unquoted dotted key: write '
            '"agent_groups.sales.staff" = [...] with quotes)'
            if isinstance(spec, dict)
            else ""
        )
        raise ValueError(
            f"must be a list of values or {{ scale = [...] }} (got {as_toml(spec)}){hint}"
        )
    seen = [canonical(value) for value in found.values]
    for i, text in enumerate(seen):
        if text in seen[:i]:
            raise ValueError(f"lists {as_toml(found.values[i])} twice")
    return found


@dataclass(frozen=True)
class Setting:
    """What a ``[[variants]]`` key is set to; with ``scale``, a factor that multiplies what
    the base scenario has."""

    value: Any
    scale: bool = False


def _setting(value: Any) -> Setting:
    if _scaled(value):
        return Setting(_factor(value["scale"]), scale=True)
    return Setting(value)


def _table_of_keys(value: Any) -> Any:
    if not isinstance(value, dict):
        raise ValueError(f"must be a table of keys to vary (got {as_toml(value)})")
    return value


def _array_of_tables(value: Any) -> Any:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ValueError(
            "must be an array of tables ([[variants]]), each with a label and overrides"
        )
    return value


DottedKey = Annotated[str, PlainValidator(_dotted_key)]
Name = Annotated[str, PlainValidator(_name)]
Replications = Annotated[int, PlainValidator(whole_number(1))]
Seed = Annotated[int, PlainValidator(whole_number(0))]
Executor = Annotated[Literal["local", "dask"], PlainValidator(_executor)]
#: A Dask scheduler's address; None: a local cluster.
Address = Annotated[str | None, PlainValidator(_address)]


class HandMade(BaseModel):
    """A ``[[variants]]`` table: its ``label`` and the keys it changes (dotted keys, as in
    ``[vary]``), in file order. Every key but the label is a change."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    changes: dict[DottedKey, Annotated[Setting, PlainValidator(_setting)]]

    @model_validator(mode="before")
    @classmethod
    def _label_and_changes(cls, data: Any) -> Any:
        label = data.get("label")
        if not isinstance(label, str) or not label:
            raise ValueError(f"needs a label (a non-empty string; got {as_toml(label)})")
        return {"label": label, "changes": {k: v for k, v in data.items() if k != "label"}}


@dataclass(frozen=True)
class BaseScenario:
    """The base scenario's raw table (valid on its own) and the file it came from (None
    for an inline ``[scenario]`` table)."""

    table: dict[str, Any]
    path: Path | None


class ExperimentFile(Strict):
    """The keys of an experiment file, validated; see the module's docstring. Validate
    with ``context={"source": path}`` (the file, or None): a relative ``scenario`` path is
    read from the file's directory, and the base scenario's errors name its file. Keys
    are checked in the order of the fields (when a file has several mistakes, the first
    is reported)."""

    scenario: BaseScenario
    replications: Replications = DEFAULT_REPLICATIONS
    seed: Seed = 0
    executor: Executor = "local"
    address: Address = None
    name: Annotated[str | None, PlainValidator(_name)] = None  # None: the file's stem
    vary: Annotated[
        dict[DottedKey, Annotated[Alternatives, PlainValidator(_alternatives)]],
        BeforeValidator(_table_of_keys),
    ] = Field(default_factory=dict)
    variants: Annotated[list[HandMade], BeforeValidator(_array_of_tables)] = Field(
        default_factory=list
    )

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError(f"expected a table of experiment keys (got {as_toml(data)})")
        for key in data:
            if key not in EXPERIMENT_KEYS:
                close = difflib.get_close_matches(str(key), EXPERIMENT_KEYS, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise _At(
                    str(key),
                    f"unknown key {key!r}{hint}; expected one of: {', '.join(EXPERIMENT_KEYS)}"
                    + _why_experiment(data, key),
                )
        if "scenario" not in data:
            raise _At(
                "scenario",
                'is required: a scenario file (scenario = "baseline.toml") or a [scenario] table',
            )
        return data

    @field_validator("scenario", mode="plain")
    @classmethod
    def _base_scenario(cls, value: Any, info: ValidationInfo) -> BaseScenario:
        """The base scenario, checked to be valid on its own."""
        source = (info.context or {}).get("source")
        where = str(source) if source is not None else None
        if isinstance(value, dict):
            Scenario.from_dict(copy.deepcopy(value), source=f"{where}: scenario" if where else None)
            return BaseScenario(value, None)
        if not isinstance(value, str) or not value:
            raise ValueError(
                f"must be a scenario file path or a [scenario] table (got {as_toml(value)})"
            )
        path = Path(value)
        if not path.is_absolute() and source is not None:
            path = Path(source).parent / path
        if not path.is_file():
            raise ValueError(f"no such scenario file: {path}")
        raw = read_toml(path)
        Scenario.from_dict(copy.deepcopy(raw), source=str(path))
        return BaseScenario(raw, path)

    @field_validator("variants")
    @classmethod
    def _distinct_labels(cls, variants: list[HandMade]) -> list[HandMade]:
        labels = [v.label for v in variants]
        for i, label in enumerate(labels):
            if label in labels[:i]:
                raise _At(f"[{label}]", f"the label {label!r} is used twice")
        return variants

    @field_validator("address")
    @classmethod
    def _address_for_dask(cls, address: str | None, info: ValidationInfo) -> str | None:
        if address is not None and info.data.get("executor", "dask") != "dask":
            raise ValueError('is only used with executor = "dask"')
        return address

    def grid(self) -> Changes:
        """``[vary]`` as (key, its alternatives as changes), in file order."""
        return [
            (key, [Change(key, value, scale=spec.scale) for value in spec.values])
            for key, spec in self.vary.items()
        ]

    def hand_made(self) -> Changes:
        """``[[variants]]`` as (label, its changes)."""
        return [
            (v.label, [Change(key, s.value, scale=s.scale) for key, s in v.changes.items()])
            for v in self.variants
        ]


def _why_experiment(data: dict[str, Any], key: Any) -> str:
    """Why a file holding the scenario key ``key`` was read as an experiment, and how to
    sweep a scenario; nothing for a key no scenario has either (a plain typo)."""
    if key not in Scenario.model_fields:
        return ""
    marks = {"scenario": "a 'scenario' key", "vary": "a [vary] table",
             "variants": "[[variants]] tables"}
    why = " and ".join(text for mark, text in marks.items() if mark in data)
    if not why:  # read as an experiment by the caller (load_experiment), not by its keys
        return (f" ({key!r} is a scenario key, and the file has no 'scenario' key, [vary] "
                "or [[variants]]: it is a scenario, not an experiment; load it with "
                "ccsim.load_scenario, or run it with ccsim run)")
    return (
        f" (the file was read as an experiment because it has {why}; {key!r} is a scenario "
        "key). To sweep a scenario, keep it in a file of its own and name it from the "
        'experiment: scenario = "FILE" next to [vary] or [[variants]]; or put the '
        "scenario's keys under a [scenario] table"
    )


def experiment_error(error: ValidationError, data: Any) -> ScenarioError:
    """The first problem pydantic found in an experiment's keys ``data``, at its key path
    as an experiment file writes it: ``vary["agent_groups.sales.staff"]``,
    ``variants[short calls]["lines"]`` (entries by their label, else their position)."""
    first = error.errors(include_url=False)[0]
    loc = first["loc"]
    path = str(loc[0]) if loc else ""
    if len(loc) > 1 and loc[0] == "vary":
        path += f"[{json.dumps(loc[1])}]"
    elif len(loc) > 1 and loc[0] == "variants" and isinstance(loc[1], int):
        entry = data["variants"][loc[1]]
        label = entry.get("label") if isinstance(entry, dict) else None
        path += f"[{label}]" if isinstance(label, str) and label else f"[{loc[1]}]"
        if len(loc) > 3 and loc[2] == "changes":
            path += f"[{json.dumps(loc[3])}]"
    if first["type"] != "value_error":  # none of ours: pydantic's own, in ccsim's words
        return ScenarioError(scenario_error(error, data).message, path)
    cause = first["ctx"]["error"]
    if isinstance(cause, _At):
        path = f"{path}.{cause.at}" if path and not cause.at.startswith("[") else path + cause.at
    return ScenarioError(str(cause), path)
