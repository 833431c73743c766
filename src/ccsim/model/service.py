"""Service times: how long an agent is busy with a contact, decided when service starts.

A contact's talk time and wrap-up are drawn when it arrives, from the named streams of its
type, so the n-th contact of a type has the same draws in every variant of a sweep (common
random numbers). What the (agent, contact) pair then takes is decided in one place when
service starts: the ``service`` hooks of the installed policies, applied in turn to
``(talk, wrap_up)`` — a group's proficiency, an agent's quota pressure. With no such
hook the draws are used as they are, at no cost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from ccsim.model.policies import Policy, hooks

if TYPE_CHECKING:
    from ccsim.model.agents import Agent
    from ccsim.model.contacts import Contact

ServiceTimes = Callable[["Agent", "Contact", float], tuple[float, float]]


def service_times(policies: list[Policy]) -> ServiceTimes | None:
    """The service times of an (agent, contact) pair at ``now``, seconds, as the policies'
    ``service`` hooks make them; ``None`` when no policy has one (use the draws)."""
    chain = hooks(policies, "service")
    if not chain:
        return None

    def times(agent: Agent, contact: Contact, now: float) -> tuple[float, float]:
        talk, wrap_up = contact.handle, contact.wrap_up
        for hook in chain:
            talk, wrap_up = hook(agent, contact, now, talk, wrap_up)
        return talk, wrap_up

    return times


class Proficiency(Policy):
    """Talk time scaled per agent group: ``factors[group name]`` (1 for a group not
    listed), e.g. 1.25 for a group that takes a quarter longer than the drawn time."""

    def __init__(self, factors: Mapping[str, float]):
        self.factors = dict(factors)

    def service(
        self, agent: Agent, contact: Contact, now: float, talk: float, wrap_up: float
    ) -> tuple[float, float]:
        return talk * self.factors.get(agent.group.name, 1.0), wrap_up
