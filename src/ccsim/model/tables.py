"""The tables of a run, from its folded statistics (:class:`~ccsim.model.metrics.Tally`).

The metrics of any part of a run — the whole measured window, one interval, one contact
type, one agent group — are computed the same way: the counters of that part are summed
(:class:`Sums`) and the ratios formed from the sums, never averaged from finer ratios.
Each metric is defined in :mod:`ccsim.model.registry`; a rate whose denominator is zero
is NaN, never 0.

Agent metrics (``occupancy``, ``occupancy_drain``) belong to the agents, not to a contact
type: they are given for the whole centre and per group, and NaN in a contact type's row.
``occupancy_drain`` counts the agents' work after the horizon (finishing the contacts in
hand) as both busy and staffed time, in the last interval: the definition of tools that
count an agent until they log off.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ccsim.model.axes import CORE_OUTCOMES
from ccsim.model.contacts import Outcome
from ccsim.model.metrics import _EDGES, Tally
from ccsim.model.registry import METRICS, derived, outside, unregistered

if TYPE_CHECKING:
    from ccsim.model.axes import Axes
    from ccsim.scenario import Scenario

#: A row of a table: its labels (interval, contact type, agent group) and metrics.
Row = dict[str, Any]
#: A policy's metrics over a part of the run: ``measure(intervals, kinds)``.
Measure = Callable[[slice, slice], dict[str, float]]


@dataclass(frozen=True)
class Columns:
    """What a run's tables hold beyond the core counters: which ``sl_*`` column is the
    headline ``service_level``, the installed policies' metrics, the outcomes reported
    (the tally's axes say which) and the scenario that derived metrics read."""

    service_level: str = "offered"
    measures: tuple[Measure, ...] = ()
    outcomes: tuple[Outcome, ...] = CORE_OUTCOMES
    scenario: Scenario | None = None

    @property
    def outside(self) -> tuple[Outcome, ...]:
        """The outcomes reported that are outside the line's service (Metric.outside)."""
        return outside(self.outcomes)


@dataclass(frozen=True)
class Sums:
    """The counters of one part of a run, summed. Times are seconds."""

    offered: int
    counts: np.ndarray  #: contacts per Outcome
    in_sl: int  #: answered within the threshold
    short: int  #: abandoned within the threshold
    expected: float  #: arrivals the forecast expected
    waited: int  #: contacts that waited at all
    wait_answered: float
    wait_all: float
    hist: np.ndarray  #: the wait histogram
    busy: float = math.nan  #: agents' busy time (NaN: not an agent part)
    staffed: float = math.nan
    drain: float = 0.0  #: busy time after the horizon


def contact_sums(tally: Tally, intervals: slice, kinds: slice) -> Sums:
    """The contact counters of the first attempts of ``intervals`` × ``kinds`` (no agent
    time)."""
    first = tally.first
    return Sums(
        offered=int(first.offered[intervals, kinds].sum()),
        counts=first.counts[:, intervals, kinds].sum(axis=(1, 2)),
        in_sl=int(first.in_sl[intervals, kinds].sum()),
        short=int(first.short[intervals, kinds].sum()),
        expected=float(tally.expected[intervals, kinds].sum()),
        waited=int(first.waited[intervals, kinds].sum()),
        wait_answered=float(first.wait_answered[intervals, kinds].sum()),
        wait_all=float(first.wait_all[intervals, kinds].sum()),
        hist=first.hist[intervals, kinds].sum(axis=(0, 1)),
    )


def metrics(
    sums: Sums, columns: Columns = Columns(), part: tuple[slice, slice] | None = None
) -> dict[str, float]:
    """Every metric of the registry that ``sums`` defines, the policies' metrics of
    ``part`` (intervals, kinds) and the derived metrics, in registry order. A policy's
    metric that is not registered is an error (see :mod:`ccsim.model.registry`)."""
    outcomes = {o.column: int(sums.counts[o]) for o in columns.outcomes}
    answered = outcomes["answered"]
    # The line's own contacts: those offered less any outside its service (see Metric).
    offered = sums.offered - sum(outcomes[o.column] for o in columns.outside)
    p50, p90, p95 = quantiles(sums.hist, (0.5, 0.9, 0.95))
    levels = {
        "sl_offered": ratio(sums.in_sl, offered),
        "sl_answered": ratio(sums.in_sl, answered),
        "sl_nonshort": ratio(sums.in_sl, offered - sums.short),
        "sl_expected": ratio(sums.in_sl, sums.expected),
    }
    values = {
        "offered": sums.offered,
        **outcomes,
        "short_abandons": sums.short,
        "abandon_rate": ratio(outcomes["abandoned"], offered),
        "service_level": levels[f"sl_{columns.service_level}"],
        **levels,
        "asa": ratio(sums.wait_answered, answered),
        "mean_wait": ratio(sums.wait_all, offered),
        "wait_p50": p50,
        "wait_p90": p90,
        "wait_p95": p95,
        "p_wait": ratio(sums.waited, offered),
        "occupancy": ratio(sums.busy, sums.staffed),
        "occupancy_drain": ratio(sums.busy + sums.drain, sums.staffed + sums.drain),
    }
    if part is not None:
        for measure in columns.measures:
            theirs = measure(*part)
            unregistered(theirs, measure)
            values.update(theirs)
    derived(values, columns.scenario)
    return {name: values[name] for name in METRICS if name in values}


def _staffed(tally: Tally, intervals: slice, groups: slice) -> float:
    """Agent-seconds on duty: the roster's planned duty plus overtime (see
    :mod:`ccsim.model.roster`)."""
    scheduled = tally.scheduled[intervals, groups]
    return float((scheduled + tally.overtime[intervals, groups]).sum())


def _agent_sums(tally: Tally, sums: Sums, intervals: slice, groups: slice, last: bool) -> Sums:
    """``sums`` with the agent time of ``groups`` in ``intervals`` (and the drain after the
    horizon when ``last``: the part ends with the run)."""
    return Sums(
        **{**sums.__dict__,
           "busy": float(tally.busy_time[intervals, groups].sum()),
           "staffed": _staffed(tally, intervals, groups),
           "drain": float(tally.drain[groups].sum()) if last else 0.0},
    )


def summary(tally: Tally, columns: Columns = Columns()) -> dict[str, float]:
    """The metrics over the measured window."""
    window, every = slice(tally.axes.warmup, None), slice(None)
    sums = _agent_sums(tally, contact_sums(tally, window, every), window, every, True)
    return metrics(sums, columns, (window, every))


@dataclass(frozen=True)
class Part:
    """A row label of the per-type tables: a contact type (``segment`` None: over all its
    segments) or one of its segments, and its contact classes."""

    contact_type: str
    segment: str | None
    classes: slice

    def labels(self, segmented: bool) -> Row:
        """Its label columns: ``contact_type``, and ``segment`` in a run with segments
        (``all`` for a type's row)."""
        if not segmented:
            return {"contact_type": self.contact_type}
        return {"contact_type": self.contact_type, "segment": self.segment or "all"}


def parts_of(scenario: Scenario, axes: Axes) -> list[Part]:
    """Each contact type's row, followed by its segments' rows where it has segments."""
    parts = []
    for k, spec in enumerate(scenario.contact_types):
        classes = axes.classes_of(k)
        parts.append(Part(spec.name, None, classes))
        for j, segment in enumerate(spec.segments or ()):
            parts.append(Part(spec.name, segment.name,
                              slice(classes.start + j, classes.start + j + 1)))
    return parts


#: The whole centre's row.
ALL = Part("all", None, slice(None))


def type_rows(tally: Tally, parts: list[Part], columns: Columns = Columns()) -> list[Row]:
    """The ``all`` row (the summary), then one row per part (contact type, and segment of
    a type with segments), over the measured window."""
    window, segmented = slice(tally.axes.warmup, None), tally.axes.segmented
    rows = [{**ALL.labels(segmented), **summary(tally, columns)}]
    for part in parts:
        values = metrics(contact_sums(tally, window, part.classes), columns,
                         (window, part.classes))
        rows.append({**part.labels(segmented), **values})
    return rows


@dataclass(frozen=True)
class Channel:
    """A row label of the channels table: a channel (``voice``, ``chat``, ``email``, ...)
    and its contact classes, as index slices: one where its contact types are listed
    together in the scenario, else one per stretch of them."""

    name: str
    classes: tuple[slice, ...]


def channels_of(scenario: Scenario, axes: Axes) -> list[Channel]:
    """The channels of ``scenario``'s contact types, in the order they first appear."""
    classes: dict[str, list[int]] = {}
    for k, spec in enumerate(scenario.contact_types):
        of = axes.classes_of(k)
        classes.setdefault(spec.channel, []).extend(range(of.start, of.stop))
    channels = []
    for name, mine in classes.items():
        stretches: list[slice] = []
        for c in mine:
            if stretches and stretches[-1].stop == c:
                stretches[-1] = slice(stretches[-1].start, c + 1)
            else:
                stretches.append(slice(c, c + 1))
        channels.append(Channel(name, tuple(stretches)))
    return channels


def channel_rows(tally: Tally, channels: list[Channel],
                 columns: Columns = Columns()) -> list[Row]:
    """One row per channel over the measured window: the metrics of its contact types
    together, as a type's row has them. A policy's metrics of a part are asked of one
    index slice: a channel whose types are not listed together has the core metrics
    only (its policies' are NaN)."""
    window = slice(tally.axes.warmup, None)
    rows = []
    for channel in channels:
        if len(channel.classes) == 1:
            part = (window, channel.classes[0])
            values = metrics(contact_sums(tally, *part), columns, part)
        else:
            parts = [contact_sums(tally, window, c) for c in channel.classes]
            sums = Sums(**{f: sum((getattr(p, f) for p in parts[1:]), getattr(parts[0], f))
                           for f in Sums.__dataclass_fields__})
            values = metrics(sums, columns)
        rows.append({"channel": channel.name, **values})
    return rows


def day_rows(tally: Tally, days: list[int], columns: Columns = Columns(),
             part: Part = ALL) -> list[Row]:
    """One row per day of the measured window (``days[i]``: the day of interval ``i``,
    counted from the first): the whole centre's metrics over that day's intervals, as the
    summary's over the whole window — or, for a contact type's (or a segment's)
    ``part``, its metrics (no agent metrics, as in its row of the types table)."""
    rows: list[Row] = []
    every, n = slice(None), tally.axes.intervals
    which = part.classes
    start = tally.axes.warmup
    while start < n:
        end = start + 1
        while end < n and days[end] == days[start]:
            end += 1
        here = slice(start, end)
        sums = contact_sums(tally, here, which)
        if part is ALL:
            sums = _agent_sums(tally, sums, here, every, end == n)
        rows.append({"day": days[start], **metrics(sums, columns, (here, which))})
        start = end
    return rows


def interval_rows(
    tally: Tally, staff: np.ndarray, parts: list[Part], columns: Columns = Columns(), *,
    centre: bool = True
) -> list[Row]:
    """One row per measured interval and part (contact type, and segment of a type with
    segments), plus (unless ``centre`` is False) a row ``all`` per interval (the only one
    carrying agent metrics and ``staff``, which belong to agents)."""
    rows: list[Row] = []
    every, segmented = slice(None), tally.axes.segmented
    for i in range(tally.axes.warmup, tally.axes.intervals):
        here = slice(i, i + 1)
        for part in parts:
            values = metrics(contact_sums(tally, here, part.classes), columns,
                             (here, part.classes))
            rows.append({"interval": i, **part.labels(segmented), **values,
                         "staff": math.nan})
        if not centre:
            continue
        sums = _agent_sums(tally, contact_sums(tally, here, every), here, every,
                           i == tally.axes.intervals - 1)
        rows.append({"interval": i, **ALL.labels(segmented),
                     **metrics(sums, columns, (here, every)), "staff": int(staff[i].sum())})
    return rows


#: A policy's metrics of one agent group in one interval: ``measure(interval, group)``.
GroupMeasure = Callable[[int, int], dict[str, float]]


def group_rows(tally: Tally, staff: np.ndarray, group_names: list[str],
               measures: tuple[GroupMeasure, ...] = (),
               scenario: Scenario | None = None) -> list[Row]:
    """One row per measured interval and agent group: head count, busy and staffed
    agent-seconds, the agent-seconds of work after the horizon (``drain_time``, in the
    last interval only), occupancy without and with that drain; then the policies'
    ``measures`` (registered metrics only) and the derived metrics of ``scenario``."""
    rows: list[Row] = []
    for i in range(tally.axes.warmup, tally.axes.intervals):
        for g, name in enumerate(group_names):
            staffed = _staffed(tally, slice(i, i + 1), slice(g, g + 1))
            busy = float(tally.busy_time[i, g])
            drain = float(tally.drain[g]) if i == tally.axes.intervals - 1 else 0.0
            rows.append({
                "interval": i,
                "agent_group": name,
                "staff": int(staff[i, g]),
                "busy_time": busy,
                "staffed_time": staffed,
                "drain_time": drain,
                "occupancy": ratio(busy, staffed),
                "occupancy_drain": ratio(busy + drain, staffed + drain),
            })
            for measure in measures:
                theirs = measure(i, g)
                unregistered(theirs, measure)
                rows[-1].update(theirs)
            derived(rows[-1], scenario)
    return rows


def quantiles(hist: np.ndarray, qs: tuple[float, ...]) -> list[float]:
    """Quantiles (smallest x with F(x) >= q) of the waits in ``hist``, interpolated
    linearly within a bin."""
    cumulative = np.cumsum(hist)
    total = int(cumulative[-1])
    if total == 0:
        return [math.nan] * len(qs)
    targets = [q * total for q in qs]
    out = []
    for target, j in zip(targets, np.searchsorted(cumulative, targets).tolist(), strict=True):
        if j == 0:
            out.append(0.0)
            continue
        lo, hi = _EDGES[j], _EDGES[j + 1]
        out.append(float(lo + (target - int(cumulative[j - 1])) / int(hist[j]) * (hi - lo)))
    return out


def ratio(num: float, den: float) -> float:
    """``num / den``; NaN (never 0) when there is nothing to divide by."""
    if math.isnan(den) or den <= 0:
        return math.nan
    return float(num) / float(den)
