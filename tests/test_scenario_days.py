"""A week of days: ``arrivals.days`` scales one day's volume profile, day by day; the run
expects and meets those volumes; a misfit list is a one-line error with its key path."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from ccsim import Scenario, ScenarioError, simulate

PROFILE = [10.0, 30.0, 50.0, 40.0]  # a day of 6-hour intervals


def _week(days=(1.0, 0.5), *, volumes=PROFILE, period="6h", **extra):
    arrivals = {"volumes": list(volumes), "days": list(days)}
    return Scenario(period=period, contact_types=[{
        "name": "calls", "arrivals": arrivals,
        "handle_time": {"dist": "exponential", "mean": 240}}],
        agent_groups=[{"name": "team", "skills": ["calls"], "staff": 4}], **extra)


def test_each_day_expects_the_profile_times_its_factor():
    s = _week((1.0, 0.5, 0.0))
    assert s.horizon == 3 * 86_400
    assert s.volumes(s.contact_types[0]) == PROFILE + [v / 2 for v in PROFILE] + [0.0] * 4
    assert "× 0–1 over 3 days" in s.contact_types[0].arrivals.describe()


def test_a_factor_of_one_is_the_profile_itself_bit_for_bit():
    plain = Scenario(period="6h", contact_types=[{
        "name": "calls", "arrivals": {"volumes": PROFILE},
        "handle_time": {"dist": "exponential", "mean": 240}}],
        agent_groups=[{"name": "team", "skills": ["calls"], "staff": 4}])
    assert simulate(_week((1.0,)), 3).summary == simulate(plain, 3).summary


def test_the_days_arrive_as_expected():
    # 130 expected on day 0, 65 on day 1: Poisson counts, within a CI over 30 runs.
    day_offered = []
    for seed in range(30):
        intervals = simulate(_week(), seed).intervals
        offered = intervals[intervals.contact_type == "calls"].offered.to_numpy()
        day_offered.append([offered[:4].sum(), offered[4:].sum()])
    counts = np.array(day_offered, dtype=float)
    for d, expected in enumerate((130.0, 65.0)):
        half = (stats.t.ppf(0.999, len(counts) - 1) * counts[:, d].std(ddof=1)
                / math.sqrt(len(counts)))
        assert abs(counts[:, d].mean() - expected) <= half, d


@pytest.mark.parametrize(("make", "message"), [
    (lambda: _week(volumes=PROFILE[:3]),
     r"contact_types\[calls\]\.arrivals\.volumes: with 'days', lists one day's volumes: 4 "
     r"intervals of 21600 s \(got 3\)"),
    (lambda: _week(period="7h"),
     r"arrivals\.volumes: with 'days', lists one day's volumes: a day, but 25200 s does not "
     r"divide a day"),
    (lambda: _week(horizon="3d"),
     r"contact_types\[calls\]\.arrivals\.days: lists 2 days but the horizon holds 3"),
    (lambda: _week(days=()), r"days: must list one factor per day of the horizon"),
    (lambda: _week(days=(1.0, -0.5)), r"arrivals\.days\[1\]: must be >= 0"),
    (lambda: Scenario(period="6h", horizon="1d", contact_types=[{
        "name": "calls", "arrivals": {"per_hour": 10, "days": [1.0]},
        "handle_time": {"dist": "exponential", "mean": 240}}],
        agent_groups=[{"name": "team", "skills": ["calls"], "staff": 4}]),
     r"days: scales a day's 'volumes'"),
])
def test_misfit_days_name_the_key(make, message):
    with pytest.raises(ScenarioError, match=message):
        make()


def test_the_days_table_has_a_row_per_day_by_the_clock():
    # From 18:00 over 2 days of 6-hour intervals: days 1 (18:00), 2 (00:00-18:00) and 3.
    run = simulate(_week(start="18:00"), 5)
    days = run.days
    assert days.day.tolist() == [1, 2, 3]
    everything = run.intervals[run.intervals.contact_type == "all"]
    by_day = everything.groupby((everything.interval * 6 + 18) // 24 + 1).offered.sum()
    assert days.offered.tolist() == by_day.tolist()
    assert days.offered.sum() == run.summary["offered"]
    # The interval and group tables say the day of each row, as the days table counts it.
    assert everything.day.tolist() == ((everything.interval * 6 + 18) // 24 + 1).tolist()
    assert run.intervals.columns[:3].tolist() == ["interval", "day", "time"]
    assert run.groups.groupby("day").staffed_time.sum().index.tolist() == [1, 2, 3]


def test_a_one_day_window_has_one_day_row_equal_to_the_summary():
    run = simulate(_week((1.0,)), 2)
    assert len(run.days) == 1
    row = run.days.iloc[0].drop("day").to_dict()
    assert row.keys() == run.summary.keys()
    for key, value in run.summary.items():
        assert row[key] == value or (math.isnan(value) and math.isnan(row[key])), key


def test_a_sweep_summarizes_each_day_with_its_ci_and_prints_them(tmp_path):
    from ccsim.experiment import Experiment, Results, run_experiment
    from ccsim.report.text import summary_text

    out = tmp_path / "out"
    run_experiment(Experiment.from_scenario(_week((1.0, 0.5, 0.8)), replications=4, seed=2),
                   workers=1, out=out)
    results = Results.load(out)
    assert sorted(results.days.day.unique()) == [1, 2, 3]
    by_day = results.summary(by="day")
    assert by_day.day.tolist() == [1, 2, 3]
    per_run = results.days.pivot(index="replication", columns="day", values="offered")
    assert by_day.offered.tolist() == pytest.approx(per_run.mean().tolist())
    half = stats.t.ppf(0.975, 3) * per_run.std(ddof=1) / 2
    assert by_day.offered_ci95.tolist() == pytest.approx(half.tolist())
    text = summary_text(results, "days")
    assert "  by day" in text and "\n  3    " in text
