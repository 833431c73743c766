"""ccsim.report.plan_page: a staffing plan's report page — the answer first (agents and
paid hours against SIPP, misses judged from the CIs), the chart embedded, the table per
interval with its marks, the shifts when chosen, the scenario and plan.toml — on a plan
made by hand (tests/plan_cases.py), whose verdicts are worked out there."""

from __future__ import annotations

import base64
import re
from dataclasses import replace
from html import unescape

from report_cases import parse

from ccsim.report.plan_page import plan_html, write_plan_report
from plan_cases import (
    SHIFTS,
    SIPP,
    plan,
    plan_of_two_groups,
    plan_per_day,
    plan_with_shifts,
)

#: A chart stand-in: the page embeds what it is given.
_PNG = {"plan.png": b"\x89PNG stand-in"}


def _text(page: str, ident: str) -> str:
    """The text of the element with id ``ident`` (tags stripped)."""
    found = re.search(rf"<(\w+) id={ident}(?=[ >])[^>]*>(.*?)</\1>", page, re.S)
    assert found, ident
    return unescape(re.sub(r"<[^>]+>", "", found[2]))


def test_the_answer_comes_first_and_counts_agents_and_misses_as_worked_out() -> None:
    page = plan_html(plan(), _PNG)
    assert _text(page, "goals") == ("Goals, in every measured interval: service level "
                                    "(answered within 20 s) ≥ 80%; billing: ASA ≤ 30 s.")
    answer = _text(page, "answer")
    # Intervals 1–5: plan 5 + 8 + 8 + 6 + 4, SIPP 6 + 7 + 8 + 5 + 4; half-hours.
    assert answer.startswith("The plan staffs 31 agent-intervals (15.5 agent-hours) over the "
                             "5 measured intervals, 1 more than SIPP's 30 (+3.3%)")
    assert ("of 10 intervals × goals the plan misses 1 and leaves 1 unclear, SIPP misses 3 "
            "and leaves 1 unclear") in answer
    assert "paid" not in answer  # no shifts, no paid hours
    fewer = plan_html(replace(plan(), requirement=plan().requirement.assign(agents=SIPP)), _PNG)
    assert "over the 5 measured intervals, as many as SIPP's 30;" in _text(fewer, "answer")
    order = [page.index(f"id={i}>") for i in ("goals", "answer", "charts", "plan-intervals",
                                             "scenario-words", "plan-toml")]
    assert order == sorted(order)


def test_the_table_per_interval_marks_what_the_cis_miss_or_cannot_tell() -> None:
    rows = parse(plan_html(plan(), _PNG)).tables["plan-intervals"]
    assert rows[0] == ["interval", "time", "agents (plan)", "agents (SIPP)",
                       "service level ≥ 80%: plan", "service level ≥ 80%: SIPP",
                       "billing: ASA ≤ 30 s: plan", "billing: ASA ≤ 30 s: SIPP"]
    by_time = {r[1]: r for r in rows[1:]}
    assert list(by_time) == ["08:30", "09:00", "09:30", "10:00", "10:30"]  # measured only
    assert by_time["08:30"][2:4] == ["5", "6"]
    assert by_time["09:00"][4] == "78.00 ± 1.00% ✗"
    assert by_time["09:30"][4] == "82.00 ± 5.00% ?"
    assert by_time["08:30"][4] == "85.00 ± 3.00%"  # met: no mark
    assert by_time["08:30"][7] == "40.0 ± 5.0 s ✗" and by_time["10:00"][7] == "29.0 ± 4.0 s ?"
    assert by_time["10:30"][5] == "97.00% [92.00, 100.00]"  # a CI past 100 % by its ends


def test_without_shifts_there_is_no_shifts_table_and_no_cover() -> None:
    page = plan_html(plan(), _PNG)
    tables = parse(page).tables
    assert "shifts" not in tables and "shifts-section" not in page
    assert "agents (shifts' cover)" not in tables["plan-intervals"][0]


def test_with_shifts_the_page_says_their_paid_hours_cover_and_lists_them() -> None:
    page = plan_html(plan_with_shifts(), _PNG)
    answer = _text(page, "answer")
    assert ("Its shifts (9 agent-shifts) pay 22.5 hours; their cover (agents on duty, off "
            "break) falls below the plan in 1 of 6 intervals, by up to 0.5 agents.") in answer
    tables = parse(page).tables
    rows = tables["plan-intervals"]
    assert rows[0][4] == "agents (shifts' cover)"
    assert [r[4] for r in rows[1:]] == ["5.0", "7.5", "9.0", "6.0", "4.0"]
    assert "<span class=missed>7.5</span>" in page  # short of the plan's 8
    shifts = tables["shifts"]
    assert shifts[0] == ["agent group", "day", "template", "start", "end", "breaks", "agents",
                         "paid hours"]
    assert shifts[1:] == [[str(v) if c != "paid_hours" else f"{v:.1f}" for c, v in r.items()]
                          for _, r in SHIFTS.iterrows()]


def test_without_charts_given_the_page_draws_and_embeds_the_plans_chart() -> None:
    (url,) = parse(plan_html(plan())).urls
    assert url.startswith("data:image/png;base64,")
    assert base64.b64decode(url.partition(",")[2]).startswith(b"\x89PNG")


def test_write_plan_report_writes_the_chart_and_a_page_that_fetches_nothing(tmp_path) -> None:
    written = write_plan_report(plan_with_shifts(), tmp_path)
    page_path, chart = tmp_path / "report.html", tmp_path / "charts" / "plan.png"
    assert written == [page_path, chart]
    page = page_path.read_text(encoding="utf-8")
    parsed = parse(page)
    assert not re.search(r"https?://", page)
    assert not parsed.tags & {"script", "link", "iframe", "object"}
    (url,) = parsed.urls  # the chart, and nothing else
    assert url == "data:image/png;base64," + base64.b64encode(chart.read_bytes()).decode()
    assert chart.read_bytes().startswith(b"\x89PNG")
    # The plan as a scenario file, verbatim; the scenario in words.
    assert "staff = [3, 5, 8, 8, 6, 4]" in unescape(_text(page, "plan-toml"))
    assert "30min intervals" in _text(page, "scenario-words")


def test_several_groups_each_get_their_columns_and_their_share_of_the_answer() -> None:
    page = plan_html(plan_of_two_groups(), _PNG)
    # team 5 + 8 + 8 + 6 + 4, experts 2 + 2 + 3 + 3 + 2 after the warm-up.
    assert ("The plan staffs 43 agent-intervals (21.5 agent-hours) over the 5 measured "
            "intervals in 2 groups (team 31, experts 12), 2 more than SIPP's 41"
            ) in _text(page, "answer")
    rows = parse(page).tables["plan-intervals"]
    assert rows[0][:6] == ["interval", "time", "team: agents (plan)", "team: agents (SIPP)",
                           "experts: agents (plan)", "experts: agents (SIPP)"]
    assert rows[2][:6] == ["2", "09:00", "8", "7", "3", "2"]
    assert "the head count of team and experts per interval" in _text(page, "plan-subtitle")


def test_goals_judged_per_day_get_a_table_of_days() -> None:
    page = plan_html(plan_per_day(), _PNG)
    assert _text(page, "goals").startswith("Goals, over every day: service level")
    assert ("of 2 days × goals the plan misses none, SIPP misses 1 and leaves 1 unclear"
            ) in _text(page, "answer")
    tables = parse(page).tables
    assert tables["plan-days"] == [
        ["day", "service level ≥ 80%: plan", "service level ≥ 80%: SIPP"],
        ["1", "84.00 ± 1.00%", "75.00 ± 2.00% ✗"], ["2", "82.00 ± 1.00%", "81.00 ± 2.00% ?"]]
    # Every interval's agents, and no goal per interval.
    assert tables["plan-intervals"][0] == ["interval", "time", "agents (plan)", "agents (SIPP)"]
    assert [r[1] for r in tables["plan-intervals"][1:]] == [  # the clock, and the day
        "day 1 06:00", "day 1 12:00", "day 1 18:00", "day 2 00:00", "day 2 06:00", "day 2 12:00"]
