"""The roster of one run: each shift's agents over a day, with their breaks and absences
(as planned: a break taken late is drawn where the plan puts it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ccsim.plots.figure import new_figure
from ccsim.scenario.fields import DAY

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ccsim.scenario import Scenario


def plot_roster(scenario: Scenario, seed: int, day: int = 1) -> Figure:
    """Every agent of every group with shifts on ``day`` (from 1) of the run with
    ``seed``: a bar per agent-day on duty, its breaks on it (hatched when unpaid), the
    duty of an absent agent in grey; agents grouped by shift, shifts by group."""
    from matplotlib.patches import Patch

    from ccsim.model.shifts import agent_days

    rows: list[tuple[str, float, float, tuple, bool]] = []  # label, on, off, breaks, absent
    for g, spec in enumerate(scenario.agent_groups):
        if spec.shifts is None:
            continue
        plan, gone = agent_days(scenario, seed, g)
        for duty, away in zip(plan, gone, strict=True):
            if duty.day == day:
                label = f"{spec.name} · {spec.shifts[duty.shift].label} · #{duty.agent}"
                rows.append((label, duty.on, duty.off, duty.breaks, away))
    figure = new_figure(10.0, 1.6 + 0.22 * max(len(rows), 4))
    axes = figure.add_subplot()
    start = (day - 1) * DAY
    offset = scenario.start_seconds / 3600  # t = 0 is the horizon's clock time

    def x(t: float) -> float:
        """Hours since the midnight before the day's start, for ``t`` s into the run."""
        return (t - start) / 3600 + offset

    for y, (_, on, off, breaks, away) in enumerate(rows):
        axes.barh(y, x(off) - x(on), left=x(on), height=0.7,
                  color="0.8" if away else "tab:blue", edgecolor="none")
        if away:
            continue
        for b, length, paid in breaks:
            axes.barh(y, length / 3600, left=x(b), height=0.7, color="tab:orange",
                      hatch=None if paid else "//", edgecolor="white", linewidth=0)
    axes.set_yticks(range(len(rows)), [r[0] for r in rows], fontsize=7)
    axes.invert_yaxis()
    axes.set_xlabel("clock time (h)")
    low = min((r[1] for r in rows), default=start)
    high = max((r[2] for r in rows), default=start + DAY)
    axes.set_xlim(x(low) - 0.5, x(high) + 0.5)
    ticks = range(int(x(low)), int(x(high)) + 2)
    axes.set_xticks(list(ticks), [f"{t % 24:02d}:00" for t in ticks], fontsize=8)
    axes.grid(True, axis="x", alpha=0.3)
    absent = sum(1 for r in rows if r[4])
    axes.set_title(f"{scenario.name}: roster of day {day} (replication's seed {seed}; "
                   f"{absent} of {len(rows)} agents absent)", fontsize=10)
    figure.legend(handles=[Patch(color="tab:blue", label="on duty"),
                           Patch(color="tab:orange", label="paid break"),
                           Patch(facecolor="tab:orange", hatch="//", edgecolor="white",
                                 label="unpaid break"),
                           Patch(color="0.8", label="absent")],
                  loc="outside lower center", ncol=4, frameon=False, fontsize=8)
    return figure
