"""The keys of an experiment file (a pydantic schema): every mistake names the file, the key
path as the file writes it (``vary["..."]``, ``variants[label]["..."]``), the value and
what was expected; the base scenario's mistakes name its own file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ccsim.experiment import load_experiment
from ccsim.experiment.schema import EXPERIMENT_KEYS, ExperimentFile
from ccsim.scenario import ScenarioError

Writer = Callable[..., Path]


@pytest.mark.parametrize(
    ("vary", "match"),
    [
        (
            '"agent_groups.generalsts.staff" = [3]',
            r"^.*sweep\.toml: vary\[\"agent_groups\.generalsts\.staff\"\]: no agent group named "
            r"'generalsts' \(did you mean 'generalists'\? expected one of: specialists, "
            r"generalists\)$",
        ),
        (
            '"contact_types.sales.patience.mean" = ["1min"]',
            r"sweep\.toml: vary\[\"contact_types\.sales\.patience\.mean\"\]: no contact type "
            r"named 'sales'",
        ),
        (
            '"agent_group.generalists.staff" = [3]',
            r"sweep\.toml: vary\[\"agent_group\.generalists\.staff\"\]: no scenario key "
            r"'agent_group' \(did you mean 'agent_groups'\?\)",
        ),
        (
            '"agent_groups.generalists.staff" = 3',
            r"sweep\.toml: vary\[\"agent_groups\.generalists\.staff\"\]: must be a list of "
            r"values or \{ scale = \[\.\.\.\] \} \(got 3\)",
        ),
        (
            '"agent_groups.generalists.staff" = [3, 3]',
            r"vary\[\"agent_groups\.generalists\.staff\"\]: lists 3 twice",
        ),
        (
            '"agent_groups.*.skills" = { scale = [2] }',
            r"vary\[\"agent_groups\.\*\.skills\"\]: agent_groups\[specialists\]\.skills: "
            r"can only scale a number, a duration or a list of them \(got 'billing'\)",
        ),
        (
            '"agent_groups.*.staff" = { scale = [0.9, -1] }',
            r"vary\[\"agent_groups\.\*\.staff\"\]: a scale factor must be a positive number "
            r"\(got -1\)",
        ),
    ],
)
def test_a_bad_key_or_value_names_the_file_and_the_key(
    write_experiment: Writer, vary: str, match: str
) -> None:
    path = write_experiment(f'scenario = "tiny.toml"\n[vary]\n{vary}\n')
    with pytest.raises(ScenarioError, match=match):
        load_experiment(path)


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ('scenario = "tiny.toml"\nreplication = 3\n',
         r"sweep\.toml: replication: unknown key 'replication' \(did you mean 'replications'\?\)"),
        ('scenario = "tiny.toml"\nreplications = 0\n',
         r"sweep\.toml: replications: must be a whole number >= 1 \(got 0\)"),
        ('scenario = "tiny.toml"\nseed = -1\n', r"sweep\.toml: seed: must be a whole number >= 0"),
        ('scenario = "tiny.toml"\nexecutor = "slurm"\n',
         r"sweep\.toml: executor: must be one of: 'local', 'dask' \(got 'slurm'\)"),
        ('scenario = "nowhere.toml"\n', r"sweep\.toml: scenario: no such scenario file: "),
        ('replications = 3\n', r"sweep\.toml: scenario: is required"),
        ('scenario = "tiny.toml"\n[[variants]]\nlabel = "a"\n[[variants]]\nlabel = "a"\n',
         r"sweep\.toml: variants\[a\]: the label 'a' is used twice"),
        ('scenario = "tiny.toml"\n[[variants]]\n"lines" = 3\n',
         r"sweep\.toml: variants\[0\]: needs a label"),
    ],
)
def test_experiment_keys_are_checked(write_experiment: Writer, body: str, match: str) -> None:
    path = write_experiment(body)
    with pytest.raises(ScenarioError, match=match):
        load_experiment(path)


def test_an_error_in_the_base_scenario_names_the_scenario_file(
    write_experiment: Writer, tmp_path: Path
) -> None:
    path = write_experiment('scenario = "tiny.toml"\n')
    (tmp_path / "tiny.toml").write_text(
        (tmp_path / "tiny.toml").read_text().replace("staff = 2", "staff = -2")
    )
    with pytest.raises(ScenarioError, match=r"tiny\.toml: agent_groups\[specialists\]\.staff"):
        load_experiment(path)


def test_the_keys_listed_in_messages_are_the_schema_fields():
    assert set(EXPERIMENT_KEYS) == set(ExperimentFile.model_fields)


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ('[[variants]]\nlabel = "slow"\nlines = { scale = 0 }\n',
         r"sweep\.toml: variants\[slow\]\[\"lines\"\]: a scale factor must be a positive "
         r"number \(got 0\)$"),
        ('[[variants]]\nlabel = "slow"\n"a..b" = 3\n',
         r"sweep\.toml: variants\[slow\]\[\"a\.\.b\"\]: must be a dotted key such as "
         r"\"agent_groups\.sales\.staff\" \(got 'a\.\.b'\)$"),
        ('[[variants]]\nlabel = ""\nlines = 3\n',
         r"sweep\.toml: variants\[0\]: needs a label \(a non-empty string; got ''\)$"),
        ('[vary]\nlines = { scale = [] }\n',
         r"sweep\.toml: vary\[\"lines\"\]: scale must list the factors"),
        ('address = "tcp://host:8786"\n',
         r"sweep\.toml: address: is only used with executor = \"dask\"$"),
        ('name = ""\n', r"sweep\.toml: name: must be a non-empty string \(got ''\)$"),
    ],
)
def test_a_mistake_in_a_table_of_the_file_names_its_entry(
    write_experiment: Writer, body: str, match: str
) -> None:
    path = write_experiment('scenario = "tiny.toml"\n' + body)
    with pytest.raises(ScenarioError, match=match) as raised:
        load_experiment(path)
    assert raised.value.source == str(path)
