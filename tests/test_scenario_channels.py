"""Chat keys: bad input names the key path and what was expected; ``ccsim run`` exits 2."""

from __future__ import annotations

import copy
import re

import pytest

from ccsim import Scenario
from ccsim.cli import main
from ccsim.scenario import ScenarioError

CHAT = {
    "horizon": "2h", "period": "1h",
    "contact_types": [
        {"name": "chat", "channel": "chat", "arrivals": {"per_hour": 40},
         "handle_time": {"dist": "exponential", "mean": "8min"}, "slowdown": [1.0, 1.25],
         "patience": {"dist": "exponential", "mean": "2min"}},
        {"name": "calls", "arrivals": {"per_hour": 30},
         "handle_time": {"dist": "exponential", "mean": "4min"}},
    ],
    "agent_groups": [
        {"name": "digital", "skills": ["chat"], "staff": 3, "max_chats": 2},
        {"name": "phones", "skills": ["calls"], "staff": 3},
    ],
}


def _blended(d: dict, **keys) -> None:
    d["agent_groups"][0].update(**{"skills": ["calls", "chat"], "mix": True, **keys})


def _with(change) -> dict:
    data = copy.deepcopy(CHAT)
    change(data)
    return data


#: Bad chat keys (and mix), each with the message it must raise.
_BAD_CHAT = [
    (lambda d: d["contact_types"][0].update(slowdown=[1.0, 1.2, 1.5]),
     r"^contact_types\[chat\]\.slowdown: gives 3 factor\(s\), but the groups taking 'chat' "
     r"hold up to 2 chat\(s\) at once \(max_chats\): give one factor per chat held, 2 in all$"),
    (lambda d: d["contact_types"][0].update(slowdown=[1.0, 0.8]),
     r"slowdown\[1\]: must be >= 1 \(got 0\.8\)"),
    (lambda d: d["contact_types"][0].update(slowdown=[]),
     r"^contact_types\[chat\]\.slowdown: must not be empty \(got \[\]\)$"),
    (lambda d: d["agent_groups"][1].update(max_chats=3),
     r"^agent_groups\[phones\]\.max_chats: set, but the group takes no chat type"),
    (lambda d: d["agent_groups"][0].update(max_chats=0),
     r"agent_groups\[digital\]\.max_chats: must be >= 1 \(got 0\)"),
    (lambda d: d["contact_types"][1].update(slowdown=[1.0]),
     r"^contact_types\[calls\]\.slowdown: set, but the type's channel is 'voice'"),
    (lambda d: d["contact_types"][0].update(redial={"share": 0.5, "delay": "5min"}),
     r"^contact_types\[chat\]\.redial: not available for a chat yet"),
    (lambda d: d.update(callbacks={"queue_at_least": 10, "accept": 0.5, "promise": "1h",
                                   "schedule": "when_idle"}),
     r"^contact_types\[chat\]\.callbacks: not available for a chat yet .* or set callbacks "
     r"= false on the type$"),
    (lambda d: d.update(lines=20),
     r"^lines: counts phone lines, but the scenario has chat types \(chat\)"),
    (lambda d: d["agent_groups"][1].update(skills=["calls", {"type": "chat", "after": "20s"}]),
     r"^agent_groups\[phones\]\.skills: takes the chat type 'chat' after a delay"),
    (lambda d: (d["contact_types"].append({**d["contact_types"][0], "name": "sales",
                                           "slowdown": [1.0, 1.5]}),
                d["agent_groups"][0].update(skills=["chat", "sales"])),
     r"^agent_groups\[digital\]\.skills: takes the chat types 'chat' and 'sales', which slow "
     r"differently .* \(\[1\.0, 1\.25\] and \[1\.0, 1\.5\] up to its max_chats\): an agent "
     r"works at one pace, so give them the same slowdown$"),
    (lambda d: d["agent_groups"][0].update(handle_scale={"chat": 0.8}),
     r"^agent_groups\[digital\]\.handle_scale\.chat: scales the chat type"),
    (lambda d: d["agent_groups"][0].update(mix=True),
     r"^agent_groups\[digital\]\.mix: set, but the group takes no call \(a live type not "
     r"chat\): mix lets an agent holding chats take a call$"),
    (lambda d: d["agent_groups"][1].update(mix=True),
     r"^agent_groups\[phones\]\.mix: set, but the group takes no chat type"),
    (lambda d: _blended(d, mix="yes"), r"agent_groups\[digital\]\.mix: "),
    (lambda d: _blended(d, take="longest_waiting"),
     r"^agent_groups\[digital\]\.mix: not available with take = 'longest_waiting' yet"),
    (lambda d: (_blended(d), d.update(callbacks={"queue_at_least": 10, "accept": 0.5,
                                                  "promise": "1h", "schedule": "when_idle"}),
                d["contact_types"][0].update(callbacks=False)),
     r"^agent_groups\[digital\]\.mix: not available with callbacks yet"),
]


def test_a_blended_group_with_mix_says_so():
    scenario = Scenario.from_dict(_with(_blended))
    assert "takes a call while it holds some, which wait meanwhile" in (
        scenario.agent_groups[0].describe())


def _email(d: dict, **keys) -> None:
    d["contact_types"][1].update(channel="email", **keys)


#: Bad keys of deferrable work.
_BAD_DEFERRABLE = [
    (lambda d: _email(d, patience={"dist": "exponential", "mean": "1h"}),
     r"^contact_types\[calls\]\.patience: set on a email type: nobody hangs up on "
     r"deferrable work; it waits until handled; remove it$"),
    (lambda d: _email(d, backlog=-3), r"contact_types\[calls\]\.backlog: must be >= 0"),
    (lambda d: d["contact_types"][1].update(backlog=10),
     r"^contact_types\[calls\]\.backlog: set, but the type's channel is 'voice'"),
    (lambda d: _email(d, backlog_age="2h"),
     r"^contact_types\[calls\]\.backlog_age: set, but the type has no backlog"),
    (lambda d: _email(d, max_waiting=10),
     r"^contact_types\[calls\]\.max_waiting: set on a email type: not available"),
    (lambda d: _email(d, hours=["00:00", "01:00"], at_close="clear"),
     r"^contact_types\[calls\]\.at_close: set on a email type: items still waiting at "
     r"closing are worked the next opening"),
    (lambda d: (_email(d), d["agent_groups"][0].update(
        skills=["chat", {"type": "calls", "after": "1h"}])),
     r"^agent_groups\[digital\]\.skills: takes the email type 'calls' after a delay"),
]


@pytest.mark.parametrize(("change", "expected"), [*_BAD_CHAT, *_BAD_DEFERRABLE])
def test_bad_channel_keys_name_the_key_path(change, expected):
    with pytest.raises(ScenarioError) as caught:
        Scenario.from_dict(_with(change))
    assert re.search(expected, str(caught.value)), str(caught.value)


def test_a_chat_scenario_is_valid_and_describes_its_seats():
    scenario = Scenario.from_dict(CHAT)
    text = scenario.contact_types[0].describe() + scenario.agent_groups[0].describe()
    assert text.startswith("a chat (handle time × 1 with 1 chat held")
    assert "× 1.25 with 2" in text and "holds up to 2 chats at once" in text


def test_ccsim_run_exits_2_on_a_bad_chat_key(tmp_path, capsys):
    path = tmp_path / "chat.toml"
    path.write_text(
        'horizon = "1h"\nperiod = "1h"\n'
        '[[contact_types]]\nname = "chat"\nchannel = "chat"\n'
        'arrivals = { per_hour = 10 }\nhandle_time = "5min"\nslowdown = [1.0, 0.9]\n'
        '[[agent_groups]]\nname = "digital"\nskills = ["chat"]\nstaff = 2\nmax_chats = 2\n')
    code = main(["run", str(path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"ccsim: error: {path}: contact_types[chat].slowdown[1]: "
                          "must be >= 1 (got 0.9)")
