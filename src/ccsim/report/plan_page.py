"""The report page of a staffing plan: ``report.html`` in the directory ``ccsim staff``
writes, self-contained like a results directory's page (:mod:`ccsim.report.page`): the
style sheet inline, the chart embedded as a ``data:`` URI, no script, nothing fetched.

Answer first: the goals and, in one paragraph, what the plan costs against SIPP (the
analytic answer of each interval on its own) and how often each misses a goal on fresh
replications, judged from the 95 % CIs as ``ccsim staff`` prints them
(:mod:`ccsim.report.plan`); then the chart (:func:`ccsim.plots.staffing.plot_plan`), the
table per interval (each group's agents, and the goals when they are judged per interval),
the table per day when they are judged per day, the shifts chosen when there are any, the
scenario in words and ``plan.toml``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from ccsim.optimise.files import plan_toml
from ccsim.report.columns import cell, sl_label
from ccsim.report.html import document, figure_html, html_table, number_html
from ccsim.report.plan import (
    MARKS,
    WHO,
    Reading,
    agent_intervals,
    groups,
    judged_units,
    readings,
    tally,
)
from ccsim.report.words import scenario_words

if TYPE_CHECKING:
    import pandas as pd

    from ccsim.optimise import Goal, StaffingPlan
    from ccsim.report.targets import Verdict
    from ccsim.scenario import Scenario

#: The page's file name, and the chart's, in a plan's directory.
PLAN_PAGE, PLAN_CHART = "report.html", "charts/plan.png"
#: Headers of the shifts table, by the column of :attr:`StaffingPlan.shifts`.
SHIFT_HEADERS = {"agent_group": "agent group", "paid_hours": "paid hours"}


def write_plan_report(plan: StaffingPlan, out: Path) -> list[Path]:
    """Draw the plan's chart into ``out/charts/plan.png`` and write ``out/report.html``
    (:func:`plan_html`); the files written, the page first. ``ccsim staff`` calls this
    after :func:`~ccsim.optimise.files.save_plan`."""
    from ccsim.experiment.files import write_bytes, write_text, writing
    from ccsim.plots.save import png
    from ccsim.plots.staffing import plot_plan

    chart, page = out / PLAN_CHART, out / PLAN_PAGE
    drawn = png(plot_plan(plan))
    with writing(chart.parent):
        chart.parent.mkdir(parents=True, exist_ok=True)
    write_bytes(chart, drawn)
    write_text(page, plan_html(plan, {Path(PLAN_CHART).name: drawn}))
    return [page, chart]


def plan_html(plan: StaffingPlan, charts: Mapping[str, bytes] | None = None) -> str:
    """The report page of ``plan`` as one HTML document; ``charts`` (name → PNG) are
    embedded in order, by default the plan's chart, drawn here."""
    if charts is None:
        from ccsim.plots.save import png
        from ccsim.plots.staffing import plot_plan

        charts = {Path(PLAN_CHART).name: png(plot_plan(plan))}
    scenario = plan.scenario
    found = readings(plan)
    where = "over every day" if plan.per == "day" else "in every measured interval"
    body = [
        f"<h1>{escape(scenario.name)}: staffing plan</h1>",
        f"<p id=plan-subtitle class=sub>{escape(_subtitle(plan))}</p>",
        "<h2 id=answer-section>The answer</h2>",
        f"<p id=goals>Goals, {where}: "
        f"{'; '.join(f'<b>{escape(_goal_text(g, scenario))}</b>' for g in plan.goals)}.</p>",
        f"<p id=answer>{_answer(plan, found)}</p>",
        "<h2 id=chart-section>Chart</h2>",
        "<div class=charts id=charts>",
        *[figure_html(data, name) for name, data in charts.items()],
        "</div>",
        "<h2 id=intervals-section>Per interval</h2>",
        _MARKS_NOTE,
        _interval_table(plan, found),
        *_day_table(plan, found),
        *_shifts(plan.shifts),
        "<h2 id=scenario-section>The scenario</h2>",
        *scenario_words(scenario),
        "<h2 id=plan-file-section>plan.toml</h2>",
        "<p>The scenario with the plan in it, as written next to this page: "
        "<code>ccsim run plan.toml</code> simulates it again.</p>",
        f"<details open><summary><code>plan.toml</code></summary>"
        f"<pre id=plan-toml>{escape(plan_toml(plan))}</pre></details>",
    ]
    return document(f"{scenario.name} — ccsim staffing plan", body)


def _subtitle(plan: StaffingPlan) -> str:
    *others, last = groups(plan)
    names = f"{', '.join(others)} and {last}" if others else last
    return (f"ccsim staff: the head count of {names} per interval, found by simulation; "
            f"{plan.evaluations} candidates simulated")


def _goal_text(goal: Goal, scenario: Scenario) -> str:
    """The goal in words; a service level's with its threshold (``service level
    (answered within 20 s) ≥ 80%``)."""
    if goal.metric != "service_level":
        return goal.words
    where, _, rest = goal.words.rpartition("service level ")
    return f"{where}{sl_label(scenario)} {rest}"


def _answer(plan: StaffingPlan, found: list[list[Reading]]) -> str:
    """The answer in one paragraph (HTML): agents of the plan against SIPP's, paid hours
    of the shifts, and the intervals × goals each misses on fresh replications."""
    ours, sipp = agent_intervals(plan)
    measured = plan.scenario.intervals - plan.scenario.warmup_intervals
    hours = plan.scenario.period / 3600
    more = ours - sipp
    against = (f"as many as SIPP's {sipp}" if not more else
               f"{abs(more)} {'more' if more > 0 else 'fewer'} than SIPP's {sipp}"
               + (f" ({more / sipp:+.1%})" if sipp else ""))
    parts = [f"The plan staffs <b>{ours} agent-intervals</b> ({ours * hours:,.1f} agent-hours) "
             f"over the {measured} measured intervals{_in_groups(plan)}, {escape(against)}; "
             "SIPP is each "
             "interval's analytic (Erlang) answer as a steady state of its own."]
    shifts = plan.shifts
    if shifts is not None:
        parts.append(f"Its shifts ({int(shifts['agents'].sum())} agent-shifts) pay "
                     f"<b>{float(shifts['paid_hours'].sum()):,.1f} hours</b>"
                     + _short(plan) + ".")
    said = {who: tally(found, who) for _, who in WHO}
    parts.append(
        f"On fresh replications, of {judged_units(plan)} the plan "
        f"{_misses(said['plan'])}, SIPP {_misses(said['SIPP'])} (unclear: the 95 % CI "
        "straddles the goal).")
    return " ".join(parts)


def _in_groups(plan: StaffingPlan) -> str:
    """`` in 2 groups (sales 120, support 80)`` when several were searched."""
    names = groups(plan)
    if len(names) == 1:
        return ""
    kept = plan.requirement[plan.requirement["interval"] >= plan.scenario.warmup_intervals]
    each = kept.groupby("agent_group", sort=False)["agents"].sum()
    return f" in {len(names)} groups ({', '.join(f'{g} {int(each[g])}' for g in names)})"


def _misses(said: Counter[Verdict]) -> str:
    """``misses 2 and leaves 5 unclear``, the counts in the page's verdict colours."""
    missed, unclear = said["missed"], said["unclear"]
    text = f"misses <span class={'missed' if missed else 'met'}>{missed or 'none'}</span>"
    return text + (f" and leaves <span class=unclear>{unclear}</span> unclear" if unclear
                   else "")


def _short(plan: StaffingPlan) -> str:
    """Where the shifts' cover falls below the plan, said as a clause (empty when it
    never does)."""
    if "cover" not in plan.requirement:
        return ""
    table = plan.requirement.dropna(subset=["cover"])  # groups without shifts have none
    gap = table["agents"] - table["cover"]
    short = gap[gap > 1e-9]
    what = "intervals" if table["agent_group"].nunique() <= 1 else "intervals × groups"
    if short.empty:
        return "; their cover (agents on duty, off break) reaches the plan in every interval"
    return (f"; their cover (agents on duty, off break) falls below the plan in "
            f"<span class=missed>{len(short)}</span> of {len(table)} {what}, by up to "
            f"{short.max():.1f} agents")


_MARKS_NOTE = (f"<p>Each goal's metric under the plan and under SIPP: mean ± the half-width "
               f"of its 95 % confidence interval over fresh replications, marked "
               f"<span class=missed>{MARKS['missed']}</span> when the whole interval is on "
               f"the wrong side of the goal (missed) and <span class=unclear>"
               f"{MARKS['unclear']}</span> when it straddles the goal (more replications "
               "may tell).</p>")


def _interval_table(plan: StaffingPlan, found: list[list[Reading]]) -> str:
    """Per interval after the warm-up: each group's agents under the plan and SIPP (and
    the shifts' cover), and each goal under both when goals are judged per interval."""
    from ccsim.plots.intervals import clock

    names = groups(plan)
    requirement = plan.requirement.set_index(["agent_group", "interval"])
    covered = "cover" in requirement and not requirement["cover"].isna().all()
    own = [""] if len(names) == 1 else [f"{g}: " for g in names]
    header = ["interval", "time",
              *[f"{who}agents{kind}" for who in own
                for kind in (" (plan)", " (SIPP)", *([" (shifts' cover)"] if covered else []))],
              *([f"{g.words}: {who}" for g in plan.goals for _, who in WHO]
                if plan.per == "interval" else [])]
    by_interval = (dict(zip(plan.evaluation["interval"], found, strict=True))
                   if plan.per == "interval" else {})
    first = plan.scenario.warmup_intervals
    rows = []
    for i in range(first, plan.scenario.intervals):
        row = [str(i), escape(clock(plan.scenario, i))]  # with its day over several
        for g in names:
            agents = int(requirement["agents"][g, i])
            row += [str(agents), str(int(requirement["sipp"][g, i]))]
            if covered:
                row.append(_cover_cell(float(requirement["cover"][g, i]), agents))
        rows.append(row + [_reading(j) for j in by_interval.get(i, [])])
    what = "agents and each goal, plan and SIPP" if by_interval else "agents, plan and SIPP"
    return html_table("plan-intervals", f"Per measured interval: {what}", header, rows,
                      names=2)


def _cover_cell(cover: float, agents: int) -> str:
    """The shifts' cover, red where it is below the plan; ``–`` for a group without."""
    if cover != cover:  # NaN: the group has no shifts
        return "–"
    shown = f"{cover:.1f}"
    return f"<span class=missed>{shown}</span>" if cover < agents - 1e-9 else shown


def _day_table(plan: StaffingPlan, found: list[list[Reading]]) -> list[str]:
    """Per day, each goal under the plan and SIPP, when goals are judged per day."""
    if plan.per != "day":
        return []
    header = ["day", *[f"{g.words}: {who}" for g in plan.goals for _, who in WHO]]
    rows = [[str(r["day"]), *[_reading(j) for j in judged]]
            for (_, r), judged in zip(plan.evaluation.iterrows(), found, strict=True)]
    return [html_table("plan-days", "Per day: each goal, plan and SIPP", header, rows)]


def _reading(reading: Reading) -> str:
    text = number_html(cell(reading.mean, reading.half, reading.goal.metric))
    mark = MARKS[reading.verdict]
    return f"{text} <span class={reading.verdict}>{mark}</span>" if mark else text


def _shifts(shifts: pd.DataFrame | None) -> list[str]:
    """The shifts chosen, a row per day, template, start and break placement."""
    if shifts is None:
        return []
    header = [SHIFT_HEADERS.get(c, c) for c in shifts.columns]
    # Text columns name the row; the counts after them align right.
    names = next((i for i, c in enumerate(shifts.columns) if c in ("agents", "paid_hours")),
                 len(shifts.columns))
    rows = [[escape(f"{v:,.1f}" if c == "paid_hours" else str(v))
             for c, v in zip(shifts.columns, r, strict=True)]
            for r in shifts.itertuples(index=False)]
    caption = (f"Shifts chosen: {int(shifts['agents'].sum())} agent-shifts, "
               f"{float(shifts['paid_hours'].sum()):,.1f} paid hours")
    return ["<h2 id=shifts-section>Shifts</h2>",
            html_table("shifts", caption, header, rows, names=names)]
