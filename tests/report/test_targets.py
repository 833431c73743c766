"""ccsim.report.targets: a target is met or missed only when the whole confidence interval
says so, and the intervals that miss it read as clock spans."""

from __future__ import annotations

import math

import pytest
from report_cases import day_dict

from ccsim.report import Target, verdict
from ccsim.report.targets import _spans
from ccsim.scenario import Scenario


@pytest.mark.parametrize(("mean", "half", "expected"), [
    (0.85, 0.02, "met"),        # the whole CI above 80 %
    (0.80, 0.0, "met"),         # exactly on target counts as met
    (0.81, 0.02, "unclear"),    # the CI straddles the target
    (0.75, 0.02, "missed"),     # the whole CI below
    (0.95, math.nan, "unclear"),  # one replication: no CI, no verdict
    (math.nan, 0.01, "unclear"),
])
def test_a_higher_is_better_target_is_missed_only_when_the_whole_ci_is_below(
    mean: float, half: float, expected: str
) -> None:
    assert verdict(mean, half, Target("service_level", 0.8)) == expected


def test_a_lower_is_better_target_is_judged_the_other_way() -> None:
    asa = Target("asa", 20.0)
    assert verdict(12.0, 3.0, asa) == "met"
    assert verdict(19.0, 3.0, asa) == "unclear"
    assert verdict(25.0, 3.0, asa) == "missed"
    assert asa.text == "ASA ≤ 20 s"
    assert Target("service_level", 0.8).text == "service level ≥ 80%"


def test_missed_intervals_read_as_clock_spans_and_days_on_a_long_horizon() -> None:
    scenario = Scenario.from_dict({**day_dict(), "start": "22:00", "horizon": "4h",
                                   "agent_groups": [{"name": "a", "skills": ["billing", "tech"],
                                                     "staff": 9}]})
    assert _spans([0, 1, 3], scenario) == ["d1 22:00–d1 23:00", "d1 23:30–d2 00:00"]
    short = Scenario.from_dict(day_dict())
    assert _spans([0, 1, 2, 5], short) == ["09:00–10:30", "11:30–12:00"]
