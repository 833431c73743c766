"""Random centres of calls, chat and e-mail (hypothesis): every run ends, counts each
contact once, keeps agents within their time, and is the same from the same seed.

What varies: which groups take which channels (every type taken by some group), seats and
slowdowns, whether a group of calls and chat takes calls while holding chats (mix), head
counts that rise and drop or named shifts (with breaks) that end mid-day, opening hours of
calls and of e-mail's working day, a backlog at the start, callers who redial or call again
unsettled, chat's priority segments, waiting limit and hours. What must hold in every run:

* conservation (the run's own check: each offered contact in exactly one outcome column;
  with e-mail, answered + left waiting = offered and the backlog);
* no agent group busy more than it is staffed (occupancy at most 1 in every interval), and
  a chat group's seats never more than ``max_chats`` per agent on duty (seat utilisation
  at most 1);
* the same seed gives the same summary.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccsim import Scenario, simulate

TYPES = ("calls", "chat", "email")


@st.composite
def centres(draw: st.DrawFn) -> Scenario:
    period = draw(st.sampled_from([1800, 3600]))
    intervals = draw(st.integers(4, 10))
    types = [
        {"name": "calls", "arrivals": {"per_hour": draw(st.floats(5, 60))},
         "handle_time": {"dist": "exponential", "mean": draw(st.floats(60, 600))},
         "patience": {"dist": "exponential", "mean": draw(st.floats(30, 600))}},
        {"name": "chat", "channel": "chat", "arrivals": {"per_hour": draw(st.floats(5, 60))},
         "handle_time": {"dist": "exponential", "mean": draw(st.floats(120, 900))},
         "patience": {"dist": "exponential", "mean": draw(st.floats(30, 600))}},
        {"name": "email", "channel": "email", "arrivals": {"per_hour": draw(st.floats(2, 30))},
         "handle_time": {"dist": "exponential", "mean": draw(st.floats(120, 1200))},
         "backlog": draw(st.integers(0, 15))},
    ]
    seats = draw(st.integers(1, 3))
    steps = draw(st.lists(st.floats(0, 0.6), min_size=seats - 1, max_size=seats - 1))
    types[1]["slowdown"] = [1.0, *[1.0 + sum(steps[:j + 1]) for j in range(seats - 1)]]
    if draw(st.booleans()):
        types[0]["hours"] = ["01:00", "05:00"]
    if draw(st.booleans()):  # callers who hang up call again
        types[0]["redial"] = {"share": 0.5, "delay": {"dist": "exponential", "mean": "10min"}}
    if draw(st.booleans()):  # unsettled callers call again
        types[0].update(resolution=0.8, repeat_delay="20min")
    if draw(st.booleans()):  # chat's own segments, a limit on its line, its hours
        types[1].update(segments=[{"name": "gold", "share": 0.3, "priority": 1},
                                  {"name": "basic", "share": 0.7, "priority": 2}],
                        max_waiting=draw(st.integers(1, 10)), hours=["00:30", "03:00"],
                        at_close=draw(st.sampled_from(["serve", "clear"])))
    if draw(st.booleans()):  # opens within the horizon's first hour (at least 2 h long)
        types[2]["hours"] = [f"00:{draw(st.sampled_from(['00', '30']))}",
                             f"{draw(st.integers(1, 6)):02d}:{draw(st.sampled_from(['00', '30']))}"]
    skills = draw(st.lists(st.lists(st.sampled_from(TYPES), min_size=1, max_size=3,
                                    unique=True), min_size=1, max_size=3))
    for name in TYPES:  # every type taken by some group
        if not any(name in s for s in skills):
            skills[draw(st.integers(0, len(skills) - 1))].append(name)
    groups = []
    for g, taken in enumerate(skills):
        group: dict = {"name": f"g{g}", "skills": taken}
        if "chat" in taken:
            group["max_chats"] = seats
            if "calls" in taken:  # agents holding chats take calls
                group["mix"] = draw(st.booleans())
        if draw(st.booleans()):
            group["staff"] = draw(st.lists(st.integers(0, 4), min_size=intervals,
                                           max_size=intervals))
        else:
            hours = period * intervals // 3600  # shifts within the horizon
            shifts = []
            for k in range(2):
                start = draw(st.integers(0, hours - 1))
                length = draw(st.integers(1, hours - start))
                shift = {"name": f"s{k}", "start": f"{start:02d}:00", "length": f"{length}h",
                         "agents": draw(st.integers(1, 3))}
                if length >= 2 and draw(st.booleans()):  # a break in its middle hours
                    shift["breaks"] = [{"window": [f"{start + 1:02d}:00",
                                                   f"{start + length - 1:02d}:59"],
                                        "length": f"{draw(st.integers(5, 30))}min"}]
                shifts.append(shift)
            group["shifts"] = shifts
        groups.append(group)
    return Scenario(period=period, horizon=period * intervals, contact_types=types,
                    agent_groups=groups)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario=centres(), seed=st.integers(0, 2**32))
def test_random_channel_mixes_run_count_and_repeat(scenario, seed):
    result = simulate(scenario, seed)
    summary = result.summary
    # (conservation of every offered contact is checked by the run itself)
    assert summary == simulate(scenario, seed).summary
    groups = result.groups
    assert (groups.occupancy.dropna() <= 1 + 1e-9).all()
    assert (groups.seat_utilisation.dropna() <= 1 + 1e-9).all()
    types = result.types
    if "segment" in types:  # a type's own row, not its segments'
        types = types[types.segment == "all"]
    email = types.set_index("contact_type").loc["email"]
    assert email.answered + email.unserved == email.offered
    assert email.abandoned == 0
    chat = types.set_index("contact_type").loc["chat"]
    if chat.answered:
        assert 1 - 1e-9 <= summary["concurrency_mean"] <= scenario.agent_groups[
            next(i for i, g in enumerate(scenario.agent_groups) if "chat" in g.skills)
        ].max_chats + 1e-9 or math.isnan(summary["concurrency_mean"])
