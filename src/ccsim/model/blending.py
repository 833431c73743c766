"""Blending rules: when an agent of a group that calls out starts an outbound call.

A rule is a small class with two questions, asked by the outbound policy
(:mod:`ccsim.model.outbound`) when outbound work is there to do:

* :meth:`Blend.before_inbound` — the agent is free: dial *before* looking for an inbound
  contact it could take?
* :meth:`Blend.when_idle` — the agent is free and no inbound contact it can take waits
  (``others_idle`` other agents of its group are idle): dial, or stay idle for inbound?

``pace`` is what the rule may read of the agent's quota: ``pace.behind(agent, now)``,
``pace.pace(agent, now)`` and ``pace.done(agent)`` (see :class:`Pace`).
A researcher's own rule is a subclass, given to
:class:`~ccsim.model.outbound.Outbound` by group name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ccsim.model.agents import Agent
    from ccsim.scenario import Blending


class Pace(Protocol):
    """What a rule may read of an agent's quota (the outbound policy answers)."""

    def behind(self, agent: Agent, now: float) -> bool:
        """Whether ``agent`` has done less than its quota's pace at ``now``."""
        ...

    def pace(self, agent: Agent, now: float) -> float:
        """``agent``'s quota × the share of its planned time on duty elapsed at ``now``."""
        ...

    def done(self, agent: Agent) -> int:
        """What counts toward ``agent``'s quota so far."""
        ...


class Blend:
    """Inbound first: an outbound call only when no inbound contact the agent can take
    waits (the rule of :class:`InboundFirst`)."""

    def before_inbound(self, agent: Agent, now: float, pace: Pace) -> bool:
        return False

    def when_idle(self, agent: Agent, now: float, pace: Pace, others_idle: int) -> bool:
        return True


class InboundFirst(Blend):
    """An outbound call only when no inbound contact the agent can take waits."""


class Reserve(Blend):
    """As :class:`InboundFirst`, and only while at least ``keep_idle`` other agents of the
    group stay idle for inbound (the classic threshold policy). Asked at every moment an
    agent frees, so no call is ever started that leaves fewer than ``keep_idle`` idle."""

    def __init__(self, keep_idle: int):
        self.keep_idle = keep_idle

    def when_idle(self, agent: Agent, now: float, pace: Pace, others_idle: int) -> bool:
        return others_idle >= self.keep_idle


class QuotaFirst(Blend):
    """An agent behind the pace of its quota dials even when inbound contacts wait; one
    on pace, as :class:`InboundFirst`."""

    def before_inbound(self, agent: Agent, now: float, pace: Pace) -> bool:
        return pace.behind(agent, now)


def rule_for(blending: Blending | None) -> Blend:
    """The rule a group's ``blending`` names (``None``: ``inbound_first``)."""
    if blending is None or blending.rule == "inbound_first":
        return InboundFirst()
    return Reserve(blending.keep_idle) if blending.rule == "reserve" else QuotaFirst()
