"""ccsim.report.text: the printed summary per contact type and team, targets marked from
the confidence intervals, and what a planner reads in the terminal through ``ccsim run``."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest
from report_cases import DAY, day_dict, parse, run_and_plot

from ccsim.cli import main
from ccsim.experiment import Experiment, Results
from ccsim.report import report_html, summary_text
from ccsim.scenario import Scenario, load_scenario


def test_the_printed_summary_has_a_table_per_contact_type_and_per_team(day: Results) -> None:
    text = summary_text(day, "two-team day (day.toml)")
    lines = text.splitlines()
    assert lines[0].startswith("two-team day (day.toml)  (mean ± 95% CI half-width over 5 ")
    header = next(i for i, line in enumerate(lines) if line.startswith("  contact type"))
    assert [lines[header + k].split()[0] for k in (1, 2, 3)] == ["all", "billing", "tech"]
    assert "service level (20 s)" in lines[header] and "ASA" in lines[header]
    team = next(i for i, line in enumerate(lines) if line.startswith("  agent group"))
    assert "occupancy" in lines[team] and "staffed hours" in lines[team]
    assert [lines[team + k].split()[0] for k in (1, 2)] == ["specialists", "generalists"]
    # 4 specialists for 3 h: 12 staffed hours in every replication.
    assert re.search(r"specialists\s+[\d.]+ ± [\d.]+%\s+12\.0 ± 0\.0 h", lines[team + 1])


def test_service_level_is_printed_with_its_threshold_and_a_non_default_definition(
    day: Results,
) -> None:
    text = summary_text(day, "day")
    assert re.search(r"^  service level \(answered within 20 s\)\s+[\d.]+ ± ", text, re.M)
    other = day_dict()
    other["service_level"] = {"answer_within": "30s", "definition": "answered"}
    summary = day.summary()
    from ccsim.report import sl_label
    from ccsim.report.text import _totals

    label = sl_label(Scenario.from_dict(other))
    assert label == "service level (answered within 30 s; of answered)"
    assert label in "\n".join(_totals(summary, "t", (), Scenario.from_dict(other)))


def test_targets_are_marked_on_totals_and_types_and_missed_intervals_listed(
    day: Results,
) -> None:
    text = summary_text(day, "day")
    # The totals: billing drags the centre far below 90 %, abandonment is far under 50 %.
    assert re.search(r"service level \(answered within 20 s\).*target ≥ 90%: missed", text)
    assert re.search(r"abandonment .*target ≤ 50%: met", text)
    billing = next(line for line in text.splitlines() if line.startswith("  billing"))
    assert re.search(r"[\d.]+ ± [\d.]+% missed", billing)
    assert "targets: met or missed when the whole 95% CI is on one side" in text
    missed = re.search(r"service level ≥ 90% missed in billing: ([^(]+?)( \(every interval\))?$",
                       text, re.M)
    assert missed, text
    assert re.fullmatch(r"\d\d:\d\d–\d\d:\d\d(, \d\d:\d\d–\d\d:\d\d)*", missed.group(1))


def test_a_sweep_prints_each_key_metric_per_variant_and_type_and_misses_per_variant(
    sweep: Results,
) -> None:
    text = summary_text(sweep, "sweep")
    blocks = text.split("\n\n")
    assert blocks[0].splitlines()[1].split()[0] == "variant"
    titled = {block.splitlines()[0].strip(): block for block in blocks}
    table = titled["service level (answered within 20 s) by contact type"]
    assert table.splitlines()[1].split() == ["variant", "all", "billing", "tech"]
    assert len(table.splitlines()) == 2 + 2  # a row per variant
    assert "ASA by contact type" in titled and "abandonment by contact type" in titled
    teams = titled["occupancy of staffed hours by agent group"]
    assert teams.splitlines()[1].split() == ["variant", "specialists", "generalists"]
    assert re.search(r"% of 9\.0 h", teams) and re.search(r"% of 24\.0 h", teams)  # 3, 8 for 3 h
    misses = titled["targets: met or missed when the whole 95% CI is on one side, else unclear"]
    assert "intervals (of 6) that miss a target" in misses
    assert re.search(r"billing \d", misses)


def test_a_summary_table_alone_still_prints_the_totals(day: Results) -> None:
    text = summary_text(day.summary(), "day")
    assert "service level" in text and "contact type" not in text


def test_missing_runs_are_noted(tmp_path: Path) -> None:
    (tmp_path / "day.toml").write_text(DAY)
    scenario = load_scenario(tmp_path / "day.toml")
    results = run_and_plot(tmp_path / "out", Experiment.from_scenario(scenario, replications=3))
    (results.out / "runs" / "v0000-r0002.json").unlink()  # as if interrupted
    for table in results.out.glob("*.parquet"):
        table.unlink()
    partial = Results.load(results.out)
    assert "note: 2 of 3 runs finished (1 not run yet)" in summary_text(partial, "day")
    page = report_html(partial)
    assert "id=coverage" in page and "Only 2 of 3 runs finished" in page


#: One type, two hours, under-staffed so that callers wait, with callback offers made to
#: callers who find 2 waiting ahead; half accept.
CALLBACK_DAY = """\
name = "callback hours"
period = "30min"
horizon = "2h"

[service_level]
answer_within = "20s"

[targets]
service_level = 0.8
abandon_rate = 0.05
asa = 20

[callbacks]
queue_at_least = 2
accept = 0.5
promise = "1h"

[[contact_types]]
name = "calls"
arrivals = { per_hour = 200 }
handle_time = { dist = "exponential", mean = "4min" }
patience = { dist = "exponential", mean = "3min" }

[[agent_groups]]
name = "agents"
skills = ["calls"]
staff = 12
"""


CALLBACK_SWEEP = """\
scenario = "callback_hours.toml"
replications = 3
seed = 5

[[variants]]
label = "no offer"
"callbacks.accept" = 0

[[variants]]
label = "offer"
"""


#: A blended team with a quota, and unresolved matters that call again.
BLENDED_DAY = """\
name = "blended hours"
period = "30min"
horizon = "2h"

[[contact_types]]
name = "calls"
arrivals = { per_hour = 120 }
handle_time = { dist = "exponential", mean = "4min" }
patience = { dist = "exponential", mean = "3min" }
resolution = 0.8
repeat_delay = { dist = "exponential", mean = "20min" }

[[agent_groups]]
name = "sales"
skills = ["calls"]
staff = 10
outbound = ["leads"]
quota = { daily = 4 }

[[outbound]]
name = "leads"
reach = 0.5
handle_time = { dist = "exponential", mean = "5min" }
success = 0.3
"""


BLENDED_SWEEP = """\
scenario = "blended_hours.toml"
replications = 2
seed = 5

[vary]
"agent_groups.sales.quota.daily" = [2, 8]
"""


def _ccsim_run(folder: Path, name: str, *extra: str) -> str:
    """What ``ccsim run`` prints (its entry point, in this process)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["run", str(folder / name), "--out", str(folder / f"out_{name}"),
                     "--workers", "1", *extra])
    assert code == 0, err.getvalue()
    return out.getvalue()


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory, sweep: Results) -> dict[str, str]:
    """What `ccsim run` prints for a callback sweep, a blended sweep and the callback day
    run alone; and the summary of a sweep without policies (the same function prints it)."""
    folder = tmp_path_factory.mktemp("printed")
    for name, text in {"callback_hours.toml": CALLBACK_DAY, "callbacks.toml": CALLBACK_SWEEP,
                       "blended_hours.toml": BLENDED_DAY, "blended.toml": BLENDED_SWEEP}.items():
        (folder / name).write_text(text)
    return {
        "callbacks": _ccsim_run(folder, "callbacks.toml"),
        "blended": _ccsim_run(folder, "blended.toml"),
        "plain": summary_text(sweep, "plain sweep"),
        "callback day": _ccsim_run(folder, "callback_hours.toml", "-n", "3"),
    }


def _table(out: str) -> str:
    """The printed tables, without the closing line that names the results directory."""
    return out.split("\nresults in ")[0]


def test_a_sweep_prints_the_metrics_of_the_policies_its_variants_configure(printed):
    callbacks, blended, plain = (_table(printed[k]) for k in ("callbacks", "blended", "plain"))
    for label in ("callbacks accepted", "callback delay", "promises kept",
                  "service level (on the line)"):
        assert label in callbacks, label
    for label in ("outbound successes", "quota attainment", "first-contact resolution",
                  "repeat contacts"):
        assert label in blended, label
    policy_labels = ("callback", "outbound", "quota", "resolution", "repeat", "on the line")
    assert not any(label in plain for label in policy_labels)  # a plain sweep: as before
    assert not any(label in callbacks for label in ("outbound", "quota", "repeat contacts"))


def test_the_printed_tables_fit_in_100_columns(printed):
    for name, out in printed.items():
        _title, *lines = _table(out).splitlines()  # the title names the user's file
        wide = [line for line in lines if len(line) > 100]
        assert not wide, (name, wide)


def test_a_service_level_interval_never_leaves_0_to_100_percent_in_print(printed):
    for out in printed.values():
        for mean, half in re.findall(r"(\d[\d.]*) ± (\d[\d.]*)%", out):
            assert float(mean) - float(half) >= 0 and float(mean) + float(half) <= 100.005
        for low, high in re.findall(r"\[(\d[\d.]*), (\d[\d.]*)\]", out):
            assert 0 <= float(low) <= float(high)
    # promises kept on a short day: few callbacks, a wide interval near 100 %
    assert re.search(r"\d% \[\d[\d.]*, 100\.00\]", printed["callbacks"] + printed["blended"])


def test_long_durations_print_in_minutes_or_hours(printed):
    def unit(label: str) -> str:
        ci = r"(?:± [\d,.]+|\[[\d,.]+, [\d,.]+\])"  # ± half-width, or the clipped ends
        found = re.search(rf"^  {label} +[\d,.]+ (?:{ci} +)?(\S+)", printed["callback day"],
                          re.MULTILINE)
        assert found, label
        return found.group(1)

    assert unit("agent time on callbacks") in ("min", "h")
    assert unit("callback delay") in ("min", "h")
    assert unit("ASA") == "s"  # under two minutes: still seconds


def test_the_service_level_with_callback_offers_is_explained_next_to_that_on_the_line(printed):
    for out in (printed["callbacks"], printed["callback day"]):
        text = " ".join(_table(out).split())
        assert "an accepted callback stays in its denominator" in text
        assert "the service level of the customers who stayed on the line" in text
    day = printed["callback day"].splitlines()
    headline = next(i for i, line in enumerate(day) if "service level (answered" in line)
    assert "service level (on the line)" in day[headline + 1]  # read together
    assert "stays in its denominator" not in " ".join(printed["plain"].split())
    assert "stays in its denominator" not in " ".join(printed["blended"].split())


def test_a_wide_grid_wraps_into_blocks_that_repeat_the_first_column() -> None:
    from ccsim.report import grid

    header = ["variant", *[f"metric {i}" for i in range(6)]]
    rows = [["a long variant label", *[f"{i}0.00 ± 1.00%" for i in range(6)]]]
    lines = grid(header, rows, width=60)
    assert max(map(len, lines)) <= 60
    blocks = "\n".join(lines).split("\n\n")
    assert len(blocks) == 3
    assert all(b.startswith("  variant") and "a long variant label" in b for b in blocks)
    assert len(grid(header, rows, width=200)) == 2  # it fits: one block, header and row


def _channels_day(order: tuple[str, ...]) -> Scenario:
    """Calls of two types and chat, listed in ``order``, over 4 hours."""
    calls = {"handle_time": {"dist": "exponential", "mean": 300},
             "patience": {"dist": "exponential", "mean": 200}}
    specs = {"billing": {"name": "billing", "arrivals": {"per_hour": 50}, **calls},
             "tech": {"name": "tech", "arrivals": {"per_hour": 30}, **calls},
             "chat": {"name": "chat", "channel": "chat", "arrivals": {"per_hour": 40},
                      "handle_time": {"dist": "exponential", "mean": 480},
                      "patience": {"dist": "exponential", "mean": 180},
                      "answer_within": 60}}
    return Scenario(name="channels", period=1800, horizon=4 * 3600,
                    contact_types=[specs[n] for n in order],
                    agent_groups=[{"name": "phones", "staff": 8, "skills": [
                                       n for n in order if n != "chat"]},
                                  {"name": "digital", "skills": ["chat"], "max_chats": 2,
                                   "staff": 3}])


def test_a_channel_of_several_types_gets_a_row_per_channel_in_print_and_on_the_page(
        tmp_path: Path) -> None:
    results = run_and_plot(tmp_path / "mixed", Experiment.from_scenario(
        _channels_day(("billing", "chat", "tech")), replications=3, seed=1))
    text = summary_text(results, "mixed")
    by_channel = results.summary(by="channel").set_index("channel")
    assert list(by_channel.index) == ["voice", "chat"]
    assert by_channel.loc["voice", "offered"] == pytest.approx(
        results.types[results.types.contact_type.isin(["billing", "tech"])]
        .groupby("replication").offered.sum().mean())
    table = text[text.index("\n  channel "):].split("\n\n")[0]
    assert re.search(r"\n  voice\s+[\d,.]+ ± [\d,.]+\s", table)
    assert "\n  chat (60 s) " in table  # its types' own threshold
    page = parse(report_html(results))
    assert [row[0] for row in page.tables["by-channel"][1:]] == ["voice", "chat (60 s)"]
    assert (tmp_path / "mixed" / "channels.csv").is_file()
    # One type per channel: the types' rows say it all, no channel table.
    alone = run_and_plot(tmp_path / "alone", Experiment.from_scenario(
        _channels_day(("billing", "chat")), replications=2, seed=1))
    assert "\n  channel " not in summary_text(alone, "alone")
    assert "by-channel" not in parse(report_html(alone)).tables
