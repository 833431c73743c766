"""ccsim.plots.metric: the Erlang-A line is drawn only where Erlang A models the
scenarios, and asking for it elsewhere is an error."""

from __future__ import annotations

import pytest

from ccsim.experiment import load_experiment, run_experiment
from ccsim.plots import ERLANG_LABEL, plot_metric


def test_a_sweep_with_lines_gets_no_erlang_line(write_experiment) -> None:
    path = write_experiment("""
scenario = "tiny.toml"
replications = 2
[vary]
"lines" = [6, 8]
""")
    results = run_experiment(load_experiment(path), workers=1)
    (ax,) = plot_metric(results, "service_level").axes
    assert ERLANG_LABEL not in ax.get_legend_handles_labels()[1]
    with pytest.raises(ValueError, match="Erlang A does not apply"):
        plot_metric(results, "service_level", erlang=True)
