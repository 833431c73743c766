"""Opening hours: a contact type open only part of each day.

A contact that arrives while its type is closed (outside its ``hours``, see
:class:`~ccsim.scenario.ContactType`) is turned away at once: outcome ``closed``, wait 0,
counted in ``offered`` like any other. Callers already waiting when the type closes stay
in the queue and are answered (or hang up) as usual (``at_close = "serve"``), or are
turned away then (``"clear"``: outcome ``closed``, their wait up to the closing time; those
whose patience ran out before are abandoned as usual). Repeats and callers injected by
other policies meet the same hours when they arrive. :class:`Opening` says when one type
is open; the callback policy reads it too (no call is made while its type is closed).
"""

from __future__ import annotations

from bisect import bisect_right
from functools import partial
from typing import TYPE_CHECKING

from ccsim.model.contacts import Contact, Outcome
from ccsim.model.policies import Policy
from ccsim.scenario.fields import windows

#: Seconds in a day.
_DAY = 86_400.0

if TYPE_CHECKING:
    from ccsim.model.centre import Centre
    from ccsim.scenario import Scenario


class Opening:
    """When one contact type is open: its windows ``[from, to)``, opened within the horizon,
    in time order (seconds since its start). A window open at the horizon closes when its
    hours say, while the run drains (and clears its queue then, with ``at_close =
    "clear"``); none opens after the horizon (the run holds no next opening)."""

    def __init__(self, found: list[tuple[float, float]], horizon: float):
        self.opens = [a for a, _ in found]
        self.closes = [b for _, b in found]
        #: the closings of those windows: within the horizon, at it, and the one after it
        #: of a window open at the horizon (the run drains until then at least)
        self.closings = list(self.closes)

    @classmethod
    def of(cls, scenario: Scenario, kind: int) -> Opening | None:
        """The opening of contact type ``kind`` of ``scenario`` (``None``: always open)."""
        hours = scenario.contact_types[kind].hours
        if hours is None:
            return None
        horizon = scenario.horizon
        # A day past the horizon: the real closing of a window open at the horizon.
        found = windows(hours, scenario.start, horizon + _DAY, scenario.start_day)
        return cls([(a, b) for a, b in found if a < horizon], horizon)

    def is_open(self, time: float) -> bool:
        """Whether the type takes contacts at ``time`` (seconds)."""
        i = bisect_right(self.opens, time) - 1  # the last window opened by then
        return i >= 0 and time < self.closes[i]

    def next_opening(self, time: float) -> float | None:
        """The first opening after ``time`` (seconds), within the horizon; ``None``: none."""
        i = bisect_right(self.opens, time)
        return self.opens[i] if i < len(self.opens) else None


class Hours(Policy):
    """Turns away the contacts that arrive while their type is closed."""

    outcomes = ("closed",)

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        #: opening[k]: when type k is open (None: all the time; deferrable work arrives
        #: round the clock, its hours are when it is worked: see ccsim.model.deferred)
        self.opening = [None if c.deferrable else Opening.of(scenario, k)
                        for k, c in enumerate(scenario.contact_types)]

    def install(self, centre: Centre) -> None:
        super().install(centre)
        for kind, spec in enumerate(self.scenario.contact_types):
            opening = self.opening[kind]
            if spec.at_close == "clear" and opening is not None:
                for close in opening.closings:
                    centre.at(close, partial(self._clear, kind))

    def _clear(self, kind: int, now: float) -> None:
        """Type ``kind`` closes at ``now``: the callers still waiting are turned away."""
        queue = self.centre.queues[kind]
        while (contact := queue.pop(now)) is not None:
            self.centre.record(contact, Outcome.CLOSED, now - contact.arrival)

    def is_open(self, kind: int, time: float) -> bool:
        """Whether contact type ``kind`` takes contacts at ``time`` (seconds)."""
        opening = self.opening[kind]
        return opening is None or opening.is_open(time)

    def offered(self, contact: Contact, now: float) -> bool:
        if self.is_open(contact.kind, now):
            return True
        self.centre.record(contact, Outcome.CLOSED, 0.0)
        return False
