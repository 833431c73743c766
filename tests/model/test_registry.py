"""The open registry: a policy written in a notebook registers its metrics and outcomes
and they reach every table, the sweep's summaries and the accounting check; a metric that
is not registered is an error, never dropped; a definition is given once."""

from __future__ import annotations

import math

import pytest

import ccsim
import ccsim.model.contacts as contacts
from ccsim import Experiment, Metric, Outcome, Scenario, register, run_experiment, simulate
from ccsim.model.counters import Counters
from ccsim.model.metrics import AccountingError
from ccsim.model.policies import Policy
from ccsim.model.registry import METRICS, OUTCOMES


@pytest.fixture(autouse=True)
def scratch_registry():
    """Registrations made by a test are forgotten after it (the registry is module-wide)."""
    metrics, derived = dict(METRICS._metrics), list(METRICS.derived)
    outcomes, attempts = list(contacts._OUTCOMES), list(contacts._ATTEMPTS)
    yield
    METRICS._metrics.clear()
    METRICS._metrics.update(metrics)
    METRICS.derived[:] = derived
    contacts._OUTCOMES[:] = outcomes
    contacts._ATTEMPTS[:] = attempts


def _define() -> None:
    """What a notebook would run: an outcome, a policy's metric, a derived metric that
    reads the scenario (the distance to its service-level target)."""
    register(Metric("escalated", "escalated", "contacts", "offered contacts sent to the "
                    "back office on arrival", count=True, outcome=True, aggregate="sum",
                    policy="escalation"))
    register(Metric("escalations_judged", "contacts judged", "contacts", "contacts the "
                    "escalation rule looked at", count=True, aggregate="sum",
                    policy="escalation"))
    register(Metric("sl_gap", "service level gap", "%", "service level − its target",
                    scale=100.0, low=-1.0, high=1.0,
                    derive=lambda row, s: row["service_level"] - s.targets.service_level,
                    inputs=("service_level",)))


class Escalation(Policy):
    """Every ``every``-th contact is escalated on arrival (it leaves the line with the
    registered outcome ``escalated``) — or, with ``record=False``, taken without being
    recorded (a bug the accounting check must catch)."""

    outcomes = ("escalated",)

    def __init__(self, every: int = 5, record: bool = True):
        self.every, self.record, self.seen = every, record, 0

    def install(self, centre):
        super().install(centre)
        self.counters = Counters(centre.tally.axes, (centre.tally.axes.classes,),
                                 ("escalations_judged",))

    def offered(self, contact, now):
        self.seen += 1
        self.counters.values["escalations_judged"][self.counters.cell(now, contact.kind)] += 1
        if self.seen % self.every:
            return True
        if self.record:
            self.centre.record(contact, Outcome("escalated"), 0.0)
        return False

    def end(self, now):
        self.counters.close()

    def metrics(self, intervals, kinds):
        return {"escalations_judged": int(self.counters.total("escalations_judged",
                                                                intervals, kinds))}

    def group_metrics(self, interval, group):
        return {"escalations_judged": int(self.counters.at("escalations_judged", interval,
                                                             slice(None)))}


def _day() -> Scenario:
    return Scenario(
        period=1800, horizon=3 * 1800, warmup="30min", targets={"service_level": 0.8},
        contact_types=[{"name": "calls", "arrivals": {"per_hour": 120},
                        "handle_time": {"dist": "exponential", "mean": 240},
                        "patience": {"dist": "exponential", "mean": 200}}],
        agent_groups=[{"name": "agents", "skills": ["calls"], "staff": 7}],
    )


def test_a_notebook_policy_metric_and_outcome_reach_every_table():
    _define()
    result = simulate(_day(), 3, policies=[Escalation()])
    s = result.summary
    assert s["escalated"] > 0 and s["escalations_judged"] == s["offered"]
    # The registered outcome is a term of the identity, and the policy's own count.
    assert s["offered"] == sum(s[o] for o in OUTCOMES if o in s)
    assert s["escalated"] == s["offered"] // 5 or abs(s["escalated"] - s["offered"] / 5) <= 1
    assert s["sl_gap"] == pytest.approx(s["service_level"] - 0.8)
    # Every table: types, intervals (each row), groups (the policy's group metric).
    types, intervals, groups = result.types, result.intervals, result.groups
    for table in (types, intervals):
        assert {"escalated", "escalations_judged", "sl_gap"} <= set(table.columns)
    assert types.set_index("contact_type").loc["all", "escalated"] == s["escalated"]
    rows = intervals[intervals.contact_type == "all"]
    assert rows.escalated.sum() == s["escalated"]
    assert rows.sl_gap.tolist() == pytest.approx((rows.service_level - 0.8).tolist())
    assert groups.escalations_judged.sum() == s["escalations_judged"]
    # In registry order: the new ones after the package's own.
    assert list(s)[-3:] == ["escalated", "escalations_judged", "sl_gap"]


def test_a_registered_metric_reaches_the_sweep_summaries_with_confidence_intervals():
    _define()
    experiment = Experiment.from_scenario(_day(), replications=3, seed=5)
    results = run_experiment(experiment, workers=1, progress=False)
    assert results.runs["sl_gap"].tolist() == pytest.approx(
        (results.runs["service_level"] - 0.8).tolist())
    summary = results.summary()
    assert summary["sl_gap"].iloc[0] == pytest.approx(summary["service_level"].iloc[0] - 0.8)
    assert summary["sl_gap_ci95"].iloc[0] == pytest.approx(
        summary["service_level_ci95"].iloc[0])


def test_a_policy_metric_that_is_not_registered_is_an_error():
    # The policy reports "escalations_judged" without registering it: never dropped.
    register(Metric("escalated", "escalated", "contacts", "sent away", count=True,
                    outcome=True, aggregate="sum"))
    with pytest.raises(ValueError, match=r"Escalation reported 'escalations_judged', not a "
                       r"registered metric: define it with ccsim.register"):
        simulate(_day(), 3, policies=[Escalation()])


def test_the_check_fails_when_a_registered_outcome_is_not_recorded():
    _define()
    with pytest.raises(AccountingError, match=r"offered but .* counted in the outcome "
                       r"columns .*escalated"):
        simulate(_day(), 3, policies=[Escalation(record=False)])


def test_the_check_fails_for_an_outcome_no_installed_policy_declares():
    _define()

    class Undeclared(Escalation):
        outcomes = ()

    with pytest.raises(AccountingError, match=r"outcome 'escalated': .* no installed policy "
                       r"declares it"):
        simulate(_day(), 3, policies=[Undeclared()])


def test_the_same_definition_registers_twice_and_another_is_refused():
    _define()
    _define()  # a notebook cell run again: the same definitions, nothing changes
    assert Outcome("escalated") == len(contacts._OUTCOMES) - 1
    with pytest.raises(ValueError, match="'escalated' is already registered"):
        register(Metric("escalated", "escalated", "calls", "something else", count=True,
                        outcome=True, aggregate="sum"))
    with pytest.raises(ValueError, match="already registered"):
        register(Metric("asa", "ASA", "min", "in minutes"))


def test_bad_definitions_say_what_is_wrong():
    with pytest.raises(ValueError, match="must be a name like 'escalations'"):
        register(Metric("two words", "x", "", ""))
    with pytest.raises(ValueError, match="an outcome is a count"):
        Metric("x", "x", "", "", outcome=True)
    with pytest.raises(ValueError, match=r"gives both derive .* and inputs"):
        Metric("x", "x", "", "", derive=lambda row, s: 0.0)
    with pytest.raises(ValueError, match="no outcome 'nope' is registered"):
        Outcome("nope")


def test_outcomes_keep_their_numbers_and_names():
    assert [int(o) for o in (Outcome.ANSWERED, Outcome.ABANDONED, Outcome.BLOCKED,
                             Outcome.UNSERVED, Outcome.CALLBACK_ACCEPTED,
                             Outcome.CLOSED)] == [0, 1, 2, 3, 4, 5]
    assert Outcome(4) is Outcome("callbacks_accepted") is Outcome.CALLBACK_ACCEPTED
    assert Outcome.CALLBACK_ACCEPTED.event == "callback_accepted"  # its trace rows
    assert list(OUTCOMES) == [o.column for o in contacts.outcomes()]


def test_a_derived_metric_is_computed_where_its_inputs_are():
    register(Metric("team_cost", "team cost", "€", "staffed hours × 30 € (× 2 with a "
                    "service-level target)", aggregate="sum", inputs=("staffed_time",),
                    derive=lambda row, s: row["staffed_time"] / 3600 * 30 * (
                        2 if s.targets.service_level else 1)))
    result = simulate(_day(), 1)
    assert "team_cost" not in result.summary  # no staffed time there
    groups = result.groups
    assert groups.team_cost.tolist() == pytest.approx((groups.staffed_time / 60).tolist())
    assert not math.isnan(groups.team_cost.sum())


def test_the_public_api_exports_the_registry():
    assert ccsim.register is register and ccsim.Metric is Metric and ccsim.Outcome is Outcome
