"""Scenarios for tests: a small base day with overrides (:func:`scenario`), and a hypothesis
strategy that draws *any valid scenario* (:func:`valid_scenarios`).

A draw is the table a planner would write in a scenario file (a ``dict``, durations as
numbers of seconds or strings with a unit), built so that it always validates: every key of
the schema can appear, in any mix, and the cross-checks of :mod:`ccsim.scenario.checks`
hold by construction (no ``assume``, so no draw is wasted). Draws stay small in contacts
(a few hundred per run at most), so that a run takes a fraction of a second even over two
days: the point is to reach every combination of features, not to load the model.
"""

from __future__ import annotations

import copy
import functools
import os
import typing
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from ccsim import Scenario

# --- the base day ----------------------------------------------------------------------

#: A plain day: one exponential contact type ``calls`` (4 min talk, 3 min patience, 160 an
#: hour) answered by one group ``agents`` of 10, in half-hour intervals over 8 hours.
BASE: dict[str, Any] = {
    "period": 1800,
    "horizon": 8 * 3600,
    "contact_types": [{"name": "calls", "arrivals": {"per_hour": 160.0},
                       "handle_time": {"dist": "exponential", "mean": 240.0},
                       "patience": {"dist": "exponential", "mean": 180.0}}],
    "agent_groups": [{"name": "agents", "skills": ["calls"], "staff": 10}],
}


def scenario_data(*, calls: dict[str, Any] | None = None, agents: dict[str, Any] | None = None,
                  **keys: Any) -> dict[str, Any]:
    """The :data:`BASE` table with ``keys`` replacing top-level keys, and ``calls`` /
    ``agents`` updating the one contact type / agent group (a value ``None`` removes the
    key: ``calls={"patience": None}`` is a type without patience)."""
    data = copy.deepcopy(BASE)
    for entry, update in ((data["contact_types"][0], calls), (data["agent_groups"][0], agents)):
        for key, value in (update or {}).items():
            if value is None:
                entry.pop(key, None)
            else:
                entry[key] = copy.deepcopy(value)
    data.update({k: copy.deepcopy(v) for k, v in keys.items() if v is not None})
    return data


def scenario(**overrides: Any) -> Scenario:
    """:func:`scenario_data` validated as a :class:`Scenario`."""
    return Scenario.from_dict(scenario_data(**overrides))


# --- settings profiles -----------------------------------------------------------------

def schema_models(model: type[BaseModel] = Scenario) -> set[type[BaseModel]]:
    """Every model class of the schema reachable from ``model`` through its fields'
    annotations (``Scenario``: the whole schema)."""
    seen: set[type[BaseModel]] = set()
    todo = [model]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for field in current.model_fields.values():
            stack = [field.annotation]
            while stack:
                tp = stack.pop()
                if isinstance(tp, type) and issubclass(tp, BaseModel):
                    todo.append(tp)
                stack.extend(typing.get_args(tp))
    return seen


# The whole-pipeline tests are slow per example (runs, files, charts): a few dozen draws
# by default, twice as many with HYPOTHESIS_PROFILE=ci (about 1.5 min more, so that CI's
# `make test` stays within its 10 minutes). Derandomised either way, so that a CI
# failure is the same failure on a laptop. No shrinking: a failing draw is printed as
# drawn, where shrinking one through whole runs would take many minutes.
settings.register_profile(
    "pipeline", deadline=None, derandomize=True, database=None, print_blob=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def pipeline_settings(examples: int = 30, ci: int = 60) -> settings:
    """The settings of a whole-pipeline test: ``examples`` draws, or ``ci`` draws when
    ``HYPOTHESIS_PROFILE=ci`` (as ``.ci/run`` sets it)."""
    count = ci if os.environ.get("HYPOTHESIS_PROFILE") == "ci" else examples
    return settings(settings.get_profile("pipeline"), max_examples=count)


# --- values ----------------------------------------------------------------------------


def _written(drawn: tuple[int, int]) -> int | str:
    seconds, form = drawn
    forms: list[int | str] = [seconds, f"{seconds}s"]
    if seconds % 60 == 0:
        forms.append(f"{seconds // 60}min")
    if seconds % 3600 == 0:
        forms.append(f"{seconds // 3600}h")
    return forms[form % len(forms)]


# Strategies are built once per argument: hypothesis validates each new strategy object,
# which costs more than drawing from it.
@functools.cache
def durations(low: int, high: int) -> st.SearchStrategy[int | str]:
    """A whole number of seconds in [low, high], written as a number or with a unit."""
    return st.tuples(st.integers(low, high), st.integers(0, 3)).map(_written)


def seconds(value: int | str) -> float:
    """The seconds a drawn duration stands for."""
    from ccsim.units import parse_duration

    return parse_duration(value)


shares = st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.8, 1.0])
cvs = st.sampled_from([0.3, 0.7, 1.0, 1.5])
#: The cv of a day's busyness factor: none, a forecast's error, the largest allowed.
busyness = st.sampled_from([0.0, 0.2, 1.0])


@functools.cache
def distributions(low: int, high: int) -> st.SearchStrategy[dict[str, Any]]:
    """A distribution table of every form, with a mean in [low, high] seconds."""
    values = st.lists(durations(0, high), min_size=1, max_size=4).filter(
        lambda vs: any(seconds(v) > 0 for v in vs))
    return st.one_of(
        st.builds(lambda m: {"dist": "exponential", "mean": m}, durations(low, high)),
        st.builds(lambda m, cv: {"dist": "lognormal", "mean": m, "cv": cv},
                  durations(low, high), cvs),
        st.builds(lambda m, cv: {"dist": "gamma", "mean": m, "cv": cv},
                  durations(low, high), cvs),
        st.builds(lambda v: {"dist": "constant", "value": v}, durations(low, high)),
        # uniform and triangular around a mean m, half-width w: min m − w, max m + w
        st.integers(low, high).flatmap(lambda m: st.builds(
            lambda w, form: {"dist": "uniform", "min": m - w, "max": m + w} if form
            else {"dist": "triangular", "min": m - w, "mode": m, "max": m + w},
            st.integers(1, max(1, m)), st.booleans())),
        st.builds(lambda vs: {"dist": "empirical", "values": vs}, values),
        st.builds(lambda vs: {"dist": "sequence", "values": vs}, values),
    )


@functools.cache
def delays(low: int, high: int) -> st.SearchStrategy[int | str | dict[str, Any]]:
    """A delay: a duration, or a distribution table."""
    return st.one_of(durations(low, high), distributions(low, high))


def _optional(draw: st.DrawFn, into: dict[str, Any], key: str,
              values: st.SearchStrategy[Any]) -> None:
    """Set ``into[key]`` to a draw of ``values``, or leave it out."""
    if draw(st.booleans()):
        into[key] = draw(values)


# --- callbacks -------------------------------------------------------------------------

_TRIGGERS = {"queue_at_least": st.integers(0, 4), "predicted_wait_above": durations(0, 300),
             "offer_after": durations(0, 120)}
#: Keys that tune the calls of any callback policy (reach and retries kept sane: work that
#: takes no time and achieves nothing is another issue's question, not this strategy's).
_TUNING = {"schedule": st.sampled_from(["when_idle", "priority", "deadline"]),
           "dial_time": durations(0, 30), "reach": st.sampled_from([0.5, 0.8, 1.0]),
           "retry_delay": durations(60, 900), "max_attempts": st.integers(1, 3),
           "talk_scale": st.sampled_from([0.5, 1.0, 1.5])}


@st.composite
def accept_curves(draw: st.DrawFn) -> list[list[Any]]:
    """``[[predicted wait, share], ...]`` with the waits increasing."""
    waits = sorted(draw(st.sets(st.integers(0, 900), min_size=1, max_size=3)))
    return [[draw(st.sampled_from([w, f"{w}s"])), draw(shares)] for w in waits]


@functools.cache
def recalls() -> st.SearchStrategy[dict[str, Any]]:
    """A ``[callbacks.abandoned]`` table."""
    return st.fixed_dictionaries({"share": shares, "delay": delays(60, 1800)},
                                 optional={"min_wait": durations(0, 120)})


@functools.cache
def follow_ups() -> st.SearchStrategy[dict[str, Any]]:
    """A ``[callbacks.follow_ups]`` table."""
    return st.fixed_dictionaries({"share": shares, "delay": delays(60, 1800)})


@st.composite
def callback_keys(draw: st.DrawFn, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """Callback keys that, over ``base`` (the scenario-wide ``[callbacks]`` table, or
    ``None``), make a whole policy: the ``[callbacks]`` table itself (``base`` None), or a
    contact type's own ``callbacks`` table. Any mix of an offer (window or keep_place, with
    or without a promise, a share or a curve), recalls, follow-ups and tuning keys."""
    base = base or {}
    keys: dict[str, Any] = {}
    for key in draw(st.sets(st.sampled_from(sorted(_TRIGGERS)), max_size=2)):
        keys[key] = draw(_TRIGGERS[key])
    _optional(draw, keys, "accept", st.one_of(shares, accept_curves()))
    _optional(draw, keys, "mode", st.sampled_from(["window", "keep_place"]))
    _optional(draw, keys, "promise", durations(600, 7200))
    for key in draw(st.sets(st.sampled_from(sorted(_TUNING)), max_size=3)):
        keys[key] = draw(_TUNING[key])
    _optional(draw, keys, "abandoned", st.one_of(st.just(False), recalls()))
    _optional(draw, keys, "follow_ups", st.one_of(st.just(False), follow_ups()))
    # Repaired into a whole policy, as Callbacks._complete wants it.
    merged = {**base, **keys}
    if any(merged.get(k) is not None for k in _TRIGGERS):
        if merged.get("accept") is None:
            keys["accept"] = draw(shares)
        if merged.get("mode") != "keep_place" and merged.get("promise") is None:
            keys["promise"] = draw(durations(600, 7200))
    else:
        for key in ("accept", "mode", "promise"):
            keys.pop(key, None)
        if not (merged.get("abandoned") or merged.get("follow_ups")):
            keys["abandoned"] = draw(recalls())  # a recall-only policy
    return keys


# --- the scenario ----------------------------------------------------------------------

# Names as planners write them too: spaces, punctuation, markup, accents, a dot.
_TYPE_NAMES = ("general", "Billing & Co", "<sales>", "tier 2, \"VIP\"")
_GROUP_NAMES = ("agents", "Équipe B", "team.c")
_CAMPAIGN_NAMES = ("leads", "win-back 50%")


@st.composite
def _horizon(draw: st.DrawFn) -> dict[str, Any]:
    """Period, number of intervals and arrival rates: a few hours in short intervals, or
    one or two days of hours with few contacts."""
    days = draw(st.sampled_from([0, 0, 0, 1, 2]))
    if days:
        return {"period": 3600, "intervals": 24 * days, "per_hour": (0.5, 4.0)}
    period = draw(st.sampled_from([900, 1800, 3600]))
    intervals = draw(st.integers(2, max(2, 4 * 3600 // period)))
    return {"period": period, "intervals": intervals, "per_hour": (5.0, 80.0)}


@st.composite
def _arrivals(draw: st.DrawFn, shape: dict[str, Any], horizon: float) -> dict[str, Any]:
    low, high = shape["per_hour"]
    form = draw(st.sampled_from(["per_hour", "volumes", "times"]))
    if form == "per_hour":
        return {"per_hour": draw(st.floats(low, high).map(lambda x: round(x, 2)))}
    if form == "volumes":
        most = max(1, round(high * shape["period"] / 3600))
        volumes = draw(st.lists(st.integers(0, most), min_size=shape["intervals"],
                                max_size=shape["intervals"]).filter(any))
        return {"volumes": volumes}
    times = sorted(draw(st.lists(st.integers(0, int(horizon) - 1), min_size=1, max_size=15)))
    return {"times": times}


def _staff(draw: st.DrawFn, n: int) -> int | list[int]:
    if draw(st.integers(0, 9)) == 0:
        return 0  # a team that never works: legal, and everything must still add up
    if draw(st.booleans()):
        return draw(st.integers(1, 8))
    return draw(st.lists(st.integers(0, 8), min_size=n, max_size=n).filter(any))


def _clock(seconds_of_day: float) -> str:
    minutes = int(seconds_of_day // 60) % (24 * 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def _campaign(draw: st.DrawFn, name: str, start: str, horizon: float) -> dict[str, Any]:
    campaign: dict[str, Any] = {
        "name": name,
        # Every attempt takes time, and the list is bounded on long horizons: the runs stay
        # short whatever the agents do.
        "dial_time": draw(durations(10, 60)),
        "handle_time": draw(distributions(60, 420)),
        "success": draw(shares),
    }
    if horizon > 6 * 3600 or draw(st.booleans()):
        campaign["list_size"] = draw(st.integers(1, 60))
    _optional(draw, campaign, "reach", st.sampled_from([0.3, 0.7, 1.0]))
    _optional(draw, campaign, "wrap_up", distributions(5, 60))
    if draw(st.booleans()):
        opens = int(start[:2]) * 3600 + int(start[3:]) * 60
        if horizon >= 24 * 3600:
            campaign["hours"] = ["09:00", "17:00"]
        elif opens + horizon < 24 * 3600:  # calling hours inside the horizon, same day
            campaign["hours"] = [_clock(opens), _clock(opens + horizon)]
    return campaign


@st.composite
def _group(draw: st.DrawFn, name: str, skills: list[str], campaigns: list[str],
           n: int) -> dict[str, Any]:
    group: dict[str, Any] = {"name": name, "skills": skills, "staff": _staff(draw, n)}
    if campaigns:
        group["outbound"] = campaigns
    fewest = min((s for s in ([group["staff"]] if isinstance(group["staff"], int)
                              else group["staff"]) if s > 0), default=0)
    if draw(st.booleans()):
        counts = draw(st.sampled_from(["outbound", "all"] if campaigns else ["all"]))
        group["quota"] = {"daily": draw(st.integers(0, 40))}
        if counts == "all" or draw(st.booleans()):
            group["quota"]["counts"] = counts
        if draw(st.booleans()):
            group["pressure"] = draw(st.fixed_dictionaries({}, optional={
                "floor": st.sampled_from([0.3, 0.6, 1.0]),
                "slope": st.sampled_from([0.5, 2.0, 3.0]),
                "resolution_elasticity": st.sampled_from([0.0, 0.5, 1.0, 2.0])}))
    if campaigns and draw(st.booleans()):
        rules = ["inbound_first", "reserve"] + (["quota_first"] if "quota" in group else [])
        rule = draw(st.sampled_from(rules))
        group["blending"] = {} if rule == "inbound_first" and draw(st.booleans()) else {
            "rule": rule}
        if rule == "reserve" and fewest and draw(st.booleans()):
            # Below the team's smallest head count: at or above it nobody ever dials.
            group["blending"]["keep_idle"] = draw(st.integers(0, fewest - 1))
    return group


@st.composite
def valid_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """Any valid scenario table (see the module's docstring)."""
    shape = draw(_horizon())
    period, n = shape["period"], shape["intervals"]
    horizon = float(period * n)
    data: dict[str, Any] = {}
    _optional(draw, data, "name", st.sampled_from(["drawn day", "Ünïcode centre <b>&</b>"]))
    start = draw(st.sampled_from(["00:00", "08:00", "09:30", "22:00"]))
    if start != "00:00" or draw(st.booleans()):
        data["start"] = start
    data["period"] = draw(st.sampled_from(
        [period, f"{period // 60}min"] + ([f"{period // 3600}h"] if period % 3600 == 0
                                          else [])))
    if draw(st.booleans()):
        data["warmup"] = period * draw(st.integers(0, n - 1))
    _optional(draw, data, "lines", st.integers(1, 30))
    _optional(draw, data, "service_level", st.fixed_dictionaries({}, optional={
        "answer_within": durations(0, 120),
        "definition": st.sampled_from(["offered", "answered", "nonshort", "expected"])}))
    _optional(draw, data, "targets", st.fixed_dictionaries({}, optional={
        "service_level": shares, "abandon_rate": shares, "asa": durations(0, 300)}))
    if draw(st.booleans()):
        data["callbacks"] = draw(callback_keys())

    types = draw(st.lists(st.sampled_from(_TYPE_NAMES), min_size=1, max_size=3, unique=True))
    groups = draw(st.lists(st.sampled_from(_GROUP_NAMES), min_size=1, max_size=3, unique=True))
    campaigns = draw(st.lists(st.sampled_from(_CAMPAIGN_NAMES), max_size=2, unique=True))
    # Every type is some group's skill, every campaign some group's: one owner each, then
    # any extras, in a drawn order of preference.
    skills = {g: set() for g in groups}
    calls = {g: set() for g in groups}
    for t in types:
        skills[draw(st.sampled_from(groups))].add(t)
    for c in campaigns:
        calls[draw(st.sampled_from(groups))].add(c)
    for g in groups:
        skills[g] |= set(draw(st.lists(st.sampled_from(types), max_size=len(types))))
        calls[g] |= set(draw(st.lists(st.sampled_from(campaigns), max_size=len(campaigns)))
                        if campaigns else [])
        if not skills[g]:
            skills[g].add(draw(st.sampled_from(types)))
    data["agent_groups"] = [
        draw(_group(g, draw(st.permutations(sorted(skills[g]))),
                    draw(st.permutations(sorted(calls[g]))), n)) for g in groups]
    if not any(g["staff"] for g in data["agent_groups"]):
        data["agent_groups"][0]["staff"] = draw(st.integers(1, 8))  # someone works
    if campaigns:
        data["outbound"] = [draw(_campaign(c, start, horizon)) for c in campaigns]

    data["contact_types"] = [draw(_contact_type(t, data, shape, horizon)) for t in types]
    # Busyness scales Poisson arrivals: the scenario's only when no type is scripted.
    if all("times" not in c["arrivals"] for c in data["contact_types"]):
        _optional(draw, data, "busyness", st.fixed_dictionaries({"cv": busyness}))
    if any("volumes" not in c["arrivals"] for c in data["contact_types"]) or draw(st.booleans()):
        data["horizon"] = draw(st.sampled_from(
            [horizon, f"{horizon / 3600:g}h"] if horizon % 3600 == 0 else [horizon]))
    return data


@st.composite
def _contact_type(draw: st.DrawFn, name: str, data: dict[str, Any], shape: dict[str, Any],
                  horizon: float) -> dict[str, Any]:
    contact: dict[str, Any] = {"name": name, "arrivals": draw(_arrivals(shape, horizon)),
                               "handle_time": draw(distributions(30, 480))}
    _optional(draw, contact, "channel", st.just("voice"))
    _optional(draw, contact, "wrap_up", distributions(5, 60))
    _optional(draw, contact, "patience", distributions(20, 600))
    if "patience" in contact and draw(st.integers(0, 3)) == 0:
        contact["patience"] = {**contact["patience"], "balk": draw(shares)}
    if "times" not in contact["arrivals"] and draw(st.integers(0, 3)) == 0:
        contact["arrivals"]["busyness"] = {"cv": draw(busyness)}
    if draw(st.integers(0, 3)) == 0:
        contact["callbacks"] = False
    elif draw(st.booleans()):
        contact["callbacks"] = draw(callback_keys(data.get("callbacks")))
    takers = [g for g in data["agent_groups"] if name in g["skills"]]
    if draw(st.booleans()):
        contact["resolution"] = draw(st.sampled_from([0.4, 0.7, 0.9, 1.0]))
    if draw(st.integers(0, 3)) == 0:
        named = draw(st.lists(st.sampled_from([g["name"] for g in takers]), min_size=1,
                              unique=True))
        contact["resolution_by_group"] = {g: draw(st.sampled_from([0.5, 0.8, 1.0]))
                                          for g in named}
    # repeat_delay exactly when some customer can call again: resolution below 1, or a
    # group under pressure that rushes (and so unsettles) its conversations.
    repeats = contact.get("resolution", 1.0) < 1 or any(
        p < 1 for p in contact.get("resolution_by_group", {}).values())
    rushed = any(g.get("pressure", {"resolution_elasticity": 0}).get(
        "resolution_elasticity", 1.0) > 0 for g in takers if "pressure" in g)
    if repeats or rushed:
        contact["repeat_delay"] = draw(delays(300, 3600))
    return contact
