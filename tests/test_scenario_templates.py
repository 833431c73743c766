"""Shift templates (``agent_groups[*].shift_templates``): the shifts ``ccsim staff`` may
choose from. Their starts and break placements, bad templates as one-line errors with their
key path, a round trip through ``to_dict`` and TOML, and a group of templates alone, which
is valid but not runnable until its shifts are chosen."""

from __future__ import annotations

import tomllib

import pytest

from ccsim import Scenario, ScenarioError, simulate
from ccsim.cli import main
from ccsim.optimise.files import scenario_toml
from ccsim.scenario.templates import ShiftTemplate

DAY_TOML = """\
start = "08:00"
horizon = "12h"
period = "30min"

[[contact_types]]
name = "calls"
arrivals = {{ per_hour = 30 }}
handle_time = {{ dist = "exponential", mean = "4min" }}

[[agent_groups]]
name = "team"
skills = ["calls"]
{group}
[[agent_groups.shift_templates]]
name = "full"
length = "8h"
starts = {{ from = "08:00", to = "12:00", every = "30min" }}
breaks = [ {{ after = ["3h", "5h"], length = "30min", paid = false }} ]
max_agents = 200
{more}"""


def _load(group: str = "", more: str = "") -> Scenario:
    return Scenario.from_dict(tomllib.loads(DAY_TOML.format(group=group, more=more)),
                              source="day.toml")


def test_a_template_lists_its_starts_and_break_placements():
    template = _load().agent_groups[0].shift_templates[0]
    assert template.start_times() == ["08:00", "08:30", "09:00", "09:30", "10:00", "10:30",
                                      "11:00", "11:30", "12:00"]
    # The break starts 3h to 5h into the shift, on the starts' grid of 30 minutes.
    assert template.placements() == [(h * 3600.0,) for h in (3, 3.5, 4, 4.5, 5)]
    assert template.paid == 7.5 * 3600


def test_breaks_are_placed_in_order_each_after_the_one_before_has_ended():
    template = ShiftTemplate(name="t", length="6h", starts={"from": "08:00", "to": "08:00",
                                                            "every": "30min"},
                             breaks=[{"after": ["1h", "2h"], "length": "30min"},
                                     {"after": ["90min", "3h"], "length": "15min",
                                      "every": "45min"}])
    first, second = (1, 1.5, 2), (1.5, 2.25, 3)
    assert template.placements() == [(a * 3600, b * 3600) for a in first for b in second
                                     if b >= a + 0.5]


def test_a_group_may_give_templates_with_staff_and_runs_on_its_staff():
    day = _load(group="staff = 3")
    assert simulate(day, 1).summary["answered"] > 0
    words = day.agent_groups[0].describe()
    assert words == ("takes calls; staff 3; shift templates full: 8h starting 08:00–12:00 "
                     "every 30min, breaks 30min starting 3h–5h into the shift (unpaid); at "
                     "most 200 agents a day")


def test_templates_round_trip_through_to_dict_and_a_toml_file():
    day = _load(more='[[agent_groups.shift_templates]]\nname = "part"\nlength = "4h"\n'
                     'starts = { from = "12:00", to = "16:00", every = "1h" }\n')
    assert Scenario.from_dict(day.to_dict()) == day
    stored = day.to_dict()["agent_groups"][0]["shift_templates"]
    assert stored[0]["starts"] == {"from": "08:00", "to": "12:00", "every": 1800.0}
    assert Scenario.from_dict(tomllib.loads(scenario_toml(day))) == day
    assert "agent_groups.*.shift_templates.*.starts.from" in day.used_keys()


def test_a_group_of_templates_alone_is_valid_but_runs_only_once_its_shifts_are_chosen(
        tmp_path, capsys):
    day = _load()
    assert day.agent_groups[0].staff is None and day.agent_groups[0].shifts is None
    with pytest.raises(ScenarioError) as error:
        simulate(day, 0)
    assert error.value.path == "agent_groups[team]"
    assert "run `ccsim staff FILE --target ...` first" in error.value.message
    path = tmp_path / "day.toml"
    path.write_text(DAY_TOML.format(group="", more=""))
    assert main(["run", str(path), "--quiet", "--out", str(tmp_path / "out")]) == 2
    said = capsys.readouterr().err
    assert said.startswith("ccsim: error: agent_groups[team]: has 'shift_templates' but no "
                           "'staff' or 'shifts'") and "Traceback" not in said
    assert not (tmp_path / "out").exists()


def test_absence_goes_with_templates_alone_but_not_with_staff():
    assert _load(group="absence = 0.1").agent_groups[0].absence == 0.1
    with pytest.raises(ScenarioError, match=r"agent_groups\[team\]\.absence: set, but the "
                                            r"group has no 'shifts'"):
        _load(group="staff = 3\nabsence = 0.1")


def _template_error(template: str) -> ScenarioError:
    data = tomllib.loads(DAY_TOML.format(group="staff = 3", more=""))
    data["agent_groups"][0]["shift_templates"] = [tomllib.loads(template)]
    with pytest.raises(ScenarioError) as error:
        Scenario.from_dict(data, source="day.toml")
    return error.value


FULL = 'name = "full"\nlength = "8h"\nstarts = { from = "08:00", to = "12:00", every = "30min" }\n'


@pytest.mark.parametrize(("template", "path", "words"), [
    ('name = "full"\nlength = "8h"\nstarts = { from = "12:00", to = "08:00", every = "1h" }',
     "agent_groups[team].shift_templates[full].starts",
     "must run from an earlier clock time to a later one, or the same (got from 12:00 to "
     "08:00)"),
    ('name = "full"\nlength = "8h"\nstarts = { from = "08:00", to = "12:00", every = "90s" }',
     "agent_groups[team].shift_templates[full].starts.every",
     "must be a whole number of minutes (got 1.5min)"),
    ('name = "full"\nlength = "8h"\nstarts = { from = "08:00", to = "12:00", every = 0 }',
     "agent_groups[team].shift_templates[full].starts.every", "must be > 0"),
    ('name = "full"\nlength = "8h"\nstarts = { form = "08:00", to = "12:00", every = "1h" }',
     "agent_groups[team].shift_templates[full].starts",
     "unknown key 'form' (did you mean 'from'?); expected one of: from, to, every"),
    ('name = "full"\nlength = "8h"\nstarts = { to = "12:00", every = "1h" }',
     "agent_groups[team].shift_templates[full].starts.from", "is required"),
    ('length = "8h"\nstarts = { from = "08:00", to = "12:00", every = "1h" }',
     "agent_groups[team].shift_templates[0].name", "is required"),
    ('name = "full"\nlength = "25h"\nstarts = { from = "08:00", to = "12:00", every = "1h" }',
     "agent_groups[team].shift_templates[full].length", "must be <= 86400"),
    (FULL + 'breaks = [{ after = ["5h", "3h"], length = "30min" }]',
     "agent_groups[team].shift_templates[full].breaks[0].after",
     "must give the earliest start, then the latest (got ['5h', '3h'])"),
    (FULL + 'breaks = [{ after = ["3h", "465min"], length = "30min" }]',
     "agent_groups[team].shift_templates[full]",
     "breaks[0]: may start 465min into the shift and last 30min, past the shift's end (8h)"),
    (FULL + 'breaks = [{ after = ["3h", "4h"], length = "30min" }, '
            '{ after = ["2h", "3h"], length = "15min" }]',
     "agent_groups[team].shift_templates[full]",
     "breaks[1]: must start by 3h into the shift, but breaks[0] ends 3.5h into it at the "
     "earliest; list breaks in time order"),
    (FULL + 'breaks = [{ after = ["3h", "4h"], length = "30min", every = "450s" }]',
     "agent_groups[team].shift_templates[full].breaks[0].every",
     "must be a whole number of minutes"),
    (FULL + "max_agents = -1", "agent_groups[team].shift_templates[full].max_agents",
     "must be >= 0 (got -1)"),
    (FULL + "max_agents = true", "agent_groups[team].shift_templates[full].max_agents",
     "must be a number, not true or false"),
])
def test_a_bad_template_is_an_error_with_its_key_path(template, path, words):
    error = _template_error(template)
    assert (error.source, error.path) == ("day.toml", path), str(error)
    assert words in error.message, error.message


def test_template_names_are_unique_within_a_group():
    with pytest.raises(ScenarioError) as error:
        _load(more='[[agent_groups.shift_templates]]\nname = "full"\nlength = "4h"\n'
                   'starts = { from = "12:00", to = "16:00", every = "1h" }\n')
    assert error.value.path == "agent_groups[team].shift_templates"
    assert error.value.message.startswith("lists the template name 'full' twice")


def test_a_group_gives_shifts_or_templates_and_some_staffing():
    shifts = 'shifts = [{ start = "08:00", length = "8h", agents = 2 }]'
    with pytest.raises(ScenarioError) as error:
        _load(group=shifts)
    assert error.value.path == "agent_groups[team]"
    assert "'shifts' or 'shift_templates', one of the two" in error.value.message
    data = tomllib.loads(DAY_TOML.format(group="", more=""))
    del data["agent_groups"][0]["shift_templates"]
    with pytest.raises(ScenarioError, match=r"agent_groups\[team\]: give the group 'staff' .*"
                                            r"or 'shift_templates' for `ccsim staff`"):
        Scenario.from_dict(data)
