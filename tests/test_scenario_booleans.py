"""Booleans are not numbers: `per_hour = true` is refused, in every numeric key of the schema;
and switches are booleans: `paid = "no"` or `mix = 1` is refused too.

Pydantic's lax mode reads ``true`` as 1; TOML gives a planner booleans easily (``staff =
true`` for "yes, staffed"), so every number and duration of the schema refuses them.
"""

from __future__ import annotations

import typing
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from ccsim.scenario import Scenario, ScenarioError


def _models(annotation: Any, seen: set[type]) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in seen:
            seen.add(annotation)
            for field in annotation.model_fields.values():
                _models(field.annotation, seen)
        return
    for arg in typing.get_args(annotation):
        _models(arg, seen)


def _numeric(annotation: Any) -> bool:
    if annotation in (int, float):
        return True
    return any(_numeric(arg) for arg in typing.get_args(annotation))


def numeric_fields() -> list[tuple[str, Any]]:
    models: set[type] = set()
    _models(Scenario, models)
    found = []
    for model in sorted(models, key=lambda m: m.__name__):
        for name, field in model.model_fields.items():
            if _numeric(field.annotation):
                typed = (Annotated[field.annotation, *field.metadata] if field.metadata
                         else field.annotation)
                found.append((f"{model.__name__}.{name}", typed))
    return found


NUMERIC = numeric_fields()


def test_the_schema_has_the_numeric_fields_this_test_walks():
    names = {name for name, _ in NUMERIC}
    assert {"Arrivals.per_hour", "Arrivals.volumes", "LogNormalSpec.cv", "Scenario.lines",
            "Scenario.period", "AgentGroup.staff", "Targets.service_level"} <= names


@pytest.mark.parametrize("value", [True, False])
@pytest.mark.parametrize(("name", "annotation"), NUMERIC, ids=[n for n, _ in NUMERIC])
def test_every_numeric_field_refuses_a_boolean(name, annotation, value):
    adapter = TypeAdapter(annotation)
    candidates = [value, [value]]  # a list field refuses it as an entry
    for candidate in candidates:
        try:
            adapter.validate_python(candidate)
        except (ValidationError, ValueError):
            continue
        pytest.fail(f"{name} accepted {candidate!r}")


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (("per_hour = 690", "per_hour = true"), "contact_types[general].arrivals.per_hour"),
        (("per_hour = 690", "volumes = [30, true]"),
         "contact_types[general].arrivals.volumes[1]"),
        (('name = "single queue"', 'name = "x"\nlines = true'), "lines"),
        (('"exponential", mean = "3min"', '"lognormal", mean = "3min", cv = true'),
         "contact_types[general].patience.cv"),
        (("staff = 50", "staff = false"), "agent_groups[agents].staff"),
        (('warmup = "1h"', "warmup = true"), "warmup"),
    ],
)
def test_a_boolean_is_refused_with_the_key_named(single_queue_file, edit, where):
    import tomllib

    data = tomllib.loads(single_queue_file.read_text().replace(*edit))
    with pytest.raises(ScenarioError) as error:
        Scenario.from_dict(data, source="day.toml")
    assert str(error.value).startswith(f"day.toml: {where}: ")
    assert "true" in str(error.value).lower() or "false" in str(error.value).lower()


def switch_fields() -> list[tuple[str, Any]]:
    models: set[type] = set()
    _models(Scenario, models)
    return [(f"{model.__name__}.{name}",
             Annotated[field.annotation, *field.metadata] if field.metadata
             else field.annotation)
            for model in sorted(models, key=lambda m: m.__name__)
            for name, field in model.model_fields.items()
            if bool in (field.annotation, *typing.get_args(field.annotation))]


SWITCHES = switch_fields()


def test_the_schema_has_the_switches_this_test_walks():
    assert {n for n, _ in SWITCHES} >= {"AgentGroup.mix", "Break.paid", "Redial.redraw",
                                         "TemplateBreak.paid"}


@pytest.mark.parametrize("value", [1, 0, "yes", "off"])
@pytest.mark.parametrize(("name", "annotation"), SWITCHES, ids=[n for n, _ in SWITCHES])
def test_every_switch_takes_true_or_false_only(name, annotation, value):
    """``paid = "no"`` or ``mix = 1`` is a mistake to name, not a switch to guess."""
    with pytest.raises(ValidationError):
        TypeAdapter(annotation).validate_python(value)
