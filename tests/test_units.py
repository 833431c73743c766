from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccsim.units import duration_unit, format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("20s", 20), ("4min", 240), ("1.5h", 5400), ("30", 30), (" 2 min ", 120), ("1d", 86400),
     ("250ms", 0.25), (45, 45), (2.5, 2.5), ("-4min", -240)],
)
def test_parse_duration_reads_units(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("bad", ["4 parsecs", "min", "", "4minutes", True, None, [1]])
def test_parse_duration_rejects_what_it_cannot_read(bad):
    with pytest.raises(ValueError, match="expected a duration"):
        parse_duration(bad)


def test_parse_duration_passes_nan_and_inf_for_the_schema_to_judge():
    assert math.isnan(parse_duration("nan"))
    assert parse_duration("inf") == math.inf


@given(st.floats(min_value=1, max_value=1e6, allow_nan=False))
def test_format_then_parse_round_trips_within_rounding(seconds):
    assert parse_duration(format_duration(seconds)) == pytest.approx(seconds, rel=1e-5)


@pytest.mark.parametrize(
    ("text", "per_second"),
    [("690/h", 690 / 3600), ("11.5/min", 11.5 / 60), (" 2 / s ", 2.0), ("1e3/d", 1e3 / 86400),
     (0.25, 0.25)],
)
def test_rates_per_unit_of_time(text, per_second):
    from ccsim.units import parse_rate

    assert parse_rate(text) == pytest.approx(per_second)


@pytest.mark.parametrize("bad", ["690", "690/fortnight", "/h", "a/h", True, None])
def test_a_rate_without_a_unit_of_time_is_refused(bad):
    from ccsim.units import parse_rate

    with pytest.raises(ValueError, match=r'expected a rate such as "690/h"'):
        parse_rate(bad)


@pytest.mark.parametrize(
    ("seconds", "unit"),
    [(0, "s"), (31.0, "s"), (119.9, "s"), (120, "min"), (1818.5, "min"), (7199, "min"),
     (7200, "h"), (102_619, "h"), (-300, "min"), (math.nan, "s"), (math.inf, "s")],
)
def test_duration_unit_reads_a_duration_in_the_unit_of_its_size(seconds, unit):
    assert duration_unit(seconds)[0] == unit
    assert duration_unit(seconds)[1] == {"s": 1.0, "min": 60.0, "h": 3600.0}[unit]
