"""Charts of experiment results (matplotlib, drawn off-screen).

Every chart is built on a :class:`matplotlib.figure.Figure` of its own — no pyplot, so no
global figure state and no GUI backend — and shows means over replications with their
95% confidence band (Student t, as in :meth:`Results.summary`).

* :func:`plot_metric` — one metric against the swept parameter (a line per value of a
  second parameter), or per variant when nothing numeric is swept;
* :func:`plot_metrics` — several metrics, one panel each (the staffing chart);
* :func:`plot_heatmap` — one metric over a 2-D grid;
* :func:`plot_intervals` — service level and abandonment by interval of the day;
* :func:`plot_results` — (re)draw all charts of a results directory into its ``charts/``
  folder (``ccsim plot DIR``).

Labels, units, display scale and ranges come from the metric registry
(:mod:`ccsim.model.registry`); a confidence band is clipped to the metric's range (a share
stays within 0–100 %). Where Erlang A models the scenarios (see :func:`erlang_a_applies`)
the metric charts also draw its prediction: a per-interval, *pooled* approximation (see
:func:`pooled_erlang_a`), labelled as such.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccsim.experiment.store import CHARTS_DIR
from ccsim.model import registry
from ccsim.units import format_duration, parse_duration

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ccsim.experiment import Results
    from ccsim.scenario import Scenario

#: The metrics of the overview chart, in panel order.
KEY_METRICS = ("service_level", "asa", "mean_wait", "abandon_rate", "occupancy", "wait_p90")
#: What the pooled Erlang-A approximation models, as key paths of
#: :meth:`Scenario.used_keys` (a path allows every key under it). A scenario that sets
#: anything else — lines, scripted arrival times, a policy added later — gets no Erlang
#: line: a new feature is left out until it is added here.
ERLANG_A_MODELS = frozenset({
    "name", "start", "period", "horizon", "warmup", "service_level.answer_within",
    "contact_types.*.name", "contact_types.*.arrivals.per_hour",
    "contact_types.*.arrivals.volumes", "contact_types.*.handle_time",
    "contact_types.*.wrap_up", "contact_types.*.patience",
    "agent_groups.*.name", "agent_groups.*.skills", "agent_groups.*.staff",
})
ERLANG_LABEL = "Erlang A (pooled, per interval)"
#: At most this many variants get a line of their own in the interval chart.
_MAX_LINES = 5


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _label(metric: str) -> str:
    """An axis label: the metric's label and its display unit."""
    m = registry.metric(metric)
    return f"{m.label} ({m.unit})" if m.unit else m.label


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


# --- the swept parameters ----------------------------------------------------------------


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


def _param_label(column: str, unit: str) -> str:
    if column.endswith(":scale"):
        key = column.removesuffix(":scale")
        what = "staffing" if key.endswith(".staff") else key
        return f"{what} (× base scenario{', every group' if '*' in key else ''})"
    return f"{column} ({unit})" if unit else column


def _swept(results: Results) -> list[str]:
    """Parameter columns that take more than one value, numeric ones first."""
    variants = results.manifest["variants"]
    varied = []
    for column in results.parameters:
        values = [v["parameters"].get(column) for v in variants]
        if len({repr(v) for v in values}) > 1:
            varied.append(column)
    return sorted(varied, key=lambda c: _axis(results, c) is None)


def _axis(results: Results, column: str) -> tuple[list[float], str] | None:
    return _numeric([v["parameters"].get(column) for v in results.manifest["variants"]])


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
    """The mean of ``metric`` over replications, with its 95% confidence band, against
    the swept parameter ``x`` (default: the first numeric one; a line per value of a
    second swept parameter), or per variant when no numeric parameter is swept.
    ``erlang``: draw the pooled Erlang-A prediction (default: where it applies)."""
    figure = _figure(7.0, 4.5)
    ax = figure.add_subplot()
    _draw_metric(ax, results, results.summary(), metric, x, erlang)
    _legend(figure, ax)
    figure.suptitle(f"{results.name}: {registry.metric(metric).label}")
    return figure


def plot_metrics(
    results: Results,
    metrics: Sequence[str] = KEY_METRICS,
    *,
    x: str | None = None,
    erlang: bool | None = None,
) -> Figure:
    """:func:`plot_metric` for several metrics, one panel each, with one legend."""
    columns = 3 if len(metrics) > 4 else 2 if len(metrics) > 1 else 1
    rows = math.ceil(len(metrics) / columns)
    figure = _figure(4.6 * columns, 3.4 * rows + 0.8)
    summary = results.summary()
    axes = figure.subplots(rows, columns, squeeze=False).ravel()
    for ax, metric in zip(axes, metrics, strict=False):
        _draw_metric(ax, results, summary, metric, x, erlang)
        ax.set_title(registry.metric(metric).label)
    for ax in axes[len(metrics):]:
        ax.set_visible(False)
    # The panel with the most entries (an Erlang line) holds the legend's handles.
    _legend(figure, max(axes[: len(metrics)], key=lambda a: len(a.get_legend_handles_labels()[0])))
    reps = int(summary["replications"].max()) if len(summary) else 0
    figure.suptitle(f"{results.name}: mean and 95% CI over {reps} replications")
    return figure


def _legend(figure: Figure, ax: Axes) -> None:
    handles, labels = ax.get_legend_handles_labels()
    if len(handles) > 1:
        figure.legend(handles, labels, loc="outside lower center", ncols=min(len(handles), 4),
                      fontsize="small")


def _short(column: str) -> str:
    """A parameter column as a legend shows it (``billing.patience.mean``)."""
    parts = column.removesuffix(":scale").split(".")
    if len(parts) > 1 and parts[0] in ("agent_groups", "contact_types"):
        parts = parts[1:]
    return ".".join(p for p in parts if p != "*") + (" ×" if column.endswith(":scale") else "")


def _draw_metric(
    ax: Axes,
    results: Results,
    summary: pd.DataFrame,
    metric: str,
    x: str | None,
    erlang: bool | None,
) -> None:
    if metric not in summary:
        raise ValueError(f"no metric {metric!r}; expected one of: {', '.join(registry.METRICS)}")
    factor = _factor(metric)
    mean = summary[metric].to_numpy(dtype=float) * factor
    low, high = _band(metric, mean, summary[f"{metric}_ci95"].to_numpy(dtype=float) * factor)
    swept = _swept(results)
    numeric = [c for c in swept if _axis(results, c) is not None]
    x = x or (numeric[0] if numeric else None)
    predicted = _erlang_column(results, metric) if erlang is not False else None
    if erlang and predicted is None:
        raise ValueError(f"Erlang A does not apply to {metric!r} in these scenarios")
    if x is None:  # variants side by side
        positions = list(range(len(summary)))
        ax.errorbar(positions, mean, yerr=[mean - low, high - mean], fmt="o", capsize=4,
                    label="simulation (mean, 95% CI)")
        if predicted is not None:
            ax.plot(positions, [p * factor for p in predicted], "x", color="black",
                    label=ERLANG_LABEL)
        ax.set_xticks(positions, list(summary["variant"]), rotation=30, ha="right")
        ax.set_xlabel("variant")
    else:
        axis = _axis(results, x)
        if axis is None:
            raise ValueError(f"parameter {x!r} is not numeric")
        values, unit = axis
        others = [c for c in swept if c != x]
        hue = others[0] if others else None
        groups: dict[str, list[int]] = {}
        for i, variant in enumerate(results.manifest["variants"]):
            key = "" if hue is None else f"{_short(hue)} = {variant['parameters'].get(hue)}"
            groups.setdefault(key, []).append(i)
        for key, members in groups.items():
            members = sorted(members, key=lambda i: values[i])
            xs = [values[i] for i in members]
            line = ax.plot(xs, mean[members], "o-", label=key or "simulation (mean, 95% CI)")[0]
            ax.fill_between(xs, low[members], high[members], color=line.get_color(),
                            alpha=0.2, linewidth=0)
            if predicted is not None:
                ax.plot(xs, [predicted[i] * factor for i in members], "--",
                        color=line.get_color() if hue else "black")
        if predicted is not None:
            # One legend entry for the dashed lines, whatever their colours.
            ax.plot([], [], "--", color="black", label=ERLANG_LABEL)
        ax.set_xlabel(_param_label(x, unit))
    ax.set_ylabel(_label(metric))
    ax.grid(True, alpha=0.3)


def plot_heatmap(
    results: Results, metric: str = "service_level", *, x: str | None = None,
    y: str | None = None,
) -> Figure:
    """The mean of ``metric`` over a grid of two swept parameters ``x`` and ``y`` (default:
    the first two swept), each cell annotated with mean ± 95% CI half-width."""
    import numpy as np

    swept = _swept(results)
    x = x or (swept[0] if swept else None)
    y = y or next((c for c in swept if c != x), None)
    if x is None or y is None:
        raise ValueError("a heatmap needs two swept parameters")
    summary = results.summary()
    params = [v["parameters"] for v in results.manifest["variants"]]
    xs = _ordered([p.get(x) for p in params])
    ys = _ordered([p.get(y) for p in params])
    factor = _factor(metric)
    grid = np.full((len(ys), len(xs)), np.nan)
    text = [[""] * len(xs) for _ in ys]
    for i, p in enumerate(params):
        r, c = ys.index(p.get(y)), xs.index(p.get(x))
        mean = summary[metric].iloc[i] * factor
        half = summary[f"{metric}_ci95"].iloc[i] * factor
        grid[r, c] = mean
        text[r][c] = f"{mean:.3g}" + ("" if math.isnan(half) else f"\n± {half:.2g}")
    figure = _figure(1.6 + 1.3 * len(xs), 1.4 + 0.9 * len(ys))
    ax = figure.add_subplot()
    image = ax.imshow(grid, origin="lower", aspect="auto", cmap="viridis")
    finite = grid[np.isfinite(grid)]
    middle = (finite.min() + finite.max()) / 2 if finite.size else 0.0
    for r in range(len(ys)):
        for c in range(len(xs)):
            ax.text(c, r, text[r][c], ha="center", va="center", fontsize="small",
                    color="white" if grid[r, c] < middle else "black")
    ax.set_xticks(range(len(xs)), [_tick(v) for v in xs])
    ax.set_yticks(range(len(ys)), [_tick(v) for v in ys])
    ax.set_xlabel(_param_label(x, ""))
    ax.set_ylabel(_param_label(y, ""))
    figure.colorbar(image, ax=ax, label=_label(metric))
    figure.suptitle(f"{results.name}: {registry.metric(metric).label} (mean ± 95% CI)")
    return figure


def _ordered(values: list[Any]) -> list[Any]:
    distinct = list(dict.fromkeys(values))
    numbers = _numeric(distinct)
    if numbers is not None:
        return [v for _, v in sorted(zip(numbers[0], distinct, strict=True))]
    return distinct


def _tick(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


# --- by interval ---------------------------------------------------------------------------


def plot_intervals(
    results: Results,
    variants: Sequence[str] | None = None,
    metrics: Sequence[str] = ("service_level", "abandon_rate"),
) -> Figure:
    """``metrics`` (default service level and abandonment) by interval of the day, for all
    contact types together (the ``all`` rows): mean over replications with a 95% CI band,
    one line per variant in ``variants`` (default: all, or five spread over the sweep)."""
    from ccsim.experiment.summary import ci95

    labels = list(variants) if variants is not None else _spread(results.variants)
    unknown = [v for v in labels if v not in results.variants]
    if unknown:
        raise ValueError(f"no variant {unknown[0]!r}; expected one of: {results.variants}")
    table = results.intervals
    table = table[(table["contact_type"] == "all") & table["variant"].isin(labels)]
    table = table.assign(**{m: math.nan for m in metrics if m not in table})  # not reported
    figure = _figure(9.0, 2.8 * len(metrics) + 0.6)
    axes = figure.subplots(len(metrics), 1, sharex=True, squeeze=False).ravel()
    times = table.drop_duplicates("interval").sort_values("interval")
    for ax, metric in zip(axes, metrics, strict=True):
        factor = _factor(metric)
        for label in labels:
            part = table[table["variant"] == label]
            stats = part.groupby("interval")[metric].agg(["mean", "std", "count"])
            half = ci95(stats["std"].to_numpy(dtype=float), stats["count"].to_numpy())
            mean = stats["mean"].to_numpy(dtype=float) * factor
            low, high = _band(metric, mean, half * factor)
            xs = stats.index.to_numpy()
            line = ax.plot(xs, mean, "-", marker=".", label=label if len(labels) > 1 else None)[0]
            ax.fill_between(xs, low, high, color=line.get_color(), alpha=0.2, linewidth=0)
        ax.set_ylabel(_label(metric))
        ax.grid(True, alpha=0.3)
    step = max(1, len(times) // 12)
    axes[-1].set_xticks(times["interval"].to_numpy()[::step], list(times["time"])[::step])
    period = results.scenarios()[labels[0]].period if labels else 0.0
    axes[-1].set_xlabel(f"interval start (clock time; {format_duration(period)} intervals)")
    if len(labels) > 1:
        axes[0].legend(fontsize="small", title="variant")
    reps = table.groupby("variant")["replication"].nunique()
    n = int(reps.max()) if len(reps) else 0
    title = labels[0] if len(labels) == 1 else results.name
    figure.suptitle(f"{title}: by interval, all contact types (mean and 95% CI, {n} "
                    "replications)")
    return figure


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
    and, for a 2-D sweep, ``heatmap_<metric>.png`` for service level, ASA, abandonment and
    occupancy."""
    from ccsim.experiment import Results

    directory = Path(directory)
    results = Results.load(directory)
    charts = directory / CHARTS_DIR
    ok = results.runs[results.runs["status"] == "ok"]
    if ok.empty:
        return []
    charts.mkdir(exist_ok=True)
    written: list[Path] = []

    def save(figure: Figure, name: str) -> None:
        path = charts / name
        figure.savefig(path, dpi=110)
        written.append(path)

    save(plot_intervals(results), "intervals.png")
    if len(results.variants) > 1:
        save(plot_metrics(results), "metrics.png")
        if len(_swept(results)) >= 2:
            for metric in ("service_level", "asa", "abandon_rate", "occupancy"):
                save(plot_heatmap(results, metric), f"heatmap_{metric}.png")
    return written
