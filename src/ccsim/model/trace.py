"""A per-contact event log for audit and debugging (``simulate(..., trace=True)``).

Tracing is a :class:`~ccsim.model.metrics.Tally` that also keeps one row per event:
``arrived``, ``answered``, ``abandoned``, ``blocked``, ``unserved`` and ``finished``
(end of talk and wrap-up), and the events policies log (``callback_offered``, ...). It
grows with the number of contacts, so it is off by default; when off it costs nothing,
since the centre then holds a plain Tally. The events of an attempt counted apart (a
repeat, ...) are rows of the customer's first attempt, named after its kind
(``repeat_answered``, ...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccsim.model.axes import Axes
from ccsim.model.contacts import FIRST, Contact, Outcome, attempt_name
from ccsim.model.metrics import Tally
from ccsim.model.tallies import ClassTally, SplitTally

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy as np
    import pandas as pd

_COLUMNS = ("time", "event", "kind", "contact", "agent_group", "agent")


def tally_type(axes: Axes, trace: bool) -> type[Tally]:
    """The tally a run on ``axes`` needs: one that also logs every event when ``trace``;
    one that counts attempt kinds apart when the axes have several (and segments, if
    any); one that counts segments when they have them; else the plain one."""
    if trace:
        return TracingTally
    return SplitTally if axes.split else ClassTally if axes.segmented else Tally


class TracingTally(SplitTally):
    """A tally that also logs every contact event (and counts attempt kinds apart, as a
    trace costs per contact anyway)."""

    tracing = True

    def __init__(self, axes: Axes, *, answer_within: float | Sequence[float],
                 expected: np.ndarray | None = None) -> None:
        super().__init__(axes, answer_within=answer_within, expected=expected)
        self._events: list[tuple[float, str, int, int, int, int]] = []
        self._seen: dict[Contact, int] = {}  # contact → order in which the log first met it
        self._notes: list[tuple[float, str, str, int, int, int]] = []  # not about a contact

    def _log(self, contact: Contact, time: float, event: str, group: int,
             agent: int = -1) -> None:
        seen = self._seen.setdefault(contact, len(self._seen))
        self._events.append((time, event, contact.kind, seen, group, agent))

    def record(self, contact: Contact, outcome: int, wait: float) -> None:
        super().record(contact, outcome, wait)
        event = Outcome(outcome).event
        if contact.attempt != FIRST:
            self._log(contact.first, contact.arrival + wait,
                      f"{attempt_name(contact.attempt)}_{event}", -1)
            return
        self._log(contact, contact.arrival, "arrived", -1)
        self._log(contact, contact.arrival + wait, event, -1)

    def event(self, contact: Contact, time: float, name: str, group: int = -1,
              agent: int = -1) -> None:
        self._log(contact, time, name, group, agent)

    def note(self, time: float, name: str, label: str, number: int, group: int = -1) -> None:
        self._notes.append((time, name, label, number, group, -1))

    def answered(self, contact: Contact, group: int, start: float, end: float,
                 agent: int = -1) -> None:
        super().answered(contact, group, start, end)
        self._log_answered(contact, group, start, end, agent)

    def seated(self, contact: Contact, group: int, start: float, end: float,
               agent: int = -1) -> None:
        super().answered(contact, group, start, start)
        self._log_answered(contact, group, start, end, agent)

    def _log_answered(self, contact: Contact, group: int, start: float, end: float,
                      agent: int) -> None:
        if contact.attempt != FIRST:
            name = attempt_name(contact.attempt)
            self._log(contact.first, start, f"{name}_answered", group, agent)
            self._log(contact.first, end, f"{name}_finished", group, agent)
            return
        self._log(contact, contact.arrival, "arrived", group)
        self._log(contact, start, "answered", group, agent)
        self._log(contact, end, "finished", group, agent)

    def trace(self, kind_names: list[str], group_names: list[str],
              segment_names: list[list[str]] | None = None) -> pd.DataFrame:
        """The events, in time order: ``time`` (s), ``event``, ``contact_type`` (its name;
        for a policy's note, what it is about, such as an outbound campaign), ``contact``
        (its number within the type: 0, 1, 2, ... in order of arrival),
        ``agent_group`` (the name of the agent's group; empty when no agent is involved),
        ``agent`` (the agent's number in its group, when one answered; else empty); with
        ``segment_names`` (each type's segments, by number), ``segment`` after the type
        (empty for a type without segments)."""
        import pandas as pd

        # Number the contacts of each type in order of arrival.
        order = sorted(self._seen, key=lambda c: (c.kind, c.arrival, self._seen[c]))
        number = [0] * len(order)
        counts: dict[int, int] = {}
        for contact in order:
            number[self._seen[contact]] = counts.get(contact.kind, 0)
            counts[contact.kind] = number[self._seen[contact]] + 1
        table = pd.DataFrame(self._events, columns=list(_COLUMNS))
        if segment_names is not None:
            segment = [""] * len(order)
            for contact, seen in self._seen.items():
                names = segment_names[contact.kind]
                segment[seen] = names[contact.segment] if names else ""
            table.insert(3, "segment", [segment[seen] for seen in table["contact"]])
        table["contact"] = [number[seen] for seen in table["contact"]]
        table = table.sort_values(["time", "kind", "contact"], kind="stable")
        table["kind"] = [kind_names[k] for k in table["kind"]]
        if self._notes:  # after the contacts' events of the same moment
            notes = pd.DataFrame(self._notes, columns=list(_COLUMNS))
            table = pd.concat([table, notes]).sort_values("time", kind="stable")
            if segment_names is not None:
                table["segment"] = table["segment"].fillna("")
        table["agent_group"] = [group_names[g] if g >= 0 else "" for g in table["agent_group"]]
        table["agent"] = pd.array([a if a >= 0 else None for a in table["agent"]], dtype="Int64")
        return table.rename(columns={"kind": "contact_type"}).reset_index(drop=True)
