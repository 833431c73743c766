"""ccsim.analytic.staffing: agents_for_target finds the smallest team that meets every
target, for Erlang C and Erlang A, and refuses what it cannot answer."""

from __future__ import annotations

import math

import pytest
from erlang_cases import HANDLE
from hypothesis import given, settings
from hypothesis import strategies as st

from ccsim.analytic import agents_for_target, erlang_a_metrics


def _meets(n: int, lam: float, handle: float, patience: float, t: float, **targets: float) -> bool:
    m = erlang_a_metrics(n, lam, handle, patience, answer_within=t)
    if math.isinf(patience) and m.offered_load >= n:
        return False
    return (
        m.service_level >= targets.get("target_service_level", -1.0)
        and m.asa <= targets.get("max_asa", math.inf)
        and m.p_abandon <= targets.get("max_abandon_rate", 1.0)
    )


@pytest.mark.parametrize(
    ("patience", "targets"),
    [
        (None, {"target_service_level": 0.8}),
        (None, {"max_asa": 15.0}),
        (None, {"target_service_level": 0.9, "max_asa": 5.0}),
        (180.0, {"target_service_level": 0.8}),
        (180.0, {"max_abandon_rate": 0.02}),
        (180.0, {"target_service_level": 0.8, "max_asa": 10.0, "max_abandon_rate": 0.05}),
    ],
)
def test_agents_for_target_is_the_smallest_team(
    patience: float | None, targets: dict[str, float]
) -> None:
    lam, t = 11.5 / 60.0, 20.0
    n = agents_for_target(lam, 240.0, answer_within=t, mean_patience=patience, **targets)
    p = math.inf if patience is None else patience
    assert _meets(n, lam, 240.0, p, t, **targets)
    assert not _meets(n - 1, lam, 240.0, p, t, **targets)


@settings(max_examples=60, deadline=None)
@given(
    st.floats(min_value=0.001, max_value=2.0),
    st.floats(min_value=30.0, max_value=900.0),
    st.floats(min_value=0.05, max_value=0.98),
    st.one_of(st.none(), st.floats(min_value=5.0, max_value=2000.0)),
    st.floats(min_value=0.0, max_value=120.0),
)
def test_agents_for_target_property(
    lam: float, handle: float, sl: float, patience: float | None, t: float
) -> None:
    n = agents_for_target(
        lam, handle, answer_within=t, target_service_level=sl, mean_patience=patience
    )
    p = math.inf if patience is None else patience
    assert _meets(n, lam, handle, p, t, target_service_level=sl)
    assert n == 1 or not _meets(n - 1, lam, handle, p, t, target_service_level=sl)


def test_agents_for_target_large_centre() -> None:
    lam = 5000.0 / HANDLE
    n = agents_for_target(lam, HANDLE, answer_within=20.0, target_service_level=0.8)
    assert 5000 < n < 5200
    assert _meets(n, lam, HANDLE, math.inf, 20.0, target_service_level=0.8)
    assert not _meets(n - 1, lam, HANDLE, math.inf, 20.0, target_service_level=0.8)


def test_agents_for_target_overload_with_abandonment_can_staff_below_load() -> None:
    lam = 100.0 / HANDLE
    n = agents_for_target(lam, HANDLE, answer_within=20.0, max_abandon_rate=0.5, mean_patience=60.0)
    assert n < 100
    assert _meets(n, lam, HANDLE, 60.0, 20.0, max_abandon_rate=0.5)
    assert not _meets(n - 1, lam, HANDLE, 60.0, 20.0, max_abandon_rate=0.5)


def test_agents_for_target_errors() -> None:
    with pytest.raises(ValueError, match="at least one"):
        agents_for_target(0.1, HANDLE, answer_within=20.0)
    with pytest.raises(ValueError, match="max_agents"):
        agents_for_target(1.0, HANDLE, answer_within=20.0, target_service_level=0.8, max_agents=100)
    with pytest.raises(ValueError, match="max_agents"):
        agents_for_target(
            1.0, HANDLE, answer_within=20.0, target_service_level=0.99, max_agents=245
        )
    with pytest.raises(ValueError, match="target_service_level"):
        agents_for_target(0.1, HANDLE, answer_within=20.0, target_service_level=1.0)
    with pytest.raises(ValueError, match="max_abandon_rate"):
        agents_for_target(0.1, HANDLE, answer_within=20.0, max_abandon_rate=0.0)
