"""Plain-text tables of the benchmark results."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from benchmarks.callbacks import TARGET
from benchmarks.suite import MIN_EVENTS, Agreement, Day, Estimate, Memory, Speed, Sweep

#: The issue's targets for ccsim's speed ratios: (agents or None for any, peer, at least).
TARGETS = ((50, "textbook", 6.0), (1000, "textbook", 8.0), (None, "ciw", 12.0))


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns right-aligned (left for the first), widths from the contents."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        pairs = enumerate(zip(cells, widths, strict=True))
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in pairs)

    return "\n".join([line(headers), "  ".join("-" * w for w in widths), *map(line, rows)])


def machine_text(info: dict[str, Any], command: str) -> str:
    v = info["versions"]
    load = info.get("load_average")
    return "\n".join(
        [
            f"command: {command}",
            f"cpu: {info['cpu']}, {info['cores']} cores ({info['cores_usable']} usable)",
            f"python {info['python']} on {info['platform']}",
            "versions: " + ", ".join(f"{k} {v[k]}" for k in v),
            f"commit: {info.get('commit')}",
            "load average at start: "
            + (", ".join(f"{x:.2f}" for x in load) if load else "?"),
        ]
    )


def _rate(x: float | None) -> str:
    return "-" if x is None else f"{x:,.0f}"


def speed_text(rows: Sequence[Speed], rounds: int) -> str:
    headers = ["agents", "customers", "ccsim core/s", "ccsim e2e/s", "textbook/s", "ciw/s",
               "core/textbook", "core/ciw", "e2e/textbook", "e2e/ciw"]
    body = []
    for s in rows:
        r, q = s.rates, s.ratios
        body.append([
            str(s.agents), f"{s.customers:,}", _rate(r.get("ccsim core")), _rate(r.get("ccsim")),
            _rate(r.get("textbook")), _rate(r.get("ciw")),
            *(f"{q[k]:.1f}×" if k in q else "-" for k in (
                "ccsim core / textbook", "ccsim core / ciw", "ccsim / textbook", "ccsim / ciw")),
        ])
    return (
        f"customers simulated per wall-clock second, median of {rounds} alternating rounds; "
        "ratios are of the medians\n" + table(headers, body)
    )


def targets_text(rows: Sequence[Speed]) -> str:
    lines = []
    for agents, peer, goal in TARGETS:
        for s in rows:
            if agents is not None and s.agents != agents:
                continue
            got = [
                f"{mine} {s.ratios[f'{mine} / {peer}']:.1f}×"
                for mine in ("ccsim core", "ccsim")
                if f"{mine} / {peer}" in s.ratios
            ]
            if got:
                met = all(s.ratios[f"{m} / {peer}"] >= goal for m in ("ccsim core", "ccsim")
                          if f"{m} / {peer}" in s.ratios)
                lines.append(
                    f"  ≥ {goal:g}× {peer} at {s.agents} agents: {', '.join(got)}"
                    f"  → {'met' if met else 'NOT met'}"
                )
    return "targets (ccsim / peer):\n" + "\n".join(lines) if lines else ""


def _est(e: Estimate, digits: int, scale: float = 1.0) -> list[str]:
    if math.isnan(e.value):
        return ["-", "-", "-"]
    half = "" if math.isnan(e.half_width) else f" ± {e.half_width * scale:.{digits}f}"
    within = e.within
    verdict = f"too few ({e.events})" if within is None else ("yes" if within else "NO")
    return [f"{e.value * scale:.{digits}f}{half}", f"{e.exact * scale:.{digits}f}", verdict]


def agreement_text(rows: Sequence[Agreement]) -> str:
    headers = ["model", "agents", "measured", "batches",
               "abandon % (95% CI)", "Erlang A", "in CI",
               "P(wait) % (95% CI)", "Erlang A", "in CI",
               "ASA s (95% CI)", "Erlang A", "in CI"]
    body = [
        [a.model, str(a.agents), f"{a.measured:,}", str(a.batches),
         *_est(a.abandon_rate, 3, 100.0), *_est(a.p_wait, 2, 100.0), *_est(a.asa, 3)]
        for a in sorted(rows, key=lambda a: (a.agents, a.model))
    ]
    return (
        "batch means over the measured batches of all rounds (the first interval of each run "
        "is warm-up);\n95 % t-intervals; 'too few' when fewer than 20 events were seen\n"
        + table(headers, body)
    )


def memory_text(rows: Sequence[Memory]) -> str:
    traced = any(m.traced_peak_kb for m in rows)
    headers = ["model", "agents", "customers N / 10N", "peak RSS MB N / 10N", "RSS ratio",
               "RSS growth KB N / 10N"]
    if traced:
        headers += ["traced peak KB N / 10N", "traced ratio"]
    headers.append("B/extra customer")
    body = []
    for m in sorted(rows, key=lambda m: (m.agents, m.model)):
        g = m.rss_growth_kb
        row = [
            m.model, str(m.agents), f"{m.customers[0]:,} / {m.customers[1]:,}",
            f"{m.rss_peak_kb[0] / 1024:.1f} / {m.rss_peak_kb[1] / 1024:.1f}",
            f"{m.rss_ratio:.3f}", f"{g[0]:,} / {g[1]:,}",
        ]
        if traced:
            t = m.traced_peak_kb
            row += (
                [f"{t[0]:,} / {t[1]:,}", f"{t[1] / max(t[0], 1):.2f}"] if t else ["-", "-"]
            )
        row.append(f"{m.bytes_per_customer:,.0f}")
        body.append(row)
    return (
        "each figure from a fresh process; peak RSS = resident high-water mark of the whole "
        "process during the run\n(reset after imports and a tiny warm-up run), growth = "
        "peak minus the RSS at that point; traced = tracemalloc peak "
        "of the run alone (separate process);\nB/extra customer = (peak at 10N - peak at N) / "
        "(extra customers), from tracemalloc when measured\n" + table(headers, body)
    )


def day_text(day: Day) -> str:
    headers = ["runs", "contacts", "seconds", "runs/s", "contacts/s e2e", "contacts/s core"]
    body = [[str(day.runs), f"{day.contacts:,}", f"{day.seconds:.2f}",
             f"{day.runs_per_second:.2f}", f"{day.contacts_per_second:,.0f}",
             f"{day.core_contacts_per_second:,.0f}"]]
    return "ccsim.simulate(load_scenario('experiments/baseline.toml'), seed), seeds 0..\n" + table(
        headers, body
    )


def sweep_text(s: Sweep) -> str:
    headers = ["workers", "seconds", "runs/s", "speed-up"]
    body = [
        [str(k), f"{v:.2f}", f"{s.runs / v:.2f}", f"{s.speedup.get(k, math.nan):.2f}×"]
        for k, v in sorted(s.seconds.items())
    ]
    how = (
        "ccsim.experiment.run_experiment, out=None"
        if s.method == "run_experiment"
        else "stopgap: ProcessPoolExecutor mapping ccsim.simulate over the seeds"
    )
    return f"{s.runs} replications of the baseline day ({how}), wall time incl. start-up\n" + table(
        headers, body
    )


# --- the callbacks section -------------------------------------------------------------


def policy_speed_text(rows: Sequence[Any], rounds: int, target: tuple[int, float],
                      without: str, columns: Sequence[tuple[str, Any]] = ()) -> str:
    """Rates and ratios of a policy section's speeds (:func:`benchmarks.callbacks.speeds`)
    and its ``target`` (agents, ratio); ``without`` names the table its *off* runs lack;
    ``columns``: (header, value of a row) pairs shown after the agent count."""
    headers = ["agents", *(h for h, _ in columns), "customers", "ccsim core/s", "ccsim e2e/s",
               "textbook/s", "core/textbook", "e2e/textbook", "off core/s", "off core/textbook"]
    body = []
    for s in rows:
        r, q = s.rates, s.ratios
        body.append([
            str(s.agents), *(value(s) for _, value in columns), f"{s.customers:,}",
            _rate(r.get("ccsim core")), _rate(r.get("ccsim")), _rate(r.get("textbook")),
            *(f"{q[k]:.1f}×" if k in q else "-" for k in (
                "ccsim core / textbook", "ccsim / textbook")),
            _rate(r.get("ccsim core off")),
            f"{q['ccsim core off / textbook']:.1f}×" if "ccsim core off / textbook" in q else "-",
        ])
    agents, goal = target
    lines = []
    for s in rows:
        if s.agents == agents and "ccsim / textbook" in s.ratios:
            mine = [s.ratios[k] for k in ("ccsim core / textbook", "ccsim / textbook")
                    if k in s.ratios]
            lines.append(
                f"target: ccsim ≥ {goal:g}× textbook at {agents} agents: core "
                f"{s.ratios.get('ccsim core / textbook', math.nan):.1f}×, "
                f"e2e {s.ratios['ccsim / textbook']:.1f}×  → "
                f"{'met' if min(mine) >= goal else 'NOT met'}"
            )
    return (
        f"customers simulated per wall-clock second, median of {rounds} alternating rounds; "
        f"ratios are of the medians;\n'off' = ccsim on the same case without {without} "
        "(timed in the same rounds), for the policy's cost\n"
        + table(headers, body) + ("\n" + "\n".join(lines) if lines else "")
    )


def callback_speed_text(rows: Sequence[Any], rounds: int) -> str:
    """Rates and ratios of :func:`benchmarks.callbacks.speeds`."""
    return policy_speed_text(rows, rounds, TARGET, "[callbacks]")


def interval_cells(e: Any, digits: int, scale: float, difference: bool) -> list[str]:
    """An agreement interval's cells: value ± half-width, the exact value (0 for a
    difference) and whether it lies inside."""
    if math.isnan(e.value):
        return ["-", "-", "-"]
    half = "" if math.isnan(e.half_width) else f" ± {e.half_width * scale:.{digits}f}"
    exact = "-" if math.isnan(e.exact) else f"{e.exact * scale:.{digits}f}"
    within = e.within
    if within is None:
        verdict = f"too few ({e.events})" if e.events < MIN_EVENTS else "-"
    else:
        verdict = "yes" if within else "NO"
    if difference:
        exact = "0"
    return [f"{e.value * scale:.{digits}f}{half}", exact, verdict]


def callback_agreement_text(rows: Sequence[Any], chains: dict[int, Any]) -> str:
    """The agreement table of :func:`benchmarks.callbacks.agreement` and the chains used."""
    headers = ["model", "agents", "measured", "batches",
               "abandon % (95% CI)", "exact", "in CI",
               "accepted % (95% CI)", "exact", "in CI",
               "delay s (95% CI)", "exact", "in CI"]
    order = {"ccsim": 0, "textbook": 1, "difference": 2}
    body = []
    for a in sorted(rows, key=lambda a: (a.agents, order.get(a.model, 3))):
        d = a.model == "difference"
        m = a.metrics
        body.append([
            "ccsim − textbook" if d else a.model, str(a.agents), f"{a.measured:,}",
            str(a.batches),
            *interval_cells(m["abandon_rate"], 3, 100.0, d),
            *interval_cells(m["accepted"], 3, 100.0, d), *interval_cells(m["delay"], 1, 1.0, d),
        ])
    notes = []
    for agents, c in sorted(chains.items()):
        if c is None:
            notes.append(f"  {agents} agents: tests/model/callback_chain.py not found")
        else:
            notes.append(
                f"  {agents} agents: truncated at {c.truncation[0]} callers on the line and "
                f"{c.truncation[1]} callbacks pending, boundary mass {c.boundary:.1e}, "
                f"solved in {c.seconds:.1f} s"
            )
    unsolved = sorted({a.agents for a in rows} - set(chains))
    if unsolved:
        notes.append(f"  not solved (--quick) at {', '.join(map(str, unsolved))} agents")
    return (
        "abandon rate on the line (abandoned / offered), share accepted (callbacks accepted / "
        "offered) and mean callback delay\n(acceptance → start of the callback conversation), "
        "batch means over the measured batches of all rounds\n(batches by arrival; the first "
        "interval of each run is warm-up); 95 % t-intervals; 'exact' = the continuous-time\n"
        "Markov chain of tests/model/callback_chain.py; the ccsim − textbook rows are Welch "
        "95 % intervals of the difference (in CI = 0 inside)\n"
        + table(headers, body)
        + ("\nexact chain:\n" + "\n".join(notes) if notes else "")
    )
