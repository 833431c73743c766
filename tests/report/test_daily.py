"""ccsim.report.daily: with busyness, the summary ``ccsim run`` prints and the report page
show how the daily service level spreads over the days of all replications (days below
the target, the lowest, a day in ten, the median), not only its mean."""

from __future__ import annotations

import re
import tomllib

import numpy as np
import pytest
from report_cases import parse

from ccsim.experiment import Experiment, Results, run_experiment
from ccsim.report import report_html, summary_text
from ccsim.report.daily import DailySpread, daily_spreads
from ccsim.scenario import Scenario

#: A small centre over 4 days with busy and quiet days (cv 0.3), a target of 80 %.
BUSY_WEEK = """\
name = "busy days"
period = "1h"
horizon = "4d"
busyness = { cv = 0.3 }

[targets]
service_level = 0.8

[[contact_types]]
name = "calls"
arrivals = { per_hour = 18 }
handle_time = { dist = "exponential", mean = "6min" }
patience = { dist = "uniform", min = "2min", max = "6min", balk = 0.01 }

[[agent_groups]]
name = "agents"
skills = ["calls"]
staff = 3
"""


@pytest.fixture(scope="module")
def busy(tmp_path_factory: pytest.TempPathFactory) -> Results:
    scenario = Scenario.from_dict(tomllib.loads(BUSY_WEEK))
    experiment = Experiment.from_scenario(scenario, replications=5, seed=2)
    return run_experiment(experiment, workers=1, progress=False)


@pytest.mark.parametrize(("below", "days", "words"), [
    (0, 20, "no day"), (20, 20, "every day"), (41, 200, "1 day in 5"), (1, 3, "1 day in 3"),
    (10, 20, "1 day in 2"), (3, 5, "60 % of days")])
def test_days_below_the_target_are_said_as_a_planner_says_them(below, days, words):
    spread = DailySpread("v", days, 0.5, 0.6, 0.8, 0.8, below)
    assert spread.below_words() == words


def test_the_spread_is_that_of_the_days_of_every_replication(busy: Results) -> None:
    (spread,) = daily_spreads(busy, busy.scenarios())
    days = busy.days["service_level"].to_numpy()
    assert spread.days == len(days) == 20  # 5 replications × 4 days
    assert spread.lowest == days.min() and spread.median == pytest.approx(np.median(days))
    assert spread.tenth == pytest.approx(np.quantile(days, 0.1))
    assert spread.below == np.count_nonzero(days < 0.8) and spread.target == 0.8
    assert days.min() < 0.8 < days.max()  # busy and quiet days: the case is worth reading


def test_the_printed_summary_gives_the_spread_of_the_days(busy: Results) -> None:
    (spread,) = daily_spreads(busy, busy.scenarios())
    text = summary_text(busy, "busy days")
    paragraph = text.split("service level by day, with busyness", 1)[1].split("\n\n")[0]
    said = " ".join(paragraph.split())
    assert said.startswith("(20 days: those of every replication): ")
    assert (f"{spread.below_words()} below the 80 % target ({spread.below} of 20); lowest "
            f"day {spread.lowest * 100:.3g} %; a day in 10 below {spread.tenth * 100:.3g} %; "
            f"median {spread.median * 100:.3g} %") in said
    assert all(len(line) <= 100 for line in text.splitlines())


def test_the_report_page_has_a_table_of_the_days(busy: Results) -> None:
    (spread,) = daily_spreads(busy, busy.scenarios())
    page = report_html(busy)
    (header, row) = parse(page).tables["daily"]
    assert header == ["variant", "days", "below the target", "lowest day", "a day in 10 below",
                      "median day"]
    assert row[:2] == ["busy days", "20"]
    assert row[2] == f"{spread.below} ({spread.below_words()}) below 80 %"
    assert row[3] == f"{spread.lowest * 100:.3g} %"
    assert "id=daily-note" in page
    # And the scenario in words says what was drawn.
    assert "Busyness (the forecast&#x27;s error): each day&#x27;s arrivals × a random factor" \
        in page
    assert "0.01 %" not in page and "1 % hang up at once if they must wait" in page


def test_without_busyness_nothing_about_days_is_added(day: Results) -> None:
    assert "with busyness" not in summary_text(day, "day")
    assert "id=daily" not in report_html(day)


def test_a_sweep_gives_a_line_per_variant(busy: Results) -> None:
    base = Scenario.from_dict(tomllib.loads(BUSY_WEEK)).to_dict()
    experiment = Experiment.from_dict({"name": "sweep", "scenario": base, "replications": 3,
                                       "vary": {"agent_groups.agents.staff": [2, 5]}})
    results = run_experiment(experiment, workers=1, progress=False)
    printed = summary_text(results, "sweep")
    lines = re.findall(r"^  (.*): service level by day, with busyness \(12 days", printed, re.M)
    assert lines == ["agents.staff=2", "agents.staff=5"], printed
    said = " ".join(printed.split())
    assert ("agents.staff=2: service level by day, with busyness (12 days: those of every "
            "replication): every day below the 80 % target (12 of 12)") in said  # 1.8 erlangs
    page = parse(report_html(results))
    assert [row[0] for row in page.tables["daily"][1:]] == lines
