"""Every bad-input rule of the scenario schema, with its message pinned."""

from __future__ import annotations

import math
import re

import pytest

from ccsim import Scenario, ScenarioError, load_scenario


def test_the_single_queue_file_loads_as_written(single_queue_file):
    s = load_scenario(single_queue_file)
    assert (s.period, s.horizon, s.warmup) == (1800, 36000, 3600)
    assert (s.intervals, s.warmup_intervals) == (20, 2)
    assert s.contact_types[0].handle_time.mean == 240
    assert s.contact_types[0].patience.mean == 180
    assert s.service_level.answer_within == 20
    assert s.volumes(s.contact_types[0]) == [345.0] * 20


def test_scenario_builds_from_keyword_arguments(single_queue_dict):
    assert Scenario(**single_queue_dict) == Scenario.from_dict(single_queue_dict)


def test_scenario_is_immutable(single_queue_file):
    s = load_scenario(single_queue_file)
    with pytest.raises(Exception, match="frozen"):
        s.period = 60


def _error(data: dict, source: str = "s.toml") -> str:
    with pytest.raises(ScenarioError) as caught:
        Scenario.from_dict(data, source=source)
    message = str(caught.value)
    assert "\n" not in message
    return message


def _set(data, path, value):
    *parents, last = path
    node = data
    for p in parents:
        node = node[p]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return data


_DELETE = object()
CT = ("contact_types", 0)
AG = ("agent_groups", 0)


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ((*CT, "handle_time", "mean"), "-4min",
         r"^s\.toml: contact_types\[general\]\.handle_time\.mean: must be > 0 \(got '-4min'\)$"),
        ((*CT, "handle_time", "mean"), 0, r"handle_time\.mean: must be > 0 \(got 0\)"),
        ((*CT, "handle_time", "mean"), math.nan, r"handle_time\.mean: .*\(got nan\)"),
        ((*CT, "patience", "mean"), "3 fortnights", r"patience\.mean: expected a duration"),
        ((*CT, "handle_time", "dist"), "weibull",
         r"contact_types\[general\]\.handle_time: unknown distribution; expected one of "
         r"'exponential', .* \(got \{ dist = 'weibull', mean = '4min' \}\)"),
        ((*CT, "arrivals", "per_hour"), 0, r"arrivals\.per_hour: must be > 0 \(got 0\)"),
        ((*CT, "arrivals", "per_hour"), -690, r"arrivals\.per_hour: .*\(got -690\)"),
        ((*CT, "arrivals", "per_hour"), math.nan, r"arrivals\.per_hour: .*\(got nan\)"),
        ((*CT, "arrivals"), {"per_hour": 1, "volumes": [1] * 20},
         r"arrivals: give exactly one of"),
        ((*CT, "arrivals"), {"volumes": [10] * 19},
         r"contact_types\[general\]\.arrivals\.volumes: lists 19 volumes but the horizon "
         r"holds 20 intervals"),
        ((*CT, "arrivals"), {"volumes": [0] * 20}, r"at least one must be positive"),
        ((*CT, "arrivals"), {"volumes": [-1] + [1] * 19},
         r"arrivals\.volumes\[0\]: must be >= 0 \(got -1\)"),
        ((*CT, "pateince"), {"dist": "constant", "value": 1},
         r"contact_types\[general\]: unknown key 'pateince' \(did you mean 'patience'\?\)"),
        (("horizon_",), "10h", r"^s\.toml: unknown key 'horizon_' \(did you mean 'horizon'\?\)"),
        ((*CT, "handle_time", "cv"), 0.5, r"handle_time: unknown key 'cv'"),
        ((*CT, "handle_time"), {"dist": "lognormal", "mean": "4min", "cv": 0},
         r"handle_time\.cv: must be > 0 \(got 0\)"),
        ((*CT, "handle_time"), {"dist": "empirical", "values": []},
         r"handle_time\.values: must not be empty"),
        ((*CT, "handle_time"), _DELETE, r"contact_types\[general\]\.handle_time: is required"),
        ((*CT, "channel"), "pigeon",
         r"channel: must be 'voice', 'chat', 'email', 'web' or 'fax' \(got 'pigeon'\)"),
        ((*AG, "skills"), ["genral"],
         r"agent_groups\[agents\]\.skills: 'genral' names no contact type; expected one of: "
         r"general"),
        ((*AG, "skills"), ["general", "general"], r"skills: lists 'general' twice"),
        ((*AG, "staff"), -3, r"agent_groups\[agents\]\.staff: must be a whole number from 0 "
         r"to 100000 \(got -3\)"),
        ((*AG, "staff"), 2.5, r"staff: must be a whole number from 0 to 100000 \(got 2\.5\)"),
        ((*AG, "staff"), 1e9,
         r"staff: must be a whole number from 0 to 100000 \(got 1000000000\.0\)"),
        ((*AG, "staff"), math.inf, r"staff: must be a whole number .* \(got inf\)"),
        ((*AG, "staff"), math.nan, r"staff: must be a whole number .* \(got nan\)"),
        ((*AG, "staff"), [50] * 5 + [-2] + [50] * 14,
         r"agent_groups\[agents\]\.staff\[5\]: must be a whole number from 0 to 100000 "
         r"\(got -2\)"),
        (("horizon",), "300d", r"horizon: holds 14400 intervals of 1800 s, more than the "
         r"10000 a run can report; use a longer period"),
        ((*AG, "staff"), [50] * 3,
         r"agent_groups\[agents\]\.staff: lists 3 head counts but the horizon holds 20"),
        (("lines",), 0, r"lines: must be >= 1 \(got 0\)"),
        (("warmup",), "10min", r"warmup: must be a whole number of periods"),
        (("warmup",), "10h", r"warmup: must be .* shorter than the horizon"),
        (("horizon",), "10h15min", r"horizon: expected a duration"),
        (("horizon",), "615min", r"horizon: must be a whole number of periods"),
        (("horizon",), _DELETE, r"horizon: is required when no contact type gives 'volumes'"),
        (("period",), "-30min", r"period: must be > 0 \(got \'-30min\'\)"),
        (("start",), "25:00", r"start: must look like HH:MM \(got \'25:00\'\)"),
        (("service_level", "answer_within"), "-20s", r"answer_within: must be >= 0"),
    ],
)
def test_bad_input_names_file_key_value_and_expectation(single_queue_dict, path, value, expected):
    message = _error(_set(single_queue_dict, path, value))
    assert re.search(expected, message), message


def test_a_contact_type_no_group_can_serve_is_an_error(single_queue_dict):
    single_queue_dict["contact_types"].append(
        {**single_queue_dict["contact_types"][0], "name": "sales"}
    )
    assert _error(single_queue_dict).endswith(
        "contact_types[sales]: no agent group lists this contact type in its skills, so no "
        "contact of it could ever be answered"
    )


def test_duplicate_names_are_an_error(single_queue_dict):
    single_queue_dict["agent_groups"].append(dict(single_queue_dict["agent_groups"][0]))
    assert "agent_groups: the name 'agents' is used twice" in _error(single_queue_dict)


def test_volumes_of_different_lengths_without_horizon_is_an_error(single_queue_dict):
    del single_queue_dict["horizon"]
    single_queue_dict["warmup"] = 0
    single_queue_dict["contact_types"][0]["arrivals"] = {"volumes": [1, 2, 3]}
    single_queue_dict["contact_types"].append(
        {**single_queue_dict["contact_types"][0], "name": "b", "arrivals": {"volumes": [1, 2]}}
    )
    single_queue_dict["agent_groups"][0]["skills"] = ["general", "b"]
    assert "different numbers of volumes" in _error(single_queue_dict)


def test_horizon_defaults_to_the_length_of_volumes(single_queue_dict):
    del single_queue_dict["horizon"]
    single_queue_dict["contact_types"][0]["arrivals"] = {"volumes": [100] * 6}
    s = Scenario.from_dict(single_queue_dict)
    assert s.horizon == 6 * 1800 and s.intervals == 6


def test_scripted_times_must_be_ordered_and_inside_the_horizon(single_queue_dict):
    single_queue_dict["contact_types"][0]["arrivals"] = {"times": ["1min", "30s"]}
    assert "times: must be in increasing order" in _error(single_queue_dict)
    single_queue_dict["contact_types"][0]["arrivals"] = {"times": ["1min", "11h"]}
    assert "arrivals.times: must all be before the horizon" in _error(single_queue_dict)


def test_missing_and_malformed_files_are_scenario_errors(tmp_path):
    with pytest.raises(ScenarioError, match=r"nope\.toml: no such file"):
        load_scenario(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("name = \n")
    with pytest.raises(ScenarioError, match=r"bad\.toml: not valid TOML"):
        load_scenario(bad)


def test_overload_without_patience_warns(single_queue_dict):
    del single_queue_dict["contact_types"][0]["patience"]
    single_queue_dict["agent_groups"][0]["staff"] = 40
    warnings = Scenario.from_dict(single_queue_dict).warnings()
    assert len(warnings) == 1 and "queue grows all day" in warnings[0]
    single_queue_dict["agent_groups"][0]["staff"] = 50
    assert Scenario.from_dict(single_queue_dict).warnings() == []
    # Wrap-up is work too: 4 min talk + 1 min wrap-up at 690/h is 57.5 agent-hours an hour.
    single_queue_dict["contact_types"][0]["wrap_up"] = {"dist": "constant", "value": "1min"}
    assert len(Scenario.from_dict(single_queue_dict).warnings()) == 1


@pytest.mark.parametrize(("content", "message"), [
    (None, "is a directory"),
    ("name = 'x'".encode("utf-16"), "is UTF-16 text; TOML files are UTF-8"),
])
def test_load_scenario_says_when_a_path_is_no_toml_text(tmp_path, content, message):
    path = tmp_path / "day.toml"
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    with pytest.raises(ScenarioError, match=message):
        load_scenario(path)
