"""How the scenario's models describe themselves: the small formatters their ``describe``
methods share, so that every part of a scenario reads alike (durations as
:func:`ccsim.units.format_duration` writes them, shares in %, counts with separators).

Every model of the schema has a ``describe()`` (:class:`Describes`): the report page
builds its account of a scenario from them, so that it cannot fall behind the schema.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from ccsim.units import format_duration


@runtime_checkable
class Describes(Protocol):
    """A part of a scenario that says what it is, in a planner's words and units."""

    def describe(self) -> str:
        """One phrase or sentence, no trailing full stop."""
        ...


def duration(seconds: float) -> str:
    """``20s``, ``4min``, ``1.5h``: the project's one form of a duration."""
    return format_duration(seconds)


def percent(share: float) -> str:
    """A share as a planner reads it: ``0.3`` → ``30 %``, ``0.125`` → ``12.5 %``."""
    return f"{share * 100:.3g} %"


def number(value: float) -> str:
    """A count or volume: ``1,234``, ``12.5``."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"


def listed(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


#: When agents make due calls, by ``callbacks.schedule``.
SCHEDULES = {
    "when_idle": "when no caller waits on the line",
    "priority": "before taking callers on the line",
    "deadline": "when no caller waits, or first when a promise is about to break",
}
#: How a group splits its time between inbound and outbound, by ``blending.rule``.
BLENDING = {
    "inbound_first": "calls out only when no inbound contact it can take waits",
    "reserve": "calls out only when no inbound contact it can take waits, keeping "
               "{keep_idle} of the group's other agents idle for inbound",
    "quota_first": "an agent behind the pace of its quota calls out even when inbound "
                   "contacts wait",
}
