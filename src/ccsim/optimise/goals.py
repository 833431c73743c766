"""What a staffing plan must meet: a target on one registered metric, for the centre or
one contact type, written as a planner says it — ``"service_level >= 0.8"``,
``"billing: asa <= 30s"``, ``"abandon_rate <= 5%"``."""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ccsim.model.display import with_unit
from ccsim.model.registry import METRICS
from ccsim.units import parse_duration

if TYPE_CHECKING:
    from ccsim.scenario import Scenario

_GOAL = re.compile(r"^\s*(?:(?P<kind>[^:]+?)\s*:\s*)?(?P<metric>\w+)\s*(?P<op><=|>=|<|>|=)"
                   r"\s*(?P<value>\S.*?)\s*$")


@dataclass(frozen=True)
class Goal:
    """``metric`` of ``contact_type`` (``all``: the whole centre) at least (``>=``) or at
    most (``<=``) ``value``, in the metric's stored unit (a share as a fraction, a time in
    seconds)."""

    metric: str
    op: str
    value: float
    contact_type: str = "all"

    def met(self, value: float) -> bool:
        """Whether ``value`` meets the goal; a NaN one (nothing to measure: no contact in
        the interval) does."""
        if math.isnan(value):
            return True
        return value >= self.value if self.op == ">=" else value <= self.value

    def shortfall(self, value: float) -> float:
        """How far ``value`` is on the wrong side, in units of the goal (0 when met)."""
        if self.met(value):
            return 0.0
        gap = self.value - value if self.op == ">=" else value - self.value
        return gap / (abs(self.value) or 1.0)

    @property
    def text(self) -> str:
        m = METRICS[self.metric]
        shown = (f"{self.value * m.scale:g}%" if m.unit == "%" else
                 f"{self.value:g}s" if m.unit == "s" else f"{self.value:g}")
        where = "" if self.contact_type == "all" else f"{self.contact_type}: "
        return f"{where}{self.metric} {self.op} {shown}"

    @property
    def words(self) -> str:
        """The goal as a planner reads it: ``service level ≥ 80%``, ``billing: ASA ≤ 30 s``."""
        m = METRICS[self.metric]
        sign = "≥" if self.op == ">=" else "≤"
        where = "" if self.contact_type == "all" else f"{self.contact_type}: "
        return f"{where}{m.label} {sign} {with_unit(f'{self.value * m.scale:g}', m.unit)}"

    @property
    def column(self) -> str:
        """The goal's metric in :attr:`StaffingPlan.evaluation`'s columns:
        ``service_level``, ``billing:asa``."""
        return self.metric if self.contact_type == "all" else f"{self.contact_type}:{self.metric}"


def parse_goal(text: str, contact_types: list[str] | None = None) -> Goal:
    """The goal ``text`` says; a ValueError saying what is wrong otherwise (an unknown
    metric or contact type, a direction against the metric's, a value out of its range)."""
    found = _GOAL.match(text)
    if found is None:
        raise ValueError(f"{text!r}: expected 'metric >= value' or 'metric <= value', "
                         "optionally after a contact type and a colon "
                         "('billing: service_level >= 0.8')")
    name, op, raw = found["metric"], found["op"], found["value"]
    kind = (found["kind"] or "all").strip()
    m = METRICS.get(name)
    if m is None or m.better is None:
        choices = [n for n, d in METRICS.items() if d.better is not None]
        close = difflib.get_close_matches(name, choices, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        what = "has no better direction (a volume)" if m is not None else "is no metric"
        raise ValueError(f"{text!r}: {name!r} {what}{hint}; a target takes one of: "
                         f"{', '.join(choices)}")
    wanted = ">=" if m.better == "higher" else "<="
    if op != wanted:
        raise ValueError(f"{text!r}: {m.label} is better {m.better}, so its target reads "
                         f"'{name} {wanted} value' (got {op!r})")
    if contact_types is not None and kind != "all" and kind not in contact_types:
        close = difflib.get_close_matches(kind, contact_types, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"{text!r}: no contact type {kind!r}{hint}; expected one of: "
                         f"{', '.join(contact_types)}")
    value = _value(text, raw, m.unit, m.scale)
    if not (m.low <= value <= m.high):
        high = f"{m.high * m.scale:g}{m.unit}" if math.isfinite(m.high) else "any"
        raise ValueError(f"{text!r}: {raw!r} is outside what {m.label} can take "
                         f"({m.low * m.scale:g} to {high})")
    return Goal(name, op, value, kind)


def _value(text: str, raw: str, unit: str, scale: float) -> float:
    """``raw`` in the metric's stored unit: ``80%`` or ``0.8`` for a share, ``30s`` or
    ``30`` for a time."""
    try:
        if unit == "s":
            return parse_duration(raw)
        if raw.endswith("%"):
            return float(raw[:-1]) / 100.0
        value = float(raw)
    except ValueError:
        raise ValueError(f"{text!r}: {raw!r} is not a number{' or a duration' * (unit == 's')}"
                         ) from None
    if not math.isfinite(value):
        raise ValueError(f"{text!r}: {raw!r} is not a finite number")
    if unit == "%" and value > 1:
        raise ValueError(f"{text!r}: a share is a fraction (got {raw}); write {value / 100:g} "
                         f"or {raw}%")
    return value


def scenario_goals(scenario: Scenario) -> tuple[Goal, ...]:
    """The centre's ``[targets]`` as goals (a service level and an abandonment rate at
    least / at most, an ASA at most)."""
    targets = scenario.targets
    ops = {"service_level": ">=", "abandon_rate": "<=", "asa": "<="}
    return tuple(Goal(name, op, value) for name, op in ops.items()
                 if (value := getattr(targets, name)) is not None)
