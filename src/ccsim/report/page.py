"""The report page: one self-contained HTML file per results directory.

``report.html`` starts with the answer: the results of the whole centre (per variant in
a sweep, with a table per policy the variants use) with 95 % confidence intervals and the
charts of ``charts/``; then the targets met or missed (and the intervals that miss them,
folded per variant in a sweep), the tables per contact type and per team, the scenario in
words (:mod:`ccsim.report.words`) and the input files as they were run. It needs no
network and runs no script: the style sheet is inline and the charts are embedded as
``data:`` URIs, so the file can be mailed, archived or opened offline and shows the same
thing everywhere. Numbers read as in the terminal tables (:mod:`ccsim.report.text`), from
the same registry.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from ccsim.experiment.summary import CHAT_GROUP_METRICS, interval_summary
from ccsim.model.display import in_currency
from ccsim.model.registry import METRICS, metric
from ccsim.report.columns import (
    HOURS,
    TYPE_METRICS,
    cell,
    deferred_note,
    shared_channels,
    sl_label,
    sl_note,
)
from ccsim.report.coverage import coverage
from ccsim.report.daily import daily_html
from ccsim.report.html import (
    document,
    figure_html,
    goals_of,
    html_table,
    judged,
    number_html,
)
from ccsim.report.targets import (
    Miss,
    Target,
    channel_label,
    missed_intervals,
    part_label,
    targets,
    verdict,
)
from ccsim.report.words import base_scenario, scenario_section, variants_table

if TYPE_CHECKING:
    import pandas as pd

    from ccsim.experiment import Results
    from ccsim.scenario import Scenario


#: The page's file name in a results directory.
PAGE = "report.html"
#: Columns of the per-contact-type table of the page (the terminal shows fewer).
PAGE_TYPE_METRICS = (*TYPE_METRICS[:1], "answered", "abandoned", *TYPE_METRICS[1:],
                     "mean_wait", "wait_p90")
#: Columns of the per-team table of the page.
PAGE_GROUP_METRICS = ("occupancy", "occupancy_drain", "staffed_hours", "busy_hours")
#: The columns of the per-variant table of a sweep (each policy adds a table of its own).
SWEEP_METRICS = ("service_level", "asa", "abandon_rate", "occupancy", "offered")
#: The heading of each policy's table, by the ``policy`` of its metrics in the registry.
POLICY_TITLES = {"callbacks": "Callbacks", "resolution": "Resolution and repeat contacts",
                 "outbound": "Outbound calls and quotas", "chat": "Chat seats",
                 "deferred": "Deferrable work (e-mail, web, fax)"}


def write_report(directory: str | Path) -> Path:
    """Write ``directory/report.html`` from the results saved there (see
    :func:`report_html`) and return its path. ``ccsim report DIR`` calls this."""
    from ccsim.experiment import Results
    from ccsim.experiment.store import writing

    directory = Path(directory)
    path = directory / PAGE
    page = report_html(Results.load(directory))
    with writing(path):
        path.write_text(page, encoding="utf-8")
    return path


def _sl_note(scenarios: Mapping[str, Scenario]) -> list[str]:
    """Why the headline service level falls with callback offers
    (:func:`~ccsim.report.columns.sl_note`), and what the centre's waits mean beside
    deferrable work (:func:`~ccsim.report.columns.deferred_note`), under the table that
    shows them."""
    notes = {"sl-note": sl_note(scenarios.values()),
             "channel-note": deferred_note(scenarios.values())}
    return [f"<p class=note id={key}>{escape(note)}</p>" for key, note in notes.items()
            if note]


def report_html(results: Results) -> str:
    """The report page of ``results`` as one HTML document; charts and inputs are read
    from ``results.out`` when it is set."""
    scenarios = results.scenarios()
    base = base_scenario(results, scenarios)
    summary, by_type = results.summary(), results.summary(by="contact_type")
    currency = partial(in_currency, currency=base.costs.currency if base.costs else None)
    body = [
        f"<h1>{escape(results.name)}</h1>",
        f"<p class=sub>{escape(_subtitle(results, summary))}</p>",
        *_coverage(results, summary),
        "<h2 id=results-section>Results</h2>",
        "<p>Means over the replications ± the half-width of their 95 % confidence interval "
        "(Student t).</p>",
        currency(_totals_table(results, summary, base)),
        *_sl_note(scenarios),
        *daily_html(results, scenarios),
        *map(currency, _policy_tables(summary, scenarios)),
        "<h2 id=charts-section>Charts</h2>",
        *_charts(results.out),
        *variants_table(results),
        "<h2 id=targets-section>Targets</h2>",
        *_targets_section(results, by_type, scenarios),
        "<h2 id=details-section>Per contact type and per team</h2>",
        currency(_type_table(by_type, scenarios)),
        *_channel_table(results, scenarios),
        currency(_group_table(results.summary(by="group"), scenarios)),
        "<h2 id=scenario-section>The scenario</h2>",
        *scenario_section(results, base),
        "<h2 id=definitions-section>What the numbers mean</h2>",
        _definitions(base),
        "<h2 id=inputs-section>Inputs</h2>",
        *_inputs(results.out),
        f"<p class=sub>ccsim {escape(str(results.manifest.get('code_version', '')))}, "
        f"experiment fingerprint {escape(str(results.manifest.get('fingerprint', ''))[:12])}"
        "</p>",
    ]
    return document(f"{results.name} — ccsim report", body)


def _subtitle(results: Results, summary: pd.DataFrame) -> str:
    variants = len(results.variants)
    what = "one scenario" if variants == 1 else f"a sweep of {variants} variants"
    source = results.manifest.get("source") or results.manifest.get("scenario_source") or ""
    reps, seed = results.manifest["replications"], results.manifest["seed"]
    each = " each" if variants > 1 else ""
    return f"{what}, {reps} replications{each} (seed {seed})" + (f", from {source}" if source
                                                                 else "")


def _coverage(results: Results, summary: pd.DataFrame) -> list[str]:
    """A note when runs failed or are missing: the figures then rest on fewer runs."""
    runs = coverage(results, summary)
    if runs is None:
        return []
    failed = results.failed
    text = (f"Only {runs.done} of {runs.wanted} runs finished: {runs.failed} failed and "
            f"{runs.missing} have not run (an interrupted run: run the same command again to "
            "finish it). The figures below are over the finished runs.")
    shown = "".join(f"<li>{escape(str(f))}</li>" for f in failed[:10])
    more = f"<li>… and {len(failed) - 10} more</li>" if len(failed) > 10 else ""
    return [f"<div class=note id=coverage><p>{escape(text)}</p>"
            + (f"<ul>{shown}{more}</ul>" if failed else "") + "</div>"]


_TARGETS_NOTE = ("<p>A target is <span class=met>met</span> when the whole 95 % confidence "
                 "interval is on its good side, <span class=missed>missed</span> when it is "
                 "all on the wrong side, and <span class=unclear>unclear</span> otherwise (more "
                 "replications may tell).</p>")


def _targets_section(
    results: Results, by_type: pd.DataFrame, scenarios: Mapping[str, Scenario]
) -> list[str]:
    """The day against the targets and the intervals that miss them: as two tables for
    one scenario; for a sweep, folded per variant, each summed up in one line."""
    if not any(targets(s) for s in scenarios.values()):
        return ["<p id=no-targets>The scenario states no targets (add a <code>[targets]</code> "
                "table: service level, abandonment, ASA).</p>"]
    table = (interval_summary(results.intervals, list(dict.fromkeys(
        t.metric for s in scenarios.values() for t in targets(s))))
        if not results.intervals.empty else None)
    if len(scenarios) == 1:
        variant, scenario = next(iter(scenarios.items()))
        rows = by_type[by_type["variant"] == variant] if "variant" in by_type else by_type
        out = [_TARGETS_NOTE, _day_targets("targets", rows, scenario)]
        if table is not None:
            out.append(_misses("intervals-missed", missed_intervals(table, variant, scenario)))
        return out
    out = [_TARGETS_NOTE, "<p>Per variant, folded: open one to see its contact types against "
           "the targets and the intervals that miss them.</p>"]
    for i, (variant, scenario) in enumerate(scenarios.items()):
        rows = by_type[by_type["variant"] == variant]
        misses = missed_intervals(table, variant, scenario) if table is not None else []
        words = [_judged_word(r, t) for _, r in rows.iterrows() for t in targets(scenario)]
        tally = ", ".join(f"{words.count(w)} {w}" for w in ("met", "missed", "unclear")
                          if w in words)
        spans = sum(len(m.intervals) for m in misses)
        summary = (f"<b>{escape(variant)}</b>: {escape(tally or 'no targets')}"
                   + (f"; {spans} interval{'s' * (spans != 1)} miss a target" if misses
                      else "; no interval misses a target" if table is not None else ""))
        out.append(f"<details class=variant id=targets-{i}><summary>{summary}</summary>"
                   + _day_targets(f"targets-{i}-day", rows, scenario)
                   + (_misses(f"intervals-missed-{i}", misses) if table is not None else "")
                   + "</details>")
    return out


def _judged_word(row: pd.Series, target: Target) -> str:
    return verdict(row.get(target.metric, math.nan), row.get(f"{target.metric}_ci95",
                                                             math.nan), target)


def _day_targets(ident: str, rows: pd.DataFrame, scenario: Scenario) -> str:
    goals = targets(scenario)
    body = [[escape(part_label(r)), *[judged(r, t.metric, goals_of(scenario, r))
                                      for t in goals]] for _, r in rows.iterrows()]
    return html_table(ident, "The day against the targets",
                      ["contact type", *[t.text for t in goals]], body)


def _misses(ident: str, found: Sequence[Miss]) -> str:
    rows = [[escape(m.target.text), escape(m.contact_type), str(len(m.intervals)),
             escape(", ".join(m.spans))] for m in found]
    if not rows:
        return f"<p id={ident}>No interval misses a target.</p>"
    return html_table(ident, "Intervals in which the 95 % CI misses a target",
                      ["target", "contact type", "intervals", "when"], rows, words=True)


def _totals_table(results: Results, summary: pd.DataFrame, base: Scenario) -> str:
    scenarios = results.scenarios()
    if len(summary) == 1:
        row, goals = summary.iloc[0], goals_of(base)
        rows = [[escape(sl_label(base) if n == "service_level" else m.label),
                 judged(row, n, goals)] for n, m in METRICS.items() if n in row]
        return html_table("totals", "The whole centre", ["metric", "mean ± 95 % CI"], rows)
    rows = [[escape(str(r["variant"])),
             *[judged(r, n, goals_of(scenarios[r["variant"]])) for n in SWEEP_METRICS]]
            for _, r in summary.iterrows()]
    return html_table("totals", "The whole centre, per variant",
                      ["variant", *[_label(n, base) for n in SWEEP_METRICS]], rows)


def policy_metrics(summary: pd.DataFrame) -> dict[str, list[str]]:
    """The metrics of each policy (as the registry assigns them) that ``summary``
    reports with some value other than 0: the policies the variants use, and of
    each only what happened (no recall columns for a policy that only offers)."""
    found: dict[str, list[str]] = {}
    for name, m in METRICS.items():
        if m.policy is None or name not in summary:
            continue
        values = summary[name].to_numpy(dtype=float)
        if any(math.isfinite(v) and v != 0 for v in values):
            found.setdefault(m.policy, []).append(name)
    return found


def _policy_tables(summary: pd.DataFrame, scenarios: Mapping[str, Scenario]) -> list[str]:
    """A table per policy the variants of a sweep use, a row per variant (one scenario
    shows every metric in its totals table)."""
    if len(summary) == 1:
        return []
    first = next(iter(scenarios.values()))
    out = []
    for policy, names in policy_metrics(summary).items():
        rows = [[escape(str(r["variant"])),
                 *[judged(r, n, goals_of(scenarios[r["variant"]])) for n in names]]
                for _, r in summary.iterrows()]
        out.append(html_table(f"policy-{policy}", f"{POLICY_TITLES.get(policy, policy)}, per "
                              "variant", ["variant", *[_label(n, first) for n in names]], rows))
    return out


def _label(name: str, scenario: Scenario | None) -> str:
    return sl_label(scenario) if name == "service_level" else metric(name).label


def _type_table(by_type: pd.DataFrame, scenarios: Mapping[str, Scenario]) -> str:
    multi = len(scenarios) > 1
    first = next(iter(scenarios.values()))
    rows = [[*([escape(str(r["variant"]))] if multi else []),
             escape(part_label(r, scenarios[r["variant"]])),
             *[judged(r, n, goals_of(scenarios[r["variant"]], r)) for n in PAGE_TYPE_METRICS]]
            for _, r in by_type.iterrows()]
    header = [*(["variant"] if multi else []), "contact type",
              *[_label(n, first) for n in PAGE_TYPE_METRICS]]
    return html_table("by-contact-type", "Per contact type (all: the whole centre)", header,
                      rows, names=1 + multi)


def _channel_table(results: Results, scenarios: Mapping[str, Scenario]) -> list[str]:
    """Where a channel has several contact types: their metrics together, per channel."""
    if not shared_channels(scenarios.values()):
        return []
    by_channel = results.summary(by="channel")
    multi = len(scenarios) > 1
    first = next(iter(scenarios.values()))
    rows = [[*([escape(str(r["variant"]))] if multi else []),
             escape(channel_label(str(r["channel"]), scenarios[r["variant"]])),
             *[judged(r, n, {}) for n in PAGE_TYPE_METRICS]]
            for _, r in by_channel.iterrows()]
    header = [*(["variant"] if multi else []), "channel",
              *[_label(n, first) for n in PAGE_TYPE_METRICS]]
    return [html_table("by-channel", "Per channel (its contact types together)", header,
                       rows, names=1 + multi)]


def _group_table(by_group: pd.DataFrame, scenarios: Mapping[str, Scenario]) -> str:
    multi = len(scenarios) > 1
    show: Callable[[str], str] = lambda n: (HOURS[n] if n in HOURS else metric(n)).label  # noqa: E731
    # A chat group's seats, where the centre has chat (other groups: –).
    names = (*PAGE_GROUP_METRICS, *(n for n in CHAT_GROUP_METRICS
                                    if n in by_group and by_group[n].notna().any()))
    rows = [[*([escape(str(r["variant"]))] if multi else []), escape(str(r["agent_group"])),
             *[number_html(cell(r[n], r[f"{n}_ci95"], n)) for n in names]]
            for _, r in by_group.iterrows()]
    header = [*(["variant"] if multi else []), "agent group", *[show(n) for n in names]]
    return html_table("by-team", "Per agent group (team)", header, rows, names=1 + multi)


def _charts(out: Path | None) -> list[str]:
    """Every PNG under ``charts/``, embedded (a page that fetches nothing): the overview
    chart first, cost against service and heatmaps (one per metric) after it, then the
    chart by interval, and the roster last."""
    found = (out / "charts").rglob("*.png") if out is not None else []
    # The answer first, the day's course after it, the plan behind it last.
    order = ("metrics", "cost_service", "heatmap", "intervals", "backlog", "seats", "roster")
    files = sorted(found, key=lambda p: (next((i for i, s in enumerate(order)
                                               if p.name.startswith(s)), len(order)),
                                         p.as_posix()))
    if out is None or not files:
        return ["<p id=no-charts>No charts yet: <code>ccsim plot DIR</code> draws them.</p>"]
    figures = [figure_html(p.read_bytes(), p.relative_to(out / "charts").as_posix())
               for p in files]
    return ["<div class=charts id=charts>", *figures, "</div>"]


def _definitions(scenario: Scenario) -> str:
    shown = dict.fromkeys((*PAGE_TYPE_METRICS, *PAGE_GROUP_METRICS[:2], "sl_offered",
                           "sl_answered", "sl_nonshort", "sl_expected"))
    sl = scenario.service_level
    items = []
    for name in shown:
        # The headline is one of the sl_* columns: say which, in its own words.
        m = metric(f"sl_{sl.definition}" if name == "service_level" else name)
        text = escape(m.definition.replace("`answer_within`", f"{sl.answer_within:g} s"))
        text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
        items.append(f"<dt>{escape(_label(name, scenario))}</dt><dd>{text}</dd>")
    return "<dl id=definitions>" + "".join(items) + "</dl>"


def _inputs(out: Path | None) -> list[str]:
    """The input files as they were run (``inputs/``), verbatim."""
    files = sorted((out / "inputs").glob("*")) if out is not None else []
    if not files:
        return ["<p>No input files were kept (the experiment was built in Python).</p>"]
    return [f"<details open><summary><code>{escape(p.name)}</code></summary>"
            f"<pre>{escape(p.read_text(encoding='utf-8', errors='replace'))}</pre></details>"
            for p in files if p.is_file()]
