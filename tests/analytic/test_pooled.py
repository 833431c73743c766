"""ccsim.analytic.pooled: the pooled Erlang-A approximation is Erlang A for one queue,
weights intervals by volume, and is drawn only for what it models."""

from __future__ import annotations

import tomllib

import pytest

from ccsim.analytic import erlang_a_applies, erlang_a_metrics, pooled_erlang_a
from ccsim.scenario import AgentGroup, ContactType, Scenario


def test_pooled_erlang_a_is_erlang_a_for_one_queue_with_constant_rate(
    single_queue_dict: dict,
) -> None:
    scenario = Scenario.from_dict(single_queue_dict)
    pooled = pooled_erlang_a(scenario)
    exact = erlang_a_metrics(50, 690 / 3600, 240.0, 180.0, 20.0)
    assert pooled["service_level"] == pytest.approx(exact.service_level)
    assert pooled["abandon_rate"] == pytest.approx(exact.p_abandon)
    assert pooled["asa"] == pytest.approx(exact.asa)
    assert pooled["occupancy"] == pytest.approx(exact.occupancy)


def test_pooled_erlang_a_weights_intervals_by_volume(tiny_text: str) -> None:
    data = tomllib.loads(tiny_text)
    del data["contact_types"][1]
    data["agent_groups"] = [{"name": "all", "skills": ["billing"], "staff": [2, 8, 8, 8]}]
    data["contact_types"][0]["arrivals"] = {"volumes": [10, 30, 30, 30]}
    pooled = pooled_erlang_a(Scenario.from_dict(data))
    low = erlang_a_metrics(2, 10 / 1800, 240.0, 180.0, 20.0)
    high = erlang_a_metrics(8, 30 / 1800, 240.0, 180.0, 20.0)
    assert pooled["service_level"] == pytest.approx(
        (10 * low.service_level + 90 * high.service_level) / 100
    )
    assert pooled["occupancy"] == pytest.approx((2 * low.occupancy + 24 * high.occupancy) / 26)


def test_erlang_a_is_drawn_only_for_what_it_models(tiny_text: str) -> None:
    data = tomllib.loads(tiny_text)
    assert erlang_a_applies(Scenario.from_dict(data))
    assert not erlang_a_applies(Scenario.from_dict({**data, "lines": 8}))
    scripted = tomllib.loads(tiny_text)
    scripted["contact_types"][0]["arrivals"] = {"times": [0, 60, 120]}
    assert not erlang_a_applies(Scenario.from_dict(scripted))
    patient = tomllib.loads(tiny_text)
    del patient["contact_types"][1]["patience"]
    assert not erlang_a_applies(Scenario.from_dict(patient))
    # Keys at their default count as unset.
    assert erlang_a_applies(Scenario.from_dict({**data, "warmup": 0, "start": "08:00"}))


def test_a_scenario_feature_erlang_a_does_not_know_rules_its_line_out(tiny_text: str) -> None:
    """A feature added to the schema later (a `[surveys]` table, a per-type retrial
    rule) gets no Erlang line until the allow-list names it, without a change to the rule."""

    class Surveys(Scenario):
        # A name the real schema does not use, so it stays a feature Erlang A cannot know.
        surveys: dict[str, float] | None = None

    class Redialling(ContactType):
        redial: float = 0.0

    data = tomllib.loads(tiny_text)
    assert erlang_a_applies(Surveys(**data))  # unset: nothing Erlang A does not model
    assert not erlang_a_applies(Surveys(**data, surveys={"after_call": 1.0}))
    types = [ContactType(**c) for c in data["contact_types"]]
    groups = [AgentGroup(**g) for g in data["agent_groups"]]
    base = {k: v for k, v in data.items() if k not in ("contact_types", "agent_groups")}
    redial = Redialling(**data["contact_types"][0], redial=0.3)
    assert erlang_a_applies(Scenario(**base, contact_types=types, agent_groups=groups))
    assert not erlang_a_applies(
        Scenario(**base, contact_types=[redial, types[1]], agent_groups=groups)
    )


def test_pooled_erlang_a_says_which_contact_types_have_no_patience(tiny_text: str) -> None:
    """Erlang A needs a patience for every type: without one the pooled mean has no value
    (it used to fail reading ``None.mean``)."""
    data = tomllib.loads(tiny_text)
    del data["contact_types"][1]["patience"]
    scenario = Scenario.from_dict(data)
    assert not erlang_a_applies(scenario)
    with pytest.raises(ValueError, match="patience for every contact type; 'tech' has none"):
        pooled_erlang_a(scenario)
