"""A staffing plan on disk: ``requirement.csv``, ``evaluation.csv`` and ``plan.toml`` (a
scenario file a planner can run)."""

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


def save_plan(plan: StaffingPlan, out: Path) -> list[Path]:
    """Write ``plan`` into the directory ``out`` (made if missing); the files written."""
    from ccsim.experiment.files import write_text

    out.mkdir(parents=True, exist_ok=True)
    files = {
        "requirement.csv": plan.requirement.to_csv(index=False, lineterminator="\n"),
        "evaluation.csv": plan.evaluation.to_csv(index=False, lineterminator="\n"),
        "plan.toml": f"# ccsim staff: {'; '.join(g.text for g in plan.goals)}\n"
                     + scenario_toml(plan.scenario),
    }
    for name, text in files.items():
        write_text(out / name, text)
    return [out / name for name in files]
