"""Deferrable work: e-mail, web forms, fax. Nobody hangs up; the promise is a response
within hours (the type's ``answer_within``), and what is left tonight is tomorrow's backlog.

Items arrive round the clock and wait, first come first served, in a line of their type
(the centre's queues hold only live contacts). An agent takes an item only when nothing
live it can take waits: when the router finds it no call or chat (the ``agent_idle``
hook), or, on arrival, when it is idle; among deferrable types, in the order of its skills.
A type with ``hours`` is worked only while open: items still arrive while it is closed,
and an item in hand at closing is *set aside* with the work it has left; at the next
opening the items set aside are resumed first (they are the oldest), then the line.

An item's *response time* runs from its arrival to the end of its handling, nights
included; the tally records it as the item's wait, answered at the end of its handling,
so the type's service level is the share responded to within ``answer_within``
(``responded_within``), and its ASA the mean response time. ``backlog`` items wait at the
start (their ages ``backlog_age``): they arrived before the horizon, so they count in no
interval's ``offered``; an item still waiting when the run ends is ``unserved``.

An agent whose duty ends while it works on an item sets it aside too, and goes at its
time: the item goes back to the head of the line for the next able agent on duty. A named
agent's shift end or break (:mod:`ccsim.model.shifts`) is known when it starts the item; a
head count's drop that idle agents cannot take is taken by agents working on items, the
longest at theirs first (the ``release`` hook), before any agent on a call owes it.

Exactness: an item's handling is cut at its type's next closing or its named agent's next
change off duty, both known when it starts, so an item needs no event of its own: the
agent is busy until the end or the cut (its end lazy like any other), and an item is
recorded as answered once its end is past (at the next interval's end, or when its agent
starts another); items cut at closing are set aside then, resumed at the opening; one
cut by its agent's duty or a drop goes back to the line at that time (an event each).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import deque
from functools import partial
from heapq import heappop, heappush
from itertools import count
from typing import TYPE_CHECKING

import numpy as np

from ccsim.model.agents import Agent, Group
from ccsim.model.contacts import Contact, Outcome
from ccsim.model.hours import Opening
from ccsim.model.policies import Policy
from ccsim.streams import draws

if TYPE_CHECKING:
    from ccsim.model.centre import Centre
    from ccsim.scenario import Scenario


class Item(Contact):
    """A deferrable item: ``left`` seconds of work still to do (its handle time and
    wrap-up, less what was done before it was set aside)."""

    __slots__ = ("left",)

    def __init__(self, contact: Contact):
        super().__init__(contact.kind, contact.arrival, math.inf, contact.handle,
                         contact.wrap_up)
        self.left = contact.handle + contact.wrap_up


class _OpenLine:
    """A type's line as the centre's work lines read it: true while the type is open and
    items wait (closed, its items are no agent's work)."""

    __slots__ = ("open", "waiting")

    def __init__(self, waiting: deque[Item]):
        self.waiting = waiting
        self.open = True

    def __bool__(self) -> bool:
        return self.open and bool(self.waiting)


class Deferred(Policy):
    """The lines of deferrable work, worked when nothing live waits."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        types = scenario.contact_types
        #: kinds: the deferrable contact types
        self.kinds = [k for k, c in enumerate(types) if c.deferrable]
        self.waiting: dict[int, deque[Item]] = {k: deque() for k in self.kinds}
        #: aside[k]: items of type k set aside at its last closing, resumed at opening;
        #: cutting[k]: items in hand now that will be set aside at its coming closing
        self.aside: dict[int, list[Item]] = {k: [] for k in self.kinds}
        self.cutting: dict[int, list[Item]] = {k: [] for k in self.kinds}
        #: returning[k]: heap of (time, arrival, order, item): items of type k set aside as
        #: their agent goes off duty, back in the line from that time (equal times and
        #: arrivals, as a backlog's, in the order they were set aside)
        self.returning: dict[int, list[tuple[float, float, int, Item]]] = {
            k: [] for k in self.kinds}
        self._ties = count()
        #: working[agent]: the item the agent works on to its end (not cut), and that end
        self.working: dict[Agent, tuple[Item, float]] = {}
        self.lines = {k: _OpenLine(self.waiting[k]) for k in self.kinds}
        self.opening = {k: Opening.of(scenario, k) for k in self.kinds}
        self.answer_within = {k: types[k].answer_within_of(
            scenario.service_level.answer_within)[0] for k in self.kinds}
        # Responses of items that arrived in the horizon: (interval of arrival, kind, time).
        self._responses: tuple[list[int], list[int], list[float]] = ([], [], [])
        self._sorted: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        shape = (scenario.intervals, len(types))
        #: backlog[i, k], oldest[i, k]: items of type k waiting at the end of interval i
        #: (in hand not counted, set aside counted), and the age of the oldest (s)
        self.backlog = np.zeros(shape)
        self.oldest = np.zeros(shape)

    def install(self, centre: Centre) -> None:
        super().install(centre)
        #: mine[g]: the deferrable types group g takes, in its order of preference
        self.mine = [[k for k in g.skills if k in self.waiting] for g in centre.groups]
        #: offs[(g, n)]: when named agent n of group g goes off duty, in time order
        self.offs: dict[tuple[int, int], list[float]] = {}
        for change in centre.roster.changes:
            if change.agent is not None and change.delta < 0:
                self.offs.setdefault((change.group, change.agent), []).append(change.time)
        self.able = {k: [g for g in centre.groups if k in g.skills] for k in self.kinds}
        # The backlog at each interval's end, seen before anything else at that moment
        # (scheduled first: SimPy runs events of the same time in the order they were made).
        period = self.scenario.period
        for i in range(self.scenario.intervals):
            centre.at((i + 1) * period, partial(self._count, i))
        for k in self.kinds:
            self._start_backlog(k)
            opening = self.opening[k]
            if opening is None:
                continue
            self.lines[k].open = opening.is_open(0.0)
            for time in opening.opens:
                if time > 0:
                    centre.at(time, partial(self._open, k))
            for time in opening.closings:
                centre.at(time, partial(self._close, k))

    def _start_backlog(self, kind: int) -> None:
        """The type's items waiting at the start, oldest first (their own streams)."""
        spec = self.scenario.contact_types[kind]
        if not spec.backlog:
            return
        stream = self.centre.stream
        handle = draws(spec.handle_time.build(), stream(f"backlog:handle_time:{spec.name}"))
        wrap_up = (draws(spec.wrap_up.build(), stream(f"backlog:wrap_up:{spec.name}"))
                   if spec.wrap_up else (0.0).__float__)
        age = (draws(spec.backlog_age.build(), stream(f"backlog_age:{spec.name}"))
               if spec.backlog_age else (0.0).__float__)
        # Arrived before the start (an age of 0: just before), so in no interval's counts.
        before = math.nextafter(0.0, -math.inf)
        items = [Item(Contact(kind, min(-age(), before), math.inf, handle(), wrap_up()))
                 for _ in range(spec.backlog)]
        self.waiting[kind].extend(sorted(items, key=lambda item: item.arrival))

    # --- hooks ---

    def work_lines(self, group: Group) -> list[_OpenLine]:
        return [self.lines[k] for k in self.mine[group.index]]

    def offered(self, contact: Contact, now: float) -> bool:
        kind = contact.kind
        if kind not in self.waiting:
            return True
        item = Item(contact)
        self._due(kind, now)
        if self.lines[kind].open:
            agent = self._idle_agent(kind, now)
            if agent is not None:
                self._work(self.centre.claim(agent), item, now)
                return False
            self.centre.wake(self.able[kind])  # its agents' ends are seen at their time
        self.waiting[kind].append(item)
        return False

    def agent_idle(self, agent: Agent, now: float) -> bool:
        if self._off(agent, now) <= now:  # going off duty now: no item to set aside at once
            return False
        for kind in self.mine[agent.group.index]:
            self._due(kind, now)
            opening = self.opening[kind]
            # (not at the very moment it closes, before its closing event has run)
            if self.lines[kind] and (opening is None or _closing(opening, now) > now):
                self._work(agent, self.waiting[kind].popleft(), now)
                return True
        return False

    # --- the work ---

    def _idle_agent(self, kind: int, now: float) -> Agent | None:
        """The longest-idle agent able to take ``kind`` (idle: nothing live waits for it),
        not going off duty at this very moment."""
        best: Agent | None = None
        for group in self.able[kind]:
            idle = self.centre.idle(group, now)
            first = next((a for a in idle if self._off(a, now) > now), None)
            if first is not None and (best is None or first.idle_since < best.idle_since):
                best = first
        return best

    def _off(self, agent: Agent, now: float) -> float:
        """When named ``agent`` next goes off duty, at ``now`` or later (inf: never, or
        an agent of head counts)."""
        offs = self.offs.get(agent.key)
        if not offs:
            return math.inf
        i = bisect_left(offs, now)
        return offs[i] if i < len(offs) else math.inf

    def _work(self, agent: Agent, item: Item, now: float) -> None:
        """``agent`` (claimed, or just freed) works on ``item`` from ``now``: to its end,
        or to its type's closing (then the item is set aside with the work it has left)."""
        if agent in self.working:  # its last item ended by now
            self._finish(agent)
        opening = self.opening[item.kind]
        end = now + item.left
        tally, group = self.centre.tally, agent.group.index
        tally.event(item, now, "started", group, agent.number)
        closing = _closing(opening, now) if opening is not None else math.inf
        cut = min(closing, self._off(agent, now))
        if end > cut:
            item.left -= cut - now
            tally.event(item, cut, "set_aside", group, agent.number)
            if cut == closing:
                self.cutting[item.kind].append(item)
            else:  # its agent goes off duty: the item is back at the head of the line then
                heappush(self.returning[item.kind],
                         (cut, item.arrival, next(self._ties), item))
                self.centre.at(cut, partial(self._resume, item.kind))
            end = cut
        else:  # answered at its end: recorded once it is past (see _finish)
            self.working[agent] = (item, end)
        self.centre.occupy(agent, now, end)

    def _finish(self, agent: Agent) -> None:
        """``agent``'s item in hand, whose end is past, is answered."""
        item, end = self.working.pop(agent)
        agent.handled += 1
        self.centre.tally.seated(item, agent.group.index, end, end, agent.number)  # wait:
        i = int(item.arrival // self.scenario.period)  # the response time
        if 0 <= i < self.scenario.intervals:
            intervals, kinds, times = self._responses
            intervals.append(i)
            kinds.append(item.kind)
            times.append(end - item.arrival)

    def release(self, group: Group, count: int, now: float) -> int:
        """A head count's drop: up to ``count`` agents of ``group`` working on an item (the
        longest at it first) set it aside, back at the head of its line, and are idle."""
        freed = 0
        for agent, (item, end) in list(self.working.items()):
            if freed == count:
                break
            if agent.group is not group or end <= now:
                continue
            del self.working[agent]
            self.centre.interrupt(agent, now)
            item.left = end - now
            self.centre.tally.event(item, now, "set_aside", group.index, agent.number)
            heappush(self.returning[item.kind], (now, item.arrival, next(self._ties), item))
            self.centre.at(now, partial(self._resume, item.kind))
            agent.idle_since = now
            group.idle.append(agent)
            freed += 1
        return freed

    def _open(self, kind: int, now: float) -> None:
        """Type ``kind`` opens: the items set aside first (oldest first), then the line;
        idle agents take them."""
        line, waiting = self.lines[kind], self.waiting[kind]
        # Agents whose work ended before now were idle since then, the line closed.
        self.centre.settle(self.able[kind], now)
        self._due(kind, now)
        line.open = True
        aside = sorted(self.aside[kind], key=lambda item: item.arrival)
        self.aside[kind].clear()
        waiting.extendleft(reversed(aside))
        while waiting and (agent := self._idle_agent(kind, now)) is not None:
            self._work(self.centre.claim(agent), waiting.popleft(), now)
        if waiting:
            self.centre.wake(self.able[kind])

    def _due(self, kind: int, now: float) -> None:
        """The items of ``kind`` set aside by agents gone off duty by ``now`` are first in
        their line (the oldest first), whatever else happens at that moment first."""
        returning = self.returning[kind]
        if not returning or returning[0][0] > now:
            return
        due = []
        while returning and returning[0][0] <= now:
            due.append(heappop(returning)[-1])
        # The agents able to take them are brought up to now before they appear (those
        # whose work ended earlier were idle since then), and watched after.
        self.centre.settle(self.able[kind], now)
        self.waiting[kind].extendleft(sorted(due, key=lambda i: i.arrival, reverse=True))
        self.centre.wake(self.able[kind])

    def _resume(self, kind: int, now: float) -> None:
        """An item of ``kind`` set aside as its agent went off duty is back in its line:
        an idle agent takes it, or the agents able to are watched."""
        self.centre.settle(self.able[kind], now)
        self._due(kind, now)
        waiting = self.waiting[kind]
        if self.lines[kind].open:
            while waiting and (agent := self._idle_agent(kind, now)) is not None:
                self._work(self.centre.claim(agent), waiting.popleft(), now)
            if waiting:
                self.centre.wake(self.able[kind])

    def _close(self, kind: int, now: float) -> None:
        """Type ``kind`` closes: the items in hand are set aside."""
        self.lines[kind].open = False
        self.aside[kind] += self.cutting[kind]
        self.cutting[kind].clear()

    def _count(self, interval: int, now: float) -> None:
        """The backlog at the end of ``interval``: the items waiting, set aside or not
        (and the items in hand that ended by then are recorded: their records stay few)."""
        for agent in [a for a, (_, end) in self.working.items() if end <= now]:
            self._finish(agent)
        for kind in self.kinds:
            waiting, aside = self.waiting[kind], self.aside[kind]
            self.backlog[interval, kind] = len(waiting) + len(aside)
            # The line is in order of arrival (items resumed, the oldest, at its head);
            # the items set aside at closing are in the order they were cut.
            arrivals = [item.arrival for item in aside]
            if waiting:
                arrivals.append(waiting[0].arrival)
            self.oldest[interval, kind] = now - min(arrivals, default=now)

    def end(self, now: float) -> None:
        """Items in hand are answered (nothing can stop them now); items still waiting
        (or set aside) when the run ends are unserved."""
        for agent in list(self.working):
            self._finish(agent)
        horizon = self.scenario.horizon
        for kind in self.kinds:
            for item in (*self.aside[kind], *self.cutting[kind], *self.waiting[kind]):
                self.centre.record(item, Outcome.UNSERVED, max(horizon - item.arrival, 0.0))
            for line in (self.aside[kind], self.cutting[kind], self.waiting[kind]):
                line.clear()

    # --- metrics ---

    def metrics(self, intervals: slice, kinds: slice) -> dict[str, float]:
        """Over the deferrable types among contact classes ``kinds`` and ``intervals``:
        the share of items responded to within target and their mean response (an item's
        wait in the tally is its response), its 90th percentile (from the items' own
        times), the backlog at the intervals' ends (mean) and the oldest item's age (the
        largest)."""
        axes = self.centre.tally.axes
        mine = [k for k in axes.kinds_in(kinds) if k in self.waiting]
        if not mine:
            return dict.fromkeys(_METRICS, math.nan)
        first = self.centre.tally.first
        part = (axes.measured(intervals), [axes.offsets[k] for k in mine])  # no segments
        offered, answered = first.offered[part].sum(), first.counts[Outcome.ANSWERED][part].sum()
        start, stop, _ = intervals.indices(axes.intervals)
        i, k, times = self._sorted_responses()
        a, b = np.searchsorted(i, [max(start, axes.warmup), stop])
        times = times[a:b][np.isin(k[a:b], mine)]
        return {
            "responded_within": first.in_sl[part].sum() / offered if offered else math.nan,
            "response_time_mean": (first.wait_answered[part].sum() / answered if answered
                                   else math.nan),
            "response_time_p90": float(np.percentile(times, 90)) if len(times) else math.nan,
            "backlog": float(self.backlog[intervals, mine].sum(axis=1).mean()),
            "backlog_oldest": float(self.oldest[intervals, mine].max()),
        }

    def _sorted_responses(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The items' (interval of arrival, type, response time), by interval; made once,
        after the run (the tables read them for every row)."""
        if self._sorted is None:
            i, k, times = (np.asarray(c) for c in self._responses)
            order = np.argsort(i, kind="stable")
            self._sorted = (i[order], k[order], times[order])
        return self._sorted


_METRICS = ("responded_within", "response_time_mean", "response_time_p90", "backlog",
            "backlog_oldest")


def _closing(opening: Opening, now: float) -> float:
    """The end of the window of ``opening`` open at ``now``."""
    return opening.closes[bisect_right(opening.opens, now) - 1]
