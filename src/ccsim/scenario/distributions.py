"""Distribution tables: ``{ dist = "exponential", mean = "4min" }`` and the other forms, each
building the :mod:`ccsim.streams` distribution it describes; a delay (a duration or a table).

A patience table may also give ``balk``: the share of callers who hang up at once if they
must wait (a patience of 0). Only a patience takes it (:func:`balk_on_patience_only`); the
model draws it from a stream of its own (:mod:`ccsim.model.patience`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, field_validator, model_validator

from ccsim import streams
from ccsim.scenario.errors import ScenarioError
from ccsim.scenario.fields import NonNegativeDuration, PositiveDuration, Share, Strict, no_bool
from ccsim.scenario.words import duration, percent
from ccsim.toml_text import as_toml

#: The largest coefficient of variation a distribution may have: handle times and patience
#: measured in contact centres have cv about 0.5 to 2, and far larger ones overflow the
#: arithmetic of the draws (cv = 1e300).
MAX_CV = 100.0
#: ``cv``: a positive number up to :data:`MAX_CV`.
CV = Annotated[float, Field(gt=0, le=MAX_CV, allow_inf_nan=False), BeforeValidator(no_bool)]


class _Drawn(Strict):
    """What every distribution table has: its ``form`` in words, and ``balk``, the share of
    callers who hang up at once if they must wait (a patience's only)."""

    balk: Share = 0.0

    def form(self) -> str:
        """The distribution in words: ``exponential, mean 4min``."""
        raise NotImplementedError

    def describe(self) -> str:
        """Its :meth:`form`, and with ``balk`` the callers who hang up at once: ``uniform
        from 3min to 5min, and 0.5 % hang up at once if they must wait``."""
        if not self.balk:
            return self.form()
        return f"{self.form()}, and {percent(self.balk)} hang up at once if they must wait"


class ExponentialSpec(_Drawn):
    """``{ dist = "exponential", mean = "4min" }``"""

    dist: Literal["exponential"]
    mean: PositiveDuration

    def build(self) -> streams.Distribution:
        return streams.Exponential(self.mean)

    def form(self) -> str:
        """``exponential, mean 4min``"""
        return f"exponential, mean {duration(self.mean)}"


class LogNormalSpec(_Drawn):
    """``{ dist = "lognormal", mean = "4min", cv = 0.8 }`` (cv = standard deviation / mean)"""

    dist: Literal["lognormal"]
    mean: PositiveDuration
    cv: CV

    def build(self) -> streams.Distribution:
        return streams.LogNormal(self.mean, self.cv)

    def form(self) -> str:
        """``lognormal, mean 4min, cv 0.8``"""
        return f"lognormal, mean {duration(self.mean)}, cv {self.cv:g}"


class GammaSpec(_Drawn):
    """``{ dist = "gamma", mean = "4min", cv = 0.8 }``"""

    dist: Literal["gamma"]
    mean: PositiveDuration
    cv: CV

    def build(self) -> streams.Distribution:
        return streams.Gamma(self.mean, self.cv)

    def form(self) -> str:
        """``gamma, mean 4min, cv 0.8``"""
        return f"gamma, mean {duration(self.mean)}, cv {self.cv:g}"


class ConstantSpec(_Drawn):
    """``{ dist = "constant", value = "4min" }``"""

    dist: Literal["constant"]
    value: PositiveDuration

    @property
    def mean(self) -> float:
        return self.value

    def build(self) -> streams.Distribution:
        return streams.Constant(self.value)

    def form(self) -> str:
        """``always 4min``"""
        return f"always {duration(self.value)}"


def _more_than_min(low: float, high: float) -> None:
    """A range's ``max`` is above its ``min``, or a ValueError says so."""
    if high <= low:
        raise ValueError(f"max: must be more than min, {duration(low)} (got {duration(high)}; "
                         "for a single value write { dist = \"constant\", value = ... })")


class UniformSpec(_Drawn):
    """``{ dist = "uniform", min = "3min", max = "5min" }``: every value from min to max
    alike (0 <= min < max)."""

    dist: Literal["uniform"]
    min: NonNegativeDuration
    max: PositiveDuration

    @model_validator(mode="after")
    def _ordered(self) -> UniformSpec:
        _more_than_min(self.min, self.max)
        return self

    @property
    def mean(self) -> float:
        return (self.min + self.max) / 2

    def build(self) -> streams.Distribution:
        return streams.UniformBetween(self.min, self.max)

    def form(self) -> str:
        """``uniform from 3min to 5min``"""
        return f"uniform from {duration(self.min)} to {duration(self.max)}"


class TriangularSpec(_Drawn):
    """``{ dist = "triangular", min = "1min", mode = "2min", max = "6min" }``: from min to
    max, most likely at mode (0 <= min <= mode <= max, min < max)."""

    dist: Literal["triangular"]
    min: NonNegativeDuration
    mode: NonNegativeDuration
    max: PositiveDuration

    @model_validator(mode="after")
    def _ordered(self) -> TriangularSpec:
        _more_than_min(self.min, self.max)
        if not self.min <= self.mode <= self.max:
            raise ValueError(f"mode: must be from min to max, {duration(self.min)} to "
                             f"{duration(self.max)} (got {duration(self.mode)})")
        return self

    @property
    def mean(self) -> float:
        return (self.min + self.mode + self.max) / 3

    def build(self) -> streams.Distribution:
        return streams.Triangular(self.min, self.mode, self.max)

    def form(self) -> str:
        """``triangular from 1min to 6min, most often 2min``"""
        return (f"triangular from {duration(self.min)} to {duration(self.max)}, most often "
                f"{duration(self.mode)}")


class _ValuesSpec(_Drawn):
    values: list[NonNegativeDuration] = Field(min_length=1)

    @field_validator("values")
    @classmethod
    def _positive_mean(cls, values: list[float]) -> list[float]:
        if sum(values) <= 0:
            raise ValueError(f"at least one value must be positive (got {as_toml(values)})")
        return values

    @property
    def mean(self) -> float:
        return sum(self.values) / len(self.values)


class EmpiricalSpec(_ValuesSpec):
    """``{ dist = "empirical", values = ["2min", "3min", ...] }``: resampled uniformly."""

    dist: Literal["empirical"]

    def build(self) -> streams.Distribution:
        return streams.Empirical(tuple(self.values))

    def form(self) -> str:
        """``resampled from 12 values, mean 3min``"""
        return f"resampled from {len(self.values)} values, mean {duration(self.mean)}"


class SequenceSpec(_ValuesSpec):
    """``{ dist = "sequence", values = [...] }``: the values in order, cycling (scripted cases)."""

    dist: Literal["sequence"]

    def build(self) -> streams.Distribution:
        return streams.Sequence(tuple(self.values))

    def form(self) -> str:
        """``12 values in turn, mean 3min`` (a scripted case)"""
        return f"{len(self.values)} values in turn, mean {duration(self.mean)}"


DistributionSpec = Annotated[
    ExponentialSpec | LogNormalSpec | GammaSpec | ConstantSpec | EmpiricalSpec | SequenceSpec
    | UniformSpec | TriangularSpec,
    Field(discriminator="dist"),
]


def _delay(value: Any) -> Any:
    # A plain duration is a constant delay; a table is a distribution.
    return value if isinstance(value, dict) else {"dist": "constant", "value": value}


#: A delay: a duration (constant) or a distribution table, as ``handle_time``.
Delay = Annotated[DistributionSpec, BeforeValidator(_delay)]


def after(spec: DistributionSpec, event: str) -> str:
    """A delay from ``event``: ``10min after they hung up``, or ``a delay (exponential,
    mean 10min) after they hung up`` for a random one."""
    if isinstance(spec, ConstantSpec):
        return f"{duration(spec.value)} after {event}"
    return f"a delay ({spec.describe()}) after {event}"


def balk_on_patience_only(scenario: BaseModel) -> None:
    """A balk share is given only in a ``patience`` table: elsewhere (a handle time, a
    delay) hanging up at once means nothing. A :class:`ScenarioError` at the first one
    (``balk = 0``, what a scenario written out in full says of every table, is none)."""
    for path, table in _tables(scenario, ""):
        if isinstance(table, _Drawn) and table.balk and not path.endswith(".patience"):
            raise ScenarioError("only a patience takes 'balk' (the share of callers who hang "
                                "up at once if they must wait); remove it here", f"{path}.balk")


def _tables(value: Any, path: str) -> Iterator[tuple[str, BaseModel]]:
    """Every table under ``value`` with its key path (list entries by name where they
    have one, as messages write them)."""
    if isinstance(value, BaseModel):
        if path:
            yield path, value
        for name, field in type(value).model_fields.items():
            key = field.alias or name
            yield from _tables(getattr(value, name), f"{path}.{key}" if path else key)
    elif isinstance(value, list | tuple):
        for i, entry in enumerate(value):
            label = getattr(entry, "name", None)
            yield from _tables(entry, f"{path}[{label if isinstance(label, str) else i}]")
    elif isinstance(value, dict):
        for key, entry in value.items():
            yield from _tables(entry, f"{path}.{key}")
