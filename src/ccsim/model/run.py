"""One run: the scenario's own policies and a researcher's, the centre they are installed
in, and its result."""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from os import PathLike

from ccsim.model.callbacks import CallbackPolicy
from ccsim.model.centre import Centre, RouterFactory
from ccsim.model.costs import Costs
from ccsim.model.deferred import Deferred
from ccsim.model.dialer import Dialer
from ccsim.model.hours import Hours
from ccsim.model.lines import Lines
from ccsim.model.outbound import Outbound
from ccsim.model.overflow import Overflow
from ccsim.model.policies import Policy, method
from ccsim.model.redials import Redials
from ccsim.model.repeats import Resolution
from ccsim.model.result import RunResult
from ccsim.model.routing import SkillRouter
from ccsim.model.rules import scenario_router
from ccsim.model.service import HandleScale
from ccsim.model.waiting_room import WaitingRoom
from ccsim.scenario import Scenario


def simulate(
    scenario: Scenario,
    seed: int = 0,
    *,
    trace: bool = False,
    router: RouterFactory = SkillRouter,
    policies: Iterable[Policy] = (),
) -> RunResult:
    """Simulate ``scenario`` once with random streams derived from ``seed``.

    The same scenario and seed give identical results. ``trace=True`` also returns one row
    per contact event in ``RunResult.trace``. ``router`` builds the routing rule from the
    agent groups and the queues (one per contact type). ``policies`` are installed after
    the scenario's own (``hours``, ``lines``, ``max_waiting``, ``callbacks``, ``resolution``,
    ``redial``, deferrable work, ``outbound``; a ``CallbackPolicy`` or ``Outbound`` among
    ``policies`` replaces the scenario's, e.g. with a rule of one's own); see
    :mod:`ccsim.model.policies`.
    """
    if not isinstance(scenario, Scenario):
        hint = " (read a file with ccsim.load_scenario(path))" if isinstance(
            scenario, str | PathLike) else " (build one with ccsim.Scenario(**keys))"
        raise TypeError(f"simulate() takes a ccsim.Scenario, not {type(scenario).__name__}"
                        f"{hint}")
    seed = _seed(seed)
    own: list[Policy] = []
    if any(c.hours and not c.deferrable for c in scenario.contact_types):
        own.append(Hours(scenario))
    if scenario.lines:  # a contact turned away as closed takes no line
        own.append(Lines(scenario.lines))
    if any(c.max_waiting for c in scenario.contact_types):
        own.append(WaitingRoom(scenario))
    policies = list(policies)
    given = any(isinstance(p, CallbackPolicy) for p in policies)  # with a rule of one's own
    if not given and any(scenario.callbacks_for(c) for c in scenario.contact_types):
        own.append(CallbackPolicy(scenario))
    if any(c.repeat_delay is not None for c in scenario.contact_types):
        own.append(Resolution(scenario))
    if any(c.redial is not None for c in scenario.contact_types):
        own.append(Redials(scenario))
    # Deferrable work: an idle agent's after a callback due, before an outbound call.
    if any(c.deferrable for c in scenario.contact_types):
        own.append(Deferred(scenario))
    if (any(c.dialer is None for c in scenario.outbound)
            and not any(isinstance(p, Outbound) for p in policies)):
        own.append(Outbound(scenario))
    if any(c.dialer is not None for c in scenario.outbound):
        own.append(Dialer(scenario))
    if any(g.delays for g in scenario.agent_groups):
        if router is not SkillRouter:
            raise ValueError("simulate(): the scenario's delayed skills (agent_groups.*."
                             "delays) need ccsim's own router; a router of one's own would "
                             "take such callers before their delay")
        own.append(Overflow(scenario))
    if any(g.handle_scale for g in scenario.agent_groups):
        own.append(HandleScale(scenario))
    if scenario.costs is not None:
        own.append(Costs(scenario))
    if router is SkillRouter:  # the scenario's rules, unless a router of one's own is given
        router = scenario_router(scenario, seed) or router
    centre = Centre(scenario, seed, trace=trace, router=router, policies=[*own, *policies])
    centre.run()
    result = centre.result()
    centre.close()
    # A policy of one's own may be installed in the next run and reset there: its metrics
    # are read now, not when the tables are first read. One that keeps none (an observer)
    # leaves the tables to be built when read, as a run without policies does.
    keeps = any(method(p, name) for p in policies for name in ("metrics", "group_metrics"))
    return result.build() if keeps else result


#: Run seeds are below this (an experiment's are 64-bit integers).
SEED_LIMIT = 2**64


def _seed(seed: object) -> int:
    """``seed`` as an int, or a ValueError naming it (not numpy's, deep in a stream)."""
    if (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)
            or not 0 <= int(seed) < SEED_LIMIT):
        raise ValueError(f"seed: must be a whole number from 0 to 2**64 - 1 (got {seed!r})")
    return int(seed)
