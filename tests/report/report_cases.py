"""What the report tests share: a two-team day with targets, a sweep of it, running an
experiment with its charts drawn (as ``ccsim run`` does), and reading a page's tables."""

from __future__ import annotations

import tomllib
from html.parser import HTMLParser
from pathlib import Path

from ccsim.experiment import Experiment, Results, run_experiment
from ccsim.plots import plot_results

#: Two types, two teams, three hours. Billing is understaffed on purpose so that the
#: service-level target (90 % in 20 s) is missed beyond doubt, the centre's abandonment
#: target (50 %) met beyond doubt.
DAY = """\
name = "two-team day"
start = "09:00"
period = "30min"
horizon = "3h"

[service_level]
answer_within = "20s"

[targets]
service_level = 0.9
abandon_rate = 0.5

[[contact_types]]
name = "billing"
arrivals = { per_hour = 120 }
handle_time = { dist = "exponential", mean = "4min" }
patience = { dist = "exponential", mean = "2min" }

[[contact_types]]
name = "tech"
arrivals = { per_hour = 30 }
handle_time = { dist = "exponential", mean = "6min" }
patience = { dist = "exponential", mean = "5min" }

[[agent_groups]]
name = "specialists"
skills = ["billing"]
staff = 4

[[agent_groups]]
name = "generalists"
skills = ["tech", "billing"]
staff = [4, 5, 5, 5, 4, 4]
"""

SWEEP = """\
scenario = "day.toml"
replications = 4
[vary]
"agent_groups.specialists.staff" = [3, 8]
"""


def run_and_plot(directory: Path, experiment: Experiment) -> Results:
    results = run_experiment(experiment, workers=1, out=directory, progress=False)
    plot_results(directory)
    return results


def day_dict() -> dict:
    """The day as data, to change before it is validated."""
    return tomllib.loads(DAY)


class Page(HTMLParser):
    """The tables of a page (id → rows of cell text) and its URLs and tags."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.urls: list[str] = []
        self.tags: set[str] = set()
        self._table: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        values = dict(attrs)
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]
        if tag == "table":
            self._table = self.tables.setdefault(values.get("id") or "", [])
        elif tag == "tr" and self._table is not None:
            self._table.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._table is not None:
            self._table[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def parse(page: str) -> Page:
    """The tables, URLs and tags of ``page``."""
    parser = Page()
    parser.feed(page)
    return parser
