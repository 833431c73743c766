"""Callback policies (``[callbacks]``): offers on a long wait (``window`` or
``keep_place``), calls back to customers who hung up, and follow-ups.

* :mod:`~ccsim.model.callbacks.policy` — :class:`CallbackPolicy`, the policy itself;
* :mod:`~ccsim.model.callbacks.schedule` — requests and the scheduling rules
  (:class:`Schedule` and the three that ship);
* :mod:`~ccsim.model.callbacks.ledger` — their statistics and metrics.
"""

from ccsim.model.callbacks.policy import CallbackPolicy
from ccsim.model.callbacks.schedule import (
    FOLLOW_UP,
    OFFER,
    RECALL,
    Deadline,
    Priority,
    Request,
    Schedule,
    WhenIdle,
)

__all__ = [
    "FOLLOW_UP", "OFFER", "RECALL", "CallbackPolicy", "Deadline", "Priority", "Request",
    "Schedule", "WhenIdle",
]
