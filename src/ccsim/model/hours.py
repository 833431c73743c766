"""Opening hours: a contact type open only part of each day.

A contact that arrives while its type is closed (outside its ``hours``, see
:class:`~ccsim.scenario.ContactType`) is turned away at once: outcome ``closed``, wait 0,
counted in ``offered`` like any other. Callers already waiting when the type closes stay
in the queue and are answered (or hang up) as usual (``at_close = "serve"``), or are
turned away then (``"clear"``: outcome ``closed``, their wait up to the closing time; those
whose patience ran out before are abandoned as usual). Repeats and callers injected by
other policies meet the same hours when they arrive.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import partial
from typing import TYPE_CHECKING

from ccsim.model.contacts import Contact, Outcome
from ccsim.model.policies import Policy
from ccsim.scenario.fields import windows

if TYPE_CHECKING:
    from ccsim.model.centre import Centre
    from ccsim.scenario import Scenario


class Hours(Policy):
    """Turns away the contacts that arrive while their type is closed."""

    outcomes = ("closed",)

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        #: opens[k], closes[k]: the opening windows of type k, in time order (seconds since
        #: the start of the horizon); None for a type open all the time
        self._opens: list[list[float] | None] = []
        self._closes: list[list[float]] = []
        for spec in scenario.contact_types:
            found = windows(spec.hours, scenario.start, scenario.horizon)
            self._opens.append(None if spec.hours is None else [a for a, _ in found])
            self._closes.append([b for _, b in found])

    def install(self, centre: Centre) -> None:
        super().install(centre)
        for kind, spec in enumerate(self.scenario.contact_types):
            if spec.at_close == "clear":
                for close in self._closes[kind]:
                    if close < self.scenario.horizon:
                        centre.at(close, partial(self._clear, kind))

    def _clear(self, kind: int, now: float) -> None:
        """Type ``kind`` closes at ``now``: the callers still waiting are turned away."""
        queue = self.centre.queues[kind]
        while (contact := queue.pop(now)) is not None:
            self.centre.record(contact, Outcome.CLOSED, now - contact.arrival)

    def is_open(self, kind: int, time: float) -> bool:
        """Whether contact type ``kind`` takes contacts at ``time`` (seconds)."""
        opens = self._opens[kind]
        if opens is None:
            return True
        i = bisect_right(opens, time) - 1  # the last window opened by then
        return i >= 0 and time < self._closes[kind][i]

    def offered(self, contact: Contact, now: float) -> bool:
        if self.is_open(contact.kind, now):
            return True
        self.centre.record(contact, Outcome.CLOSED, 0.0)
        return False
