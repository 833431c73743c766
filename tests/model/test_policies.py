"""The policy hooks: a hook not overridden is never called, observing changes nothing, the
service-time seam keeps common random numbers, and the example policy of ``ccsim.model``
works as documented (what a policy acts through: test_host.py)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from model_cases import mixed_day

import ccsim.model
from ccsim import Scenario, simulate
from ccsim.model.centre import Centre
from ccsim.model.policies import HOOKS, Observer, Policy, defines, hooks
from ccsim.model.service import Proficiency


def _example_policy() -> type[Policy]:
    """The example of the ``ccsim.model`` docstring, run as written."""
    code = ccsim.model.__doc__.split("::\n\n", 1)[1]
    namespace: dict = {}
    exec(compile(re.sub(r"(?m)^    ", "", code), "ccsim.model example", "exec"), namespace)
    return namespace["LendOnLongQueue"]


LendOnLongQueue = _example_policy()


def test_the_readme_shows_the_example_policy_of_the_docstring():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    code = ccsim.model.__doc__.split("::\n\n", 1)[1]
    assert re.sub(r"(?m)^    ", "", code).strip() in readme


def _same(a, b):
    """Counts equal; every other value equal up to the order of float sums (folding happens
    at other arrivals when more events are on the schedule)."""
    assert a.keys() == b.keys()
    for key in a:
        if isinstance(a[key], int):
            assert a[key] == b[key], key
        else:
            assert a[key] == pytest.approx(b[key], rel=1e-12, nan_ok=True), key


class Spy(Policy):
    """Overrides one hook only."""

    def __init__(self):
        self.calls = 0

    def queued(self, contact, now):
        self.calls += 1


def test_only_the_hooks_a_policy_overrides_are_called():
    spy = Spy()
    assert hooks([spy], "queued") == [spy.queued]
    assert all(hooks([spy], name) == [] for name in HOOKS if name != "queued")
    assert hooks([Policy()], "offered") == []


def test_a_policy_that_only_observes_changes_no_result():
    spy = Spy()
    plain = simulate(mixed_day(), 3)
    watched = simulate(mixed_day(), 3, policies=[spy])
    assert watched.summary == plain.summary  # no float re-ordered: nothing else scheduled
    assert spy.calls > 100


def test_observing_every_end_of_service_gives_the_results_of_lazy_ends():
    # agent_free makes the centre observe every end at its time (no lazy ends).
    never = LendOnLongQueue("sales", "helpers", threshold=10**9)
    _same(simulate(mixed_day(), 5).summary, simulate(mixed_day(), 5, policies=[never]).summary)


def test_the_example_policy_lends_an_agent_while_the_queue_is_long():
    plain = simulate(mixed_day(), 7, trace=True)
    lent = simulate(mixed_day(), 7, trace=True, policies=[LendOnLongQueue("sales", "helpers", 3)])
    answered = lent.trace[lent.trace.event == "answered"]
    by_helpers = answered[(answered.contact_type == "sales")
                          & (answered.agent_group == "helpers")]
    assert len(by_helpers) > 10
    assert not ((plain.trace.contact_type == "sales")
                & (plain.trace.agent_group == "helpers")).any()
    assert lent.summary["abandon_rate"] < plain.summary["abandon_rate"]
    assert lent.summary["offered"] == plain.summary["offered"]  # the same callers (CRN)


class Counter(Policy):
    """Records the moments it is called at."""

    timely_abandonment = True

    def __init__(self):
        self.abandoned_at: list[tuple[float, float]] = []
        self.intervals: list[tuple[int, float]] = []
        self.ends: list[tuple[float, float]] = []

    def abandoned(self, contact, now):
        self.abandoned_at.append((contact.deadline, self.centre.env.now))

    def interval(self, index, now):
        self.intervals.append((index, now))

    def finished(self, contact, agent, now):
        self.ends.append((now, self.centre.env.now))


def test_timely_abandonment_is_observed_at_the_moment_and_changes_no_result():
    counter = Counter()
    centre = Centre(mixed_day(), 11, policies=[counter])
    centre.run()
    timely = centre.result()
    assert len(counter.abandoned_at) == timely.summary["abandoned"] > 50
    for deadline, clock in counter.abandoned_at:
        assert clock == math.nextafter(deadline, math.inf)
    assert len(counter.ends) == timely.summary["answered"]
    for end, clock in counter.ends:
        assert clock == pytest.approx(end, abs=1e-9)
    assert counter.intervals == [(i, i * 1800.0) for i in range(4)]
    _same(simulate(mixed_day(), 11).summary, timely.summary)


def test_the_service_seam_scales_talk_time_and_keeps_the_draws():
    scenario = mixed_day()
    plain = simulate(scenario, 2, trace=True).trace
    same = simulate(scenario, 2, trace=True, policies=[Proficiency({})]).trace
    assert same.equals(plain)  # factor 1: bit for bit
    slow = simulate(scenario, 2, trace=True, policies=[Proficiency({"helpers": 2.0})])
    # Support calls are talked twice as long (wrap-up unchanged: support has none) ...
    t = slow.trace
    start = t[(t.event == "answered") & (t.contact_type == "support")].set_index("contact").time
    end = t[(t.event == "finished") & (t.contact_type == "support")].set_index("contact").time
    p = plain[plain.contact_type == "support"]
    start0 = p[p.event == "answered"].set_index("contact").time
    end0 = p[p.event == "finished"].set_index("contact").time
    both = start.index.intersection(start0.index)
    assert len(both) > 50
    assert (end - start)[both].tolist() == pytest.approx((2 * (end0 - start0)[both]).tolist())
    # ... and the sales calls, served by the other group, keep their own times.
    sales = t[t.contact_type == "sales"]
    sales0 = plain[plain.contact_type == "sales"]
    assert sales[sales.event == "arrived"].time.tolist() == (
        sales0[sales0.event == "arrived"].time.tolist()
    )


def test_agents_keep_their_identity_and_counters():
    scenario = mixed_day()
    centre = Centre(scenario, 4, policies=[Policy()])  # counters are kept for policies
    centre.run()
    result = centre.result()
    assert result.summary == simulate(scenario, 4).summary
    sellers, helpers = centre.groups
    # The roster is as large as the most agents on duty at once, not one per staff change.
    assert len(sellers.agents) == 11 and len(helpers.agents) == 9
    handled = sum(a.handled for g in centre.groups for a in g.agents)
    assert handled == result.summary["answered"]  # no warm-up: every answered contact
    busy = sum(a.busy_time for g in centre.groups for a in g.agents)
    assert busy == pytest.approx(result.groups.busy_time.sum() + _drain(result, scenario))
    assert [a.on_duty for a in sellers.agents].count(True) == 9
    assert all(a.state(math.inf) in ("idle", "off") for a in sellers.agents)


def _drain(result, scenario) -> float:
    """Busy time after the horizon (counted per agent, not in the interval tables)."""
    trace = simulate(scenario, result.seed, trace=True).trace
    end = trace[trace.event == "finished"].set_index(["contact_type", "contact"]).time
    start = trace[trace.event == "answered"].set_index(["contact_type", "contact"]).time
    return float((end.clip(lower=scenario.horizon) - start.clip(lower=scenario.horizon)).sum())


def test_head_count_changes_bring_back_the_same_agents_first():
    scenario = Scenario(
        period=60, horizon=180,
        contact_types=[{"name": "calls", "arrivals": {"per_hour": 1},
                        "handle_time": {"dist": "constant", "value": 1}}],
        agent_groups=[{"name": "agents", "skills": ["calls"], "staff": [3, 1, 2]}],
    )
    centre = Centre(scenario, 0)
    group = centre.groups[0]
    centre.env.run(until=61)
    assert [a.on_duty for a in group.agents] == [True, False, False]
    centre.env.run(until=121)
    assert [a.on_duty for a in group.agents] == [True, True, False]  # number 1 is back
    assert len(group.agents) == 3


# --- the host: reads that settle themselves, no scheduling into the past ---------------


class Declared(Policy, Observer):
    """Names the Observer protocol as a base but defines one of its methods only."""

    def __init__(self):
        self.calls = 0

    def queued(self, contact, now):
        self.calls += 1


def test_a_protocol_named_as_a_base_gives_no_hook_of_its_own():
    declared = Declared()
    assert hooks([declared], "queued") == [declared.queued]
    assert hooks([declared], "answered") == hooks([declared], "abandoned") == []
    assert not defines(declared, "finished") and defines(declared, "queued")
    simulate(mixed_day(), 3, policies=[declared])
    assert declared.calls > 100
