"""The report page: one self-contained HTML file per results directory.

``report.html`` holds the scenario in words, the tables per contact type and per team with
95 % confidence intervals, targets met or missed (and the intervals that miss them), the
charts of ``charts/``, and the input files as they were run. It needs no network and runs
no script: the style sheet is inline and the charts are embedded as ``data:`` URIs, so the
file can be mailed, archived or opened offline and shows the same thing everywhere.
Numbers read as in the terminal tables (:mod:`ccsim.report`), from the same registry.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from ccsim.experiment.summary import interval_summary
from ccsim.model.registry import METRICS, metric
from ccsim.report import (
    HOURS,
    TYPE_METRICS,
    Miss,
    Target,
    cell,
    coverage,
    missed_intervals,
    sl_label,
    targets,
    verdict,
)

if TYPE_CHECKING:
    import pandas as pd

    from ccsim.experiment.store import Results
    from ccsim.scenario import AgentGroup, ContactType, Scenario

PAGE = "report.html"
#: Columns of the per-contact-type table of the page (the terminal shows fewer).
PAGE_TYPE_METRICS = (*TYPE_METRICS[:1], "answered", "abandoned", *TYPE_METRICS[1:],
                     "mean_wait", "wait_p90")
PAGE_GROUP_METRICS = ("occupancy", "occupancy_drain", "staffed_hours", "busy_hours")

_STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #1d232a; margin: 2rem auto; max-width: 96rem; padding: 0 1.5rem; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem;
     border-bottom: 2px solid #d5dbe1; padding-bottom: .2rem; }
.sub { color: #56616c; margin-top: 0; }
table { border-collapse: collapse; margin: .6rem 0 1.2rem; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #d5dbe1; padding: .25rem .6rem; text-align: right;
         vertical-align: top; white-space: nowrap; }
.name, table.words td, table.words th { text-align: left; }
table.words td { white-space: normal; }
th { background: #eef1f4; white-space: normal; } .scroll { overflow-x: auto; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; }
.met { color: #11683a; font-weight: 600; } .missed { color: #b3261e; font-weight: 700; }
.unclear { color: #8a5a00; font-weight: 600; }
.note { background: #fff4d6; border-left: 4px solid #e0a100; padding: .5rem .8rem; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem 2rem; } figure { margin: 0; }
figure img { max-width: 100%; border: 1px solid #d5dbe1; }
figcaption { color: #56616c; } pre { background: #f5f7f9; padding: .8rem; overflow-x: auto; }
dt { font-weight: 600; } dd { margin: 0 0 .4rem 1.2rem; }
"""


def write_report(directory: str | Path) -> Path:
    """Write ``directory/report.html`` from the results saved there (see
    :func:`report_html`) and return its path. ``ccsim report DIR`` calls this."""
    from ccsim.experiment.store import Results, writing

    directory = Path(directory)
    path = directory / PAGE
    page = report_html(Results.load(directory))
    with writing(path):
        path.write_text(page, encoding="utf-8")
    return path


def report_html(results: Results) -> str:
    """The report page of ``results`` as one HTML document; charts and inputs are read
    from ``results.out`` when it is set."""
    scenarios = results.scenarios()
    base = _base_scenario(results, scenarios)
    summary, by_type = results.summary(), results.summary(by="contact_type")
    body = [
        f"<h1>{escape(results.name)}</h1>",
        f"<p class=sub>{escape(_subtitle(results, summary))}</p>",
        *_coverage(results, summary),
        "<h2 id=targets-section>Targets</h2>",
        *_targets_section(results, by_type, scenarios),
        "<h2 id=scenario-section>The scenario</h2>",
        *_scenario_section(results, base),
        "<h2 id=results-section>Results</h2>",
        "<p>Means over the replications ± the half-width of their 95 % confidence interval "
        "(Student t).</p>",
        _totals_table(results, summary, base),
        _type_table(by_type, scenarios),
        _group_table(results.summary(by="group"), scenarios),
        "<h2 id=charts-section>Charts</h2>",
        *_charts(results.out),
        "<h2 id=definitions-section>What the numbers mean</h2>",
        _definitions(base),
        "<h2 id=inputs-section>Inputs</h2>",
        *_inputs(results.out),
        f"<p class=sub>ccsim {escape(str(results.manifest.get('code_version', '')))}, "
        f"experiment fingerprint {escape(str(results.manifest.get('fingerprint', ''))[:12])}"
        "</p>",
    ]
    return (
        "<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
        '<meta name=viewport content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(results.name)} — ccsim report</title>\n<style>{_STYLE}</style>\n"
        "</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


# --- pieces of HTML -----------------------------------------------------------------------


def _table(
    ident: str, caption: str, header: Sequence[str], rows: Iterable[Sequence[str]],
    *, names: int = 1, words: bool = False,
) -> str:
    """A table; ``header`` is text (escaped here), the cells of ``rows`` are HTML. The
    first ``names`` columns name the row and align left, the numbers after them right;
    ``words``: every cell is text, aligned left and wrapped."""

    def tag(kind: str, i: int, content: str) -> str:
        return f"<{kind} class=name>{content}</{kind}>" if i < names else (
            f"<{kind}>{content}</{kind}>")

    head = "".join(tag("th", i, escape(h)) for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(tag("td", i, c) for i, c in enumerate(row)) + "</tr>\n"
                   for row in rows)
    kind = " class=words" if words else ""
    # A wide sweep table scrolls inside its box rather than past the page.
    return (f"<div class=scroll><table id={ident}{kind}>\n<caption>{escape(caption)}</caption>\n"
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table></div>")


def _judged(row: Mapping, name: str, goals: Mapping[str, Target]) -> str:
    """A metric's cell, with its verdict against the target when there is one."""
    mean, half = row.get(name, math.nan), row.get(f"{name}_ci95", math.nan)
    text = escape(cell(mean, half, name))
    if name not in goals:
        return text
    word = verdict(mean, half, goals[name])
    return f"{text} <span class={word}>{word}</span>"


def _goals(scenario: Scenario | None) -> dict[str, Target]:
    return {t.metric: t for t in targets(scenario)}


def _duration(seconds: float) -> str:
    """``45 s``, ``4 min``, ``1.5 h``, ``2 d``: how a planner says a duration."""
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= 2 * size or (seconds >= size and seconds % size == 0):
            return f"{seconds / size:.4g} {unit}"
    return f"{seconds:.4g} s"


# --- header and notes ---------------------------------------------------------------------


def _subtitle(results: Results, summary: pd.DataFrame) -> str:
    variants = len(results.variants)
    what = "one scenario" if variants == 1 else f"a sweep of {variants} variants"
    source = results.manifest.get("source") or results.manifest.get("scenario_source") or ""
    reps, seed = results.manifest["replications"], results.manifest["seed"]
    return f"{what}, {reps} replications each (seed {seed})" + (f", from {source}" if source
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


# --- targets -----------------------------------------------------------------------------


def _targets_section(
    results: Results, by_type: pd.DataFrame, scenarios: Mapping[str, Scenario]
) -> list[str]:
    first = next(iter(scenarios.values()))
    goals = targets(first)
    if not any(targets(s) for s in scenarios.values()):
        return ["<p id=no-targets>The scenario states no targets (add a <code>[targets]</code> "
                "table: service level, abandonment, ASA).</p>"]
    out = ["<p>A target is <span class=met>met</span> when the whole 95 % confidence interval "
           "is on its good side, <span class=missed>missed</span> when it is all on the wrong "
           "side, and <span class=unclear>unclear</span> otherwise (more replications may "
           "tell).</p>"]
    multi = len(scenarios) > 1
    header = [*(["variant"] if multi else []), "contact type", *[t.text for t in goals]]
    rows = [
        [*([escape(str(r["variant"]))] if multi else []), escape(str(r["contact_type"])),
         *[_judged(r, t.metric, _goals(scenarios[r["variant"]])) for t in goals]]
        for _, r in by_type.iterrows()
    ]
    out.append(_table("targets", "The day against the targets", header, rows,
                      names=1 + multi))
    if not results.intervals.empty:
        out.append(_misses(results, scenarios))
    return out


def _misses(results: Results, scenarios: Mapping[str, Scenario]) -> str:
    names = list(dict.fromkeys(t.metric for s in scenarios.values() for t in targets(s)))
    table = interval_summary(results.intervals, names)
    multi = len(scenarios) > 1
    rows: list[list[str]] = []
    for variant, scenario in scenarios.items():
        found: list[Miss] = missed_intervals(table, variant, scenario)
        rows += [[*([escape(variant)] if multi else []), escape(m.target.text),
                  escape(m.contact_type), str(len(m.intervals)), escape(", ".join(m.spans))]
                 for m in found]
    if not rows:
        return "<p id=intervals-missed>No interval misses a target.</p>"
    header = [*(["variant"] if multi else []), "target", "contact type", "intervals", "when"]
    return _table("intervals-missed", "Intervals in which the 95 % CI misses a target", header,
                  rows, words=True)


# --- the scenario in words ----------------------------------------------------------------


def _base_scenario(results: Results, scenarios: Mapping[str, Scenario]) -> Scenario:
    """The scenario a sweep varies (its input file, when it was kept and still reads),
    else the first variant's."""
    from ccsim.scenario import ScenarioError, load_scenario

    source = results.manifest.get("scenario_source")
    if results.out is not None and source and results.manifest.get("source"):
        for name in (Path(source).name, f"scenario-{Path(source).name}"):
            path = results.out / "inputs" / name
            if path.is_file() and path.name != Path(results.manifest["source"]).name:
                try:
                    return load_scenario(path)
                except ScenarioError:
                    break
    return next(iter(scenarios.values()))


def _scenario_section(results: Results, scenario: Scenario) -> list[str]:
    out = [f"<p id=scenario-words>{escape(_centre_words(scenario))}</p>"]
    if len(results.variants) > 1:
        out.append("<p>The base scenario; each variant changes it as listed under "
                   "<a href=#variants>Variants</a>.</p>")
    # Volumes as a planner has them: per day, or the whole horizon when it is a day or less.
    per = "per day" if scenario.horizon > 86400 else f"in the {_duration(scenario.horizon)}"
    out.append(_table("contact-types", "Contact types", [
        "contact type", f"expected {per}", "busiest interval", "handle time", "wrap-up",
        "patience"], [_type_words(scenario, c) for c in scenario.contact_types], words=True))
    out.append(_table("teams", "Agent groups (teams)", [
        "agent group", "skills (in order of preference)", "staff", "agent-hours scheduled"],
        [_team_words(scenario, g) for g in scenario.agent_groups], words=True))
    if len(results.variants) > 1:
        rows = [[escape(v["label"]), escape(", ".join(f"{k} = {val}" for k, val in
                                                      v["parameters"].items()) or "as the base")]
                for v in results.manifest["variants"]]
        out.append(_table("variants", "Variants", ["variant", "what it changes"], rows,
                          words=True))
    return out


def _centre_words(s: Scenario) -> str:
    sl = s.service_level
    text = (f"{_duration(s.horizon)} from {s.start}, reported in {_duration(s.period)} "
            f"intervals ({s.intervals})")
    text += f", the first {_duration(s.warmup)} a warm-up not measured. " if s.warmup else ". "
    text += f"Service level: {sl_label(s).removeprefix('service level (').rstrip(')')}"
    text += " of the contacts offered. " if sl.definition == "offered" else ". "
    text += (f"At most {s.lines} callers at a time (lines); the rest are blocked. " if s.lines
             else "No limit on lines. ")
    text += _callback_words(s)
    goals = targets(s)
    return text + ("Targets: " + "; ".join(t.text for t in goals) + "." if goals
                   else "No targets stated.")


_RULES = {"when_idle": "when no caller waits on the line",
          "priority": "before taking callers on the line",
          "deadline": "when no caller waits, or first when a promise is about to break"}


def _callback_words(s: Scenario) -> str:
    """The callback offers of ``s`` in a sentence per distinct policy (or none)."""
    policies: dict[str, list[str]] = {}
    for c in s.contact_types:
        cb = s.callbacks_for(c)
        if cb is None:
            continue
        when = [f"{cb.queue_at_least} or more callers wait"] if cb.queue_at_least else []
        if cb.predicted_wait_above is not None:
            when.append(f"the predicted wait exceeds {_duration(cb.predicted_wait_above)}")
        trigger = " and ".join(when) or "every agent able to take the call is busy"
        words = (f"a callback within {_duration(cb.promise)} is offered when {trigger}, "
                 f"{cb.accept:.0%} accept, agents call back {_RULES[cb.schedule]}"
                 f"{'' if cb.reach == 1 else f', {cb.reach:.0%} answer'}")
        policies.setdefault(words, []).append(c.name)
    return "".join(f"Callbacks ({', '.join(names)}): {words}. "
                   for words, names in policies.items())


def _type_words(s: Scenario, c: ContactType) -> list[str]:
    volumes = s.volumes(c)
    days = max(s.horizon / 86400, 1.0)  # a day or less: the horizon is the day
    peak = max(range(len(volumes)), key=volumes.__getitem__)
    start = int(s.start[:2]) * 3600 + int(s.start[3:]) * 60 + peak * s.period
    when = f"{int(start // 3600 % 24):02d}:{int(start % 3600 // 60):02d}"
    return [escape(c.name), f"{sum(volumes) / days:,.0f}",
            escape(f"{volumes[peak]:,.0f} at {when}"),
            escape(_dist(c.handle_time)), escape(_dist(c.wrap_up) if c.wrap_up else "none"),
            escape(_dist(c.patience) if c.patience else "infinite (nobody hangs up)")]


def _dist(spec: object) -> str:
    """``lognormal, mean 5 min, cv 0.8``."""
    kind = spec.dist  # type: ignore[attr-defined]
    if kind == "constant":
        return f"always {_duration(spec.value)}"  # type: ignore[attr-defined]
    text = f"{kind}, mean {_duration(spec.mean)}"  # type: ignore[attr-defined]
    if hasattr(spec, "cv"):
        text += f", cv {spec.cv:g}"
    if hasattr(spec, "values"):
        text += f" ({len(spec.values)} values)"
    return text


def _team_words(s: Scenario, g: AgentGroup) -> list[str]:
    counts = [g.staff_at(i) for i in range(s.intervals)]
    staff = str(counts[0]) if min(counts) == max(counts) else f"{min(counts)}–{max(counts)}"
    hours = sum(counts) * s.period / 3600
    return [escape(g.name), escape(" → ".join(g.skills)), staff, f"{hours:,.1f}"]


# --- result tables --------------------------------------------------------------------------


def _totals_table(results: Results, summary: pd.DataFrame, base: Scenario) -> str:
    scenarios = results.scenarios()
    if len(summary) == 1:
        row, goals = summary.iloc[0], _goals(base)
        rows = [[escape(sl_label(base) if n == "service_level" else m.label),
                 _judged(row, n, goals)] for n, m in METRICS.items() if n in row]
        return _table("totals", "The whole centre", ["metric", "mean ± 95 % CI"], rows)
    names = ("service_level", "asa", "abandon_rate", "occupancy", "offered")
    rows = [[escape(str(r["variant"])),
             *[_judged(r, n, _goals(scenarios[r["variant"]])) for n in names]]
            for _, r in summary.iterrows()]
    return _table("totals", "The whole centre, per variant",
                  ["variant", *[_label(n, base) for n in names]], rows)


def _label(name: str, scenario: Scenario | None) -> str:
    return sl_label(scenario) if name == "service_level" else metric(name).label


def _type_table(by_type: pd.DataFrame, scenarios: Mapping[str, Scenario]) -> str:
    multi = len(scenarios) > 1
    first = next(iter(scenarios.values()))
    rows = [[*([escape(str(r["variant"]))] if multi else []), escape(str(r["contact_type"])),
             *[_judged(r, n, _goals(scenarios[r["variant"]])) for n in PAGE_TYPE_METRICS]]
            for _, r in by_type.iterrows()]
    header = [*(["variant"] if multi else []), "contact type",
              *[_label(n, first) for n in PAGE_TYPE_METRICS]]
    return _table("by-contact-type", "Per contact type (all: the whole centre)", header, rows,
                  names=1 + multi)


def _group_table(by_group: pd.DataFrame, scenarios: Mapping[str, Scenario]) -> str:
    multi = len(scenarios) > 1
    show: Callable[[str], str] = lambda n: (HOURS[n] if n in HOURS else metric(n)).label  # noqa: E731
    rows = [[*([escape(str(r["variant"]))] if multi else []), escape(str(r["agent_group"])),
             *[escape(cell(r[n], r[f"{n}_ci95"], n)) for n in PAGE_GROUP_METRICS]]
            for _, r in by_group.iterrows()]
    header = [*(["variant"] if multi else []), "agent group",
              *[show(n) for n in PAGE_GROUP_METRICS]]
    return _table("by-team", "Per agent group (team)", header, rows, names=1 + multi)


# --- charts, definitions, inputs ------------------------------------------------------------


def _charts(out: Path | None) -> list[str]:
    """Every PNG under ``charts/``, embedded (a page that fetches nothing): the overview
    charts first, heatmaps (one per metric) after them."""
    found = (out / "charts").rglob("*.png") if out is not None else []
    files = sorted(found, key=lambda p: (p.name.startswith("heatmap"), p.as_posix()))
    if not files:
        return ["<p id=no-charts>No charts yet: <code>ccsim plot DIR</code> draws them.</p>"]
    figures = []
    for path in files:
        name = path.relative_to(out / "charts").as_posix()
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        figures.append(f'<figure><img src="data:image/png;base64,{data}" alt="{escape(name)}">'
                       f"<figcaption>{escape(name)}</figcaption></figure>")
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
