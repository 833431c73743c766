"""Experiment files → an Experiment: the file's keys (a pydantic schema) and their
messages, the base scenario, overrides, example experiments."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ccsim.experiment import Experiment, is_experiment_file, load_experiment
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


@pytest.mark.parametrize("path", sorted(
    p for p in (Path(__file__).parents[2] / "experiments").glob("*.toml")
    if is_experiment_file(p)), ids=lambda p: p.name)
def test_every_example_experiment_loads_with_every_variant_valid(path):
    experiment = load_experiment(path)
    assert len(experiment.variants) >= 2
    assert len({v.label for v in experiment.variants}) == len(experiment.variants)


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
