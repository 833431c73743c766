"""The frame every chart shares: an off-screen figure of its own (no pyplot, so no global
figure state and no GUI backend); a metric's axis label, display scale and 95 % band, as
the registry (:mod:`ccsim.model.registry`) defines the metric; a scenario's targets as a
dotted line; one legend below the axes; and the title's note of how many replications
finished.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ccsim.model import registry
from ccsim.units import format_duration

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ccsim.experiment import Results
    from ccsim.scenario import Scenario


#: The legend's name for a target line.
TARGET_LABEL = "target"
#: The metrics a scenario's ``[targets]`` may set (the fields of ``Scenario.targets``).
TARGETS = ("service_level", "abandon_rate", "asa")


def new_figure(width: float, height: float) -> Figure:
    """A figure of its own, ``width`` × ``height`` inches, laid out by matplotlib's
    constrained layout."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def metric_label(metric: str, scenarios: Sequence[Scenario] = (), unit: str | None = None
                 ) -> str:
    """An axis label: the metric's label, for a service level its threshold when all
    ``scenarios`` and their contact types share one, and its display unit (``unit``, if
    given, instead)."""
    m = registry.metric(metric)
    label = m.label
    within = thresholds(scenarios)
    if (metric == "service_level" or metric.startswith("sl_")) and len(within) == 1:
        label += f" within {format_duration(within.pop())}"
    unit = unit or m.unit
    return f"{label} ({unit})" if unit else label


def thresholds(scenarios: Sequence[Scenario], contact_type: str | None = None) -> set[float]:
    """The service-level thresholds (seconds) of ``scenarios``: of their contact types
    and segments, or of ``contact_type``'s alone."""
    return {t for s in scenarios for c in s.contact_types
            if contact_type is None or c.name == contact_type
            for t in c.answer_within_of(s.service_level.answer_within)}


def time_unit(metric: str, values: Iterable[float]) -> tuple[float, str | None]:
    """For a metric in seconds whose ``values`` reach past three hours (a response time,
    the age of a backlog): hours, as ``(1 / 3600, "h")``; else ``(1, None)`` (its own)."""
    if registry.metric(metric).unit == "s" and max(
            (v for v in values if v == v), default=0.0) > 3 * 3600:
        return 1 / 3600, "h"
    return 1.0, None


def display_scale(metric: str) -> float:
    """From the stored value (a fraction for shares) to the displayed one (%)."""
    return registry.metric(metric).scale


def band(metric: str, mean: np.ndarray, half: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ends of the 95% band ``mean ± half`` (displayed units), clipped to the metric's
    range: a t interval of few replications can reach past 100 % or below 0, values the
    metric cannot take."""
    import numpy as np

    m = registry.metric(metric)
    return (np.maximum(mean - half, m.low * m.scale), np.minimum(mean + half, m.high * m.scale))


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


def target_values(scenarios: Sequence[Scenario], metric: str) -> list[float]:
    """The targets ``scenarios`` set for ``metric``, in its stored unit (distinct)."""
    if metric not in TARGETS:
        return []
    values = {getattr(s.targets, metric, None) for s in scenarios}
    return sorted(v for v in values if v is not None)


def draw_targets(ax: Axes, scenarios: Sequence[Scenario], metric: str) -> None:
    """A dotted line at each target ``scenarios`` set for ``metric``."""
    for value in target_values(scenarios, metric):
        ax.axhline(value * display_scale(metric), color="crimson", linestyle=":", linewidth=1.6,
                   label=TARGET_LABEL, zorder=1)


def legend(figure: Figure, axes: Iterable[Axes], notes: Sequence[str] = ()) -> None:
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
