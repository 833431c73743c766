"""The charts of shifts and costs: the roster, the staffing row of the interval chart, and
cost against service across variants."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccsim import Scenario
from ccsim.experiment import Experiment, Results, run_experiment
from ccsim.experiment.grid import Variant
from ccsim.plots import plot_intervals, plot_results
from ccsim.plots.cost import plot_cost_service
from ccsim.plots.roster import plot_roster


def _week(absence: float = 0.5) -> Scenario:
    return Scenario(
        name="two days", horizon="2d", period="1h",
        targets={"service_level": 0.5},
        contact_types=[{"name": "calls", "arrivals": {"per_hour": 20},
                        "handle_time": {"dist": "exponential", "mean": "5min"},
                        "patience": {"dist": "exponential", "mean": "3min"},
                        "hours": ["08:00", "18:00"]}],
        agent_groups=[{"name": "team", "skills": ["calls"], "absence": absence, "shifts": [
            {"name": "day", "start": "08:00", "length": "10h", "agents": [4, 3],
             "breaks": [{"window": ["12:00", "14:00"], "length": "30min", "paid": False}]}]}],
        costs={"agent_groups": {"team": {"per_hour": 20.0}}, "per_abandon": 1.0})


def test_the_roster_draws_each_agent_day_its_breaks_and_absences() -> None:
    scenario = _week()
    figure = plot_roster(scenario, seed=3, day=1)
    axes = figure.axes[0]
    labels = [t.get_text() for t in axes.get_yticklabels()]
    assert labels == [f"team · day · #{n}" for n in range(4)]
    grey = [p for p in axes.patches if p.get_facecolor()[:3] == pytest.approx((0.8,) * 3)]
    breaks = [p for p in axes.patches if p.get_width() == pytest.approx(0.5)]
    # Each agent-day is one bar: an absent one grey, one present with its lunch on it.
    assert len(axes.patches) == 4 + (4 - len(grey))
    assert len(breaks) == 4 - len(grey) and len(grey) >= 1
    assert f"{len(grey)} of 4 agents absent" in axes.get_title()


def test_a_sweep_with_shifts_and_costs_gets_a_roster_and_a_cost_chart(tmp_path: Path) -> None:
    out = tmp_path / "out"
    variants = tuple(Variant(f"absence {a}", _week(a)) for a in (0.0, 0.3))
    experiment = Experiment(name="plans", variants=variants, replications=2, seed=4)
    run_experiment(experiment, workers=1, out=out)
    names = [p.name for p in plot_results(out)]
    assert "roster.png" in names and "cost_service.png" in names
    axes = plot_cost_service(Results.load(out)).axes[0]
    assert axes.get_xlabel() == "total cost (EUR)"
    # One point per variant; with absence nobody is paid for, the absent plan is cheaper.
    costs = Results.load(out).summary().set_index("variant")["total_cost"]
    assert costs["absence 0.3"] < costs["absence 0.0"]
    assert sorted(axes.lines[0].get_xdata()) == pytest.approx(sorted(costs))


def test_the_staffing_row_holds_each_head_count_over_its_interval_to_the_horizon(
    tmp_path: Path
) -> None:
    # Two-hour intervals staffed 3, 5, 4: the steps change at 10:00 and 12:00 (the
    # ticks of the intervals' starts), and the last runs to the horizon at 14:00.
    day = Scenario(name="steps", start="08:00", period="2h", horizon="6h",
                   contact_types=[{"name": "calls", "arrivals": {"per_hour": 30},
                                   "handle_time": {"dist": "exponential", "mean": "4min"}}],
                   agent_groups=[{"name": "team", "skills": ["calls"], "staff": [3, 5, 4]}])
    results = run_experiment(Experiment.from_scenario(day, replications=2, seed=1),
                             workers=1, out=tmp_path / "out")
    staffing = plot_intervals(results).axes[-1]
    (area,) = staffing.collections
    outline = area.get_paths()[0].vertices
    top = {(float(x), float(y)) for x, y in outline if y > 0}
    assert top == {(0, 3), (1, 3), (1, 5), (2, 5), (2, 4), (3, 4)}
    ticks = [t.get_text() for t in staffing.get_xticklabels()]
    assert ticks[0] == "08:00" and ticks[-1] == "14:00"


def test_deferrable_work_gets_a_backlog_chart_of_its_types_alone(tmp_path: Path) -> None:
    scenario = Scenario(
        name="mail days", horizon="2d", period="1h", service_level={"answer_within": "8h"},
        contact_types=[
            {"name": "calls", "arrivals": {"per_hour": 10},
             "handle_time": {"dist": "exponential", "mean": "4min"}},
            {"name": "email", "channel": "email", "hours": ["08:00", "16:00"],
             "arrivals": {"per_hour": 4}, "backlog": 30,
             "handle_time": {"dist": "exponential", "mean": "15min"}}],
        agent_groups=[{"name": "team", "skills": ["calls", "email"], "staff": 3}])
    out = tmp_path / "out"
    run_experiment(Experiment(name="mail", variants=(Variant("plan", scenario),),
                              replications=2, seed=5), workers=1, out=out)
    assert "backlog.png" in [p.name for p in plot_results(out)]
    figure = plot_intervals(Results.load(out), metrics=("backlog", "backlog_oldest"),
                            contact_types=["email"])
    first, second = figure.axes[:2]
    assert first.get_title() == "email" and first.get_ylabel() == "backlog (items)"
    # Ages past three hours (a night's) are drawn in hours.
    assert second.get_ylabel() == "oldest item waiting (h)"
    assert 8 < max(second.lines[0].get_ydata()) < 48
    # 30 items at the start, worked off in the first opening hours: the line falls.
    backlog = first.lines[0].get_ydata()
    assert backlog[0] >= 30 and min(backlog[8:16]) < backlog[0]


def test_chat_gets_a_chart_of_each_chat_groups_seats(tmp_path: Path) -> None:
    from ccsim.plots import plot_seats

    scenario = Scenario(
        name="chat hours", horizon="3h", period="30min",
        contact_types=[{"name": "chat", "channel": "chat", "arrivals": {"per_hour": 40},
                        "handle_time": {"dist": "exponential", "mean": "8min"},
                        "slowdown": [1.0, 1.3]},
                       {"name": "calls", "arrivals": {"per_hour": 10},
                        "handle_time": {"dist": "exponential", "mean": "4min"}}],
        agent_groups=[{"name": "digital", "skills": ["chat"], "staff": 3, "max_chats": 2},
                      {"name": "phones", "skills": ["calls"], "staff": 2}])
    out = tmp_path / "out"
    run_experiment(Experiment(name="seats", variants=(Variant("plan", scenario),),
                              replications=2, seed=6), workers=1, out=out)
    assert "seats.png" in [p.name for p in plot_results(out)]
    figure = plot_seats(Results.load(out))
    held, used = figure.axes[:2]
    assert [ax.get_title() for ax in figure.axes[:1]] == ["digital"]  # chat groups only
    assert held.get_ylabel() == "chats held at once (chats)"
    assert used.get_ylabel() == "seat utilisation (%)"
    # Between one and two chats held; seats in use a share of the two per agent.
    assert all(1.0 <= y <= 2.0 for y in held.lines[0].get_ydata())
    assert all(0.0 < y <= 100.0 for y in used.lines[0].get_ydata())
