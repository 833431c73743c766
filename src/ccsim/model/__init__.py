'''The SimPy world of one contact centre: arrivals, queues, agents, routing, policies,
statistics.

Where things live: :mod:`~ccsim.model.run` builds a run from a scenario and policies;
:mod:`~ccsim.model.centre` is the world of a run (the clock, the hot path, the policies
installed in it and what they act through);
:mod:`~ccsim.model.queues` the waiting lines with exact lazy abandonment;
:mod:`~ccsim.model.agents` agents with identity and their groups;
:mod:`~ccsim.model.roster` who is on duty when (head counts build one; a researcher may
pass its own, naming agents, as ``Centre(scenario, seed, roster=...)``);
:mod:`~ccsim.model.routing` the two routing decisions; :mod:`~ccsim.model.service` the
service times of an (agent, contact) pair; :mod:`~ccsim.model.policies` the policy seam;
:mod:`~ccsim.model.lines`, :mod:`~ccsim.model.callbacks` (a package),
:mod:`~ccsim.model.repeats` (first-contact resolution) and :mod:`~ccsim.model.outbound`
the policies on it; :mod:`~ccsim.model.roster` who is on duty when;
:mod:`~ccsim.model.axes` the declared shape of a run's statistics,
:mod:`~ccsim.model.metrics` the streaming statistics (split by attempt kind),
:mod:`~ccsim.model.counters` the policies' shared counters, :mod:`~ccsim.model.tables` the
tables of a run from them, and :mod:`~ccsim.model.registry` the open definition of every
metric.

**Where a new policy goes.** A new module with a subclass of
:class:`~ccsim.model.policies.Policy` that defines the methods it needs of the seam's small
protocols (:mod:`~ccsim.model.policies`: admission of a contact; the life of a contact,
queued, answered, abandoned, finished; work for a free agent and when there is some; the
service times; the interval boundaries; its results) and says in ``uses`` which of them a
configuration needs, keeps its own state (on itself, or per agent by ``agent.key``), reads
agents through the centre it is installed in (``idle(group, now)``, ``busy(group, now)``:
settled for ``now``), acts through it (``serve``, ``claim``, ``occupy``, ``inject``,
``at``, ``record``), draws from its own named streams (``centre.stream(name)``), counts
through shared :class:`~ccsim.model.counters.Counters`, and registers its metrics and
outcomes (``ccsim.register``; an outcome it records is listed in its ``outcomes``, an
attempt kind it injects in its ``attempts``). Methods it does not define are never called; with
no policy the centre runs its plain path. A policy written in a notebook is passed as
``simulate(scenario, seed, policies=[...])``. For example, lending an agent of another
group to a queue that grows too long::

    from ccsim.model.policies import Policy

    class LendOnLongQueue(Policy):
        """When contact type ``kind`` has ``threshold`` (>= 1) or more callers waiting, one
        agent of group ``lender`` serves that queue until it is empty."""

        live_queues = True  # reads queue.live(now) at every queued contact

        def __init__(self, kind: str, lender: str, threshold: int):
            self.kind, self.lender, self.threshold = kind, lender, threshold
            self.lent = None  # the agent on loan, if any

        def install(self, centre):
            super().install(centre)
            kinds = [c.name for c in centre.scenario.contact_types]
            self.queue = centre.queues[kinds.index(self.kind)]
            self.group = next(g for g in centre.groups if g.name == self.lender)

        def long(self, now):
            if self.lent is not None and not self.lent.on_duty:
                self.lent = None  # its shift ended while on loan
            return self.lent is None and self.queue.live(now) >= self.threshold

        def queued(self, contact, now):
            idle = self.centre.idle(self.group, now)  # settled: none still counted busy
            if idle and self.long(now):
                self.lent = self.centre.claim(idle[0])
                self.centre.serve(self.lent, self.queue.pop(now), now)

        def agent_free(self, agent, now):
            if agent.group is self.group and self.long(now):
                self.lent = agent
            if agent is not self.lent:
                return False  # routed as usual
            contact = self.queue.pop(now)
            if contact is None:  # the queue is empty: back to its own group's work
                self.lent = None
                return False
            self.centre.serve(agent, contact, now)
            return True
'''

from ccsim.model.result import RunResult
from ccsim.model.run import simulate

__all__ = ["RunResult", "simulate"]
