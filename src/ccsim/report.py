"""Human-readable tables for the terminal."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: How each metric reads in a table: label, unit, scale, decimals.
_FORMAT: dict[str, tuple[str, str, float, int]] = {
    "offered": ("offered", "contacts", 1, 1),
    "answered": ("answered", "contacts", 1, 1),
    "abandoned": ("abandoned", "contacts", 1, 1),
    "blocked": ("blocked", "contacts", 1, 1),
    "unserved": ("unserved", "contacts", 1, 1),
    "abandon_rate": ("abandon rate", "%", 100, 2),
    "service_level": ("service level", "%", 100, 2),
    "asa": ("ASA", "s", 1, 1),
    "mean_wait": ("mean wait", "s", 1, 1),
    "wait_p50": ("wait p50", "s", 1, 1),
    "wait_p90": ("wait p90", "s", 1, 1),
    "wait_p95": ("wait p95", "s", 1, 1),
    "p_wait": ("P(wait)", "%", 100, 2),
    "occupancy": ("occupancy", "%", 100, 2),
}


def _number(value: float, scale: float, decimals: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value * scale:,.{decimals}f}"


def metric_table(means: Mapping[str, float], halfwidths: Mapping[str, float] | None = None) -> str:
    """One metric per line: label, mean, ± 95% half-width, unit."""
    lines = []
    for metric, (label, unit, scale, decimals) in _FORMAT.items():
        if metric not in means:
            continue
        value = _number(means[metric], scale, decimals)
        ci = ""
        if halfwidths is not None and metric in halfwidths:
            half = halfwidths[metric]
            ci = "" if half is None or math.isnan(half) else f"± {_number(half, scale, decimals)}"
        lines.append(f"  {label:<15}{value:>12} {ci:<12}{unit}")
    return "\n".join(lines)


def summary_text(summary: pd.DataFrame, title: str, key_metrics: tuple[str, ...] = ()) -> str:
    """The summary of a run of ``ccsim run``: for one variant a metric per line with its
    95% confidence half-width; for several, a table with a row per variant."""
    header = f"{title}"
    if len(summary) == 1:
        row = summary.iloc[0]
        means = {m: row[m] for m in _FORMAT if m in row}
        halves = {m: row[f"{m}_ci95"] for m in _FORMAT if f"{m}_ci95" in row}
        reps = int(row["replications"]) if "replications" in row else None
        sub = f"  (mean ± 95% CI half-width over {reps} replications)" if reps else ""
        return f"{header}{sub}\n{metric_table(means, halves)}"
    metrics = key_metrics or ("service_level", "asa", "abandon_rate", "occupancy")
    cols = ["variant", *metrics]
    rows = []
    for _, row in summary.iterrows():
        cells = [str(row["variant"])]
        for m in metrics:
            _, unit, scale, decimals = _FORMAT[m]
            half = row.get(f"{m}_ci95", math.nan)
            text = _number(row[m], scale, decimals)
            if not (half is None or math.isnan(half)):
                text += f" ± {_number(half, scale, decimals)}"
            cells.append(text + ("%" if unit == "%" else f" {unit}"))
        rows.append(cells)
    labels = ["variant", *[_FORMAT[m][0] for m in metrics]]
    widths = [max(len(labels[i]), *(len(r[i]) for r in rows)) for i in range(len(cols))]
    out = [header, "  " + "  ".join(labels[i].ljust(widths[i]) for i in range(len(cols)))]
    out += ["  " + "  ".join(r[i].ljust(widths[i]) for i in range(len(cols))) for r in rows]
    return "\n".join(out)
