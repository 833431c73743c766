"""Outbound campaigns, blending and daily quotas: a policy on the hook protocol.

Agents of a group that lists campaigns (``outbound``) call out when its blending rule
(:mod:`ccsim.model.blending`) lets them: when an agent frees (before or after looking for
an inbound contact), and when a campaign's calling hours open. Each attempt takes the
agent ``dial_time`` and one entry of the campaign's list; the customer answers with
probability ``reach`` (stream ``outbound:reach:<campaign>``); the conversation takes a
talk and wrap-up time of the campaign's own (``outbound:handle_time:<campaign>``,
``outbound:wrap_up:<campaign>``) and succeeds with probability ``success``
(``outbound:success:<campaign>``). No call starts at or after the horizon.

A group's ``quota`` gives each agent a target per working day (× the days of the
horizon): its outbound conversations, or those and the inbound contacts it answered. The
agent's *pace* at time t is the target × the share of its planned time on duty elapsed by
t, its plan read from the run's roster (:mod:`ccsim.model.roster`: with head counts, agent
number n is planned in the intervals whose head count exceeds n). An agent whose count is
below its pace is *behind*.

**Quota pressure** (a group's ``pressure``). An agent behind by a share d of its target
(pace − done, ÷ target) shortens its conversations: their talk time is × max(floor,
1 − slope × d) — inbound ones through the service-time seam (:mod:`ccsim.model.service`),
outbound ones here; an agent on or ahead of pace works normally. An inbound conversation
cut to a share f of its talk time settles the customer's matter with probability
resolution × f ^ ``resolution_elasticity`` (see :mod:`ccsim.model.repeats`), so a rushed
customer calls again more often; an outbound one succeeds with probability success × f ^
``resolution_elasticity`` (the prospect's questions go unanswered). This is a
modelling assumption, not a law: that workers speed up under load and that quality falls
as they do is documented in service operations — Kc & Terwiesch (2009), "Impact of
workload on service time and patient safety", *Management Science* 55(9); in call centres,
first-call resolution falls when calls are cut short and unresolved calls return (de
Véricourt & Zhou 2005, "Managing response time in a call-routing problem with service
failure", *Operations Research* 53(6)). The elasticity is a parameter to sweep, not a
measured constant: 1 makes resolution proportional to the talk time kept, 0 leaves it
alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from ccsim.model.axes import Axes
from ccsim.model.blending import Blend, Reserve, rule_for
from ccsim.model.counters import Counters
from ccsim.model.policies import Policy
from ccsim.model.tables import ratio
from ccsim.streams import UNIFORM, draws

if TYPE_CHECKING:
    from ccsim.model.agents import Agent, Group
    from ccsim.model.centre import Centre
    from ccsim.model.contacts import Contact
    from ccsim.model.roster import Plan
    from ccsim.scenario import Scenario

_DAY = 86_400.0
#: The counts of outbound calls, per interval × agent group.
_COUNTS = ("outbound_attempts", "outbound_reached", "outbound_successes")


class Outbound(Policy):
    """The scenario's ``[[outbound]]`` campaigns, its groups' blending and quotas."""

    #: Its ``service`` hook cuts conversations short (quota pressure).
    talk_change = "pressure"

    def __init__(self, scenario: Scenario, rules: Mapping[str, Blend] | None = None):
        """``rules`` (agent group name → rule) replaces the rule a group's ``blending``
        names, e.g. with a researcher's own."""
        self.scenario = scenario
        self.campaigns = scenario.outbound
        names = [c.name for c in self.campaigns]
        groups = scenario.agent_groups
        #: lists[g]: the campaigns group g calls for, in its order of preference (not
        #: those a machine dials: see ccsim.model.dialer)
        self.lists = [[names.index(n) for n in g.outbound
                       if self.campaigns[names.index(n)].dialer is None] for g in groups]
        given = rules or {}
        self.rules = [given.get(g.name) or rule_for(g.blending) for g in groups]
        #: size[c]: entries on campaign c's list; made[c]: attempts so far (one entry each)
        self.size = [c.list_size if c.list_size is not None else math.inf
                     for c in self.campaigns]
        self.made = [0] * len(self.campaigns)
        self.open = [c.hours is None for c in self.campaigns]
        days = max(1, math.ceil(scenario.horizon / _DAY - 1e-9))
        self.quotas = [g.quota for g in groups]
        #: target[g]: each agent's quota over the horizon (None: no quota)
        self.target = [q.daily * days if q is not None else None for q in self.quotas]
        self.axes = Axes.of(scenario)
        #: calls and agent time per interval × group
        # Per group and campaign (what an outbound success is worth depends on its campaign).
        self.counters = Counters(self.axes, (len(groups), len(self.campaigns)), _COUNTS,
                                 ("agent_time_outbound",))
        #: by agent key: [attempts, conversations, successes]
        self.by_agent: dict[tuple[int, int], list[int]] = {}
        self._plans: dict[tuple[int, int], Plan] = {}
        self.pressure = [g.pressure for g in groups]
        # With each campaign called by one group, dials are decided in time order at each
        # agent's end even when made late: ends of service stay lazy (see Policy.replayable).
        # Shared, a finite list would go to whichever group is settled first.
        callers = [sum(c.name in g.outbound for g in groups) for c in self.campaigns]
        self.replayable = all(n == 1 for n in callers)
        self._needs = {"agent_idle"}
        if any(type(r).before_inbound is not Blend.before_inbound for r in self.rules):
            self._needs.add("agent_free")
        if any(self.pressure):
            self._needs.add("service")

    def uses(self, hook: str) -> bool:
        return hook in self._needs

    def install(self, centre: Centre) -> None:
        super().install(centre)
        self.reach = [draws(UNIFORM, centre.stream(f"outbound:reach:{c.name}"))
                      for c in self.campaigns]
        self.success = [draws(UNIFORM, centre.stream(f"outbound:success:{c.name}"))
                        for c in self.campaigns]
        self.talk = [draws(c.handle_time.build(), centre.stream(f"outbound:handle_time:{c.name}"))
                     for c in self.campaigns]
        self.wrap = [draws(c.wrap_up.build(), centre.stream(f"outbound:wrap_up:{c.name}"))
                     if c.wrap_up is not None else None for c in self.campaigns]
        self.callers = [[g for g in centre.groups if c in self.lists[g.index]]
                        for c in range(len(self.campaigns))]
        self._roster = centre.roster
        horizon = self.scenario.horizon
        for c, spec in enumerate(self.campaigns):
            for start, end in spec.windows(self.scenario.start, horizon,
                                          self.scenario.start_day):
                centre.at(start, partial(self._open, c))
                if spec.hours is not None:  # without hours, the horizon closes it
                    centre.at(end, partial(self._close, c))
        # No call starts at or after the horizon (arrivals end there too).
        centre.at(horizon, self._close_all)

    # --- when agents dial ---

    def agent_free(self, agent: Agent, now: float) -> bool:
        return (self.rules[agent.group.index].before_inbound(agent, now, self)
                and self._dial(agent, now))

    def agent_idle(self, agent: Agent, now: float) -> bool:
        others = len(agent.group.idle)  # the freed agent is not among them yet
        return (self.rules[agent.group.index].when_idle(agent, now, self, others)
                and self._dial(agent, now))

    def has_work(self, group: Group) -> bool:
        return not self.replayable and self._callable(group)

    def idle_below(self, group: Group) -> int:
        # A reserve dials only with keep_idle others idle (the shipped rules say so
        # exactly; a rule of one's own is always asked).
        rule = self.rules[group.index]
        return rule.keep_idle if type(rule) is Reserve else 0

    def _callable(self, group: Group) -> bool:
        """Whether a campaign of ``group`` is open with customers left to call."""
        return self._campaign(group) is not None

    def _campaign(self, group: Group) -> int | None:
        """The first campaign of ``group`` open with customers left to call, if any."""
        for c in self.lists[group.index]:
            if self.open[c] and self.made[c] < self.size[c]:
                return c
        return None

    def _open(self, c: int, now: float) -> None:
        """Campaign ``c``'s calling hours begin: idle agents who may, dial."""
        # Agents whose work ended while there was nothing to call are idle since then.
        self.centre.settle(self.callers[c], now)
        self.open[c] = True
        for group in self.callers[c]:
            rule, idle = self.rules[group.index], group.idle
            while (idle and self._callable(group)
                   and rule.when_idle(idle[0], now, self, len(idle) - 1)):
                self._dial(self.centre.claim(idle[0]), now)
            if not self.replayable:
                self.centre.wake([group])

    def _close(self, c: int, now: float) -> None:
        self.centre.settle(self.callers[c], now)  # dials made late are made before it
        self.open[c] = False

    def _close_all(self, now: float) -> None:
        self.centre.settle(self.centre.groups, now)
        self.open = [False] * len(self.open)

    def _dial(self, agent: Agent, now: float) -> bool:
        """``agent`` (free, or claimed) makes an attempt for the first open campaign of its
        group with customers left to call; False if there is none."""
        group = agent.group
        c = self._campaign(group)
        if c is None:
            return False
        spec = self.campaigns[c]
        g = group.index
        cell = self.counters.cell(now, g, c)
        mine = self.by_agent.get(agent.key)
        if mine is None:
            mine = self.by_agent[agent.key] = [0, 0, 0]
        mine[0] += 1
        counts = self.counters.values
        counts["outbound_attempts"][cell] += 1
        tally = self.centre.tally
        number = self.made[c]  # the attempt's number in its campaign, from 0
        self.made[c] += 1
        tally.note(now, "outbound_attempt", spec.name, number, group.index)
        start = now + spec.dial_time
        end = start
        # A certain outcome takes no draw (each stream serves one purpose: nothing shifts).
        reach = spec.reach_at(self.axes.interval(now))
        if reach >= 1 or self.reach[c]() < reach:
            wrap = self.wrap[c]
            cut = self._cut(agent, now)  # a rushed sales talk sells less
            end = start + self.talk[c]() * cut + (wrap() if wrap is not None else 0.0)
            mine[1] += 1
            counts["outbound_reached"][cell] += 1
            pressure = self.pressure[g]  # cut < 1 only under pressure
            elasticity = pressure.resolution_elasticity if pressure and cut < 1 else 0
            if spec.success > 0 and self.success[c]() < spec.success * cut ** elasticity:
                mine[2] += 1
                counts["outbound_successes"][cell] += 1
            tally.note(start, "outbound_answered", spec.name, number, g)
            tally.note(end, "outbound_finished", spec.name, number, g)
        counts["agent_time_outbound"][cell] += end - now
        self.centre.occupy(agent, now, end)
        return True

    # --- quotas ---

    def service(self, agent: Agent, contact: Contact, now: float, talk: float,
                wrap_up: float) -> tuple[float, float]:
        """Quota pressure: an agent behind its pace cuts its talk time."""
        return talk * self._cut(agent, now), wrap_up

    def _cut(self, agent: Agent, now: float) -> float:
        """The share of its talk time ``agent`` keeps at ``now``: below 1 when behind."""
        g = agent.group.index
        pressure, target = self.pressure[g], self.target[g]
        if pressure is None or not target:
            return 1.0
        behind = (self.pace(agent, now) - self.done(agent)) / target
        return max(pressure.floor, 1.0 - pressure.slope * behind) if behind > 0 else 1.0

    def done(self, agent: Agent) -> int:
        """What counts toward ``agent``'s quota so far."""
        conversations = self.by_agent.get(agent.key, (0, 0, 0))[1]
        quota = self.quotas[agent.group.index]
        return conversations + agent.handled if quota and quota.counts == "all" else (
            conversations)

    def pace(self, agent: Agent, now: float) -> float:
        """``agent``'s quota × the share of its planned time on duty elapsed at ``now``."""
        target = self.target[agent.group.index]
        if target is None:
            return 0.0
        key = agent.key
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._roster.plan(*key)
        if plan.total <= 0:
            return 0.0
        return target * min(plan.elapsed(now), plan.total) / plan.total

    def behind(self, agent: Agent, now: float) -> bool:
        return self.target[agent.group.index] is not None and (
            self.done(agent) < self.pace(agent, now))

    # --- statistics ---

    def end(self, now: float) -> None:
        """The run is over: the counts as arrays, for the tables."""
        self.counters.close()

    def metrics(self, intervals: slice, kinds: slice) -> dict[str, float]:
        """Outbound counts and agent time of ``intervals`` (agent metrics: NaN in a
        contact type's row); the quota metrics over the whole measured window only."""
        names = (*_COUNTS, "agent_time_outbound", "quota_attainment", "quota_met")
        if kinds != slice(None):
            return dict.fromkeys(names, math.nan)
        total = self.counters.total
        out: dict[str, float] = {n: int(total(n, intervals)) for n in _COUNTS}
        out["agent_time_outbound"] = float(total("agent_time_outbound", intervals))
        part = self.axes.measured(intervals)
        whole = part.start == self.axes.warmup and part.stop is None
        attained, met = self.attainment() if whole else ([], [])
        out["quota_attainment"] = float(np.mean(attained)) if attained else math.nan
        out["quota_met"] = ratio(sum(met), len(met))
        return out

    def attainment(self) -> tuple[list[float], list[bool]]:
        """Per agent with a quota who was ever on duty: the share of its target met
        (capped at 1), and whether it met it."""
        shares, met = [], []
        for group in self.centre.groups:
            target = self.target[group.index]
            if target is None:
                continue
            for agent in group.agents:
                done = self.done(agent)
                shares.append(_share(done, target))
                met.append(done >= target)
        return shares, met

    def group_metrics(self, interval: int, group: int) -> dict[str, float]:
        """Outbound counts and agent time of ``group`` in ``interval``."""
        at = self.counters.at
        out: dict[str, float] = {n: int(at(n, interval, group)) for n in _COUNTS}
        out["agent_time_outbound"] = float(at("agent_time_outbound", interval, group))
        return out

    def agent_metrics(self, agent: Agent) -> dict[str, float]:
        """``agent``'s outbound calls and quota over the run."""
        attempts, conversations, successes = self.by_agent.get(agent.key, (0, 0, 0))
        target = self.target[agent.group.index]
        done = self.done(agent)
        return {
            "outbound_attempts": attempts,
            "outbound_reached": conversations,
            "outbound_successes": successes,
            "quota": target if target is not None else math.nan,
            "quota_done": done if target is not None else math.nan,
            "quota_attainment": _share(done, target),
        }


def _share(done: int, target: int | None) -> float:
    """The share of ``target`` that ``done`` meets, capped at 1 (a target of 0 is met)."""
    if target is None:
        return math.nan
    return min(done / target, 1.0) if target else 1.0
