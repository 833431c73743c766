"""Lines (trunks) as a policy: blocking, lines freed at hang-up and at abandonment, and
Erlang B's loss system (tests/model/test_theory.py)."""

from __future__ import annotations

from model_cases import scripted

from ccsim import Scenario, simulate
from ccsim.model.lines import Lines
from ccsim.model.policies import hooks


def test_lines_block_contacts_beyond_the_limit():
    # Two lines: the third call finds both used (one talking, one waiting) and is blocked.
    s = simulate(scripted([0, 1, 2, 40], [30], lines=2)).summary
    assert (s["answered"], s["blocked"]) == (3, 1)


def test_lines_free_up_when_a_waiting_contact_abandons():
    # Call 1 waits from 1 s and gives up at 6 s; call 2 at 10 s then finds a free line.
    s = simulate(scripted([0, 1, 10], [30], patience=[5, 5, 100], lines=2)).summary
    assert (s["abandoned"], s["blocked"], s["answered"]) == (1, 0, 2)


def test_a_line_is_free_once_the_caller_hangs_up_even_if_wrap_up_goes_on():
    # Talk ends at 10 s, wrap-up until 110 s: the call at 50 s finds the one line free.
    base = scripted([0, 50], [10], lines=1, staff=2)
    data = base.model_dump()
    data["contact_types"][0]["wrap_up"] = {"dist": "constant", "value": 100}
    s = simulate(Scenario(**data)).summary
    assert (s["answered"], s["blocked"]) == (2, 0)


def test_lines_is_a_policy_of_three_hooks():
    policy = Lines(3)
    assert [len(hooks([policy], h)) for h in ("offered", "answered", "queued")] == [1, 1, 0]
    assert Lines.live_queues


def test_the_scenario_key_and_the_policy_give_the_same_run():
    with_key = scripted([0, 1, 2, 3, 40], [30], patience=[5, 50], lines=2)
    data = with_key.model_dump()
    data["lines"] = None
    without = Scenario(**data)
    assert simulate(with_key, 3).summary == simulate(without, 3, policies=[Lines(2)]).summary
