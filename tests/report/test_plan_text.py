"""ccsim.report.plan: the table ``ccsim staff`` prints — marks from the CIs, and totals
over every interval × goal (tests/plan_cases.py works the verdicts out)."""

from __future__ import annotations

from ccsim.report.plan import plan_text, readings, tally
from plan_cases import plan


def test_each_reading_is_judged_from_its_ci_against_its_goal() -> None:
    found = readings(plan())
    assert [len(row) for row in found] == [4] * 5  # two goals × plan, SIPP
    assert [r.verdict for r in found[1]] == ["missed", "met", "met", "met"]  # 09:00
    assert dict(tally(found, "plan")) == {"met": 8, "missed": 1, "unclear": 1}
    assert dict(tally(found, "SIPP")) == {"met": 6, "missed": 3, "unclear": 1}


def test_the_printed_table_marks_and_counts_every_interval_and_goal() -> None:
    text = plan_text(plan())
    lines = text.splitlines()
    assert "78.00 ± 1.00% ✗" in next(line for line in lines if "09:00" in line)
    assert lines[-1].strip() == ("agent-intervals: plan 31, SIPP 30; of 10 intervals × goals: "
                                 "plan 1 missed, 1 unclear, SIPP 3 missed, 1 unclear; 17 "
                                 "candidates simulated")
