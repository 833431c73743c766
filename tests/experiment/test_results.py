"""Results: tables of every run in order, metrics in the registry's order, parameter
columns, saved and loaded again, summaries with Student-t confidence intervals."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
from scipy.stats import t

from ccsim.experiment import Results, load_experiment, run_experiment
from ccsim.model.registry import CORE, METRICS

#: The metrics of a run with no policy of its own, in table order.
PLAIN = [m for m in METRICS if m in CORE]

SWEEP = """
scenario = "tiny.toml"
replications = {replications}
seed = 11
[vary]
"agent_groups.specialists.staff" = [1, 2, 3]
"""

def test_tables_hold_one_row_per_run_in_order_with_metrics_in_metrics_order(
    write_experiment, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    results = run_experiment(
        load_experiment(write_experiment(SWEEP.format(replications=3))), workers=1, out=out
    )
    header = (out / "runs.csv").read_text().splitlines()[0].split(",")
    assert header == [
        "variant",
        "replication",
        "seed",
        "agent_groups.specialists.staff",
        *PLAIN,
        "status",
        "error",
    ]
    runs = results.runs
    assert list(runs["variant"]) == [f"specialists.staff={s}" for s in (1, 2, 3) for _ in range(3)]
    assert list(runs["replication"]) == [0, 1, 2] * 3
    assert set(runs["status"]) == {"ok"}
    intervals = results.intervals
    assert list(intervals.columns[:5]) == ["variant", "replication", "interval", "time",
                                           "contact_type"]
    assert len(intervals) == 9 * 4 * 3  # runs × intervals × (2 types + all)
    for name in ("runs.parquet", "intervals.parquet", "intervals.csv", "summary.csv",
                 "seeds.csv", "experiment.json", "inputs/sweep.toml", "inputs/tiny.toml"):
        assert (out / name).is_file(), name
    assert len(list((out / "runs").glob("*.json"))) == 9
    loaded = Results.load(out)
    assert loaded.variants == results.variants
    assert loaded.runs.equals(results.runs)
    assert loaded.summary().equals(results.summary())


def test_summary_half_width_is_the_student_t_formula(write_experiment) -> None:
    results = run_experiment(
        load_experiment(write_experiment(SWEEP.format(replications=5))), workers=1
    )
    summary = results.summary()
    assert list(summary["replications"]) == [5, 5, 5]
    for _, row in summary.iterrows():
        values = results.runs.loc[results.runs["variant"] == row["variant"], "service_level"]
        n = len(values)
        assert row["service_level"] == pytest.approx(values.mean(), rel=1e-12)
        expected = t.ppf(0.975, n - 1) * values.std(ddof=1) / math.sqrt(n)
        assert row["service_level_ci95"] == pytest.approx(expected, rel=1e-12)
        assert row["agent_groups.specialists.staff"] in (1, 2, 3)
    single = run_experiment(
        load_experiment(write_experiment(SWEEP.format(replications=1))), workers=1
    ).summary()
    assert single["service_level_ci95"].isna().all()
    assert single["service_level"].notna().all()


MIXED = """
scenario = "tiny.toml"
replications = 2
[vary]
"contact_types.billing.handle_time.mean" = ["2min", 150]

[[variants]]
label = "flat"
"agent_groups.generalists.staff" = 4

[[variants]]
label = "shaped"
"agent_groups.generalists.staff" = [3, 4, 4, 3]
"""


def test_parameter_columns_of_mixed_values_reach_every_table(
    write_experiment, tmp_path: Path
) -> None:
    import pandas as pd

    out = tmp_path / "out"
    run_experiment(load_experiment(write_experiment(MIXED)), workers=1, out=out)
    runs = pd.read_parquet(out / "runs.parquet")
    assert list(runs["agent_groups.generalists.staff"]) == ["4"] * 4 + ["[3,4,4,3]"] * 4
    summary = pd.read_csv(out / "summary.csv", dtype=str)
    summary = summary[summary["contact_type"] == "all"]
    assert list(summary["contact_types.billing.handle_time.mean"]) == ["2min", "150"] * 2
    assert list(summary["replications"]) == ["2"] * 4


def test_a_metric_a_run_did_not_report_is_nan_in_tables_and_summaries() -> None:
    from ccsim.experiment.results import tables_from_records
    from ccsim.experiment.summary import summarize

    manifest = {"parameters": [], "variants": [{"label": "a", "parameters": {}}]}
    # Records of a run that reported only some metrics (an older version, say).
    records = {
        (0, r): {"seed": r, "status": "ok", "error": None,
                 "summary": {"offered": 10, "service_level": 0.5 + r / 10},
                 "intervals": {"interval": [0]}}
        for r in range(3)
    }
    runs, *_ = tables_from_records(manifest, records)
    assert list(runs["offered"]) == [10, 10, 10] and runs["answered"].isna().all()
    row = summarize(runs, ["a"]).iloc[0]
    assert row["service_level"] == pytest.approx(0.6)
    assert row["service_level_ci95"] > 0
    assert math.isnan(row["answered"]) and math.isnan(row["asa_ci95"])
    # ... and a column missing from the table altogether.
    row = summarize(runs.drop(columns=["asa"]), ["a"]).iloc[0]
    assert math.isnan(row["asa"]) and math.isnan(row["asa_ci95"])
    assert {f"{m}_ci95" for m in PLAIN} <= set(row.index)


def test_a_column_only_some_variants_report_is_nan_in_the_others_rows() -> None:
    from ccsim.experiment.results import tables_from_records

    manifest = {"parameters": [], "variants": [{"label": "a", "parameters": {}},
                                               {"label": "b", "parameters": {}}]}
    # Variant b installs a policy: its interval rows have a column a's lack.
    records = {
        (v, 0): {"seed": v, "status": "ok", "error": None, "summary": {"offered": 10},
                 "intervals": {"interval": [0, 1], "offered": [4, 6],
                               **({"recalls_requested": [1, 2]} if v else {})}}
        for v in (0, 1)
    }
    _, _, intervals, *_ = tables_from_records(manifest, records)
    assert list(intervals.variant) == ["a", "a", "b", "b"]
    assert list(intervals.offered) == [4, 6, 4, 6]
    assert intervals.recalls_requested.isna().tolist() == [True, True, False, False]
    assert list(intervals.recalls_requested[2:]) == [1, 2]


def test_summaries_do_not_import_scipy_stats(write_experiment) -> None:
    # scipy.stats takes most of a second to import, for one t quantile.
    script = (
        "import sys, pandas as pd\n"
        "from ccsim.experiment.summary import summarize\n"
        "runs = pd.DataFrame({'variant': ['a'] * 3, 'status': ['ok'] * 3,"
        " **{m: [0.5, 0.6, 0.8] for m in " + repr(list(METRICS)) + "}})\n"
        "row = summarize(runs, ['a']).iloc[0]\n"
        "print(repr(float(row['service_level_ci95'])), 'scipy.stats' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    half, imported = done.stdout.split()
    values = [0.5, 0.6, 0.8]
    mean = sum(values) / 3
    s = math.sqrt(sum((v - mean) ** 2 for v in values) / 2)
    assert float(half) == pytest.approx(t.ppf(0.975, 2) * s / math.sqrt(3), rel=1e-12)
    assert imported == "False"
    source = Path(__file__).parents[2] / "src" / "ccsim" / "experiment"
    imports = re.compile(r"^\s*(import scipy\.stats|from scipy(\.stats)? import stats?\b)", re.M)
    assert not [m for m in source.glob("*.py") if imports.search(m.read_text())]


def test_results_per_contact_type_and_group_are_saved_and_summarised(
    write_experiment, tmp_path: Path
) -> None:
    import pandas as pd

    from ccsim import simulate

    experiment = load_experiment(write_experiment(SWEEP.format(replications=3)))
    out = tmp_path / "out"
    results = run_experiment(experiment, workers=1, out=out)
    for name in ("types", "groups"):
        assert pd.read_parquet(out / f"{name}.parquet").equals(getattr(results, name))
        assert (out / f"{name}.csv").is_file()
    # Each run's rows are its RunResult tables.
    first = experiment.variants[0]
    run = simulate(first.scenario, experiment.seeds()[1])
    mine = results.types[(results.types.variant == first.label)
                         & (results.types.replication == 1)]
    assert mine.drop(columns=["variant", "replication"]).reset_index(drop=True).equals(
        run.types)
    # summary.csv: per variant, the whole centre first, then each contact type.
    summary = pd.read_csv(out / "summary.csv")
    kinds = ["all", *(c.name for c in first.scenario.contact_types)]
    assert list(summary.contact_type) == kinds * len(experiment.variants)
    totals = summary[summary.contact_type == "all"].reset_index(drop=True)
    expected = results.summary()
    assert totals.offered.tolist() == pytest.approx(expected.offered.tolist())
    # ... the per-type means are the means of each run's per-type values.
    by_type = results.summary(by="contact_type")
    for kind in kinds[1:]:
        row = by_type[(by_type.variant == first.label) & (by_type.contact_type == kind)].iloc[0]
        values = results.types[(results.types.variant == first.label)
                               & (results.types.contact_type == kind)].service_level
        assert row.service_level == pytest.approx(values.mean())
        assert row.replications == 3
    # groups_summary.csv: occupancy of the day per group, from busy and staffed time.
    groups = pd.read_csv(out / "groups_summary.csv")
    names = [g.name for g in first.scenario.agent_groups]
    assert list(groups.agent_group) == names * len(experiment.variants)
    day = results.groups[(results.groups.variant == first.label)
                         & (results.groups.agent_group == names[0])]
    busy = day.groupby("replication").busy_time.sum()
    staffed = day.groupby("replication").staffed_time.sum()
    assert groups.occupancy.iloc[0] == pytest.approx((busy / staffed).mean())
    assert groups.staffed_hours.iloc[0] == pytest.approx((staffed / 3600).mean())
    loaded = Results.load(out)
    assert loaded.summary(by="group").equals(results.summary(by="group"))
    with pytest.raises(ValueError, match="by must be"):
        results.summary(by="team")
