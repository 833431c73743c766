"""Staffing by simulation: the head count each interval needs to meet the planner's goals
(:func:`staff`), from the analytic answer, searched with common random numbers."""

from ccsim.optimise.goals import Goal, parse_goal
from ccsim.optimise.requirement import StaffingPlan, staff
from ccsim.optimise.search import Unreachable
from ccsim.optimise.sipp import sipp_staff

__all__ = ["Goal", "StaffingPlan", "Unreachable", "parse_goal", "sipp_staff", "staff"]
