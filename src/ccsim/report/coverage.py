"""How many of the runs an experiment asked for finished, when some did not (runs that
failed, or an interrupted experiment): the figures then rest on fewer runs, and the
printed summary and the report page say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from ccsim.experiment import Results


@dataclass(frozen=True)
class Coverage:
    """How many of the runs asked for finished: ``done`` of ``wanted``, ``failed`` raised,
    ``missing`` never ran (an interrupted experiment)."""

    done: int
    wanted: int
    failed: int

    @property
    def missing(self) -> int:
        return self.wanted - self.done - self.failed


def coverage(results: Results, summary: pd.DataFrame) -> Coverage | None:
    """The runs' coverage when some did not finish (None when all did)."""
    wanted = int(results.manifest["replications"]) * len(results.variants)
    done = int(summary["replications"].sum())
    return None if done == wanted else Coverage(done, wanted, len(results.failed))
