"""Experiment files → an Experiment: the file's keys (a pydantic schema) and their
messages, the base scenario, overrides, example experiments."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ccsim.experiment import Experiment, is_experiment_file, load_experiment
from ccsim.experiment.sweep import EXPERIMENT_KEYS, ExperimentFile
from ccsim.scenario import ScenarioError, load_scenario

Writer = Callable[..., Path]


def test_inline_scenario_table(tmp_path: Path, tiny_text: str) -> None:
    # The tiny scenario as a [scenario] table of the experiment file itself.
    head, _, tables = tiny_text.partition("\n[[")
    body = "replications = 2\n[scenario]\n" + head + "\n[[" + tables.replace("[[", "[[scenario.")
    path = tmp_path / "inline.toml"
    path.write_text(body.replace("\n[[contact_types]]", "\n[[scenario.contact_types]]", 1))
    experiment = load_experiment(path)
    assert [v.label for v in experiment.variants] == ["tiny"]
    assert experiment.replications == 2
    assert experiment.scenario_source is None


def test_from_scenario_is_a_one_variant_experiment(tiny_file: Path) -> None:
    scenario = load_scenario(tiny_file)
    experiment = Experiment.from_scenario(scenario, replications=4, seed=9, source=tiny_file)
    assert [v.label for v in experiment.variants] == ["tiny"]
    assert experiment.variants[0].parameters == {}
    assert experiment.parameters == ()
    assert experiment.scenario_source == tiny_file


def test_is_experiment_file_tells_experiments_from_scenarios(
    write_experiment: Writer, tmp_path: Path
) -> None:
    path = write_experiment('scenario = "tiny.toml"\n')
    assert is_experiment_file(path)
    assert not is_experiment_file(tmp_path / "tiny.toml")
    assert is_experiment_file(Path(__file__).parents[2] / "experiments" / "staffing_sweep.toml")


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


@pytest.mark.parametrize("path", sorted(
    p for p in (Path(__file__).parents[2] / "experiments").glob("*.toml")
    if is_experiment_file(p)), ids=lambda p: p.name)
def test_every_example_experiment_loads_with_every_variant_valid(path):
    experiment = load_experiment(path)
    assert len(experiment.variants) >= 2
    assert len({v.label for v in experiment.variants}) == len(experiment.variants)


def test_the_keys_listed_in_messages_are_the_schema_fields():
    assert set(EXPERIMENT_KEYS) == set(ExperimentFile.model_fields)


def test_an_experiment_built_directly_is_validated_as_a_file_is(tiny_file: Path) -> None:
    experiment = Experiment.from_scenario(load_scenario(tiny_file), replications=2)
    variants = experiment.variants
    for keys, match in [
        ({"replications": 0}, r"^x\.toml: replications: must be a whole number >= 1 \(got 0\)$"),
        ({"seed": -1}, r"^x\.toml: seed: must be a whole number >= 0 \(got -1\)$"),
        ({"executor": "slurm"}, r"^x\.toml: executor: must be one of: 'local', 'dask' "
                                r"\(got 'slurm'\)$"),
        ({"variants": ()}, r"^x\.toml: variants: an experiment needs at least one variant$"),
        ({"variants": variants * 2}, r"^x\.toml: variants: the label 'tiny' is used twice$"),
    ]:
        with pytest.raises(ScenarioError, match=match):
            Experiment(**{"name": "x", "variants": variants, "source": Path("x.toml"), **keys})
