"""The seam through which a policy observes and acts on a run: a few small protocols, one
per concern, and a small base class.

A policy defines the methods it needs, of any of the protocols below (a subset of one is
fine); the centre calls, at each moment, only the methods the installed policies define and
say they use (:meth:`Policy.uses`). A method left undefined is never called, and with no
policy the hot path has no hook at all. All times are simulated seconds.

* :class:`Admission` — whether a contact enters: ``offered(contact, now)`` (before routing;
  False: the policy took it and recorded its outcome: blocked, deflected) and
  ``about_to_wait(contact, now)`` (no agent for it, before it waits; False: the policy
  took it, e.g. a callback).
* :class:`Observer` — a contact's life: ``queued(contact, now)`` (it starts waiting),
  ``answered(contact, agent, now, talk, wrap_up)`` (an agent serves it for ``talk`` +
  ``wrap_up`` s; a policy that needs it for some contacts only names them in
  ``watches``), ``abandoned(contact, now)`` (its patience ran out at ``now``; called at
  that moment if ``timely_abandonment`` is set, else when it is resolved),
  ``recorded(contact, outcome, now)`` (a policy recorded its outcome through
  ``centre.record``: blocked, closed, ...), ``finished(contact, agent, now)`` (end of
  wrap-up: an event per contact, so defined only when needed).
* :class:`Dispatch` — giving agents work: ``agent_free(agent, now)`` (before the router
  looks for its next contact; True: the policy gave it work), ``agent_idle(agent, now)``
  (the router found nothing; True: the policy gave it work, else it goes idle),
  ``dequeued(agent, contact, now)`` (the agent took ``contact`` from its queue; True: the
  policy serves it itself), ``release(group, count, now)`` (a head count's drop that idle
  agents could not take: the policy may free agents busy on its own work, who go at once).
* :class:`Backlog` — when a :class:`Dispatch` policy has work, so that ends of service stay
  lazy otherwise: ``work_lines(group)`` (containers non-empty while it has work for the
  group) or ``has_work(group)``, and ``idle_below(group)`` for a ``replayable`` policy. A
  dispatching policy with neither is asked at every end of service, at its time.
* :class:`ServiceTimes` — ``service(agent, contact, now, talk, wrap_up)``: the ``(talk,
  wrap_up)`` this agent takes, and ``talk_change``: why it changes talk (see
  :mod:`ccsim.model.service`).
* :class:`Clock` — ``interval(index, now)``: an interval boundary, after the staffing
  change.
* :class:`Reporting` — after the run: ``end(now)``, ``metrics(intervals, kinds)``,
  ``group_metrics(interval, group)``, ``agent_metrics(agent)``.

A policy acts through the centre it is installed in (:class:`~ccsim.model.centre.Centre`),
whose reads settle themselves, so a policy never sees an agent whose work has ended as
busy: ``idle(group, now)``, ``busy(group, now)``, and ``service.pressed`` in an ``answered``
hook (the share of talk quota pressure kept); and acts with ``at(time, callback)`` and
``inject(contact)`` (never in the past; ``arrive(contact)`` now, from a callback of
``at``), ``serve``, ``occupy``, ``interrupt``, ``claim``,
``record``, ``wake``, ``stream(name)``, ``tally.event(contact, now, name)`` (a trace row).
It draws only from its own named streams. It lists the attempt kinds it injects in
``attempts`` (counted apart by the tally) and the outcomes it records in ``outcomes``; its
outcomes and metrics are registered in :mod:`ccsim.model.registry` (``ccsim.register``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Container, Sized

    from ccsim.model.agents import Agent, Group
    from ccsim.model.centre import Centre
    from ccsim.model.contacts import Contact


class Policy:
    """Base class of policies: where it is installed, and what it tells the centre before
    the run. It defines no hook: a subclass defines those of the protocols it needs."""

    #: Whether the policy reads ``queue.live(now)`` (the centre keeps deadline heaps).
    live_queues = False
    #: Whether ``abandoned`` must be called at the moment a patience runs out.
    timely_abandonment = False
    #: Whether the policy's ``agent_free`` and ``agent_idle`` decisions may be made late:
    #: at an end of service while nothing waits in the group's queues, a decision that
    #: depends only on the group and the agent at that moment, and changes nothing anything
    #: else reads before the group is next settled. The centre then keeps ends of service
    #: lazy and calls those hooks, at each end's own time, when it settles the group (if
    #: the policy defines ``work_lines``, only while they hold something).
    replayable = False
    #: The attempt kinds other than first that the policy injects (``"repeat"``, ...; see
    #: :attr:`~ccsim.model.contacts.Contact.attempt`): the tally counts each apart.
    attempts: tuple[str, ...] = ()
    #: The contacts whose answer the policy's ``answered`` hook must see (a set or dict
    #: the policy keeps, set in :meth:`install`), or ``None``: every contact's. The centre
    #: then asks ``contact in watches`` (in C) instead of calling the hook for each contact
    #: answered, and calls such hooks after those of the policies that see every contact.
    watches: Container[Contact] | None = None
    #: The registered outcomes (metric names) other than the core ones that the policy
    #: records: their columns are in the contact tables, and a run checks them.
    outcomes: tuple[str, ...] = ()

    def install(self, centre: Centre) -> None:
        """Called once, before the run starts; ``centre`` is how the policy acts."""
        self.centre = centre

    def uses(self, hook: str) -> bool:
        """Whether this run needs the defined ``hook`` (all of them, unless a policy knows
        from its configuration that some are idle)."""
        return True


class Admission(Protocol):
    """Whether a contact enters the line."""

    def offered(self, contact: Contact, now: float) -> bool:
        """Before routing; False if the policy took the contact."""
        ...

    def about_to_wait(self, contact: Contact, now: float) -> bool:
        """No agent for it, before it waits; False if the policy took the contact."""
        ...


class Observer(Protocol):
    """A contact's life, observed."""

    def queued(self, contact: Contact, now: float) -> None: ...

    def answered(self, contact: Contact, agent: Agent, now: float, talk: float,
                 wrap_up: float) -> None: ...

    def abandoned(self, contact: Contact, now: float) -> None: ...

    def recorded(self, contact: Contact, outcome: int, now: float) -> None:
        """A policy recorded ``contact``'s ``outcome`` at ``now`` through
        ``centre.record`` (blocked, turned away as closed, ...)."""
        ...

    def finished(self, contact: Contact, agent: Agent, now: float) -> None: ...


class Dispatch(Protocol):
    """Work for a free agent, other than the router's choice."""

    def agent_free(self, agent: Agent, now: float) -> bool:
        """True if the policy gave ``agent`` work (before the router looks)."""
        ...

    def agent_idle(self, agent: Agent, now: float) -> bool:
        """True if the policy gave ``agent`` work (the router found none)."""
        ...

    def dequeued(self, agent: Agent, contact: Contact, now: float) -> bool:
        """True if the policy serves ``contact``, just taken from its queue, itself."""
        ...

    def release(self, group: Group, count: int, now: float) -> int:
        """A head count's drop of ``group`` at ``now`` that its idle agents could not take
        leaves ``count`` agents to go: the policy may stop up to that many busy agents on
        its own work (set aside, see ``centre.interrupt``) and put them in the group's
        idle line; it returns how many, who go off duty at once."""
        ...


class Backlog(Protocol):
    """When a :class:`Dispatch` policy has work for a group (define one of the first two)."""

    def work_lines(self, group: Group) -> list[Sized]:
        """The containers (lists, deques) holding the policy's work for agents of
        ``group``, non-empty while it has some, changed in place for the whole run: checked
        with the group's queues at no call per end of service."""
        ...

    def has_work(self, group: Group) -> bool:
        """Whether the policy has work for agents of ``group`` now; when it turns true the
        policy calls ``centre.wake(groups)``."""
        ...

    def idle_below(self, group: Group) -> int:
        """For a ``replayable`` policy: while fewer than this many other agents of
        ``group`` are idle (and nothing waits), a freed agent goes idle without its hooks
        being asked (0: always ask)."""
        ...


class ServiceTimes(Protocol):
    """How long an agent takes with a contact (see :mod:`ccsim.model.service`)."""

    #: Why the hook changes talk: ``"pressure"`` (an agent rushed by its quota: the
    #: conversation is cut short, which first-contact resolution reads) or anything else
    #: (``"skill"``: the agent is faster or slower, the conversation is whole).
    talk_change: str

    def service(self, agent: Agent, contact: Contact, now: float, talk: float,
                wrap_up: float) -> tuple[float, float]: ...


class Clock(Protocol):
    """The interval boundaries."""

    def interval(self, index: int, now: float) -> None:
        """Interval ``index`` begins at ``now``; its staffing is set."""
        ...


class Reporting(Protocol):
    """What the policy reports after the run."""

    def end(self, now: float) -> None:
        """The run is over at ``now``: settle what is still open."""
        ...

    def metrics(self, intervals: slice, kinds: slice) -> dict[str, float]:
        """Its metrics (see :mod:`ccsim.model.registry`) over the intervals × contact
        classes given (index slices; a type's classes are its segments, one without:
        ``tally.axes.kinds_in(kinds)`` names their types)."""
        ...

    def group_metrics(self, interval: int, group: int) -> dict[str, float]:
        """Its metrics of agent group ``group`` in ``interval`` (``RunResult.groups``)."""
        ...

    def agent_metrics(self, agent: Agent) -> dict[str, float]:
        """Its columns of ``agent``'s row over the run (``RunResult.agents``)."""
        ...


PROTOCOLS = (Admission, Observer, Dispatch, Backlog, ServiceTimes, Clock, Reporting)
#: The hooks the centre calls during the run, in the order they are documented.
HOOKS = (
    "offered", "about_to_wait", "queued", "answered", "abandoned", "recorded", "finished",
    "agent_free", "agent_idle", "dequeued", "release", "interval", "service",
)
# A protocol's own bodies, inherited by a class that names the protocol as a base: not an
# implementation.
_STUBS = frozenset(
    vars(p)[name] for p in PROTOCOLS for name in vars(p) if callable(vars(p)[name])
    and not name.startswith("_")
)


def defines(policy: object, name: str) -> bool:
    """Whether ``policy`` implements the method ``name`` (not a protocol's stub)."""
    method = getattr(type(policy), name, None)
    return method is not None and method not in _STUBS


def method(policy: object, name: str) -> Any:
    """``policy``'s bound method ``name`` if it implements it, else ``None``."""
    return getattr(policy, name) if defines(policy, name) else None


def hooks(policies: list[Policy], name: str) -> list:
    """The bound ``name`` hooks of the ``policies`` that define and use it, in policy
    order."""
    return [getattr(p, name) for p in policies if defines(p, name) and p.uses(name)]
