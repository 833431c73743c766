"""The table ``ccsim staff`` prints: a staffing plan against the analytic answer, interval
by interval (and day by day when the goals are judged per day)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from ccsim.report.columns import cell
from ccsim.report.targets import Target, verdict
from ccsim.report.text import grid

if TYPE_CHECKING:
    import pandas as pd

    from ccsim.optimise import StaffingPlan


def plan_text(plan: StaffingPlan) -> str:
    """Per interval: the plan's agents and the analytic (SIPP) answer (per group when
    several are searched: ``plan (SIPP)``); per measured interval or day, as the goals
    are judged, each goal's metric under both, mean ± 95 % CI on fresh replications,
    marked when the CI says the goal is missed (✗: all of it on the wrong side) or cannot
    tell (?); then the totals."""
    table = plan.evaluation
    heads = plan.requirement.pivot(index="interval", columns="agent_group",
                                   values=["agents", "sipp"])
    groups = list(dict.fromkeys(plan.requirement.agent_group))
    times = plan.requirement.drop_duplicates("interval").set_index("interval").time
    by_day = plan.per == "day"
    staffing = (["agents", "SIPP"] if len(groups) == 1
                else [f"{g} (SIPP)" for g in groups])
    names = [g.metric if g.contact_type == "all" else f"{g.contact_type}:{g.metric}"
             for g in plan.goals]
    judged = {"": Counter[str](), "sipp_": Counter[str]()}

    def goal_cells(r: pd.Series) -> list[str]:
        cells = []
        for goal, name in zip(plan.goals, names, strict=True):
            for prefix in ("", "sipp_"):
                mean, half = r[f"{prefix}{name}"], r[f"{prefix}{name}_ci95"]
                said = verdict(mean, half, Target(goal.metric, goal.value))
                judged[prefix][said] += 1
                cells.append(cell(mean, half, goal.metric) + _MARKS[said])
        return cells

    measured = table.set_index("interval") if not by_day else None
    # The warm-up is staffed as SIPP says and not judged.
    kept = heads.loc[plan.scenario.warmup_intervals:]
    rows = []
    for i in kept.index:
        row = [str(i), str(times[i])]
        if len(groups) == 1:
            row += [str(heads.agents[groups[0]][i]), str(heads.sipp[groups[0]][i])]
        else:
            row += [f"{heads.agents[g][i]} ({heads.sipp[g][i]})" for g in groups]
        if measured is not None:
            row += goal_cells(measured.loc[i])
        rows.append(row)
    goal_header = [f"{name} ({who})" for name in names for who in ("plan", "SIPP")]
    lines = [f"staffing plan: {'; '.join(g.text for g in plan.goals)}"
             f"{' (per day)' if by_day else ''}  (mean ± 95% CI over fresh replications; "
             "✗ missed: the whole CI on the wrong side; ? unclear)",
             *grid(["interval", "time", *staffing, *(goal_header if not by_day else [])],
                   rows)]
    if by_day:
        lines += ["", *grid(["day", *goal_header],
                            [[str(r["day"]), *goal_cells(r)] for _, r in table.iterrows()])]

    def counts(prefix: str) -> str:
        return f"{judged[prefix]['missed']} missed, {judged[prefix]['unclear']} unclear"

    unit = "days" if by_day else "intervals"
    lines.append(
        f"  agent-intervals: plan {int(kept.agents.to_numpy().sum())}, SIPP "
        f"{int(kept.sipp.to_numpy().sum())}; of {len(table)} {unit} × goals: plan "
        f"{counts('')}, SIPP {counts('sipp_')}; {plan.evaluations} candidates simulated")
    return "\n".join(lines)


_MARKS = {"met": "", "missed": " ✗", "unclear": " ?"}
