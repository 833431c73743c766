"""Summaries of replications with 95 % confidence intervals: what tables, charts and
reports read.

Every metric of the registry (:mod:`ccsim.model.registry`) gets a mean and a half-width;
a metric that a run did not report (an older record, a policy that was not installed) is
NaN there and does not count in that metric's number of replications.
"""

from __future__ import annotations

import math
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


def mean_and_ci95(values: np.ndarray) -> tuple[float, float]:
    """Mean of ``values`` (NaN entries left out) and its 95 % half-width, in the unit of
    the values; NaN when nothing (mean) or fewer than 2 values (half-width) remain."""
    import numpy as np

    kept = values[~np.isnan(values)]
    n = len(kept)
    mean = float(kept.mean()) if n else math.nan
    half = float(ci95(kept.std(ddof=1), n)) if n >= 2 else math.nan
    return mean, half


def summarize(
    runs: pd.DataFrame,
    variants: list[str],
    parameters: dict[str, dict[str, Any]] | None = None,
    columns: list[str] | None = None,
) -> pd.DataFrame:
    """One row per variant (in the order of ``variants``): its ``parameters`` (label →
    column → value; columns in the order of ``columns``), ``replications``
    (runs that finished), ``failed``, and for each metric of the registry the mean over
    replications and ``<metric>_ci95``, the half-width of the 95% confidence interval of
    that mean: ``t(0.975, n - 1) · s / √n`` with s the sample standard deviation (Student
    t), NaN when fewer than 2 replications give a value. Both are in the metric's stored
    unit (fractions, seconds, contacts). A run whose metric is NaN (e.g. ``asa`` with
    nothing answered) or a metric missing from ``runs`` does not count in its n."""
    import pandas as pd

    parameters = parameters or {}
    names = columns if columns is not None else list(
        dict.fromkeys(p for values in parameters.values() for p in values)
    )
    ok = runs[runs["status"] == "ok"]
    rows = []
    for label in variants:
        part = ok[ok["variant"] == label]
        row: dict[str, Any] = {"variant": label}
        row.update({p: parameters.get(label, {}).get(p) for p in names})
        row["replications"] = len(part)
        row["failed"] = int(((runs["variant"] == label) & (runs["status"] != "ok")).sum())
        for m in METRICS:
            row[m], row[f"{m}_ci95"] = mean_and_ci95(_values(part, m))
        rows.append(row)
    return pd.DataFrame(rows)


def _values(table: pd.DataFrame, column: str) -> np.ndarray:
    """``table[column]`` as floats (missing values NaN); all NaN when there is no such
    column."""
    import numpy as np

    if column not in table:
        return np.full(len(table), np.nan)
    return table[column].astype("float64").to_numpy()
