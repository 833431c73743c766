"""Exact steady-state formulas for multi-server queues: Erlang B, Erlang C and Erlang A.

A contact centre with ``n`` agents, Poisson arrivals and exponential handle times is a
multi-server Markov queue, and its long-run performance has exact formulas:

* Erlang B (M/M/n/n): a contact that finds every agent busy is lost (blocked).
* Erlang C (M/M/n): contacts wait as long as it takes; unstable once load >= agents.
* Erlang A (M/M/n+M; Palm 1943, Garnett, Mandelbaum & Reiman 2002): waiting contacts
  abandon after an exponential patience, so the queue is stable at any load.

ccsim uses them to seed staffing searches and as oracles for the simulator, whose output
must converge to these numbers when handle and patience times are exponential.

* :mod:`~ccsim.analytic.erlang` — Erlang B and C;
* :mod:`~ccsim.analytic.erlang_a` — Erlang A;
* :mod:`~ccsim.analytic.staffing` — the fewest agents that meet service targets;
* :mod:`~ccsim.analytic.pooled` — Erlang A applied to a whole scenario, interval by
  interval, as one pooled queue (the line the charts draw);
* :mod:`~ccsim.analytic.metrics` — :class:`QueueMetrics`, what each formula returns;
* :mod:`~ccsim.analytic.arguments` — the checks every public function runs.

Units: the same as in scenario files. A duration (handle time, patience, the service
level threshold, an ASA target) is seconds as a number, or a string with its unit:
``"20s"``, ``"4min"``, ``"1.5h"``. An arrival rate is per second as a number, or a
string per unit of time: ``"690/h"`` (a scenario's ``per_hour = 690``), ``"11.5/min"``.
Offered load is in erlangs (arrival rate x mean handle time); results are always in
seconds and shares. All probabilities are per offered contact, for example::

    erlang_a_metrics(50, "690/h", "4min", "3min", answer_within="20s").service_level

Only numpy, ``scipy.special`` (``scipy.stats`` would add a second to the import) and
:mod:`ccsim.units` are used, so this package can be imported on its own.
"""

from ccsim.analytic.erlang import erlang_b, erlang_b_metrics, erlang_c, erlang_c_metrics
from ccsim.analytic.erlang_a import erlang_a_metrics
from ccsim.analytic.metrics import QueueMetrics
from ccsim.analytic.pooled import ERLANG_A_MODELS, erlang_a_applies, pooled_erlang_a
from ccsim.analytic.staffing import TeamTooLarge, agents_for_target

__all__ = [
    "ERLANG_A_MODELS",
    "QueueMetrics",
    "TeamTooLarge",
    "agents_for_target",
    "erlang_a_applies",
    "erlang_a_metrics",
    "erlang_b",
    "erlang_b_metrics",
    "erlang_c",
    "erlang_c_metrics",
    "pooled_erlang_a",
]
