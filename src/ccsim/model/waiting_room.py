"""A contact type's waiting room: at most ``max_waiting`` of its callers wait.

A caller who finds no free agent and ``max_waiting`` callers of its type still waiting is
*blocked* (turned away, wait 0), as by ``lines`` — which bound the whole centre, waiting
and talking, where this bounds one type's queue. Callers who hung up but keep their place
(a callback's) count as waiting: they hold a place in the line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccsim.model.contacts import Contact, Outcome
from ccsim.model.policies import Policy

if TYPE_CHECKING:
    from ccsim.model.centre import Centre
    from ccsim.scenario import Scenario


class WaitingRoom(Policy):
    """Blocks the caller who would make more than its type's ``max_waiting`` wait."""

    live_queues = True

    def __init__(self, scenario: Scenario):
        #: room[k]: the most callers of type k that may wait (None: no limit)
        self.room = [c.max_waiting for c in scenario.contact_types]

    def install(self, centre: Centre) -> None:
        super().install(centre)
        self._queues = centre.queues

    def about_to_wait(self, contact: Contact, now: float) -> bool:
        room = self.room[contact.kind]
        if room is not None and self._queues[contact.kind].at_least(room, now):
            self.centre.record(contact, Outcome.BLOCKED, 0.0)
            return False
        return True
