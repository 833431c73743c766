"""Statistics of a run: offered is counted where contacts arrive, every outcome in exactly
one column, and the registry defines exactly what a run reports."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from model_cases import scripted, scripted_case

from ccsim import Scenario, simulate
from ccsim.model.axes import Axes
from ccsim.model.contacts import FIRST, Outcome, attempt_kind, outcomes
from ccsim.model.metrics import AccountingError, Tally
from ccsim.model.registry import CORE, COUNTS, METRICS, OUTCOMES
from ccsim.model.tallies import SplitTally
from ccsim.model.trace import tally_type


def test_the_summary_reports_exactly_the_registered_metrics(single_queue_dict):
    # ... of every run; a policy's own metrics only where it is installed.
    result = simulate(Scenario.from_dict(single_queue_dict), 1)
    assert list(result.summary) == [m for m in METRICS if m in CORE]
    assert set(result.intervals.columns) >= CORE
    assert all(METRICS[m].policy for m in set(METRICS) - CORE)
    for name in set(COUNTS) & CORE:
        assert isinstance(result.summary[name], int), name


def test_every_outcome_has_a_count_metric_and_offered_is_not_one():
    assert set(OUTCOMES) == {o.column for o in outcomes()}
    assert "offered" in COUNTS and "offered" not in OUTCOMES
    for name in OUTCOMES:
        assert METRICS[name].count and METRICS[name].aggregate == "sum"


def test_shares_are_bounded_by_one_and_times_are_not():
    assert METRICS["service_level"].high == 1.0 and METRICS["service_level"].scale == 100
    assert METRICS["asa"].high == math.inf and METRICS["asa"].unit == "s"


def test_offered_counts_arrivals_in_the_interval_they_arrive():
    scenario = scripted_case({"calls": ([0, 10, 599, 600, 1199.5], 5, None)},
                             {"agents": (["calls"], 1)}, period=600, horizon=1800)
    result = simulate(scenario)
    rows = result.intervals[result.intervals.contact_type == "all"]
    assert rows.offered.tolist() == [3, 2, 0]


def test_poisson_arrivals_are_counted_as_they_are_drawn(single_queue_dict):
    # 690 an hour for 9 measured hours: offered is the number of arrivals the trace shows.
    result = simulate(Scenario.from_dict(single_queue_dict), 2, trace=True)
    arrived = result.trace[(result.trace.event == "arrived") & (result.trace.time >= 3600)]
    assert result.summary["offered"] == len(arrived)
    assert abs(len(arrived) - 690 * 9) < 4 * math.sqrt(690 * 9)


def _tally(intervals=2, warmup=0):
    axes = Axes(period=10, intervals=intervals, warmup=warmup, classes=1, groups=1)
    return Tally(axes, answer_within=5)


class _Contact:
    """What the tally reads of a contact (a real one's class attributes: first attempt,
    no segment)."""

    attempt = FIRST
    segment = 0

    def __init__(self, arrival):
        self.kind, self.arrival = 0, arrival


def test_the_accounting_check_names_the_interval_that_does_not_add_up():
    tally = _tally()
    tally.arrived(0, np.array([1.0, 12.0]))
    tally.record(_Contact(1.0), Outcome.ABANDONED, 3.0)
    tally.flush()
    with pytest.raises(AccountingError, match="interval 1, contact type 0: 1 offered but 0"):
        tally.check()
    tally.record(_Contact(12.0), Outcome.BLOCKED, 0.0)
    tally.flush()
    tally.check()


def test_the_check_ignores_the_warm_up():
    tally = _tally(warmup=1)
    tally.arrived(0, np.array([1.0]))  # in the warm-up, never recorded: not measured
    tally.flush()
    tally.check()


def test_a_rate_with_nothing_to_divide_by_is_nan():
    s = simulate(scripted_case({"calls": ([], 5, None)}, {"agents": (["calls"], 1)})).summary
    assert s["offered"] == 0
    assert math.isnan(s["service_level"]) and math.isnan(s["asa"])
    assert s["occupancy"] == 0


def test_the_service_level_definitions_worked_out_by_hand():
    # Threshold 15 s. Call 0 at 0 s answered at once (talks to 30 s); call 1 at 10 s waits
    # 20 s; call 2 at 20 s hangs up at 30 s (waited 10 s: a short abandon); call 3 at 25 s
    # hangs up at 65 s (40 s: not short). Answered within 15 s: call 0 only.
    scenario = scripted([0, 10, 20, 25], [30, 100], patience=[1000, 1000, 10, 40])
    s = simulate(scenario).summary
    assert (s["offered"], s["answered"], s["abandoned"], s["short_abandons"]) == (4, 2, 2, 1)
    assert s["sl_offered"] == s["service_level"] == pytest.approx(1 / 4)
    assert s["sl_answered"] == pytest.approx(1 / 2)
    assert s["sl_nonshort"] == pytest.approx(1 / 3)
    assert s["sl_expected"] == pytest.approx(1 / 4)  # scripted: expected = what came
    data = scenario.model_dump()
    data["service_level"]["definition"] = "nonshort"
    assert simulate(Scenario(**data)).summary["service_level"] == pytest.approx(1 / 3)


def test_service_level_of_expected_divides_by_the_forecast(single_queue_dict):
    result = simulate(Scenario.from_dict(single_queue_dict), 3)
    s = result.summary
    expected = 690 * 9  # per_hour × measured hours
    assert s["sl_expected"] == pytest.approx(s["sl_offered"] * s["offered"] / expected)


def test_occupancy_with_the_drain_counts_work_after_the_horizon():
    # One agent, horizon 600 s; a call at 550 s talks 100 s: 50 s inside, 50 s after.
    result = simulate(scripted([550], [100]))
    s = result.summary
    assert s["occupancy"] == pytest.approx(50 / 600)
    assert s["occupancy_drain"] == pytest.approx(100 / 650)
    groups = result.groups.iloc[-1]
    assert groups.drain_time == pytest.approx(50)
    assert groups.occupancy_drain == pytest.approx(100 / 650)


def test_each_contact_type_has_its_own_day_and_all_is_the_summary():
    scenario = scripted_case({"a": ([0, 10], 20, None), "b": ([5], 20, None)},
                             {"agents": (["b", "a"], 1)})
    result = simulate(scenario)
    types = result.types.set_index("contact_type")
    assert list(types.index) == ["all", "a", "b"]
    assert types.loc["all"].to_dict() == pytest.approx(result.summary, nan_ok=True)
    assert (types.loc["a", "offered"], types.loc["b", "offered"]) == (2, 1)
    assert types.loc["b", "asa"] == pytest.approx(15)  # waits from 5 s to 20 s
    assert types.loc["a", "asa"] == pytest.approx((0 + 30) / 2)  # a1 waits 10 s to 40 s
    assert math.isnan(types.loc["a", "occupancy"])  # agents are not per contact type


class _Redial(_Contact):
    attempt = attempt_kind("redial")


def _split_tally(warmup=0):
    axes = Axes(period=10, intervals=2, warmup=warmup, classes=1, groups=1,
                attempts=(FIRST, attempt_kind("redial")))
    return tally_type(axes, trace=False)(axes, answer_within=5)


def test_a_run_without_other_attempt_kinds_keeps_the_plain_tally():
    axes = Axes(period=10, intervals=2, warmup=0, classes=1, groups=1)
    assert tally_type(axes, trace=False) is Tally  # nothing recorded per contact for it
    assert tally_type(replace(axes, attempts=(FIRST, 5)), trace=False) is SplitTally
    assert issubclass(tally_type(axes, trace=True), SplitTally)


def test_each_attempt_kind_is_counted_apart_and_checked_on_its_own():
    tally = _split_tally()
    redial = attempt_kind("redial")
    tally.arrived(0, np.array([1.0]))
    tally.arrived_at(0, 2.0, redial)
    tally.arrived_at(0, 12.0, redial)
    tally.answered(_Contact(1.0), 0, 1.0, 4.0)  # a first attempt, answered at once
    tally.answered(_Redial(2.0), 0, 9.0, 15.0)  # a redial waits 7 s, works 6 s
    tally.flush()
    first, redials = tally.first, tally.by_attempt[redial]
    assert (first.offered.sum(), first.counts[Outcome.ANSWERED].sum()) == (1, 1)
    assert (redials.offered.sum(), redials.counts[Outcome.ANSWERED].sum()) == (2, 1)
    assert redials.wait_answered.sum() == 7.0 and first.wait_answered.sum() == 0.0
    assert tally.busy_time[:, 0].tolist() == [3.0 + 1.0, 5.0]  # both are the agents' work
    with pytest.raises(AccountingError, match="interval 1, contact type 0, redial attempts: "
                       "1 offered but 0"):
        tally.check()
    tally.record(_Redial(12.0), Outcome.ABANDONED, 1.0)
    tally.flush()
    tally.check()


def test_a_contact_of_an_attempt_kind_the_axes_do_not_count_is_an_error():
    tally = _split_tally()

    class _Recall(_Contact):
        attempt = attempt_kind("recall_test")

    tally.record(_Recall(1.0), Outcome.ABANDONED, 1.0)
    with pytest.raises(AccountingError, match=r"attempt kind recall_test .* Policy\.attempts"):
        tally.flush()


def test_an_outcome_that_is_not_registered_is_an_error():
    tally = _tally()
    tally.arrived(0, np.array([1.0]))
    tally.record(_Contact(1.0), 99, 0.0)
    with pytest.raises(AccountingError, match="outcome 99, which is not a registered"):
        tally.flush()
