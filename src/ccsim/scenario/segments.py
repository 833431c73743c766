"""Who calls, and how long they are kept waiting: a contact type's priority segments, its
queue capacity and the longest wait before a caller is asked to leave a message."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ccsim.scenario.distributions import DistributionSpec
from ccsim.scenario.fields import NonNegativeDuration, PositiveDuration, PositiveFloat, Strict
from ccsim.scenario.targets import Targets
from ccsim.scenario.words import duration, percent

#: The segment names the result tables use as labels: ``all`` is a type's row over
#: every segment.
RESERVED_SEGMENT_NAMES = ("all",)


class Segment(Strict):
    """A share of a contact type's customers served by its own rules ("the more a customer
    pays, the more they expect"). ``priority`` 1 is served first (non-preemptive; first
    come, first served within a priority); ``answer_within`` and ``targets`` replace the
    type's for this segment; ``handle_scale`` multiplies the type's handle time; its own
    ``patience`` replaces the type's (drawn from a stream of its own)."""

    name: str = Field(min_length=1)
    share: float = Field(gt=0, le=1, allow_inf_nan=False, strict=True)
    priority: int = Field(default=1, ge=1, strict=True)
    answer_within: NonNegativeDuration | None = None
    handle_scale: PositiveFloat = 1.0
    patience: DistributionSpec | None = None
    targets: Targets | None = None

    def describe(self) -> str:
        """``gold: 20 % of callers, priority 1, answered within 10s, handle time × 1.2``"""
        parts = [f"{self.name}: {percent(self.share)} of callers", f"priority {self.priority}"]
        if self.answer_within is not None:
            parts.append(f"answered within {duration(self.answer_within)}")
        if self.handle_scale != 1:
            parts.append(f"handle time × {self.handle_scale:g}")
        if self.patience is not None:
            parts.append(f"patience {self.patience.describe()}")
        if self.targets is not None:
            parts.append(f"targets: {self.targets.describe()}")
        return ", ".join(parts)


class MaxWait(Strict):
    """``max_wait = { after = "2min", outcome = "message" }``: callers still waiting
    ``after`` their arrival leave the line with ``outcome`` (a message to be answered
    later: counted apart, neither answered nor abandoned)."""

    after: PositiveDuration
    outcome: Literal["message"] = "message"

    def describe(self) -> str:
        """``callers still waiting after 2min leave a message``"""
        return f"callers still waiting after {duration(self.after)} leave a message"


def describe_limits(max_waiting: int | None, max_wait: MaxWait | None,
                    answer_within: float | None) -> list[str]:
    """The phrases of a type's own limits and threshold, for its ``describe()``."""
    parts = []
    if answer_within is not None:
        parts.append(f"its service level counts answers within {duration(answer_within)}")
    if max_waiting is not None:
        parts.append(f"at most {max_waiting} callers wait (one more is blocked)")
    if max_wait is not None:
        parts.append(max_wait.describe())
    return parts

