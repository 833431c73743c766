"""ccsim.analytic.arguments: every formula refuses bad agents, rates and durations, and
takes numpy scalars and the strings of scenario files ("690/h", "4min")."""

from __future__ import annotations

import math

import numpy as np
import pytest
from erlang_cases import HANDLE

from ccsim.analytic import erlang_a_metrics, erlang_b, erlang_b_metrics, erlang_c, erlang_c_metrics


@pytest.mark.parametrize("agents", [0, -3, 2.0, 2.5, True, "3", None])
def test_bad_agents_rejected(agents: object) -> None:
    with pytest.raises(ValueError, match="agents"):
        erlang_b(agents, 1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="agents"):
        erlang_a_metrics(agents, 0.1, HANDLE, 60.0)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf, -math.inf])
def test_bad_rates_and_durations_rejected(bad: float) -> None:
    with pytest.raises(ValueError, match="offered_load"):
        erlang_c(3, bad)
    with pytest.raises(ValueError, match="arrival_rate"):
        erlang_c_metrics(3, bad, HANDLE)
    with pytest.raises(ValueError, match="mean_handle"):
        erlang_b_metrics(3, 0.1, bad)
    with pytest.raises(ValueError, match="answer_within"):
        erlang_a_metrics(3, 0.1, HANDLE, 60.0, answer_within=bad)
    if not (bad > 0 and math.isinf(bad)):  # +inf patience is Erlang C
        with pytest.raises(ValueError, match="mean_patience"):
            erlang_a_metrics(3, 0.1, HANDLE, bad)


def test_zero_handle_and_absurd_patience_rejected() -> None:
    with pytest.raises(ValueError, match="mean_handle"):
        erlang_c_metrics(3, 0.1, 0.0)
    with pytest.raises(ValueError, match="mean_patience"):
        erlang_a_metrics(3, 0.1, HANDLE, 1e200)


def test_numpy_scalars_accepted() -> None:
    m = erlang_a_metrics(np.int64(10), np.float64(0.03), np.float64(HANDLE), np.float64(60.0))
    assert m.agents == 10 and isinstance(m.agents, int)


def test_durations_and_rates_are_accepted_as_in_scenario_files():
    """``"690/h"`` and ``"4min"`` mean what ``per_hour = 690`` and ``mean = "4min"`` do."""
    from ccsim import analytic

    planner = analytic.erlang_a_metrics(50, "690/h", "4min", "3min", answer_within="20s")
    assert planner == analytic.erlang_a_metrics(50, 690 / 3600, 240, 180, answer_within=20)
    assert analytic.erlang_c_metrics(50, "11.5/min", "4min", "20s") == (
        analytic.erlang_c_metrics(50, 690 / 3600, 240, 20)
    )
    assert analytic.erlang_b_metrics(50, "690/h", "240s") == (
        analytic.erlang_b_metrics(50, 690 / 3600, 240)
    )
    assert analytic.agents_for_target("690/h", "4min", answer_within="20s",
                                      target_service_level=0.8, mean_patience="3min",
                                      max_asa="30s") == (
        analytic.agents_for_target(690 / 3600, 240, answer_within=20, target_service_level=0.8,
                                   mean_patience=180, max_asa=30)
    )
    with pytest.raises(ValueError, match=r'expected a rate such as "690/h"'):
        analytic.erlang_c_metrics(50, "690 per hour", 240)
    with pytest.raises(ValueError, match=r'expected a duration such as "20s"'):
        analytic.erlang_c_metrics(50, "690/h", "4 fortnights")
