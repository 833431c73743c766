"""Charts of experiment results (matplotlib, drawn off-screen).

Every chart is built on a :class:`matplotlib.figure.Figure` of its own — no pyplot, so no
global figure state and no GUI backend — and shows means over replications with their
95% confidence band (Student t, as in :meth:`Results.summary`).

* :func:`plot_metric` — one metric against the swept parameter (a line per value of a
  second parameter), or per variant when nothing numeric is swept;
* :func:`plot_metrics` — several metrics, one panel each (the staffing chart);
* :func:`plot_heatmap` — one metric over a 2-D grid;
* :func:`plot_intervals` — service level and abandonment by interval of the day;
* :func:`plot_results` — (re)draw all charts of a results directory (``ccsim plot DIR``).

Where Erlang A applies (Poisson arrivals, patience given for every contact type, no line
limit) the metric charts also draw its prediction: a per-interval, *pooled* approximation
(see :func:`pooled_erlang_a`), labelled as such.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccsim.units import format_duration, parse_duration

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ccsim.experiment import Results
    from ccsim.scenario import Scenario

#: How each metric reads on a chart: label, unit, factor from the stored value.
METRIC_LABELS: dict[str, tuple[str, str, float]] = {
    "offered": ("offered", "contacts", 1.0),
    "answered": ("answered", "contacts", 1.0),
    "abandoned": ("abandoned", "contacts", 1.0),
    "blocked": ("blocked", "contacts", 1.0),
    "unserved": ("unserved", "contacts", 1.0),
    "abandon_rate": ("abandonment", "% of offered", 100.0),
    "service_level": ("service level", "% answered within threshold", 100.0),
    "asa": ("ASA (mean wait of answered)", "s", 1.0),
    "mean_wait": ("mean wait (all offered)", "s", 1.0),
    "wait_p50": ("median wait", "s", 1.0),
    "wait_p90": ("90th percentile wait", "s", 1.0),
    "wait_p95": ("95th percentile wait", "s", 1.0),
    "p_wait": ("P(wait > 0)", "% of offered", 100.0),
    "occupancy": ("occupancy", "% of staffed time busy", 100.0),
}
#: The metrics of the overview chart, in panel order.
KEY_METRICS = ("service_level", "asa", "mean_wait", "abandon_rate", "occupancy", "wait_p90")
#: Metrics Erlang A predicts, by their name in ccsim.analytic.QueueMetrics.
_ERLANG = {
    "service_level": "service_level",
    "asa": "asa",
    "mean_wait": "mean_wait",
    "abandon_rate": "p_abandon",
    "p_wait": "p_wait",
    "occupancy": "occupancy",
}
ERLANG_LABEL = "Erlang A (pooled, per interval)"
#: At most this many variants get a line of their own in the interval chart.
_MAX_LINES = 5


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _label(metric: str) -> str:
    name, unit, _ = METRIC_LABELS.get(metric, (metric, "", 1.0))
    return f"{name} ({unit})" if unit else name


def _factor(metric: str) -> float:
    return METRIC_LABELS.get(metric, (metric, "", 1.0))[2]


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
    """Whether the pooled Erlang-A approximation is meaningful for ``scenario``: Poisson
    arrivals (``per_hour`` or ``volumes``), a patience for every contact type, no limit on
    lines."""
    return scenario.lines is None and all(
        c.patience is not None and c.arrivals.times is None for c in scenario.contact_types
    )


def pooled_erlang_a(scenario: Scenario) -> dict[str, float]:
    """Erlang A (M/M/n+M) applied to each measured interval as one pooled queue — all
    agents on duty, the total arrival rate, the volume-weighted mean handle time (talk +
    wrap-up, seconds) and mean patience — then averaged over the day: rates and waits of
    all offered contacts weighted by volume, ``asa`` by answered volume, ``occupancy`` by
    agents. An approximation for several contact types and skills (it ignores routing and
    non-exponential times), exact for one type with exponential times in steady state.
    Keys are metric names (see :mod:`ccsim.model.metrics`)."""
    from ccsim.analytic import erlang_a_metrics

    types = scenario.contact_types
    volumes = [scenario.volumes(c) for c in types]
    sums = dict.fromkeys(_ERLANG, 0.0)
    weights = dict.fromkeys(_ERLANG, 0.0)
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
            values = {metric: getattr(m, name) for metric, name in _ERLANG.items()}
        for metric, value in values.items():
            if metric == "asa":
                weight = volume * (1.0 - values["abandon_rate"])
            elif metric == "occupancy":
                weight = float(agents)
            else:
                weight = volume
            if weight > 0 and not math.isnan(value):
                sums[metric] += weight * value
                weights[metric] += weight
    return {m: sums[m] / weights[m] if weights[m] > 0 else math.nan for m in _ERLANG}


def _erlang_column(results: Results, metric: str) -> list[float] | None:
    """The pooled Erlang-A prediction of ``metric`` for each variant, or None."""
    if metric not in _ERLANG:
        return None
    scenarios = results.scenarios()
    if not all(erlang_a_applies(s) for s in scenarios.values()):
        return None
    return [pooled_erlang_a(scenarios[label])[metric] for label in results.variants]


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
    figure.suptitle(f"{results.name}: {METRIC_LABELS.get(metric, (metric,))[0]}")
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
        ax.set_title(METRIC_LABELS.get(metric, (metric,))[0])
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
    factor = _factor(metric)
    mean = summary[metric].to_numpy(dtype=float) * factor
    half = summary[f"{metric}_ci95"].to_numpy(dtype=float) * factor
    swept = _swept(results)
    numeric = [c for c in swept if _axis(results, c) is not None]
    x = x or (numeric[0] if numeric else None)
    predicted = _erlang_column(results, metric) if erlang is not False else None
    if erlang and predicted is None:
        raise ValueError(f"Erlang A does not apply to {metric!r} in these scenarios")
    if x is None:  # variants side by side
        positions = list(range(len(summary)))
        ax.errorbar(positions, mean, yerr=half, fmt="o", capsize=4,
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
            ax.fill_between(xs, mean[members] - half[members], mean[members] + half[members],
                            color=line.get_color(), alpha=0.2, linewidth=0)
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
    figure.suptitle(f"{results.name}: {METRIC_LABELS.get(metric, (metric,))[0]} (mean ± 95% CI)")
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
    from ccsim.experiment.store import ci95

    labels = list(variants) if variants is not None else _spread(results.variants)
    unknown = [v for v in labels if v not in results.variants]
    if unknown:
        raise ValueError(f"no variant {unknown[0]!r}; expected one of: {results.variants}")
    table = results.intervals
    table = table[(table["contact_type"] == "all") & table["variant"].isin(labels)]
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
            half = half * factor
            xs = stats.index.to_numpy()
            line = ax.plot(xs, mean, "-", marker=".", label=label if len(labels) > 1 else None)[0]
            ax.fill_between(xs, mean - half, mean + half, color=line.get_color(), alpha=0.2,
                            linewidth=0)
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
    """Draw every chart of the results in ``directory`` into it, replacing earlier ones;
    returns the files written: ``intervals.png`` always; with several variants also
    ``metrics.png`` (key metrics against the sweep or per variant) and, for a 2-D sweep,
    ``heatmap_<metric>.png`` for service level, ASA, abandonment and occupancy."""
    from ccsim.experiment import Results

    directory = Path(directory)
    results = Results.load(directory)
    ok = results.runs[results.runs["status"] == "ok"]
    if ok.empty:
        return []
    written = []

    def save(figure: Figure, name: str) -> None:
        path = directory / name
        figure.savefig(path, dpi=110)
        written.append(path)

    save(plot_intervals(results), "intervals.png")
    if len(results.variants) > 1:
        save(plot_metrics(results), "metrics.png")
        if len(_swept(results)) >= 2:
            for metric in ("service_level", "asa", "abandon_rate", "occupancy"):
                save(plot_heatmap(results, metric), f"heatmap_{metric}.png")
    return written
