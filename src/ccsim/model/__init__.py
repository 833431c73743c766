"""The SimPy world of one contact centre: arrivals, agents, routing, statistics."""

from ccsim.model.centre import simulate
from ccsim.model.result import RunResult

__all__ = ["RunResult", "simulate"]
