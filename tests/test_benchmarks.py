"""Smoke test of the benchmarks: they run, report what they should, and the three models
agree with exact Erlang A at small sizes; the callbacks section produces its ratios,
agreement rows (with the exact chain at 10 agents) and memory figures; so does the blending
section, whose two models also agree with their exact chain. No timing is asserted (CI
machines vary).

Agreement band. A run's abandon rate (or P(wait)) over n measured customers would have
the binomial standard deviation sqrt(p(1-p)/n) if customers were independent; in a queue
they are not (a busy spell makes many wait or abandon together), which inflates the
variance by a dispersion factor D. Measured over 400 independent 2,000-customer runs of
this case (textbook model; ccsim gave the same spread): D ≈ 4 (10 agents) and 8 (50
agents) for the abandon rate, 12 and 54 for P(wait). The test pools 3 runs per model
(about 5,450 measured customers) and allows 5 standard deviations with D = 12 and 80
(about 1.5 × the largest measured): a false failure is then far below one in a million.
The price is width: ±7 and ±4 percentage points on the abandon rate (exact 10.1 % and
2.9 %), ±30 and ±27 on P(wait) (41 % and 28 %). It catches a broken model (no
abandonment, wrong rates or units), not a subtle bias; the full benchmark's
confidence intervals are for that.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # plain `pytest` (unlike `python -m pytest`) leaves it out
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402
from benchmarks import blending, callbacks, suite, textbook_blending  # noqa: E402
from benchmarks.__main__ import main  # noqa: E402
from benchmarks.blending_case import BlendingCase  # noqa: E402
from benchmarks.callback_case import CallbackCase  # noqa: E402
from benchmarks.case import MEAN_HANDLE, MEAN_PATIENCE, Case, batch_stats  # noqa: E402

import ccsim  # noqa: E402
from ccsim.analytic import erlang_a_metrics  # noqa: E402

AGENTS = (10, 50)
CUSTOMERS = 2000
ROUNDS = 3
DISPERSION = {"abandon_rate": 12.0, "p_wait": 80.0}


@pytest.fixture(scope="module")
def results() -> list[suite.SizeRuns]:
    return suite.compare(AGENTS, CUSTOMERS, ROUNDS, seed=11)


def test_every_model_runs_every_round_on_the_same_case(results: list[suite.SizeRuns]) -> None:
    assert [r.agents for r in results] == list(AGENTS)
    for size in results:
        assert set(size.runs) == set(suite.MODELS)
        for model, runs in size.runs.items():
            assert [r.seed for r in runs] == [11, 12, 13]
            for run in runs:
                # Poisson arrivals with mean CUSTOMERS: 6 standard deviations either side.
                assert abs(run.customers - CUSTOMERS) < 6 * math.sqrt(CUSTOMERS), model
                assert run.seconds > 0
                assert (run.core_seconds is not None) == (model == "ccsim")
                assert len(run.counts.offered) == Case(size.agents, CUSTOMERS).batches + 1


def test_speed_table_has_rates_and_ratios(results: list[suite.SizeRuns]) -> None:
    for speed in suite.speeds(results):
        assert set(speed.rates) == {"ccsim core", "ccsim", "textbook", "ciw"}
        assert all(v > 0 for v in speed.rates.values())
        assert set(speed.ratios) == {
            f"{m} / {p}" for m in ("ccsim core", "ccsim") for p in ("textbook", "ciw")
        }


@pytest.mark.parametrize("metric", ["abandon_rate", "p_wait"])
def test_models_agree_with_erlang_a(results: list[suite.SizeRuns], metric: str) -> None:
    for size in results:
        case = Case(size.agents, CUSTOMERS)
        exact = erlang_a_metrics(size.agents, case.arrival_rate, MEAN_HANDLE, MEAN_PATIENCE)
        p = exact.p_abandon if metric == "abandon_rate" else exact.p_wait
        for model, runs in size.runs.items():
            pooled = batch_stats([r.counts for r in runs])
            band = 5 * math.sqrt(DISPERSION[metric] * p * (1 - p) / pooled.offered)
            got = getattr(pooled, metric)
            assert abs(got - p) <= band, f"{model} {size.agents} agents {metric}: {got} vs {p}"


def test_agreement_rows_cover_every_model_and_size(results: list[suite.SizeRuns]) -> None:
    rows = suite.agreement(results)
    assert {(a.model, a.agents) for a in rows} == {(m, n) for m in suite.MODELS for n in AGENTS}
    for a in rows:
        assert a.batches == ROUNDS * Case(a.agents, CUSTOMERS).batches
        assert 0 < a.abandon_rate.exact < a.p_wait.exact < 1


def test_memory_probe_reports_a_peak() -> None:
    figures = suite.probe("ccsim", 10, 300, traced=True)
    assert figures["rss_peak_kb"] >= figures["rss_base_kb"] > 0
    assert figures["traced_peak_kb"] > 0
    assert abs(figures["customers"] - 300) < 6 * math.sqrt(300)


def test_cli_quick_run_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bench.json"
    code = main([
        "--only", "speed,day,sweep", "--agents", "10", "--customers", "500", "--rounds", "1",
        "--day-seeds", "1", "--sweep-runs", "2", "--workers", "1", "--json", str(out),
    ])
    assert code == 0
    printed = capsys.readouterr().out
    for heading in ("== speed", "== agreement", "== baseline day", "== sweep", "cpu:"):
        assert heading in printed
    data = json.loads(out.read_text())
    assert set(data) >= {"command", "machine", "speed", "agreement", "day", "sweep"}
    assert data["day"]["runs"] == 1 and data["day"]["contacts"] > 0
    assert data["sweep"]["runs"] == 2 and set(data["sweep"]["seconds"]) == {"1"}


# --- the callbacks section ---------------------------------------------------------------

CALLBACK_AGENTS = (10, 50)


@pytest.fixture(scope="module")
def callback_results() -> list[callbacks.SizeRuns]:
    return callbacks.compare(CALLBACK_AGENTS, CUSTOMERS, 2, seed=11)


def test_callback_speed_has_rates_and_ratios(callback_results) -> None:
    rows = callbacks.speeds(callback_results)
    assert [s.agents for s in rows] == list(CALLBACK_AGENTS)
    for s in rows:
        assert set(s.rates) == {"ccsim core", "ccsim", "textbook", "ccsim core off", "ccsim off"}
        assert all(v > 0 for v in s.rates.values())
        assert set(s.ratios) == {f"{m} / textbook" for m in (
            "ccsim core", "ccsim", "ccsim core off", "ccsim off")}


def test_callback_models_offer_callbacks_and_count_every_caller(callback_results) -> None:
    for size in callback_results:
        for model, runs in size.runs.items():
            for run in runs:
                c = run.counts
                assert abs(run.customers - CUSTOMERS) < 6 * math.sqrt(CUSTOMERS), model
                assert sum(c.offered) == run.customers, model
                for i in range(len(c.offered)):
                    assert c.offered[i] == c.answered[i] + c.abandoned[i] + c.accepted[i]
                    assert c.accepted[i] <= c.offers[i]
                # Every callback is made (reach 1, long promise, the centre drains).
                assert sum(c.completed) == sum(c.accepted), model
                if model != "ccsim off":
                    assert sum(c.accepted) > 0, (model, size.agents)
                else:
                    assert sum(c.offers) == 0


def test_callback_agreement_rows_with_the_exact_chain(callback_results) -> None:
    chains = {10: callbacks.chain(10)}
    assert chains[10] is not None and chains[10].boundary < 1e-6
    rows = callbacks.agreement(callback_results, chains)
    assert {(a.model, a.agents) for a in rows} == {
        (m, n) for m in ("ccsim", "textbook", "difference") for n in CALLBACK_AGENTS}
    for a in rows:
        assert a.batches == 2 * CallbackCase(a.agents, CUSTOMERS).batches
        assert set(a.metrics) == set(callbacks.METRICS)
        for m in a.metrics.values():
            assert math.isfinite(m.value) and m.half_width >= 0
            if a.model == "difference":
                assert m.exact == 0
            elif a.agents == 10:
                assert m.exact > 0 and m.within is not None
            else:
                assert math.isnan(m.exact) and m.within is None


def test_the_timed_callback_centre_is_what_simulate_runs() -> None:
    spec = callbacks.scenario(CallbackCase(10, 1000))
    centre = callbacks.centre(spec, 5)
    centre.run()
    assert centre.result().summary == ccsim.simulate(spec, 5).summary


def test_memory_probe_runs_ccsim_with_callbacks() -> None:
    figures = suite.probe("ccsim-callbacks", 10, 300, traced=False)
    assert figures["rss_peak_kb"] >= figures["rss_base_kb"] > 0
    assert abs(figures["customers"] - 300) < 6 * math.sqrt(300)


def test_cli_callbacks_section(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bench.json"
    code = main([
        "--quick", "--only", "callbacks", "--callback-agents", "10", "--customers", "500",
        "--rounds", "1", "--memory-customers", "200", "--no-tracemalloc", "--json", str(out),
    ])
    assert code == 0
    printed = capsys.readouterr().out
    for heading in ("== callbacks: Erlang A", "core/textbook", "== callbacks: agreement",
                    "ccsim − textbook", "exact chain:", "== callbacks: ccsim peak memory"):
        assert heading in printed
    data = json.loads(out.read_text())["callbacks"]
    assert set(data) == {"runs", "speed", "chains", "agreement", "memory"}
    assert data["speed"][0]["ratios"]["ccsim / textbook"] > 0
    assert {a["model"] for a in data["agreement"]} == {"ccsim", "textbook", "difference"}
    assert data["chains"]["10"]["boundary"] < 1e-6
    assert data["memory"][0]["model"] == "ccsim-callbacks"


# --- the blending section ----------------------------------------------------------------

BLENDING_AGENTS = (10, 50)


@pytest.fixture(scope="module")
def blending_results() -> list[suite.SizeRuns]:
    return blending.compare(BLENDING_AGENTS, CUSTOMERS, 2, seed=11)


def test_blending_speed_has_rates_and_ratios(blending_results) -> None:
    rows = blending.speeds(blending_results)
    assert [s.agents for s in rows] == list(BLENDING_AGENTS)
    for s in rows:
        assert set(s.rates) == {"ccsim core", "ccsim", "textbook", "ccsim core off", "ccsim off"}
        assert all(v > 0 for v in s.rates.values())
        assert set(s.ratios) == {f"{m} / textbook" for m in (
            "ccsim core", "ccsim", "ccsim core off", "ccsim off")}


def test_blending_models_call_out_and_count_every_caller(blending_results) -> None:
    for size in blending_results:
        for model, runs in size.runs.items():
            assert [r.seed for r in runs] == [11, 12]
            for run in runs:
                c = run.counts
                assert abs(run.customers - CUSTOMERS) < 6 * math.sqrt(CUSTOMERS), model
                assert sum(c.offered) == run.customers, model
                for i in range(len(c.offered)):
                    assert c.offered[i] == c.answered[i] + c.abandoned[i], (model, i)
                    assert c.abandoned[i] <= c.waited[i] <= c.offered[i], (model, i)
                if model == "ccsim off":
                    assert sum(c.outbound) == 0
                else:  # the exact chain: ~27 (10 agents) and ~108 (50) calls an hour
                    hours = size.horizon / 3600
                    assert 0.5 < sum(c.outbound) / hours / blending.chain(
                        size.agents).outbound_per_hour < 1.5, (model, size.agents)


def test_blending_textbook_rule_never_dials_into_the_reserve(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Every outbound call leaves at least K agents idle: with K = c none is ever made (plain
    # Erlang A), with K = c - 1 at most one agent is on an outbound call at a time.
    case = BlendingCase(3, 300)
    original = textbook_blending.outbound
    for keep in (3, 2, 1):
        busy: list[int] = []

        def spy(centre, req, busy=busy):
            busy.append(centre.agents.count)  # agents busy, this call's included
            return original(centre, req)

        monkeypatch.setattr(textbook_blending, "outbound", spy)
        monkeypatch.setattr(BlendingCase, "keep_idle", property(lambda self, k=keep: k))
        out = textbook_blending.run(case, 3)
        assert sum(out.counts.outbound) == len(busy) and (len(busy) > 0) == (keep < 3)
        assert max(busy, default=0) <= 3 - keep


def test_blending_agreement_rows_with_the_exact_chain(blending_results) -> None:
    chains = {n: blending.chain(n) for n in BLENDING_AGENTS}
    rows = blending.agreement(blending_results, chains)
    assert {(a.model, a.agents) for a in rows} == {
        (m, n) for m in ("ccsim", "textbook", "difference") for n in BLENDING_AGENTS}
    for n, c in chains.items():
        assert c is not None and c.boundary < 1e-12 and c.keep_idle == BlendingCase(n, 1).keep_idle
    for a in rows:
        assert a.batches == 2 * BlendingCase(a.agents, CUSTOMERS).batches
        assert set(a.metrics) == set(blending.METRICS)
        for name, m in a.metrics.items():
            assert math.isfinite(m.value) and m.half_width > 0
            if a.model == "difference":
                assert m.exact == 0
            else:
                assert 0 < m.exact == getattr(chains[a.agents], name)
            # 1.5 × the 99.9 % interval (~5.8 standard errors over 20 batches): each model,
            # and ccsim - textbook, at the chain's value (0 for the difference).
            assert abs(m.value - m.exact) <= 1.5 * m.half_width, (a.model, a.agents, name)


def test_the_timed_blending_centre_is_what_simulate_runs() -> None:
    case = BlendingCase(10, 1000)
    spec = blending.scenario(case)
    centre = blending.centre(spec, 5)
    centre.run()
    assert centre.result().summary == ccsim.simulate(spec, 5).summary
    off = blending.scenario(case, outbound=False)
    assert not off.outbound and type(blending.centre(off, 5)).__name__ == "Centre"


def test_memory_probe_runs_ccsim_with_outbound() -> None:
    figures = suite.probe("ccsim-blending", 10, 300, traced=True)
    assert figures["rss_peak_kb"] >= figures["rss_base_kb"] > 0
    assert figures["traced_peak_kb"] > 0
    assert abs(figures["customers"] - 300) < 6 * math.sqrt(300)


def test_cli_blending_section(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    # The fresh-process probe is tested above; here its figures are made up, to keep the
    # test fast (each probe process imports the whole stack).
    def probe(model: str, agents: int, customers: int, traced: bool) -> dict[str, int]:
        return {"customers": customers, "rss_base_kb": 1000, "rss_peak_kb": 1100}

    monkeypatch.setattr(suite, "probe", probe)
    out = tmp_path / "bench.json"
    code = main([
        "--quick", "--only", "blending", "--blending-agents", "10", "--customers", "500",
        "--rounds", "1", "--memory-customers", "200", "--no-tracemalloc", "--json", str(out),
    ])
    assert code == 0
    printed = capsys.readouterr().out
    for heading in ("== blending: Erlang A", "core/textbook",
                    "== blending: agreement", "ccsim − textbook", "exact chain:",
                    "== blending: ccsim peak memory"):
        assert heading in printed
    data = json.loads(out.read_text())["blending"]
    assert set(data) == {"runs", "speed", "chains", "agreement", "memory"}
    assert data["speed"][0]["ratios"]["ccsim / textbook"] > 0
    assert {a["model"] for a in data["agreement"]} == {"ccsim", "textbook", "difference"}
    assert data["chains"]["10"]["boundary"] < 1e-12
    assert data["memory"][0]["model"] == "ccsim-blending"
    assert data["memory"][0]["customers"] == [200, 2000]


def test_small_day_section_times_the_summary_path_against_the_textbook(
        capsys: pytest.CaptureFixture[str]) -> None:
    from benchmarks import small_day

    runs = small_day.compare(days=3, rounds=2)
    assert {m: len(r) for m, r in runs.items()} == {
        "ccsim summary": 2, "ccsim tables": 2, "ccsim core": 2, "textbook": 2}
    rows = small_day.ratios(runs, 3)
    assert [r.model for r in rows] == ["ccsim summary", "ccsim tables", "ccsim core",
                                       "textbook"]
    assert rows[3].median == 1.0 and all(r.low <= r.median <= r.high for r in rows)
    text = small_day.text(rows, 3, 2)
    assert "simulate + summary ≥ 3.5× the textbook" in text
    assert "the statistics (folded, checked, summarised)" in text


def test_small_day_text_says_what_the_target_leaves_the_statistics() -> None:
    from benchmarks.small_day import Ratio, text

    def rows(summary: float, core: float) -> list[Ratio]:
        return [Ratio("ccsim summary", 1.0, summary, summary, summary),
                Ratio("ccsim tables", 1.0, 0.5, 0.5, 0.5),
                Ratio("ccsim core", 1.0, core, core, core),
                Ratio("textbook", 1.0, 1.0, 1.0, 1.0)]

    # 1/2.5 - 1/5 = 0.2 textbook days of statistics, half the day; 1/3.5 - 1/5 of it left.
    assert ("take 50% of the day; the target leaves them 43% of that"
            in text(rows(2.5, 5.0), 3, 2))
    assert "nothing: the core alone misses it" in text(rows(2.5, 3.0), 3, 2)
    # A short run's noise can put the core below the summary path.
    assert "no cost measured" in text(rows(3.0, 2.9), 3, 2)


def test_chat_section_times_ccsim_against_a_process_per_chat() -> None:
    from benchmarks import chat

    row = chat.compare(4, 300, rounds=2)
    assert row.agents == 4 and row.low <= row.ratio <= row.high
    # Both models simulate the same day: similar shares of chats abandon.
    assert abs(row.abandon_share["ccsim"] - row.abandon_share["textbook"]) < 0.05
    assert "ccsim at least 3× the textbook chat model" in chat.text([row], 2)


def test_shifts_section_times_shifts_against_the_head_counts_they_add_up_to() -> None:
    from benchmarks import shifts

    import ccsim

    counted, named = shifts.days(12)
    assert ccsim.simulate(counted, 3).summary == ccsim.simulate(named, 3).summary
    runs = shifts.compare(12, rounds=2)
    assert [run.seed for run in runs["staff"]] == [run.seed for run in runs["shifts"]] == [1, 2]
    assert [a.customers for a in runs["staff"]] == [b.customers for b in runs["shifts"]]
    assert "shifts ÷ staff speed: " in shifts.text(runs) and "target ≥ 0.9×" in shifts.text(runs)


def test_staffing_section_times_each_stage_of_the_search(tmp_path) -> None:
    from benchmarks import staffing

    day = tmp_path / "day.toml"
    day.write_text('start = "08:00"\nperiod = "15min"\n[[contact_types]]\nname = "calls"\n'
                   'arrivals = { volumes = [8, 30, 8] }\n'
                   'handle_time = { dist = "exponential", mean = "4min" }\n'
                   '[[agent_groups]]\nname = "team"\nskills = ["calls"]\nstaff = 1\n')
    found = staffing.measure(replications=2, validate=2, path=day)
    stages = ("forward pass", "trim", "confirm", "report")
    assert all(found[s] >= 0 for s in stages) and found["intervals"] == 3
    assert sum(found[s] for s in stages) == pytest.approx(found["total"], rel=0.05, abs=0.05)
    assert "target: file to plan in under 2 minutes: met" in staffing.text(found, 2)


def test_redials_section_times_segments_and_redials_against_the_plain_day() -> None:
    from benchmarks import redials

    scenarios = redials.days(10, 2000)
    assert list(scenarios) == ["plain", "plain, as many attempts", "segments",
                               "segments, as many attempts", "redials", "segments and redials"]
    both = scenarios["segments and redials"].contact_types[0]
    assert both.segments and both.redial is not None
    rate = {name: s.contact_types[0].arrivals.per_hour for name, s in scenarios.items()}
    assert rate["plain, as many attempts"] == rate["segments, as many attempts"] > rate["plain"]
    floor = scenarios["segments, as many attempts"].contact_types[0]
    assert floor.segments == both.segments and floor.redial is None
    runs = redials.compare(10, 2000, rounds=2)
    assert all([run.seed for run in own] == [1, 2] for own in runs.values())
    # The same arrival stream: redials are counted apart from the first attempts offered.
    assert runs["segments and redials"][0].customers == runs["plain"][0].customers
    text = redials.text(runs)
    assert "segments and redials" in text and "target: segments and redials ≥ 0.8×" in text
