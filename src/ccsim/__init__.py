"""ccsim: discrete-event simulation of contact centres on SimPy.

Load or build a :class:`Scenario`, :func:`simulate` it with a seed, and read the
:class:`RunResult`'s ``summary`` and per-interval tables.
"""

from ccsim.experiment import (
    Experiment,
    Results,
    is_experiment_file,
    load_experiment,
    run_experiment,
)
from ccsim.model import RunResult, simulate
from ccsim.model.contacts import Outcome
from ccsim.model.registry import Metric, register
from ccsim.optimise import StaffingPlan, staff
from ccsim.scenario import Scenario, ScenarioError, load_scenario

__all__ = [
    "Experiment",
    "Metric",
    "Outcome",
    "Results",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "StaffingPlan",
    "is_experiment_file",
    "load_experiment",
    "load_scenario",
    "register",
    "run_experiment",
    "simulate",
    "staff",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    # ccsim.analytic pulls in scipy.special, ccsim.plots matplotlib: load them when first
    # used, not on `import ccsim`.
    if name in ("analytic", "plots"):
        import importlib

        return importlib.import_module(f"ccsim.{name}")
    raise AttributeError(f"module 'ccsim' has no attribute {name!r}")
