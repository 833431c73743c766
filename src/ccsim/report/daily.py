"""The spread of the daily service level, for scenarios with busyness.

With busyness (the forecast's error: one random factor per day, see
:mod:`ccsim.model.busyness`) a plan's mean service level hides the days that fail: 80 %
on average may be 90 % on quiet days and 60 % on busy ones. So the summary and the report
page say, for each variant with busyness, how its days spread: how many fall below the
service-level target, the lowest, the tenth percentile and the median. The days of all
replications are pooled — each replication is other days of the same centre — from the
days table (``Results.days``: the whole centre's headline ``service_level`` of each day,
by the clock); a day with nobody offered has no service level and is left out.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

import numpy as np

from ccsim.report.html import html_table
from ccsim.scenario.words import percent

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ccsim.experiment import Results
    from ccsim.scenario import Scenario


@dataclass(frozen=True)
class DailySpread:
    """How the daily service level of one variant spreads over its pooled days."""

    variant: str
    days: int  #: days pooled (every day of every replication with a service level)
    lowest: float
    tenth: float  #: the tenth percentile: a day in ten is below it
    median: float
    target: float | None  #: the scenario's service-level target, if it states one
    below: int  #: days below the target (0 without one)

    def words(self) -> str:
        """``1 day in 5 below the 80 % target (41 of 200); lowest day 62 %; a day in 10
        below 71 %; median 84 %``"""
        parts = [f"lowest day {percent(self.lowest)}",
                 f"a day in 10 below {percent(self.tenth)}", f"median {percent(self.median)}"]
        if self.target is not None:
            parts.insert(0, f"{self.below_words()} below the {percent(self.target)} target "
                            f"({self.below} of {self.days})")
        return "; ".join(parts)

    def below_words(self) -> str:
        """``no day``, ``every day``, ``1 day in 5`` (up to half of them), ``62 % of days``."""
        if self.below == 0:
            return "no day"
        if self.below == self.days:
            return "every day"
        share = self.below / self.days
        return f"1 day in {round(1 / share)}" if share <= 0.5 else f"{percent(share)} of days"


def busy(scenario: Scenario) -> bool:
    """Whether ``scenario`` has busyness, its own or a contact type's."""
    return scenario.busyness is not None or any(
        c.arrivals.busyness is not None for c in scenario.contact_types)


def daily_spreads(results: Results, scenarios: Mapping[str, Scenario]) -> list[DailySpread]:
    """The spread of each variant with busyness (none without a days table)."""
    days = results.days
    if days.empty or "service_level" not in days:
        return []
    found = []
    for variant, scenario in scenarios.items():
        if not busy(scenario):
            continue
        mine = days[days["variant"] == variant]["service_level"].to_numpy(dtype=float)
        mine = mine[np.isfinite(mine)]
        if not len(mine):
            continue
        target = scenario.targets.service_level
        found.append(DailySpread(
            variant, len(mine), float(mine.min()), float(np.quantile(mine, 0.1)),
            float(np.median(mine)), target,
            int(np.count_nonzero(mine < target)) if target is not None else 0))
    return found


def daily_text(results: Results, scenarios: Mapping[str, Scenario],
               width: int = 100) -> list[str]:
    """The lines of ``ccsim run``'s summary, wrapped at ``width``: one paragraph for a
    single variant, one per variant of a sweep."""
    spreads = daily_spreads(results, scenarios)
    if not spreads:
        return []
    out = [""]
    for s in spreads:
        where = f"{s.variant}: " if len(scenarios) > 1 else ""
        line = (f"{where}service level by day, with busyness ({s.days} days: those of every "
                f"replication): {s.words()}").replace(" %", _KEEP)  # "80 %" stays together
        out += [part.replace(_KEEP, " %") for part in textwrap.wrap(
            line, width, initial_indent="  ", subsequent_indent="    ")]
    return out


#: A no-break space before %, while a line is wrapped.
_KEEP = "\N{NO-BREAK SPACE}%"


def daily_html(results: Results, scenarios: Mapping[str, Scenario]) -> list[str]:
    """The report page's table: a row per variant with busyness."""
    spreads = daily_spreads(results, scenarios)
    if not spreads:
        return []
    targeted = any(s.target is not None for s in spreads)
    header = ["variant", "days", *(["below the target"] if targeted else []), "lowest day",
              "a day in 10 below", "median day"]
    rows = [[escape(s.variant), str(s.days),
             *([escape(_below_cell(s)) if s.target is not None else "–"] if targeted else []),
             escape(percent(s.lowest)), escape(percent(s.tenth)), escape(percent(s.median))]
            for s in spreads]
    note = ("<p id=daily-note>With busyness each day brings a random share more or less "
            "than the forecast, so the mean service level hides the days that fail: here is "
            "how the days of all replications spread.</p>")
    return [note, html_table("daily", "Service level by day", header, rows)]


def _below_cell(spread: DailySpread) -> str:
    """``7 (1 day in 7) below 80 %``, ``none below 80 %``."""
    count = f"{spread.below} ({spread.below_words()})" if spread.below else "none"
    return f"{count} below {percent(spread.target or 0.0)}"
