"""Opening hours by day of the week: a weekday table of ``hours`` and the scenario's
``start_day``. The table's windows are the days' hours in turn; a table of equal days is the
daily form, bit for bit; a closed day turns every arrival away and answers nobody; the
closed arrivals are the Poisson mass of the closed hours; bad tables are one-line errors
with their key path, and exit code 2 from the CLI."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from scipy import stats

from ccsim import Scenario, ScenarioError, simulate
from ccsim.scenario.fields import windows

H, DAY = 3600.0, 86_400.0
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Weekdays 08:00–20:00, Saturday morning, Sunday closed: 104 closed hours a week.
WEEK = {**{d: ["08:00", "20:00"] for d in WEEKDAYS[:5]}, "sat": ["09:00", "13:00"],
        "sun": "closed"}
CLOSED_HOURS = 5 * 12 + 20 + 24


def _week(hours=None, *, horizon="7d", start="00:00", per_hour=6.0, **extra):
    spec = {"name": "billing", "arrivals": {"per_hour": per_hour},
            "handle_time": {"dist": "exponential", "mean": 240},
            "patience": {"dist": "exponential", "mean": 600},
            "hours": WEEK if hours is None else hours}
    return Scenario(period="1h", horizon=horizon, start=start, contact_types=[spec],
                    agent_groups=[{"name": "team", "skills": ["billing"], "staff": 2}],
                    **extra)


def test_the_windows_of_a_table_are_each_days_hours_in_turn():
    # From Saturday 06:00: Sat 09–13 (3 h–7 h), Sun closed, Mon 08–20 (26 h–38 h), ...
    found = windows(_week().contact_types[0].hours, "06:00", 3 * DAY, "sat")
    assert found == [(3 * H, 7 * H), (50 * H, 62 * H)]
    # The daily form and a table of equal days give the same windows, on any weekday.
    same = {d: ("08:00", "20:00") for d in WEEKDAYS}
    for day in WEEKDAYS:
        assert windows(same, "06:00", 3 * DAY, day) == windows(
            ("08:00", "20:00"), "06:00", 3 * DAY, day)


def test_a_table_of_equal_days_is_the_daily_form_bit_for_bit():
    daily = _week(["08:00", "20:00"], horizon="3d")
    table = _week({d: ["08:00", "20:00"] for d in WEEKDAYS}, horizon="3d", start_day="thu")
    a, b = simulate(daily, 11), simulate(table, 11)
    assert a.summary == b.summary and a.summary["closed"] > 100
    assert a.intervals.equals(b.intervals)


def test_every_sunday_arrival_is_closed_and_nobody_is_answered_on_sunday():
    trace = simulate(_week(), 4, trace=True).trace
    sunday = (trace.time >= 6 * DAY) & (trace.time < 7 * DAY)
    arrived = trace[sunday & (trace.event == "arrived")].contact
    closed = set(trace[trace.event == "closed"].contact)
    assert len(arrived) > 100 and set(arrived) <= closed
    assert not (sunday & trace.event.isin(["answered", "abandoned"])).any()
    # Saturday's few hours are open: contacts are answered then.
    saturday = (trace.time >= 5 * DAY + 9 * H) & (trace.time < 5 * DAY + 13 * H)
    assert (saturday & (trace.event == "answered")).sum() > 5


@pytest.mark.parametrize(("start_day", "sunday"), [("mon", 7), ("sun", 1), ("wed", 5)])
def test_start_day_says_which_day_of_the_horizon_is_closed(start_day, sunday):
    days = simulate(_week(start_day=start_day), 2).days
    shut = days[days.closed == days.offered].day.tolist()
    assert shut == [sunday]
    assert days.answered[days.day == sunday].item() == 0


def test_closed_arrivals_are_the_poisson_mass_of_the_closed_hours():
    # 6 an hour over 104 closed hours: 624 expected a run, Poisson; the total of 10 runs is
    # Poisson(6,240), within its exact 99.9 % interval.
    runs = 10
    total = sum(simulate(_week(), seed).summary["closed"] for seed in range(runs))
    low, high = stats.poisson.interval(0.999, runs * 6.0 * CLOSED_HOURS)
    assert low <= total <= high


def test_a_scenario_says_its_weekly_hours_and_the_day_it_starts():
    s = _week(start="06:00", start_day="sat")
    assert ("open mon–fri 08:00–20:00, sat 09:00–13:00, sun closed"
            in s.contact_types[0].describe())
    assert s.describe().startswith("168h from sat 06:00")
    assert _week(["08:00", "20:00"]).describe().startswith("168h from 00:00")  # no weekday
    assert "open mon–sun 08:00–20:00" in _week({d: ["08:00", "20:00"] for d in WEEKDAYS}
                                               ).contact_types[0].describe()


def test_a_table_round_trips_and_lists_its_days_in_week_order():
    s = _week({**dict(reversed(WEEK.items()))})
    assert list(s.contact_types[0].hours) == list(WEEKDAYS)
    assert Scenario.from_dict(s.to_dict()) == s


def test_a_campaign_calls_by_its_weekday_table():
    week = {**{d: ["09:00", "17:00"] for d in WEEKDAYS[:5]}, "sat": "closed", "sun": "closed"}
    s = Scenario(
        period="1h", horizon="7d", start_day="sat",
        contact_types=[{"name": "calls", "arrivals": {"per_hour": 2},
                        "handle_time": {"dist": "exponential", "mean": 240}}],
        agent_groups=[{"name": "team", "skills": ["calls"], "staff": 2, "outbound": ["leads"]}],
        outbound=[{"name": "leads", "dial_time": "20s", "reach": 0.5, "success": 0.2,
                   "handle_time": {"dist": "exponential", "mean": "5min"}, "hours": week}])
    dials = simulate(s, 1, trace=True).trace.query("event == 'outbound_attempt'").time
    day, clock = dials // DAY, dials % DAY
    assert len(dials) > 100
    assert set(day) == {2, 3, 4, 5, 6}  # Saturday and Sunday are days 0 and 1
    assert clock.min() >= 9 * H and clock.max() < 17 * H
    assert "calls mon–fri 09:00–17:00, sat–sun closed" in s.outbound[0].describe()


@pytest.mark.parametrize(("edit", "message"), [
    ({"hours": {**WEEK, "satu": "closed"}},
     r"contact_types\[billing\]\.hours: unknown day 'satu' \(did you mean 'sat'\?\); a "
     r"weekday table names the days mon, tue, wed, thu, fri, sat, sun"),
    ({"hours": {**{k: v for k, v in WEEK.items() if k != "sun"}, "Sunday": "closed"}},
     r"hours: unknown day 'Sunday' \(did you mean 'sun'\?\)"),
    ({"hours": {k: v for k, v in WEEK.items() if k not in ("sat", "sun")}},
     r"contact_types\[billing\]\.hours: the weekday table has no sat, sun: give every day "
     r"from mon to sun its hours"),
    ({"hours": {**WEEK, "sat": ["13:00", "09:00"]}},
     r"contact_types\[billing\]\.hours\.sat: must run from an earlier clock time to a later "
     r"one \(got \['13:00', '09:00'\]\)"),
    ({"hours": {**WEEK, "sat": "open"}},
     r"contact_types\[billing\]\.hours\.sat: must be a list of two clock times, "
     r"\[\"HH:MM\", \"HH:MM\"\], or \"closed\" \(got 'open'\)"),
    ({"hours": {**WEEK, "tue": ["8am", "20:00"]}},
     r"contact_types\[billing\]\.hours\.tue\[0\]: must look like HH:MM \(got '8am'\)"),
    ({"hours": dict.fromkeys(WEEKDAYS, "closed")},
     r"contact_types\[billing\]\.hours: every day is \"closed\""),
    ({"hours": {**dict.fromkeys(WEEKDAYS, "closed"), "sun": ["08:00", "20:00"]},
      "horizon": "2d"},
     r"contact_types\[billing\]\.hours: mon–sat closed, sun 08:00–20:00 never falls within "
     r"the horizon \(172800 s from mon 00:00\)"),
    ({"start_day": "monday"},
     r"^start_day: unknown day 'monday' \(did you mean 'mon'\?\); expected one of: mon, "
     r"tue, wed, thu, fri, sat, sun"),
    ({"start_day": 1}, r"^start_day: must be 'mon', 'tue'.* \(got 1\)"),
])
def test_bad_weekday_hours_name_the_key(edit, message):
    with pytest.raises(ScenarioError, match=message):
        _week(**edit)


@pytest.mark.parametrize(("lines", "message"), [
    ('hours = { mon = ["09:00", "17:00"], tue = ["09:00", "17:00"], wed = "closed", '
     'thu = "closed", fri = "closed", sat = "closed", sunday = "closed" }',
     r"contact_types\[general\]\.hours: unknown day 'sunday' \(did you mean 'sun'\?\)"),
    ('hours = { mon = ["17:00", "09:00"], tue = "closed", wed = "closed", thu = "closed", '
     'fri = "closed", sat = "closed", sun = "closed" }',
     r"contact_types\[general\]\.hours\.mon: must run from an earlier clock time"),
])
def test_bad_weekday_hours_in_a_file_exit_2_with_the_key_path(single_queue_file, tmp_path,
                                                               lines, message):
    bad = tmp_path / "bad.toml"
    bad.write_text(single_queue_file.read_text().replace(
        'channel = "voice"', f'channel = "voice"\n{lines}'))
    done = subprocess.run([sys.executable, "-m", "ccsim.cli", "run", str(bad), "-n", "1",
                           "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert re.search(message, done.stderr), done.stderr


def test_a_bad_start_day_in_a_file_exits_2_with_the_key(single_queue_file, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('start_day = "Tuesday"\n' + single_queue_file.read_text())
    done = subprocess.run([sys.executable, "-m", "ccsim.cli", "run", str(bad), "-n", "1",
                           "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "start_day: unknown day 'Tuesday' (did you mean 'tue'?)" in done.stderr, done.stderr
