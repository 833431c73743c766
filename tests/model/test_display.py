"""ccsim.model.display: one way a metric's number reads everywhere — durations in the unit
of their size, shares in %, confidence intervals clipped to what the metric can take."""

from __future__ import annotations

import math

import pytest

from ccsim.model.display import band, shown, value_text
from ccsim.model.registry import metric


@pytest.mark.parametrize(
    ("name", "mean", "half", "text"),
    [
        ("agent_time_callbacks", 102_619.0, math.nan, "28.5 h"),
        ("callback_delay_mean", 1818.5, 300.0, "30.3 ± 5.0 min"),
        ("asa", 31.04, 6.7, "31.0 ± 6.7 s"),
        ("asa", 150.0, 12.0, "2.5 ± 0.2 min"),
        ("service_level", 0.4885, 0.0988, "48.85 ± 9.88%"),
        ("promise_kept", 0.9494, 0.0919, "94.94% [85.75, 100.00]"),  # not 94.94 ± 9.19%
        ("abandon_rate", 0.01, 0.02, "1.00% [0.00, 3.00]"),
        ("asa", 2.0, 3.1, "2.0 s [0.0, 5.1]"),
        ("callback_delay_mean", math.nan, math.nan, "–"),
        ("sl_expected", 0.98, 0.05, "98.00 ± 5.00%"),  # may exceed 100 %: nothing to clip
    ],
)
def test_a_cell_reads_in_the_planners_unit_and_its_interval_stays_in_range(
    name, mean, half, text
):
    assert value_text(mean, half, metric(name)) == text


def test_a_count_cell_leaves_the_unit_to_its_column():
    assert value_text(387.3, 47.7, metric("callbacks_accepted"), unit=False) == "387.3 ± 47.7"


def test_a_column_of_durations_can_share_the_unit_of_its_largest():
    how = shown(metric("callback_delay_mean"), [12.0, math.nan, 7990.0])
    assert (how.unit, how.decimals) == ("h", 1)
    assert value_text(12.0, None, metric("callback_delay_mean"), how) == "0.0 h"


def test_the_band_is_the_interval_clipped_to_the_metrics_range():
    assert band(0.95, 0.1, metric("service_level")) == (pytest.approx(0.85), 1.0)
    assert band(0.5, 0.1, metric("service_level")) == (pytest.approx(0.4), pytest.approx(0.6))
