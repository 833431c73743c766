"""Shared per-policy counters: a policy's own counts, on the run's axes.

A policy counts what it does (callbacks completed, outbound calls, first attempts settled,
...) per reporting interval and whatever else it reports by (contact class, agent group):
named counters on the run's :class:`~ccsim.model.axes.Axes`. The counters attribute a time
to its interval (:meth:`Axes.interval`) and leave the warm-up out of a table's part
(:meth:`Axes.measured`), once for every policy. While the run goes they are flat Python
lists, indexed by :meth:`Counters.cell` (a NumPy item update per event costs more than
the rest of a hook); :meth:`Counters.close` turns them into arrays for the tables.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ccsim.model.axes import Axes

#: An index along one of a policy's own axes: one position, or a slice of them.
Index = int | slice


class Counters:
    """Named counters per interval × ``shape`` (the policy's own axes): ``counts`` are
    whole numbers, ``sums`` floats (seconds, say)."""

    def __init__(self, axes: Axes, shape: Sequence[int], counts: Sequence[str] = (),
                 sums: Sequence[str] = ()):
        self.axes = axes
        self.shape = (axes.intervals, *shape)
        size = math.prod(self.shape)
        #: the counters while the run goes, flat (see :meth:`cell`)
        self.values: dict[str, list] = {
            **{name: [0] * size for name in counts}, **{name: [0.0] * size for name in sums}}
        self._sums = frozenset(sums)
        self.arrays: dict[str, np.ndarray] = {}

    def cell(self, time: float, *index: int) -> int:
        """The flat position, in :attr:`values`, of ``index`` (one per own axis) in the
        interval of ``time`` (seconds)."""
        cell = self.axes.interval(time)
        for size, i in zip(self.shape[1:], index, strict=True):
            cell = cell * size + i
        return cell

    def close(self) -> None:
        """The run is over: the counters as arrays of shape ``(intervals, *shape)``."""
        self.arrays = {
            name: np.array(values, dtype=float if name in self._sums else np.int64)
            .reshape(self.shape) for name, values in self.values.items()}

    def total(self, name: str, intervals: slice, *index: Index) -> float:
        """``name`` summed over the measured part of ``intervals`` (the warm-up left out)
        and ``index`` along the own axes (after :meth:`close`)."""
        return self.arrays[name][(self.axes.measured(intervals), *index)].sum()

    def at(self, name: str, interval: int, *index: Index) -> float:
        """``name`` in ``interval`` (a measured one) at ``index``, summed over the slices of
        ``index`` (after :meth:`close`)."""
        return self.arrays[name][(interval, *index)].sum()
