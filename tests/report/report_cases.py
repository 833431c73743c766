"""What the report tests share: a two-team day with targets, a sweep of it, and running
an experiment with its charts drawn (as ``ccsim run`` does)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from ccsim.experiment import Experiment, Results, run_experiment
from ccsim.plots import plot_results

#: Two types, two teams, three hours. Billing is understaffed on purpose so that the
#: service-level target (90 % in 20 s) is missed beyond doubt, the centre's abandonment
#: target (50 %) met beyond doubt.
DAY = """\
name = "two-team day"
start = "09:00"
period = "30min"
horizon = "3h"

[service_level]
answer_within = "20s"

[targets]
service_level = 0.9
abandon_rate = 0.5

[[contact_types]]
name = "billing"
arrivals = { per_hour = 120 }
handle_time = { dist = "exponential", mean = "4min" }
patience = { dist = "exponential", mean = "2min" }

[[contact_types]]
name = "tech"
arrivals = { per_hour = 30 }
handle_time = { dist = "exponential", mean = "6min" }
patience = { dist = "exponential", mean = "5min" }

[[agent_groups]]
name = "specialists"
skills = ["billing"]
staff = 4

[[agent_groups]]
name = "generalists"
skills = ["tech", "billing"]
staff = [4, 5, 5, 5, 4, 4]
"""

SWEEP = """\
scenario = "day.toml"
replications = 4
[vary]
"agent_groups.specialists.staff" = [3, 8]
"""


def run_and_plot(directory: Path, experiment: Experiment) -> Results:
    results = run_experiment(experiment, workers=1, out=directory, progress=False)
    plot_results(directory)
    return results


def day_dict() -> dict:
    """The day as data, to change before it is validated."""
    return tomllib.loads(DAY)
