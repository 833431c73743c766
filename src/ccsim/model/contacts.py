"""Contacts, their attempt kinds and their outcomes.

A contact is one customer's attempt to reach the centre: it arrives, perhaps waits in the
queue of its contact type, and leaves with an :class:`Outcome`. Its handle time and patience
and wrap-up are drawn when it arrives, from the streams of its type, so that the n-th
contact of a type gets the same draws in every variant of a sweep (common random numbers),
whatever happened to the contacts before it.

Every contact has an *attempt kind* (:attr:`Contact.attempt`): a first attempt, or another
attempt of a customer already counted — a repeat today; a redial, a recall, a follow-up
tomorrow. The statistics count each kind apart (``offered`` is first attempts only). Both
attempt kinds and outcomes are open sets: a policy names its own (:func:`attempt_kind`;
an outcome through :func:`ccsim.model.registry.register`), and the numbers of those already
named never change.
"""

from __future__ import annotations

from typing import ClassVar

#: The attempt kinds named so far, by number (0: a first attempt). A definition table, like
#: the metric registry: a name is given a number once and keeps it.
_ATTEMPTS: list[str] = ["first"]
#: The attempt kind of a first attempt.
FIRST = 0


def attempt_kind(name: str) -> int:
    """The number of attempt kind ``name`` (``"repeat"``, ``"redial"``, ...), named on first
    use; the same name always gives the same number."""
    if not name or not name.isidentifier():
        raise ValueError(f"attempt kind: must be a name like 'redial' (got {name!r})")
    if name not in _ATTEMPTS:
        _ATTEMPTS.append(name)
    return _ATTEMPTS.index(name)


def attempt_name(kind: int) -> str:
    """The name of attempt kind number ``kind``."""
    return _ATTEMPTS[kind]


class Outcome(int):
    """How a contact left the line: the number of a registered outcome metric (see
    :mod:`ccsim.model.registry`), given to ``centre.record(contact, outcome, wait)``.

    ``Outcome(number)`` and ``Outcome(name)`` (the metric's name, e.g.
    ``"callbacks_accepted"``) find a registered outcome; registering an outcome metric
    names a new one. The numbers of the built-in outcomes are stable."""

    column: str  #: the name of the metric that counts it
    event: str  #: its name in a trace

    ANSWERED: ClassVar[Outcome]  #: reached an agent
    ABANDONED: ClassVar[Outcome]  #: left the queue before reaching an agent (patience ran out)
    BLOCKED: ClassVar[Outcome]  #: found every line busy and was turned away on arrival
    UNSERVED: ClassVar[Outcome]  #: still waiting when no agent was left to serve it
    CALLBACK_ACCEPTED: ClassVar[Outcome]  #: accepted a callback and hung up
    CLOSED: ClassVar[Outcome]  #: arrived while its type was closed and was turned away
    MESSAGE: ClassVar[Outcome]  #: waited its type's ``max_wait`` and left a message

    def __new__(cls, value: int | str) -> Outcome:
        for outcome in _OUTCOMES:
            if value == outcome or value == outcome.column:
                return outcome
        known = ", ".join(o.column for o in _OUTCOMES)
        raise ValueError(f"no outcome {value!r} is registered; registered outcomes: {known} "
                         "(register one with ccsim.register(ccsim.Metric(..., outcome=True)))")

    @classmethod
    def _define(cls, column: str, event: str | None = None) -> Outcome:
        """The outcome counted by metric ``column``, numbered on first definition."""
        for outcome in _OUTCOMES:
            if outcome.column == column:
                return outcome
        outcome = int.__new__(cls, len(_OUTCOMES))
        outcome.column, outcome.event = column, event or column
        _OUTCOMES.append(outcome)
        return outcome

    def __repr__(self) -> str:
        return f"Outcome({self.column!r})"

    def __reduce__(self) -> tuple[type[Outcome], tuple[str]]:
        return Outcome, (self.column,)


#: The outcomes, by number.
_OUTCOMES: list[Outcome] = []
Outcome.ANSWERED = Outcome._define("answered")
Outcome.ABANDONED = Outcome._define("abandoned")
Outcome.BLOCKED = Outcome._define("blocked")
Outcome.UNSERVED = Outcome._define("unserved")
Outcome.CALLBACK_ACCEPTED = Outcome._define("callbacks_accepted", "callback_accepted")
Outcome.CLOSED = Outcome._define("closed")
Outcome.MESSAGE = Outcome._define("messages", "message")


def outcomes() -> tuple[Outcome, ...]:
    """Every outcome registered so far, by number."""
    return tuple(_OUTCOMES)


class Contact:
    """One customer contact. Times are seconds since the start of the horizon."""

    __slots__ = ("arrival", "deadline", "handle", "kind", "wrap_up")

    #: its attempt kind (:func:`attempt_kind`): a class attribute, so that a first attempt
    #: carries nothing; a subclass for another kind sets its own
    attempt: ClassVar[int] = FIRST
    #: the number of its customer's segment in its type's list, and the place of that
    #: segment's priority in its type's queue (0 first): class attributes too, 0 for a
    #: type without segments (see :mod:`ccsim.model.segments`)
    segment: ClassVar[int] = 0
    rank: ClassVar[int] = 0

    def __init__(self, kind: int, arrival: float, deadline: float, handle: float, wrap_up: float):
        self.kind = kind  #: index of the contact type in the scenario
        self.arrival = arrival
        self.deadline = deadline  #: arrival + patience: it abandons if still waiting after this
        self.handle = handle  #: talk time, seconds
        self.wrap_up = wrap_up  #: after-contact work, seconds (the caller has hung up)

    @property
    def first(self) -> Contact:
        """The customer's first attempt (itself, for a first attempt)."""
        return self

    def __repr__(self) -> str:
        return f"Contact(kind={self.kind}, arrival={self.arrival:g}, deadline={self.deadline:g})"


class Again(Contact):
    """Another attempt of a customer already counted: ``first`` is the customer's first
    attempt, ``round`` 1 for its second attempt of this kind, 2 for the next, ... It is of
    its customer's segment on every attempt. A subclass sets its ``attempt`` kind."""

    __slots__ = ("_first", "round")

    def __init__(self, first: Contact, round: int, arrival: float, deadline: float,
                 handle: float, wrap_up: float):
        super().__init__(first.kind, arrival, deadline, handle, wrap_up)
        self._first = first
        self.round = round

    @property
    def first(self) -> Contact:
        return self._first

    @property
    def segment(self) -> int:  # type: ignore[override]
        return self._first.segment

    @property
    def rank(self) -> int:  # type: ignore[override]
        return self._first.rank
