"""Patience: how long a caller waits on the line before hanging up, drawn per contact when
it arrives; and balking, the share of callers who hang up at once if they must wait.

A caller who balks has a patience of 0: its deadline is its arrival, and since a queue
holds a contact live while ``deadline >= now`` (:mod:`ccsim.model.queues`), it is answered
only by an agent free at the instant it arrives, and otherwise abandons with a wait of 0.
Whether a caller balks comes from a stream of its own, ``balk:<type>``, and every caller
still draws its patience from ``patience:<type>``: adding a balk share changes no other
draw, so the n-th caller of a type keeps its patience in every variant of a sweep.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from ccsim.scenario import DistributionSpec
from ccsim.streams import UNIFORM, draws, stream


def patience_draws(spec: DistributionSpec | None, seed: int, type_name: str,
                   prefix: str = "") -> Callable[[], float]:
    """A function returning the next caller's patience (seconds) of contact type
    ``type_name`` in the run seeded with ``seed``: infinite without ``spec``, 0 for a
    caller who balks. Streams ``<prefix>patience:<type>`` and ``<prefix>balk:<type>``
    (``prefix`` ``"repeat:"``: a repeat contact's own)."""
    if spec is None:
        return math.inf.__float__  # a C-level callable: no Python frame per contact
    patience = draws(spec.build(), stream(seed, f"{prefix}patience:{type_name}"))
    share = spec.balk
    if not share:
        return patience
    balks = draws(UNIFORM, stream(seed, f"{prefix}balk:{type_name}"))

    def drawn() -> float:
        wait = patience()  # drawn for every caller, so that each keeps its own
        return 0.0 if balks() < share else wait

    return drawn
