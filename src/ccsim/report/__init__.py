"""Human-readable results: the summary ``ccsim run`` prints (:mod:`ccsim.report.text`) and
the report page, one self-contained HTML file per results directory
(:mod:`ccsim.report.page`).

Both read a metric the same way — service level labelled with its threshold, a cell as
``mean ± 95 % CI half-width`` (:mod:`ccsim.report.columns`), targets judged met, missed or
unclear from the confidence intervals (:mod:`ccsim.report.targets`) — from the registry,
:mod:`ccsim.model.registry`. The page says the scenario and each variant's changes in
words (:mod:`ccsim.report.words`), as the scenario's parts describe themselves.

A staffing plan (:func:`ccsim.staff`) reads the same way: the table ``ccsim staff`` prints
(:mod:`ccsim.report.plan`) and its own page, ``report.html`` in the plan's directory
(:mod:`ccsim.report.plan_page`).
"""

from ccsim.report.columns import (
    HOURS,
    KEY_METRICS,
    TYPE_METRICS,
    cell,
    in_order,
    sl_label,
    sl_note,
    sweep_metrics,
    type_metrics,
)
from ccsim.report.coverage import Coverage, coverage
from ccsim.report.page import (
    PAGE,
    PAGE_GROUP_METRICS,
    PAGE_TYPE_METRICS,
    POLICY_TITLES,
    SWEEP_METRICS,
    policy_metrics,
    report_html,
    write_report,
)
from ccsim.report.plan import plan_text
from ccsim.report.plan_page import plan_html, write_plan_report
from ccsim.report.targets import Miss, Target, Verdict, missed_intervals, targets, verdict
from ccsim.report.text import WIDTH, grid, metric_table, summary_text, table_line
from ccsim.report.words import changes

__all__ = [
    "HOURS",
    "KEY_METRICS",
    "PAGE",
    "PAGE_GROUP_METRICS",
    "PAGE_TYPE_METRICS",
    "POLICY_TITLES",
    "SWEEP_METRICS",
    "TYPE_METRICS",
    "WIDTH",
    "Coverage",
    "Miss",
    "Target",
    "Verdict",
    "cell",
    "changes",
    "coverage",
    "grid",
    "in_order",
    "metric_table",
    "missed_intervals",
    "plan_html",
    "plan_text",
    "policy_metrics",
    "report_html",
    "sl_label",
    "sl_note",
    "summary_text",
    "sweep_metrics",
    "table_line",
    "targets",
    "type_metrics",
    "verdict",
    "write_plan_report",
    "write_report",
]
