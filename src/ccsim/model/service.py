"""Service times: how long an agent is busy with a contact, decided when service starts.

A contact's talk time and wrap-up are drawn when it arrives, from the named streams of its
type, so the n-th contact of a type has the same draws in every variant of a sweep (common
random numbers). What the (agent, contact) pair then takes is decided in one place when
service starts: the ``service`` hooks of the installed policies, applied in turn to
``(talk, wrap_up)`` — a group's proficiency, an agent's quota pressure. With no such
hook the draws are used as they are, at no cost.

The chain records *why* talk changed: each hook says so in its ``talk_change``. A faster
agent (``"skill"``) holds the whole conversation in less time; an agent rushed by its
quota (``"pressure"``) cuts it short. :attr:`ServiceChain.pressed` is the share of talk
time the ``"pressure"`` hooks kept for the contact being served (1: none cut it), which
first-contact resolution reads (:mod:`ccsim.model.repeats`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ccsim.model.policies import Policy, hooks

if TYPE_CHECKING:
    from ccsim.model.agents import Agent
    from ccsim.model.contacts import Contact
    from ccsim.scenario import Scenario

#: The ``talk_change`` of a hook that cuts conversations short.
PRESSURE = "pressure"


class ServiceChain:
    """The ``service`` hooks of the installed policies, applied in policy order."""

    __slots__ = ("chain", "pressed")

    def __init__(self, policies: list[Policy]):
        self.chain = [(hook, getattr(hook.__self__, "talk_change", "other") == PRESSURE)
                      for hook in hooks(policies, "service")]
        #: the share of talk that pressure kept for the contact last served (1: whole)
        self.pressed = 1.0

    def __bool__(self) -> bool:
        return bool(self.chain)

    def __call__(self, agent: Agent, contact: Contact, now: float) -> tuple[float, float]:
        """The ``(talk, wrap_up)`` of ``agent`` serving ``contact`` at ``now``, seconds."""
        talk, wrap_up = contact.handle, contact.wrap_up
        pressed = 1.0
        for hook, pressure in self.chain:
            before = talk
            talk, wrap_up = hook(agent, contact, now, talk, wrap_up)
            if pressure and talk < before:
                pressed *= talk / before
        self.pressed = pressed
        return talk, wrap_up


class Proficiency(Policy):
    """Talk time scaled per agent group: ``factors[group name]`` (1 for a group not
    listed), e.g. 1.25 for a group that takes a quarter longer than the drawn time. The
    conversation is the same, in more or less time (``talk_change = "skill"``)."""

    talk_change = "skill"

    def __init__(self, factors: Mapping[str, float]):
        self.factors = dict(factors)

    def service(
        self, agent: Agent, contact: Contact, now: float, talk: float, wrap_up: float
    ) -> tuple[float, float]:
        return talk * self.factors.get(agent.group.name, 1.0), wrap_up


class HandleScale(Policy):
    """Talk time scaled per agent group and contact type: the groups' ``handle_scale``
    (a group faster on its own type, say: 0.75). The conversation is the same, in more or
    less time (``talk_change = "skill"``)."""

    talk_change = "skill"

    def __init__(self, scenario: Scenario):
        names = [c.name for c in scenario.contact_types]
        #: scale[g][k]: the factor of group g on type k
        self.scale = [[(g.handle_scale or {}).get(name, 1.0) for name in names]
                      for g in scenario.agent_groups]

    def service(
        self, agent: Agent, contact: Contact, now: float, talk: float, wrap_up: float
    ) -> tuple[float, float]:
        return talk * self.scale[agent.group.index][contact.kind], wrap_up
