"""Fixtures of the chart tests: the results of a three-way sweep."""

from __future__ import annotations

import pytest
from plot_cases import THREE_WAY

from ccsim.experiment import Results, load_experiment, run_experiment


@pytest.fixture
def three_way(write_experiment) -> Results:
    return run_experiment(load_experiment(write_experiment(THREE_WAY)), workers=1)
