"""Distribution tables: ``{ dist = "exponential", mean = "4min" }`` and the other forms, each
building the :mod:`ccsim.streams` distribution it describes; a delay (a duration or a table)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator

from ccsim import streams
from ccsim.scenario.fields import NonNegativeDuration, PositiveDuration, Strict, no_bool
from ccsim.scenario.words import duration
from ccsim.toml_text import as_toml

#: The largest coefficient of variation a distribution may have: handle times and patience
#: measured in contact centres have cv about 0.5 to 2, and far larger ones overflow the
#: arithmetic of the draws (cv = 1e300).
MAX_CV = 100.0
#: ``cv``: a positive number up to :data:`MAX_CV`.
CV = Annotated[float, Field(gt=0, le=MAX_CV, allow_inf_nan=False), BeforeValidator(no_bool)]


class ExponentialSpec(Strict):
    """``{ dist = "exponential", mean = "4min" }``"""

    dist: Literal["exponential"]
    mean: PositiveDuration

    def build(self) -> streams.Distribution:
        return streams.Exponential(self.mean)

    def describe(self) -> str:
        """``exponential, mean 4min``"""
        return f"exponential, mean {duration(self.mean)}"


class LogNormalSpec(Strict):
    """``{ dist = "lognormal", mean = "4min", cv = 0.8 }`` (cv = standard deviation / mean)"""

    dist: Literal["lognormal"]
    mean: PositiveDuration
    cv: CV

    def build(self) -> streams.Distribution:
        return streams.LogNormal(self.mean, self.cv)

    def describe(self) -> str:
        """``lognormal, mean 4min, cv 0.8``"""
        return f"lognormal, mean {duration(self.mean)}, cv {self.cv:g}"


class GammaSpec(Strict):
    """``{ dist = "gamma", mean = "4min", cv = 0.8 }``"""

    dist: Literal["gamma"]
    mean: PositiveDuration
    cv: CV

    def build(self) -> streams.Distribution:
        return streams.Gamma(self.mean, self.cv)

    def describe(self) -> str:
        """``gamma, mean 4min, cv 0.8``"""
        return f"gamma, mean {duration(self.mean)}, cv {self.cv:g}"


class ConstantSpec(Strict):
    """``{ dist = "constant", value = "4min" }``"""

    dist: Literal["constant"]
    value: PositiveDuration

    @property
    def mean(self) -> float:
        return self.value

    def build(self) -> streams.Distribution:
        return streams.Constant(self.value)

    def describe(self) -> str:
        """``always 4min``"""
        return f"always {duration(self.value)}"


class _ValuesSpec(Strict):
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

    def describe(self) -> str:
        """``resampled from 12 values, mean 3min``"""
        return f"resampled from {len(self.values)} values, mean {duration(self.mean)}"


class SequenceSpec(_ValuesSpec):
    """``{ dist = "sequence", values = [...] }``: the values in order, cycling (scripted cases)."""

    dist: Literal["sequence"]

    def build(self) -> streams.Distribution:
        return streams.Sequence(tuple(self.values))

    def describe(self) -> str:
        """``12 values in turn, mean 3min`` (a scripted case)"""
        return f"{len(self.values)} values in turn, mean {duration(self.mean)}"


DistributionSpec = Annotated[
    ExponentialSpec | LogNormalSpec | GammaSpec | ConstantSpec | EmpiricalSpec | SequenceSpec,
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
