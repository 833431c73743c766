"""Which metrics the tables show, in which order and under which label, and how a cell
reads: what the printed summary (:mod:`ccsim.report.text`) and the report page
(:mod:`ccsim.report.page`) share.

How a metric reads (label, unit, display scale, decimals, which way is better) comes from
the registry, :mod:`ccsim.model.registry`, and :mod:`ccsim.model.display`; this module
keeps no list of metrics of its own beyond which ones the compact tables show.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ccsim.model.display import value_text
from ccsim.model.registry import Metric, configured, key_metrics, metric

if TYPE_CHECKING:
    from ccsim.scenario import Scenario


#: Metrics of the several-variant table when the caller names none.
KEY_METRICS = ("service_level", "asa", "abandon_rate", "occupancy")
#: Metrics of the per-contact-type tables (occupancy belongs to agents, not types).
TYPE_METRICS = ("offered", "service_level", "asa", "abandon_rate")
#: The per-group day totals of :data:`ccsim.experiment.summary.GROUP_METRICS` that the
#: registry does not define (they are hours of a team, not metrics of a run).
HOURS = {
    "staffed_hours": Metric("staffed_hours", "staffed hours", "h", "scheduled head count × "
                            "time plus overtime, inside the measured window"),
    "busy_hours": Metric("busy_hours", "busy hours", "h", "talk and wrap-up time inside the "
                         "measured window"),
}


def definition(name: str) -> Metric:
    """What ``name`` is: a metric of the registry, or one of a team's :data:`HOURS`."""
    return HOURS.get(name) or metric(name)


def cell(mean: float, half: float | None, name: str) -> str:
    """``mean ± half unit`` of metric ``name`` for a table cell: a duration in the unit
    that suits its size (``12.3 s``, ``30.3 min``, ``28.5 h``), a confidence interval that
    reaches past the metric's range by its clipped ends (``94.94% [85.75, 100.00]``); see
    :mod:`ccsim.model.display`."""
    m = definition(name)
    # "offered" says it counts contacts: a count needs no unit in its cell
    return value_text(mean, half, m, unit=not m.count)


def sl_label(scenario: Scenario | None) -> str:
    """The headline service level with its threshold, and its definition when it is not
    the default: ``service level (answered within 20 s)``,
    ``service level (answered within 20 s; of answered)``."""
    if scenario is None:
        return metric("service_level").label
    sl = scenario.service_level
    text = f"service level (answered within {sl.answer_within:g} s"
    if sl.definition != "offered":
        # The registry's label of that column says it in words: "service level (of answered)".
        words = metric(f"sl_{sl.definition}").label.partition("(")[2].rstrip(")")
        text += f"; {words or sl.definition}"
    return text + ")"


def in_order(names: Iterable[str]) -> list[str]:
    """``names`` in the order tables show them: the registry's, except that a service
    level a policy adds (``sl_on_line``) comes right after the headline ``service_level``,
    so that the two are read together."""
    names = list(names)
    added = [n for n in names if n.startswith("sl_") and metric(n).policy is not None]
    rest = [n for n in names if n not in added]
    at = rest.index("service_level") + 1 if "service_level" in rest else len(rest)
    return [*rest[:at], *added, *rest[at:]]


def sweep_metrics(policies: Iterable[str]) -> tuple[str, ...]:
    """The columns of the several-variant table: :data:`KEY_METRICS` and the metrics that
    answer for ``policies`` (:func:`ccsim.model.registry.key_metrics`)."""
    return tuple(in_order(dict.fromkeys((*KEY_METRICS, *key_metrics(policies)))))


def type_metrics(policies: Iterable[str]) -> tuple[str, ...]:
    """The columns of the per-contact-type tables: :data:`TYPE_METRICS`, and the service
    level that ``policies`` add (``sl_on_line`` with callback offers) next to the
    headline."""
    added = [m for m in key_metrics(policies) if m.startswith("sl_")]
    return tuple(in_order((*TYPE_METRICS, *added)))


def deferred_note(scenarios: Iterable[Scenario]) -> str | None:
    """What the whole centre's waits mean when some of ``scenarios`` have deferrable work
    (e-mail, web, fax) beside live contacts: an item's wait is its response time, hours,
    so read each channel's row; None otherwise."""
    kinds = {c.deferrable for s in scenarios for c in s.contact_types}
    if kinds != {True, False}:
        return None
    return ("The whole centre's waits and service level mix channels: an e-mail's (web "
            "form's, fax's) wait is its response time, from arrival to the end of its "
            "handling, hours rather than seconds. Read each contact type's (or channel's) "
            "row, and "
            f"'{metric('responded_within').label}' and '{metric('backlog').label}' for "
            "deferrable work.")


def shared_channels(scenarios: Iterable[Scenario]) -> bool:
    """Whether some of ``scenarios`` have several channels, one of them taken by more
    than one contact type: then a row per channel says more than the types' rows."""
    for s in scenarios:
        counts = Counter(c.channel for c in s.contact_types)
        if len(counts) > 1 and max(counts.values()) > 1:
            return True
    return False


def sl_note(scenarios: Iterable[Scenario]) -> str | None:
    """Why the headline service level falls when callbacks are offered, for a summary of
    ``scenarios`` in which some offers them and counts the accepted callbacks in its
    headline (every definition but ``answered``); None otherwise."""
    counted = [s for s in scenarios
               if s.service_level.definition != "answered" and "callbacks" in configured([s])]
    if not counted:
        return None
    return (f"With callback offers, the {metric('service_level').label} falls as more callers "
            f"accept: an accepted callback stays in its denominator (offered) and can never be "
            f"answered in time on the line. '{metric('sl_on_line').label}' leaves them out: "
            "the service level of the customers who stayed on the line.")
