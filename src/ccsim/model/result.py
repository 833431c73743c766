"""What one run returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class RunResult:
    """The outcome of ``simulate(scenario, seed)``.

    ``summary`` maps each metric (see :mod:`ccsim.model.metrics`) to its value over the
    measured window. ``intervals`` has one row per measured interval and contact type plus
    an ``all`` row per interval; ``groups`` one row per interval and agent group.
    ``trace`` is a per-contact event log when the run was traced, else ``None``.
    """

    scenario: str
    seed: int
    summary: dict[str, float]
    intervals: pd.DataFrame
    groups: pd.DataFrame
    trace: pd.DataFrame | None = field(default=None, repr=False)
