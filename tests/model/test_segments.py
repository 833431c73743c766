"""Priority segments, a type's own service-level threshold, its waiting room (``max_waiting``)
and its longest wait (``max_wait``): what a scenario without them does is unchanged, bit for
bit; priority holds in every trace; the thresholds, blocks and messages are exactly those
worked out by hand; a finite waiting room blocks as the exact M/M/c/K chain says; and every
bad key is one line naming its path, exit 2 from the CLI."""

from __future__ import annotations

import math
import re
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

from ccsim import Scenario, ScenarioError, simulate

GOLD = {"name": "gold", "share": 0.2, "priority": 1}
STANDARD = {"name": "standard", "share": 0.8, "priority": 2}


def _day(*, segments=None, staff=7, per_hour=100.0, hours=4, patience=180.0, **type_keys):
    """One exponential type (mean talk 4 min) answered by one team."""
    spec = {"name": "billing", "arrivals": {"per_hour": per_hour},
            "handle_time": {"dist": "exponential", "mean": 240.0}, **type_keys}
    if patience is not None:
        spec["patience"] = {"dist": "exponential", "mean": patience}
    if segments is not None:
        spec["segments"] = segments
    return Scenario(period=1800, horizon=hours * 3600, contact_types=[spec],
                    agent_groups=[{"name": "team", "skills": ["billing"], "staff": staff}])


def test_one_segment_of_every_customer_is_the_type_itself_bit_for_bit():
    plain = simulate(_day(), 3)
    one = simulate(_day(segments=[{"name": "everyone", "share": 1.0}]), 3)
    assert one.summary == plain.summary
    rows = one.types.set_index(["contact_type", "segment"])
    assert rows.loc[("billing", "everyone"), "answered"] == plain.summary["answered"]
    assert "segment" not in plain.types  # no segment level without segments


def test_segments_are_drawn_by_their_shares_and_shared_across_staffing():
    # The n-th customer's segment comes from its own stream: staffing changes nothing.
    few, many = (simulate(_day(segments=[GOLD, STANDARD], staff=s, hours=8), 11, trace=True)
                 for s in (6, 9))
    arrived = [t[t.event == "arrived"].sort_values(["time"]) for t in (few.trace, many.trace)]
    assert list(arrived[0].segment) == list(arrived[1].segment)
    gold = (arrived[0].segment == "gold").sum()
    n = len(arrived[0])
    assert abs(gold / n - 0.2) < 4 * math.sqrt(0.2 * 0.8 / n)


def test_a_lower_segment_is_never_answered_while_a_higher_one_waits():
    # Overloaded so that both wait: at each answer of a standard caller, no gold caller
    # who arrived before it is still waiting.
    result = simulate(_day(segments=[GOLD, STANDARD], staff=6, per_hour=110, hours=8,
                           patience=600.0), 5, trace=True)
    trace = result.trace
    born = trace[trace.event == "arrived"].set_index("contact")["time"]
    left = trace[trace.event.isin(["answered", "abandoned"])].set_index("contact")
    gold = left[left.segment == "gold"]
    gold_waits = [(born[c], row.time) for c, row in gold.iterrows() if row.time > born[c]]
    standard = left[(left.segment == "standard") & (left.event == "answered")]
    checked = 0
    for _, row in standard.iterrows():
        t = row.time
        assert not any(a < t < e for a, e in gold_waits), f"standard answered at {t}"
        checked += 1
    assert checked > 500 and len(gold_waits) > 50  # both segments waited


def test_each_class_is_judged_against_its_own_threshold():
    # One agent, talks of 100 s: contact k (arriving at 10·k) waits 90·k s. Gold (every
    # second customer, by a sequence of shares drawn from the stream) counts within 100 s,
    # the rest within 20 s, so the type's in_sl is the sum of both counts.
    scenario = Scenario(
        period=3600, horizon=3600, service_level={"answer_within": 20},
        contact_types=[{"name": "calls", "arrivals": {"times": [0, 10, 20, 30]},
                        "handle_time": {"dist": "constant", "value": 100},
                        "answer_within": "2min",
                        "segments": [{"name": "fast", "share": 0.5, "answer_within": 10},
                                     {"name": "slow", "share": 0.5}]}],
        agent_groups=[{"name": "a", "skills": ["calls"], "staff": 1}])
    result = simulate(scenario, 0, trace=True)
    trace = result.trace
    answered = trace[trace.event == "answered"]
    born = trace[trace.event == "arrived"].set_index("contact")["time"]
    waits = {c: t - born[c] for c, t in zip(answered.contact, answered.time, strict=True)}
    segment = dict(zip(answered.contact, answered.segment, strict=True))
    limit = {"fast": 10, "slow": 120}
    within = {s: sum(1 for c in waits if segment[c] == s and waits[c] <= limit[s])
              for s in limit}
    rows = result.types.set_index(["contact_type", "segment"])
    for name in limit:
        offered = rows.loc[("calls", name), "offered"]
        assert rows.loc[("calls", name), "sl_offered"] == pytest.approx(within[name] / offered)
    assert result.summary["sl_offered"] == pytest.approx(sum(within.values()) / 4)


def test_a_full_waiting_room_blocks_and_max_wait_leaves_messages_by_hand():
    # One agent, talks of 100 s, arrivals at 0, 1, 2, 3, 4; two may wait: 3 and 4 are
    # blocked (0 in service, 1 and 2 waiting). Caller 2 would wait until 200 s: past its
    # max_wait of 150 s it leaves a message at 152 (arrival 2 + 150).
    scenario = Scenario(
        period=600, horizon=600,
        contact_types=[{"name": "calls", "arrivals": {"times": [0, 1, 2, 3, 4]},
                        "handle_time": {"dist": "constant", "value": 100},
                        "max_waiting": 2, "max_wait": {"after": 150}}],
        agent_groups=[{"name": "a", "skills": ["calls"], "staff": 1}])
    result = simulate(scenario, 0, trace=True)
    s = result.summary
    assert (s["offered"], s["answered"], s["blocked"], s["messages"], s["abandoned"]) == (
        5, 2, 2, 1, 0)
    trace = result.trace
    message = trace[trace.event == "message"]
    assert list(message.time) == [152.0]
    assert s["mean_wait"] == pytest.approx((0 + 99 + 150 + 0 + 0) / 5)


def _mmck_blocking(lam: float, mu: float, c: int, room: int) -> float:
    """P(an arrival finds c busy and ``room`` waiting) in M/M/c/(c + room)."""
    a = lam / mu
    weights = [a**n / math.factorial(n) for n in range(c + 1)]
    weights += [weights[-1] * (a / c) ** k for k in range(1, room + 1)]
    return weights[-1] / sum(weights)


def test_a_waiting_room_blocks_as_the_exact_mmck_chain():
    c, room, per_hour, hours = 4, 3, 60.0, 40
    scenario = _day(staff=c, per_hour=per_hour, hours=hours, patience=None,
                    max_waiting=room)
    scenario = scenario.with_changes({"warmup": 2 * 3600})
    shares = np.array([(r := simulate(scenario, seed).summary)["blocked"] / r["offered"]
                       for seed in range(12)])
    exact = _mmck_blocking(per_hour / 3600, 1 / 240, c, room)
    half = stats.t.ppf(0.995, len(shares) - 1) * shares.std(ddof=1) / math.sqrt(len(shares))
    assert abs(shares.mean() - exact) < half, (shares.mean(), exact, half)


@pytest.mark.parametrize(("segments", "message"), [
    ([{**GOLD, "share": 0.3}, STANDARD],
     r"contact_types\[billing\]\.segments: the shares must add up to 1 \(they add up to "
     r"1\.1: gold 0\.3, standard 0\.8\)"),
    ([GOLD, {**STANDARD, "name": "gold"}],
     r"contact_types\[billing\]\.segments: the name 'gold' is used twice"),
    ([{**GOLD, "name": "All"}, STANDARD],
     r"contact_types\[billing\]\.segments\[All\]: the name 'All' is reserved"),
    ([{**GOLD, "priority": 0}, STANDARD],
     r"contact_types\[billing\]\.segments\[gold\]\.priority: must be >= 1 \(got 0\)"),
    ([{**GOLD, "share": 0}, {**STANDARD, "share": 1}],
     r"contact_types\[billing\]\.segments\[gold\]\.share: must be > 0 \(got 0\)"),
    ([{**GOLD, "handle_scale": -1}, STANDARD],
     r"contact_types\[billing\]\.segments\[gold\]\.handle_scale: must be > 0"),
    ([{**GOLD, "colour": "gold"}, STANDARD],
     r"contact_types\[billing\]\.segments\[gold\]: unknown key 'colour'"),
    ([], r"contact_types\[billing\]\.segments: must not be empty"),
])
def test_bad_segments_name_the_key(segments, message):
    with pytest.raises(ScenarioError, match=message):
        _day(segments=segments)


@pytest.mark.parametrize(("keys", "message"), [
    ({"max_waiting": 0}, r"contact_types\[billing\]\.max_waiting: must be >= 1 \(got 0\)"),
    ({"max_wait": {"after": "-1min"}}, r"contact_types\[billing\]\.max_wait\.after"),
    ({"max_wait": {"after": "2min", "outcome": "voicemail"}},
     r"contact_types\[billing\]\.max_wait\.outcome"),
    ({"answer_within": "soon"}, r"contact_types\[billing\]\.answer_within"),
    ({"targets": {"service_level": 80}},
     r"contact_types\[billing\]\.targets\.service_level: must be a share from 0 to 1"),
])
def test_bad_limits_name_the_key(keys, message):
    with pytest.raises(ScenarioError, match=message):
        _day(**keys)


def test_bad_segments_in_a_file_exit_2_with_the_key_path(single_queue_file, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(single_queue_file.read_text().replace(
        'channel = "voice"', 'channel = "voice"\nsegments = [{ name = "gold", share = 0.5 }]'))
    done = subprocess.run([sys.executable, "-m", "ccsim.cli", "run", str(bad), "-n", "1",
                           "--out", str(tmp_path / "o")], capture_output=True, text=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert re.search(r"contact_types\[general\]\.segments: the shares must add up to 1",
                     done.stderr), done.stderr
