"""The channels table: a row per channel, its contact types' counters pooled."""

from __future__ import annotations

import math

import numpy as np
import pytest

import ccsim
from ccsim.model.tables import Channel, channels_of

#: Every metric a row of contact types has, and the agents' (NaN in a type's row).
_COUNTS = ("offered", "answered", "abandoned", "short_abandons")


def _mixed(order=("billing", "chat", "tech"), segments=False):
    """Two call types and a chat type, listed in ``order``; billing with two segments."""
    specs = {
        "billing": {"name": "billing", "arrivals": {"per_hour": 60},
                    "handle_time": {"dist": "exponential", "mean": 240},
                    "patience": {"dist": "exponential", "mean": 180}},
        "chat": {"name": "chat", "channel": "chat", "arrivals": {"per_hour": 50},
                 "handle_time": {"dist": "exponential", "mean": 480}, "slowdown": [1.0, 1.3],
                 "patience": {"dist": "exponential", "mean": 180}, "answer_within": 60},
        "tech": {"name": "tech", "arrivals": {"per_hour": 40},
                 "handle_time": {"dist": "exponential", "mean": 360},
                 "patience": {"dist": "exponential", "mean": 240}},
    }
    if segments:
        specs["billing"]["segments"] = [{"name": "gold", "share": 0.3, "priority": 1},
                                        {"name": "rest", "share": 0.7, "priority": 2}]
    return ccsim.Scenario(
        period=1800, horizon=4 * 3600, service_level={"answer_within": 20},
        contact_types=[specs[name] for name in order],
        agent_groups=[{"name": "phones", "skills": ["billing", "tech"], "staff": 9},
                      {"name": "digital", "skills": ["chat"], "max_chats": 2, "staff": 4}])


def _same(a, b):
    return a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b))


@pytest.mark.parametrize(("order", "segments", "voice", "chat"), [
    (("billing", "tech", "chat"), False, (slice(0, 2),), (slice(2, 3),)),
    (("billing", "chat", "tech"), False, (slice(0, 1), slice(2, 3)), (slice(1, 2),)),
    (("billing", "chat", "tech"), True, (slice(0, 2), slice(3, 4)), (slice(2, 3),)),
])
def test_a_channel_holds_the_classes_of_its_types_as_stretches(order, segments, voice, chat):
    scenario = _mixed(order, segments)
    centre = ccsim.model.centre.Centre(scenario, 0)
    assert channels_of(scenario, centre.tally.axes) == [Channel("voice", voice),
                                                        Channel("chat", chat)]


@pytest.mark.parametrize("order", [("billing", "tech", "chat"), ("billing", "chat", "tech")])
def test_a_channel_pools_its_types_counters(order):
    result = ccsim.simulate(_mixed(order), 3)
    types = result.types.set_index("contact_type")
    channels = result.channels.set_index("channel")
    assert list(channels.index) == ["voice", "chat"]
    voice, calls = channels.loc["voice"], types.loc[["billing", "tech"]]
    for name in _COUNTS:
        assert voice[name] == calls[name].sum()
    # Rates pooled from counts, not averaged: ASA is the answered-weighted mean of the
    # types', service level the offered-weighted mean.
    assert voice["asa"] == pytest.approx((calls.asa * calls.answered).sum()
                                         / calls.answered.sum(), rel=1e-12)
    assert voice["service_level"] == pytest.approx(
        (calls.service_level * calls.offered).sum() / calls.offered.sum(), rel=1e-12)
    assert math.isnan(voice["occupancy"])  # the agents' metric: not a channel's
    # A channel of one type is that type's row, its policies' metrics too.
    chat = channels.loc["chat"]
    for name, value in types.loc["chat"].items():
        if name in chat:
            assert _same(chat[name], value), name
    assert chat["concurrency_mean"] > 1.0


def test_a_channel_whose_types_are_apart_has_no_policy_metrics_but_its_counts():
    """Policies' metrics are asked of one index slice of classes: with billing and tech
    apart (chat between), the voice row's chat columns are NaN, its counts still whole;
    listed together, the voice row is the same but for those columns."""
    apart = ccsim.simulate(_mixed(("billing", "chat", "tech")), 3).channels.set_index("channel")
    together = ccsim.simulate(_mixed(("billing", "tech", "chat")), 3).channels
    together = together.set_index("channel")
    assert math.isnan(apart.loc["voice", "concurrency_mean"])
    assert math.isnan(together.loc["voice", "concurrency_mean"])  # no chat in the voice row
    for name in ("offered", "answered", "abandoned", "service_level", "asa", "wait_p90"):
        assert apart.loc["voice", name] == pytest.approx(together.loc["voice", name],
                                                         rel=1e-12), name


def test_one_channel_is_the_whole_centre_but_for_the_agents():
    scenario = _mixed().with_changes({"contact_types": [
        c.model_dump(exclude_unset=True) for c in _mixed().contact_types if c.channel == "voice"],
        "agent_groups": [{"name": "phones", "skills": ["billing", "tech"], "staff": 9}]})
    result = ccsim.simulate(scenario, 1)
    (row,) = result.rows("channels")
    assert row["channel"] == "voice"
    for name, value in result.summary.items():
        if name not in ("occupancy", "occupancy_drain"):
            assert _same(row[name], value), name
    assert np.isnan(row["occupancy"])
