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

Overrides are applied to the raw scenario table and each variant is then validated as a
:class:`~ccsim.scenario.Scenario`; every variant is checked before anything runs, and an
error names the experiment file, the variant or key, and the scenario key path. Two
alternatives of a ``[vary]`` key that give the same scenario (``"2min"`` and ``120``) are
an error: the grid would run one scenario twice under two labels.
"""

from __future__ import annotations

import copy
import difflib
import itertools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ccsim.experiment.seeds import run_seeds
from ccsim.scenario import Scenario, ScenarioError, read_toml
from ccsim.scenario.keys import Change as _Change
from ccsim.scenario.keys import apply_change
from ccsim.toml_text import as_toml

#: The keys an experiment file may hold.
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
#: The parameter column naming each variant's hand-made variant (its ``[[variants]]``
#: label, or the base scenario's name); present only when there are ``[[variants]]``.
LABEL_COLUMN = "variants.label"
DEFAULT_REPLICATIONS = 10


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


@dataclass(frozen=True)
class Experiment:
    """Variants × replications, with the seed every replication's run seed derives from.

    ``parameters`` lists the parameter columns of the results tables, in order.
    ``executor`` (``"local"`` or ``"dask"``) and ``address`` (a Dask scheduler, or ``None``
    for a local Dask cluster) say where the experiment runs unless :func:`run_experiment`
    is told otherwise. ``source`` and ``scenario_source`` are the files it was read from.
    """

    name: str
    variants: tuple[Variant, ...]
    replications: int = DEFAULT_REPLICATIONS
    seed: int = 0
    parameters: tuple[str, ...] = ()
    executor: str = "local"
    address: str | None = None
    source: Path | None = None
    scenario_source: Path | None = None

    def __post_init__(self) -> None:
        where = str(self.source) if self.source else None
        _check_count(self.replications, "replications", where)
        _check_seed(self.seed, "seed", where)
        if not self.variants:
            raise ScenarioError("an experiment needs at least one variant", "", where)
        labels = [v.label for v in self.variants]
        for i, label in enumerate(labels):
            if label in labels[:i]:
                raise ScenarioError(f"the label {label!r} is used twice", "variants", where)
        if self.executor not in EXECUTORS:
            raise ScenarioError(
                f"must be one of: {', '.join(map(repr, EXECUTORS))} (got {as_toml(self.executor)})",
                "executor",
                where,
            )

    def warnings(self) -> list[str]:
        """Things that are legal but probably not meant, each once: variants that run the
        same scenario under two labels (with common random numbers, the same results), and
        the warnings of each distinct scenario (:meth:`Scenario.warnings`)."""
        found: list[str] = []
        first: dict[str, str] = {}
        for variant in self.variants:
            other = first.setdefault(_resolved(variant.scenario), variant.label)
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


# --- parsing -------------------------------------------------------------------------


def _parse(
    data: dict[str, Any],
    source: Path | None,
    seed: int | None,
    replications: int | None,
) -> Experiment:
    where = str(source) if source is not None else None
    if not isinstance(data, dict):
        raise ScenarioError(f"expected a table of experiment keys (got {as_toml(data)})", "", where)
    for key in data:
        if key not in EXPERIMENT_KEYS:
            close = difflib.get_close_matches(str(key), EXPERIMENT_KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ScenarioError(
                f"unknown key {key!r}{hint}; expected one of: {', '.join(EXPERIMENT_KEYS)}"
                + _why_experiment(data, key),
                str(key),
                where,
            )
    if "scenario" not in data:
        raise ScenarioError(
            'is required: a scenario file (scenario = "baseline.toml") or a [scenario] table',
            "scenario",
            where,
        )
    base, scenario_source = _base_scenario(data["scenario"], source, where)
    # An override is the caller's argument, not the file's key: its error names no file.
    reps = data.get("replications", DEFAULT_REPLICATIONS) if replications is None else replications
    if replications is None:
        _check_count(reps, "replications", where)
    else:
        _check_count(reps, "replications argument", None)
    run_seed = data.get("seed", 0) if seed is None else seed
    if seed is None:
        _check_seed(run_seed, "seed", where)
    else:
        _check_seed(run_seed, "seed argument", None)
    executor = data.get("executor", "local")
    if executor not in EXECUTORS:
        raise ScenarioError(
            f"must be one of: {', '.join(map(repr, EXECUTORS))} (got {as_toml(executor)})",
            "executor",
            where,
        )
    address = data.get("address")
    if address is not None and (not isinstance(address, str) or not address):
        raise ScenarioError(
            f'must be a Dask scheduler address such as "tcp://host:8786" (got {as_toml(address)})',
            "address",
            where,
        )
    if address is not None and executor != "dask":
        raise ScenarioError('is only used with executor = "dask"', "address", where)
    name = data.get("name", source.stem if source is not None else "experiment")
    if not isinstance(name, str) or not name:
        raise ScenarioError(f"must be a non-empty string (got {as_toml(name)})", "name", where)

    grid = _grid(data.get("vary", {}), where)
    named = _named_variants(data.get("variants", []), where)
    variants, parameters = _expand(base, grid, named, where)
    return Experiment(
        name=name,
        variants=tuple(variants),
        replications=reps,
        seed=run_seed,
        parameters=tuple(parameters),
        executor=executor,
        address=address,
        source=source,
        scenario_source=scenario_source,
    )


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


def _base_scenario(
    value: Any, source: Path | None, where: str | None
) -> tuple[dict[str, Any], Path | None]:
    """The base scenario's raw table (checked to be valid on its own) and its file."""
    if isinstance(value, dict):
        Scenario.from_dict(copy.deepcopy(value), source=f"{where}: scenario" if where else None)
        return value, None
    if not isinstance(value, str) or not value:
        raise ScenarioError(
            f"must be a scenario file path or a [scenario] table (got {as_toml(value)})",
            "scenario",
            where,
        )
    path = Path(value)
    if not path.is_absolute() and source is not None:
        path = source.parent / path
    if not path.is_file():
        raise ScenarioError(f"no such scenario file: {path}", "scenario", where)
    raw = read_toml(path)
    Scenario.from_dict(copy.deepcopy(raw), source=str(path))
    return raw, path


def _grid(vary: Any, where: str | None) -> list[tuple[str, list[_Change]]]:
    """``[vary]`` as a list of (key, alternatives), in file order."""
    if not isinstance(vary, dict):
        raise ScenarioError(f"must be a table of keys to vary (got {as_toml(vary)})", "vary", where)
    grid = []
    for key, spec in vary.items():
        at = f"vary[{json.dumps(key)}]"
        _check_key(key, at, where)
        if isinstance(spec, dict) and set(spec) == {"scale"}:
            factors = spec["scale"]
            if not isinstance(factors, list) or not factors:
                raise ScenarioError(
                    f"scale must list the factors, e.g. {{ scale = [0.9, 1.0, 1.1] }} "
                    f"(got {as_toml(factors)})",
                    at,
                    where,
                )
            for factor in factors:
                _check_factor(factor, at, where)
            alternatives = [_Change(key, f, scale=True) for f in factors]
        elif isinstance(spec, list) and spec:
            alternatives = [_Change(key, v) for v in spec]
        else:
            hint = (
                ' (a table here usually means an unquoted dotted key: write '
                '"agent_groups.sales.staff" = [...] with quotes)'
                if isinstance(spec, dict)
                else ""
            )
            raise ScenarioError(
                f"must be a list of values or {{ scale = [...] }} (got {as_toml(spec)}){hint}",
                at,
                where,
            )
        seen = [_canonical(c.value) for c in alternatives]
        for i, text in enumerate(seen):
            if text in seen[:i]:
                raise ScenarioError(f"lists {as_toml(alternatives[i].value)} twice", at, where)
        grid.append((key, alternatives))
    return grid


def _named_variants(variants: Any, where: str | None) -> list[tuple[str, list[_Change]]]:
    """``[[variants]]`` as (label, changes)."""
    if not isinstance(variants, list) or not all(isinstance(v, dict) for v in variants):
        raise ScenarioError(
            "must be an array of tables ([[variants]]), each with a label and overrides",
            "variants",
            where,
        )
    named = []
    for i, table in enumerate(variants):
        label = table.get("label")
        if not isinstance(label, str) or not label:
            raise ScenarioError(
                f"needs a label (a non-empty string; got {as_toml(label)})", f"variants[{i}]", where
            )
        at = f"variants[{label}]"
        if label in [n for n, _ in named]:
            raise ScenarioError(f"the label {label!r} is used twice", at, where)
        changes = []
        for key, value in table.items():
            if key == "label":
                continue
            _check_key(key, f"{at}[{json.dumps(key)}]", where)
            if isinstance(value, dict) and set(value) == {"scale"}:
                _check_factor(value["scale"], f"{at}[{json.dumps(key)}]", where)
                changes.append(_Change(key, value["scale"], scale=True))
            else:
                changes.append(_Change(key, value))
        named.append((label, changes))
    return named


def _expand(
    base: dict[str, Any],
    grid: list[tuple[str, list[_Change]]],
    named: list[tuple[str, list[_Change]]],
    where: str | None,
) -> tuple[list[Variant], list[str]]:
    """Every hand-made variant (the base among them) crossed with every point of the
    grid, validated."""
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
    built: list[tuple[str, Scenario, dict[str, Any]]] = []
    for name, own in named or [(None, [])]:
        seen: dict[str, tuple[_Change, ...]] = {}
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


def _with_base(
    base: dict[str, Any], named: list[tuple[str, list[_Change]]], where: str | None
) -> list[tuple[str, list[_Change]]]:
    """``named`` with the base scenario first, under its name, unless one of them gives
    the base scenario (it stands for the base under its own label)."""
    if not named:
        return named
    plain = _resolved(Scenario.from_dict(copy.deepcopy(base)))
    for name, changes in named:
        data = copy.deepcopy(base)
        for change in changes:
            _apply(data, change, f"variants[{name}][{json.dumps(change.key)}]", where)
        try:
            if _resolved(Scenario.from_dict(data)) == plain:
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


def _resolved(scenario: Scenario) -> str:
    return json.dumps(scenario.model_dump(mode="json"), sort_keys=True)


def _check_distinct(
    scenario: Scenario,
    point: tuple[_Change, ...],
    seen: dict[str, tuple[_Change, ...]],
    where: str | None,
) -> None:
    """Refuse two points of the grid that give the same scenario: alternatives that are
    written differently but mean the same (``"2min"`` and ``120``) would run it twice."""
    if not point:
        return
    other = seen.setdefault(_resolved(scenario), point)
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


def _column(change: _Change) -> str:
    return f"{change.key}:scale" if change.scale else change.key


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _cell(value: Any, text: bool) -> Any:
    """A parameter value as a table cell: scalars as they are, lists and tables as JSON;
    with ``text`` (a column that does not hold only numbers, so one typed table column
    cannot hold it as written) every value as text, strings as they are."""
    if isinstance(value, list | dict) or (text and not isinstance(value, str)):
        return _canonical(value)
    return value


def _canonical(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def _show(value: Any) -> str:
    """A value as a label shows it: ``10``, ``0.9``, ``2min``, ``[8,9,10]``."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, int | str):
        return str(value)
    return _canonical(value)


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


def _check_key(key: Any, at: str, where: str | None) -> None:
    if not isinstance(key, str) or not key or any(not part for part in key.split(".")):
        raise ScenarioError(
            f"must be a dotted key such as \"agent_groups.sales.staff\" (got {as_toml(key)})",
            at,
            where,
        )


def _check_factor(factor: Any, at: str, where: str | None) -> None:
    if (
        isinstance(factor, bool)
        or not isinstance(factor, int | float)
        or not math.isfinite(factor)
        or factor <= 0
    ):
        raise ScenarioError(
            f"a scale factor must be a positive number (got {as_toml(factor)})", at, where
        )


def _check_count(value: Any, key: str, where: str | None) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ScenarioError(f"must be a whole number >= 1 (got {as_toml(value)})", key, where)


def _check_seed(value: Any, key: str, where: str | None) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ScenarioError(f"must be a whole number >= 0 (got {as_toml(value)})", key, where)


# --- applying a change to a raw scenario table --------------------------------------


def _apply(data: dict[str, Any], change: _Change, at: str, where: str | None) -> None:
    """Set or scale ``change.key`` in ``data``, a raw scenario table (in place)."""
    apply_change(Scenario, data, change, at, where)
