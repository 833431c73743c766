"""ContactCenters' published example results, and how ccsim recomputes each one.

ContactCenters (Université de Montréal: Buist & L'Ecuyer; github.com/umontreal-simul/
contactcenters) ships example centres in ``doc/examples/``: a Java program each and the
output of one run of it, ``<Name>.res`` (independent days, 95 % intervals; the guide
``examples.tex`` explains them). An :class:`Example` is one of them: the ccsim scenario
written from its sources (``experiments/contactcenters/``), the days the peer ran, and each
number its ``.res`` prints (:class:`Published`, copied as printed, digits and all) with the
statistic it is under the peer's definition (:class:`Mean`, :class:`Ratio`) over
quantities that ccsim's runs give per replication, in the peer's notation and units
(:data:`QUANTITIES`, :func:`observe`).

The peer's conventions, from its sources:

* time in minutes (ccsim: seconds), so a wait sum is converted;
* a served call is in target when its wait is < AWT, and an abandoned one counts against
  the target when its wait is >= AWT; ccsim counts wait <= ``answer_within`` in target.
  They differ only on a wait of exactly 20 s, which has probability 0 in the MMC family
  (waits are continuous; a wait of 0 is in target in both);
* a "func. of averages" line is a ratio of means over the days, E[X]/E[Y], with the delta
  method's s.d. per day (what :class:`Ratio` computes); the other lines are the mean of a
  value per day, with Student's t (:class:`Mean`; a ratio taken day by day, as Bank's, is
  the :class:`Mean` of a quantity that is that ratio);
* occupancy integrates the busy and the staffed agents over a window of the peer's choice:
  ``Nb`` and ``N`` are the groups' ``busy_time`` and ``staffed_time`` in the intervals that
  start before ``occupancy_until`` (default: the horizon, where Nb/N is ccsim's ``occupancy``;
  the MMC family's window is [0, 480 min], and the work after it, finishing the calls in
  hand, is in neither: that would be ``occupancy_drain``).

Adding an example is a scenario file, an :class:`Example` with its :class:`Published`
lines and, where a definition needs a quantity :data:`QUANTITIES` lacks (per type, per
group, a constant denominator), that quantity in :func:`observe`.

``python tests/peer/contactcenters.py`` prints the README's table ("Agrees with a peer").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from pathlib import Path

import numpy as np

from ccsim import Scenario, load_scenario, simulate
from ccsim.model.dialer import Dialer
from ccsim.model.policies import Policy
from ccsim.units import parse_duration

SCENARIOS = Path(__file__).resolve().parents[2] / "experiments" / "contactcenters"

#: The quantities a definition may use, per replication (day), in the peer's notation
#: (its guide's, mmc.tex), and what each is in ccsim's summary and tables.
QUANTITIES = {
    "A": "arrivals: offered",
    "S": "served: answered",
    "S_g": "served with a wait < AWT: sl_answered × answered",
    "L": "abandoned: abandoned",
    "L_g": "abandoned with a wait < AWT (a balker's wait of 0 among them): short_abandons",
    "L_b": "abandoned with a wait >= AWT: abandoned − short_abandons",
    "B": "blocked: blocked",
    "D": "disconnected while waiting at closing: closed (no call arrives while closed)",
    "M": "left a message after the longest wait (Telethon's dequeue type 5): messages",
    "R": "retrials (Bilingual's callers calling again after abandoning): redials",
    "S_R": "retrials served: redials_answered",
    "L_R": "retrials abandoned: redials_abandoned",
    "S_gc": "customers served with their waits over all attempts < AWT: sl_per_customer × "
            "offered",
    "W_S": "total wait of the served, minutes: asa × answered / 60",
    "W": "total wait of every offered caller (served or not), minutes: mean_wait × offered / 60",
    "Nb": "busy agent-minutes over the occupancy window: the groups' busy_time",
    "N": "staffed agent-minutes over it: the groups' staffed_time",
    "Nb_T": "busy agent-minutes over the whole day, until the last caller leaves (the "
            "peer's [0, T]): busy_time + drain_time",
    "N_T": "the peer's N + Ng over [0, T]: staffed_time, and after the horizon the last "
           "interval's head count until T, the day's last departure (ccsim's drain counts "
           "only the busy part of it; T from an observer of the run, see _Observer)",
    "T": "talk minutes of the served (after a group's handle_scale): from the observer",
    "Lines": "lines busy, time-averaged over [0, horizon]: every caller holds one from "
             "arrival to departure (talk end, hang-up, message, disconnection); from the "
             "observer",
    "S_w": "served after a wait > 0 (a wait of 0: answered on arrival): from the observer",
    "Q": "callers waiting, integrated over [0, horizon]: caller-minutes of waiting in the "
         "peer's main periods (its ∫Q dt); from the observer",
    "O": "calls the predictive dialer made (reached or not): dialer_attempts",
    "O_R": "dialled calls that reached the customer: dialer_reached",
    "O_L": "reached customers who found no agent free and hung up after their patience (the "
           "peer's abandoned outbound calls): outbound_abandoned",
    "O_w": "reached customers who found no agent free and waited (the peer's mismatches), "
           "served or not: from the observer",
    "W_O": "total wait of the reached customers, minutes: from the observer",
    "Q_O": "the reached customers waiting, integrated over [0, horizon], minutes: from the "
           "observer",
}
#: Each quantity is also given per contact type, ``S_g:<type>`` (from ``result.types``),
#: and Nb, N, Nb_T and N_T per agent group, ``Nb:<group>``; the talk minutes by group and
#: type are ``Nb:<group>:<type>`` (``Nb:all:<type>`` over all groups).


#: The caller counts among :data:`QUANTITIES` (a day's number of events).
COUNTS = frozenset({"A", "S", "S_g", "L", "L_g", "L_b", "B", "D", "M", "R", "S_R", "L_R",
                    "S_gc", "S_w", "O", "O_R", "O_L", "O_w"})
#: The fewest events a count must add up to over ccsim's days to be compared (a sum of
#: 20 Poisson events is within a few per cent of normal at the band's tails).
MIN_EVENTS = 20


@dataclass(frozen=True)
class Mean:
    """The mean over days of ``expr`` (quantities joined by ``+`` or ``-``) × ``scale`` /
    ``over`` (a constant the peer divides by: the calls a day expects, the scheduled
    agent-minutes); Student's t (the peer's ``Tally``, ``reportAndCIStudent``)."""

    expr: str
    scale: float = 1.0
    over: float = 1.0

    def estimate(self, days: list[dict[str, float]]) -> tuple[float, float]:
        """The estimate and its standard error."""
        x = self.scale / self.over * np.array([_evaluate(self.expr, q) for q in days])
        return float(x.mean()), float(x.std(ddof=1) / math.sqrt(len(x)))

    def __str__(self) -> str:
        text = f"E[{self.expr}]" if self.scale == 1 else f"{self.scale:g}·E[{self.expr}]"
        return text if self.over == 1 else f"{text}/{self.over:g}"


@dataclass(frozen=True)
class Ratio:
    """E[``num``]/E[``den``] × ``scale``, a ratio of means over days, with the delta method
    (the peer's ``FunctionOfMultipleMeansTally`` with a ``RatioFunction``,
    ``reportAndCIDelta``: "func. of averages")."""

    num: str
    den: str
    scale: float = 1.0

    def estimate(self, days: list[dict[str, float]]) -> tuple[float, float]:
        """The estimate and its standard error: the gradient of x/y at the means against
        the sample covariance, i.e. s.d.(X − r·Y) / E[Y] / √n."""
        x = np.array([_evaluate(self.num, q) for q in days])
        y = np.array([_evaluate(self.den, q) for q in days])
        r = x.mean() / y.mean()
        se = (x - r * y).std(ddof=1) / abs(y.mean()) / math.sqrt(len(x))
        return float(self.scale * r), float(abs(self.scale) * se)

    def __str__(self) -> str:
        ratio = f"E[{self.num}]/E[{self.den}]"
        return ratio if self.scale == 1 else f"{self.scale:g}·{ratio}"


@dataclass(frozen=True)
class PerDay:
    """The mean over days of the day's ratio ``num``/``den`` × ``scale`` (the peer's
    ``StatUtil.addRatio``: a ``Tally`` fed with one ratio per replication); Student's t."""

    num: str
    den: str
    scale: float = 1.0

    def estimate(self, days: list[dict[str, float]]) -> tuple[float, float]:
        x = self.scale * np.array([_evaluate(self.num, q) / _evaluate(self.den, q)
                                   for q in days])
        return float(x.mean()), float(x.std(ddof=1) / math.sqrt(len(x)))

    def __str__(self) -> str:
        ratio = f"E[{self.num} / {self.den}]"
        return ratio if self.scale == 1 else f"{self.scale:g}·{ratio}"


@dataclass(frozen=True)
class Published:
    """One line of a ``.res`` file, as printed, and the statistic it is."""

    name: str  # the line's title
    average: str  # "average" or "func. of averages", as printed ("0.902", "7.9E-3")
    sd: str  # "standard dev." per day (for a ratio, the delta method's)
    ci: tuple[str, str] | None  # its confidence interval (the example's level), as
    # printed; None where the peer prints none (Bank's "all types" rows)
    statistic: Mean | Ratio | PerDay
    unit: str = ""
    #: why ccsim's number is not the peer's quantity, where the scenario cannot write the
    #: peer's rule exactly (the line is then printed in the table, not compared)
    differs: str = ""

    @property
    def mean(self) -> float:
        return float(self.average)

    @property
    def rounding(self) -> float:
        """Half a unit of the printed average's last digit: how far the peer's own
        estimate may lie from what it printed."""
        return 0.5 * 10.0 ** Decimal(self.average).as_tuple().exponent

    def se(self, days: int) -> float:
        """The standard error of the peer's estimate over ``days`` days."""
        return float(self.sd) / math.sqrt(days)

    def compared(self, days: int) -> bool:
        """Whether the test compares this line over ccsim's ``days``."""
        return not self.differs and not self.rare(days)

    def rare(self, days: int) -> bool:
        """Whether this line counts events too rare to compare over ccsim's ``days``: a
        count per day (a :class:`Mean` of one caller count) whose peer mean × ``days`` is
        below :data:`MIN_EVENTS`. The band is a normal one, and a sum of a handful of
        events is far from normal; its standard error, estimated from those few events,
        is itself wrong by half (Bank's abandoned savings callers, 0.017 a week: one
        event in ccsim's weeks). Such a line is printed in the table, not tested. A count
        the peer never saw (mean and s.d. 0) is compared: ccsim must see none either."""
        statistic = self.statistic
        return (isinstance(statistic, Mean) and statistic.scale == statistic.over == 1
                and statistic.expr.split(":")[0] in COUNTS and float(self.sd) > 0
                and self.mean * days < MIN_EVENTS)


@dataclass(frozen=True)
class Example:
    """One of the peer's examples: its class, the ccsim scenario written from it, the days
    the peer ran, the lines its ``.res`` prints, and the days ccsim runs in the test."""

    name: str  # the peer's class: doc/examples/<name>.java, <name>.res
    scenario: str  # a file in experiments/contactcenters/
    days: int
    published: tuple[Published, ...]
    replications: int  # ccsim's, in tests/peer/test_contactcenters.py (the CPU budget)
    level: float = 0.95  # of the intervals the peer printed
    #: the end of the peer's occupancy window (from 0), if not ccsim's horizon
    occupancy_until: str | None = None
    #: whether a definition needs T, the day's last departure (Nb_T, N_T)
    until_empty: bool = False
    #: whether a definition needs the talk time by type and group or the lines held
    observed: bool = False

    @property
    def path(self) -> Path:
        return SCENARIOS / self.scenario


def _evaluate(expr: str, quantities: dict[str, float]) -> float:
    """``expr`` for one day: terms joined by `` + `` or `` - ``, each a quantity's name, a
    number, or ``c*name`` (a quantity times a number: a cost per agent-minute)."""
    def term(word: str) -> float:
        if "*" in word:
            factor, name = word.split("*", 1)
            return float(factor) * quantities[name]
        try:
            return float(word)
        except ValueError:
            return quantities[word]

    words = expr.split()
    total = term(words[0])
    for op, word in zip(words[1::2], words[2::2], strict=True):
        sign = {"+": 1, "-": -1}[op]
        total += sign * term(word)
    return total


class _Observer(Policy):
    """Observes each caller's departure (an end of service, a hang-up, a message, a
    disconnection at closing), for the quantities ccsim's tables do not have: T, the
    day's last departure (the peer's replication ends there, when its event list is
    empty, and integrates its wrap-up period's head count until then); the talk time by
    contact type and agent group (a peer's service time and occupancy per type); the
    line-minutes held (callers in the system, the peer's busy trunks); the callers who
    waited before being served, and the caller-minutes of waiting within the horizon (the
    integral of the queue). The predictive dialer's customers are not contacts, and no
    hook sees them: the observer wraps the dialer's two hand-overs, a customer to an agent
    and a patience run out, to time their waits (the wrapped methods still do all they
    did). It only observes: no draw or decision changes."""

    def __init__(self, types: list[str], groups: list[str], horizon: float) -> None:
        self.types, self.groups, self.horizon = types, groups, horizon
        self.last = 0.0
        self.talk = np.zeros((len(groups), len(types)))
        self.in_system = 0.0
        self.waited = np.zeros(len(types), dtype=int)  # served after a wait > 0
        self.queued = np.zeros(len(types))  # seconds of waiting within [0, horizon]
        #: the dialer's reached customers who waited; their waits, in all and within
        #: [0, horizon] (seconds)
        self.dialled_waited, self.dialled_wait, self.dialled_queued = 0, 0.0, 0.0

    def install(self, centre) -> None:
        super().install(centre)
        for policy in centre.policies:
            if isinstance(policy, Dialer):
                self._watch(policy)

    def _watch(self, dialer: Dialer) -> None:
        talk, expired = dialer._talk, dialer._expired

        def handed(agent, reached, now: float) -> None:  # to a free agent, maybe at once
            if now > reached.time:
                self._dialled_left(reached.time, now)
            talk(agent, reached, now)

        def gone(reached, now: float) -> None:  # out of patience, unless taken before
            if reached.campaign >= 0:
                self._dialled_left(reached.time, now)
            expired(reached, now)

        dialer._talk, dialer._expired = handed, gone

    def _dialled_left(self, reached: float, now: float) -> None:
        self.dialled_waited += 1
        self.dialled_wait += now - reached
        self.dialled_queued += max(0.0, min(now, self.horizon) - reached)

    def _left(self, contact, now: float) -> None:
        self.last = max(self.last, now)
        self.in_system += now - contact.arrival

    def _queued(self, contact, until: float) -> None:
        self.queued[contact.kind] += max(0.0, min(until, self.horizon) - contact.arrival)

    def answered(self, contact, agent, now: float, talk: float, wrap_up: float) -> None:
        self.talk[agent.group.index, contact.kind] += talk
        self._left(contact, now + talk)  # the line is free when the talk ends
        self.last = max(self.last, now + talk + wrap_up)
        if now > contact.arrival:
            self.waited[contact.kind] += 1
            self._queued(contact, now)

    def abandoned(self, contact, now: float) -> None:
        self._left(contact, contact.deadline)
        self._queued(contact, contact.deadline)

    def recorded(self, contact, outcome: int, now: float) -> None:
        self._left(contact, now)  # blocked or turned away: at arrival, no line held

    def quantities(self) -> dict[str, float]:
        talk = self.talk / 60
        out = {"T": float(talk.sum()), "Lines": self.in_system / self.horizon,
               "S_w": int(self.waited.sum()), "Q": float(self.queued.sum()) / 60,
               "O_w": self.dialled_waited, "W_O": self.dialled_wait / 60,
               "Q_O": self.dialled_queued / 60}
        for k, kind in enumerate(self.types):
            out[f"T:{kind}"] = float(talk[:, k].sum())
            out[f"Nb:all:{kind}"] = float(talk[:, k].sum())
            out[f"S_w:{kind}"] = int(self.waited[k])
            out[f"Q:{kind}"] = float(self.queued[k]) / 60
            for g, group in enumerate(self.groups):
                out[f"Nb:{group}:{kind}"] = float(talk[g, k])
        return out


def _counts(row) -> dict[str, float]:
    """The caller quantities of one row of ``result.types`` (or the summary)."""
    answered = row["answered"]
    return {
        "A": row["offered"],
        "S": answered,
        "S_g": round(row["sl_answered"] * answered) if answered else 0,
        "L": row["abandoned"],
        "L_g": row["short_abandons"],
        "L_b": row["abandoned"] - row["short_abandons"],
        "B": row["blocked"],
        "D": row.get("closed", 0),
        "M": row.get("messages", 0),
        "R": row.get("redials", 0),
        "S_R": row.get("redials_answered", 0),
        "L_R": row.get("redials_abandoned", 0),
        "S_gc": round(row["sl_per_customer"] * row["offered"]) if "sl_per_customer" in row
        else 0,
        "W_S": row["asa"] * answered / 60 if answered else 0.0,
        "W": row["mean_wait"] * row["offered"] / 60 if row["offered"] else 0.0,
    }


def observe(example: Example, seed: int) -> dict[str, float]:
    """The quantities of :data:`QUANTITIES` in ccsim's day (replication) ``seed`` of
    ``example``, for the centre and per contact type and agent group."""
    scenario = _scenario(example.path)
    last = _Observer([c.name for c in scenario.contact_types],
                     [g.name for g in scenario.agent_groups], scenario.horizon)
    observers = [last] if example.until_empty or example.observed else []
    result = simulate(scenario, seed, policies=observers)
    types, groups = result.rows("types"), result.rows("groups")
    quantities = _counts(types[0])
    if any(c.dialer for c in scenario.outbound):  # the dialer's counts, for the centre
        quantities |= {q: types[0][name] for q, name in (
            ("O", "dialer_attempts"), ("O_R", "dialer_reached"),
            ("O_L", "outbound_abandoned"))}
    for row in types[1:]:
        quantities |= {f"{q}:{row['contact_type']}": v for q, v in _counts(row).items()}
    until = (math.inf if example.occupancy_until is None
             else parse_duration(example.occupancy_until))
    after = max(0.0, last.last - scenario.horizon) if example.until_empty else 0.0
    final = max(row["interval"] for row in groups)
    for name in ["", *dict.fromkeys(f":{row['agent_group']}" for row in groups)]:
        rows = [row for row in groups if not name or f":{row['agent_group']}" == name]
        window = [row for row in rows if row["interval"] * scenario.period < until]
        quantities[f"Nb{name}"] = sum(row["busy_time"] for row in window) / 60
        quantities[f"N{name}"] = sum(row["staffed_time"] for row in window) / 60
        quantities[f"Nb_T{name}"] = sum(row["busy_time"] + row["drain_time"]
                                        for row in rows) / 60
        quantities[f"N_T{name}"] = (sum(row["staffed_time"] for row in rows) + after * sum(
            row["staff"] for row in rows if row["interval"] == final)) / 60
    if example.observed:
        quantities |= last.quantities()
    return quantities


@cache
def _scenario(path: Path) -> Scenario:
    return load_scenario(path)


@cache
def run(example: Example) -> list[dict[str, float]]:
    """ccsim's days of ``example``: :attr:`Example.replications` of them, seeds 0, 1, ..."""
    return [observe(example, seed) for seed in range(example.replications)]


# The lines every MMC-family .res prints (MMC.addObs), as printed in each.
def _mmc_lines(in_target: tuple[str, str, str, str], service_level: tuple[str, str, str, str],
               speed: tuple[str, str, str, str], occupancy: tuple[str, str, str, str],
               ) -> tuple[Published, ...]:
    def line(name: str, printed: tuple[str, str, str, str], statistic: Mean | Ratio,
             unit: str = "") -> Published:
        average, sd, low, high = printed
        return Published(name, average, sd, (low, high), statistic, unit)

    return (
        line("Number of contacts in target", in_target, Mean("S_g")),
        line("Service level", service_level, Ratio("S_g", "S")),
        line("Speed of answer", speed, Ratio("W_S", "S"), "min"),
        line("Occupancy ratio", occupancy, Ratio("Nb", "N")),
    )


def _in_target_by_period(printed: tuple[tuple[str, str, str, str], ...]
                         ) -> tuple[Published, ...]:
    """SimpleMSK's matrix "Number of contacts meeting target service level": served
    within 20 s, by type k and main period p of arrival (rows k = 0..2, p = 0..2): the
    scenario's type ``type<k>_p<p>``."""
    return tuple(
        Published(f"Number of contacts in target, type {k}, period {p}", average, sd,
                  (low, high), Mean(f"S_g:type{k}_p{p}"))
        for (k, p), (average, sd, low, high) in zip(
            ((k, p) for k in range(3) for p in range(3)), printed, strict=True))


def _bank_lines() -> tuple[Published, ...]:
    """Bank.res, line by line: per type (savings, checking, balance, all types) or per
    group (savings specialists, checking specialists, all groups)."""
    types = ("savings", "checking", "balance", None)
    groups = ("savings_specialists", "checking_specialists", None)
    labels = {"savings": "savings", "checking": "checking", "balance": "account balance",
              "savings_specialists": "savings specialists",
              "checking_specialists": "checking specialists"}
    cost = {"savings_specialists": "0.2", "checking_specialists": "0.125"}

    def of(q: str, key: str | None) -> str:
        return q if key is None else f"{q}:{key}"

    def rows(name: str, keys, printed: str, statistic, unit: str = "") -> list[Published]:
        out = []
        for key, entry in zip(keys, printed.split(";"), strict=True):
            average, sd, *ci = entry.split()
            label = labels[key] if key else "all types" if keys is types else "all groups"
            out.append(Published(f"{name}, {label}", average, sd,
                                 tuple(ci) if ci else None, statistic(key), unit))
        return out

    def idle(g: str | None) -> Mean:
        names = [g] if g else list(cost)
        return Mean(" + ".join(f"{cost[n]}*N:{n} - {cost[n]}*Nb:{n}" for n in names))

    def busy(g: str | None) -> Mean:
        names = [g] if g else list(cost)
        return Mean(" + ".join(f"{cost[n]}*Nb:{n}" for n in names))

    return (
        Published("Number of available trunks", "14.320", "0.022", ("14.318", "14.321"),
                  Mean("15 - Lines")),
        Published("Number of busy trunks", "0.680", "0.022", ("0.679", "0.682"),
                  Mean("Lines")),
        *rows("Number of arrived contacts", types,
              "99.819 10.045 99.196 100.442; 1000.146 31.172 998.212 1002.080;"
              "2502.340 50.017 2499.236 2505.444; 3602.305 58.647",
              lambda k: Mean(of("A", k))),
        *rows("Number of blocked contacts", types,
              "0.069 0.276 0.052 0.086; 0.756 1.172 0.683 0.829; 1.826 2.245 1.687 1.965;"
              "2.651 3.125", lambda k: Mean(of("B", k))),
        *rows("Service time", types,
              "3.781 0.383 3.758 3.805; 3.852 0.127 3.844 3.860; 0.999 0.021 0.998 1.001;"
              "1.870 0.046", lambda k: PerDay(of("T", k), of("S", k)), "min"),
        *rows("Average waiting time", types,
              "0.024 0.020 0.023 0.026; 0.028 0.014 0.027 0.029; 0.036 0.014 0.035 0.037;"
              "0.034 0.013", lambda k: PerDay(of("W_S", k), of("A", k)), "min"),
        *rows("Number of abandoned contacts", types,
              "0.017 0.129 9.0E-3 0.025; 0.161 0.501 0.130 0.192; 5.357 5.133 5.038 5.676;"
              "5.535 5.334", lambda k: Mean(of("L", k))),
        *rows("Number of disconnected contacts", types,
              "0.000 0.000 0.000 0.000; 6.0E-3 0.077 1.2E-3 0.011; 0.017 0.157 7.2E-3 0.027;"
              "0.023 0.175", lambda k: Mean(of("D", k))),
        *rows("Agents' occupancy ratio", groups,
              "25.353 1.160 25.281 25.425; 43.093 1.270 43.014 43.172; 35.496 1.044",
              lambda g: PerDay(of("Nb", g), of("N", g), 100), "%"),
        *rows("Idle cost of agents", groups,
              "1210.287 18.789 1209.121 1211.453; 770.012 17.104 768.951 771.074;"
              "1980.299 30.467", idle, "$"),
        *rows("Busy cost of agents", groups,
              "411.051 18.827 409.883 412.219; 583.101 17.290 582.028 584.174;"
              "994.152 30.607", busy, "$"),
        *rows("Service level", types,
              "99.234 0.991 99.172 99.295; 99.461 0.486 99.431 99.491;"
              "97.301 1.032 97.237 97.365; 97.954 0.813",
              lambda k: Ratio(of("S_g", k), of("A", k), 100), "%"),
        *(line for g in (*groups[:2], "all") for line in rows(
            f"Occupancy ratio per contact type, {labels.get(g, 'all groups')}", types[:3],
            {"savings_specialists": "4.386 0.630 4.347 4.425; 5.040 0.866 4.986 5.094;"
                                    "15.927 0.624 15.888 15.966",
             "checking_specialists": "0.200 0.141 0.191 0.208; 31.783 1.300 31.702 31.863;"
                                     "11.111 0.444 11.083 11.138",
             "all": "1.992 0.284 1.975 2.010; 20.331 0.939 20.273 20.389; 13.173 0.386"}[g],
            lambda k, g=g: PerDay(f"Nb:{g}:{k}", "N" if g == "all" else f"N:{g}", 100), "%")),
    )


def _printed_rows(name: str, printed: str, statistic, unit: str, keys,
                  labels) -> list[Published]:
    """The lines of one measure as printed (``average s.d. low high`` per key, split by
    ``;``), each labelled ``name, label`` and computed by ``statistic(key)``."""
    out = []
    for key, entry in zip(keys, printed.split(";"), strict=True):
        average, sd, low, high = entry.split()
        out.append(Published(f"{name}, {labels[key]}", average, sd, (low, high),
                             statistic(key), unit))
    return out


def _bilingual_lines() -> tuple[Published, ...]:
    """Bilingual.res, line by line: per type (English, Spanish, all types) or per group."""
    types = ("english", "spanish", None)
    label = {"english": "English", "spanish": "Spanish", None: "all types"}

    def of(q: str, k: str | None) -> str:
        return q if k is None else f"{q}:{k}"

    def rows(name: str, printed: str, statistic, unit: str = "", keys=types,
             labels=label) -> list[Published]:
        return _printed_rows(name, printed, statistic, unit, keys, labels)

    groups = ("english_only", "spanish_only", "bilingual", None)
    scheduled = {"english_only": 18900, "spanish_only": 18900, "bilingual": 10800,
                 None: 48600}
    glabel = {"english_only": "English-only", "spanish_only": "Spanish-only",
              "bilingual": "bilingual", None: "all groups"}
    return (
        *rows("Number of arrived contacts",
              "2555.811 56.822 2552.285 2559.337; 2554.350 57.003 2550.813 2557.887;"
              "5110.161 83.029 5105.009 5115.313", lambda k: Mean(f"{of('A', k)} + {of('R', k)}")),
        *rows("Number of retrials after abandonment",
              "54.073 13.495 53.236 54.910; 53.095 13.253 52.273 53.917;"
              "107.168 21.377 105.841 108.495", lambda k: Mean(of("R", k))),
        *rows("Number of served contacts",
              "2483.933 48.612 2480.916 2486.950; 2483.302 49.449 2480.233 2486.371;"
              "4967.235 69.111 4962.946 4971.524",
              lambda k: Mean(f"{of('S', k)} + {of('S_R', k)}")),
        *(replace(line, differs="no queue clearing at 17:00 (bilingual.toml)")
          for line in rows("Number of disconnected contacts",
                           "0.030 0.222 0.016 0.044; 0.028 0.193 0.016 0.040;"
                           "0.058 0.291 0.040 0.076", lambda k: Mean(of("D", k)))),
        *rows("Number of abandoned contacts",
              "71.848 16.652 70.815 72.881; 71.020 16.459 69.999 72.041;"
              "142.868 26.740 141.209 144.527",
              lambda k: Mean(f"{of('L', k)} + {of('L_R', k)}")),
        *rows("Number of contacts in target",
              "2448.662 46.470 2445.778 2451.546; 2448.223 47.889 2445.251 2451.195;"
              "4896.885 66.002 4892.789 4900.981", lambda k: Mean(of("S_gc", k))),
        *rows("Service level",
              "97.946 1.859 97.831 98.062; 97.929 1.916 97.810 98.048;"
              "97.938 1.320 97.856 98.020",
              lambda k: Mean(of("S_gc", k), 100, over=5000 if k is None else 2500), "%"),
        *rows("Agents' occupancy ratio",
              "47.624 0.977 47.563 47.684; 47.639 0.962 47.580 47.699;"
              "63.254 0.908 63.197 63.310; 51.103 0.719 51.059 51.148",
              lambda g: Mean(of("Nb", g), 100, over=scheduled[g]), "%", groups, glabel),
    )


def _blend_lines() -> tuple[Published, ...]:
    """Blend.res, line by line: per type (inbound calls, the dialer's reached customers,
    all types) or per group (inbound only, blend, all groups). Every count is of the
    peer's main periods (08:00-14:00: all of ccsim's day). The peer counts a blocked
    caller as abandoned and as having waited; a served one has waited if its wait is > 0,
    an abandoned one always (a balker too). Its service level counts as bad the inbound
    callers served or abandoned after a wait >= 20 s: the blocked and the short abandons
    are good. Queue sizes: the queue's integral over 08:00-14:00 / 360 min; occupancy:
    busy over staffed agent-minutes (ghosts included) over 08:00-14:00; waiting time: all
    waits over all arrivals (blocked included), minutes."""
    types = ("inbound", "outbound", None)
    label = {"inbound": "inbound", "outbound": "outbound", None: "all types"}
    per_type = {  # each line's quantity for the inbound calls and the dialer's customers
        "A": ("A", "O_R"), "S": ("S", "O_R - O_L"), "L": ("L + B", "O_L"),
        "Q": ("Q", "Q_O"), "P": ("S_w + L + B", "O_w"), "W": ("W", "W_O")}

    def of(q: str, k: str | None) -> str:
        inbound, outbound = per_type[q]
        return {"inbound": inbound, "outbound": outbound}.get(k, f"{inbound} + {outbound}")

    def rows(name: str, printed: str, statistic, unit: str = "", keys=types,
             labels=label) -> list[Published]:
        return _printed_rows(name, printed, statistic, unit, keys, labels)

    groups = ("inbound_only", "blend", None)
    glabel = {"inbound_only": "inbound only", "blend": "blend", None: "all groups"}
    return (
        Published("Number of tried outbound calls", "1109.040", "258.167", None, Mean("O")),
        *rows("Number of arrived contacts",
              "848.592 156.201 838.899 858.285; 321.896 74.396 317.279 326.513;"
              "1170.488 94.589 1164.618 1176.358", lambda k: Mean(of("A", k))),
        *rows("Number of served contacts",
              "843.477 149.608 834.193 852.761; 298.876 68.318 294.637 303.115;"
              "1142.353 93.386 1136.558 1148.148", lambda k: Mean(of("S", k))),
        *rows("Number of abandoned contacts",
              "5.115 9.985 4.495 5.735; 23.020 7.609 22.548 23.492;"
              "28.135 8.843 27.586 28.684", lambda k: Mean(of("L", k))),
        Published("Number of contacts not in target", "39.427", "63.682", None,
                  Mean("S - S_g + L_b")),
        Published("Service level", "95.354", "6.894", None,
                  Ratio("A - S + S_g - L_b", "A", 100), "%"),
        *rows("Agents' occupancy ratio",
              "81.596 7.447 81.135 82.058; 55.665 6.900 55.237 56.092;"
              "70.514 6.818 70.091 70.936",
              lambda g: Ratio("Nb" if g is None else f"Nb:{g}",
                              "N" if g is None else f"N:{g}", 100), "%", groups, glabel),
        *rows("Time-average queue size",
              "0.115 0.234 0.101 0.130; 5.8E-3 1.9E-3 5.7E-3 5.9E-3;"
              "0.121 0.233 0.107 0.135", lambda k: Mean(of("Q", k), over=360)),
        *rows("Waiting time",
              "0.049 0.094 0.043 0.055; 6.5E-3 1.2E-3 6.4E-3 6.6E-3;"
              "0.037 0.070 0.033 0.042", lambda k: Ratio(of("W", k), of("A", k)), "min"),
        *rows("Number of contacts having to wait",
              "70.241 86.800 64.855 75.627; 27.445 9.034 26.884 28.006;"
              "97.686 81.085 92.654 102.718", lambda k: Mean(of("P", k))),
    )


#: ccsim's days per example in the test: the CPU budget of the module (its docstring).
REPLICATIONS = 600

EXAMPLES = (
    Example(
        "MMC", "mmc.toml", 1000,
        _mmc_lines(("1816.158", "57.043", "1812.618", "1819.698"),
                   ("0.902", "0.033", "0.900", "0.904"),
                   ("0.099", "0.045", "0.097", "0.102"),
                   ("0.695", "0.023", "0.694", "0.697")),
        REPLICATIONS,
    ),
    Example(
        "MMCBlocked", "mmc_blocked.toml", 1000,
        (
            Published("Number of blocked contacts", "18.655", "9.831", ("18.045", "19.265"),
                      Mean("B")),
            *_mmc_lines(("1854.284", "42.176", "1851.667", "1856.901"),
                        ("0.929", "0.019", "0.928", "0.930"),
                        ("0.060", "0.016", "0.059", "0.061"),
                        ("0.689", "0.021", "0.688", "0.690")),
            Published("Service level with blocked contacts", "0.920", "0.022",
                      ("0.919", "0.922"), Ratio("S_g", "S + B")),
        ),
        REPLICATIONS,
    ),
    Example(
        "MMCClrQ", "mmc_clrq.toml", 1000,
        (
            Published("Number of disconnected contacts", "0.433", "1.688", ("0.328", "0.538"),
                      Mean("D")),
            *_mmc_lines(("1816.112", "57.042", "1812.572", "1819.652"),
                        ("0.902", "0.033", "0.900", "0.904"),
                        ("0.099", "0.045", "0.096", "0.102"),
                        ("0.695", "0.023", "0.694", "0.697")),
            Published("Service level with disconnected contacts", "0.902", "0.033",
                      ("0.900", "0.904"), Ratio("S_g", "S + D")),
        ),
        REPLICATIONS,
    ),
    Example(
        "MMCAb", "mmc_ab.toml", 1000,
        (
            Published("Number of contacts having abandoned", "58.609", "15.295",
                      ("57.660", "59.558"), Mean("L")),
            *_mmc_lines(("1906.008", "35.828", "1903.785", "1908.231"),
                        ("0.975", "7.9E-3", "0.974", "0.975"),
                        ("0.024", "6.0E-3", "0.023", "0.024"),
                        ("0.675", "0.019", "0.674", "0.677")),
            Published("Service level with abandonment", "0.968", "9.9E-3", ("0.968", "0.969"),
                      Ratio("S_g", "S + L_b")),
        ),
        REPLICATIONS,
    ),
    # CallCC divides by the 1660 calls the day expects (nCallsExpected), not by those that
    # came: a mean of the day's count / 1660. Waits in seconds; intervals at 90 %.
    Example(
        "CallCC", "callcc.toml", 1000,
        (
            Published("Number of arrivals per day", "1639.507", "513.189",
                      ("1612.789", "1666.225"), Mean("A")),
            Published("Average waiting time per customer", "11.834", "34.078",
                      ("10.060", "13.608"), Mean("W", 60, over=1660), "s"),
            Published("Proportion of waiting times < s", "0.853", "0.169", ("0.844", "0.862"),
                      Mean("S_g + L_g", over=1660)),
            Published("Proportion of calls lost", "0.0342", "0.0608", ("0.0311", "0.0374"),
                      Mean("L", over=1660)),
        ),
        360, level=0.90,
    ),
    # SimpleMSK: g1 over all types; occupancy of group 0 alone over [0, T], the whole day
    # until the last caller leaves (simplemsk.tex: "from times 0 to T rather than t_P"),
    # the wrap-up period's idle agents in the denominator; in-target counts by type and
    # period of arrival (the scenario's sub-types).
    Example(
        "SimpleMSK", "simplemsk.toml", 1000,
        (
            Published("Number of served contacts", "4297.305", "437.605",
                      ("4270.150", "4324.460"), Mean("S")),
            Published("Number of contacts having abandoned", "910.335", "551.164",
                      ("876.133", "944.537"), Mean("L")),
            Published("Service level", "0.501", "0.128", ("0.494", "0.509"),
                      Ratio("S_g", "S + L_b")),
            Published("Occupancy ratio", "0.881", "0.058", ("0.877", "0.884"),
                      Ratio("Nb_T:group0", "N_T:group0")),
            *_in_target_by_period((
                ("170.154", "93.722", "164.338", "175.970"),
                ("599.334", "83.392", "594.159", "604.509"),
                ("15.490", "27.520", "13.782", "17.198"),
                ("262.936", "134.377", "254.597", "271.275"),
                ("511.648", "86.571", "506.276", "517.020"),
                ("34.697", "55.230", "31.270", "38.124"),
                ("259.806", "155.150", "250.178", "269.434"),
                ("613.732", "99.046", "607.586", "619.878"),
                ("24.888", "44.327", "22.137", "27.639"))),
        ),
        64, until_empty=True,
    ),
    # SimpleMSKWithRerouting: SimpleMSK's statistics, its router as coded (the scenario's
    # comments: delayed overflow of type 1 to group 1 after 12 s, strict priorities).
    Example(
        "SimpleMSKWithRerouting", "simplemsk_rerouting.toml", 1000,
        (
            Published("Number of served contacts", "4274.426", "433.840",
                      ("4247.504", "4301.348"), Mean("S")),
            Published("Number of contacts having abandoned", "933.214", "554.096",
                      ("898.830", "967.598"), Mean("L")),
            Published("Service level", "0.579", "0.113", ("0.572", "0.587"),
                      Ratio("S_g", "S + L_b")),
            Published("Occupancy ratio", "0.884", "0.057", ("0.880", "0.887"),
                      Ratio("Nb_T:group0", "N_T:group0")),
            *_in_target_by_period((
                ("298.745", "30.117", "296.876", "300.614"),
                ("595.270", "82.484", "590.151", "600.389"),
                ("106.823", "29.504", "104.992", "108.654"),
                ("383.203", "50.558", "380.066", "386.340"),
                ("504.090", "82.433", "498.975", "509.205"),
                ("121.441", "61.286", "117.638", "125.244"),
                ("239.008", "158.435", "229.176", "248.840"),
                ("611.550", "97.645", "605.491", "617.609"),
                ("22.298", "42.372", "19.669", "24.927"))),
        ),
        50, until_empty=True,
    ),
    # Telethon: a week per replication. Its service level divides by the 1000 calls the
    # week expects, and its occupancy the busy agent-minutes of the whole week (ghost work
    # after 10:00 included) by the 14400 scheduled: means of per-week values.
    Example(
        "Telethon", "telethon.toml", 1000,
        (
            Published("Number of arrived contacts", "1000.169", "33.164",
                      ("998.111", "1002.227"), Mean("A")),
            Published("Number of served contacts", "963.109", "27.984", ("961.372", "964.846"),
                      Mean("S")),
            Published("Number of blocked contacts", "0.000", "0.000", ("0.000", "0.000"),
                      Mean("B")),
            Published("Number of abandoned contacts", "31.820", "10.437", ("31.172", "32.468"),
                      Mean("L")),
            Published("Number of messages", "4.960", "2.973", ("4.776", "5.144"), Mean("M")),
            Published("Number of disconnected contacts", "0.280", "0.718", ("0.235", "0.325"),
                      Mean("D")),
            Published("Number of contacts in target", "950.265", "27.173",
                      ("948.579", "951.951"), Mean("S_g")),
            Published("Speed of answer", "0.036", "0.012", ("0.036", "0.037"),
                      Ratio("W_S", "S"), "min"),
            Published("Service level", "95.026", "2.717", ("94.858", "95.195"),
                      Mean("S_g", 100, over=1000), "%"),
            Published("Agents' occupancy ratio", "66.772", "2.650", ("66.607", "66.936"),
                      Mean("Nb", 100, over=14400), "%"),
        ),
        190,
    ),
    # Bank: a week per replication; its rows "all types" and "all groups" print no
    # interval. Service level: ratio of means, each type with its own AWT; service time,
    # waiting time (the served's waits over ALL arrivals) and occupancy: means of per-week
    # ratios; costs per agent-minute 12/60 and 7.5/60 over the staffed time (ghost time
    # after 17:00 included); trunks: lines busy, time-averaged over the week.
    Example("Bank", "bank.toml", 1000, _bank_lines(), 54, observed=True),
    # Bilingual: a week per replication. Every attempt is an arrival (first calls and
    # retrials), its outcome counted; in target: served with the waits of all its
    # attempts < 1 min, over the 2500 first calls a type expects (5000 in all);
    # occupancy: busy agent-minutes of the whole week over the scheduled ones.
    Example("Bilingual", "bilingual.toml", 1000, _bilingual_lines(), 40),
    # Blend: a predictive dialer for the blend agents; the dialer's reached customers are
    # the peer's outbound contacts (arrived, served, abandoned after 5 s, waited).
    Example("Blend", "blend.toml", 1000, _blend_lines(), 150, observed=True),
)


def interval95(estimate: tuple[float, float], n: int) -> tuple[float, float]:
    """The two-sided 95 % Student-t interval of an estimate and its standard error."""
    from scipy import stats

    mean, se = estimate
    half = stats.t.ppf(0.975, n - 1) * se
    return mean - half, mean + half


def peer_printed(line: Published) -> str:
    """The peer's number as the README's table shows it: with its interval, if printed."""
    return f"{line.average} ({line.ci[0]}, {line.ci[1]})" if line.ci else f"{line.average} (—)"


def table() -> str:
    """The README's table: every published line against ccsim's, both with 95 % intervals."""
    rows = ["| example | statistic | definition | peer (95 % CI) | ccsim (95 % CI) |",
            "| --- | --- | --- | --- | --- |"]
    for example in EXAMPLES:
        days = run(example)
        for line in example.published:
            mean, se = line.statistic.estimate(days)
            low, high = interval95((mean, se), len(days))
            rare = (f" — not compared: {line.differs}" if line.differs
                    else " — not compared: too few events" if line.rare(len(days)) else "")
            digits = max(0, -Decimal(line.ci[0] if line.ci else line.average
                                     ).as_tuple().exponent)
            unit = f" ({line.unit})" if line.unit else ""
            rows.append(
                f"| {example.name} | {line.name}{unit} | {line.statistic} "
                f"| {peer_printed(line)} "
                f"| {mean:.{digits}f} ({low:.{digits}f}, {high:.{digits}f}){rare} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(table())
