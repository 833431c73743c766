"""ccsim.plots.staffing: the plan's chart — agents as steps (plan, SIPP, the shifts' cover
and where it falls short), each goal's metric with its 95 % band under both, the goal as a
line, clock times on the x axis — read from the artists of a hand-made plan."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from matplotlib.patches import StepPatch

from ccsim import Scenario
from ccsim.plots.staffing import (
    COVER_LABEL,
    GOAL_LABEL,
    PLAN_LABEL,
    PLAN_METRIC_LABEL,
    SHORT_LABEL,
    SIPP_LABEL,
    SIPP_METRIC_LABEL,
    WARMUP_LABEL,
    plot_plan,
)
from plan_cases import (
    AGENTS,
    COVER,
    EVALUATION,
    EXPERTS,
    EXPERTS_SIPP,
    SIPP,
    plan,
    plan_of_two_groups,
    plan_per_day,
    plan_with_shifts,
)


def _steps(ax) -> dict[str, StepPatch]:
    return {p.get_label(): p for p in ax.patches if isinstance(p, StepPatch)}


def _lines(ax) -> dict[str, object]:
    return {line.get_label(): line for line in ax.get_lines()}


def test_the_top_panel_steps_the_plan_and_sipp_over_their_intervals() -> None:
    figure = plot_plan(plan())
    top = figure.axes[0]
    steps = _steps(top)
    assert set(steps) == {PLAN_LABEL, SIPP_LABEL}  # no shifts: no cover
    for label, wanted in ((PLAN_LABEL, AGENTS), (SIPP_LABEL, SIPP)):
        values, edges, _ = steps[label].get_data()
        assert values.tolist() == wanted and edges.tolist() == list(range(7)), label
    # Where they differ, by how much, over the interval (a minus sign, not a hyphen).
    notes = {(t.xy[0], t.get_text()) for t in top.texts}
    assert notes == {(1.5, "−1"), (2.5, "+1"), (4.5, "+1")}
    assert top.get_ylabel() == "agents"


def test_each_goal_has_a_panel_with_both_answers_their_bands_and_the_goal() -> None:
    figure = plot_plan(plan())
    assert len(figure.axes) == 3  # agents, then one panel per goal
    service, asa = figure.axes[1], figure.axes[2]
    assert service.get_title() == "service level ≥ 80%"
    assert service.get_ylabel() == "service level within 20s (%)"
    assert asa.get_title() == "billing: ASA ≤ 30 s" and asa.get_ylabel() == "ASA (s)"
    xs = EVALUATION["interval"].to_numpy() + 0.5  # the middle of each measured interval
    for ax, column, scale, goal in ((service, "service_level", 100, 80.0),
                                    (asa, "billing:asa", 1, 30.0)):
        lines = _lines(ax)
        for label, prefix in ((PLAN_METRIC_LABEL, ""), (SIPP_METRIC_LABEL, "sipp_")):
            assert lines[label].get_xdata() == pytest.approx(xs)
            assert lines[label].get_ydata() == pytest.approx(
                EVALUATION[prefix + column].to_numpy() * scale)
        assert lines[GOAL_LABEL].get_ydata() == pytest.approx([goal, goal])
        assert len(ax.collections) == 2  # a band each
    # The bands: mean ± half-width, clipped to 100 % (SIPP's last CI reaches 102 %).
    plan_band, sipp_band = (c.get_paths()[0].vertices for c in service.collections)
    assert plan_band[:, 1].min() == pytest.approx(77.0) and plan_band[:, 1].max() == (
        pytest.approx(92.0))
    assert sipp_band[:, 1].max() == pytest.approx(100.0)


def test_the_shifts_cover_is_shaded_and_where_it_falls_short_is_red() -> None:
    figure = plot_plan(plan_with_shifts())
    top = figure.axes[0]
    cover = _steps(top)[COVER_LABEL]
    assert cover.get_fill() and cover.get_data()[0].tolist() == COVER
    (short,) = [c for c in top.containers if c.get_label() == SHORT_LABEL]
    # 09:00 (interval 2): 7.5 agents on duty against 8 in the plan.
    assert [(p.get_x(), p.get_y(), p.get_width(), p.get_height()) for p in short] == [
        (2, 7.5, 1.0, 0.5)]
    labels = [t.get_text() for t in figure.legends[0].get_texts()]
    assert COVER_LABEL in labels and SHORT_LABEL in labels


def test_the_x_axis_reads_clock_times_and_the_warm_up_is_shaded() -> None:
    figure = plot_plan(plan())
    bottom = figure.axes[-1]
    ticks = [t.get_text() for t in bottom.get_xticklabels()]
    assert ticks[0] == "08:00" and ticks[-1] == "11:00", ticks  # the day's end too
    assert "clock time" in bottom.get_xlabel()
    for ax in figure.axes:
        (warm,) = [p for p in ax.patches if p.get_label() == WARMUP_LABEL]
        assert warm.get_x() == 0 and warm.get_width() == 1
    # One legend, below the panels (it covers no data), naming every kind of line once.
    (legend,) = figure.legends
    labels = [t.get_text() for t in legend.get_texts()]
    assert len(labels) == len(set(labels))
    assert set(labels) == {PLAN_LABEL, SIPP_LABEL, PLAN_METRIC_LABEL, SIPP_METRIC_LABEL,
                           GOAL_LABEL, WARMUP_LABEL}
    assert legend.get_window_extent().y1 <= min(ax.get_window_extent().y0
                                                for ax in figure.axes) + 1


def test_with_many_intervals_the_differences_are_not_written() -> None:
    base = plan()
    # Five-minute intervals over five hours: 60, too many steps to write a number over.
    long = Scenario(start="08:00", period="5min", horizon="5h",
                    contact_types=[{"name": "billing", "arrivals": {"per_hour": 60},
                                    "handle_time": {"dist": "exponential", "mean": "4min"}}],
                    agent_groups=[{"name": "team", "skills": ["billing"], "staff": 5}])
    n = long.intervals
    requirement = pd.DataFrame({"interval": range(n), "time": "", "agent_group": "team",
                                "agents": 5, "sipp": 4})
    figure = plot_plan(replace(base, scenario=long, requirement=requirement,
                               goals=base.goals[:1]))
    assert n == 60 and not figure.axes[0].texts
    assert "plan − SIPP" not in figure.axes[0].get_title()


def test_each_group_searched_has_its_own_agents_panel() -> None:
    figure = plot_plan(plan_of_two_groups())
    assert len(figure.axes) == 4  # two groups, two goals
    assert [ax.get_title().split(";")[0] for ax in figure.axes[:2]] == [
        "agents per interval: team", "agents per interval: experts"]
    for ax, agents, sipp in ((figure.axes[0], AGENTS, SIPP),
                             (figure.axes[1], EXPERTS, EXPERTS_SIPP)):
        steps = _steps(ax)
        assert steps[PLAN_LABEL].get_data()[0].tolist() == agents
        assert steps[SIPP_LABEL].get_data()[0].tolist() == sipp
    assert figure.axes[2].get_title() == "service level ≥ 80%"


def test_a_goal_judged_per_day_is_a_step_over_each_day_with_its_band() -> None:
    figure = plot_plan(plan_per_day())
    goal = figure.axes[1]
    assert goal.get_title() == "service level ≥ 80% (per day)"
    steps = _steps(goal)
    # Day 1: intervals 0–2 (06:00–24:00); day 2: 3–5 (00:00–18:00).
    for label, values in ((PLAN_METRIC_LABEL, [84.0, 82.0]), (SIPP_METRIC_LABEL, [75.0, 81.0])):
        mean, edges, _ = steps[label].get_data()
        assert mean == pytest.approx(values) and edges.tolist() == [0, 3, 6]
    bands = [p for p in goal.patches if isinstance(p, StepPatch) and p.get_fill()]
    assert [b.get_data()[0].tolist() for b in bands] == [  # mean + half-width
        pytest.approx([85.0, 83.0]), pytest.approx([77.0, 83.0])]
    assert [b.get_data()[2].tolist() for b in bands] == [  # mean − half-width
        pytest.approx([83.0, 81.0]), pytest.approx([73.0, 79.0])]
    assert "per day" in figure._suptitle.get_text()
