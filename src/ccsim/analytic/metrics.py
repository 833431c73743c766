"""What every formula of :mod:`ccsim.analytic` returns: a queue's steady-state
performance, per offered contact, with times in seconds."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QueueMetrics:
    """Steady-state performance of a multi-server queue (per offered contact).

    Probabilities are fractions of all offered contacts; times are in seconds.
    """

    agents: int
    offered_load: float  # erlangs: arrival_rate * mean_handle
    p_wait: float  # P(an arriving contact waits > 0); 0 for Erlang B
    p_abandon: float  # P(an arriving contact abandons); 0 for Erlang B and C
    p_blocked: float  # P(an arriving contact is blocked); Erlang B only, else 0
    asa: float  # mean wait of answered contacts (average speed of answer), seconds
    mean_wait: float  # mean time in queue of all offered contacts (abandoners until they leave)
    service_level: float  # P(answered and wait <= answer_within) over all offered contacts
    occupancy: float  # mean busy agents / agents (carried load / agents)
    answer_within: float  # the service-level threshold used, seconds

    def by_metric(self) -> dict[str, float]:
        """The values a simulation also reports, keyed by its metric names (shares as
        fractions of offered contacts or of agents' time, waits in seconds); ``p_blocked``
        is not among them, since a run counts blocked contacts rather than their share."""
        return {
            "service_level": self.service_level,
            "asa": self.asa,
            "mean_wait": self.mean_wait,
            "p_wait": self.p_wait,
            "abandon_rate": self.p_abandon,
            "occupancy": self.occupancy,
        }
