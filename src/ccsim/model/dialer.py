"""Predictive dialing: outbound campaigns dialled by a machine (a campaign's ``dialer``), a
policy on the hook protocol.

Agents of the groups that list such a campaign (its *calling groups*) do not dial it: the
dialer does, within the campaign's hours, at each end of service in the centre (once the
freed agent has taken its next work or gone idle) and when the hours open. If at least
``min_free`` agents of the centre are free, ``min_free_group`` of them in the calling
groups, it dials round(``ratio`` × the calling groups' free agents), less the calls it is
still dialling (ContactCenters' threshold dialer). After ``dial_time`` a call is answered
with probability ``reach`` (of the interval it was dialled in; stream
``dialer:reach:<campaign>``). A customer who answers is connected at once to the longest-
idle free agent of the calling groups; with none free it waits at most the campaign's
``patience`` (0 by default) and then hangs up: a *nuisance call*, ``outbound_abandoned``
(regulators cap their share of the answered calls, commonly at 3 %). Calling groups take a
waiting customer of theirs before any inbound caller: someone is already on the line.

Talk, wrap-up and success are drawn as for agents' campaigns (``outbound:handle_time:
<campaign>``, ...); the agent's time is busy time. Counts are attributed to the interval in
which the call was dialled.
"""

from __future__ import annotations

import math
from collections import deque
from functools import partial
from typing import TYPE_CHECKING

from ccsim.model.axes import Axes
from ccsim.model.counters import Counters
from ccsim.model.patience import patience_draws
from ccsim.model.policies import Policy
from ccsim.model.tables import ratio
from ccsim.streams import UNIFORM, draws

if TYPE_CHECKING:
    from collections.abc import Callable

    from ccsim.model.agents import Agent
    from ccsim.model.centre import Centre
    from ccsim.scenario import DistributionSpec, Scenario

_COUNTS = ("dialer_attempts", "dialer_reached", "dialer_successes", "outbound_abandoned")


class _Reached:
    """A customer who answered and waits for an agent."""

    __slots__ = ("campaign", "deadline", "dialled", "time")

    def __init__(self, campaign: int, time: float, deadline: float, dialled: float):
        self.campaign, self.time, self.deadline, self.dialled = (
            campaign, time, deadline, dialled)


class Dialer(Policy):
    """The scenario's campaigns with a ``dialer``."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        #: the campaigns dialled by a machine, by their index in [[outbound]]
        self.dialled = [c for c, spec in enumerate(scenario.outbound) if spec.dialer]
        self.axes = Axes.of(scenario)
        self.counters = Counters(self.axes, (len(scenario.outbound),), _COUNTS)
        self.open = dict.fromkeys(self.dialled, False)
        self.dialling = dict.fromkeys(self.dialled, 0)  # calls dialled, not yet answered
        #: waiting[g]: the answered customers waiting for an agent of group g, oldest first
        self.waiting: list[deque[_Reached]] = [deque() for _ in scenario.agent_groups]

    def install(self, centre: Centre) -> None:
        super().install(centre)
        campaigns = self.scenario.outbound
        groups = self.scenario.agent_groups
        self.callers = {c: [g for g in centre.groups
                            if campaigns[c].name in groups[g.index].outbound]
                        for c in self.dialled}
        none = (0.0).__float__

        def source(dist: DistributionSpec | None, stream: str) -> Callable[[], float]:
            return draws(dist.build(), centre.stream(stream)) if dist is not None else none

        def each(what: str, stream: str) -> dict[int, Callable[[], float]]:
            return {c: source(getattr(campaigns[c], what), f"{stream}:{campaigns[c].name}")
                    for c in self.dialled}

        self.talk = each("handle_time", "outbound:handle_time")
        self.wrap = each("wrap_up", "outbound:wrap_up")
        self.patience = {c: patience_draws(campaigns[c].patience, centre.seed,
                                           campaigns[c].name, "dialer:")
                         if campaigns[c].patience else none for c in self.dialled}
        self.reach = {c: draws(UNIFORM, centre.stream(f"dialer:reach:{campaigns[c].name}"))
                      for c in self.dialled}
        self.success = {c: draws(UNIFORM, centre.stream(f"outbound:success:"
                                                        f"{campaigns[c].name}"))
                        for c in self.dialled}
        horizon = self.scenario.horizon
        for c in self.dialled:
            spec = campaigns[c]
            for start, end in spec.windows(self.scenario.start, horizon,
                                          self.scenario.start_day):
                centre.at(start, partial(self._toggle, c, True))
                centre.at(min(end, horizon), partial(self._toggle, c, False))

    # --- agents (every end of service is seen at its time: the policy says no work_lines) ---

    def agent_free(self, agent: Agent, now: float) -> bool:
        """A freed agent of a calling group takes a customer waiting on the line first;
        the dialer decides once the agent has taken its next work or gone idle."""
        if any(self.open.values()):
            self.centre.at(now, self._decide)
        line = self.waiting[agent.group.index]
        while line:
            reached = line.popleft()
            if reached.campaign >= 0 and reached.deadline >= now:  # neither taken nor gone
                self._talk(agent, reached, now)
                return True
        return False

    # --- dialling ---

    def _toggle(self, c: int, on: bool, now: float) -> None:
        self.open[c] = on
        if on:
            self._decide(now)

    def _decide(self, now: float) -> None:
        """Dial what the threshold rule says, for each open campaign."""
        centre = self.centre
        free_all = None
        for c in self.dialled:
            if not self.open[c]:
                continue
            rule = self.scenario.outbound[c].dialer
            assert rule is not None
            if free_all is None:
                free_all = sum(len(centre.idle(g, now)) for g in centre.groups)
            free = sum(len(centre.idle(g, now)) for g in self.callers[c])
            if free_all < rule.min_free or free < rule.min_free_group or free == 0:
                continue
            for _ in range(round(rule.ratio * free) - self.dialling[c]):
                self._dial(c, now)

    def _dial(self, c: int, now: float) -> None:
        spec = self.scenario.outbound[c]
        self.counters.values["dialer_attempts"][self.counters.cell(now, c)] += 1
        self.dialling[c] += 1
        if spec.dial_time > 0:
            self.centre.at(now + spec.dial_time, partial(self._answered, c, now))
        else:
            self._answered(c, now, now)

    def _answered(self, c: int, dialled: float, now: float) -> None:
        """Call ``c`` dialled at ``dialled`` rings out at ``now``: answered or not."""
        self.dialling[c] -= 1
        reach = self.scenario.outbound[c].reach_at(self.axes.interval(dialled))
        if not (reach >= 1 or self.reach[c]() < reach):
            return
        counts = self.counters.values
        counts["dialer_reached"][self.counters.cell(dialled, c)] += 1
        reached = _Reached(c, now, now + self.patience[c](), dialled)
        agent = self._free_agent(c, now)
        if agent is not None:
            self._talk(self.centre.claim(agent), reached, now)
            return
        for group in self.callers[c]:  # it waits for the first of them to free
            self.waiting[group.index].append(reached)
        self.centre.at(reached.deadline, partial(self._expired, reached))

    def _free_agent(self, c: int, now: float) -> Agent | None:
        """The longest-idle free agent of campaign ``c``'s calling groups."""
        best = None
        for group in self.callers[c]:
            idle = self.centre.idle(group, now)
            if idle and (best is None or idle[0].idle_since < best.idle_since):
                best = idle[0]
        return best

    def _talk(self, agent: Agent, reached: _Reached, now: float) -> None:
        c = reached.campaign
        spec = self.scenario.outbound[c]
        reached.campaign = -1 - c  # taken: the copies in other groups' lines are skipped
        end = now + self.talk[c]() + self.wrap[c]()
        if spec.success > 0 and self.success[c]() < spec.success:
            self.counters.values["dialer_successes"][self.counters.cell(reached.dialled,
                                                                        c)] += 1
        self.centre.occupy(agent, now, end)

    def _expired(self, reached: _Reached, now: float) -> None:
        """The patience of an answered customer ran out: a nuisance call, unless taken."""
        if reached.campaign >= 0:
            cell = self.counters.cell(reached.dialled, reached.campaign)
            self.counters.values["outbound_abandoned"][cell] += 1
            reached.campaign = -1 - reached.campaign

    # --- statistics ---

    def end(self, now: float) -> None:
        self.counters.close()

    def metrics(self, intervals: slice, kinds: slice) -> dict[str, float]:
        """The dialer's counts (NaN in a contact type's row: they are not inbound)."""
        names = (*_COUNTS, "outbound_abandon_rate")
        if kinds != slice(None):
            return dict.fromkeys(names, math.nan)
        total = self.counters.total
        out: dict[str, float] = {n: int(total(n, intervals)) for n in _COUNTS}
        out["outbound_abandon_rate"] = ratio(out["outbound_abandoned"], out["dialer_reached"])
        return out

