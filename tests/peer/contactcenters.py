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
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import numpy as np

from ccsim import Scenario, load_scenario, simulate
from ccsim.units import parse_duration

SCENARIOS = Path(__file__).resolve().parents[2] / "experiments" / "contactcenters"

#: The quantities a definition may use, per replication (day), in the peer's notation
#: (its guide's, mmc.tex), and what each is in ccsim's summary and tables.
QUANTITIES = {
    "A": "arrivals: offered",
    "S": "served: answered",
    "S_g": "served with a wait < AWT: sl_answered × answered",
    "L": "abandoned: abandoned",
    "L_b": "abandoned with a wait >= AWT: abandoned − short_abandons",
    "B": "blocked: blocked",
    "D": "disconnected while waiting at closing: closed (no call arrives while closed)",
    "W_S": "total wait of the served, minutes: asa × answered / 60",
    "Nb": "busy agent-minutes over the occupancy window: the groups' busy_time",
    "N": "staffed agent-minutes over it: the groups' staffed_time",
}


@dataclass(frozen=True)
class Mean:
    """The mean over days of ``expr`` (quantities joined by ``+`` or ``-``) × ``scale``;
    Student's t (the peer's ``Tally``, ``reportAndCIStudent``)."""

    expr: str
    scale: float = 1.0

    def estimate(self, days: list[dict[str, float]]) -> tuple[float, float]:
        """The estimate and its standard error."""
        x = self.scale * np.array([_evaluate(self.expr, q) for q in days])
        return float(x.mean()), float(x.std(ddof=1) / math.sqrt(len(x)))

    def __str__(self) -> str:
        return f"E[{self.expr}]" if self.scale == 1 else f"{self.scale:g}·E[{self.expr}]"


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
class Published:
    """One line of a ``.res`` file, as printed, and the statistic it is."""

    name: str  # the line's title
    average: str  # "average" or "func. of averages", as printed ("0.902", "7.9E-3")
    sd: str  # "standard dev." per day (for a ratio, the delta method's)
    ci: tuple[str, str]  # its confidence interval (the example's level), as printed
    statistic: Mean | Ratio
    unit: str = ""

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

    @property
    def path(self) -> Path:
        return SCENARIOS / self.scenario


def _evaluate(expr: str, quantities: dict[str, float]) -> float:
    """``expr``, quantity names joined by `` + `` or `` - ``, for one day."""
    words = expr.split()
    total = quantities[words[0]]
    for op, name in zip(words[1::2], words[2::2], strict=True):
        sign = {"+": 1, "-": -1}[op]
        total += sign * quantities[name]
    return total


def observe(example: Example, seed: int) -> dict[str, float]:
    """The quantities of :data:`QUANTITIES` in ccsim's day (replication) ``seed`` of
    ``example``."""
    scenario = _scenario(example.path)
    result = simulate(scenario, seed)
    s = result.summary
    groups = result.groups
    if example.occupancy_until is not None:
        start = groups.interval * scenario.period
        groups = groups[start < parse_duration(example.occupancy_until)]
    answered = s["answered"]
    return {
        "A": s["offered"],
        "S": answered,
        "S_g": round(s["sl_answered"] * answered) if answered else 0,
        "L": s["abandoned"],
        "L_b": s["abandoned"] - s["short_abandons"],
        "B": s["blocked"],
        "D": s.get("closed", 0),
        "W_S": s["asa"] * answered / 60 if answered else 0.0,
        "Nb": float(groups.busy_time.sum()) / 60,
        "N": float(groups.staffed_time.sum()) / 60,
    }


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
)


def interval95(estimate: tuple[float, float], n: int) -> tuple[float, float]:
    """The two-sided 95 % Student-t interval of an estimate and its standard error."""
    from scipy import stats

    mean, se = estimate
    half = stats.t.ppf(0.975, n - 1) * se
    return mean - half, mean + half


def table() -> str:
    """The README's table: every published line against ccsim's, both with 95 % intervals."""
    rows = ["| example | statistic | definition | peer (95 % CI) | ccsim (95 % CI) |",
            "| --- | --- | --- | --- | --- |"]
    for example in EXAMPLES:
        days = run(example)
        for line in example.published:
            mean, se = line.statistic.estimate(days)
            low, high = interval95((mean, se), len(days))
            digits = max(0, -Decimal(line.ci[0]).as_tuple().exponent)
            unit = f" ({line.unit})" if line.unit else ""
            rows.append(
                f"| {example.name} | {line.name}{unit} | {line.statistic} "
                f"| {line.average} ({line.ci[0]}, {line.ci[1]}) "
                f"| {mean:.{digits}f} ({low:.{digits}f}, {high:.{digits}f}) |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(table())
