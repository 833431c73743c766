"""Every part of a scenario says what it is (``describe()``), in a planner's words and
units: the report page is built from these, so a model without one would leave a hole."""

from __future__ import annotations

import re
import typing

import pytest
from pydantic import BaseModel

from ccsim.scenario import Callbacks, Scenario, schema
from ccsim.scenario.fields import Strict
from ccsim.scenario.words import Describes
from scenarios import schema_models

MODELS = schema_models()


def _instances(value: object) -> typing.Iterator[BaseModel]:
    """Every model instance inside ``value`` (itself included)."""
    if isinstance(value, BaseModel):
        yield value
        for name in type(value).model_fields:
            yield from _instances(getattr(value, name))
    elif isinstance(value, list | tuple | dict):
        for entry in value.values() if isinstance(value, dict) else value:
            yield from _instances(entry)


#: One scenario that uses every model of the schema (the test below says when it no
#: longer does: a new model must be added here, and so get a describer).
EVERYTHING = {
    "name": "everything", "start": "08:00", "period": "30min", "horizon": "4h",
    "warmup": "30min", "lines": 40,
    "service_level": {"answer_within": "30s", "definition": "nonshort"},
    "targets": {"service_level": 0.8, "abandon_rate": 0.05, "asa": "30s"},
    "callbacks": {
        "queue_at_least": 5, "predicted_wait_above": "2min", "offer_after": "30s",
        "accept": [[0, 0.1], ["5min", 0.6]], "promise": "1h", "schedule": "deadline",
        "dial_time": "10s", "reach": 0.8, "max_attempts": 2, "talk_scale": 1.1,
        "abandoned": {"share": 0.5, "delay": "10min", "min_wait": "1min"},
        "follow_ups": {"share": 0.2, "delay": {"dist": "exponential", "mean": "1h"}},
    },
    "contact_types": [
        {"name": "billing", "arrivals": {"per_hour": 60, "busyness": {"cv": 0.1}},
         "handle_time": {"dist": "lognormal", "mean": "5min", "cv": 0.8},
         "wrap_up": {"dist": "constant", "value": "30s"},
         "patience": {"dist": "uniform", "min": "3min", "max": "5min", "balk": 0.005},
         "callbacks": {"mode": "keep_place", "accept": 0.3},
         "resolution": 0.8, "resolution_by_group": {"sales": 0.7},
         "repeat_delay": {"dist": "gamma", "mean": "2h", "cv": 0.5}},
        {"name": "tech", "arrivals": {"volumes": [10, 20, 30, 20, 10, 10, 10, 5]},
         "handle_time": {"dist": "empirical", "values": ["4min", "6min"]}, "callbacks": False,
         "patience": {"dist": "triangular", "min": "1min", "mode": "2min", "max": "6min"},
         "segments": [{"name": "gold", "share": 0.25, "answer_within": "10s",
                       "handle_scale": 1.2, "targets": {"service_level": 0.9}},
                      {"name": "standard", "share": 0.75, "priority": 2}],
         "max_waiting": 12, "max_wait": {"after": "4min"},
         "redial": {"share": 0.5, "delay": "10min", "max_attempts": 3}},
        {"name": "script", "arrivals": {"times": [60, 120]},
         "handle_time": {"dist": "sequence", "values": ["3min"]}},
    ],
    "agent_groups": [
        {"name": "generalists", "skills": ["tech", "billing", "script"],
         "staff": [4, 5, 5, 6, 6, 5, 4, 4], "shift_templates": [
             {"name": "full", "length": "4h", "max_agents": 8,
              "starts": {"from": "08:00", "to": "09:00", "every": "30min"},
              "breaks": [{"after": ["1h", "2h"], "length": "15min", "paid": False,
                          "every": "15min"}]}]},
        {"name": "sales", "skills": ["billing"], "staff": 3, "outbound": ["leads", "dialled"],
         "blending": {"rule": "quota_first"}, "quota": {"daily": 20, "counts": "all"},
         "pressure": {"floor": 0.6, "slope": 2, "resolution_elasticity": 1}},
        {"name": "evening", "skills": ["tech"], "absence": 0.05, "shifts": [
            {"name": "late", "start": "09:00", "length": "3h", "agents": 2, "breaks": [
                {"window": ["10:00", "11:00"], "length": "15min", "paid": False}]}]},
    ],
    "costs": {"currency": "EUR", "per_abandon": 2.5, "per_minute_waiting": 0.02,
              "per_contact": {"billing": 0.4},
              "agent_groups": {"sales": {"per_hour": 32.0, "overtime_per_hour": 48.0}}},
    "outbound": [{"name": "leads", "list_size": 500, "dial_time": "20s", "reach": 0.4,
                  "handle_time": {"dist": "exponential", "mean": "6min"}, "success": 0.15,
                  "hours": ["09:00", "11:00"]},
                 {"name": "dialled", "reach": 0.3, "success": 0.1, "patience": "5s",
                  "handle_time": {"dist": "exponential", "mean": "5min"},
                  "dialer": {"ratio": 1.5, "min_free": 2}}],
}


def test_every_model_of_the_schema_has_its_own_describer() -> None:
    assert schema.Scenario in MODELS and Callbacks in MODELS and len(MODELS) > 15
    assert not hasattr(Strict, "describe")  # so a new model cannot inherit a generic one
    missing = [m.__name__ for m in MODELS
               if not callable(getattr(m, "describe", None)) or m.describe is Strict]
    assert not missing
    assert all(issubclass(m, Strict) for m in MODELS)


def test_every_part_of_a_full_scenario_describes_itself_in_words() -> None:
    scenario = Scenario.from_dict(EVERYTHING)
    parts = list(_instances(scenario))
    assert {type(p) for p in parts} == MODELS  # the scenario above uses every model
    for part in parts:
        assert isinstance(part, Describes)
        text = part.describe()
        assert text and not re.search(r"\b(None|nan|inf|True|False)\b", text), text
    words = scenario.describe()
    assert words.startswith("4h from 08:00, reported in 30min intervals (8), the first "
                            "30min a warm-up not measured.")
    assert "of the contacts offered, less those who hung up within 30s" in words
    assert "At most 40 callers at a time (lines)" in words
    assert "Outbound campaigns: leads and dialled." in words
    tech = scenario.contact_types[1].describe()
    assert ("segments: gold: 25 % of callers, priority 1, answered within 10s, handle time "
            "× 1.2, targets: service level at least 90 %; standard: 75 % of callers, "
            "priority 2") in tech, tech
    assert "at most 12 callers wait (one more is blocked)" in tech
    assert "callers still waiting after 4min leave a message" in tech
    assert ("50 % of those who hung up or were blocked call again 10min after they left, "
            "at most 3 attempts in all, with fresh talk and patience") in tech, tech
    dialled = scenario.outbound[1].describe()
    assert ("a predictive dialer: 1.5 calls per free agent while 2 agents are free (1 of "
            "the calling groups); a customer who answers waits at most 5s for an agent"
            ) in dialled, dialled
    assert ("Costs: sales 32 EUR/h (overtime 48 EUR/h); 0.4 EUR per billing contact "
            "answered; 0.02 EUR per minute waiting; 2.5 EUR per contact abandoned." in words)
    generalists = scenario.agent_groups[0].describe()
    assert generalists.endswith(
        "staff 4–6 over the horizon; shift templates full: 4h starting 08:00–09:00 every "
        "30min, breaks 15min starting 1h–2h into the shift, every 15min (unpaid); at most "
        "8 agents a day"), generalists
    evening = scenario.agent_groups[2].describe()
    assert evening == ("takes tech; shifts late: 2 agents, breaks 15min in 10:00–11:00 "
                       "(unpaid); 5% of agent-days absent"), evening
    assert words.endswith("Targets: service level at least 80 %; abandonment at most 5 %; "
                          "ASA at most 30s.")
    # billing's own keys make a policy of its own; script has the scenario's; tech none.
    assert "Callbacks (billing): A callback is offered when 5 or more callers wait" in words
    assert "Callbacks (script): " in words and "(tech" not in words


def _policy(**keys: object) -> Callbacks:
    return Callbacks(**keys)


@pytest.mark.parametrize(("keys", "said"), [
    # the three policies the report page used to crash on
    ({"queue_at_least": 3, "accept": 0.5, "mode": "keep_place"},
     ["hangs up but keeps its place in the queue", "50 % accept"]),
    ({"queue_at_least": 3, "accept": [[0, 0.1], ["5min", 0.6]], "promise": "1h"},
     ["acceptance by predicted wait: 0s → 10 %, 5min → 60 %", "promised within 1h"]),
    ({"abandoned": {"share": 0.5, "delay": "10min"}},
     ["The centre calls back 50 % of the customers who hung up on the line, 10min after "
      "they hung up"]),
    ({"follow_ups": {"share": 0.2, "delay": {"dist": "exponential", "mean": "1d"}},
      "reach": 0.75, "retry_delay": "15min", "max_attempts": 4, "dial_time": "10s"},
     ["calls 20 % of the customers back for a follow-up, a delay (exponential, mean 24h) "
      "after their first conversation ended",
      "each attempt takes 10s to dial; 75 % of the customers answer, an unanswered attempt "
      "is retried after 15min, at most 4 attempts"]),
])
def test_a_callback_policy_says_what_it_does(keys: dict, said: list[str]) -> None:
    text = _policy(**keys).describe()
    for words in said:
        assert words in text, text
    assert "None" not in text


def test_a_types_own_callback_keys_are_said_in_the_order_of_the_schema() -> None:
    scenario = Scenario.from_dict(EVERYTHING)
    billing = scenario.contact_types[0]
    assert billing.callbacks is not None
    assert billing.callbacks.describe() == (
        "30 % accept; the caller hangs up and keeps its place in the queue")
    assert "its own callback keys: 30 % accept" in billing.describe()
    assert "; no callbacks; " in scenario.contact_types[1].describe()
