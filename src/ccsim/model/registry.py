"""The registry of metric definitions: open, one definition per name.

Every metric a run reports is defined here once: its name (the column in every table),
how it reads (label, unit, display scale and decimals), whether it is a count, its range,
which direction is better, how it aggregates over intervals and contact types, and its
definition. The tables, the summary with confidence intervals, the charts, the command
line and the README check all read this registry; none keeps a list of its own.

Counts marked ``outcome`` are the terms of the identity every run checks, for each attempt
kind (first attempts, repeats, ...)::

    offered = answered + abandoned + blocked + unserved + (each policy's own outcomes)

**Open.** A policy of one's own (in a notebook, say) adds its metrics with
:func:`register`: ``register(Metric("escalations", ..., count=True))``. A policy's
``metrics()`` may report only registered names (another is an error, never silently
dropped); a registered outcome (``outcome=True``) gets an
:class:`~ccsim.model.contacts.Outcome` number to record contacts with, and its column in the
contact tables of every run whose policies declare it (``Policy.outcomes``). A *derived*
metric (``derive``) is computed in every row of every table that has its ``inputs``, from
them and the scenario: a cost, say, from counts and the scenario's own parameters.

The registry is a table of definitions, not of state: it holds no run's numbers, and a run's
results depend only on its scenario and seed. Registering the same definition again does
nothing (a notebook cell run twice); a different definition under a registered name is an
error. It is module-wide, like a plugin table, because what reads it — the store of a sweep,
its summaries and charts, the report — has no run at hand; a registration made before a
sweep starts reaches its worker processes when they are forked (elsewhere, register in a
module the workers import).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from ccsim.model.contacts import Outcome

if TYPE_CHECKING:
    from ccsim.scenario import Scenario

#: How a metric of several intervals or contact types is formed: counts add up; ratios
#: and means are recomputed from their numerators and denominators; quantiles from the
#: pooled histogram. Never an average of per-interval values.
Aggregate = Literal["sum", "ratio", "quantile"]
#: Which direction of a metric is better (``None``: neither, a volume).
Better = Literal["higher", "lower"] | None


@dataclass(frozen=True)
class Metric:
    """The definition of one metric.

    ``unit`` is the unit shown (``%`` for shares, after multiplying by ``scale``);
    ``low``/``high`` the range of the stored value (a confidence band is clipped to it);
    ``better`` is ``"higher"``, ``"lower"`` or ``None`` (neither: a volume).
    """

    name: str
    label: str
    unit: str
    definition: str
    scale: float = 1.0
    decimals: int = 1
    count: bool = False
    outcome: bool = False
    aggregate: Aggregate = "ratio"
    low: float = 0.0
    high: float = math.inf
    better: Better = None
    #: the policy that reports it (``None``: every run reports it; see :data:`POLICIES`)
    policy: str | None = None
    #: one of the few metrics that answer for its policy: the compact tables show it
    #: wherever a scenario configures the policy
    key: bool = False
    #: a derived metric: computed as ``derive(row, scenario)`` in every row of a table
    #: (summary, intervals, types, groups) that has all of ``inputs`` (its columns)
    derive: Callable[[Mapping[str, float], Scenario], float] | None = None
    inputs: tuple[str, ...] = ()
    #: an outcome outside the line's service (the centre was closed): its contacts count
    #: in ``offered`` and the identity, but not in the service metrics, whose denominators
    #: are the contacts offered less these (``reached``) and whose waits leave them out
    outside: bool = False

    def __post_init__(self) -> None:
        if self.aggregate not in ("sum", "ratio", "quantile"):
            raise ValueError(f"Metric {self.name!r}: aggregate must be 'sum', 'ratio' or "
                             f"'quantile' (got {self.aggregate!r})")
        if self.outside and not self.outcome:
            raise ValueError(f"Metric {self.name!r}: only an outcome is outside the line's "
                             "service (outcome=True)")
        if self.outcome and not self.count:
            raise ValueError(f"Metric {self.name!r}: an outcome is a count (count=True)")
        if (self.derive is None) != (not self.inputs):
            raise ValueError(f"Metric {self.name!r}: a derived metric gives both derive "
                             f"(a function) and inputs (the columns it reads), got "
                             f"derive={self.derive!r}, inputs={self.inputs!r}")


def _count(name: str, definition: str, *, outcome: bool = True) -> Metric:
    return Metric(name, name.replace("_", " "), "contacts", definition, decimals=1, count=True,
                  outcome=outcome, aggregate="sum")


def _share(name: str, label: str, definition: str, better: Better) -> Metric:
    return Metric(name, label, "%", definition, scale=100.0, decimals=2, high=1.0,
                  better=better)


def _seconds(name: str, label: str, definition: str, aggregate: Aggregate = "ratio") -> Metric:
    return Metric(name, label, "s", definition, aggregate=aggregate, better="lower")


_CORE = (
    _count("offered", "contacts that arrived (first attempts)", outcome=False),
    _count("answered", "offered contacts that reached an agent"),
    _count("abandoned", "offered contacts that left the queue before reaching an agent"),
    _count("blocked", "offered contacts turned away because all `lines` were in use"),
    _count("unserved", "offered contacts with infinite patience still waiting when no agent "
           "was left to take them; they count as having waited until the horizon"),
    _count("short_abandons", "offered contacts that abandoned within `answer_within` (a "
           "subset of `abandoned`)", outcome=False),
    _share("abandon_rate", "abandonment", "abandoned / offered", "lower"),
    _share("service_level", "service level", "the headline service level: the `sl_*` column "
           "that `service_level.definition` names (`sl_offered` by default)", "higher"),
    _share("sl_offered", "service level (of offered)", "answered within `answer_within` / "
           "offered", "higher"),
    _share("sl_answered", "service level (of answered)", "answered within `answer_within` / "
           "answered", "higher"),
    _share("sl_nonshort", "service level (short abandons excluded)", "answered within "
           "`answer_within` / (offered − `short_abandons`)", "higher"),
    Metric("sl_expected", "service level (of expected)", "%", "answered within "
           "`answer_within` / the arrivals the forecast expected (`volumes`, or `per_hour` × "
           "period); may exceed 100 % on a busy day", scale=100.0, decimals=2,
           better="higher"),
    _seconds("asa", "ASA", "average speed of answer: mean wait of answered contacts"),
    _seconds("mean_wait", "mean wait", "mean time in queue of all offered contacts "
             "(abandoned ones until they left; blocked ones 0)"),
    _seconds("wait_p50", "median wait", "median wait of all offered contacts", "quantile"),
    _seconds("wait_p90", "90th percentile wait", "90th percentile of that wait", "quantile"),
    _seconds("wait_p95", "95th percentile wait", "95th percentile of that wait", "quantile"),
    _share("p_wait", "P(wait > 0)", "share of offered contacts that waited at all", "lower"),
    _share("occupancy", "occupancy", "agents' busy time (talk + wrap-up) / staffed time, both "
           "inside the measured window", None),
    _share("occupancy_drain", "occupancy (with drain)", "as `occupancy`, with the agents' work "
           "after the horizon (finishing the contacts in hand) counted as busy and staffed "
           "time", None),
)

def _of(policy: str, *metrics: Metric, key: tuple[str, ...] = ()) -> tuple[Metric, ...]:
    """``metrics`` as reported by ``policy``; those named in ``key`` answer for it."""
    return tuple(replace(m, policy=policy, key=m.name in key) for m in metrics)


def _calls(plural: str, singular: str, what: str, start: str) -> tuple[Metric, ...]:
    """The metrics every source of callback requests reports: ``what`` they are,
    ``start`` the moment their delay is measured from."""
    return (
        _count(f"{plural}_completed", f"{what} whose customer was reached and talked to",
               outcome=False),
        _count(f"{plural}_failed", f"{what} never completed: `max_attempts` unanswered, or no "
               "agent left to make them by the end of the run", outcome=False),
        _seconds(f"{singular}_delay_mean", f"{singular} delay", f"mean time from {start} to "
                 f"the start of the conversation, {what} completed"),
        _seconds(f"{singular}_delay_p90", f"90th percentile {singular} delay",
                 "its 90th percentile", "quantile"),
        Metric(f"agent_time_{plural}", f"agent time on {plural}", "s", f"agent-seconds spent "
               f"on {what}: every attempt's `dial_time`, talk and wrap-up", aggregate="sum"),
        Metric(f"{plural}_pending", f"{plural} pending", plural, f"time-average number of "
               f"{what} due and not yet completed or failed, over the measured window",
               better="lower"),
    )


# The callback policies (ccsim.model.callbacks): the offer, recalls and follow-ups, each
# reported where configured. Counts are attributed, like everything, to the interval in
# which the customer first arrived.
_CALLBACKS = (
    *_of("callbacks",
         _count("callbacks_offered", "offered contacts offered a callback", outcome=False),
         _count("callbacks_accepted", "offered contacts that accepted a callback and hung "
                "up: neither answered nor abandoned on the line"),
         _share("sl_on_line", "service level (on the line)", "answered within "
                "`answer_within` / (offered − `callbacks_accepted`): the service level of "
                "the customers who stayed on the line (an accepted callback is never "
                "answered on the line, so it can only lower `sl_offered`)", "higher"),
         *_calls("callbacks", "callback", "accepted callbacks", "accepting the callback"),
         _share("promise_kept", "promises kept", "callbacks with a promise whose "
                "conversation started within `promise` / those completed or failed",
                "higher"),
         key=("callbacks_accepted", "sl_on_line", "callback_delay_mean", "promise_kept")),
    *_of("recalls",
         _count("recalls_requested", "customers who hung up on the line chosen to be "
                "called back (`abandoned.share` of those who waited `min_wait`)",
                outcome=False),
         *_calls("recalls", "recall", "calls back to customers who hung up", "hanging up"),
         key=("recalls_completed", "recall_delay_mean")),
    *_of("followups",
         _count("followups_requested", "contacts whose first conversation (on the line or "
                "as a callback) needs a follow-up call (`follow_ups.share`)", outcome=False),
         *_calls("followups", "followup", "follow-up calls",
                 "the end of the first conversation (and its wrap-up)"),
         key=("followups_completed", "followup_delay_mean")),
)

# First-contact resolution (ccsim.model.repeats). Repeats are counted apart from first
# attempts, in the interval in which they arrive.
_RESOLUTION = _of(
    "resolution",
    _share("resolution_rate", "first-contact resolution", "first attempts answered whose "
           "conversation settled the matter / first attempts answered", "higher"),
    _count("repeat_contacts", "repeat contacts that arrived: customers calling again "
           "because an earlier conversation did not settle their matter (not in `offered`)",
           outcome=False),
    _count("repeats_answered", "repeat contacts that reached an agent", outcome=False),
    _count("repeats_abandoned", "repeat contacts that left the queue before reaching an "
           "agent", outcome=False),
    key=("resolution_rate", "repeat_contacts"),
)

# Outbound campaigns and quotas (ccsim.model.outbound): agent metrics, counted in the
# interval in which the call was made; NaN in a contact type's row.
_OUTBOUND = (
    *_of("outbound",
         _count("outbound_attempts", "outbound calls dialled (each uses one entry of its "
                "campaign's list)", outcome=False),
         _count("outbound_reached", "outbound calls the customer answered: outbound "
                "conversations", outcome=False),
         _count("outbound_successes", "outbound conversations that succeeded (a sale, say: "
                "probability `success`)", outcome=False),
         Metric("agent_time_outbound", "agent time on outbound", "s", "agent-seconds spent "
                "on outbound calls: every attempt's `dial_time`, talk and wrap-up",
                aggregate="sum"),
         key=("outbound_successes",)),
    *_of("quotas",
         _share("quota_attainment", "quota attainment", "mean over agents with a quota of "
                "the share of their target met (capped at 100 %), over the whole run",
                "higher"),
         _share("quota_met", "agents meeting quota", "share of agents with a quota who met "
                "it, over the whole run", "higher"),
         key=("quota_attainment",)),
)


# Predictive dialing (ccsim.model.dialer): counted in the interval in which the call was
# dialled; NaN in a contact type's row.
_DIALER = _of(
    "dialer",
    _count("dialer_attempts", "calls the predictive dialer made", outcome=False),
    _count("dialer_reached", "dialled calls the customer answered", outcome=False),
    _count("dialer_successes", "answered dialled calls connected to an agent that "
           "succeeded (probability `success`)", outcome=False),
    _count("outbound_abandoned", "nuisance calls: customers who answered a dialled call, "
           "found no agent of the calling groups free and hung up after `patience`",
           outcome=False),
    _share("outbound_abandon_rate", "nuisance-call rate", "outbound_abandoned / "
           "dialer_reached (regulators commonly cap it at 3 %)", "lower"),
    key=("dialer_reached", "outbound_abandon_rate"),
)


def _closed_rate(row: Mapping[str, float], scenario: Scenario) -> float:
    offered = row["offered"]
    return row["closed"] / offered if offered > 0 else math.nan


# Opening hours (ccsim.model.hours).
_HOURS = _of(
    "hours",
    replace(_count("closed", "offered contacts turned away because their type was closed: "
                   "they arrived outside its `hours`, or were still waiting when it closed "
                   "with `at_close = \"clear\"`; outside the line's service, they are left "
                   "out of every service metric (whose denominators are `offered` − "
                   "`closed`) and of the waits"), outside=True),
    replace(_share("closed_rate", "closed share", "closed / offered: the share of contacts "
                   "that found their type closed", "lower"),
            derive=_closed_rate, inputs=("closed", "offered")),
    key=("closed", "closed_rate"),
)


# Redials (ccsim.model.redials): attempts counted in the interval in which they arrive;
# a customer's own metrics in the interval of its first attempt.
_REDIALS = _of(
    "redials",
    _count("redials", "redial attempts that arrived: callers who hung up or were blocked "
           "calling again (not in `offered`)", outcome=False),
    _count("redials_answered", "redial attempts that reached an agent", outcome=False),
    _count("redials_abandoned", "redial attempts that left the queue before reaching an "
           "agent", outcome=False),
    _count("customers_lost", "customers whose attempt was abandoned or blocked and who "
           "did not call again (they gave up, had made `max_attempts`, or their type does "
           "not redial after that outcome); one whose redial would come after the horizon "
           "is not counted", outcome=False),
    Metric("attempts_per_customer", "attempts per customer", "attempts", "(offered + "
           "`redials`) / offered: the calls a customer makes", decimals=2, better="lower"),
    _share("sl_per_attempt", "service level (per attempt)", "attempts, first and redials, "
           "answered within `answer_within` / all attempts", "higher"),
    _share("sl_per_customer", "service level (per customer)", "customers answered within "
           "`answer_within` of waiting in all (on every attempt; not the delays between) / "
           "offered", "higher"),
    key=("redials", "customers_lost", "sl_per_customer"),
)


# Limits on waiting (the centre: a type's `max_wait`).
_LIMITS = _of(
    "max_wait",
    _count("messages", "offered contacts still waiting after their type's `max_wait` that "
           "left a message instead (neither answered nor abandoned)"),
    key=("messages",),
)


def _per_answered(row: Mapping[str, float], scenario: Scenario) -> float:
    answered = row["answered"]
    return row["total_cost"] / answered if answered > 0 else math.nan


def _per_resolved(row: Mapping[str, float], scenario: Scenario) -> float:
    # Without resolution every contact answered is resolved.
    resolved = row["answered"] * row.get("resolution_rate", 1.0)
    return row["total_cost"] / resolved if resolved > 0 else math.nan


def _money(name: str, label: str, definition: str) -> Metric:
    return Metric(name, label, "money", f"{definition}, in the currency of `[costs]`",
                  decimals=2, aggregate="sum", better="lower")


# Chat (ccsim.model.chat): the seats of the groups that take chat, per group and interval;
# a contact type's row gives those of every chat group (NaN in a row of no chat type).
_CHAT = _of(
    "chat",
    Metric("seat_time", "chat seat time", "s", "agent-seconds of chat held: each chat from "
           "its answer to its end", aggregate="sum"),
    Metric("chat_time", "time holding chats", "s", "agent-seconds during which an agent held "
           "at least one chat", aggregate="sum"),
    Metric("concurrency_mean", "chats held at once", "chats", "mean number of chats an agent "
           "holds while it holds at least one: `seat_time` / `chat_time`", decimals=2),
    _share("seat_utilisation", "seat utilisation", "chat seat time / (staffed time × "
           "`max_chats`): the share of the chat seats in use (`occupancy` is per person: "
           "the share of time an agent holds at least one chat)", None),
    key=("concurrency_mean", "seat_utilisation"),
)


# Deferrable work (ccsim.model.deferred): e-mail, web forms, fax, per type (NaN in a row of
# no deferrable type), an item in the interval of its arrival.
_DEFERRED = _of(
    "deferred",
    _share("responded_within", "responded within target", "items answered within "
           "`answer_within` of their arrival, nights included / items offered (the "
           "type's `service_level`)", "higher"),
    _seconds("response_time_mean", "mean response time", "mean time from an item's arrival "
             "to the end of its handling, items answered"),
    _seconds("response_time_p90", "90th percentile response time", "its 90th percentile",
             "quantile"),
    Metric("backlog", "backlog", "items", "items waiting (set aside at closing included, in "
           "hand not) at the end of the interval; over several intervals, the mean of their "
           "ends", better="lower"),
    _seconds("backlog_oldest", "oldest item waiting", "age of the oldest item waiting at "
             "the end of the interval; over several, the largest"),
    key=("responded_within", "backlog", "backlog_oldest"),
)


# Shifts (ccsim.model.shifts): what the plan takes off duty, per group and interval.
_SHIFTS = _of(
    "shifts",
    Metric("break_time", "time on breaks", "s", "agent-seconds the shifts plan on breaks, "
           "of the agents present (a break taken late moves it; this is the plan)",
           aggregate="sum"),
    Metric("absent_time", "time absent", "s", "agent-seconds of duty (off break) the "
           "shifts planned for agents absent that day", aggregate="sum"),
)


# Costs (ccsim.model.costs). Staff costs belong to the agents: NaN in a type's row.
_COSTS = _of(
    "costs",
    _money("staff_cost", "staff cost", "paid hours of planned duty (less unpaid breaks) × "
           "the group's `per_hour`"),
    _money("overtime_cost", "overtime cost", "hours of overtime (agents finishing a contact "
           "after their duty ended) × the group's `overtime_per_hour`"),
    _money("contact_cost", "contact cost", "contacts answered × their type's `per_contact`"),
    _money("waiting_cost", "waiting cost", "minutes waited on the line by all offered "
           "contacts × `per_minute_waiting`"),
    _money("abandon_cost", "abandonment cost", "contacts abandoned × `per_abandon`"),
    replace(_money("revenue", "revenue", "outbound successes × −their campaign's "
                   "`per_success` (a negative cost: revenue)"),
            better="higher", low=-math.inf),
    _money("total_cost", "total cost", "staff + overtime + contact + waiting + abandonment "
           "cost − revenue"),
    replace(_money("cost_per_contact", "cost per contact", "total cost / contacts answered"),
            aggregate="ratio", derive=_per_answered, inputs=("total_cost", "answered")),
    replace(_money("cost_per_resolved_contact", "cost per resolved contact", "total cost / "
                   "contacts answered whose matter was settled (all answered, without "
                   "resolution)"),
            aggregate="ratio", derive=_per_resolved, inputs=("total_cost", "answered")),
    Metric("paid_hours", "paid hours", "h", "agent-hours paid: planned duty less unpaid "
           "breaks, plus overtime", aggregate="sum"),
    key=("total_cost", "cost_per_contact"),
)


def _offers(s: Scenario) -> bool:
    return any((p := s.callbacks_for(c)) is not None and p.offers for c in s.contact_types)


def _recalls(s: Scenario) -> bool:
    return any((p := s.callbacks_for(c)) is not None and bool(p.abandoned)
               for c in s.contact_types)


def _follow_ups(s: Scenario) -> bool:
    return any((p := s.callbacks_for(c)) is not None and bool(p.follow_ups)
               for c in s.contact_types)


#: Each policy of the registry, and whether a scenario configures it (then its runs
#: report the policy's metrics).
POLICIES: Mapping[str, Callable[[Scenario], bool]] = {
    "callbacks": _offers,
    "recalls": _recalls,
    "followups": _follow_ups,
    "resolution": lambda s: any(c.repeat_delay is not None for c in s.contact_types),
    "outbound": lambda s: any(c.dialer is None for c in s.outbound),
    "dialer": lambda s: any(c.dialer is not None for c in s.outbound),
    "quotas": lambda s: any(g.quota is not None for g in s.agent_groups),
    "hours": lambda s: any(c.hours is not None and not c.deferrable for c in s.contact_types),
    "max_wait": lambda s: any(c.max_wait is not None for c in s.contact_types),
    "redials": lambda s: any(c.redial is not None for c in s.contact_types),
    "shifts": lambda s: any(g.shifts is not None for g in s.agent_groups),
    "chat": lambda s: any(c.channel == "chat" for c in s.contact_types),
    "deferred": lambda s: any(c.deferrable for c in s.contact_types),
    "costs": lambda s: s.costs is not None,
}


class Registry(Mapping[str, Metric]):
    """Metric definitions by name, in the order tables show them (registration order)."""

    def __init__(self, metrics: Iterable[Metric]):
        self._metrics: dict[str, Metric] = {}
        #: the derived metrics, in registry order
        self.derived: list[Metric] = []
        for m in metrics:
            self.register(m)

    def __getitem__(self, name: str) -> Metric:
        return self._metrics[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._metrics)

    def __len__(self) -> int:
        return len(self._metrics)

    def __contains__(self, name: object) -> bool:
        return name in self._metrics

    def register(self, metric: Metric) -> Metric:
        """Add ``metric``; the same definition again is a no-op, another under a registered
        name an error. An outcome is numbered (``Outcome(metric.name)``)."""
        if not isinstance(metric, Metric):
            raise TypeError(f"register() takes a ccsim.Metric, not {type(metric).__name__}")
        if not metric.name.isidentifier():
            raise ValueError(f"Metric name: must be a name like 'escalations' (got "
                             f"{metric.name!r}): it is a column of every table")
        known = self._metrics.get(metric.name)
        if known is not None:
            if not _same(known, metric):
                raise ValueError(f"metric {metric.name!r} is already registered with "
                                 f"another definition ({known.label!r}, unit "
                                 f"{known.unit!r}: {known.definition}); a metric has one "
                                 "definition: pick another name for yours")
            return known
        if metric.outcome:
            Outcome._define(metric.name)
        self._metrics[metric.name] = metric
        if metric.derive is not None:
            self.derived.append(metric)
        return metric


def _same(a: Metric, b: Metric) -> bool:
    """Whether ``a`` and ``b`` define the same metric (a derive function by its code: the
    same cell run twice defines it again, equal)."""
    if replace(a, derive=None, inputs=()) != replace(b, derive=None, inputs=()) or (
            a.inputs != b.inputs):
        return False
    f, g = a.derive, b.derive
    if f is g:
        return True
    code_f, code_g = getattr(f, "__code__", None), getattr(g, "__code__", None)
    return code_f is not None and code_g is not None and (
        code_f.co_code, code_f.co_consts, code_f.co_names) == (
        code_g.co_code, code_g.co_consts, code_g.co_names)


class _Names:
    """The names of the registered metrics that ``keep`` selects, in registry order (a
    live view: a metric registered later is in it)."""

    def __init__(self, keep: Callable[[Metric], bool]):
        self._keep = keep

    def __iter__(self) -> Iterator[str]:
        return (n for n, m in METRICS.items() if self._keep(m))

    def __contains__(self, name: object) -> bool:
        found = METRICS.get(name) if isinstance(name, str) else None
        return found is not None and self._keep(found)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return repr(tuple(self))


#: Every metric, by name, in the order tables show them.
METRICS = Registry((*_CORE, *_CALLBACKS, *_RESOLUTION, *_OUTBOUND, *_DIALER, *_HOURS, *_LIMITS,
                    *_REDIALS, *_CHAT, *_DEFERRED, *_SHIFTS, *_COSTS))
#: The metrics every run reports, whatever policy is installed.
CORE: frozenset[str] = frozenset(m.name for m in _CORE)
#: The metrics that are whole counts (kept as integers in tables).
COUNTS = _Names(lambda m: m.count)
#: The outcome columns: each offered contact is counted in exactly one of them.
OUTCOMES = _Names(lambda m: m.outcome)


def register(metric: Metric) -> Metric:
    """Define ``metric`` for every table, summary and chart (see the module's docstring);
    returns the registered definition."""
    return METRICS.register(metric)


def outside(outcomes: Iterable[Outcome]) -> tuple[Outcome, ...]:
    """Those of ``outcomes`` that are outside the line's service (:attr:`Metric.outside`)."""
    return tuple(o for o in outcomes if METRICS[o.column].outside)


def derived(row: dict[str, float], scenario: Scenario | None) -> dict[str, float]:
    """``row`` with the derived metrics whose inputs it has (in place; returned)."""
    if scenario is None:
        return row
    for m in METRICS.derived:
        if m.derive is not None and all(i in row for i in m.inputs):
            row[m.name] = m.derive(row, scenario)
    return row


def unregistered(values: Mapping[str, float], source: object) -> None:
    """Raise a ValueError naming ``source`` if ``values`` has a name that is not a
    registered metric (a policy's metric would otherwise be missing from the tables)."""
    unknown = [name for name in values if name not in METRICS]
    if unknown:
        owner = getattr(source, "__self__", source)
        raise ValueError(
            f"{type(owner).__name__} reported {', '.join(map(repr, unknown))}, not a "
            f"registered metric: define it with ccsim.register(ccsim.Metric("
            f"{unknown[0]!r}, label, unit, definition, ...)) before the run")


def configured(scenarios: Iterable[Scenario]) -> list[str]:
    """The policies of :data:`POLICIES` that at least one of ``scenarios`` configures,
    in registry order."""
    scenarios = list(scenarios)
    return [name for name, used in POLICIES.items() if any(used(s) for s in scenarios)]


def key_metrics(policies: Iterable[str]) -> list[str]:
    """The metrics that answer for ``policies`` (:attr:`Metric.key`), in registry order."""
    wanted = set(policies)
    return [m.name for m in METRICS.values() if m.key and m.policy in wanted]


def metric(name: str) -> Metric:
    """The definition of metric ``name`` (a plain definition for a name not registered)."""
    found = METRICS.get(name)
    return found if found is not None else Metric(name, name, "", "")
