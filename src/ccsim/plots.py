"""Charts of experiment results (matplotlib, drawn off-screen).

Every chart is built on a :class:`matplotlib.figure.Figure` of its own — no pyplot, so no
global figure state and no GUI backend — and shows means over replications with their
95% confidence band (Student t, as in :meth:`Results.summary`).

* :func:`plot_metric` — one metric against the swept parameters;
* :func:`plot_metrics` — several metrics, a row of panels each (the staffing chart);
* :func:`plot_heatmap` — one metric over a grid of two swept parameters;
* :func:`plot_intervals` — service level and abandonment by interval of the day, for all
  contact types together and for each;
* :func:`plot_results` — (re)draw all charts of a results directory into its ``charts/``
  folder (``ccsim plot DIR``).

What every chart keeps to:

* **One factor per thing varied** (:func:`factors`): each swept key that takes more than
  one value, and the hand-made ``[[variants]]`` (their labels, the parameter column
  :data:`~ccsim.experiment.sweep.LABEL_COLUMN`; the keys they set belong to them and are
  no factors of their own). The first factor (a numeric one if any) is the x axis, the
  second gives one line per level, and each further one gives one panel per level, titled
  with it — so a line never joins variants that differ in anything but x. A heatmap takes
  the first two as its axes and the same panels for the rest.
* Axis labels, legends and titles say in words what was varied ("sales team staff",
  "staff of every team (× base)"), not key paths.
* Labels, units, display scale, range and which direction is better come from the metric
  registry (:mod:`ccsim.model.registry`): a band is clipped to the metric's range (a share
  stays within 0–100 %), and a heatmap runs from red (worse) to green (better).
* A scenario's ``[targets]`` are drawn as a dotted line labelled "target".
* Variants that ran the same scenario are drawn once, under all their names "A = B"
  (:func:`distinct`); a variant the interval chart leaves out is named below it.
* A heatmap's colours span the metric's natural scale (0–100 % for a share, from 0 for a
  time), not only the values found, so that a 1.6-point spread does not look like a large
  one; its colour bar says the range of the cells.
* Titles say how many replications finished ("9–11 of 100 replications per variant
  finished" after an interrupted run); legends sit below the axes, never on the data.

Where Erlang A models the scenarios (see :func:`erlang_a_applies`) the metric charts also
draw its prediction: a per-interval, *pooled* approximation (see :func:`pooled_erlang_a`),
labelled as such.
"""

from __future__ import annotations

import itertools
import json
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccsim.experiment.store import CHARTS_DIR
from ccsim.experiment.sweep import LABEL_COLUMN
from ccsim.model import registry
from ccsim.units import format_duration, parse_duration

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.colors import Colormap, Normalize
    from matplotlib.figure import Figure

    from ccsim.experiment import Results
    from ccsim.scenario import Scenario

#: The metrics of the overview chart, in panel order.
KEY_METRICS = ("service_level", "asa", "mean_wait", "abandon_rate", "occupancy", "wait_p90")
#: Added to the overview when the runs report them (a policy was installed).
POLICY_METRICS = ("callbacks_accepted", "callback_delay_mean", "promise_kept",
                  "recalls_completed", "recall_delay_mean", "followups_completed",
                  "followup_delay_mean", "outbound_successes", "quota_attainment",
                  "resolution_rate", "repeat_contacts")
#: The metrics drawn as heatmaps of a sweep over two or more factors.
HEATMAP_METRICS = ("service_level", "asa", "abandon_rate", "occupancy")
#: What the pooled Erlang-A approximation models, as key paths of
#: :meth:`Scenario.used_keys` (a path allows every key under it). A scenario that sets
#: anything else — lines, scripted arrival times, a policy added later — gets no Erlang
#: line: a new feature is left out until it is added here.
ERLANG_A_MODELS = frozenset({
    "name", "start", "period", "horizon", "warmup", "service_level.answer_within", "targets",
    "contact_types.*.name", "contact_types.*.arrivals.per_hour",
    "contact_types.*.arrivals.volumes", "contact_types.*.handle_time",
    "contact_types.*.wrap_up", "contact_types.*.patience",
    "agent_groups.*.name", "agent_groups.*.skills", "agent_groups.*.staff",
})
ERLANG_LABEL = "Erlang A (pooled, per interval)"
TARGET_LABEL = "target"
#: The metrics a scenario's ``[targets]`` may set (the fields of ``Scenario.targets``).
TARGETS = ("service_level", "abandon_rate", "asa")
#: At most this many variants get a line of their own in the interval chart.
_MAX_LINES = 5
#: A numeric axis of at most this many swept values is ticked at exactly those values.
_MAX_TICKS = 12
#: A factor that is no parameter column: the variants' labels themselves.
_VARIANT = "variant"


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _label(metric: str, scenarios: Sequence[Scenario] = ()) -> str:
    """An axis label: the metric's label, for a service level its threshold when all
    ``scenarios`` share one, and its display unit."""
    m = registry.metric(metric)
    label = m.label
    within = {s.service_level.answer_within for s in scenarios}
    if (metric == "service_level" or metric.startswith("sl_")) and len(within) == 1:
        label += f" within {format_duration(within.pop())}"
    return f"{label} ({m.unit})" if m.unit else label


def _factor(metric: str) -> float:
    """From the stored value (a fraction for shares) to the displayed one (%)."""
    return registry.metric(metric).scale


def _band(metric: str, mean: np.ndarray, half: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ends of the 95% band ``mean ± half`` (displayed units), clipped to the metric's
    range: a t interval of few replications can reach past 100 % or below 0, values the
    metric cannot take."""
    import numpy as np

    m = registry.metric(metric)
    return (np.maximum(mean - half, m.low * m.scale), np.minimum(mean + half, m.high * m.scale))


# --- what was varied ---------------------------------------------------------------------


@dataclass(frozen=True)
class Factor:
    """One thing varied across the variants of an experiment.

    ``column`` is a parameter column (a key, ``key:scale``, :data:`LABEL_COLUMN`), or
    ``"variant"`` for the variants' labels; ``levels`` its distinct values in axis order;
    ``numbers`` the levels as positions on a numeric axis in ``unit`` (durations in
    seconds or minutes), or None when they are categories; ``codes`` each variant's
    level, as an index into ``levels``, in the experiment's order.
    """

    column: str
    levels: tuple[Any, ...]
    numbers: tuple[float, ...] | None
    unit: str
    codes: tuple[int, ...]


def factors(results: Results) -> list[Factor]:
    """What was varied, as factors (see the module docstring): numeric ones first, the
    hand-made variants last. Empty for one variant."""
    params = [v["parameters"] for v in results.manifest["variants"]]
    columns = results.parameters
    if LABEL_COLUMN in columns:  # the keys hand-made variants set follow their label
        columns = [c for c in columns if c == LABEL_COLUMN or not _follows(params, c)]
    elif any(c not in p for p in params for c in columns):
        # Results of hand-made variants written before LABEL_COLUMN: their labels.
        columns = []
        if len(params) > 1:
            return [_make_factor(_VARIANT, results.variants)]
    found = [_make_factor(c, [p.get(c) for p in params]) for c in columns]
    found = [f for f in found if len(f.levels) > 1]
    return sorted(found, key=lambda f: (f.numbers is None, f.column == LABEL_COLUMN))


def _follows(params: list[dict[str, Any]], column: str) -> bool:
    """Whether ``column`` takes one value within each hand-made variant."""
    seen: dict[str, str] = {}
    return all(
        seen.setdefault(p[LABEL_COLUMN], repr(p.get(column))) == repr(p.get(column))
        for p in params
    )


def _make_factor(column: str, values: list[Any]) -> Factor:
    keys = list(dict.fromkeys(repr(v) for v in values))
    distinct = [values[[repr(v) for v in values].index(k)] for k in keys]
    axis = _numeric(distinct)
    order = list(range(len(distinct)))
    if axis is not None:
        order.sort(key=lambda i: axis[0][i])
    levels = tuple(distinct[i] for i in order)
    codes = tuple(order.index(keys.index(repr(v))) for v in values)
    numbers = tuple(axis[0][i] for i in order) if axis is not None else None
    return Factor(column, levels, numbers, axis[1] if axis is not None else "", codes)


def _numeric(values: Sequence[Any]) -> tuple[list[float], str] | None:
    """Parameter values as numbers for an axis, and the unit they are shown in: numbers as
    they are, durations ("2min") in seconds or minutes; None when not all are numeric."""
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return [float(v) for v in values], ""
    if all(isinstance(v, str) for v in values):
        try:
            seconds = [parse_duration(v) for v in values]
        except ValueError:
            return None
        if min(seconds) >= 60:
            return [s / 60 for s in seconds], "min"
        return seconds, "s"
    return None


def describe(column: str) -> str:
    """A parameter column in words: ``agent_groups.sales.staff`` → "sales team staff",
    ``agent_groups.*.staff:scale`` → "staff of every team", ``contact_types.billing.
    patience.mean`` → "billing mean patience"."""
    if column in (LABEL_COLUMN, _VARIANT):
        return "variant"
    parts = column.removesuffix(":scale").split(".")
    owner, every = "", ""
    if parts[0] in ("agent_groups", "contact_types") and len(parts) > 2:
        kind = "team" if parts[0] == "agent_groups" else "contact type"
        name, parts = parts[1], parts[2:]
        if name == "*":
            every = f" of every {kind}"
        else:
            owner = f"{name} team " if kind == "team" else f"{name} "
    if len(parts) > 1 and parts[-1] == "mean":
        parts = ["mean", *parts[:-1]]
    return owner + " ".join(p.replace("_", " ") for p in parts) + every


def _axis_label(factor: Factor) -> str:
    if factor.column.endswith(":scale"):
        return f"{describe(factor.column)} (× base)"
    unit = f" ({factor.unit})" if factor.unit else ""
    return describe(factor.column) + unit


def _tick(factor: Factor, value: Any) -> str:
    """A level as a tick shows it: ``×0.9``, ``2min``, ``12``, a variant's label."""
    if factor.column.endswith(":scale"):
        return f"×{value:g}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _level(factor: Factor, index: int) -> str:
    """A level as a legend or a panel title shows it: "sales team staff = 12", "staff of
    every team ×0.9", a hand-made variant's label."""
    value = factor.levels[index]
    if factor.column in (LABEL_COLUMN, _VARIANT):
        return str(value)
    if factor.column.endswith(":scale"):
        return f"{describe(factor.column)} ×{value:g}"
    return f"{describe(factor.column)} = {_tick(factor, value)}"


@dataclass(frozen=True)
class _Plan:
    """Which factor is the x axis, which one gives the lines (or a heatmap's rows), and
    the panels: (title, variants in it) for each combination of levels of the rest."""

    x: Factor
    hue: Factor | None
    panels: list[tuple[str, list[int]]]


def _plan(results: Results, x: str | None = None, y: str | None = None) -> _Plan:
    found = factors(results) or [_make_factor(_VARIANT, results.variants)]
    for wanted in (y, x):  # x first, then y
        if wanted is not None:
            chosen = next((f for f in found if f.column == wanted), None)
            if chosen is None:
                raise ValueError(f"{wanted!r} is not a swept parameter; expected one of: "
                                 f"{', '.join(f.column for f in found)}")
            found = [chosen, *(f for f in found if f is not chosen)]
    if y is not None and x is None and len(found) > 1:
        found[0], found[1] = found[1], found[0]
    rest = found[2:]
    panels = []
    for combination in itertools.product(*(range(len(f.levels)) for f in rest)):
        members = [i for i in range(len(results.variants))
                   if all(f.codes[i] == c for f, c in zip(rest, combination, strict=True))]
        title = ", ".join(_level(f, c) for f, c in zip(rest, combination, strict=True))
        if members:
            panels.append((title, members))
    return _Plan(found[0], found[1] if len(found) > 1 else None, panels)


# --- identical variants --------------------------------------------------------------------


def distinct(results: Results) -> Results:
    """``results`` with each set of variants that ran the same scenario kept once, under
    all their names joined (``"A = B"``): every variant runs on the same seeds, so
    identical variants give identical numbers, and a chart that drew each would show one
    thing as if it were several. ``results`` itself when no two variants are the same."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for v in results.manifest["variants"]:
        groups.setdefault(json.dumps(v["scenario"], sort_keys=True), []).append(v)
    if all(len(g) == 1 for g in groups.values()):
        return results
    from ccsim.experiment import Results as _Results

    rename = {g[0]["label"]: " = ".join(v["label"] for v in g) for g in groups.values()}
    variants = []
    for group in groups.values():  # in the order of each group's first variant
        first = group[0]
        params = dict(first["parameters"])
        if LABEL_COLUMN in params:  # the hand-made variants' own axis shows both names
            params[LABEL_COLUMN] = " = ".join(dict.fromkeys(
                str(v["parameters"].get(LABEL_COLUMN)) for v in group))
        variants.append({**first, "label": rename[first["label"]], "parameters": params})
    identical = [[v["label"] for v in g] for g in groups.values() if len(g) > 1]
    manifest = {**results.manifest, "variants": variants, "identical": identical}

    def relabel(table: pd.DataFrame) -> pd.DataFrame:
        if table.empty or "variant" not in table:
            return table
        kept = table[table["variant"].isin(rename)]
        return kept.assign(variant=kept["variant"].map(rename))

    return _Results(manifest, relabel(results.runs), relabel(results.types),
                    relabel(results.intervals), relabel(results.groups),
                    relabel(results.agents), out=results.out)


def _identical_note(results: Results) -> list[str]:
    """What :func:`distinct` drew once, in words (none when it merged nothing)."""
    merged = [" = ".join(names) for names in results.manifest.get("identical", [])]
    return ([f"Drawn once (the same scenario, so the same results): {'; '.join(merged)}."]
            if merged else [])


# --- notes and targets ----------------------------------------------------------------------


def finished_note(results: Results, labels: Sequence[str] | None = None) -> str:
    """How many replications of ``labels`` (default: every variant) finished, against how
    many the experiment asked for: "30 replications per variant", or after an interrupted
    run "9–11 of 100 replications per variant finished", and how many runs failed."""
    labels = list(labels) if labels is not None else results.variants
    runs = results.runs[results.runs["variant"].isin(labels)]
    ok = runs[runs["status"] == "ok"].groupby("variant").size()
    counts = [int(ok.get(label, 0)) for label in labels]
    asked = len(results.manifest["seeds"])
    each = " per variant" if len(labels) > 1 else ""
    low, high = (min(counts), max(counts)) if counts else (0, 0)
    if low == high == asked:
        text = f"{asked} replications{each}"
    else:
        span = f"{low}" if low == high else f"{low}–{high}"
        text = f"{span} of {asked} replications{each} finished"
    failed = int((runs["status"] != "ok").sum())
    return text + (f", {failed} failed" if failed else "")


def _targets(scenarios: Sequence[Scenario], metric: str) -> list[float]:
    """The targets ``scenarios`` set for ``metric``, in its stored unit (distinct)."""
    if metric not in TARGETS:
        return []
    values = {getattr(s.targets, metric, None) for s in scenarios}
    return sorted(v for v in values if v is not None)


def _draw_targets(ax: Axes, scenarios: Sequence[Scenario], metric: str) -> None:
    for value in _targets(scenarios, metric):
        ax.axhline(value * _factor(metric), color="crimson", linestyle=":", linewidth=1.6,
                   label=TARGET_LABEL, zorder=1)


def _legend(figure: Figure, axes: Sequence[Axes], notes: Sequence[str] = ()) -> None:
    """One legend for ``axes``, below them (outside, so it covers no data); each label
    once; ``notes`` (what was left out or merged) at its head, wrapped to the figure's
    width."""
    entries: dict[str, Any] = {}
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            entries.setdefault(label, handle)
    width = max(40, round(figure.get_figwidth() * 16))
    title = "\n".join(textwrap.fill(n, width) for n in notes) or None
    if entries or title:
        figure.legend(list(entries.values()), list(entries), loc="outside lower center",
                      ncols=max(1, min(len(entries), 3)), fontsize="small", title=title,
                      title_fontsize="small")


# --- Erlang A ------------------------------------------------------------------------------


def erlang_a_applies(scenario: Scenario) -> bool:
    """Whether the pooled Erlang-A approximation models ``scenario``: every key it sets is
    one that approximation reads (:data:`ERLANG_A_MODELS`: Poisson arrivals, handle and
    wrap-up times, patience, staff, skills, the clock), and every contact type has a
    patience. Anything else it sets rules the line out."""
    return all(_allowed(key) for key in scenario.used_keys()) and all(
        c.patience is not None for c in scenario.contact_types
    )


def _allowed(key: str) -> bool:
    """Whether ``key`` is one of :data:`ERLANG_A_MODELS` or under one of them."""
    parts = key.split(".")
    return any(".".join(parts[:n]) in ERLANG_A_MODELS for n in range(1, len(parts) + 1))


def pooled_erlang_a(scenario: Scenario) -> dict[str, float]:
    """Erlang A (M/M/n+M) applied to each measured interval as one pooled queue — all
    agents on duty, the total arrival rate, the volume-weighted mean handle time (talk +
    wrap-up, seconds) and mean patience — then averaged over the day: rates and waits of
    all offered contacts weighted by volume, ``asa`` by answered volume, ``occupancy`` by
    agents. An approximation for several contact types and skills (it ignores routing and
    non-exponential times), exact for one type with exponential times in steady state.
    Keys are metric names (see :mod:`ccsim.model.registry`); values in their stored
    units (fractions, seconds)."""
    from ccsim.analytic import erlang_a_metrics

    types = scenario.contact_types
    volumes = [scenario.volumes(c) for c in types]
    sums: dict[str, float] = {}
    weights: dict[str, float] = {}
    answer_within = scenario.service_level.answer_within
    for i in range(scenario.warmup_intervals, scenario.intervals):
        volume = sum(v[i] for v in volumes)
        if volume <= 0:
            continue
        agents = sum(g.staff_at(i) for g in scenario.agent_groups)
        handle = sum(
            v[i] * (c.handle_time.mean + (c.wrap_up.mean if c.wrap_up else 0.0))
            for v, c in zip(volumes, types, strict=True)
        ) / volume
        patience = sum(v[i] * c.patience.mean for v, c in zip(volumes, types, strict=True))
        patience /= volume
        if agents == 0:  # nobody to answer: everyone waits out their patience
            values = {"service_level": 0.0, "abandon_rate": 1.0, "p_wait": 1.0,
                      "mean_wait": patience, "asa": math.nan, "occupancy": math.nan}
        else:
            m = erlang_a_metrics(agents, volume / scenario.period, handle, patience,
                                 answer_within)
            values = m.by_metric()
        for metric, value in values.items():
            if metric == "asa":
                weight = volume * (1.0 - values["abandon_rate"])
            elif metric == "occupancy":
                weight = float(agents)
            else:
                weight = volume
            sums.setdefault(metric, 0.0)
            weights.setdefault(metric, 0.0)
            if weight > 0 and not math.isnan(value):
                sums[metric] += weight * value
                weights[metric] += weight
    return {m: sums[m] / weights[m] if weights[m] > 0 else math.nan for m in sums}


def _erlang_column(results: Results, metric: str) -> list[float] | None:
    """The pooled Erlang-A prediction of ``metric`` for each variant, or None where
    Erlang A does not model a variant or does not predict ``metric``."""
    scenarios = results.scenarios()
    if not all(erlang_a_applies(s) for s in scenarios.values()):
        return None
    predicted = [pooled_erlang_a(scenarios[label]) for label in results.variants]
    if not predicted or metric not in predicted[0]:
        return None
    return [p[metric] for p in predicted]


# --- metric charts -------------------------------------------------------------------------


def plot_metric(
    results: Results,
    metric: str = "service_level",
    *,
    x: str | None = None,
    erlang: bool | None = None,
) -> Figure:
    """The mean of ``metric`` over replications, with its 95% confidence band, against the
    factor ``x`` (a parameter column; default: the first numeric one, else the variants
    side by side): a line per level of the second factor, a panel per level of the rest.
    ``erlang``: draw the pooled Erlang-A prediction (default: where it applies). Identical
    variants are drawn once (:func:`distinct`)."""
    results = distinct(results)
    plan = _plan(results, x)
    columns = min(3, len(plan.panels))
    rows = math.ceil(len(plan.panels) / columns)
    figure = _figure(max(7.0, 4.6 * columns), 3.6 * rows + 1.2)
    axes = figure.subplots(rows, columns, squeeze=False, sharey=True).ravel()
    drawing = _Drawing(results, plan, erlang)
    for ax, (title, members) in zip(axes, plan.panels, strict=False):
        drawing.draw(ax, metric, members)
        ax.set_title(title, fontsize="medium")
    for ax in axes[len(plan.panels):]:
        ax.set_visible(False)
    _legend(figure, axes, _identical_note(results))
    figure.suptitle(f"{results.name}: {registry.metric(metric).label} "
                    f"(mean and 95% CI, {finished_note(results)})")
    return figure


def plot_metrics(
    results: Results,
    metrics: Sequence[str] = KEY_METRICS,
    *,
    x: str | None = None,
    erlang: bool | None = None,
) -> Figure:
    """:func:`plot_metric` for several metrics, one panel each; with a third factor, a row
    per metric and a column per level of the rest. One legend. Identical variants are
    drawn once (:func:`distinct`)."""
    results = distinct(results)
    plan = _plan(results, x)
    drawing = _Drawing(results, plan, erlang)
    if len(plan.panels) == 1:
        columns = 3 if len(metrics) > 4 else 2 if len(metrics) > 1 else 1
        rows = math.ceil(len(metrics) / columns)
        figure = _figure(4.6 * columns, 3.4 * rows + 1.2)
        axes = figure.subplots(rows, columns, squeeze=False).ravel()
        for ax, metric in zip(axes, metrics, strict=False):
            drawing.draw(ax, metric, plan.panels[0][1])
            ax.set_title(registry.metric(metric).label)
        for ax in axes[len(metrics):]:
            ax.set_visible(False)
        axes = axes[: len(metrics)]
    else:
        columns = len(plan.panels)
        figure = _figure(3.8 * columns + 0.6, 2.9 * len(metrics) + 1.4)
        grid = figure.subplots(len(metrics), columns, squeeze=False, sharey="row",
                               sharex=True)
        for row, metric in zip(grid, metrics, strict=True):
            for ax, (_, members) in zip(row, plan.panels, strict=True):
                drawing.draw(ax, metric, members)
        for ax, (title, _) in zip(grid[0], plan.panels, strict=True):
            ax.set_title(title, fontsize="medium")
        for ax in grid[:-1].ravel():
            ax.set_xlabel("")
        for ax in grid[:, 1:].ravel():
            ax.set_ylabel("")
        axes = grid.ravel()
    _legend(figure, axes, _identical_note(results))
    figure.suptitle(f"{results.name}: mean and 95% CI ({finished_note(results)})")
    return figure


class _Drawing:
    """What the metric panels of one chart share: the summary, the plan, the scenarios
    and the Erlang-A predictions."""

    def __init__(self, results: Results, plan: _Plan, erlang: bool | None):
        self.results, self.plan, self.erlang = results, plan, erlang
        self.summary = results.summary()
        scenarios = results.scenarios()
        self.scenarios = [scenarios[label] for label in results.variants]

    def draw(self, ax: Axes, metric: str, members: list[int]) -> None:
        """``metric`` of the variants ``members`` (indices) on ``ax``."""
        if metric not in self.summary:
            raise ValueError(
                f"no metric {metric!r}; expected one of: {', '.join(registry.METRICS)}"
            )
        predicted = _erlang_column(self.results, metric) if self.erlang is not False else None
        if self.erlang and predicted is None:
            raise ValueError(f"Erlang A does not apply to {metric!r} in these scenarios")
        factor = _factor(metric)
        mean = self.summary[metric].to_numpy(dtype=float) * factor
        half = self.summary[f"{metric}_ci95"].to_numpy(dtype=float) * factor
        low, high = _band(metric, mean, half)
        x, hue = self.plan.x, self.plan.hue
        lines = range(len(hue.levels)) if hue is not None else [0]
        for j in lines:
            rows = [i for i in members if hue is None or hue.codes[i] == j]
            rows.sort(key=lambda i: x.codes[i])
            label = _level(hue, j) if hue is not None else "simulation (mean, 95% CI)"
            colour = f"C{j % 10}"
            erlang = [predicted[i] * factor for i in rows] if predicted is not None else None
            if x.numbers is not None:
                xs = [x.numbers[x.codes[i]] for i in rows]
                ax.plot(xs, mean[rows], "o-", color=colour, label=label)
                ax.fill_between(xs, low[rows], high[rows], color=colour, alpha=0.2,
                                linewidth=0)
                if erlang is not None:
                    ax.plot(xs, erlang, "--", color=colour if hue is not None else "black")
            else:  # categories: side by side, each line's points a little apart
                shift = (j - (len(lines) - 1) / 2) * 0.6 / len(lines)
                xs = [x.codes[i] + shift for i in rows]
                ax.errorbar(xs, mean[rows], yerr=[mean[rows] - low[rows], high[rows] - mean[rows]],
                            fmt="o", capsize=4, color=colour, label=label)
                if erlang is not None:
                    ax.plot(xs, erlang, "x", color="black")
        if predicted is not None:
            # One legend entry for the Erlang marks, whatever their colours.
            ax.plot([], [], "--" if x.numbers is not None else "x", color="black",
                    label=ERLANG_LABEL)
        _draw_targets(ax, [self.scenarios[i] for i in members], metric)
        if x.numbers is None:
            ax.set_xticks(range(len(x.levels)), [_tick(x, v) for v in x.levels], rotation=20,
                          ha="right")
            # Every category keeps its place, also where a variant reports no value.
            ax.set_xlim(-0.5, len(x.levels) - 0.5)
        elif len(x.levels) <= _MAX_TICKS:  # the values run, not a scale of in-betweens
            ax.set_xticks(x.numbers, [_tick(x, v) for v in x.levels])
        ax.set_xlabel(_axis_label(x))
        ax.set_ylabel(_label(metric, self.scenarios))
        ax.grid(True, alpha=0.3)


# --- heatmaps ------------------------------------------------------------------------------


def plot_heatmap(
    results: Results, metric: str = "service_level", *, x: str | None = None,
    y: str | None = None,
) -> Figure:
    """The mean of ``metric`` over a grid of two factors ``x`` and ``y`` (default: the
    first two), each cell annotated with mean ± 95% CI half-width; one panel per level
    of the other factors, titled with it, on one colour scale whose green is better."""
    import numpy as np

    plan = _plan(results, x, y)
    if plan.hue is None:
        raise ValueError("a heatmap needs two swept parameters")
    xf, yf = plan.x, plan.hue
    summary = results.summary()
    factor = _factor(metric)
    mean = summary[metric].to_numpy(dtype=float) * factor
    half = summary[f"{metric}_ci95"].to_numpy(dtype=float) * factor
    scenarios = list(results.scenarios().values())
    targets = [t * factor for t in _targets(scenarios, metric)]
    spec = registry.metric(metric)
    norm = _norm(mean, targets[0] if len(targets) == 1 else None,
                 (spec.low * factor, spec.high * factor))
    cmap = _colours(metric)
    columns = min(3, len(plan.panels))
    rows = math.ceil(len(plan.panels) / columns)
    figure = _figure(1.8 + (1.2 + 1.1 * len(xf.levels)) * columns,
                     max(3.6, 1.2 + (0.9 + 0.75 * len(yf.levels)) * rows))
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for ax, (title, members) in zip(axes, plan.panels, strict=False):
        grid = np.full((len(yf.levels), len(xf.levels)), np.nan)
        for i in members:
            grid[yf.codes[i], xf.codes[i]] = mean[i]
        ax.imshow(grid, origin="lower", aspect="auto", cmap=cmap, norm=norm)
        for i in members:
            _cell(ax, xf.codes[i], yf.codes[i], mean[i], half[i], cmap(norm(mean[i])))
        ax.set_xticks(range(len(xf.levels)), [_tick(xf, v) for v in xf.levels])
        ax.set_yticks(range(len(yf.levels)), [_tick(yf, v) for v in yf.levels])
        ax.set_xlabel(_axis_label(xf))
        ax.set_ylabel(_axis_label(yf))
        ax.set_title(title, fontsize="medium")
    for ax in axes[len(plan.panels):]:
        ax.set_visible(False)
    from matplotlib.cm import ScalarMappable

    better = registry.metric(metric).better
    notes = [f"{better} is better"] if better else []
    notes += [f"black line: {TARGET_LABEL}"] if targets else []
    bar = figure.colorbar(ScalarMappable(norm, cmap), ax=axes[: len(plan.panels)].tolist(),
                          label="\n".join([_label(metric, scenarios), "; ".join(notes),
                                           _span(mean, spec.unit)]))
    for target in targets:
        bar.ax.axhline(target, color="black", linewidth=2)
    figure.suptitle(f"{results.name}: {registry.metric(metric).label} (mean ± 95% CI, "
                    f"{finished_note(results)})")
    return figure


def _norm(values: np.ndarray, target: float | None,
          bounds: tuple[float, float] = (-math.inf, math.inf)) -> Normalize:
    """The colour scale of a heatmap: the metric's natural scale, its ``bounds`` (0–100 %
    for a share; from 0 to the highest value for a time or a count), so that cells a
    point apart look alike; or, with a target, centred on it (a cell at the target is the
    middle colour, so red means the target is missed and green that it is met), never
    beyond ``bounds`` (no colour bar below 0 %)."""
    import numpy as np
    from matplotlib.colors import Normalize, TwoSlopeNorm

    finite = values[np.isfinite(values)]
    if not finite.size:
        return Normalize(0.0, 1.0)
    if target is None:
        low = bounds[0] if math.isfinite(bounds[0]) else finite.min()
        high = bounds[1] if math.isfinite(bounds[1]) else finite.max()
        high = max(high, finite.max())  # sl_expected may exceed 100 %
        return Normalize(low, high if high > low else low + 1.0)
    span = max(abs(finite.min() - target), abs(finite.max() - target)) or 1.0
    low, high = max(target - span, bounds[0]), min(target + span, bounds[1])
    if not low < target < high:  # the target at a bound: centring it is not possible
        return Normalize(low, high)
    return TwoSlopeNorm(target, low, high)


def _span(values: np.ndarray, unit: str) -> str:
    """``cells from 96.9 to 98.5 %``: the range of the values drawn, in words, as the
    colours may not show how close they are."""
    import numpy as np

    finite = values[np.isfinite(values)]
    if not finite.size:
        return "no cell has a value"
    unit = f" {unit}" if unit else ""
    return f"cells from {finite.min():.3g} to {finite.max():.3g}{unit}"


def _colours(metric: str) -> Colormap:
    """Red for worse, green for better (by the registry's ``better``); a neutral map for
    a metric that is neither; missing cells grey."""
    from matplotlib import colormaps

    better = registry.metric(metric).better
    name = {"higher": "RdYlGn", "lower": "RdYlGn_r"}.get(better or "", "viridis")
    return colormaps[name].with_extremes(bad="lightgrey")


def _cell(ax: Axes, column: int, row: int, mean: float, half: float, colour: Any) -> None:
    """The text of one heatmap cell, dark or light as its colour needs."""
    red, green, blue = colour[:3]
    dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
    if math.isnan(mean):
        text = "no runs"
    else:
        text = f"{mean:.3g}" + ("" if math.isnan(half) else f"\n± {half:.2g}")
    ax.text(column, row, text, ha="center", va="center", fontsize="small",
            color="white" if dark and not math.isnan(mean) else "black")


# --- by interval ---------------------------------------------------------------------------


def plot_intervals(
    results: Results,
    variants: Sequence[str] | None = None,
    metrics: Sequence[str] = ("service_level", "abandon_rate"),
) -> Figure:
    """``metrics`` (default service level and abandonment) by interval of the day: a row
    per metric, a column for all contact types together (the ``all`` rows) and one per
    contact type when there are several; mean over replications with a 95% CI band, one
    line per variant in ``variants`` (default: all, or five spread over the sweep; those
    left out are named under the chart). Identical variants are drawn once
    (:func:`distinct`)."""
    unknown = [v for v in variants or [] if v not in results.variants]
    if unknown:
        raise ValueError(f"no variant {unknown[0]!r}; expected one of: {results.variants}")
    results = distinct(results)
    # A variant asked for by one of its names: the line of all of them.
    names = {name: " = ".join(group) for group in results.manifest.get("identical", [])
             for name in group}
    labels = (list(dict.fromkeys(names.get(v, v) for v in variants)) if variants is not None
              else _spread(results.variants))
    table = results.intervals[results.intervals["variant"].isin(labels)]
    table = table.assign(**{m: math.nan for m in metrics if m not in table})  # not reported
    scenarios = results.scenarios()
    chosen = [scenarios[label] for label in labels]
    names = [c.name for c in chosen[0].contact_types] if chosen else []
    kinds = ["all", *names] if len(names) > 1 else ["all"]
    words = _in_words(results)
    figure = _figure(9.0 if len(kinds) == 1 else 0.8 + 4.4 * len(kinds),
                     2.6 * len(metrics) + 1.4)
    grid = figure.subplots(len(metrics), len(kinds), sharex=True, sharey="row",
                           squeeze=False)
    for row, metric in zip(grid, metrics, strict=True):
        for ax, kind in zip(row, kinds, strict=True):
            for j, label in enumerate(labels):
                part = table[(table["variant"] == label) & (table["contact_type"] == kind)]
                _interval_line(ax, part, metric, f"C{j % 10}",
                               words[label] if len(labels) > 1 else "mean (95% CI band)")
            _draw_targets(ax, chosen, metric)
            ax.grid(True, alpha=0.3)
        row[0].set_ylabel(_label(metric, chosen))
    for ax, kind in zip(grid[0], kinds, strict=True):
        ax.set_title("all contact types" if kind == "all" and len(kinds) > 1
                     else kind if kind != "all" else names[0] if names else "")
    if chosen:
        for ax in grid[-1]:
            _clock_axis(ax, chosen[0], sorted(table["interval"].unique()))
    title = labels[0] if len(labels) == 1 else results.name
    # Say so, and which, when lines were left out to keep the chart readable.
    left = ([label for label in results.variants if label not in labels]
            if variants is None else [])
    shown = (f"; {len(labels)} of {len(results.variants)} variants"
             + (", spread over the sweep" if variants is None else "") if left else "")
    _legend(figure, grid.ravel(), [*_identical_note(results),
                                   *([f"Not drawn (to keep the chart readable): "
                                      f"{'; '.join(words[v] for v in left)}."] if left else [])])
    figure.suptitle(f"{title}: by interval (mean and 95% CI, "
                    f"{finished_note(results, labels)}{shown})")
    return figure


def _in_words(results: Results) -> dict[str, str]:
    """Each variant's label as a legend says it: its level of every factor, in words."""
    found = factors(results)
    return {
        label: ", ".join(_level(f, f.codes[i]) for f in found) or label
        for i, label in enumerate(results.variants)
    }


def _interval_line(ax: Axes, part: pd.DataFrame, metric: str, colour: str, label: str) -> None:
    """The mean of ``metric`` per interval over the replications in ``part``, and its
    95% band clipped to the metric's range."""
    from ccsim.experiment.summary import interval_summary

    stats = interval_summary(part, [metric]).set_index("interval").sort_index()
    half = stats[f"{metric}_ci95"].to_numpy(dtype=float)
    factor = _factor(metric)
    mean = stats[metric].to_numpy(dtype=float) * factor
    low, high = _band(metric, mean, half * factor)
    xs = stats.index.to_numpy()
    ax.plot(xs, mean, "-", marker="." if len(xs) <= 48 else None, color=colour, label=label)
    ax.fill_between(xs, low, high, color=colour, alpha=0.2, linewidth=0)


def clock(scenario: Scenario, interval: int) -> str:
    """The clock time at which ``interval`` starts (``"08:30"``), with its day on a
    horizon longer than a day (``"day 2 08:30"``)."""
    total = scenario.start_seconds // 60 + round(interval * scenario.period / 60)
    day, minute = divmod(total, 24 * 60)
    text = f"{minute // 60:02d}:{minute % 60:02d}"
    return f"day {day + 1} {text}" if _days(scenario) > 1 else text


def _days(scenario: Scenario) -> int:
    """How many calendar days the horizon touches."""
    end = scenario.start_seconds + scenario.intervals * scenario.period
    return math.ceil(end / 86400)


def _clock_axis(ax: Axes, scenario: Scenario, intervals: list[int]) -> None:
    """Ticks at a round number of hours, at most about eight, labelled with clock times."""
    if not intervals:
        return
    hours = next((h for h in (1, 2, 3, 4, 6, 12, 24, 48, 168)
                  if len(intervals) * scenario.period / (h * 3600) <= 8), 168)
    step = max(1, round(hours * 3600 / scenario.period))
    ticks = [i for i in intervals if _minute_of_day(scenario, i) % (hours * 60) == 0]
    ticks = ticks[::max(1, math.ceil(len(ticks) / 8))] if ticks else intervals[::step]
    ax.set_xticks(ticks, [clock(scenario, i) for i in ticks], rotation=30 if
                  _days(scenario) > 1 else 0, ha="right" if _days(scenario) > 1 else "center")
    days = "day and " if _days(scenario) > 1 else ""
    ax.set_xlabel(f"interval start ({days}clock time; {format_duration(scenario.period)} "
                  "intervals)")


def _minute_of_day(scenario: Scenario, interval: int) -> int:
    return (scenario.start_seconds // 60 + round(interval * scenario.period / 60)) % (24 * 60)


def _spread(labels: list[str]) -> list[str]:
    """All of ``labels``, or at most _MAX_LINES spread evenly from first to last."""
    if len(labels) <= _MAX_LINES:
        return labels
    step = (len(labels) - 1) / (_MAX_LINES - 1)
    return [labels[round(i * step)] for i in range(_MAX_LINES)]


# --- a results directory -------------------------------------------------------------------


def plot_results(directory: str | Path) -> list[Path]:
    """Draw every chart of the results in ``directory`` into its ``charts/`` folder,
    replacing earlier ones; returns the files written: ``intervals.png`` always; with
    several variants also ``metrics.png`` (key metrics against the sweep or per variant)
    and, with two or more factors, ``heatmap_<metric>.png`` for each of
    :data:`HEATMAP_METRICS`."""
    from ccsim.experiment import Results
    from ccsim.experiment.store import writing

    directory = Path(directory)
    results = Results.load(directory)
    charts = directory / CHARTS_DIR
    ok = results.runs[results.runs["status"] == "ok"]
    if ok.empty:
        return []
    with writing(charts):
        charts.mkdir(exist_ok=True)
    written: list[Path] = []

    def save(figure: Figure, name: str) -> None:
        path = charts / name
        with writing(path):
            figure.savefig(path, dpi=110)
        written.append(path)

    save(plot_intervals(results), "intervals.png")
    if len(results.variants) > 1:
        extra = tuple(m for m in POLICY_METRICS if m in results.runs.columns)
        save(plot_metrics(results, (*KEY_METRICS, *extra)), "metrics.png")
        if len(factors(results)) >= 2:
            for metric in HEATMAP_METRICS:
                save(plot_heatmap(results, metric), f"heatmap_{metric}.png")
    return written
