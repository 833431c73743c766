"""What a run costs, from the scenario's ``[costs]``: a policy that only reports metrics.

Staff are paid for their planned duty less unpaid breaks (``paid[i, g]``, see
:class:`~ccsim.model.shifts.Staffing`: head counts × time, or the shifts of the agents
present), at their group's ``per_hour``, and for their overtime at ``overtime_per_hour``;
a contact answered costs its type's ``per_contact``; every second a first attempt waits on
the line costs ``per_minute_waiting`` / 60; an abandoned one ``per_abandon``; an outbound
success its campaign's ``per_success`` (negative: ``revenue``). Staff costs and revenue
belong to the agents: NaN in a contact type's row, like occupancy.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ccsim.model.contacts import Outcome
from ccsim.model.outbound import Outbound
from ccsim.model.policies import Policy

if TYPE_CHECKING:
    from ccsim.model.centre import Centre
    from ccsim.scenario import Scenario

#: The costs of the agents, and those of the contacts.
STAFF = ("staff_cost", "overtime_cost", "paid_hours", "revenue")
CONTACTS = ("contact_cost", "waiting_cost", "abandon_cost")


class Costs(Policy):
    """Reports the costs of a run (the scenario's ``[costs]``)."""

    def __init__(self, scenario: Scenario):
        costs = scenario.costs
        assert costs is not None
        rates = [costs.agent_groups.get(g.name) for g in scenario.agent_groups]
        self.per_hour = np.array([r.per_hour if r else 0.0 for r in rates])
        self.overtime_per_hour = np.array([r.overtime if r else 0.0 for r in rates])
        # Per contact class, as the tally counts them (a type's segments are its classes).
        types = scenario.contact_types
        self.per_contact = np.repeat([costs.per_contact.get(c.name, 0.0) for c in types],
                                     [len(c.segments or [None]) for c in types])
        self.per_second_waiting = costs.per_minute_waiting / 60.0
        self.per_abandon = costs.per_abandon
        self.per_success = np.array([costs.per_success.get(c.name, 0.0)
                                     for c in scenario.outbound])

    def install(self, centre: Centre) -> None:
        super().install(centre)
        self.tally, self.paid = centre.tally, centre.paid
        #: the outbound policy whose successes earn revenue (None: no campaign)
        self.outbound = next((p for p in centre.policies if isinstance(p, Outbound)), None)

    def metrics(self, intervals: slice, kinds: slice) -> dict[str, float]:
        """The costs of ``intervals`` (measured) and contact classes ``kinds``."""
        measured = self.tally.axes.measured(intervals)
        first = self.tally.first
        answered = first.counts[Outcome.ANSWERED, measured, kinds].sum(axis=0)
        out = {
            "contact_cost": float(answered @ self.per_contact[kinds]),
            "waiting_cost": float(first.wait_all[measured, kinds].sum())
            * self.per_second_waiting,
            "abandon_cost": float(first.counts[Outcome.ABANDONED, measured, kinds].sum())
            * self.per_abandon,
        }
        if kinds != slice(None):
            return {**out, **dict.fromkeys((*STAFF, "total_cost"), math.nan)}
        out.update(self._staff(measured, slice(None)))
        out["total_cost"] = (sum(out[name] for name in (*STAFF[:2], *CONTACTS))
                             - out["revenue"])
        return out

    def group_metrics(self, interval: int, group: int) -> dict[str, float]:
        """The staff costs of ``group`` in ``interval``."""
        return self._staff(slice(interval, interval + 1), slice(group, group + 1))

    def _staff(self, intervals: slice, groups: slice) -> dict[str, float]:
        paid = self.paid[intervals, groups].sum(axis=0)
        overtime = self.tally.overtime[intervals, groups].sum(axis=0)
        revenue = 0.0
        if self.outbound is not None and self.per_success.any():
            # successes[interval, group, campaign]
            successes = self.outbound.counters.arrays["outbound_successes"][intervals, groups]
            revenue = -float(successes.sum(axis=(0, 1)) @ self.per_success)
        return {
            "staff_cost": float(paid @ self.per_hour[groups]) / 3600.0,
            "overtime_cost": float(overtime @ self.overtime_per_hour[groups]) / 3600.0,
            "paid_hours": float(paid.sum() + overtime.sum()) / 3600.0,
            "revenue": revenue,
        }
