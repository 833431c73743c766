"""Grid expansion: [vary] × [[variants]] → validated variants, their labels and parameter
columns; scale factors, by-name keys, variants that fail validation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import pytest
from pydantic import BaseModel, BeforeValidator

from ccsim.experiment import load_experiment
from ccsim.experiment.grid import LABEL_COLUMN
from ccsim.scenario import Scenario, ScenarioError
from ccsim.scenario.keys import takes_integers

Writer = Callable[..., Path]


def test_vary_is_the_full_factorial_product_in_file_order(
    write_experiment: Writer, tmp_path: Path
) -> None:
    path = write_experiment("""
scenario = "tiny.toml"
[vary]
"agent_groups.generalists.staff" = [3, 5]
"contact_types.billing.patience.mean" = ["2min", "5min", 600]
""")
    experiment = load_experiment(path)
    assert [v.label for v in experiment.variants] == [
        "generalists.staff=3, billing.patience.mean=2min",
        "generalists.staff=3, billing.patience.mean=5min",
        "generalists.staff=3, billing.patience.mean=600",
        "generalists.staff=5, billing.patience.mean=2min",
        "generalists.staff=5, billing.patience.mean=5min",
        "generalists.staff=5, billing.patience.mean=600",
    ]
    assert experiment.parameters == (
        "agent_groups.generalists.staff",
        "contact_types.billing.patience.mean",
    )
    last = experiment.variants[-1]
    assert last.parameters == {
        "agent_groups.generalists.staff": 5,
        "contact_types.billing.patience.mean": "600",  # text, as "2min" is in its column
    }
    groups = {g.name: g for g in last.scenario.agent_groups}
    assert groups["generalists"].staff == 5
    assert groups["specialists"].staff == 2  # untouched
    types = {c.name: c for c in last.scenario.contact_types}
    assert types["billing"].patience.mean == 600.0
    assert types["tech"].patience.mean == 300.0
    assert experiment.name == "sweep"
    assert experiment.scenario_source == tmp_path / "tiny.toml"


def test_scale_multiplies_lists_rounds_staff_half_up_and_scales_durations(
    write_experiment: Writer
) -> None:
    path = write_experiment("""
scenario = "tiny.toml"
[vary]
"agent_groups.*.staff" = { scale = [0.5, 1.1] }
""")
    half, more = load_experiment(path).variants
    assert half.label == "staff=×0.5" and more.label == "staff=×1.1"
    assert half.parameters == {"agent_groups.*.staff:scale": 0.5}
    staff = {g.name: g.staff for g in half.scenario.agent_groups}
    # 2 × 0.5 = 1; [3, 4, 4, 3] × 0.5 = [1.5, 2, 2, 1.5] → half up
    assert staff == {"specialists": 1, "generalists": (2, 2, 2, 2)}
    staff = {g.name: g.staff for g in more.scenario.agent_groups}
    assert staff == {"specialists": 2, "generalists": (3, 4, 4, 3)}

    path = write_experiment("""
scenario = "tiny.toml"
[vary]
"contact_types.*.handle_time.mean" = { scale = [1.5] }
"contact_types.billing.arrivals.per_hour" = { scale = [2] }
""")
    (variant,) = load_experiment(path).variants
    types = {c.name: c for c in variant.scenario.contact_types}
    assert types["billing"].handle_time.mean == pytest.approx(360.0)  # "4min" × 1.5
    assert types["tech"].handle_time.mean == pytest.approx(540.0)
    assert types["billing"].arrivals.per_hour == 120.0


def test_which_scaled_values_are_rounded_follows_the_schema_types() -> None:
    """The rule reads field annotations, so it needs no list of key names: a stand-in
    schema with fields of names the sweep has never seen is rounded by their types."""

    class Team(BaseModel):
        name: str
        seats: Annotated[int | tuple[int, ...], BeforeValidator(lambda v: v)]
        briefing: Annotated[float, BeforeValidator(lambda v: v)]  # a duration

    class Form(BaseModel):
        mean: float
        batches: int

    class Other(BaseModel):
        mean: float

    class Centre(BaseModel):
        desks: int | None = None
        load: float = 1.0
        ratio: int | float = 1
        flags: list[bool] = []
        teams: list[Team] = []
        handling: Form | Other | None = None

    assert takes_integers(Centre, "desks")
    assert takes_integers(Centre, "teams.red.seats") and takes_integers(Centre, "teams.*.seats")
    assert takes_integers(Centre, "handling.batches")
    for key in ("load", "ratio", "flags", "teams.red.briefing", "teams.red.name",
                "handling.mean", "teams", "nowhere", "teams.red.nowhere"):
        assert not takes_integers(Centre, key), key
    # ... and so on the real schema: head counts and lines are whole, times and rates not.
    assert takes_integers(Scenario, "agent_groups.sales.staff") and takes_integers(
        Scenario, "lines"
    )
    for key in ("period", "warmup", "contact_types.*.handle_time.mean",
                "contact_types.*.wrap_up.value", "contact_types.*.arrivals.volumes",
                "contact_types.*.arrivals.per_hour", "service_level.answer_within"):
        assert not takes_integers(Scenario, key), key


def test_a_new_integer_key_of_the_scenario_is_rounded_when_scaled(
    write_experiment: Writer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ccsim.experiment import grid, schema

    class WithSeats(Scenario):
        seats: int | None = None  # a key the sweep's code does not name

    monkeypatch.setattr(grid, "Scenario", WithSeats)  # the variants
    monkeypatch.setattr(schema, "Scenario", WithSeats)  # the base scenario
    path = write_experiment("""
scenario = "tiny.toml"
[vary]
"seats" = { scale = [1.1] }
"lines" = { scale = [1.25] }
"contact_types.billing.handle_time.mean" = { scale = [1.001] }
"contact_types.billing.arrivals.per_hour" = { scale = [1.01] }
""")
    tiny = path.parent / "tiny.toml"
    tiny.write_text("seats = 5\nlines = 6\n" + tiny.read_text())
    (variant,) = load_experiment(path).variants
    assert variant.scenario.seats == 6  # 5.5, half up
    assert variant.scenario.lines == 8  # 7.5, half up
    billing = variant.scenario.contact_types[0]
    assert billing.handle_time.mean == pytest.approx(240.24)  # a duration: not rounded
    assert billing.arrivals.per_hour == pytest.approx(60.6)


def test_a_value_may_replace_a_whole_list_and_plain_keys_are_addressed_too(
    write_experiment: Writer
) -> None:
    path = write_experiment("""
scenario = "tiny.toml"
[vary]
"agent_groups.generalists.staff" = [[5, 5, 6, 6]]
lines = [20]
"service_level.answer_within" = ["30s"]
""")
    (variant,) = load_experiment(path).variants
    assert variant.label == "generalists.staff=[5,5,6,6], lines=20, service_level.answer_within=30s"
    assert variant.parameters["agent_groups.generalists.staff"] == "[5,5,6,6]"
    assert variant.scenario.agent_groups[1].staff == (5, 5, 6, 6)
    assert variant.scenario.lines == 20
    assert variant.scenario.service_level.answer_within == 30.0


def test_named_variants_are_crossed_with_the_grid(write_experiment: Writer) -> None:
    path = write_experiment("""
scenario = "tiny.toml"
[vary]
"agent_groups.specialists.staff" = [1, 3]

[[variants]]
label = "as is"

[[variants]]
label = "slow calls"
"contact_types.*.handle_time.mean" = { scale = 2 }
"contact_types.tech.patience" = { dist = "constant", value = "1min" }
""")
    experiment = load_experiment(path)
    assert [v.label for v in experiment.variants] == [
        "as is, specialists.staff=1",
        "as is, specialists.staff=3",
        "slow calls, specialists.staff=1",
        "slow calls, specialists.staff=3",
    ]
    assert experiment.parameters == (
        LABEL_COLUMN,
        "contact_types.*.handle_time.mean:scale",
        "contact_types.tech.patience",
        "agent_groups.specialists.staff",
    )
    assert [v.parameters[LABEL_COLUMN] for v in experiment.variants] == [
        "as is", "as is", "slow calls", "slow calls"
    ]
    slow = experiment.variants[3]
    assert slow.scenario.contact_types[1].handle_time.mean == 720.0
    assert slow.scenario.contact_types[1].patience.mean == 60.0
    assert experiment.variants[0].scenario.contact_types[1].handle_time.mean == 360.0


def test_a_hand_made_variant_crossed_with_vary_keeps_the_base_grid(
    write_experiment: Writer,
) -> None:
    """One hand-made variant and a 3 × 3 grid are 18 variants: the base's nine and the
    hand-made one's nine, never nine that all have the hand-made change."""
    path = write_experiment("""
scenario = "tiny.toml"
[vary]
"agent_groups.specialists.staff" = [1, 2, 3]
"contact_types.billing.patience.mean" = ["2min", "3min", "5min"]

[[variants]]
label = "long billing calls"
"contact_types.billing.handle_time.mean" = "7min"
""")
    experiment = load_experiment(path)
    labels = [v.label for v in experiment.variants]
    assert len(labels) == 18
    assert labels[:3] == [
        "tiny, specialists.staff=1, billing.patience.mean=2min",
        "tiny, specialists.staff=1, billing.patience.mean=3min",
        "tiny, specialists.staff=1, billing.patience.mean=5min",
    ]
    assert labels[9] == "long billing calls, specialists.staff=1, billing.patience.mean=2min"
    handle = [v.scenario.contact_types[0].handle_time.mean for v in experiment.variants]
    assert handle == [240.0] * 9 + [420.0] * 9
    assert [v.parameters[LABEL_COLUMN] for v in experiment.variants] == (
        ["tiny"] * 9 + ["long billing calls"] * 9
    )
    staff = [v.scenario.agent_groups[0].staff for v in experiment.variants]
    assert staff == [1, 1, 1, 2, 2, 2, 3, 3, 3] * 2


def test_hand_made_variants_alone_are_compared_with_the_base(write_experiment: Writer) -> None:
    path = write_experiment("""
scenario = "tiny.toml"
[[variants]]
label = "long calls"
"contact_types.*.handle_time.mean" = { scale = 1.5 }
""")
    assert [v.label for v in load_experiment(path).variants] == ["tiny", "long calls"]
    # A hand-made variant that sets only what the base has is the base, under its label.
    path = write_experiment("""
scenario = "tiny.toml"
[[variants]]
label = "as planned"
"agent_groups.specialists.staff" = 2
[[variants]]
label = "long calls"
"contact_types.*.handle_time.mean" = { scale = 1.5 }
""")
    assert [v.label for v in load_experiment(path).variants] == ["as planned", "long calls"]
    path = write_experiment("""
scenario = "tiny.toml"
[[variants]]
label = "tiny"
lines = 3
""")
    with pytest.raises(
        ScenarioError, match=r"variants\[tiny\]: the label 'tiny' is the base scenario's name"
    ):
        load_experiment(path)


def test_without_vary_or_variants_the_experiment_is_the_base_scenario(
    write_experiment: Writer
) -> None:
    path = write_experiment('scenario = "tiny.toml"\nreplications = 3\nseed = 4\n')
    experiment = load_experiment(path, replications=7, seed=11)
    assert [v.label for v in experiment.variants] == ["tiny"]
    assert (experiment.replications, experiment.seed) == (7, 11)
    assert experiment.parameters == ()


def test_a_variant_that_fails_validation_names_the_file_variant_and_scenario_key(
    write_experiment: Writer,
) -> None:
    path = write_experiment("""
scenario = "tiny.toml"
[vary]
"agent_groups.generalists.staff" = [[3, 4, 4, 3], [3, 4, 4, -2]]
""")
    with pytest.raises(
        ScenarioError,
        match=r"sweep\.toml: variant 'generalists\.staff=\[3,4,4,-2\]': "
        r"agent_groups\[generalists\]\.staff\[3\]: must be a whole number from 0 to \d+ "
        r"\(got -2\)$",
    ):
        load_experiment(path)

    path = write_experiment("""
scenario = "tiny.toml"
[[variants]]
label = "typo"
"agent_groups.generalists.staf" = 4
""")
    with pytest.raises(
        ScenarioError,
        match=r"sweep\.toml: variant 'typo': agent_groups\[generalists\]: unknown key 'staf' "
        r"\(did you mean 'staff'\?\)",
    ):
        load_experiment(path)


def test_every_variant_is_validated_before_anything_runs(write_experiment: Writer) -> None:
    # The bad value is in the last variant of the grid.
    path = write_experiment("""
scenario = "tiny.toml"
[vary]
"agent_groups.specialists.staff" = [1, 2]
"contact_types.tech.handle_time.mean" = ["4min", "-1min"]
""")
    with pytest.raises(
        ScenarioError, match=r"variant 'specialists\.staff=1, tech\.handle_time\.mean=-1min'"
    ):
        load_experiment(path)


def test_a_parameter_column_of_numbers_and_other_values_is_text_in_every_row(
    write_experiment: Writer,
) -> None:
    path = write_experiment("""
scenario = "tiny.toml"
[vary]
"agent_groups.specialists.staff" = [1, 2]
"contact_types.billing.handle_time.mean" = ["2min", 150]

[[variants]]
label = "flat"
"agent_groups.generalists.staff" = 4

[[variants]]
label = "shaped"
"agent_groups.generalists.staff" = [3, 4, 4, 3]
""")
    experiment = load_experiment(path)
    columns = {
        column: [v.parameters[column] for v in experiment.variants]
        for column in experiment.parameters
    }
    # Numbers next to lists or durations would not fit one typed column: all are text.
    assert columns["agent_groups.generalists.staff"] == ["4"] * 4 + ["[3,4,4,3]"] * 4
    assert columns["contact_types.billing.handle_time.mean"] == ["2min", "150"] * 4
    assert columns["agent_groups.specialists.staff"] == [1, 1, 2, 2] * 2  # numbers stay numbers


def test_vary_alternatives_that_resolve_to_the_same_value_are_refused(
    write_experiment: Writer,
) -> None:
    path = write_experiment("""
scenario = "tiny.toml"
[vary]
"agent_groups.specialists.staff" = [1, 2]
"contact_types.billing.handle_time.mean" = ["2min", "3min", 120]
""")
    with pytest.raises(
        ScenarioError,
        match=r"sweep\.toml: vary\[\"contact_types\.billing\.handle_time\.mean\"\]: "
        r"'2min' and 120 are the same value \(the variants would be the same scenario\)$",
    ):
        load_experiment(path)
