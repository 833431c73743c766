"""Messages a user reads: every one speaks TOML (``true``, ``nan``, ``{ mean = "4min" }``, never
Python's ``True`` or pydantic's "Input should be a valid dictionary"), names the file and the key,
and blames what is wrong (``nan`` is not a number, not a number "<= 0"; ``--seed`` is an option,
not the file's ``seed``; a full disk names the file it could not write)."""

from __future__ import annotations

import copy
import errno
import math
import os
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

import ccsim.experiment.files as files
from ccsim.cli import main
from ccsim.scenario import Scenario, ScenarioError
from ccsim.toml_text import as_toml

#: One scenario with a key of every kind the schema has: durations, shares, counts, clock
#: times, lists of them, tables, distributions of each form, delays, ``false``-or-table
#: policies, curves, name lists and name tables.
EVERY_KIND = """\
name = "every kind"
start = "08:00"
start_day = "mon"
period = "30min"
horizon = "2h"
warmup = "30min"
lines = 30

[service_level]
answer_within = "20s"
definition = "answered"

[targets]
service_level = 0.8
abandon_rate = 0.05
asa = "30s"

[callbacks]
queue_at_least = 3
accept = [[0, 0.1], ["5min", 0.6]]
mode = "window"
promise = "1h"
schedule = "priority"
dial_time = "10s"
reach = 0.8
retry_delay = "5min"
max_attempts = 2
talk_scale = 1.1
abandoned = { share = 0.5, delay = { dist = "exponential", mean = "10min" }, min_wait = "10s" }
follow_ups = { share = 0.1, delay = "1h" }

[[contact_types]]
name = "billing"
arrivals = { per_hour = 60 }
handle_time = { dist = "lognormal", mean = "4min", cv = 0.8 }
wrap_up = { dist = "constant", value = "30s" }
patience = { dist = "gamma", mean = "3min", cv = 1.0 }
callbacks = { accept = 0.3, mode = "keep_place" }
resolution = 0.8
resolution_by_group = { team = 0.9 }
repeat_delay = { dist = "empirical", values = ["1h", "2h"] }

[[contact_types]]
name = "tech"
arrivals = { volumes = [3, 4, 5, 6] }
handle_time = { dist = "sequence", values = ["3min", "5min"] }
callbacks = false
at_close = "clear"

[contact_types.hours]
mon = ["08:00", "10:00"]
tue = ["09:00", "17:00"]
wed = "closed"
thu = "closed"
fri = "closed"
sat = "closed"
sun = "closed"

[[contact_types]]
name = "mail"
arrivals = { times = ["1min", 120, "1h"] }
handle_time = { dist = "exponential", mean = "2min" }

[[agent_groups]]
name = "team"
skills = ["billing", "tech", "mail"]
staff = [3, 4, 4, 3]

[[agent_groups.shift_templates]]
name = "full"
length = "8h"
starts = { from = "08:00", to = "12:00", every = "30min" }
breaks = [{ after = ["3h", "5h"], length = "30min", paid = false, every = "1h" }]
max_agents = 20

[[agent_groups]]
name = "sales"
skills = ["billing"]
staff = 2
outbound = ["leads"]
blending = { rule = "reserve", keep_idle = 1 }
quota = { daily = 5, counts = "all" }
pressure = { floor = 0.6, slope = 2.0, resolution_elasticity = 1.0 }

[[agent_groups]]
name = "shifted"
skills = ["mail"]
absence = 0.1

[[agent_groups.shifts]]
name = "early"
start = "08:00"
length = "2h"
agents = 2
breaks = [{ window = ["08:30", "09:30"], length = "10min", paid = false },
          { at = "09:40", length = "5min" }]

[[agent_groups.shifts]]
start = "09:00"
length = "1h"
agents = 1
days = [1]

[[agent_groups.shifts]]
start = "09:30"
length = "30min"
agents = [2]

[costs]
currency = "EUR"
agent_groups = { team = { per_hour = 28.0, overtime_per_hour = 42.0 }, sales = { per_hour = 30 } }
per_contact = { billing = 0.4 }
per_minute_waiting = 0.02
per_abandon = 2.5

[[outbound]]
name = "leads"
list_size = 100
dial_time = "20s"
reach = 0.4
handle_time = { dist = "exponential", mean = "5min" }
wrap_up = { dist = "constant", value = "1min" }
success = 0.2
hours = ["09:00", "10:00"]
"""

#: A small valid scenario, for experiments and runs.
SMALL = """\
name = "small"
start = "08:00"
period = "30min"
horizon = "1h"

[[contact_types]]
name = "general"
arrivals = { per_hour = 20 }
handle_time = { dist = "exponential", mean = "3min" }

[[agent_groups]]
name = "team"
skills = ["general"]
staff = 2
"""

#: A value of every TOML type, and the mistakes of shape a planner makes: a table where a
#: value or list goes, a list where a table goes, a distribution without its ``dist``.
WRONG = [
    {"x": 1}, {"mean": "4min"}, [1], [{"a": 1}], [True], "x", True, math.nan, -math.inf, -1,
    1.5,
]
_DELETE = object()

#: Pydantic's and Python's words, which a TOML user never wrote.
FOREIGN = re.compile(
    r"Input should|[Vv]alid (dictionary|tuple|integer|list)|discriminator|tuple|Python|"
    r"\bTrue\b|\bFalse\b|\bNone\b|\{'|unable to|integer|instance of|type=|pydantic"
)


def _every_kind() -> dict[str, Any]:
    return tomllib.loads(EVERY_KIND)


def _places(node: Any, at: tuple = ()) -> list[tuple]:
    """The path of every table, list and value under ``node``."""
    found = [at] if at else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _places(value, (*at, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _places(value, (*at, i))
    return found


def _with(data: dict[str, Any], at: tuple, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(data)
    node = data
    for part in at[:-1]:
        node = node[part]
    if value is _DELETE:
        del node[at[-1]]
    else:
        node[at[-1]] = value
    return data


def _message(data: dict[str, Any]) -> str | None:
    try:
        Scenario.from_dict(data, source="day.toml")
    except ScenarioError as error:
        return str(error)
    return None


def test_the_scenario_of_every_kind_is_valid():
    assert Scenario.from_dict(_every_kind()).outbound[0].name == "leads"


def test_every_wrong_value_anywhere_is_said_in_toml_words():
    """Each key, table and list entry of a scenario with every kind of key, replaced by a
    value of each TOML type (or removed): whatever pydantic finds is said in ccsim's words,
    for the file, with the value as the file writes it."""
    base = _every_kind()
    messages = set()
    for at in _places(base):
        for wrong in [*WRONG, _DELETE]:
            message = _message(_with(base, at, wrong))
            if message is not None:
                messages.add(message)
    assert len(messages) > 500  # the walk reached every kind of error
    foreign = sorted(m for m in messages if FOREIGN.search(m))
    assert not foreign, "\n".join(foreign[:20])
    assert all(m.startswith("day.toml: ") for m in messages)



def test_every_wrong_value_in_an_experiment_is_said_in_toml_words():
    from ccsim.experiment import Experiment

    small = tomllib.loads(SMALL)
    base = {"name": "e", "scenario": small, "replications": 2, "seed": 1, "executor": "local",
            "vary": {"agent_groups.team.staff": [1, 2],
                     "contact_types.*.handle_time.mean": {"scale": [0.9, 1.1]}},
            "variants": [{"label": "a", "lines": 3},
                         {"label": "b", "period": {"scale": 2.0}, "horizon": "2h"}]}
    assert len(Experiment.from_dict(copy.deepcopy(base)).variants) == 12
    messages = set()
    for at in _places({k: v for k, v in base.items() if k != "scenario"}):
        for wrong in [*WRONG, None]:
            try:
                Experiment.from_dict(_with(base, at, wrong), source="sweep.toml")
            except ScenarioError as error:
                messages.add(str(error))
    assert len(messages) > 100
    foreign = sorted(m for m in messages if FOREIGN.search(m))
    assert not foreign, "\n".join(foreign[:20])
    assert all(m.startswith("sweep.toml: ") for m in messages)

def test_a_number_that_is_not_finite_is_never_reported_against_a_bound():
    """``nan`` (TOML has it) fails every bound, so "must be > 0" would blame the sign: it is
    "must be a finite number" for every numeric kind (durations, counts, shares, rates,
    factors), or a whole-number message where only whole numbers fit."""
    base = _every_kind()
    numeric = [at for at in _places(base)
               if isinstance(value := _get(base, at), int | float | str)
               and not isinstance(value, bool) and _is_number_or_duration(value)]
    assert len(numeric) > 40
    for at in numeric:
        for wrong in (math.nan, math.inf, -math.inf):
            message = _message(_with(base, at, wrong))
            assert message is not None, (at, wrong)
            assert re.search(r"finite|whole number", message), message
            assert as_toml(wrong) in message, message


def _get(data: Any, at: tuple) -> Any:
    for part in at:
        data = data[part]
    return data


def _is_number_or_duration(value: Any) -> bool:
    return isinstance(value, int | float) or bool(re.fullmatch(r"[\d.]+(s|min|h)?", value))


@pytest.mark.parametrize(
    ("at", "wrong", "expected"),
    [
        (("period",), math.nan, r"day\.toml: period: must be a finite duration \(got nan\)"),
        (("contact_types", 0, "handle_time", "cv"), math.nan,
         r"handle_time\.cv: must be a finite number \(got nan\)"),
        (("contact_types", 0, "handle_time"), {"mean": "4min"},
         r"contact_types\[billing\]\.handle_time: needs a 'dist' key: the distribution, one "
         r"of 'exponential', .* \(got \{ mean = '4min' \}\)"),
        (("contact_types", 0, "resolution_by_group"), 0.9,
         r"resolution_by_group: must be a table \(got 0\.9\)"),
        (("outbound", 0, "hours"), "09:00-10:00", r"hours: must be a list \(got '09:00-10:00'\)"),
        (("callbacks", "accept", 1), "5min", r"callbacks\.accept\[1\]: must be a list"),
        (("outbound", 0, "list_size"), "all", r"list_size: must be a whole number \(got 'all'\)"),
        (("agent_groups", 0, "name"), "", r"agent_groups\[0\]\.name: must not be empty"),
        (("contact_types", 1, "callbacks"), True,
         r"contact_types\[tech\]\.callbacks: must be a table of keys, or false to turn it off "
         r"\(got true\)"),
        (("contact_types", 1, "callbacks"), 0,
         r"contact_types\[tech\]\.callbacks: must be a table of keys, or false"),
        (("agent_groups", 0, "staff", 1), True,
         r"staff\[1\]: must be a whole number .*\(got true\)"),
        (("warmup",), [True], r"warmup: expected a duration .*, got \[true\]"),
        (("targets", "service_level"), math.inf,
         r"targets\.service_level: must be a finite number"),
    ],
)
def test_each_mistake_is_named_in_toml_words(at, wrong, expected):
    message = _message(_with(_every_kind(), at, wrong))
    assert message is not None and re.search(expected, message), message


@pytest.mark.parametrize(
    ("value", "toml"),
    [
        (True, "true"), (False, "false"), (None, "nothing"), (math.nan, "nan"),
        (-math.inf, "-inf"), (1e300, "1e+300"), (3, "3"), ("4min", "'4min'"),
        ("it's", '"it\'s"'), ("a\tb", '"a\\tb"'), ("café", "'café'"),
        ([True, 1.5], "[true, 1.5]"), ((1, 2), "[1, 2]"),
        ({"dist": "constant", "value": "30s"}, "{ dist = 'constant', value = '30s' }"),
        ({"a b": {}}, '{ "a b" = {} }'),
    ],
)
def test_values_are_shown_as_toml_writes_them(value, toml):
    assert as_toml(value) == toml
    if value is not None:  # and TOML reads them back as the same value
        read = tomllib.loads(f"x = {toml}")["x"]
        assert read == (list(value) if isinstance(value, tuple) else value) or (
            isinstance(value, float) and math.isnan(value) and math.isnan(read)
        )


# --- through the command ----------------------------------------------------------------


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL)
    return path


def _run(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().err


def test_a_scenario_with_a_vary_table_says_why_it_was_read_as_an_experiment(
    tmp_path, capsys
):
    path = tmp_path / "sweep.toml"
    path.write_text(SMALL + '\n[vary]\n"agent_groups.team.staff" = [1, 2]\n')
    code, err = _run(capsys, "run", str(path), "--out", str(tmp_path / "out"))
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith(f"ccsim: error: {path}: start: unknown key 'start'; expected one of: "
                          "name, scenario, replications")
    assert "read as an experiment because it has a [vary] table; 'start' is a scenario key" in err
    assert 'scenario = "FILE" next to [vary] or [[variants]]' in err
    assert not (tmp_path / "out").exists()


def test_a_scenario_loaded_as_an_experiment_is_said_to_be_a_scenario(tmp_path):
    from ccsim.experiment import load_experiment

    path = tmp_path / "small.toml"
    path.write_text(SMALL)
    with pytest.raises(ScenarioError) as error:
        load_experiment(path)
    assert str(error.value).endswith(
        "('start' is a scenario key, and the file has no 'scenario' key, [vary] or "
        "[[variants]]: it is a scenario, not an experiment; load it with "
        "ccsim.load_scenario, or run it with ccsim run)")


def test_a_typo_in_an_experiment_is_not_explained_as_a_scenario_key(tmp_path, capsys):
    path = tmp_path / "sweep.toml"
    path.write_text('scenario = "small.toml"\nreplication = 3\n')
    code, err = _run(capsys, "run", str(path))
    assert code == 2
    assert "unknown key 'replication' (did you mean 'replications'?)" in err
    assert "read as an experiment" not in err


@pytest.mark.parametrize("experiment", [False, True])
def test_a_negative_seed_is_the_option_not_the_file_key(small, tmp_path, capsys, experiment):
    path = small
    if experiment:
        path = tmp_path / "sweep.toml"
        path.write_text('scenario = "small.toml"\nseed = 3\n')
    code, err = _run(capsys, "run", str(path), "--seed", "-1", "--out", str(tmp_path / "o"))
    assert (code, err) == (2, "ccsim: error: --seed: must be a whole number >= 0 (got -1)\n")


def test_an_api_seed_override_is_the_argument_not_the_file_key(tmp_path):
    from ccsim.experiment import Experiment

    data = {"scenario": tomllib.loads(SMALL), "seed": 3}
    with pytest.raises(ScenarioError, match=r"^seed argument: must be a whole number >= 0 "
                                            r"\(got -1\)$"):
        Experiment.from_dict(data, source=tmp_path / "x.toml", seed=-1)


def test_erlang_says_its_search_limit_in_its_own_words(capsys):
    code = main(["erlang", "--per-hour", "1e9", "--aht", "4min", "--target-sl", "0.8"])
    err = capsys.readouterr().err
    assert code == 2
    assert err == ("ccsim: error: --target-sl: not reached by any team of up to 100,000 agents, "
                   "the most ccsim erlang searches (offered load 6.66667e+07 erlangs); check "
                   "--per-hour and --aht\n")
    assert "max_agents" not in err


def _no_space(*args: Any, **kwargs: Any) -> None:
    # As a write() on a full disk fails: an errno and no file name.
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize(
    ("target", "failing"),
    [
        ("os.fsync", "experiment.json"),  # the first file of a run: every store write
        ("matplotlib.figure.Figure.savefig", "charts/intervals.png"),
        ("pathlib.Path.write_text", "report.html"),
    ],
)
def test_a_full_disk_names_the_file_it_could_not_write(small, tmp_path, capsys, monkeypatch,
                                                       target, failing):
    out = tmp_path / "out"
    if target == "os.fsync":
        monkeypatch.setattr(files.os, "fsync", _no_space)
    else:
        monkeypatch.setattr(target, _no_space)
    code, err = _run(capsys, "run", str(small), "-n", "2", "-q", "--workers", "1",
                     "--out", str(out))
    assert code == 2
    assert err == f"ccsim: error: {out / failing}: cannot be written (No space left on device)\n"


def test_a_report_that_cannot_be_written_is_named_by_ccsim_report(small, tmp_path, capsys,
                                                                    monkeypatch):
    out = tmp_path / "out"
    assert main(["run", str(small), "-n", "2", "-q", "--workers", "1", "--out", str(out)]) == 0

    def read_only(*args: Any, **kwargs: Any) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(out / "report.html"))

    monkeypatch.setattr("pathlib.Path.write_text", read_only)
    code, err = _run(capsys, "report", str(out))
    assert code == 2
    assert err == f"ccsim: error: {out / 'report.html'}: cannot be written (Permission denied)\n"


def test_a_nan_duration_through_ccsim_run(small, tmp_path, capsys):
    small.write_text(SMALL.replace('period = "30min"', "period = nan"))
    code, err = _run(capsys, "run", str(small), "--out", str(tmp_path / "o"))
    assert (code, err) == (2, f"ccsim: error: {small}: period: must be a finite duration "
                              "(got nan)\n")


def test_a_full_disk_after_the_runs_says_their_records_are_kept(small, tmp_path, capsys,
                                                                 monkeypatch):
    out = tmp_path / "out"
    monkeypatch.setattr("pandas.DataFrame.to_parquet", _no_space)
    code, err = _run(capsys, "run", str(small), "-n", "2", "-q", "--workers", "1",
                     "--out", str(out))
    assert code == 2
    assert err.splitlines() == [
        f"ccsim: error: {out / 'runs.parquet'}: cannot be written (No space left on device)",
        f"ccsim: all 2 run records are kept in {out / 'runs'}; running the experiment again "
        "writes the tables without running them again",
    ]


def test_an_error_a_future_field_brings_is_reworded_not_passed_on():
    """A kind of error no key meets today (a date, a bool, a set) still reads as ccsim's."""
    import datetime

    from pydantic import BaseModel, ValidationError

    from ccsim.scenario.errors import scenario_error

    class Future(BaseModel):
        day: datetime.date
        flag: bool
        names: set[str]

    for data, expected in [
        ({"day": "someday", "flag": True, "names": []}, r"^day: must be a date"),
        ({"day": "2026-01-01", "flag": "perhaps", "names": []}, r"^flag: must be a boolean"),
        ({"day": "2026-01-01", "flag": True, "names": {"a": 1}}, r"^names: must be a set"),
    ]:
        with pytest.raises(ValidationError) as raised:
            Future(**data)
        message = str(scenario_error(raised.value, data))
        assert re.search(expected, message), message
        assert not FOREIGN.search(message), message


@pytest.mark.parametrize(("value", "expected"), [("nan", "a finite number (got nan)"),
                                                 ("1.5", "between 0 and 1 (got 1.5)")])
def test_erlang_checks_the_target_before_printing_anything(capsys, value, expected):
    code = main(["erlang", "--per-hour", "100", "--aht", "4min", "--agents", "10",
                 "--target-sl", value])
    printed = capsys.readouterr()
    assert (code, printed.out) == (2, "")
    assert printed.err == f"ccsim: error: --target-sl: must be {expected}\n"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('handle_time = { dist = "exponential", mean = "3min" }', 'handle_time = { mean = "3min" }',
         "contact_types[general].handle_time: needs a 'dist' key: the distribution, one of "
         "'exponential', 'lognormal', 'gamma', 'uniform', 'triangular', 'constant', "
         "'empirical', 'sequence' (got { mean = '3min' })"),
        ("arrivals = { per_hour = 20 }", "arrivals = { per_hour = 20 }\nresolution_by_group = 1",
         "contact_types[general].resolution_by_group: must be a table (got 1)"),
        ("arrivals = { per_hour = 20 }", "arrivals = { per_hour = 20 }\ncallbacks = true",
         "contact_types[general].callbacks: must be a table of keys, or false to turn it off "
         "(got true)"),
        ("staff = 2", "staff = [true, 2]",
         "agent_groups[team].staff[0]: must be a whole number from 0 to 100000 (got true)"),
        ('period = "30min"', "period = -inf", "period: must be a finite duration (got -inf)"),
    ],
)
def test_pydantic_and_python_words_never_reach_ccsim_run(small, tmp_path, capsys, old, new,
                                                         expected):
    assert old in SMALL
    small.write_text(SMALL.replace(old, new))
    code, err = _run(capsys, "run", str(small), "--out", str(tmp_path / "o"))
    assert (code, err) == (2, f"ccsim: error: {small}: {expected}\n")
