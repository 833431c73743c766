"""ccsim.report.page: the self-contained report page — every table with its rows, targets
flagged, the scenario in words, the inputs, a sweep's answer first — for any callback
policy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from report_cases import DAY, parse

from ccsim.experiment import Results, load_experiment, run_experiment
from ccsim.report import report_html, write_report


def test_write_report_writes_one_self_contained_page(day: Results) -> None:
    path = write_report(day.out)
    assert path == day.out / "report.html"
    page = path.read_text(encoding="utf-8")
    parsed = parse(page)
    assert not re.search(r"https?://", page)  # nothing to fetch: no network
    assert not parsed.tags & {"script", "link", "iframe", "object"}
    assert all(u.startswith(("data:image/png;base64,", "#")) for u in parsed.urls), parsed.urls
    charts = sorted((day.out / "charts").rglob("*.png"))
    assert charts and page.count("data:image/png;base64,") == len(charts)


def test_the_page_has_every_table_with_its_rows(day: Results) -> None:
    tables = parse(report_html(day)).tables
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
    tables = parse(page).tables
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
    tables = parse(report_html(sweep)).tables
    variants = [row[0] for row in tables["variants"][1:]]
    assert variants == sweep.variants
    assert tables["variants"][1][1] == "specialists team staff = 3"
    rows = tables["by-contact-type"][1:]
    assert [(r[0], r[1]) for r in rows] == [
        (v, t) for v in sweep.variants for t in ("all", "billing", "tech")
    ]
    assert [r[0] for r in tables["totals"][1:]] == sweep.variants


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
    tables = parse(page).tables
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
    tables = parse(report_html(results)).tables
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
