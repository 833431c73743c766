"""Charts of experiment results (matplotlib, drawn off-screen).

Every chart is built on a :class:`matplotlib.figure.Figure` of its own — no pyplot, so no
global figure state and no GUI backend — and shows means over replications with their
95% confidence band (Student t, as in :meth:`Results.summary`).

* :func:`plot_metric` — one metric against the swept parameters;
* :func:`plot_metrics` — several metrics, a row of panels each (the staffing chart);
* :func:`plot_heatmap` — one metric over a grid of two swept parameters;
* :func:`plot_intervals` — service level and abandonment by interval of the day, for all
  contact types together and for each;
* :func:`plot_seats` — a chat group's seats by interval: chats held at once and seats in
  use;
* :func:`plot_results` — (re)draw all charts of a results directory into its ``charts/``
  folder (``ccsim plot DIR``);
* :func:`plot_plan` — a staffing plan (:func:`ccsim.staff`) against the analytic answer:
  agents per interval, and each goal's metric under both.

What every chart keeps to:

* **One factor per thing varied** (:func:`~ccsim.experiment.factors.factors`): each swept
  key that takes more than one value, and the hand-made ``[[variants]]`` (their labels,
  the parameter column :data:`~ccsim.experiment.sweep.LABEL_COLUMN`; the keys they set
  belong to them and are no factors of their own). The first factor (a numeric one if
  any) is the x axis, the second gives one line per level, and each further one gives one
  panel per level, titled with it — so a line never joins variants that differ in
  anything but x. A heatmap takes the first two as its axes and the same panels for the
  rest (:mod:`ccsim.plots.plan`).
* Axis labels, legends and titles say in words what was varied ("sales team staff",
  "staff of every team (× base)"), not key paths.
* Labels, units, display scale, range and which direction is better come from the metric
  registry (:mod:`ccsim.model.registry`): a band is clipped to the metric's range (a share
  stays within 0–100 %), and a heatmap runs from red (worse) to green (better).
* A scenario's ``[targets]`` are drawn as a dotted line labelled "target".
* Variants that ran the same scenario are drawn once, under all their names "A = B"
  (:func:`distinct`); a variant the interval chart leaves out is named below it.
* A heatmap's colours span the metric's natural scale (0–100 % for a share, from 0 for a
  time), not only the values found, so that a 1.6-point spread does not look like a large
  one; its colour bar says the range of the cells.
* Titles say how many replications finished ("9–11 of 100 replications per variant
  finished" after an interrupted run); legends sit below the axes, never on the data.

Where Erlang A models the scenarios (see :func:`~ccsim.analytic.erlang_a_applies`) the
metric charts also draw its prediction: a per-interval, *pooled* approximation (see
:func:`~ccsim.analytic.pooled_erlang_a`), labelled as such.
"""

from ccsim.experiment.factors import Factor, describe, factors
from ccsim.plots.figure import TARGET_LABEL, TARGETS, finished_note
from ccsim.plots.heatmap import HEATMAP_METRICS, plot_heatmap
from ccsim.plots.identical import distinct
from ccsim.plots.intervals import clock, plot_intervals
from ccsim.plots.metric import ERLANG_LABEL, KEY_METRICS, POLICY_METRICS, plot_metric, plot_metrics
from ccsim.plots.save import plot_results
from ccsim.plots.seats import plot_seats
from ccsim.plots.staffing import plot_plan

__all__ = [
    "ERLANG_A_MODELS",
    "ERLANG_LABEL",
    "HEATMAP_METRICS",
    "KEY_METRICS",
    "POLICY_METRICS",
    "TARGETS",
    "TARGET_LABEL",
    "Factor",
    "clock",
    "describe",
    "distinct",
    "erlang_a_applies",
    "factors",
    "finished_note",
    "plot_heatmap",
    "plot_intervals",
    "plot_metric",
    "plot_metrics",
    "plot_plan",
    "plot_results",
    "plot_seats",
    "pooled_erlang_a",
]

#: Names that moved to :mod:`ccsim.analytic.pooled`, still read here.
_POOLED = ("ERLANG_A_MODELS", "erlang_a_applies", "pooled_erlang_a")


def __getattr__(name: str) -> object:
    # ccsim.analytic pulls in scipy.special: load it when first asked for, not on import.
    if name in _POOLED:
        from ccsim.analytic import pooled

        return getattr(pooled, name)
    raise AttributeError(f"module 'ccsim.plots' has no attribute {name!r}")
