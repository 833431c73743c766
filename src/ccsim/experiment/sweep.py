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

from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, ValidationError

from ccsim.experiment.grid import LABEL_COLUMN, Variant, expand, resolved
from ccsim.experiment.schema import (
    DEFAULT_REPLICATIONS,
    EXECUTORS,
    EXPERIMENT_KEYS,
    Address,
    Executor,
    ExperimentFile,
    Name,
    Replications,
    Seed,
    experiment_error,
    whole_number,
)
from ccsim.experiment.seeds import run_seeds
from ccsim.scenario import Scenario, ScenarioError, read_toml
from ccsim.scenario.fields import Strict

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


def _some_variants(variants: Any) -> Any:
    """At least one variant, no label twice."""
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

    name: Name
    variants: Annotated[tuple[Variant, ...], BeforeValidator(_some_variants)]
    replications: Replications = DEFAULT_REPLICATIONS
    seed: Seed = 0
    parameters: tuple[str, ...] = ()
    executor: Executor = "local"
    address: Address = None
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
    for value, key, check in ((replications, "replications", whole_number(1)),
                              (seed, "seed", whole_number(0))):
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
