"""ccsim.optimise.files: a plan on disk — the tables, plan.toml that reads back as the
plan's scenario, and shifts.csv exactly when shifts were chosen."""

from __future__ import annotations

import pandas as pd

from ccsim.optimise.files import save_plan
from ccsim.scenario import load_scenario
from plan_cases import SHIFTS, plan, plan_with_shifts


def test_a_plan_without_shifts_writes_its_tables_and_plan_toml_and_no_shifts(tmp_path) -> None:
    out = tmp_path / "out"
    (out).mkdir()
    (out / "shifts.csv").write_text("an earlier plan's\n")
    written = save_plan(plan(), out)
    assert [p.name for p in written] == ["requirement.csv", "evaluation.csv", "plan.toml"]
    assert not (out / "shifts.csv").exists()  # it would read as this plan's
    assert pd.read_csv(out / "requirement.csv").agents.tolist() == [3, 5, 8, 8, 6, 4]
    assert load_scenario(out / "plan.toml") == plan().scenario
    assert (out / "plan.toml").read_text().startswith(
        "# ccsim staff: service_level >= 80%; billing: asa <= 30s\n")


def test_a_plan_with_shifts_writes_them_with_their_columns(tmp_path) -> None:
    written = save_plan(plan_with_shifts(), tmp_path)
    assert tmp_path / "shifts.csv" in written
    shifts = pd.read_csv(tmp_path / "shifts.csv")
    assert shifts.columns.tolist() == ["agent_group", "day", "template", "start", "end",
                                       "breaks", "agents", "paid_hours"]
    pd.testing.assert_frame_equal(shifts, SHIFTS)
    assert "cover" in pd.read_csv(tmp_path / "requirement.csv")
