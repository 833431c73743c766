"""What a centre costs: staff by the paid hour, contacts answered, callers' waiting time and
contacts lost — in one currency, the scenario's ``[costs]`` table."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, Field

from ccsim.scenario.fields import Strict, no_bool

Money = Annotated[float, Field(ge=0, allow_inf_nan=False), BeforeValidator(no_bool)]


class GroupRate(Strict):
    """What an agent of a group costs per paid hour, and per hour of overtime (by default
    the same rate)."""

    per_hour: Money
    overtime_per_hour: Money | None = None

    @property
    def overtime(self) -> float:
        """The overtime rate per hour."""
        return self.per_hour if self.overtime_per_hour is None else self.overtime_per_hour

    def describe(self, currency: str = "") -> str:
        """``32 EUR/h (overtime 48 EUR/h)``"""
        unit = f" {currency}/h" if currency else " an hour"
        overtime = (f" (overtime {self.overtime:g}{unit})" if self.overtime != self.per_hour
                    else "")
        return f"{self.per_hour:g}{unit}{overtime}"


class Costs(Strict):
    """Costs in ``currency``: ``agent_groups`` rates by group name (a group left out costs
    nothing per hour); ``per_contact`` by contact type, per contact answered (telephony,
    licences); ``per_minute_waiting``, per minute any caller waits (a toll-free line);
    ``per_abandon``, per contact abandoned (a lost contact's cost, if the planner wants
    one); ``per_success`` by outbound campaign, per success (a sale's revenue, as a negative
    cost)."""

    currency: str = Field(default="EUR", min_length=1, max_length=8)
    agent_groups: dict[str, GroupRate] = Field(default_factory=dict)
    per_contact: dict[str, Money] = Field(default_factory=dict)
    per_minute_waiting: Money = 0.0
    per_abandon: Money = 0.0
    per_success: dict[str, Annotated[float, Field(allow_inf_nan=False),
                                     BeforeValidator(no_bool)]] = Field(default_factory=dict)

    def describe(self) -> str:
        c = self.currency
        parts = [f"{name} {rate.describe(c)}" for name, rate in self.agent_groups.items()]
        parts += [f"{price:g} {c} per {name} contact answered"
                  for name, price in self.per_contact.items()]
        if self.per_minute_waiting:
            parts.append(f"{self.per_minute_waiting:g} {c} per minute waiting")
        if self.per_abandon:
            parts.append(f"{self.per_abandon:g} {c} per contact abandoned")
        parts += [f"{-price:g} {c} earned per {name} success" if price < 0
                  else f"{price:g} {c} per {name} success"
                  for name, price in self.per_success.items()]
        return "; ".join(parts) or "nothing costs anything"
