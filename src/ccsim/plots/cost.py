"""Cost against service across the variants of a sweep: the trade-off a manager decides on,
with the cheapest variant that meets the scenario's targets marked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccsim.plots.figure import TARGET_LABEL, band, display_scale, metric_label, new_figure
from ccsim.report.targets import cheapest, targets

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ccsim.experiment import Results


def plot_cost_service(results: Results, service: str = "service_level") -> Figure:
    """Each variant as a point: mean ``total_cost`` (x) against mean ``service`` (y), with
    their 95 % intervals as error bars; the service target as a dotted line; the cheapest
    variant whose means meet every target ringed and named."""
    summary = results.summary()
    scenarios = results.scenarios()
    first = next(iter(scenarios.values()))
    currency = first.costs.currency if first.costs is not None else "money"
    scale = display_scale(service)
    low, high = band(service, summary[service].to_numpy() * scale,
                     summary[f"{service}_ci95"].to_numpy() * scale)
    y = summary[service].to_numpy() * scale
    x = summary["total_cost"].to_numpy()
    figure = new_figure(8.0, 5.5)
    axes = figure.add_subplot()
    axes.errorbar(x, y, xerr=summary["total_cost_ci95"].to_numpy(), yerr=[y - low, high - y],
                  fmt="o", color="tab:blue", ecolor="0.6", capsize=3, label="variant (95% CI)")
    for xi, yi, name in zip(x, y, summary["variant"], strict=True):
        axes.annotate(str(name), (xi, yi), xytext=(5, 4), textcoords="offset points",
                      fontsize=7, color="0.25")
    goals = [t for t in targets(first) if t.metric in summary]
    for t in goals:
        if t.metric == service:
            axes.axhline(t.value * scale, color="tab:red", linestyle=":", label=TARGET_LABEL)
    best, _ = cheapest(summary, goals) if goals else (None, 0)
    if best is not None:
        axes.scatter([best["total_cost"]], [best[service] * scale], s=260, facecolors="none",
                     edgecolors="tab:green", linewidths=2,
                     label=f"cheapest meeting the targets: {best['variant']}")
    axes.set_xlabel(f"total cost ({currency})")
    axes.set_ylabel(metric_label(service, list(scenarios.values())))
    axes.set_title("Cost against service, per variant (mean over replications)")
    axes.grid(alpha=0.3)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=8,
                frameon=False)
    return figure
