"""A limited number of lines (trunks), the first policy on the hook protocol.

The scenario's ``lines`` bounds the contacts in the system: waiting on the line or
talking. A contact that arrives when every line is in use is *blocked* (turned away, wait
0). A line is freed when its caller hangs up: at the end of talk (wrap-up follows without
the caller), or when a waiting caller's patience runs out. With as many lines as agents
and no queue this is Erlang B's loss system.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccsim.model.contacts import Contact, Outcome
from ccsim.model.policies import Policy

if TYPE_CHECKING:
    from ccsim.model.agents import Agent
    from ccsim.model.centre import Centre


class Lines(Policy):
    """At most ``lines`` contacts in the system; one more is blocked."""

    live_queues = True

    def __init__(self, lines: int):
        self.lines = lines
        self.talking = 0  #: callers talking to an agent (their line still in use)

    def install(self, centre: Centre) -> None:
        super().install(centre)
        self._queues = centre.queues

    def in_use(self, now: float) -> int:
        """Lines in use at ``now``: callers talking plus callers still waiting (not those
        who hung up keeping their place)."""
        waiting = 0
        for queue in self._queues:
            waiting += queue.live(now) - queue.held
        return self.talking + waiting

    def offered(self, contact: Contact, now: float) -> bool:
        if self.in_use(now) >= self.lines:
            self.centre.record(contact, Outcome.BLOCKED, 0.0)
            return False
        return True

    def answered(
        self, contact: Contact, agent: Agent, now: float, talk: float, wrap_up: float
    ) -> None:
        self.talking += 1
        self.centre.at(now + talk, self._hang_up)

    def _hang_up(self, now: float) -> None:
        self.talking -= 1
