"""Channels other than the phone: chat, where an agent holds several conversations at once,
and deferrable work (e-mail, web forms, fax), which waits for an agent with nothing live.

A contact type with ``channel = "chat"`` is worked by groups with ``max_chats`` seats per
agent (1 if not given). ``slowdown = [1.0, 1.2, 1.5]`` says how much longer a chat takes
while its agent holds 1, 2, 3 chats: its handle time (and wrap-up) is the work it needs
alone, done at speed ``1 / slowdown[j - 1]`` while the agent holds ``j`` (see
:mod:`ccsim.model.chat`). Here is what a planner writes, and the checks that a chat type
meets only what the chat model does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from pydantic import BeforeValidator, Field

from ccsim.scenario.errors import ScenarioError
from ccsim.scenario.fields import no_bool

if TYPE_CHECKING:
    from ccsim.scenario.demand import ContactType
    from ccsim.scenario.schema import Scenario
    from ccsim.scenario.workforce import AgentGroup

#: The channels of deferrable work: nobody hangs up; worked when nothing live waits.
DEFERRABLE = ("email", "web", "fax")

#: A factor of ``slowdown``: at least 1 (holding more chats never speeds an agent up).
Factor = Annotated[float, Field(ge=1, allow_inf_nan=False), BeforeValidator(no_bool)]
#: ``slowdown``: one factor per chat held, from 1.
Slowdown = Annotated[list[Factor], Field(min_length=1)]


def describe_slowdown(slowdown: list[float] | None) -> str:
    """``handle time × 1 with 1 chat held, × 1.25 with 2``"""
    if slowdown is None or all(f == 1 for f in slowdown):
        return "as long however many chats its agent holds"
    steps = ", ".join(f"× {f:g} with {j}" for j, f in enumerate(slowdown[1:], 2))
    return f"handle time × {slowdown[0]:g} with 1 chat held, {steps}"


def seats(s: Scenario, kind: str) -> int:
    """The most chats of type ``kind`` an agent of any group may hold at once."""
    return max((g.max_chats or 1) for g in s.agent_groups if kind in g.skills)


def pace(s: Scenario, group: AgentGroup) -> list[float]:
    """The slowdown of ``group``'s chat types (one factor per chat held, up to its
    ``max_chats``; all 1 where a type gives none)."""
    most = group.max_chats or 1
    paces = [_factors(c, most) for c in s.contact_types
             if c.channel == "chat" and c.name in group.skills]
    return paces[0] if paces else [1.0] * most


def _factors(c: ContactType, most: int) -> list[float]:
    return list(c.slowdown[:most]) if c.slowdown else [1.0] * most


def _deferrable(s: Scenario, c: ContactType, where: str) -> None:
    """A deferrable type has none of what a caller on the line does."""
    given = {"patience": c.patience is not None, "callbacks": s.callbacks_for(c) is not None,
             "redial": c.redial is not None, "repeat_delay": c.repeat_delay is not None,
             "segments": c.segments is not None, "max_waiting": c.max_waiting is not None,
             "max_wait": c.max_wait is not None, "at_close": c.at_close != "serve"}
    for key, set_ in given.items():
        if set_:
            why = {"patience": "nobody hangs up on deferrable work; it waits until handled",
                   "at_close": "items still waiting at closing are worked the next opening"
                   }.get(key, f"not available for {c.channel} yet")
            raise ScenarioError(f"set on a {c.channel} type: {why}; remove it"
                                + (" or set callbacks = false on the type"
                                   if key == "callbacks" else ""), f"{where}.{key}")
    if s.lines is not None:
        raise ScenarioError(f"counts phone lines, but the scenario has the {c.channel} type "
                            f"{c.name!r}, which takes none; remove 'lines'", "lines")
    for g in s.agent_groups:
        if c.name in g.skills and g.delay(c.name):
            raise ScenarioError(f"takes the {c.channel} type {c.name!r} after a delay: "
                                "deferrable work waits for a free agent anyway; list it "
                                "without 'after'", f"agent_groups[{g.name}].skills")


def _mix(s: Scenario, g: AgentGroup, chats: list[str], where: str) -> None:
    """``mix`` on a group that takes chat and calls, with none of what it does not do."""
    types = {c.name: c for c in s.contact_types}
    calls = [types[k] for k in g.skills if k not in chats and not types[k].deferrable]
    if not chats or not calls:
        raise ScenarioError("set, but the group takes " + ("no chat type" if not chats else
                                                           "no call (a live type not chat)")
                            + ": mix lets an agent holding chats take a call", f"{where}.mix")
    without = [what for what, given in (
        (f"take = {g.take!r}", g.take != "skill_order"),
        ("outbound calls", bool(g.outbound)),
        ("a delayed skill", any(g.delay(k) for k in g.skills)),
        ("callbacks", any(s.callbacks_for(c) for c in calls))) if given]
    if without:
        raise ScenarioError(f"not available with {without[0]} yet (mix takes calls in skill "
                            "order); remove it or set mix = false",
                            f"{where}.mix")


def channels(s: Scenario) -> None:
    """``slowdown`` only on a chat type, one factor per seat of its largest group;
    ``max_chats`` only on a group that takes chat; a chat type with none of the voice
    policies the chat model leaves out (callbacks, redials, repeats, phone lines, quotas,
    delayed overflow, a group's speed)."""
    chat = {c.name for c in s.contact_types if c.channel == "chat"}
    for c in s.contact_types:
        where = f"contact_types[{c.name}]"
        if c.backlog or c.backlog_age is not None:
            if not c.deferrable:
                key = "backlog" if c.backlog else "backlog_age"
                raise ScenarioError(f"set, but the type's channel is {c.channel!r}: only "
                                    "deferrable work (channel email, web or fax) waits over "
                                    "from before the start", f"{where}.{key}")
            if c.backlog_age is not None and not c.backlog:
                raise ScenarioError("set, but the type has no backlog (backlog = 0)",
                                    f"{where}.backlog_age")
        if c.deferrable:
            _deferrable(s, c, where)
        if c.channel != "chat":
            if c.slowdown is not None:
                raise ScenarioError(f"set, but the type's channel is {c.channel!r}: only a "
                                    "chat (channel = \"chat\") slows with the chats its "
                                    "agent holds", f"{where}.slowdown")
            continue
        most = seats(s, c.name)
        if c.slowdown is not None and len(c.slowdown) != most:
            raise ScenarioError(
                f"gives {len(c.slowdown)} factor(s), but the groups taking {c.name!r} hold "
                f"up to {most} chat(s) at once (max_chats): give one factor per chat held, "
                f"{most} in all", f"{where}.slowdown")
        for key, given in (("callbacks", s.callbacks_for(c) is not None),
                           ("redial", c.redial is not None),
                           ("repeat_delay", c.repeat_delay is not None)):
            if given:
                raise ScenarioError(f"not available for a chat yet (the chat model has "
                                    f"no {key.replace('_', ' ')}s); remove it"
                                    + (" or set callbacks = false on the type"
                                       if key == "callbacks" else ""), f"{where}.{key}")
    if chat and s.lines is not None:
        raise ScenarioError("counts phone lines, but the scenario has chat types "
                            f"({', '.join(sorted(chat))}), which take none; remove 'lines'",
                            "lines")
    for g in s.agent_groups:
        where = f"agent_groups[{g.name}]"
        takes = [k for k in g.skills if k in chat]
        if g.max_chats is not None and not takes:
            raise ScenarioError("set, but the group takes no chat type (a contact type "
                                "with channel = \"chat\") among its skills", f"{where}.max_chats")
        most = g.max_chats or 1
        for k in takes[1:]:
            first, other = (next(c for c in s.contact_types if c.name == n)
                            for n in (takes[0], k))
            if _factors(first, most) != _factors(other, most):
                raise ScenarioError(
                    f"takes the chat types {takes[0]!r} and {k!r}, which slow differently "
                    f"with the chats an agent holds ({_factors(first, most)} and "
                    f"{_factors(other, most)} up to its max_chats): an agent works at one "
                    "pace, so give them the same slowdown", f"{where}.skills")
        for k in takes:
            if g.delay(k):
                raise ScenarioError(f"takes the chat type {k!r} after a delay, which the "
                                    "chat model does not do yet; list it without 'after'",
                                    f"{where}.skills")
            if g.handle_scale and k in g.handle_scale:
                raise ScenarioError(f"scales the chat type {k!r}, which the chat model does "
                                    "not do yet (its speed is the type's slowdown)",
                                    f"{where}.handle_scale.{k}")
        if g.mix:
            _mix(s, g, takes, where)
        if takes and (g.quota is not None or g.pressure is not None):
            key = "quota" if g.quota is not None else "pressure"
            raise ScenarioError(f"set on a group that takes chat ({', '.join(takes)}), "
                                "which the chat model does not count towards a quota yet",
                                f"{where}.{key}")
