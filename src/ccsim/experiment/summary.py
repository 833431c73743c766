"""Summaries of replications with 95 % confidence intervals: what tables, charts and
reports read.

Every metric of the registry (:mod:`ccsim.model.registry`) gets a mean and a half-width;
a metric that a run did not report (an older record, a policy that was not installed) is
NaN there and does not count in that metric's number of replications.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ccsim.model.registry import METRICS

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


def ci95(std: Any, n: Any) -> Any:
    """Half-width of the 95 % confidence interval of a mean of ``n`` values whose sample
    standard deviation is ``std`` (Student t; in the unit of the values; NaN where
    ``n`` < 2). Works on arrays."""
    import numpy as np
    from scipy.special import stdtrit  # the t quantile; scipy.stats takes ~1 s to import

    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n >= 2, stdtrit(np.maximum(n - 1, 1), 0.975) * std / np.sqrt(n), np.nan)


#: The per-group day metrics of :func:`group_days` (occupancy as in the registry).
GROUP_METRICS = ("occupancy", "occupancy_drain", "busy_hours", "staffed_hours")
#: The day's metrics of a chat group (:mod:`ccsim.model.chat`), where the centre has chat.
CHAT_GROUP_METRICS = ("concurrency_mean", "seat_utilisation")


def summarize(
    runs: pd.DataFrame,
    variants: list[str],
    parameters: dict[str, dict[str, Any]] | None = None,
    columns: list[str] | None = None,
    *,
    by: str | tuple[str, ...] | None = None,
    metrics: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """One row per variant (in the order of ``variants``): its ``parameters`` (label →
    column → value; columns in the order of ``columns``), ``replications``
    (runs that finished), ``failed``, and for each metric of the registry the mean over
    replications and ``<metric>_ci95``, the half-width of the 95% confidence interval of
    that mean: ``t(0.975, n - 1) · s / √n`` with s the sample standard deviation (Student
    t), NaN when fewer than 2 replications give a value. Both are in the metric's stored
    unit (fractions, seconds, contacts). A run whose metric is NaN (e.g. ``asa`` with
    nothing answered) or a metric missing from ``runs`` does not count in its n.

    With ``by`` (a column of ``runs`` such as ``contact_type`` or ``agent_group``, or a
    tuple of columns such as ``("contact_type", "segment")``), one row per variant and
    level of those columns, in the order the levels first appear.
    ``metrics`` defaults to the registry's: every core metric, and a policy's own where
    ``runs`` has them."""
    import numpy as np
    import pandas as pd

    parameters = parameters or {}
    names = columns if columns is not None else list(
        dict.fromkeys(p for values in parameters.values() for p in values)
    )
    ok = runs[runs["status"] == "ok"]
    keys = [] if by is None else [by] if isinstance(by, str) else list(by)
    levels = list(dict.fromkeys(zip(*(runs[k] for k in keys), strict=True))) if keys else [()]
    reported = list(metrics or _reported(runs))
    # Each metric's column read once, as a row of floats: selecting and converting a
    # pandas column per variant, level and metric was most of a summary's time.
    present = [m for m in reported if m in ok]
    block = ok[present].to_numpy(dtype="float64", na_value=np.nan).T
    values = np.full((len(reported), len(ok)), np.nan)
    values[[reported.index(m) for m in present]] = block
    variant_of = ok["variant"].to_numpy()
    level_of = [ok[k].to_numpy() for k in keys]
    failures = runs.loc[runs["status"] != "ok", "variant"].value_counts()
    rows = []
    for label in variants:
        mine = variant_of == label
        for level in levels:
            chosen = mine.copy()
            for column, value in zip(level_of, level, strict=True):
                chosen &= column == value
            part = np.flatnonzero(chosen)
            row: dict[str, Any] = {"variant": label, **dict(zip(keys, level, strict=True))}
            row.update({p: parameters.get(label, {}).get(p) for p in names})
            row["replications"] = len(part)
            row["failed"] = int(failures.get(label, 0))
            means, halves = _means_and_ci95(values[:, part])
            for m, mean, half in zip(reported, means, halves, strict=True):
                row[m], row[f"{m}_ci95"] = mean, half
            rows.append(row)
    return pd.DataFrame(rows)


def _means_and_ci95(values: np.ndarray) -> tuple[list[float], list[float]]:
    """The mean of each row of ``values`` (NaN entries left out) and its 95 % half-width,
    in the unit of the values; NaN when nothing (mean) or fewer than 2 values
    (half-width) remain."""
    import numpy as np

    means, stds, counts = [], [], []
    for row in values:
        kept = row[~np.isnan(row)]
        counts.append(len(kept))
        means.append(float(kept.mean()) if len(kept) else math.nan)
        stds.append(float(kept.std(ddof=1)) if len(kept) >= 2 else math.nan)
    return means, [float(h) for h in ci95(np.array(stds), np.array(counts))]


def _reported(runs: pd.DataFrame) -> list[str]:
    """The registry's metrics for a table of runs: the core ones, and a policy's where
    the table has them."""
    return [m for m in METRICS if METRICS[m].policy is None or m in runs.columns]


def group_days(groups: pd.DataFrame) -> pd.DataFrame:
    """Per run and agent group, the day: ``busy_hours``, ``staffed_hours`` and occupancy
    without and with the drain after the horizon, from the per-interval ``groups`` table
    (ratios of the day's sums, not means of interval ratios)."""
    import numpy as np

    keys = ["variant", "replication", "agent_group"]
    day = groups.groupby(keys, sort=False)[["busy_time", "staffed_time", "drain_time"]].sum()
    day = day.reset_index()
    with np.errstate(invalid="ignore", divide="ignore"):
        day["occupancy"] = np.where(day.staffed_time > 0, day.busy_time / day.staffed_time,
                                    np.nan)
        worked = day.staffed_time + day.drain_time
        day["occupancy_drain"] = np.where(worked > 0, (day.busy_time + day.drain_time) / worked,
                                          np.nan)
    if "seat_time" in groups:  # chat groups: the day's seats (NaN in other groups)
        # seat utilisation × staffed time is seat time / max_chats: its sum over the
        # day's staffed time is the day's share of seats in use
        sums = groups.assign(seats=groups.seat_utilisation * groups.staffed_time).groupby(
            keys, sort=False)[["seat_time", "chat_time", "seats"]].sum(min_count=1)
        sums = sums.reset_index(drop=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            day["concurrency_mean"] = np.where(sums.chat_time > 0,
                                               sums.seat_time / sums.chat_time, np.nan)
            day["seat_utilisation"] = np.where(day.staffed_time > 0,
                                               sums.seats / day.staffed_time, np.nan)
    day["busy_hours"] = day.busy_time / 3600
    day["staffed_hours"] = day.staffed_time / 3600
    day["status"] = "ok"
    return day


def interval_summary(intervals: pd.DataFrame, names: Sequence[str],
                     part: str = "contact_type") -> pd.DataFrame:
    """Per variant, contact type (and segment, with segments) and interval: the mean over
    replications of each metric of ``names`` and ``<metric>_ci95`` (Student t, as the
    summaries). ``part="agent_group"``: per agent group instead, from a groups table."""
    keys = ["variant", part, *(["segment"] if "segment" in intervals else []), "interval"]
    # The centre first, then each type, as in the other per-type tables.
    ordered = intervals.sort_values(part, key=lambda c: c != "all", kind="stable")
    stats = ordered.groupby(keys, sort=False)[list(names)].agg(["mean", "std", "count"])
    out = stats.xs("mean", axis=1, level=1).copy()
    for name in names:
        out[f"{name}_ci95"] = ci95(stats[(name, "std")], stats[(name, "count")])
    return out.reset_index()
