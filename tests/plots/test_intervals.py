"""ccsim.plots.intervals: a column per contact type, clock times (with the day on a
longer horizon), and the variants left out named under the chart."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from ccsim.experiment import Results, load_experiment, run_experiment
from ccsim.plots import clock, plot_intervals
from ccsim.scenario import Scenario


def test_the_interval_chart_has_a_column_per_contact_type(three_way: Results) -> None:
    label = three_way.variants[0]
    figure = plot_intervals(three_way, variants=[label])
    assert [ax.get_title() for ax in figure.axes[:3]] == ["all contact types", "billing", "tech"]
    table = three_way.intervals
    billing = table[(table["variant"] == label) & (table["contact_type"] == "billing")]
    expected = billing.groupby("interval")["service_level"].mean() * 100
    (line,) = figure.axes[1].get_lines()
    assert line.get_ydata() == pytest.approx(expected.to_numpy())


def test_clock_labels_name_the_day_on_a_horizon_of_several_days(tiny_text: str) -> None:

    data = tomllib.loads(tiny_text)
    data.update(start="08:00", horizon="3d")
    data["agent_groups"][1]["staff"] = 4
    scenario = Scenario.from_dict(data)
    assert [clock(scenario, i) for i in (0, 1, 32, 143)] == [
        "day 1 08:00", "day 1 08:30", "day 2 00:00", "day 4 07:30"
    ]
    one_day = Scenario.from_dict(tomllib.loads(tiny_text))
    assert clock(one_day, 3) == "01:30"


def test_a_multi_day_interval_chart_is_ticked_with_days(
    write_experiment, tmp_path: Path
) -> None:
    path = write_experiment('scenario = "tiny.toml"\nreplications = 2\n')
    tiny = tmp_path / "tiny.toml"
    tiny.write_text(tiny.read_text().replace('horizon = "2h"', 'horizon = "3d"\nstart = "08:00"')
                    .replace("staff = [3, 4, 4, 3]", "staff = 4"))
    results = run_experiment(load_experiment(path), workers=1)
    figure = plot_intervals(results)
    ticks = [t.get_text() for t in figure.axes[-1].get_xticklabels()]
    assert ticks and all(t.startswith("day ") for t in ticks)
    assert len(ticks) <= 8
    assert "day 2 00:00" in ticks


def test_the_interval_chart_names_the_variants_it_leaves_out(three_way: Results) -> None:
    figure = plot_intervals(three_way)
    shown = [line.get_label() for line in figure.axes[0].get_lines()
             if line.get_marker() == "."]
    assert len(shown) == 5 and len(three_way.variants) == 12
    assert "5 of 12 variants, spread over the sweep" in figure._suptitle.get_text()
    note = figure.legends[0].get_title().get_text().replace("\n", " ")
    assert note.startswith("Not drawn (to keep the chart readable): ")
    left = note.removeprefix("Not drawn (to keep the chart readable): ").rstrip(".")
    assert len(left.split("; ")) == 7 and not set(left.split("; ")) & set(shown)
    assert "generalists team staff = 4" in left
    chosen = plot_intervals(three_way, variants=three_way.variants[:2])
    assert chosen.legends[0].get_title().get_text() == ""  # the caller chose: nothing to say


def test_types_of_thresholds_of_their_own_say_them_over_their_columns(write_experiment):
    """The tech type answered within 1 min, billing within the scenario's 20 s: the
    service level's axis names no threshold, each type's column its own."""
    results = run_experiment(load_experiment(write_experiment(
        'scenario = "tiny.toml"\nreplications = 2\n[[variants]]\nlabel = "own"\n'
        '"contact_types.tech.answer_within" = "1min"\n')), workers=1)
    figure = plot_intervals(results, variants=["own"])
    assert [ax.get_title() for ax in figure.axes[:3]] == [
        "all contact types", "billing (within 20s)", "tech (within 1min)"]
    assert figure.axes[0].get_ylabel() == "service level (%)"
    # Both variants (the base file's too): a column says every threshold of its type.
    both = plot_intervals(results)
    assert both.axes[2].get_title() == "tech (within 20s, 1min)"
    same = plot_intervals(results, variants=["tiny"])
    assert [ax.get_title() for ax in same.axes[:3]] == ["all contact types", "billing", "tech"]
    assert same.axes[0].get_ylabel() == "service level within 20s (%)"
