"""ccsim.report and ccsim.report_page: the printed summary per contact type and team,
targets judged from confidence intervals, and the self-contained report page."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ccsim.experiment import Experiment, Results, load_experiment, run_experiment
from ccsim.plots import plot_results
from ccsim.report import Target, _spans, summary_text, verdict
from ccsim.report_page import report_html, write_report
from ccsim.scenario import Scenario, load_scenario

#: Two types, two teams, three hours. Billing is understaffed on purpose so that the
#: service-level target (90 % in 20 s) is missed beyond doubt, the centre's abandonment
#: target (50 %) met beyond doubt.
DAY = """\
name = "two-team day"
start = "09:00"
period = "30min"
horizon = "3h"

[service_level]
answer_within = "20s"

[targets]
service_level = 0.9
abandon_rate = 0.5

[[contact_types]]
name = "billing"
arrivals = { per_hour = 120 }
handle_time = { dist = "exponential", mean = "4min" }
patience = { dist = "exponential", mean = "2min" }

[[contact_types]]
name = "tech"
arrivals = { per_hour = 30 }
handle_time = { dist = "exponential", mean = "6min" }
patience = { dist = "exponential", mean = "5min" }

[[agent_groups]]
name = "specialists"
skills = ["billing"]
staff = 4

[[agent_groups]]
name = "generalists"
skills = ["tech", "billing"]
staff = [4, 5, 5, 5, 4, 4]
"""

SWEEP = """\
scenario = "day.toml"
replications = 4
[vary]
"agent_groups.specialists.staff" = [3, 8]
"""


def _run(directory: Path, experiment: Experiment) -> Results:
    results = run_experiment(experiment, workers=1, out=directory, progress=False)
    plot_results(directory)
    return results


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Results:
    folder = tmp_path_factory.mktemp("day")
    (folder / "day.toml").write_text(DAY)
    scenario = load_scenario(folder / "day.toml")
    experiment = Experiment.from_scenario(scenario, replications=5, seed=3,
                                          source=folder / "day.toml")
    return _run(folder / "out", experiment)


@pytest.fixture(scope="module")
def sweep(tmp_path_factory: pytest.TempPathFactory) -> Results:
    folder = tmp_path_factory.mktemp("sweep")
    (folder / "day.toml").write_text(DAY)
    (folder / "sweep.toml").write_text(SWEEP)
    return _run(folder / "out", load_experiment(folder / "sweep.toml"))


# --- verdicts and clock spans ---------------------------------------------------------------


@pytest.mark.parametrize(("mean", "half", "expected"), [
    (0.85, 0.02, "met"),        # the whole CI above 80 %
    (0.80, 0.0, "met"),         # exactly on target counts as met
    (0.81, 0.02, "unclear"),    # the CI straddles the target
    (0.75, 0.02, "missed"),     # the whole CI below
    (0.95, math.nan, "unclear"),  # one replication: no CI, no verdict
    (math.nan, 0.01, "unclear"),
])
def test_a_higher_is_better_target_is_missed_only_when_the_whole_ci_is_below(
    mean: float, half: float, expected: str
) -> None:
    assert verdict(mean, half, Target("service_level", 0.8)) == expected


def test_a_lower_is_better_target_is_judged_the_other_way() -> None:
    asa = Target("asa", 20.0)
    assert verdict(12.0, 3.0, asa) == "met"
    assert verdict(19.0, 3.0, asa) == "unclear"
    assert verdict(25.0, 3.0, asa) == "missed"
    assert asa.text == "ASA ≤ 20 s"
    assert Target("service_level", 0.8).text == "service level ≥ 80%"


def test_missed_intervals_read_as_clock_spans_and_days_on_a_long_horizon() -> None:
    scenario = Scenario.from_dict({**_day_dict(), "start": "22:00", "horizon": "4h",
                                   "agent_groups": [{"name": "a", "skills": ["billing", "tech"],
                                                     "staff": 9}]})
    assert _spans([0, 1, 3], scenario) == ["d1 22:00–d1 23:00", "d1 23:30–d2 00:00"]
    short = Scenario.from_dict(_day_dict())
    assert _spans([0, 1, 2, 5], short) == ["09:00–10:30", "11:30–12:00"]


def _day_dict() -> dict:
    import tomllib

    return tomllib.loads(DAY)


# --- the printed summary ------------------------------------------------------------------


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
    other = _day_dict()
    other["service_level"] = {"answer_within": "30s", "definition": "answered"}
    summary = day.summary()
    from ccsim.report import _totals, sl_label

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
    results = _run(tmp_path / "out", Experiment.from_scenario(scenario, replications=3))
    (results.out / "runs" / "v0000-r0002.json").unlink()  # as if interrupted
    for table in results.out.glob("*.parquet"):
        table.unlink()
    partial = Results.load(results.out)
    assert "note: 2 of 3 runs finished (1 not run yet)" in summary_text(partial, "day")
    page = report_html(partial)
    assert "id=coverage" in page and "Only 2 of 3 runs finished" in page


# --- the report page ----------------------------------------------------------------------


class _Page(HTMLParser):
    """The tables of a page (id → rows of cell text) and its URLs and tags."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.urls: list[str] = []
        self.tags: set[str] = set()
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        values = dict(attrs)
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]
        if tag == "table":
            self._table = self.tables.setdefault(values.get("id") or "", [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._table is not None:
            self._table[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    return parser


def test_write_report_writes_one_self_contained_page(day: Results) -> None:
    path = write_report(day.out)
    assert path == day.out / "report.html"
    page = path.read_text(encoding="utf-8")
    parsed = _parse(page)
    assert not re.search(r"https?://", page)  # nothing to fetch: no network
    assert not parsed.tags & {"script", "link", "iframe", "object"}
    assert all(u.startswith(("data:image/png;base64,", "#")) for u in parsed.urls), parsed.urls
    charts = sorted((day.out / "charts").rglob("*.png"))
    assert charts and page.count("data:image/png;base64,") == len(charts)


def test_the_page_has_every_table_with_its_rows(day: Results) -> None:
    tables = _parse(report_html(day)).tables
    assert set(tables) >= {"targets", "intervals-missed", "contact-types", "teams", "totals",
                           "by-contact-type", "by-team"}
    first = {name: [row[0] for row in rows[1:]] for name, rows in tables.items()}
    assert first["by-contact-type"] == ["all", "billing", "tech"]
    assert first["by-team"] == first["teams"] == ["specialists", "generalists"]
    assert first["contact-types"] == ["billing", "tech"]
    assert "service level (answered within 20 s)" in first["totals"]
    header = tables["by-team"][0]
    assert header[:3] == ["agent group", "occupancy", "occupancy (with drain)"]
    assert all("±" in c for row in tables["by-team"][1:] for c in row[1:])
    billing = tables["contact-types"][1]
    assert billing[1:3] == ["360", "60 at 09:00"]  # 120 an hour over 3 h; per interval
    assert billing[3] == ("arrivals 120 an hour (Poisson); handle time exponential, mean "
                          "4min; no wrap-up; patience exponential, mean 2min")
    assert tables["teams"][2][1] == ("takes tech → billing (in order of preference); staff "
                                     "4–5 over the horizon")
    assert tables["teams"][2][2] == "13.5"  # agent-hours: 27 half-hours


def test_the_page_flags_targets_and_the_intervals_that_miss_them(day: Results) -> None:
    page = report_html(day)
    tables = _parse(page).tables
    header, *rows = tables["targets"]
    assert header == ["contact type", "service level ≥ 90%", "abandonment ≤ 50%"]
    centre = dict(zip(header, rows[0], strict=True))
    assert centre["service level ≥ 90%"].endswith("missed")
    assert centre["abandonment ≤ 50%"].endswith("met")
    assert "<span class=missed>missed</span>" in page
    missed = [row for row in tables["intervals-missed"][1:] if row[1] == "billing"]
    assert missed and missed[0][0] == "service level ≥ 90%"
    assert re.fullmatch(r"\d\d:\d\d–\d\d:\d\d.*", missed[0][3])


def test_the_page_describes_the_scenario_and_shows_its_inputs(day: Results) -> None:
    page = report_html(day)
    assert "3h from 09:00, reported in 30min intervals (6)" in page
    assert "Service level: answered within 20s, of the contacts offered" in page
    assert "Targets: service level at least 90 %; abandonment at most 50 %." in page
    assert "<summary><code>day.toml</code></summary>" in page
    assert 'name = &quot;two-team day&quot;' in page  # the file verbatim, escaped


def test_a_sweep_page_lists_its_variants_and_a_row_per_variant_and_type(sweep: Results) -> None:
    tables = _parse(report_html(sweep)).tables
    variants = [row[0] for row in tables["variants"][1:]]
    assert variants == sweep.variants
    assert tables["variants"][1][1] == "specialists team staff = 3"
    rows = tables["by-contact-type"][1:]
    assert [(r[0], r[1]) for r in rows] == [
        (v, t) for v in sweep.variants for t in ("all", "billing", "tech")
    ]
    assert [r[0] for r in tables["totals"][1:]] == sweep.variants


# --- the page of any callback policy, and of a sweep: the answer first ------------------


#: Callback policies the page once crashed on (a None promise, a curve read as a share, a
#: policy with no offer), and the words it must now say about each.
CALLBACK_POLICIES = {
    "keep_place": ('[callbacks]\nqueue_at_least = 2\naccept = 0.5\nmode = "keep_place"\n',
                   ["hangs up but keeps its place in the queue", "50 % accept"]),
    "curve": ('[callbacks]\nqueue_at_least = 2\naccept = [[0, 0.1], ["5min", 0.6]]\n'
              'promise = "1h"\n', ["acceptance by predicted wait: 0s → 10 %, 5min → 60 %",
                                   "promised within 1h"]),
    "recalls_only": ('[callbacks.abandoned]\nshare = 0.5\ndelay = "10min"\n',
                     ["calls back 50 % of the customers who hung up on the line, 10min "
                      "after they hung up"]),
}


@pytest.mark.parametrize("case", list(CALLBACK_POLICIES))
def test_ccsim_run_writes_a_page_that_says_what_the_callback_policy_does(
    case: str, tmp_path: Path
) -> None:
    from html import unescape

    from ccsim.cli import main

    table, said = CALLBACK_POLICIES[case]
    path = tmp_path / "day.toml"
    path.write_text(DAY + "\n" + table)
    out = tmp_path / "out"
    assert main(["run", str(path), "-n", "2", "--workers", "1", "--quiet", "--out",
                 str(out)]) == 0
    page = unescape((out / "report.html").read_text(encoding="utf-8"))
    words = page.split("<p id=scenario-words>", 1)[1].split("</p>", 1)[0]
    assert words.count("Callbacks (billing and tech): ") == 1
    for text in said:
        assert text in words
    assert not re.search(r"\b(None|nan)\b", words)


def test_the_page_says_why_the_service_level_falls_with_offers_only_when_they_are_made(
    tmp_path: Path,
) -> None:
    from ccsim.cli import main

    pages = {}
    for case, table in (("offers", CALLBACK_POLICIES["keep_place"][0]),
                        ("recalls", CALLBACK_POLICIES["recalls_only"][0])):
        path = tmp_path / f"{case}.toml"
        path.write_text(DAY + "\n" + table)
        out = tmp_path / case
        assert main(["run", str(path), "-n", "2", "--workers", "1", "--quiet", "--out",
                     str(out)]) == 0
        pages[case] = (out / "report.html").read_text(encoding="utf-8")
    note = re.search(r"<p class=note id=sl-note>([^<]+)</p>", pages["offers"])
    assert note and "stays in its denominator" in note.group(1)
    # The note sits under the table with the headline, before the charts.
    page = pages["offers"]
    assert page.index("id=totals") < note.start() < page.index("id=charts-section")
    assert "id=sl-note" not in pages["recalls"]  # recalls alone accept nothing


def _h2(page: str) -> list[str]:
    return re.findall(r"<h2 id=([\w-]+)>", page)


def test_a_sweep_page_starts_with_the_answer_and_folds_the_targets_per_variant(
    sweep: Results,
) -> None:
    page = report_html(sweep)
    order = _h2(page)
    assert order[:3] == ["results-section", "charts-section", "targets-section"]
    assert order.index("scenario-section") > order.index("targets-section")
    # The answer (the per-variant table and the charts) before any per-interval table.
    assert page.index("id=totals") < page.index("id=charts") < page.index("intervals-missed")
    folded = re.findall(r"<details class=variant id=targets-(\d+)><summary><b>([^<]+)</b>: "
                        r"([^<]+)</summary>", page)
    assert [(int(i), label) for i, label, _ in folded] == list(enumerate(sweep.variants))
    assert all(re.fullmatch(r"(\d+ (met|missed|unclear)(, )?)+; (\d+ intervals? miss a "
                            r"target|no interval misses a target)", tally)
               for _, _, tally in folded), folded
    tables = _parse(page).tables
    assert "targets" not in tables and "intervals-missed" not in tables  # only folded ones
    assert tables["targets-0-day"][0] == ["contact type", "service level ≥ 90%",
                                          "abandonment ≤ 50%"]
    assert [r[0] for r in tables["targets-1-day"][1:]] == ["all", "billing", "tech"]


CALLBACK_ACCEPT_SWEEP = """\
scenario = "day.toml"
replications = 2
[vary]
"callbacks.accept" = [0.3, 0.9]
"""


def test_a_sweep_of_policies_shows_their_metrics_per_variant_and_its_changes_in_words(
    tmp_path: Path,
) -> None:
    (tmp_path / "day.toml").write_text(
        DAY + '\n[callbacks]\nqueue_at_least = 1\naccept = 0.5\npromise = "20min"\n')
    (tmp_path / "sweep.toml").write_text(CALLBACK_ACCEPT_SWEEP)
    results = run_experiment(load_experiment(tmp_path / "sweep.toml"), workers=1,
                             progress=False)
    tables = _parse(report_html(results)).tables
    callbacks = tables["policy-callbacks"]
    assert callbacks[0][:3] == ["variant", "callbacks offered", "callbacks accepted"]
    assert "promises kept" in callbacks[0] and "callback delay" in callbacks[0]
    assert not any("recall" in h or "followup" in h for h in callbacks[0])  # none happened
    assert [r[0] for r in callbacks[1:]] == results.variants
    # Each with its interval: ± a half-width, or its ends where it reaches below 0.
    assert all(re.search(r" ± | \[[\d.]+, [\d.]+\]", c) for r in callbacks[1:] for c in r[1:3])
    assert "policy-outbound" not in tables and "policy-resolution" not in tables
    assert [r[1] for r in tables["variants"][1:]] == ["callbacks: 30 % accept",
                                                      "callbacks: 90 % accept"]


def test_a_number_cell_breaks_before_its_ci_only_so_a_wide_table_fits_the_page(
    sweep: Results,
) -> None:
    page = report_html(sweep)
    totals = page.split("<table id=totals", 1)[1].split("</table>", 1)[0]
    cells = re.findall(r"<td class=wrap>(.*?)</td>", totals)
    assert len(cells) == 5 * len(sweep.variants)  # every number of the per-variant table
    for html in cells:
        assert re.fullmatch(r"<span class=n>[^<]+</span> <span class=n>± [^<]+</span>"
                            r"( <span class=(met|missed|unclear)>\w+</span>)?", html), html
    assert ".n { white-space: nowrap; }" in page and "td.wrap { white-space: normal; }" in (
        page.replace("table.words td, ", ""))
# --- what a planner reads in the terminal, through `ccsim run` ------------------------------

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
    done = subprocess.run([sys.executable, "-m", "ccsim.cli", "run", str(folder / name),
                           "--out", str(folder / f"out_{name}"), "--workers", "1", *extra],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


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


def test_the_service_level_note_is_for_offers_counted_in_the_headline() -> None:
    from ccsim.report import sl_note

    offers = {"queue_at_least": 2, "accept": 0.5, "promise": "1h"}
    plain = _day_dict()
    with_offers = {**plain, "callbacks": offers}
    of_answered = {**with_offers, "service_level": {"answer_within": 20,
                                                    "definition": "answered"}}
    recalls = {**plain, "callbacks": {"abandoned": {"share": 1, "delay": "5min"}}}
    assert sl_note([Scenario.from_dict(with_offers)]).startswith("With callback offers")
    assert sl_note([Scenario.from_dict(plain), Scenario.from_dict(with_offers)]) is not None
    for quiet in (plain, of_answered, recalls):  # nothing accepted counts against it
        assert sl_note([Scenario.from_dict(quiet)]) is None


def test_a_sweep_shows_the_policy_service_level_next_to_the_headline() -> None:
    from ccsim.report import KEY_METRICS, sweep_metrics, type_metrics

    assert sweep_metrics([]) == KEY_METRICS
    assert sweep_metrics(["callbacks"])[:2] == ("service_level", "sl_on_line")
    assert "promise_kept" in sweep_metrics(["callbacks"])
    assert sweep_metrics(["quotas", "outbound"])[-2:] == ("outbound_successes",
                                                          "quota_attainment")
    assert type_metrics(["callbacks"]) == ("offered", "service_level", "sl_on_line", "asa",
                                           "abandon_rate")


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
