"""A staffing plan on disk: ``requirement.csv``, ``evaluation.csv``, ``plan.toml`` (a
scenario file a planner can run) and, when shifts were chosen, ``shifts.csv``. The chart
and the report page are drawn a layer up (:func:`ccsim.report.plan_page.write_plan_report`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ccsim.toml_text import as_toml

if TYPE_CHECKING:
    from ccsim.optimise.requirement import StaffingPlan
    from ccsim.scenario import Scenario


def scenario_toml(scenario: Scenario) -> str:
    """``scenario`` as a TOML file that reads back as the same scenario (one key per line;
    tables inline)."""
    return "".join(f"{key} = {as_toml(value)}\n" for key, value in scenario.to_dict().items())


def plan_toml(plan: StaffingPlan) -> str:
    """``plan.toml``: the plan's scenario, headed by the goals it was searched for."""
    return f"# ccsim staff: {'; '.join(g.text for g in plan.goals)}\n" + scenario_toml(
        plan.scenario)


def save_plan(plan: StaffingPlan, out: Path) -> list[Path]:
    """Write ``plan`` into the directory ``out`` (made if missing): ``requirement.csv``,
    ``evaluation.csv``, ``plan.toml``, and ``shifts.csv`` when ``plan.shifts`` is set;
    the files written."""
    from ccsim.experiment.files import write_text, writing

    out.mkdir(parents=True, exist_ok=True)
    tables = {"requirement.csv": plan.requirement, "evaluation.csv": plan.evaluation,
              "shifts.csv": plan.shifts}
    files = {name: table.to_csv(index=False, lineterminator="\n")
             for name, table in tables.items() if table is not None}
    files["plan.toml"] = plan_toml(plan)
    for name, text in files.items():
        write_text(out / name, text)
    if plan.shifts is None:  # an earlier plan's shifts would read as this one's
        with writing(out / "shifts.csv"):
            (out / "shifts.csv").unlink(missing_ok=True)
    return [out / name for name in files]
