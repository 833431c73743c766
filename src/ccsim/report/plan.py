"""A staffing plan against the analytic answer, interval by interval (and day by day when
the goals are judged per day): each goal's metric under the plan and under SIPP judged from
its 95 % CI on fresh replications (the same verdicts as a scenario's targets,
:func:`~ccsim.report.targets.verdict`), and the table ``ccsim staff`` prints."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ccsim.report.columns import cell
from ccsim.report.targets import Target, Verdict, verdict
from ccsim.report.text import grid

if TYPE_CHECKING:
    import pandas as pd

    from ccsim.optimise import Goal, StaffingPlan

#: Whom an evaluation's columns measure: the plan (no prefix) and SIPP (``sipp_``).
WHO = (("", "plan"), ("sipp_", "SIPP"))
#: How a cell marks its verdict: nothing when met.
MARKS = {"met": "", "missed": "✗", "unclear": "?"}


@dataclass(frozen=True)
class Reading:
    """A goal's metric in one measured interval (or day) under the plan or under SIPP
    (``who``): mean over fresh replications and 95 % CI half-width (stored unit), and
    the verdict."""

    goal: Goal
    who: str
    mean: float
    half: float
    verdict: Verdict


def readings(plan: StaffingPlan) -> list[list[Reading]]:
    """Per row of ``plan.evaluation`` (a measured interval, or a day): each goal under
    the plan, then under SIPP."""
    return [_readings(plan, row) for _, row in plan.evaluation.iterrows()]


def _readings(plan: StaffingPlan, row: pd.Series) -> list[Reading]:
    out = []
    for goal in plan.goals:
        for prefix, who in WHO:
            mean, half = float(row[prefix + goal.column]), float(row[f"{prefix}{goal.column}_ci95"])
            out.append(Reading(goal, who, mean, half,
                               verdict(mean, half, Target(goal.metric, goal.value))))
    return out


def tally(found: list[list[Reading]], who: str) -> Counter[Verdict]:
    """How many intervals (or days) × goals ``who`` (``plan``, ``SIPP``) meets, misses,
    leaves unclear."""
    return Counter(r.verdict for row in found for r in row if r.who == who)


def judged_units(plan: StaffingPlan) -> str:
    """What the evaluation judges, counted: ``20 intervals × goals``, ``5 days × goals``."""
    unit = "days" if plan.per == "day" else "intervals"
    return f"{len(plan.evaluation) * len(plan.goals)} {unit} × goals"


def agent_intervals(plan: StaffingPlan) -> tuple[int, int]:
    """The agents of the plan and of SIPP summed over the groups searched and the
    intervals after the warm-up (which is staffed as SIPP says and not judged)."""
    kept = plan.requirement[plan.requirement["interval"] >= plan.scenario.warmup_intervals]
    return int(kept["agents"].sum()), int(kept["sipp"].sum())


def groups(plan: StaffingPlan) -> list[str]:
    """The groups the plan staffs, in the requirement's order."""
    return list(dict.fromkeys(plan.requirement["agent_group"]))


def plan_text(plan: StaffingPlan) -> str:
    """Per interval: the plan's agents and the analytic (SIPP) answer (per group when
    several are searched: ``plan (SIPP)``); per measured interval or day, as the goals
    are judged, each goal's metric under both, mean ± 95 % CI on fresh replications,
    marked when the CI says the goal is missed (✗: all of it on the wrong side) or cannot
    tell (?); then the totals."""
    table = plan.evaluation
    covered = "cover" in plan.requirement
    heads = plan.requirement.pivot(index="interval", columns="agent_group",
                                   values=["agents", "sipp", *(["cover"] * covered)])
    names = groups(plan)
    shifted = [g for g in names if covered and heads.cover[g].notna().any()]
    times = plan.requirement.drop_duplicates("interval").set_index("interval").time
    by_day = plan.per == "day"
    staffing = ["agents", "SIPP"] if len(names) == 1 else [f"{g} (SIPP)" for g in names]
    staffing += ["cover" if len(names) == 1 else f"{g} cover" for g in shifted]
    found = readings(plan)

    def goal_cells(judged: list[Reading]) -> list[str]:
        return [cell(r.mean, r.half, r.goal.metric) + _mark(r) for r in judged]

    measured = dict(zip(table["interval"], found, strict=True)) if not by_day else {}
    # The warm-up is staffed as SIPP says and not judged.
    kept = heads.loc[plan.scenario.warmup_intervals:]
    rows = []
    for i in kept.index:
        row = [str(i), str(times[i])]
        if len(names) == 1:
            row += [f"{heads.agents[names[0]][i]:g}", f"{heads.sipp[names[0]][i]:g}"]
        else:
            row += [f"{heads.agents[g][i]:g} ({heads.sipp[g][i]:g})" for g in names]
        row += [f"{heads.cover[g][i]:.3g}" for g in shifted]
        rows.append(row + goal_cells(measured.get(i, [])))
    goal_header = [f"{g.column} ({who})" for g in plan.goals for _, who in WHO]
    lines = [f"staffing plan: {'; '.join(g.text for g in plan.goals)}"
             f"{' (per day)' if by_day else ''}  (mean ± 95% CI over fresh replications; "
             "✗ missed: the whole CI on the wrong side; ? unclear)",
             *grid(["interval", "time", *staffing, *(goal_header if not by_day else [])],
                   rows)]
    if by_day:
        lines += ["", *grid(["day", *goal_header],
                            [[str(r["day"]), *goal_cells(judged)]
                             for (_, r), judged in zip(table.iterrows(), found, strict=True)])]

    def counts(who: str) -> str:
        said = tally(found, who)
        return f"{said['missed']} missed, {said['unclear']} unclear"

    ours, sipp = agent_intervals(plan)
    if plan.shifts is not None:
        lines.append(f"  shifts: {int(plan.shifts['agents'].sum())} agent-days, "
                     f"{plan.shifts['paid_hours'].sum():g} paid hours (shifts.csv); cover: "
                     "agents on duty and off their breaks, mean over the interval")
    lines.append(f"  agent-intervals: plan {ours}, SIPP {sipp}; of {judged_units(plan)}: plan "
                 f"{counts('plan')}, SIPP {counts('SIPP')}; {plan.evaluations} candidates "
                 "simulated")
    return "\n".join(lines)


def _mark(reading: Reading) -> str:
    return f" {MARKS[reading.verdict]}" if MARKS[reading.verdict] else ""
