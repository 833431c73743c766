"""Human-readable tables for the terminal.

How a metric reads (label, unit, display scale, decimals) comes from the registry,
:mod:`ccsim.model.registry`; this module keeps no list of metrics of its own.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ccsim.model.registry import METRICS, metric

if TYPE_CHECKING:
    import pandas as pd

#: Metrics of the several-variant table when the caller names none.
KEY_METRICS = ("service_level", "asa", "abandon_rate", "occupancy")
#: Width of the label column of :func:`metric_table`: the longest registered label.
_LABEL_WIDTH = max(len(m.label) for m in METRICS.values()) + 2


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _number(value: float | None, scale: float, decimals: int) -> str:
    """``value`` (in the metric's stored unit) × ``scale``, with ``decimals``; ``–`` for
    NaN."""
    if _missing(value):
        return "–"
    return f"{value * scale:,.{decimals}f}"


def table_line(label: str, value: str, ci: str, unit: str) -> str:
    """One line of :func:`metric_table`: label, value, ``± half-width``, unit."""
    return f"  {label:<{_LABEL_WIDTH}}{value:>12} {ci:<12}{unit}"


def metric_table(means: Mapping[str, float], halfwidths: Mapping[str, float] | None = None) -> str:
    """One metric per line, in registry order: label, mean, ± 95% half-width, unit.
    Values are in the stored unit (fractions, seconds, contacts); shares show as %."""
    lines = []
    for name, m in METRICS.items():
        if name not in means:
            continue
        value = _number(means[name], m.scale, m.decimals)
        half = (halfwidths or {}).get(name)
        ci = "" if _missing(half) else f"± {_number(half, m.scale, m.decimals)}"
        lines.append(table_line(m.label, value, ci, m.unit))
    return "\n".join(lines)


def _cell(mean: float, half: float | None, name: str) -> str:
    """``mean ± half unit`` of metric ``name`` for a table cell."""
    m = metric(name)
    text = _number(mean, m.scale, m.decimals)
    if not _missing(half):
        text += f" ± {_number(half, m.scale, m.decimals)}"
    # "87.5%" but "12.3 s": a percent sign sits on its number, other units do not.
    return text + (m.unit if m.unit in ("%", "") else f" {m.unit}")


def summary_text(summary: pd.DataFrame, title: str, key_metrics: tuple[str, ...] = ()) -> str:
    """The summary of a run of ``ccsim run``: for one variant a metric per line with its
    95% confidence half-width; for several, a table with a row per variant of
    ``key_metrics`` (default :data:`KEY_METRICS`). A metric missing from ``summary`` is
    left out of the one-variant list and shown as ``–`` in the table."""
    if len(summary) == 1:
        row = summary.iloc[0]
        means = {m: row[m] for m in METRICS if m in row}
        halves = {m: row[f"{m}_ci95"] for m in METRICS if f"{m}_ci95" in row}
        reps = int(row["replications"]) if "replications" in row else None
        sub = f"  (mean ± 95% CI half-width over {reps} replications)" if reps else ""
        return f"{title}{sub}\n{metric_table(means, halves)}"
    metrics = key_metrics or KEY_METRICS
    labels = ["variant", *[metric(m).label for m in metrics]]
    rows = [
        [str(row["variant"]), *[
            _cell(row.get(m, math.nan), row.get(f"{m}_ci95", math.nan), m) for m in metrics
        ]]
        for _, row in summary.iterrows()
    ]
    widths = [max(len(labels[i]), *(len(r[i]) for r in rows)) for i in range(len(labels))]
    out = [title, "  " + "  ".join(labels[i].ljust(widths[i]) for i in range(len(labels)))]
    out += ["  " + "  ".join(r[i].ljust(widths[i]) for i in range(len(labels))) for r in rows]
    return "\n".join(out)
