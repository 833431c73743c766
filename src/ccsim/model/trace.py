"""A per-contact event log for audit and debugging (``simulate(..., trace=True)``).

Tracing is a :class:`~ccsim.model.metrics.Tally` that also keeps one row per event:
``arrived``, ``answered``, ``abandoned``, ``blocked``, ``unserved`` and ``finished``
(end of talk and wrap-up). It grows with the number of contacts, so it is off by default;
when off it costs nothing, since the centre then holds a plain Tally.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccsim.model.contacts import Contact, Outcome
from ccsim.model.metrics import Tally

if TYPE_CHECKING:
    import pandas as pd

_COLUMNS = ("time", "event", "kind", "contact", "agent_group")


class TracingTally(Tally):
    """A Tally that also logs every contact event."""

    def __init__(self, **kwargs: float) -> None:
        super().__init__(**kwargs)
        self._events: list[tuple[float, str, int, int, int]] = []

    def record(self, contact: Contact, outcome: int, wait: float) -> None:
        super().record(contact, outcome, wait)
        log = self._events.append
        log((contact.arrival, "arrived", contact.kind, contact.number, -1))
        event = Outcome(outcome).name.lower()
        log((contact.arrival + wait, event, contact.kind, contact.number, -1))

    def answered(self, contact: Contact, group: int, start: float, end: float) -> None:
        super().answered(contact, group, start, end)
        log = self._events.append
        log((contact.arrival, "arrived", contact.kind, contact.number, group))
        log((start, "answered", contact.kind, contact.number, group))
        log((end, "finished", contact.kind, contact.number, group))

    def trace(self) -> pd.DataFrame:
        """The events, in time order: ``time`` (s), ``event``, ``kind`` (contact type
        index), ``contact`` (its number within the type), ``agent_group`` (index, -1 if none)."""
        import pandas as pd

        table = pd.DataFrame(self._events, columns=list(_COLUMNS))
        return table.sort_values(["time", "kind", "contact"], kind="stable").reset_index(drop=True)
