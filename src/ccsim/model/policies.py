"""The hook protocol through which a policy observes and acts on a run.

A policy is a subclass of :class:`Policy` that overrides some of its hooks; the centre
calls, at each moment, only the hooks that installed policies override (a hook left as
the base's no-op is never called, and with no policy the hot path has no hook at all).
The moments, all at simulated time ``now`` in seconds:

========================  ==========================================================
``offered(contact, now)``  a contact arrives, before routing; return False if the
                           policy took it (it records its outcome: blocked, deflected)
``about_to_wait(contact,   it found no agent (the router gave it none), before it
now)``                     waits; return False if the policy took it (a callback)
``queued(contact, now)``   it found no agent and starts waiting
``answered(contact,        an agent starts serving it for ``talk`` + ``wrap_up`` s
agent, now, talk,
wrap_up)``
``dequeued(agent,          the free agent has taken it from its queue, before it is
contact, now)``            served; return True if the policy serves it itself
``abandoned(contact,       its patience ran out at ``now``; at that very moment if
now)``                     ``timely_abandonment`` is set, else when it is resolved
``finished(contact,        the agent ends talk and wrap-up (an event per contact:
agent, now)``              only when some policy overrides it)
``agent_free(agent,        an agent is free, before the router looks for its next
now)``                     contact; return True if the policy gave it work
``agent_idle(agent,        the router found nothing for it; return True if the
now)``                     policy gave it work (else it goes idle)
``interval(index, now)``   an interval boundary, after the staffing change
``service(agent, contact,  the seam of service times: return the ``(talk, wrap_up)``
now, talk, wrap_up)``      this agent takes (see :mod:`ccsim.model.service`)
========================  ==========================================================

With ``agent_free`` or ``agent_idle`` the centre observes every end of service at its
time (lazy ends are off), unless the policy defines ``has_work(group)`` or ``work_lines(group)``:
then only while it has work (or is ``replayable``: its decisions are made when the group is
next settled). A policy whose configuration needs only some of its hooks in a run says so
in :meth:`Policy.uses`: a hook it does not use costs nothing. After the run,
``end(now)`` lets a policy settle what is open and ``metrics(intervals, kinds)`` gives its
own metrics for any part of the tables.

To act, a policy uses the centre it is installed in
(:class:`~ccsim.model.policy_centre.PolicyCentre`): ``at(time, callback)``,
``inject(contact)``, ``serve(agent, contact, now)``, ``occupy(agent, now, until)``,
``claim(agent)``, ``record(contact, outcome, wait)``, ``stream(name)``,
``tally.event(contact, now, name)`` (a trace row), and reads ``queues``, ``groups``, each
agent's counters. It draws only from its own named streams. Its outcomes and metrics are
registered in :mod:`ccsim.model.registry` (``ccsim.register``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sized

    from ccsim.model.agents import Agent, Group
    from ccsim.model.contacts import Contact
    from ccsim.model.policy_centre import PolicyCentre

#: The hooks a policy may override, in the order they are documented.
HOOKS = (
    "offered", "about_to_wait", "queued", "answered", "dequeued", "abandoned", "finished",
    "agent_free", "agent_idle", "interval", "service",
)


class Policy:
    """Base class of policies: every hook is a no-op the centre does not call."""

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
    #: The registered outcomes (metric names) other than the core ones that the policy
    #: records: their columns are in the contact tables, and a run checks them.
    outcomes: tuple[str, ...] = ()

    def install(self, centre: PolicyCentre) -> None:
        """Called once, before the run starts; ``centre`` is how the policy acts."""
        self.centre = centre

    def uses(self, hook: str) -> bool:
        """Whether this run needs the overridden ``hook`` (all of them, unless a policy
        knows from its configuration that some are idle)."""
        return True

    def offered(self, contact: Contact, now: float) -> bool:
        return True

    def about_to_wait(self, contact: Contact, now: float) -> bool:
        return True

    def queued(self, contact: Contact, now: float) -> None:
        pass

    def answered(
        self, contact: Contact, agent: Agent, now: float, talk: float, wrap_up: float
    ) -> None:
        pass

    def dequeued(self, agent: Agent, contact: Contact, now: float) -> bool:
        return False

    def abandoned(self, contact: Contact, now: float) -> None:
        pass

    def finished(self, contact: Contact, agent: Agent, now: float) -> None:
        pass

    def agent_free(self, agent: Agent, now: float) -> bool:
        return False

    def agent_idle(self, agent: Agent, now: float) -> bool:
        return False

    def has_work(self, group: Group) -> bool:
        """Whether the policy has work for agents of ``group`` now. A policy with
        ``agent_free`` or ``agent_idle`` that defines this is called only while it is true
        (or a queue of the group holds a contact), keeping ends of service lazy otherwise;
        when it turns true, the policy calls ``centre.wake(groups)``."""
        return False

    def work_lines(self, group: Group) -> list[Sized]:
        """The containers (lists, deques) that hold the policy's work for agents of
        ``group``, non-empty while it has some: instead of :meth:`has_work`, checked with
        the group's queues at no call per end of service. Changed in place for the whole
        run, never replaced."""
        return []

    def idle_below(self, group: Group) -> int:
        """For a ``replayable`` policy: while fewer than this many other agents of
        ``group`` are idle (and nothing waits), a freed agent goes idle without its hooks
        being asked (0: always ask)."""
        return 0

    def interval(self, index: int, now: float) -> None:
        pass

    def service(
        self, agent: Agent, contact: Contact, now: float, talk: float, wrap_up: float
    ) -> tuple[float, float]:
        return talk, wrap_up

    # --- after the run ---

    def end(self, now: float) -> None:
        """The run is over at ``now``: settle what is still open (not a hook: always
        called)."""

    def metrics(self, intervals: slice, kinds: slice) -> dict[str, float]:
        """The policy's own metrics (defined in :mod:`ccsim.model.registry`) over the
        intervals × contact types given (index slices), for the tables of the run."""
        return {}

    def group_metrics(self, interval: int, group: int) -> dict[str, float]:
        """Its metrics of agent group ``group`` in ``interval`` (``RunResult.groups``)."""
        return {}

    def agent_metrics(self, agent: Agent) -> dict[str, float]:
        """Its columns of ``agent``'s row over the run (``RunResult.agents``)."""
        return {}


def hooks(policies: list[Policy], name: str) -> list:
    """The bound ``name`` hooks of the ``policies`` that override and use it, in policy
    order."""
    base = getattr(Policy, name)
    return [getattr(p, name) for p in policies
            if getattr(type(p), name) is not base and p.uses(name)]
