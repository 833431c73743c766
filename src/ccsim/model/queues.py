"""Waiting lines, with exact lazy abandonment.

A contact waits in the queue of its contact type until an agent takes it or its patience
runs out at its *deadline* (arrival + patience). In a line of fixed order (first come,
first served; or priority classes fixed at arrival, each first come first served) a
contact's fate is sealed by its deadline: if it reaches the head after its deadline, it
abandoned at its deadline. So no event is scheduled per waiting contact: abandonment is
resolved when the contact is reached, and the result is exactly that of scheduling each
abandonment. A contact is *live* at time ``now`` while ``deadline >= now``: one whose
patience ends at the instant an agent frees is answered.

Every queue answers, at a time ``now`` that never goes back: :meth:`Queue.pop` (take the
head), :meth:`Queue.head` (look at it), :meth:`Queue.live` (how many still wait),
:meth:`Queue.at_least` (do ``k`` still wait?), and records each abandonment through the
``abandon`` callback it was given, exactly once.

* :class:`FifoQueue` — the default; ``live`` costs a pass over the line.
* :class:`LiveQueue` — adds a heap of deadlines, so ``live`` is exact in O(log n)
  amortised, and ``at_least(k)`` is answered from the newest callers in O(k); with ``at``
  (a scheduler) it also resolves each abandonment *at the moment*
  the patience runs out, for policies that must act then (calling back a customer who
  hung up). A policy may also take a caller out of the middle of the line
  (:meth:`~LiveQueue.withdraw`), let it keep its place after hanging up
  (:meth:`~LiveQueue.hold`), or ask its :meth:`~LiveQueue.position`. The centre builds
  these only for policies or routers that ask for them.
* :class:`PriorityQueue` — priority classes fixed at arrival, each a FIFO line.

Memory is bounded by the live queue: a line whose entries (live or not) outgrow twice
the live queue (and at least ``PURGE_AT``) drops the contacts that hung up, recording
them, in one pass — an overloaded day does not keep every caller who has hung up.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable, Sequence
from heapq import heappop, heappush
from itertools import islice

from ccsim.model.contacts import Contact

#: Entries a line may hold before contacts that hung up are dropped in one pass.
PURGE_AT = 4096
#: Callers who hung up that :meth:`LiveQueue.at_least` passes before it counts the line.
SCAN = 32

Abandon = Callable[[Contact], None]
#: ``at(time, callback)``: call ``callback(time)`` at the absolute ``time``.
Scheduler = Callable[[float, Callable[[float], None]], None]


class Queue:
    """The interface of a waiting line. Times are seconds and never decrease between calls."""

    __slots__ = ()

    #: Callers in the line who hung up but keep their place (see :meth:`LiveQueue.hold`).
    held = 0

    def push(self, contact: Contact, now: float) -> None:
        """``contact`` starts waiting at ``now``."""
        raise NotImplementedError

    def pop(self, now: float) -> Contact | None:
        """Remove and return the head still waiting at ``now``, or ``None``; contacts whose
        patience ran out on the way are recorded as abandoned."""
        raise NotImplementedError

    def head(self, now: float) -> Contact | None:
        """The head still waiting at ``now`` (left in the queue), or ``None``."""
        raise NotImplementedError

    def live(self, now: float) -> int:
        """How many contacts are still waiting at ``now``."""
        raise NotImplementedError

    def at_least(self, k: int, now: float) -> bool:
        """Whether ``k`` or more contacts are still waiting at ``now``."""
        return self.live(now) >= k

    def drain(self) -> list[Contact]:
        """Remove every contact not yet recorded (the end of a run), in queue order."""
        raise NotImplementedError

    def __bool__(self) -> bool:
        """Whether the line holds any entry, live or not (a cheap test for "maybe work")."""
        raise NotImplementedError


class FifoQueue(Queue):
    """First come, first served. ``entries`` is the raw line: it may still hold contacts
    whose patience ran out; read the queue through :meth:`head` and :meth:`live`."""

    __slots__ = ("_abandon", "_gone", "_limit", "entries")

    def __init__(self, abandon: Abandon):
        self.entries: deque[Contact] = deque()
        self._abandon = abandon
        self._gone = abandon  # what befalls a contact found at the head after its deadline
        self._limit = PURGE_AT

    def push(self, contact: Contact, now: float) -> None:
        entries = self.entries
        entries.append(contact)
        if len(entries) > self._limit:
            self._purge(now)

    def pop(self, now: float) -> Contact | None:
        entries = self.entries
        while entries:
            contact = entries.popleft()
            if contact.deadline >= now:
                return contact
            self._gone(contact)
        return None

    def head(self, now: float) -> Contact | None:
        entries = self.entries
        while entries:
            contact = entries[0]
            if contact.deadline >= now:
                return contact
            entries.popleft()
            self._gone(contact)
        return None

    def live(self, now: float) -> int:
        self._purge(now)
        return len(self.entries)

    def drain(self) -> list[Contact]:
        left = list(self.entries)
        self.entries.clear()
        return left

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.entries)} entries)"

    def _purge(self, now: float) -> None:
        """Record and drop, in queue order, every contact whose patience ran out by ``now``.
        (In place: the centre holds ``entries`` for its cheap "maybe work" test.)"""
        entries = self.entries
        kept = [c for c in entries if c.deadline >= now]
        if len(kept) < len(entries):
            for contact in entries:
                if contact.deadline < now:
                    self._abandon(contact)
            entries.clear()
            entries.extend(kept)
        self._limit = max(PURGE_AT, 2 * len(entries))


class LiveQueue(FifoQueue):
    """A FIFO line that also keeps a heap of its deadlines: :meth:`live` is exact in
    O(log n) amortised.

    Entries leave the line in the order they joined, so an entry is known by its sequence
    number: the ``n``-th pushed is still in the line while fewer than ``n`` have left it
    (pushed minus the length of the line).
    A heap entry (deadline, n, contact) whose deadline has passed is a contact that hung
    up if it is still in the line, else nothing. ``_resolved`` is the time up to which
    the heap has been read: a dead entry with an earlier deadline is already counted.

    The heap is filled when it is read: most contacts leave the line, answered, before
    anyone asks how many wait, and never cost a heap entry. With ``at`` (a scheduler:
    ``at(time, callback)``), every deadline goes in at once: abandonments are recorded at
    the moment the patience runs out (an alarm just after the earliest deadline); without,
    they are recorded when reached, as in :class:`FifoQueue`, and the count is exact.
    """

    __slots__ = ("_alarm", "_at", "_dead", "_heap", "_heaped", "_pushed", "_resolved",
                 "held")

    def __init__(self, abandon: Abandon, at: Scheduler | None = None):
        super().__init__(abandon)
        self._heap: list[tuple[float, int, Contact]] = []
        self._pushed = 0  # entries ever pushed (since the last rebuild)
        self._heaped = 0  # of those, the first ones, that have been offered to the heap
        self._dead = 0  # entries in the line known to have hung up
        self._resolved = -math.inf
        self._at = at
        self._alarm = math.inf
        self._gone = self._left
        self.held = 0

    # --- what a policy may do to a caller in the line ---

    def withdraw(self, contact: Contact, now: float) -> None:
        """``contact``, live in the line at ``now``, leaves it without being recorded: the
        policy that takes it out records its outcome."""
        self._resolve(now)
        contact.deadline = -math.inf  # never live again; its heap entry is stale
        self._dead += 1

    def hold(self, contact: Contact, now: float) -> None:
        """``contact`` (live in the line, or about to be pushed) hangs up but keeps its
        place: it never abandons, is counted in :meth:`live` and in ``held``, and is taken
        as usual when it reaches the head. Whoever holds it calls :meth:`release` once it
        has left the line."""
        contact.deadline = math.inf  # its heap entry, if any, is stale
        self.held += 1

    def release(self, contact: Contact | None = None) -> None:
        """A held contact (``contact``) has left the line."""
        self.held -= 1

    def position(self, contact: Contact, now: float) -> int | None:
        """``contact``'s place among the live contacts at ``now`` (1 at the head), or
        ``None`` if it is no longer waiting. A pass over the line up to it."""
        if contact.deadline < now:
            return None
        place = 1
        for entry in self.entries:
            if entry is contact:
                return place
            if entry.deadline >= now:
                place += 1
        return None

    def push(self, contact: Contact, now: float) -> None:
        self.entries.append(contact)
        self._pushed += 1
        if self._at is not None:  # the alarm needs every deadline at once
            self._fill()
            deadline = contact.deadline
            if deadline < self._alarm:
                self._alarm = deadline
                self._at(math.nextafter(deadline, math.inf), self._ring)
        if len(self.entries) > self._limit or len(self._heap) > self._limit:
            self._rebuild(now)

    def at_least(self, k: int, now: float) -> bool:
        """Whether ``live(now) >= k``: looked for among the newest callers, the likeliest
        to wait still, from the tail of the line (the count of :meth:`live` once more than
        ``SCAN`` of those passed have hung up)."""
        entries = self.entries
        if len(entries) - self._dead < k:
            return False
        if k <= 0:
            return True
        found = 0
        for seen, contact in enumerate(reversed(entries)):
            if contact.deadline >= now:
                found += 1
                if found == k:
                    return True
            elif seen - found >= SCAN:
                return self.live(now) >= k
        return False

    def live(self, now: float) -> int:
        if self._heaped < self._pushed:
            self._fill()
        heap = self._heap
        if heap and heap[0][0] < now:
            self._resolve(now)
        elif now > self._resolved:  # nothing to read: what _resolve would do, without a call
            self._resolved = now
        return len(self.entries) - self._dead

    def drain(self) -> list[Contact]:
        # Contacts already recorded by an alarm, or withdrawn, are not returned again.
        left = [c for c in self.entries if c.deadline > -math.inf
                and (self._at is None or c.deadline >= self._resolved)]
        self.entries.clear()
        self._heap.clear()
        self._dead = 0
        return left

    def _popped(self) -> int:
        """Entries that have left the head of the line (since the last rebuild)."""
        return self._pushed - len(self.entries)

    def _fill(self) -> None:
        """Put the deadlines of the contacts pushed since the last fill, and still in the
        line, in the heap (not those withdrawn or held: they never abandon)."""
        entries, heap, n = self.entries, self._heap, self._pushed
        for contact in islice(reversed(entries), min(n - self._heaped, len(entries))):
            n -= 1
            if -math.inf < contact.deadline < math.inf:
                heappush(heap, (contact.deadline, n, contact))
        self._heaped = self._pushed

    def _left(self, contact: Contact) -> None:
        """A contact that hung up has reached the head and left the line."""
        if contact.deadline < self._resolved:  # counted (and, with alarms, recorded)
            self._dead -= 1
            if self._at is not None or contact.deadline == -math.inf:  # or withdrawn
                return
        self._abandon(contact)

    def _resolve(self, now: float) -> None:
        """Count (with alarms: record) the contacts whose patience ran out before ``now``."""
        if self._heaped < self._pushed:
            self._fill()
        heap, popped = self._heap, self._pushed - len(self.entries)  # self._popped()
        while heap and heap[0][0] < now:
            deadline, n, contact = heappop(heap)
            # Still in the line, and not withdrawn or held since it was pushed.
            if n >= popped and contact.deadline == deadline:
                self._dead += 1
                if self._at is not None:
                    self._abandon(contact)
        if now > self._resolved:
            self._resolved = now

    def _ring(self, now: float) -> None:
        """The alarm set just after the earliest deadline (or a stale one: harmless)."""
        if math.nextafter(self._alarm, math.inf) == now:
            self._alarm = math.inf
        self._resolve(now)
        heap, popped = self._heap, self._popped()
        while heap and heap[0][1] < popped:  # entries of contacts that have left
            heappop(heap)
        at = self._at  # set: only it rings
        if heap and heap[0][0] < self._alarm and at is not None:
            self._alarm = heap[0][0]
            at(math.nextafter(self._alarm, math.inf), self._ring)

    def _rebuild(self, now: float) -> None:
        """Drop the contacts that hung up and the heap entries of those that left."""
        self._resolve(now)
        entries = self.entries
        kept = [c for c in entries if c.deadline >= now]
        if self._at is None:
            for contact in entries:
                if -math.inf < contact.deadline < now:
                    self._abandon(contact)
        entries.clear()
        entries.extend(kept)
        self._heap = []
        self._pushed, self._heaped, self._dead = len(kept), 0, 0
        if self._at is not None:
            self._fill()
        self._limit = max(PURGE_AT, 2 * len(kept))


class PriorityQueue(Queue):
    """Priority classes fixed at arrival: ``classes[0]`` first, each first come first
    served. ``priority(contact)`` gives a contact's class. Abandonment stays exact and lazy:
    within a class the order is fixed, and a contact that hung up is passed over when met.
    Where the classes are :class:`LiveQueue` lines, a policy may withdraw or hold a caller
    and ask its :meth:`position` (the callers ahead of it under priority)."""

    __slots__ = ("classes", "priority")

    def __init__(self, classes: Sequence[Queue], priority: Callable[[Contact], int]):
        self.classes = list(classes)
        self.priority = priority

    @property
    def held(self) -> int:  # type: ignore[override]
        return sum(line.held for line in self.classes)

    def push(self, contact: Contact, now: float) -> None:
        self.classes[self.priority(contact)].push(contact, now)

    def pop(self, now: float) -> Contact | None:
        for line in self.classes:
            contact = line.pop(now)
            if contact is not None:
                return contact
        return None

    def head(self, now: float) -> Contact | None:
        for line in self.classes:
            contact = line.head(now)
            if contact is not None:
                return contact
        return None

    def live(self, now: float) -> int:
        return sum(line.live(now) for line in self.classes)

    def at_least(self, k: int, now: float) -> bool:
        for line in self.classes:
            if k <= 0:
                return True
            if line.at_least(k, now):
                return True
            k -= line.live(now)
        return k <= 0

    def drain(self) -> list[Contact]:
        return [c for line in self.classes for c in line.drain()]

    def __bool__(self) -> bool:
        return any(self.classes)

    # --- what a policy may do to a caller in a line (LiveQueue lines) ---

    def _line(self, contact: Contact) -> LiveQueue:
        line = self.classes[self.priority(contact)]
        if not isinstance(line, LiveQueue):
            raise TypeError("withdraw, hold and position need LiveQueue lines (a policy "
                            "that uses them sets live_queues)")
        return line

    def withdraw(self, contact: Contact, now: float) -> None:
        """As :meth:`LiveQueue.withdraw`, in ``contact``'s line."""
        self._line(contact).withdraw(contact, now)

    def hold(self, contact: Contact, now: float) -> None:
        """As :meth:`LiveQueue.hold`, in ``contact``'s line."""
        self._line(contact).hold(contact, now)

    def release(self, contact: Contact | None = None) -> None:
        """A held ``contact`` has left its line (see :meth:`LiveQueue.release`)."""
        if contact is None:
            raise TypeError("release(): a priority queue needs the contact held")
        self._line(contact).release()

    def position(self, contact: Contact, now: float) -> int | None:
        """``contact``'s place among the live callers at ``now`` who will be answered
        before it (1: next), or ``None`` if it no longer waits: everyone live in the lines
        of higher priority, then its own line up to it."""
        line = self.priority(contact)
        place = self._line(contact).position(contact, now)
        if place is None:
            return None
        return place + sum(ahead.live(now) for ahead in self.classes[:line])
