"""Cost against service across the variants of a sweep: the trade-off a manager decides on,
with the cheapest variant that meets the scenario's targets marked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccsim.plots.figure import TARGET_LABEL, band, display_scale, metric_label, new_figure
from ccsim.report.targets import cheapest, choices, targets

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
    figure = new_figure(8.0, 5.5)
    axes = figure.add_subplot()
    groups = choices(results, summary)
    for k, (where, part) in enumerate(groups):
        y = part[service].to_numpy() * scale
        low, high = band(service, y, part[f"{service}_ci95"].to_numpy() * scale)
        x = part["total_cost"].to_numpy()
        axes.errorbar(x, y, xerr=part["total_cost_ci95"].to_numpy(), yerr=[y - low, high - y],
                      fmt="o", color=f"C{k % 10}", ecolor=f"C{k % 10}", alpha=0.8, capsize=3,
                      label=where or "variant (95% CI)")
        # Within a set of variants, each is named by its own label: the set says the rest.
        names = part["variants.label"] if where else part["variant"]
        for xi, yi, name in zip(x, y, names, strict=True):
            axes.annotate(str(name), (xi, yi), xytext=(5, 4), textcoords="offset points",
                          fontsize=7, color=f"C{k % 10}")
    goals = [t for t in targets(first) if t.metric in summary]
    for t in goals:
        if t.metric == service:
            axes.axhline(t.value * scale, color="tab:red", linestyle=":", label=TARGET_LABEL)
    found = [best for _, part in groups
             if (best := cheapest(part, goals)[0] if goals else None) is not None]
    if found:
        axes.scatter([b["total_cost"] for b in found], [b[service] * scale for b in found],
                     s=260, facecolors="none", edgecolors="black", linewidths=1.5,
                     label="cheapest meeting the targets" + (
                         f": {found[0]['variant']}" if len(found) == 1 else
                         f", at each of the {len(found)} settings swept"))
    axes.set_xlabel(f"total cost ({currency})")
    axes.set_ylabel(metric_label(service, list(scenarios.values())))
    axes.set_title("Cost against service, per variant (mean over replications)")
    axes.grid(alpha=0.3)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=8,
                frameon=False)
    return figure
