"""The shared per-policy counters and the declared axes: a time is attributed to its
interval once, the warm-up is left out of a table's part once, for every policy."""

from __future__ import annotations

import pytest

from ccsim import Scenario
from ccsim.model.axes import CORE_OUTCOMES, Axes
from ccsim.model.contacts import FIRST, Outcome
from ccsim.model.counters import Counters


def _axes(**changes):
    return Axes(**{"period": 60.0, "intervals": 3, "warmup": 1, "classes": 2, "groups": 2,
                   **changes})


def test_the_interval_of_a_time():
    axes = _axes()
    assert [axes.interval(t) for t in (0.0, 59.999, 60.0, 179.9, 180.0, 1e9)] == [
        0, 0, 1, 2, 2, 2]  # after the horizon: the last interval (a counter's convention)
    assert axes.index([59.999, 60.0, 180.0]).tolist() == [0, 1, 3]  # the tally's, unclipped
    assert axes.measured(slice(None)) == slice(1, None)
    assert axes.measured(slice(2, 3)) == slice(2, 3)


def test_counters_attribute_once_and_leave_the_warm_up_out():
    counters = Counters(_axes(), (2, 2), ("done",), ("seconds",))
    for time, kind, group in [(10.0, 0, 1), (70.0, 1, 1), (70.0, 1, 0), (500.0, 0, 0)]:
        cell = counters.cell(time, kind, group)
        counters.values["done"][cell] += 1
        counters.values["seconds"][cell] += 2.5
    counters.close()
    assert counters.arrays["done"].shape == (3, 2, 2)
    assert counters.total("done", slice(None)) == 3  # the one in the warm-up left out
    assert counters.total("done", slice(None), 1) == 2
    assert counters.total("seconds", slice(None), slice(None), 0) == 5.0
    assert counters.at("done", 2, 0, 0) == 1  # after the horizon: the last interval
    assert counters.at("done", 0, slice(None), 1) == 1  # a warm-up interval, asked for


def test_axes_of_a_scenario_declare_what_the_policies_count():
    scenario = Scenario(period=900, horizon=3600, warmup=900,
                        contact_types=[{"name": "a", "arrivals": {"per_hour": 10},
                                        "handle_time": {"dist": "constant", "value": 60}}],
                        agent_groups=[{"name": "g", "skills": ["a"], "staff": 1}])
    axes = Axes.of(scenario)
    assert (axes.period, axes.intervals, axes.warmup, axes.classes, axes.groups) == (
        900, 4, 1, 1, 1)
    assert axes.attempts == (FIRST,) and not axes.split and axes.outcomes == CORE_OUTCOMES
    both = Axes.of(scenario, ["repeat", "repeat"], ["callbacks_accepted"])
    assert both.split and len(both.attempts) == 2
    assert both.outcomes == (*CORE_OUTCOMES, Outcome.CALLBACK_ACCEPTED)
    with pytest.raises(ValueError, match="no outcome 'escalated' is registered"):
        Axes.of(scenario, outcomes=["escalated"])
