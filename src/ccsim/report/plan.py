"""The table ``ccsim staff`` prints: a staffing plan against the analytic answer, interval
by interval."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ccsim.report.columns import cell
from ccsim.report.targets import Target, verdict
from ccsim.report.text import grid

if TYPE_CHECKING:
    from ccsim.optimise import StaffingPlan


def plan_text(plan: StaffingPlan) -> str:
    """Per measured interval: the plan's agents and the analytic (SIPP) answer, and each
    goal's metric under both, mean ± 95 % CI on fresh replications, marked when the CI
    says the goal is missed (✗: all of it on the wrong side) or cannot tell (?); then the
    totals."""
    table = plan.evaluation
    requirement = plan.requirement.set_index("interval")
    names = [g.metric if g.contact_type == "all" else f"{g.contact_type}:{g.metric}"
             for g in plan.goals]
    header = ["interval", "time", "agents", "SIPP",
              *[f"{name} ({who})" for name in names for who in ("plan", "SIPP")]]
    rows, judged = [], {"": Counter[str](), "sipp_": Counter[str]()}
    for _, r in table.iterrows():
        i = int(r["interval"])
        row = [str(i), str(r["time"]), str(requirement.agents[i]), str(requirement.sipp[i])]
        for goal, name in zip(plan.goals, names, strict=True):
            for prefix in ("", "sipp_"):
                mean, half = r[f"{prefix}{name}"], r[f"{prefix}{name}_ci95"]
                said = verdict(mean, half, Target(goal.metric, goal.value))
                judged[prefix][said] += 1
                row.append(cell(mean, half, goal.metric) + _MARKS[said])
        rows.append(row)
    measured = requirement.loc[table["interval"]]

    def counts(prefix: str) -> str:
        return f"{judged[prefix]['missed']} missed, {judged[prefix]['unclear']} unclear"

    return "\n".join([
        f"staffing plan: {'; '.join(g.text for g in plan.goals)}  (mean ± 95% CI over fresh "
        "replications; ✗ missed: the whole CI on the wrong side; ? unclear)", *grid(header, rows),
        f"  agent-intervals: plan {int(measured.agents.sum())}, SIPP {int(measured.sipp.sum())}; "
        f"of {len(table)} intervals × goals: plan {counts('')}, SIPP {counts('sipp_')}; "
        f"{plan.evaluations} candidates simulated"])


_MARKS = {"met": "", "missed": " ✗", "unclear": " ?"}
