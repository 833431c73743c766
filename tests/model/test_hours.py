"""Opening hours: a contact arriving while its type is closed is turned away (``closed``),
as many as the closed hours' Poisson mass; nothing that arrived while closed is answered;
hours spanning the whole horizon change nothing; bad hours are one-line errors."""

from __future__ import annotations

import math
import re
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from ccsim import Scenario, ScenarioError, simulate
from ccsim.model.hours import Hours


def _day(hours=("08:00", "20:00"), *, horizon="1d", start="06:00", per_hour=60.0, staff=6,
         **extra):
    spec = {"name": "billing", "arrivals": {"per_hour": per_hour},
            "handle_time": {"dist": "exponential", "mean": 240},
            "patience": {"dist": "exponential", "mean": 180}}
    spec.update(extra)
    if hours is not None:
        spec["hours"] = list(hours)
    return Scenario(period=1800, horizon=horizon, start=start, contact_types=[spec],
                    agent_groups=[{"name": "team", "skills": ["billing"], "staff": staff}])


def test_open_from_the_opening_minute_to_just_before_closing_every_day():
    hours = Hours(_day(horizon="2d"))  # t = 0 is 06:00: open 2 h–14 h, then 26 h–38 h
    h = 3600.0
    for t, expected in [(0, False), (2 * h - 1e-9, False), (2 * h, True), (14 * h - 1e-9, True),
                        (14 * h, False), (26 * h, True), (38 * h, False), (47.9 * h, False)]:
        assert hours.is_open(0, t) is expected, t


def test_closed_arrivals_are_the_poisson_mass_of_the_closed_hours():
    # 12 closed hours a day at 60 an hour: 720 expected closed contacts a run.
    closed = np.array([simulate(_day(), seed).summary["closed"] for seed in range(20)])
    half = stats.t.ppf(0.999, len(closed) - 1) * closed.std(ddof=1) / math.sqrt(len(closed))
    assert abs(closed.mean() - 720) <= half
    assert closed.std(ddof=1) == pytest.approx(math.sqrt(720), rel=0.5)  # Poisson spread


def test_every_contact_arriving_while_closed_is_closed_and_none_is_answered():
    hours = Hours(_day())
    trace = simulate(_day(), 3, trace=True).trace
    arrived = trace[trace.event == "arrived"].set_index("contact").time
    for event, when_open in [("answered", True), ("abandoned", True), ("closed", False)]:
        contacts = trace[trace.event == event].contact
        assert len(contacts) > 20, event
        assert all(hours.is_open(0, float(arrived[c])) is when_open for c in contacts), event


def test_outcomes_add_up_and_the_closed_rate_is_closed_over_offered():
    s = simulate(_day(), 5).summary
    assert s["offered"] == s["answered"] + s["abandoned"] + s["closed"] + s["unserved"]
    assert s["closed_rate"] == s["closed"] / s["offered"]


def test_hours_over_the_whole_horizon_change_nothing():
    # Open 08:00–20:00 on a 12-hour horizon from 08:00: never closed.
    plain = simulate(_day(None, horizon="12h", start="08:00"), 9).summary
    open_all_day = simulate(_day(horizon="12h", start="08:00"), 9).summary
    assert open_all_day.pop("closed") == 0 and open_all_day.pop("closed_rate") == 0
    assert open_all_day == plain


def test_a_scenario_says_when_its_type_is_open():
    assert "open 08:00–20:00" in _day().contact_types[0].describe()


@pytest.mark.parametrize(("hours", "message"), [
    (["20:00", "08:00"], r"contact_types\[billing\]\.hours: must run from an earlier clock "
                         r"time to a later one \(got \['20:00', '08:00'\]\)"),
    (["8am", "20:00"], r"contact_types\[billing\]\.hours\[0\]: .*8am"),
    (["08:00"], r"contact_types\[billing\]\.hours"),
])
def test_bad_hours_name_the_key(hours, message):
    with pytest.raises(ScenarioError, match=message):
        _day(hours)


def test_bad_hours_in_a_file_exit_2_with_the_key_path(single_queue_file, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(single_queue_file.read_text().replace(
        'channel = "voice"', 'channel = "voice"\nhours = ["18:00", "09:00"]'))
    done = subprocess.run([sys.executable, "-m", "ccsim.cli", "run", str(bad), "-n", "1",
                           "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert re.search(r"contact_types\[general\]\.hours: must run from an earlier clock time",
                     done.stderr), done.stderr


def test_clearing_at_closing_leaves_no_answer_after_it_and_serving_does():
    # Overloaded (60 an hour for 4 agents of 6 min each, patient callers): a queue stands
    # at closing.
    day = dict(hours=("08:00", "12:00"), horizon="8h", start="06:00", staff=4,
               handle_time={"dist": "exponential", "mean": 360},
               patience={"dist": "exponential", "mean": 1800})
    hours = Hours(_day(**day))
    served = simulate(_day(**day), 2, trace=True).trace
    cleared_run = simulate(_day(**day, at_close="clear"), 2, trace=True)
    cleared = cleared_run.trace
    close = 6 * 3600.0
    assert (served[served.event == "answered"].time > close).sum() > 5
    assert (cleared[cleared.event == "answered"].time <= close).all()
    # Those waiting at closing are closed with their wait until then; none is lost.
    late = cleared[(cleared.event == "closed") & (cleared.time == close)]
    arrived = cleared[cleared.event == "arrived"].set_index("contact").time
    assert len(late) > 5 and all(hours.is_open(0, float(arrived[c])) for c in late.contact)
    s = cleared_run.summary
    assert s["offered"] == s["answered"] + s["abandoned"] + s["closed"] + s["unserved"]
    assert s["closed"] > simulate(_day(**day), 2).summary["closed"]


@pytest.mark.parametrize(("edit", "message"), [
    ({"at_close": "clear", "hours": None},
     r"contact_types\[billing\]\.at_close: 'clear' set, but the type has no 'hours'"),
    ({"at_close": "later"}, r"contact_types\[billing\]\.at_close: must be 'serve' or 'clear'"),
    ({"hours": ("22:00", "23:00"), "horizon": "10h"},
     r"contact_types\[billing\]\.hours: \['22:00', '23:00'\] never falls within the horizon"),
])
def test_bad_closing_rules_name_the_key(edit, message):
    hours = edit.pop("hours", ("08:00", "20:00"))
    with pytest.raises(ScenarioError, match=message):
        _day(hours, **edit)


def test_clearing_a_queue_that_callbacks_hold_places_in_is_refused():
    data = _day(at_close="clear").model_dump(exclude_unset=True)
    data["callbacks"] = {"queue_at_least": 10, "accept": 0.5, "promise": "1h"}
    with pytest.raises(ScenarioError, match=r"contact_types\[billing\]\.at_close: 'clear' "
                                            r"cannot be combined with callbacks"):
        Scenario(**data)


def test_closed_contacts_are_left_out_of_the_service_metrics():
    run = simulate(_day(), 4, trace=True)
    trace, s = run.trace, run.summary
    arrived = trace[trace.event == "arrived"].set_index("contact").time
    left = trace[trace.event.isin(["answered", "abandoned"])].set_index("contact")
    waits = left.time - arrived[left.index]
    reached = s["offered"] - s["closed"]
    assert reached == len(left) and s["closed"] > 100
    assert s["mean_wait"] == pytest.approx(waits.sum() / reached, rel=1e-12)
    assert s["p_wait"] == (waits > 0).sum() / reached
    assert s["abandon_rate"] == s["abandoned"] / reached
    # An interval with the type closed throughout has no service level, not 0 %.
    intervals = run.intervals[run.intervals.contact_type == "billing"]
    night = intervals[intervals.answered + intervals.abandoned == 0]
    assert len(night) > 10 and (night.closed == night.offered).all()
    assert night.service_level.isna().all() and night.abandon_rate.isna().all()


# --- callbacks meet the hours ----------------------------------------------------------


def _callback_day(callbacks, hours=("08:00", "12:00"), *, horizon="2d", start="06:00",
                  **extra):
    """Overloaded (60 an hour for 4 agents of 6 min each): callers wait, hang up, are
    offered callbacks; open 08:00–12:00 each day (t = 0 is 06:00)."""
    return _day(hours, horizon=horizon, start=start, staff=4,
                handle_time={"dist": "exponential", "mean": 360},
                patience={"dist": "exponential", "mean": 300}, callbacks=callbacks, **extra)


def _attempts(trace):
    return trace[trace.event.str.endswith("_attempt")]


@pytest.mark.parametrize("callbacks", [
    {"abandoned": {"share": 1, "delay": "90min"}},
    {"follow_ups": {"share": 0.3, "delay": "3h"}},
    {"queue_at_least": 1, "accept": 0.8, "promise": "1h", "offer_after": "1min"},
    {"queue_at_least": 1, "accept": 0.8, "mode": "keep_place", "offer_after": "1min",
     "reach": 0.5, "retry_delay": "20min"},
])
def test_no_callback_is_worked_while_its_type_is_closed(callbacks):
    day = _day_with(callbacks)
    hours = Hours(day)
    run = simulate(day, 3, trace=True)
    attempts = _attempts(run.trace)
    assert len(attempts) > 5
    assert all(hours.is_open(0, t) for t in attempts.time)
    s = run.summary
    source = next(k.split("_")[0] for k in s if k.endswith("_completed"))
    made = (s["callbacks_accepted"] if source == "callbacks"
            else s[f"{source}_requested"])
    assert made == s[f"{source}_completed"] + s[f"{source}_failed"]  # none is lost


def _day_with(callbacks):
    return _callback_day({**callbacks, "schedule": "priority"} if "abandoned" in callbacks
                         else callbacks)


def test_a_callback_due_while_closed_is_worked_from_the_next_opening():
    # Recalls 90 min after hanging up, before live callers: those due after noon on day 0
    # wait for 08:00 on day 1 (t = 26 h) and are made then; those of day 1 have no next
    # opening in the run and fail.
    run = simulate(_callback_day({"abandoned": {"share": 1, "delay": "90min"},
                                  "schedule": "priority"}), 5, trace=True)
    trace = run.trace
    requested = trace[trace.event == "recall_requested"].set_index("contact").time
    first = _attempts(trace).groupby("contact").time.min()
    due = requested + 5400.0
    waited = due[(due >= 6 * 3600) & (due < 26 * 3600)].index
    assert len(waited) > 10
    assert all(26 * 3600 <= first[c] < 30 * 3600 for c in waited)
    # The four agents, idle since closing, make the oldest at the opening (those still due
    # at closing come first).
    assert (first == 26 * 3600).sum() == 4
    stranded = due[due >= 30 * 3600].index
    assert len(stranded) > 10 and not first.index.isin(stranded).any()
    assert run.summary["recalls_failed"] >= len(stranded)


def test_hours_wider_than_the_horizon_change_no_callback():
    # Open 06:00–23:00, a horizon of 08:00–20:00: never closed while a call is due.
    keys = {"abandoned": {"share": 0.5, "delay": "20min"}, "queue_at_least": 2,
            "accept": 0.4, "promise": "1h"}
    plain = simulate(_callback_day(keys, None, horizon="12h", start="08:00"), 7).summary
    wide = simulate(_callback_day(keys, ("06:00", "23:00"), horizon="12h", start="08:00"),
                    7).summary
    assert wide.pop("closed") == 0 and wide.pop("closed_rate") == 0
    assert wide == plain


def test_a_caller_holding_its_place_at_closing_is_called_at_the_next_opening():
    # By hand: open 08:00–09:00 from 08:00 (t = 0); one agent talks to the first caller for
    # exactly the hour; the second, at t = 1 s, keeps its place. The agent reaches it at the
    # closing instant (t = 3600): the call waits, and is made at 08:00 the next day.
    day = Scenario(
        period=1800, horizon="2d", start="08:00",
        callbacks={"queue_at_least": 0, "accept": 1.0, "mode": "keep_place"},
        contact_types=[{"name": "billing", "arrivals": {"times": [0, 1]},
                        "handle_time": {"dist": "constant", "value": 3600},
                        "hours": ["08:00", "09:00"]}],
        agent_groups=[{"name": "team", "skills": ["billing"], "staff": 1}])
    run = simulate(day, 0, trace=True)
    attempts = _attempts(run.trace)
    assert attempts.time.tolist() == [86_400.0]
    assert run.summary["callbacks_completed"] == 1 and run.summary["answered"] == 1


def test_a_closing_at_the_horizon_clears_the_queue():
    # Overloaded: callers still wait at the horizon, where the type closes. With "clear"
    # they are turned away then (closed, after their wait); with "serve" they are answered.
    def day(at_close):
        return Scenario(period=1800, horizon=3600, contact_types=[{
            "name": "calls", "arrivals": {"per_hour": 120}, "hours": ["00:00", "01:00"],
            "handle_time": {"dist": "exponential", "mean": 240}, "at_close": at_close}],
            agent_groups=[{"name": "a", "skills": ["calls"], "staff": 4}])

    clear, serve = simulate(day("clear"), 2).summary, simulate(day("serve"), 2).summary
    assert clear["closed"] > 5 and serve["closed"] == 0
    assert clear["answered"] + clear["closed"] == serve["answered"] == serve["offered"]
