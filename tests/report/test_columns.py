"""ccsim.report.columns: which metrics the tables show, and the note on the headline service
level with callback offers."""

from __future__ import annotations

from report_cases import day_dict

from ccsim.scenario import Scenario


def test_the_service_level_note_is_for_offers_counted_in_the_headline() -> None:
    from ccsim.report import sl_note

    offers = {"queue_at_least": 2, "accept": 0.5, "promise": "1h"}
    plain = day_dict()
    with_offers = {**plain, "callbacks": offers}
    of_answered = {**with_offers, "service_level": {"answer_within": 20,
                                                    "definition": "answered"}}
    recalls = {**plain, "callbacks": {"abandoned": {"share": 1, "delay": "5min"}}}
    assert sl_note([Scenario.from_dict(with_offers)]).startswith("With callback offers")
    assert sl_note([Scenario.from_dict(plain), Scenario.from_dict(with_offers)]) is not None
    for quiet in (plain, of_answered, recalls):  # nothing accepted counts against it
        assert sl_note([Scenario.from_dict(quiet)]) is None


def test_the_channel_note_is_for_deferrable_work_beside_live_contacts() -> None:
    from ccsim.report.columns import deferred_note

    plain = day_dict()
    email = {"name": "email", "channel": "email", "arrivals": {"per_hour": 5},
             "handle_time": {"dist": "exponential", "mean": "10min"}}
    mixed = {**plain, "contact_types": [*plain["contact_types"], email],
             "agent_groups": [{**g, "skills": [*g["skills"], "email"]}
                              for g in plain["agent_groups"]]}
    alone = {**mixed, "contact_types": [email],
             "agent_groups": [{**g, "skills": ["email"]} for g in plain["agent_groups"]]}
    note = deferred_note([Scenario.from_dict(mixed)])
    assert note is not None and "response time" in note
    assert deferred_note([Scenario.from_dict(plain)]) is None
    assert deferred_note([Scenario.from_dict(alone)]) is None  # nothing to mix it with


def test_a_sweep_shows_the_policy_service_level_next_to_the_headline() -> None:
    from ccsim.report import KEY_METRICS, sweep_metrics, type_metrics

    assert sweep_metrics([]) == KEY_METRICS
    assert sweep_metrics(["callbacks"])[:2] == ("service_level", "sl_on_line")
    assert "promise_kept" in sweep_metrics(["callbacks"])
    assert sweep_metrics(["quotas", "outbound"])[-2:] == ("outbound_successes",
                                                          "quota_attainment")
    assert type_metrics(["callbacks"]) == ("offered", "service_level", "sl_on_line", "asa",
                                           "abandon_rate")
