"""Inputs that are valid keys but endless, too big or meaningless: each is refused in one line
(exit 2, the file and key path) or announced as a warning, through ``ccsim run``. Every run
here has a timeout: before these checks, some of them never finished."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ccsim import Scenario
from ccsim.experiment.budget import experiment_budget

pytestmark = pytest.mark.timeout(60)

DAY = """\
name = "day"
horizon = "2h"
{top}
[[contact_types]]
name = "{type_name}"
arrivals = {{ per_hour = 60 }}
handle_time = {{ dist = "exponential", mean = "4min" }}
patience = {{ dist = "exponential", mean = "3min" }}
{type_extra}
[[agent_groups]]
name = "agents"
skills = ["{type_name}"]
staff = {staff}
{group_extra}
"""

LEADS = """
[[outbound]]
name = "leads"
handle_time = {{ dist = "constant", value = "{talk}" }}
success = 0.1
{extra}
"""


def write(tmp_path: Path, *, top: str = "", type_name: str = "general", type_extra: str = "",
          staff: str = "8", group_extra: str = "", tail: str = "") -> Path:
    path = tmp_path / "day.toml"
    path.write_text(DAY.format(top=top, type_name=type_name, type_extra=type_extra,
                               staff=staff, group_extra=group_extra) + tail)
    return path


def run(path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ccsim.cli", "run", str(path), "--out",
         str(path.parent / "out"), "--quiet", "--workers", "1", *args],
        capture_output=True, text=True, timeout=50)


def refused(done: subprocess.CompletedProcess) -> str:
    """The one-line error of a refused run."""
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ccsim: error: "), done.stderr
    assert "Traceback" not in done.stderr
    return lines[0]


# --- work that takes no time and achieves nothing (item 3) ----------------------------


@pytest.mark.parametrize("list_size", ["", "list_size = 1000"], ids=["unlimited", "finite"])
def test_an_outbound_campaign_whose_attempts_take_no_time_and_reach_no_one_is_refused(
        tmp_path, list_size):
    path = write(tmp_path, group_extra='outbound = ["leads"]',
                 tail=LEADS.format(talk="5min", extra=f"reach = 0\n{list_size}"))
    line = refused(run(path))
    assert f"{path}: outbound[leads].reach: 0 with dial_time 0" in line
    assert "give a positive reach or dial_time" in line


def test_an_outbound_campaign_that_reaches_some_without_dialling_time_runs(tmp_path):
    # A predictive dialler: unanswered attempts cost the agents nothing, answered ones talk.
    path = write(tmp_path, group_extra='outbound = ["leads"]',
                 tail=LEADS.format(talk="5min", extra="reach = 0.3"))
    done = run(path, "-n", "1")
    assert done.returncode == 0, done.stderr


CALLBACKS = """[callbacks]
queue_at_least = 1
accept = 0.5
promise = "1h"
{keys}
"""


def test_callbacks_retried_at_one_instant_are_refused_with_the_key(tmp_path):
    path = write(tmp_path, top=CALLBACKS.format(
        keys="reach = 0\nretry_delay = 0\nmax_attempts = 1000000000"))
    line = refused(run(path))
    assert f"{path}: callbacks.retry_delay: 0 with dial_time 0 and reach below 1" in line
    assert "up to 1000000000 times" in line


def test_a_type_override_that_retries_at_one_instant_names_the_type(tmp_path):
    path = write(tmp_path, top=CALLBACKS.format(keys="reach = 0.5"),
                 type_extra="callbacks = { retry_delay = 0 }")
    line = refused(run(path))
    assert "contact_types[general].callbacks.retry_delay: 0 with dial_time 0" in line


def test_callbacks_with_endless_attempts_that_take_time_are_refused_by_the_budget(tmp_path):
    path = write(tmp_path, top=CALLBACKS.format(
        keys='reach = 0\ndial_time = "1s"\nretry_delay = "1min"\nmax_attempts = 1000000000'))
    line = refused(run(path))
    assert "outbound and callback attempts each would take about" in line
    assert "fewer max_attempts" in line and "--force" in line


def test_a_day_of_millisecond_outbound_calls_is_refused_by_the_budget(tmp_path):
    path = write(tmp_path, staff="50", group_extra='outbound = ["leads"]',
                 tail=LEADS.format(talk="0.001s", extra=""))
    line = refused(run(path))
    assert "outbound and callback attempts each would take about" in line


def _millisecond_day(**campaign: object) -> Scenario:
    """The 2-hour, 8-agent day of issue 20 whose outbound calls take 1 ms."""
    return Scenario(
        horizon="2h",
        contact_types=[{"name": "general", "arrivals": {"per_hour": 60},
                        "handle_time": {"dist": "exponential", "mean": "4min"}}],
        agent_groups=[{"name": "agents", "skills": ["general"], "staff": 8,
                       "outbound": ["leads"]}],
        outbound=[{"name": "leads", "handle_time": {"dist": "constant", "value": 0.001},
                   "success": 0.1, **campaign}])


def test_the_budget_counts_the_attempts_of_a_day_of_millisecond_calls():
    # The 2-hour, 8-agent day of issue 20 that took 72 s and 1.6 GB unannounced.
    scenario = _millisecond_day(hours=["00:00", "01:00"])
    budget = experiment_budget([scenario], 10, slots=2)
    # 8 agents × 1 h of calling hours ÷ 1 ms per call, in each of 10 runs.
    assert budget.attempts == pytest.approx(10 * 8 * 3600 / 0.001)
    assert budget.refusal() is None
    assert budget.announcement() is not None
    assert "28,800,000 outbound and callback attempts each: expect about" in (
        budget.announcement())


def test_a_finite_list_bounds_the_attempts_the_budget_counts():
    scenario = _millisecond_day(list_size=5000)
    assert experiment_budget([scenario], 1, slots=1).attempts == 5000


# --- names the tables use (item 4) ----------------------------------------------------


@pytest.mark.parametrize("name", ["all", "All"])
def test_a_contact_type_named_like_the_whole_centre_row_is_refused(tmp_path, name):
    line = refused(run(write(tmp_path, type_name=name)))
    assert f"contact_types[{name}]: the name {name!r} is reserved" in line


# --- meaningless inputs: errors (item 6) ----------------------------------------------


def test_calling_hours_outside_the_horizon_are_refused(tmp_path):
    path = write(tmp_path, top='start = "08:00"', group_extra='outbound = ["leads"]',
                 tail=LEADS.format(talk="5min", extra='hours = ["18:00", "20:00"]'))
    line = refused(run(path))
    assert "outbound[leads].hours: ['18:00', '20:00'] never falls within the horizon" in line


@pytest.mark.parametrize(("key", "value"), [("mean", "1e300"), ("mean", '"400d"')])
def test_a_duration_beyond_a_year_is_refused(tmp_path, key, value):
    path = write(tmp_path)
    path.write_text(path.read_text().replace('mean = "4min"', f"{key} = {value}"))
    line = refused(run(path))
    assert "contact_types[general].handle_time.mean: must be at most 365 days" in line


def test_a_coefficient_of_variation_that_overflows_the_draws_is_refused(tmp_path):
    path = write(tmp_path)
    path.write_text(path.read_text().replace('dist = "exponential", mean = "4min"',
                                             'dist = "lognormal", mean = "4min", cv = 1e300'))
    line = refused(run(path))
    assert "contact_types[general].handle_time.cv: must be <= 100" in line


# --- meaningless inputs: warnings (item 6) --------------------------------------------


def warnings_of(done: subprocess.CompletedProcess) -> list[str]:
    assert done.returncode == 0, done.stderr
    return [line for line in done.stderr.splitlines() if line.startswith("ccsim: warning:")]


def test_a_type_no_one_is_on_duty_for_is_warned_once(tmp_path):
    path = write(tmp_path, staff="0")
    found = warnings_of(run(path, "-n", "2"))
    assert len(found) == 1, found
    assert "contact_types[general]: no agent able to take it is on duty at any time" in found[0]


def test_a_reserve_of_the_whole_team_is_warned(tmp_path):
    path = write(tmp_path, staff="3", group_extra=(
        'outbound = ["leads"]\nblending = { rule = "reserve", keep_idle = 3 }'),
        tail=LEADS.format(talk="5min", extra=""))
    found = warnings_of(run(path, "-n", "1"))
    assert len(found) == 1, found
    assert "agent_groups[agents].blending.keep_idle: 3 is at or above the team's largest" in (
        found[0])


@pytest.mark.parametrize(("horizon", "expected"), [
    ("2h", "is shorter than a working day (4 h at least), but counts as one"),
    ("36h", "ends 12 h into day 2, which counts as a whole day"),
])
def test_a_daily_quota_over_part_of_a_day_is_warned(tmp_path, horizon, expected):
    path = write(tmp_path, top='period = "1h"', group_extra=(
        'outbound = ["leads"]\nquota = { daily = 20 }'), tail=LEADS.format(talk="5min", extra=""))
    path.write_text(path.read_text().replace('horizon = "2h"', f'horizon = "{horizon}"'))
    found = warnings_of(run(path, "-n", "1"))
    assert len(found) == 1, found
    assert f"agent_groups[agents].quota.daily: the horizon ({horizon.rstrip('h')} h) " in found[0]
    assert expected in found[0]


def test_a_talk_time_longer_than_the_horizon_is_warned(tmp_path):
    path = write(tmp_path)
    path.write_text(path.read_text().replace('mean = "4min"', 'mean = "3h"'))
    found = warnings_of(run(path, "-n", "1"))
    assert any("contact_types[general].handle_time: a mean talk and wrap-up time of 10800 s "
               "is longer than the whole horizon (7200 s)" in w for w in found), found


def test_a_callback_talk_scale_that_keeps_agents_busy_for_ever_is_refused(tmp_path):
    path = write(tmp_path, top=CALLBACKS.format(keys="talk_scale = 1e300"))
    line = refused(run(path))
    assert "callbacks.talk_scale: must be <= 100 (got 1e+300)" in line


def test_two_hand_made_variants_that_are_the_same_scenario_are_warned_once(tmp_path):
    write(tmp_path)
    experiment = tmp_path / "sweep.toml"
    experiment.write_text(
        'scenario = "day.toml"\nreplications = 1\n'
        '[[variants]]\nlabel = "more"\n"agent_groups.agents.staff" = 9\n'
        '[[variants]]\nlabel = "also more"\n"agent_groups.agents.staff" = 9.0\n'
        '[[variants]]\nlabel = "fewer"\n"agent_groups.agents.staff" = 2\n')
    found = warnings_of(run(experiment))
    assert found == [f"ccsim: warning: {experiment}: variants 'more' and 'also more' run the "
                     "same scenario, so their results are the same (common random numbers); "
                     "the charts draw them once"]


def test_empty_arrival_times_are_warned(tmp_path):
    path = write(tmp_path, type_extra="")
    path.write_text(path.read_text().replace("arrivals = { per_hour = 60 }",
                                             "arrivals = { times = [] }"))
    found = warnings_of(run(path, "-n", "1"))
    assert found == [f"ccsim: warning: {path}: contact_types[general].arrivals.times: empty, "
                     "so no contact of this type arrives"]
