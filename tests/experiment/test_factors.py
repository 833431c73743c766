"""ccsim.experiment.factors: parameter columns in words."""

from __future__ import annotations

import pytest

from ccsim.experiment.factors import describe


@pytest.mark.parametrize(("column", "words"), [
    ("agent_groups.billing.staff", "billing team staff"),
    ("agent_groups.billing.staff:scale", "billing team staff"),
    ("agent_groups.*.staff:scale", "staff of every team"),
    ("contact_types.billing.patience.mean", "billing mean patience"),
    ("contact_types.*.handle_time.mean:scale", "mean handle time of every contact type"),
    ("contact_types.sales.arrivals.per_hour", "sales arrivals per hour"),
    ("lines", "lines"),
])
def test_parameters_are_named_in_words(column: str, words: str) -> None:
    assert describe(column) == words
