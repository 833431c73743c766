"""Smoke test of the benchmarks: they run, report what they should, and the three models
agree with exact Erlang A at small sizes. No timing is asserted (CI machines vary).

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
from benchmarks import suite  # noqa: E402
from benchmarks.__main__ import main  # noqa: E402
from benchmarks.case import MEAN_HANDLE, MEAN_PATIENCE, Case, batch_stats  # noqa: E402

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
