"""The results every report test reads: the two-team day and a sweep of it, run once
for all the report tests."""

from __future__ import annotations

import pytest
from report_cases import DAY, SWEEP, run_and_plot

from ccsim.experiment import Experiment, Results, load_experiment
from ccsim.scenario import load_scenario


@pytest.fixture(scope="session")
def day(tmp_path_factory: pytest.TempPathFactory) -> Results:
    folder = tmp_path_factory.mktemp("day")
    (folder / "day.toml").write_text(DAY)
    scenario = load_scenario(folder / "day.toml")
    experiment = Experiment.from_scenario(scenario, replications=5, seed=3,
                                          source=folder / "day.toml")
    return run_and_plot(folder / "out", experiment)


@pytest.fixture(scope="session")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> Results:
    folder = tmp_path_factory.mktemp("sweep")
    (folder / "day.toml").write_text(DAY)
    (folder / "sweep.toml").write_text(SWEEP)
    return run_and_plot(folder / "out", load_experiment(folder / "sweep.toml"))
