"""RunResult: the summary when the run ends, the tables when first read — and the same
tables either way."""

from __future__ import annotations

import pickle
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from model_cases import scripted

import ccsim
from ccsim.model.policies import Policy


def _day() -> ccsim.Scenario:
    return ccsim.Scenario(
        period=1800, horizon=7200,
        contact_types=[
            {"name": "sales", "arrivals": {"per_hour": 60},
             "handle_time": {"dist": "exponential", "mean": 240},
             "patience": {"dist": "exponential", "mean": 180}},
            {"name": "service", "arrivals": {"per_hour": 40},
             "handle_time": {"dist": "exponential", "mean": 300}},
        ],
        agent_groups=[{"name": "agents", "skills": ["sales", "service"], "staff": 9}],
    )


def test_the_summary_needs_no_pandas():
    day = _day().model_dump_json()
    code = ("import sys, ccsim\n"
            f"r = ccsim.simulate(ccsim.Scenario.model_validate_json({day!r}), 3)\n"
            "assert r.summary['offered'] > 0 and r.per_interval('service_level').size == 4\n"
            "print('pandas' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


def test_per_interval_is_the_intervals_tables_column():
    # Read before the table is built (only that part's rows are computed), and after.
    lazy, result = ccsim.simulate(_day(), 5), ccsim.simulate(_day(), 5)
    for kind in ("all", "sales", "service"):
        rows = result.intervals[result.intervals["contact_type"] == kind]
        for metric in ("offered", "service_level", "asa", "abandon_rate", "wait_p90",
                       "occupancy"):
            np.testing.assert_array_equal(result.per_interval(metric, kind),
                                          rows[metric].to_numpy(dtype=float))
            np.testing.assert_array_equal(lazy.per_interval(metric, kind),
                                          rows[metric].to_numpy(dtype=float))
    for read in (lazy, result):
        with pytest.raises(KeyError, match="no contact type 'billing'; expected one of: "
                                           "all, sales, service"):
            read.per_interval("offered", "billing")
    with pytest.raises(KeyError, match="no metric 'sl'"):
        result.per_interval("sl")


def test_rows_are_the_tables_records_before_and_after_the_frames_are_built():
    lazy = ccsim.simulate(_day(), 5)
    for table in ("types", "channels", "groups", "intervals", "days"):
        rows = lazy.rows(table)
        frame = getattr(ccsim.simulate(_day(), 5), table)
        clock = [c for c in ("day", "time") if c in frame and c not in rows[0]]
        pd.testing.assert_frame_equal(pd.DataFrame(rows), frame.drop(columns=clock),
                                      check_dtype=False)
        assert pd.DataFrame(lazy.build().rows(table)).equals(frame)
    with pytest.raises(KeyError, match="no table 'agents'; expected one of: intervals, days"):
        lazy.rows("agents")


def test_an_observer_policy_leaves_the_tables_to_be_built_when_read():
    class Watch(Policy):
        def answered(self, contact, agent, now, talk, wrap_up):
            pass

    watched = ccsim.simulate(_day(), 5, policies=[Watch()])
    assert watched._tables._inputs is not None  # nothing built yet
    assert watched.rows("types") == ccsim.simulate(_day(), 5).rows("types")


def test_per_day_is_the_days_table_and_for_a_type_its_share_of_each_day():
    two_days = _day().with_changes(horizon="48h", warmup="1h")
    result = ccsim.simulate(two_days, 5)
    for metric in ("offered", "service_level", "abandon_rate", "occupancy"):
        np.testing.assert_array_equal(result.per_day(metric),
                                      result.days[metric].to_numpy(dtype=float))
    # A type's day pools its intervals' counts (each of its callers is answered or
    # abandons: no lines, no hours).
    rows = result.intervals[result.intervals["contact_type"] == "sales"]
    day_of = rows["day"].to_numpy()
    for d, value in zip((1, 2), result.per_day("offered", "sales"), strict=True):
        assert value == rows.offered[day_of == d].sum()
    answered = [rows.answered[day_of == d].sum() / rows.offered[day_of == d].sum()
                for d in (1, 2)]
    np.testing.assert_allclose(1 - result.per_day("abandon_rate", "sales"), answered)
    with pytest.raises(KeyError, match="no contact type 'billing'"):
        result.per_day("offered", "billing")


def test_tables_read_late_equal_tables_read_at_once_and_survive_pickling():
    early = ccsim.simulate(_day(), 7).build()
    late = ccsim.simulate(_day(), 7)
    again = pickle.loads(pickle.dumps(late))
    assert again._tables._inputs is None  # the pickle holds tables, not the run's state
    for name in ("intervals", "groups", "types"):
        pd.testing.assert_frame_equal(getattr(late, name), getattr(early, name))
        pd.testing.assert_frame_equal(getattr(again, name), getattr(early, name))
    assert late.summary == early.summary == again.summary
    assert late.types.iloc[0]["offered"] == late.summary["offered"]


class _Answered(Policy):
    """Counts answered contacts per run, reset when installed in the next run."""

    def install(self, centre):
        super().install(centre)
        self.count = 0

    def answered(self, contact, agent, now, talk, wrap_up):
        self.count += 1

    def metrics(self, intervals, kinds):
        return {"callbacks_accepted": float(self.count)}


def test_a_reused_policy_of_ones_own_is_read_before_its_next_run():
    policy = _Answered()
    first = ccsim.simulate(scripted([0, 10, 20], [5, 5, 5]), 0, policies=[policy])
    ccsim.simulate(scripted([0], [5]), 0, policies=[policy])
    assert first.types.iloc[0]["callbacks_accepted"] == 3
