"""Cross-checks between the parts of a scenario: one function per concept, each raising
:class:`ScenarioError` with the key path of the first mistake. :data:`CHECKS` runs in order
once every part has validated on its own; a new concept adds its function to the list."""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from pydantic import ValidationError

from ccsim.scenario.busyness import busyness
from ccsim.scenario.channels import channels
from ccsim.scenario.distributions import balk_on_patience_only
from ccsim.scenario.errors import ScenarioError, scenario_error
from ccsim.scenario.fields import DAY, WeeklyHours, describe_hours, windows
from ccsim.scenario.segments import RESERVED_SEGMENT_NAMES
from ccsim.scenario.shifts import days_in, duties
from ccsim.scenario.words import duration

if TYPE_CHECKING:
    from ccsim.scenario.schema import Scenario

#: Most reporting intervals in a horizon (statistics are kept per interval).
MAX_INTERVALS = 10_000


def unique_names(key: str, names: list[str]) -> None:
    for i, name in enumerate(names):
        if name in names[:i]:
            raise ScenarioError(f"the name {name!r} is used twice; names must be unique", key)


#: Contact type names the result tables use as labels: ``all`` is the whole-centre row
#: of the per-type tables (a type of that name would be merged with it).
RESERVED_TYPE_NAMES = ("all",)


def names(s: Scenario) -> None:
    """Contact types, groups and campaigns each have unique names; no contact type takes
    a name the tables use for a row of their own."""
    for c in s.contact_types:
        if c.name.casefold() in RESERVED_TYPE_NAMES:
            raise ScenarioError(
                f"the name {c.name!r} is reserved: the result tables call the whole centre "
                f"{RESERVED_TYPE_NAMES[0]!r}; choose another name", f"contact_types[{c.name}]")
    unique_names("contact_types", [c.name for c in s.contact_types])
    unique_names("agent_groups", [g.name for g in s.agent_groups])
    unique_names("outbound", [c.name for c in s.outbound])


def segments(s: Scenario) -> None:
    """A type's segments have unique names other than the tables' ``all``, and shares that
    add up to 1."""
    for c in s.contact_types:
        where = f"contact_types[{c.name}].segments"
        names = [g.name for g in c.segments or ()]
        for name in names:
            if name.casefold() in RESERVED_SEGMENT_NAMES:
                raise ScenarioError(f"the name {name!r} is reserved (the result tables call a "
                                    "type's row over every segment 'all'); choose another "
                                    "name", f"{where}[{name}]")
        unique_names(where, names)
        total = math.fsum(g.share for g in c.segments or [])
        if c.segments and abs(total - 1) > 1e-9:
            shares = ", ".join(f"{g.name} {g.share:g}" for g in c.segments)
            raise ScenarioError(f"the shares must add up to 1 (they add up to {total:g}: "
                                f"{shares})", where)


def skills(s: Scenario) -> None:
    """Every skill names a contact type, and every contact type is some group's skill."""
    types = {c.name for c in s.contact_types}
    for group in s.agent_groups:
        for skill in group.skills:
            if skill not in types:
                raise ScenarioError(
                    f"{skill!r} names no contact type; expected one of: {', '.join(types)}",
                    f"agent_groups[{group.name}].skills",
                )
    served = {skill for g in s.agent_groups for skill in g.skills}
    for c in s.contact_types:
        if c.name not in served:
            raise ScenarioError(
                "no agent group lists this contact type in its skills, so no contact "
                "of it could ever be answered",
                f"contact_types[{c.name}]",
            )


def selection(s: Scenario) -> None:
    """A type's ``agent_selection`` given as groups in order lists, once each, exactly the
    groups that take the type on arrival (those with it among their skills, not delayed)."""
    for c in s.contact_types:
        order = c.agent_selection
        if not isinstance(order, list):
            continue
        where = f"contact_types[{c.name}].agent_selection"
        able = [g.name for g in s.agent_groups if c.name in g.skills and not g.delay(c.name)]
        for i, name in enumerate(order):
            if name in order[:i]:
                raise ScenarioError(f"lists {name!r} twice; each group once", where)
            if name not in able:
                group = next((g for g in s.agent_groups if g.name == name), None)
                why = ("names no agent group" if group is None else
                       f"does not take {c.name!r} (not among its skills)"
                       if c.name not in group.skills else
                       f"takes {c.name!r} only after a delay, never on arrival")
                raise ScenarioError(f"{name!r} {why}; list the groups that take it on "
                                    f"arrival, in the order to try them: "
                                    f"{', '.join(able)}", where)
        missing = [name for name in able if name not in order]
        if missing:
            raise ScenarioError(f"leaves out {', '.join(map(repr, missing))}, which "
                                f"take{'s' if len(missing) == 1 else ''} {c.name!r} on "
                                "arrival: list every such group, in the order to try them",
                                where)


def resolution(s: Scenario) -> None:
    """``resolution_by_group`` names groups that take the type; ``repeat_delay`` is given
    exactly when some customer can call again (resolution below 1, or pressure that lowers
    the resolution of rushed conversations)."""
    for c in s.contact_types:
        for name in c.resolution_by_group or {}:
            group = next((g for g in s.agent_groups if g.name == name), None)
            if group is None or c.name not in group.skills:
                able = [g.name for g in s.agent_groups if c.name in g.skills]
                raise ScenarioError(
                    f"{name!r} names no agent group that takes {c.name!r}; expected one "
                    f"of: {', '.join(able)}",
                    f"contact_types[{c.name}].resolution_by_group",
                )
        rushed = [g.name for g in s.agent_groups if c.name in g.skills
                  and g.pressure is not None and g.pressure.resolution_elasticity > 0]
        if rushed and c.repeat_delay is None:
            raise ScenarioError(
                f"is required: the pressure on {', '.join(map(repr, rushed))} lowers "
                "the resolution of rushed conversations (resolution_elasticity > 0), "
                "and an unsettled customer calls again (or set resolution_elasticity "
                "= 0)", f"contact_types[{c.name}].repeat_delay")
        if c.repeat_delay is not None and not (c.repeats or rushed):
            raise ScenarioError(
                "set, but every contact is resolved (resolution 1, no quota pressure "
                "on the groups that take it): no customer calls again",
                f"contact_types[{c.name}].repeat_delay")


def outbound(s: Scenario) -> None:
    """Groups call campaigns that exist, every campaign is called by some group, and a quota
    that counts outbound conversations belongs to a group that makes them."""
    campaigns = [c.name for c in s.outbound]
    for group in s.agent_groups:
        for name in group.outbound:
            if name not in campaigns:
                raise ScenarioError(
                    f"{name!r} names no [[outbound]] campaign; expected one of: "
                    f"{', '.join(campaigns) or '(none defined)'}",
                    f"agent_groups[{group.name}].outbound",
                )
    called = {name for g in s.agent_groups for name in g.outbound}
    for campaign in s.outbound:
        if campaign.name not in called:
            raise ScenarioError(
                "no agent group lists this campaign in its 'outbound', so no call of it "
                "could ever be made", f"outbound[{campaign.name}]")
    for group in s.agent_groups:
        if group.quota is not None and group.quota.counts == "outbound" and not group.outbound:
            raise ScenarioError(
                "counts outbound conversations, but the group lists no 'outbound' "
                "campaign; list one, or count \"all\" contacts",
                f"agent_groups[{group.name}].quota.counts")


def reach(s: Scenario) -> None:
    """A campaign's ``reach`` given per interval has one share per interval."""
    for campaign in s.outbound:
        if isinstance(campaign.reach, list) and len(campaign.reach) != s.intervals:
            raise ScenarioError(f"gives {len(campaign.reach)} shares, one per interval; the "
                                f"horizon has {s.intervals} intervals",
                                f"outbound[{campaign.name}].reach")


def horizon(s: Scenario) -> None:
    """The horizon (given, or the length of the volumes) is a whole number of periods that
    every per-interval list matches, holds every scripted arrival, and outlasts the
    warm-up. Fills in ``horizon`` when it is not given."""
    for c in s.contact_types:
        daily = c.arrivals.volumes
        if c.arrivals.days is not None and daily and len(daily) * s.period != DAY:
            per_day = DAY / s.period
            wanted = (f"{per_day:g} intervals of {s.period:g} s" if per_day == int(per_day)
                      else f"a day, but {s.period:g} s does not divide a day")
            raise ScenarioError(f"with 'days', lists one day's volumes: {wanted} (got "
                                f"{len(daily)})", f"contact_types[{c.name}].arrivals.volumes")
    lengths = {c.name: len(v) for c in s.contact_types
               if (v := c.arrivals.over_horizon())}
    if "horizon" not in s.model_fields_set:
        if not lengths:
            raise ScenarioError(
                "is required when no contact type gives 'volumes' per interval", "horizon"
            )
        if len(set(lengths.values())) > 1:
            raise ScenarioError(
                f"contact types give different numbers of volumes {lengths}; "
                "give them all the same length or set 'horizon'",
                "contact_types",
            )
        object.__setattr__(s, "horizon", next(iter(lengths.values())) * s.period)
    n = s.horizon / s.period
    if abs(n - round(n)) > 1e-9:
        raise ScenarioError(
            f"must be a whole number of periods of {s.period:g} s (got {s.horizon:g} s)",
            "horizon",
        )
    n = round(n)
    if n > MAX_INTERVALS:
        raise ScenarioError(
            f"holds {n} intervals of {s.period:g} s, more than the {MAX_INTERVALS} "
            "a run can report; use a longer period",
            "horizon",
        )
    for c in s.contact_types:
        if c.arrivals.times and c.arrivals.times[-1] >= s.horizon:
            raise ScenarioError(
                f"must all be before the horizon ({s.horizon:g} s) "
                f"(got {c.arrivals.times[-1]:g} s)",
                f"contact_types[{c.name}].arrivals.times",
            )
    for c in s.contact_types:
        days = c.arrivals.days
        if days is not None and len(days) * DAY != s.horizon:
            raise ScenarioError(f"lists {len(days)} days but the horizon holds "
                                f"{s.horizon / DAY:g}", f"contact_types[{c.name}].arrivals.days")
    for name, length in lengths.items():
        if length != n:
            raise ScenarioError(
                f"lists {length} volumes but the horizon holds {n} intervals of "
                f"{s.period:g} s",
                f"contact_types[{name}].arrivals.volumes",
            )
    for group in s.agent_groups:
        if isinstance(group.staff, tuple) and len(group.staff) != n:
            raise ScenarioError(
                f"lists {len(group.staff)} head counts but the horizon holds {n} intervals",
                f"agent_groups[{group.name}].staff",
            )
    w = s.warmup / s.period
    if abs(w - round(w)) > 1e-9 or s.warmup >= s.horizon:
        raise ScenarioError(
            f"must be a whole number of periods ({s.period:g} s) shorter than the "
            f"horizon (got {s.warmup:g} s)",
            "warmup",
        )


def calling_hours(s: Scenario) -> None:
    """Every campaign's calling hours fall, at least in part, within the horizon."""
    for campaign in s.outbound:
        if not campaign.windows(s.start, s.horizon, s.start_day):
            raise ScenarioError(
                f"{_shown(campaign.hours)} never falls within the horizon ({_horizon(s)}), "
                "so no call of this campaign could ever be made",
                f"outbound[{campaign.name}].hours")


def _shown(hours: tuple[str, str] | WeeklyHours | None) -> str:
    """Hours as the message quotes them: ``['08:00', '20:00']``, or the weekday table in
    words (``mon–fri 08:00–20:00, sat–sun closed``)."""
    if isinstance(hours, dict):
        return describe_hours(hours)
    return str(list(hours or ()))


def _horizon(s: Scenario) -> str:
    """``86400 s from 06:00``; with a weekday table, the weekday too (``from sat 06:00``)."""
    return f"{s.horizon:g} s from {f'{s.start_day} ' if s.weekly else ''}{s.start}"


def opening_hours(s: Scenario) -> None:
    """Every type's opening hours fall, at least in part, within the horizon; only a type
    with hours has a rule for closing, and one that clears its queue then takes no
    callbacks (a callback request holds a place in the line that closing would drop)."""
    for c in s.contact_types:
        where = f"contact_types[{c.name}]"
        if c.hours is None:
            if c.at_close == "clear":  # "serve", the default, is what a type never closed does
                raise ScenarioError("'clear' set, but the type has no 'hours': it never "
                                    "closes", f"{where}.at_close")
            continue
        if not windows(c.hours, s.start, s.horizon, s.start_day):
            raise ScenarioError(
                f"{_shown(c.hours)} never falls within the horizon ({_horizon(s)}), so "
                + ("no item would ever be worked" if c.deferrable
                   else "every contact would be turned away"), f"{where}.hours")
        if c.at_close == "clear" and s.callbacks_for(c) is not None:
            raise ScenarioError(
                "'clear' cannot be combined with callbacks for this type yet (closing "
                "would drop the places that callback requests hold); use 'serve', or "
                "turn callbacks off for the type (callbacks = false)", f"{where}.at_close")


def shifts(s: Scenario) -> None:
    """Each shift plans one agent count per day of the horizon (when it gives a list), on
    days the horizon has, and every duty it plans ends within the horizon."""
    days = days_in(s.horizon)
    for group in s.agent_groups:
        for j, shift in enumerate(group.shifts or ()):
            where = f"agent_groups[{group.name}].shifts[{j}]"
            if not isinstance(shift.agents, int) and len(shift.agents) != days:
                raise ScenarioError(f"lists {len(shift.agents)} agent counts but the horizon "
                                    f"holds {days} day{'s' * (days > 1)} (one per day)",
                                    f"{where}.agents")
            late = [d for d in shift.days or () if d > days]
            if late:
                raise ScenarioError(f"names day {late[0]}, but the horizon holds {days} "
                                    f"day{'s' * (days > 1)} (numbered from 1)", f"{where}.days")
            past = next((d for d in duties([shift], s.start, s.horizon)
                         if d.off > s.horizon + 1e-9), None)
            if past is not None:
                raise ScenarioError(
                    f"runs on day {past.day} from {shift.start} for {duration(shift.length)}, "
                    f"past the end of the horizon ({duration(s.horizon)} from {s.start}); "
                    "leave that day out of its 'days' (or give it 0 agents)", where)


def staffed(s: Scenario) -> None:
    """Every group says who is on duty, by ``staff`` or ``shifts``: what a run needs.

    Not one of :data:`CHECKS`: a group with only ``shift_templates`` is valid, as what
    ``ccsim staff`` chooses shifts for; what runs or plans a scenario calls it first."""
    for group in s.agent_groups:
        if group.staff is None and group.shifts is None:
            raise ScenarioError(
                "has 'shift_templates' but no 'staff' or 'shifts': the templates say which "
                "shifts may be worked, not who works them; run `ccsim staff FILE --target "
                "...` first to choose the shifts (its plan.toml runs), or give the group "
                "'staff'", f"agent_groups[{group.name}]")


def costs(s: Scenario) -> None:
    """The costs name groups, contact types and campaigns that exist."""
    if s.costs is None:
        return
    for key, names, kind in (("agent_groups", [g.name for g in s.agent_groups], "agent group"),
                             ("per_contact", [c.name for c in s.contact_types], "contact type"),
                             ("per_success", [c.name for c in s.outbound], "outbound campaign")):
        for name in getattr(s.costs, key):
            if name not in names:
                close = difflib.get_close_matches(name, names, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                expected = f"one of: {', '.join(names)}" if names else f"no {kind} exists"
                raise ScenarioError(f"{name!r} names no {kind}{hint}; expected {expected}",
                                    f"costs.{key}.{name}")


def callbacks(s: Scenario) -> None:
    """Each type's callback keys, merged with the scenario's, make a whole policy."""
    for c in s.contact_types:
        try:
            s.callbacks_for(c)
        except ValidationError as error:
            found = scenario_error(error, {})
            where = f"contact_types[{c.name}].callbacks"
            path = ".".join(filter(None, (where, found.path)))
            raise ScenarioError(found.message, path) from None


#: The cross-checks, in the order they run (names before what refers to them by name).
CHECKS: list[Callable[[Scenario], None]] = [
    names, segments, skills, selection, resolution, outbound, horizon, reach, shifts, calling_hours,
    callbacks, opening_hours, costs, balk_on_patience_only, busyness,
    channels,
]
