"""Every chart of a results directory, drawn into its ``charts/`` folder (``ccsim plot
DIR``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ccsim.experiment.factors import factors
from ccsim.experiment.store import CHARTS_DIR
from ccsim.plots.cost import plot_cost_service
from ccsim.plots.heatmap import HEATMAP_METRICS, plot_heatmap
from ccsim.plots.intervals import plot_intervals
from ccsim.plots.metric import KEY_METRICS, POLICY_METRICS, plot_metrics
from ccsim.plots.roster import plot_roster
from ccsim.plots.seats import chat_groups, plot_seats

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Dots per inch of every chart written (9 inches wide reads at about 1000 pixels).
DPI = 110


def plot_results(directory: str | Path) -> list[Path]:
    """Draw every chart of the results in ``directory`` into its ``charts/`` folder,
    replacing earlier ones; returns the files written: ``intervals.png`` always; with
    deferrable work ``backlog.png`` (its backlog and oldest item by interval); with chat
    ``seats.png`` (:func:`~ccsim.plots.seats.plot_seats`); with
    several variants also ``metrics.png`` (key metrics against the sweep or per variant),
    with costs ``cost_service.png`` (:func:`~ccsim.plots.cost.plot_cost_service`) and, with
    two or more factors, ``heatmap_<metric>.png`` for each of
    :data:`HEATMAP_METRICS`; with shifts ``roster.png``, the first day's plan of the
    first variant that has them (:func:`~ccsim.plots.roster.plot_roster`)."""
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
            figure.savefig(path, dpi=DPI)
        written.append(path)

    save(plot_intervals(results), "intervals.png")
    scenarios = results.scenarios()
    deferrable = list(dict.fromkeys(c.name for s in scenarios.values()
                                    for c in s.contact_types if c.deferrable))
    if deferrable:  # the backlog of deferrable work through the horizon
        save(plot_intervals(results, metrics=("backlog", "backlog_oldest"),
                            contact_types=deferrable), "backlog.png")
    if chat_groups(results):  # the seats of the groups that take chat
        save(plot_seats(results), "seats.png")
    if len(results.variants) > 1:
        extra = tuple(m for m in POLICY_METRICS if m in results.runs.columns)
        save(plot_metrics(results, (*KEY_METRICS, *extra)), "metrics.png")
        if len(factors(results)) >= 2:
            for metric in HEATMAP_METRICS:
                save(plot_heatmap(results, metric), f"heatmap_{metric}.png")
        if "total_cost" in results.runs.columns:
            save(plot_cost_service(results), "cost_service.png")
    shifted = next((v for v in results.variants
                    if any(g.shifts for g in scenarios[v].agent_groups)), None)
    if shifted is not None:  # the plan of its first replication's first day
        first = ok[ok["variant"] == shifted].sort_values("replication").iloc[0]
        save(plot_roster(scenarios[shifted], int(first["seed"])), "roster.png")
    return written


def png(figure: Figure) -> bytes:
    """``figure`` as a PNG, as the charts of ``charts/`` are drawn."""
    from io import BytesIO

    buffer = BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()
