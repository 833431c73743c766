"""The keys of uncertain days and callers: the ``uniform`` and ``triangular`` distributions,
a patience's ``balk`` share and ``busyness`` (the scenario's and a contact type's): what
they validate to, how they describe themselves, and every bad input named with its key
path — through the API and through ``ccsim run`` (exit code 2)."""

from __future__ import annotations

import copy
import json
import math
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from ccsim import Scenario, ScenarioError
from ccsim.analytic import erlang_a_applies
from ccsim.cli import main
from ccsim.scenario import TriangularSpec, UniformSpec
from ccsim.streams import Triangular, UniformBetween

#: A day with every new key: busyness for the centre and for one type, a uniform patience
#: with balkers, a triangular handle time.
DAY = """\
name = "uncertain day"
period = "1h"
horizon = "2d"
busyness = { cv = 0.2 }

[[contact_types]]
name = "billing"
arrivals = { per_hour = 30, busyness = { cv = 0.1 } }
handle_time = { dist = "triangular", min = "1min", mode = "3min", max = "8min" }
patience = { dist = "uniform", min = "3min", max = "5min", balk = 0.005 }

[[contact_types]]
name = "sales"
arrivals.volumes = [5, 10, 15, 10, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5]
arrivals.days = [1.0, 0.8]
handle_time = { dist = "uniform", min = 0, max = "10min" }
repeat_delay = { dist = "exponential", mean = "1h" }
resolution = 0.9

[[agent_groups]]
name = "team"
skills = ["billing", "sales"]
staff = 6
"""


def _day() -> dict[str, Any]:
    return tomllib.loads(DAY)


def _error(data: dict[str, Any]) -> str:
    with pytest.raises(ScenarioError) as caught:
        Scenario.from_dict(data, source="s.toml")
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_the_new_keys_validate_to_what_they_say():
    s = Scenario.from_dict(_day())
    billing, sales = s.contact_types
    assert isinstance(billing.patience, UniformSpec) and billing.patience.balk == 0.005
    assert billing.patience.build() == UniformBetween(180.0, 300.0)
    assert billing.patience.mean == 240.0
    assert isinstance(billing.handle_time, TriangularSpec)
    assert billing.handle_time.build() == Triangular(60.0, 180.0, 480.0)
    assert billing.handle_time.mean == pytest.approx(240.0)
    assert sales.handle_time.mean == 300.0 and sales.handle_time.balk == 0.0
    assert s.busyness is not None and s.busyness.cv == 0.2
    assert billing.arrivals.busyness is not None and billing.arrivals.busyness.cv == 0.1
    assert sales.arrivals.busyness is None
    # The forecast is the volumes as written: busyness is drawn in the model.
    assert s.volumes(billing) == [30.0] * 48
    assert Scenario.from_dict(s.to_dict()) == s


def test_the_new_keys_describe_themselves():
    s = Scenario.from_dict(_day())
    billing, sales = (c.describe() for c in s.contact_types)
    assert ("arrivals 30 an hour (Poisson), each day's arrivals × a random factor (gamma, mean "
            "1, cv 0.1)") in billing
    assert "handle time triangular from 1min to 8min, most often 3min" in billing
    assert ("patience uniform from 3min to 5min, and 0.5 % hang up at once if they must wait"
            in billing)
    assert "handle time uniform from 0s to 10min" in sales and "hang up at once" not in sales
    assert ("Busyness (the forecast's error): each day's arrivals × a random factor (gamma, "
            "mean 1, cv 0.2).") in s.describe()
    assert "Busyness" not in s.with_changes(busyness=None).describe()


def test_a_balk_share_or_busyness_rules_out_the_erlang_a_line():
    plain = Scenario.from_dict({**_day(), "busyness": None}).with_changes({
        "contact_types": [{"name": "calls", "arrivals": {"per_hour": 30},
                           "handle_time": {"dist": "exponential", "mean": "4min"},
                           "patience": {"dist": "uniform", "min": "3min", "max": "5min"}}],
        "agent_groups.team.skills": ["calls"]})
    assert erlang_a_applies(plain)
    assert not erlang_a_applies(plain.with_changes({"contact_types.calls.patience.balk": 0.1}))
    assert not erlang_a_applies(plain.with_changes(busyness={"cv": 0.1}))
    assert not erlang_a_applies(plain.with_changes(
        {"contact_types.calls.arrivals.busyness": {"cv": 0.1}}))


BILLING = ("contact_types", 0)
SALES = ("contact_types", 1)


def _set(data: dict[str, Any], at: tuple, value: Any) -> dict[str, Any]:
    node = data
    for part in at[:-1]:
        node = node[part]
    node[at[-1]] = value
    return data


#: (where, value, message): each mistake a planner can make with the new keys.
MISTAKES = [
    ((*BILLING, "patience", "max"), "2min",
     r"^s\.toml: contact_types\[billing\]\.patience\.max: must be more than min, 3min \(got "
     r"2min; for a single value write \{ dist = \"constant\", value = \.\.\. \}\)$"),
    ((*BILLING, "patience", "max"), "3min", r"patience\.max: must be more than min, 3min"),
    ((*BILLING, "patience", "min"), "-1s", r"patience\.min: must be >= 0 \(got '-1s'\)"),
    ((*BILLING, "patience", "min"), math.nan, r"patience\.min: .*finite.* \(got nan\)"),
    ((*BILLING, "patience"), {"dist": "uniform", "min": "3min"},
     r"contact_types\[billing\]\.patience\.max: is required"),
    ((*BILLING, "patience"), {"dist": "uniform", "min": "3min", "max": "5min", "mean": "4min"},
     r"contact_types\[billing\]\.patience: unknown key 'mean'; expected one of: balk, dist, "
     r"min, max"),
    ((*BILLING, "handle_time", "mode"), "9min",
     r"^s\.toml: contact_types\[billing\]\.handle_time\.mode: must be from min to max, 1min to "
     r"8min \(got 9min\)$"),
    ((*BILLING, "handle_time", "mode"), "30s", r"handle_time\.mode: must be from min to max"),
    ((*BILLING, "handle_time", "max"), "1min", r"handle_time\.max: must be more than min, 1min"),
    ((*BILLING, "handle_time"), {"dist": "triangular", "min": 0, "max": 60},
     r"handle_time\.mode: is required"),
    ((*BILLING, "patience", "balk"), 1.5, r"patience\.balk: must be <= 1 \(got 1\.5\)"),
    ((*BILLING, "patience", "balk"), -0.1, r"patience\.balk: must be >= 0 \(got -0\.1\)"),
    ((*BILLING, "patience", "balk"), "1%", r"patience\.balk: must be a number \(got '1%'\)"),
    ((*BILLING, "patience", "balk"), True, r"patience\.balk: must be a number"),
    ((*BILLING, "handle_time", "balk"), 0.1,
     r"^s\.toml: contact_types\[billing\]\.handle_time\.balk: only a patience takes 'balk' "
     r"\(the share of callers who hang up at once if they must wait\); remove it here$"),
    ((*SALES, "repeat_delay", "balk"), 0.1, r"contact_types\[sales\]\.repeat_delay\.balk: only"),
    (("busyness", "cv"), -0.1, r"^s\.toml: busyness\.cv: must be >= 0 \(got -0\.1\)$"),
    (("busyness", "cv"), 1.5, r"^s\.toml: busyness\.cv: must be <= 1 \(got 1\.5\)$"),
    (("busyness", "cv"), math.inf, r"busyness\.cv: must be a finite number \(got inf\)"),
    (("busyness", "cv"), True, r"busyness\.cv: must be a number, not true or false"),
    (("busyness",), 0.2, r"^s\.toml: busyness: must be a table \(got 0\.2\)$"),
    (("busyness",), {"sd": 0.2}, r"busyness: unknown key 'sd'; expected one of: cv"),
    (("busyness",), {}, r"busyness\.cv: is required"),
    ((*BILLING, "arrivals", "busyness", "cv"), 2,
     r"^s\.toml: contact_types\[billing\]\.arrivals\.busyness\.cv: must be <= 1 \(got 2\)$"),
    ((*BILLING, "arrivals"), {"times": [60, 120], "busyness": {"cv": 0.1}},
     r"^s\.toml: contact_types\[billing\]\.arrivals\.busyness: cannot scale scripted arrival "
     r"'times' \(they are the day as it came\); give the type 'per_hour' or 'volumes', or "
     r"remove 'busyness'$"),
    ((*BILLING, "arrivals"), {"times": [60, 120]},
     r"^s\.toml: busyness: scales every contact type's arrivals, but 'billing' has scripted "
     r"arrival 'times', which it cannot scale; give each Poisson type a busyness of its own "
     r"\(arrivals\.busyness\) instead$"),
]


@pytest.mark.parametrize(("at", "value", "expected"), MISTAKES)
def test_each_mistake_names_the_key_path(at, value, expected):
    message = _error(_set(_day(), at, value))
    assert re.search(expected, message), message


@pytest.mark.parametrize("where", [
    ("callbacks", {"abandoned": {"share": 0.5, "delay": {"dist": "exponential", "mean": "5min",
                                                          "balk": 0.1}}},
     r"callbacks\.abandoned\.delay\.balk: only a patience"),
    ("outbound", [{"name": "leads", "list_size": 10, "success": 0.2,
                   "handle_time": {"dist": "uniform", "min": 60, "max": 120, "balk": 0.1}}],
     r"outbound\[leads\]\.handle_time\.balk: only a patience"),
])
def test_a_balk_share_anywhere_but_a_patience_is_an_error(where):
    key, value, expected = where
    data = _day()
    data[key] = value
    if key == "outbound":
        data["agent_groups"][0]["outbound"] = ["leads"]
    assert re.search(expected, _error(data))


def test_a_balk_share_of_0_anywhere_is_no_balk_share():
    # A scenario written out in full (as ccsim 0.1's manifests were) says it of every table.
    data = _set(_day(), (*BILLING, "handle_time", "balk"), 0)
    assert Scenario.from_dict(data).contact_types[0].handle_time.balk == 0
    s = Scenario.from_dict(_day())
    assert Scenario.from_dict(json.loads(s.model_dump_json())) == s


def test_busyness_of_zero_is_allowed_for_a_sweeps_baseline():
    s = Scenario.from_dict(_set(_day(), ("busyness", "cv"), 0))
    assert s.busyness is not None and s.busyness.cv == 0


def test_the_new_keys_are_swept_by_name():
    s = Scenario.from_dict(_day())
    changed = s.with_changes({"busyness.cv": 0.3, "contact_types.billing.patience.balk": 0.02,
                              "contact_types.billing.patience.max": "6min"})
    assert changed.busyness is not None and changed.busyness.cv == 0.3
    assert changed.contact_types[0].patience == UniformSpec(
        dist="uniform", min=180, max=360, balk=0.02)
    with pytest.raises(ScenarioError, match=r"handle_time\.balk: only a patience"):
        s.with_changes({"contact_types.sales.handle_time.balk": 0.1})


def test_every_wrong_value_of_a_new_key_is_said_in_toml_words():
    """As tests/test_messages.py does for the whole schema: each new key, replaced by a
    value of each TOML type, gives a message in ccsim's words, never pydantic's."""
    foreign = re.compile(r"Input should|[Vv]alid (dictionary|tuple|integer)|discriminator|"
                         r"\bTrue\b|\bFalse\b|\bNone\b|\{'|unable to|pydantic")
    places = [("busyness",), ("busyness", "cv"), (*BILLING, "arrivals", "busyness"),
              (*BILLING, "arrivals", "busyness", "cv"), (*BILLING, "patience", "balk"),
              (*BILLING, "patience", "min"), (*BILLING, "patience", "max"),
              (*BILLING, "handle_time", "mode"), (*BILLING, "handle_time", "min")]
    wrong = [{"x": 1}, [1], "x", True, math.nan, -math.inf, -1, 1e300]
    for at in places:
        for value in wrong:
            message = _error(_set(copy.deepcopy(_day()), at, value))
            assert message.startswith("s.toml: ") and not foreign.search(message), message


# --- through the command ----------------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "expected"), [
    ('patience = { dist = "uniform", min = "3min", max = "5min", balk = 0.005 }',
     'patience = { dist = "uniform", min = "5min", max = "3min" }',
     "contact_types[billing].patience.max: must be more than min, 5min (got 3min; for a "
     'single value write { dist = "constant", value = ... })'),
    ('mode = "3min"', 'mode = "10min"',
     "contact_types[billing].handle_time.mode: must be from min to max, 1min to 8min (got "
     "10min)"),
    ("balk = 0.005", "balk = 5",
     "contact_types[billing].patience.balk: must be <= 1 (got 5)"),
    ('max = "10min" }', 'max = "10min", balk = 0.1 }',
     "contact_types[sales].handle_time.balk: only a patience takes 'balk' (the share of "
     "callers who hang up at once if they must wait); remove it here"),
    ("busyness = { cv = 0.2 }", "busyness = { cv = 0.2, per = \"day\" }",
     "busyness: unknown key 'per'; expected one of: cv"),
    ("busyness = { cv = 0.1 }", "busyness = { cv = -1 }",
     "contact_types[billing].arrivals.busyness.cv: must be >= 0 (got -1)"),
    ("arrivals = { per_hour = 30,", "arrivals = { times = [60],",
     "contact_types[billing].arrivals.busyness: cannot scale scripted arrival 'times' (they "
     "are the day as it came); give the type 'per_hour' or 'volumes', or remove 'busyness'"),
])
def test_ccsim_run_exits_2_naming_the_key(tmp_path: Path, capsys, old, new, expected):
    assert old in DAY
    path = tmp_path / "day.toml"
    path.write_text(DAY.replace(old, new, 1))
    code = main(["run", str(path), "--out", str(tmp_path / "out"), "--replications", "1"])
    err = capsys.readouterr().err
    assert (code, err) == (2, f"ccsim: error: {path}: {expected}\n")
    assert not (tmp_path / "out").exists()
