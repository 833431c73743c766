"""Experiments: sweeps of scenario variants × replications, run locally or on Dask, with
results on disk (resumable) and confidence intervals.

Load an experiment file with :func:`load_experiment` (or build one from a scenario with
:meth:`Experiment.from_scenario`), run it with :func:`run_experiment`, and read the
:class:`Results`: ``runs`` and ``intervals`` DataFrames, ``summary()`` with 95% CIs.
Charts of them are :mod:`ccsim.plots` (a layer above this one).
"""

from ccsim.experiment.results import FailedRun, Results
from ccsim.experiment.runner import run_experiment
from ccsim.experiment.sweep import Experiment, Variant, is_experiment_file, load_experiment

__all__ = [
    "Experiment",
    "FailedRun",
    "Results",
    "Variant",
    "is_experiment_file",
    "load_experiment",
    "run_experiment",
]
