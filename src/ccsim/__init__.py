"""ccsim: discrete-event simulation of contact centres on SimPy.

Load or build a :class:`Scenario`, :func:`simulate` it with a seed, and read the
:class:`RunResult`'s ``summary`` and per-interval tables.
"""

from ccsim.model import RunResult, simulate
from ccsim.scenario import Scenario, ScenarioError, load_scenario

__all__ = ["RunResult", "Scenario", "ScenarioError", "load_scenario", "simulate"]
__version__ = "0.1.0"
