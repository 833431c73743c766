"""Experiments: a base scenario, the variants of it to compare, replications and a seed.

An experiment file names a base scenario (a path relative to the file, or an inline
``[scenario]`` table) and what to vary::

    scenario = "baseline.toml"
    replications = 30
    seed = 2026
    executor = "local"                          # or "dask" (optional `address`)

    [vary]                                      # a full factorial grid
    "agent_groups.generalists.staff" = [8, 10, 12]
    "contact_types.billing.patience.mean" = ["2min", "5min"]
    "agent_groups.*.staff" = { scale = [0.9, 1.0, 1.1] }

    [[variants]]                                # optional: hand-made variants
    label = "short calls"
    "contact_types.*.handle_time.mean" = { scale = 0.8 }

Hand-made ``[[variants]]`` are alternatives to the base scenario, so the base is one of
them: it is added under its own ``name`` unless a hand-made variant already is the base
(it changes nothing, or only sets what the base has). With ``[vary]`` each of them, the
base too, is crossed with every point of the grid (``short calls, staff=×0.9``): the
grid of the base is never replaced. Which hand-made variant a variant belongs to is the
parameter column :data:`LABEL_COLUMN`, so tables and charts can put them on an axis.

A *key* is a dotted path into the scenario. List entries are addressed by their ``name``
(``agent_groups.generalists.staff``), never by position, and ``*`` stands for every entry
of a list. A value replaces what is there (a whole list too: ``staff = [8, 9, ...]``);
``{ scale = f }`` multiplies a number, a duration (``"4min"`` → its seconds × f) or every
entry of a list of them. A scaled value of a key whose schema field takes whole numbers
(head counts ``staff``, ``lines``, any integer field added later) is rounded half up;
durations and rates are not.

The file's keys are the pydantic model :class:`ExperimentFile` (strict as the scenario's:
an unknown key is an error that suggests the key meant). Overrides are applied to the raw
scenario table and each variant is then validated as a :class:`~ccsim.scenario.Scenario`
(:mod:`ccsim.experiment.grid`); every variant is checked before anything runs, and an
error names the experiment file, the variant or key, the value and what was expected.
Two alternatives of a ``[vary]`` key that give the same scenario (``"2min"`` and ``120``)
are an error: the grid would run one scenario twice under two labels.
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
    BeforeValidator,
    Field,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ccsim.experiment.grid import LABEL_COLUMN, Changes, Variant, canonical, expand, resolved
from ccsim.experiment.seeds import run_seeds
from ccsim.scenario import Scenario, ScenarioError, read_toml
from ccsim.scenario.errors import scenario_error
from ccsim.scenario.fields import Strict
from ccsim.scenario.keys import Change
from ccsim.toml_text import as_toml

__all__ = [
    "DEFAULT_REPLICATIONS",
    "EXECUTORS",
    "EXPERIMENT_KEYS",
    "LABEL_COLUMN",
    "Experiment",
    "ExperimentFile",
    "Variant",
    "is_experiment_file",
    "load_experiment",
]

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


def _whole_number(low: int) -> Callable[[Any], int]:
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


class HandMade(Strict):
    """A ``[[variants]]`` table: its ``label`` and the keys it changes (dotted keys, as in
    ``[vary]``), in file order."""

    label: str
    changes: dict[DottedKey, Annotated[Setting, PlainValidator(_setting)]]

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        # Every key but the label is a change: there are no other keys to check.
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
    replications: Annotated[int, PlainValidator(_whole_number(1))] = DEFAULT_REPLICATIONS
    seed: Annotated[int, PlainValidator(_whole_number(0))] = 0
    executor: Annotated[Literal["local", "dask"], PlainValidator(_executor)] = "local"
    address: Annotated[str | None, PlainValidator(_address)] = None
    name: Annotated[str | None, PlainValidator(_name)] = None
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


# --- the experiment ----------------------------------------------------------------------


def _some_variants(variants: Any) -> Any:
    if isinstance(variants, list | tuple):
        if not variants:
            raise ValueError("an experiment needs at least one variant")
        labels = [getattr(v, "label", None) for v in variants]
        for i, label in enumerate(labels):
            if label in labels[:i]:
                raise ValueError(f"the label {label!r} is used twice")
    return variants


class Experiment(Strict):
    """Variants × replications, with the seed every replication's run seed derives from.

    ``parameters`` lists the parameter columns of the results tables, in order.
    ``executor`` (``"local"`` or ``"dask"``) and ``address`` (a Dask scheduler, or ``None``
    for a local Dask cluster) say where the experiment runs unless :func:`run_experiment`
    is told otherwise. ``source`` and ``scenario_source`` are the files it was read from.
    Validated as a scenario is: a mistake raises :class:`ScenarioError` naming ``source``.
    """

    name: Annotated[str, PlainValidator(_name)]
    variants: Annotated[tuple[Variant, ...], BeforeValidator(_some_variants)]
    replications: Annotated[int, PlainValidator(_whole_number(1))] = DEFAULT_REPLICATIONS
    seed: Annotated[int, PlainValidator(_whole_number(0))] = 0
    parameters: tuple[str, ...] = ()
    executor: Annotated[Literal["local", "dask"], PlainValidator(_executor)] = "local"
    address: Annotated[str | None, PlainValidator(_address)] = None
    source: Path | None = None
    scenario_source: Path | None = None

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as error:
            found = experiment_error(error, data)
            source = data.get("source")
            raise (found.located(str(source)) if source else found) from None

    def warnings(self) -> list[str]:
        """Things that are legal but probably not meant, each once: variants that run the
        same scenario under two labels (with common random numbers, the same results), and
        the warnings of each distinct scenario (:meth:`Scenario.warnings`)."""
        found: list[str] = []
        first: dict[str, str] = {}
        for variant in self.variants:
            other = first.setdefault(resolved(variant.scenario), variant.label)
            if other != variant.label:
                found.append(f"variants {other!r} and {variant.label!r} run the same scenario, "
                             "so their results are the same (common random numbers); the "
                             "charts draw them once")
                continue
            found += [w for w in variant.scenario.warnings() if w not in found]
        return found

    @classmethod
    def from_scenario(
        cls,
        scenario: Scenario,
        *,
        replications: int = DEFAULT_REPLICATIONS,
        seed: int = 0,
        source: Path | None = None,
    ) -> Experiment:
        """``scenario`` alone, ``replications`` times: the experiment of ``ccsim run
        scenario.toml``. Its one variant is labelled with the scenario's name."""
        return cls(
            name=scenario.name,
            variants=(Variant(scenario.name, scenario),),
            replications=replications,
            seed=seed,
            source=None,
            scenario_source=Path(source) if source is not None else None,
        )

    @classmethod
    def from_dict(
        cls,
        data: dict[str, Any],
        *,
        source: str | Path | None = None,
        seed: int | None = None,
        replications: int | None = None,
    ) -> Experiment:
        """The experiment described by ``data`` (an experiment file's table). A relative
        ``scenario`` path is resolved against the directory of ``source``. ``seed`` and
        ``replications``, when given, override the file's."""
        return _parse(data, Path(source) if source is not None else None, seed, replications)

    def seeds(self) -> list[int]:
        """The run seed of each replication (the same for every variant)."""
        return run_seeds(self.seed, self.replications)


def load_experiment(
    path: str | Path, *, seed: int | None = None, replications: int | None = None
) -> Experiment:
    """Read and validate the experiment file at ``path``; ``seed`` and ``replications``
    override the file's (as ``ccsim run --seed/--replications`` do)."""
    path = Path(path)
    return Experiment.from_dict(
        read_toml(path), source=path, seed=seed, replications=replications
    )


def is_experiment_file(path: str | Path) -> bool:
    """Whether the TOML file at ``path`` is an experiment (it has a top-level
    ``scenario``, ``vary`` or ``variants`` key) rather than a scenario."""
    data = read_toml(Path(path))
    return any(key in data for key in ("scenario", "vary", "variants"))


def _parse(
    data: dict[str, Any],
    source: Path | None,
    seed: int | None,
    replications: int | None,
) -> Experiment:
    where = str(source) if source is not None else None
    # An override is the caller's argument, not the file's key: its error names no file,
    # and the file's value it replaces is not read.
    for value, key, check in ((replications, "replications", _whole_number(1)),
                              (seed, "seed", _whole_number(0))):
        if value is not None:
            try:
                check(value)
            except ValueError as error:
                raise ScenarioError(str(error), f"{key} argument") from None
            if isinstance(data, dict):
                data = {k: v for k, v in data.items() if k != key}
    try:
        file = ExperimentFile.model_validate(data, context={"source": source})
    except ValidationError as error:
        found = experiment_error(error, data)
        raise (found.located(where) if where else found) from None
    variants, parameters = expand(file.scenario.table, file.grid(), file.hand_made(), where)
    return Experiment(
        name=file.name if file.name is not None else (source.stem if source else "experiment"),
        variants=tuple(variants),
        replications=file.replications if replications is None else replications,
        seed=file.seed if seed is None else seed,
        parameters=tuple(parameters),
        executor=file.executor,
        address=file.address,
        source=source,
        scenario_source=file.scenario.path,
    )
