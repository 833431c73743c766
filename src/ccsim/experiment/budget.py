"""What an experiment will cost before it runs: contacts, wall time and memory.

A run's statistics are kept per interval and contact type, so its memory is bounded by
the scenario's shape (agents, intervals × types) plus the contacts alive at once; a
trace grows with every contact. The parent process holds every run's interval table.
The estimate is meant to be right within a factor of a few (tests compare it with
measured runs), which is enough to refuse a run that would take hours or exhaust the
machine's memory before it starts, and to say what would make it fit.

The per-unit costs below were measured on this project's 2-core machines with
``tracemalloc`` (heap bytes) and ``time.perf_counter`` (one run, in process).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from ccsim.scenario import Campaign, ContactType, Scenario

#: Seconds of simulation per contact (routing, queueing, statistics), and per traced one.
SECONDS_PER_CONTACT = 5e-6
SECONDS_PER_TRACED_CONTACT = 8e-6
#: Seconds a run takes whatever its size (building the centre, tables), and per interval
#: and contact type (closing the interval's statistics).
SECONDS_PER_RUN = 2e-3
SECONDS_PER_CELL = 1e-5
#: Heap bytes of one run: a fixed part, per agent, per (interval × type) cell of the
#: statistics, per contact alive at once (queued or in service) and per traced contact.
BYTES_PER_RUN = 1_000_000
BYTES_PER_AGENT = 100
BYTES_PER_CELL = 5_000
BYTES_PER_LIVE_CONTACT = 150
BYTES_PER_TRACED_CONTACT = 900
#: Bytes the parent keeps per row of a run's interval table (one row per interval and
#: contact type, plus the "all" row): Python lists, the JSON on disk, then pandas.
BYTES_PER_RESULT_ROW = 2_000
#: Seconds and heap bytes per outbound or callback attempt: the agent's task is kept until
#: the run ends (for occupancy), so a day of very short attempts grows with each.
SECONDS_PER_ATTEMPT = 6e-6
BYTES_PER_ATTEMPT = 80
#: Resident bytes of a worker process before its first run (Python, numpy, pandas, simpy).
BYTES_PER_PROCESS = 150_000_000

#: Most wall-clock seconds, and most of the available memory, an experiment may ask for
#: without ``force``.
MAX_SECONDS = 3600.0
MAX_MEMORY_SHARE = 0.8
#: Wall-clock seconds from which an experiment that fits is announced before it starts.
ANNOUNCE_SECONDS = 60.0


@dataclass(frozen=True)
class RunCost:
    """The expected size of one run of a scenario."""

    contacts: float  # expected arrivals over the horizon, all contact types (and repeats)
    seconds: float  # wall clock of one run on one core
    memory: float  # peak heap bytes of the run
    result_rows: int  # rows of its interval table the parent keeps
    attempts: float = 0.0  # outbound and callback attempts, at most


def run_cost(scenario: Scenario, trace: bool = False) -> RunCost:
    """The expected contacts, time and memory of one run of ``scenario``."""
    volumes = {c.name: scenario.volumes(c) for c in scenario.contact_types}
    contacts = float(sum(sum(volumes[c.name]) * _repeats(scenario, c)
                         for c in scenario.contact_types))
    attempts = _outbound_attempts(scenario) + _callback_attempts(scenario, volumes)
    cells = scenario.intervals * len(scenario.contact_types)
    agents = sum(math.ceil(max(planned)) for planned in scenario.planned_staff())
    seconds = (
        SECONDS_PER_RUN
        + cells * SECONDS_PER_CELL
        + contacts * (SECONDS_PER_TRACED_CONTACT if trace else SECONDS_PER_CONTACT)
        + attempts * SECONDS_PER_ATTEMPT
    )
    memory = (
        BYTES_PER_RUN
        + agents * BYTES_PER_AGENT
        + cells * BYTES_PER_CELL
        + _live_contacts(scenario, volumes) * BYTES_PER_LIVE_CONTACT
        + (contacts * BYTES_PER_TRACED_CONTACT if trace else 0.0)
        + attempts * (BYTES_PER_ATTEMPT + (BYTES_PER_TRACED_CONTACT if trace else 0.0))
    )
    rows = scenario.intervals * (len(scenario.contact_types) + 1)
    return RunCost(contacts, seconds, memory, rows, attempts)


def _repeats(scenario: Scenario, c: ContactType) -> float:
    """Contacts per first contact of ``c``, at most: an unsettled customer calls again
    (1 / resolution times in all), but not more often than its conversation and the
    repeat delay fit in the horizon."""
    if c.repeat_delay is None:
        return 1.0
    settles = min([c.resolution, *(c.resolution_by_group or {}).values()])
    busy = c.handle_time.mean + (c.wrap_up.mean if c.wrap_up else 0.0)
    fits = 1.0 + scenario.horizon / (busy + c.repeat_delay.mean)
    return min(1.0 / settles, fits) if settles > 0 else fits


def _outbound_attempts(scenario: Scenario) -> float:
    """Outbound attempts of a run, at most: as many as the agents who call a campaign
    have time for within its calling hours (each costs ``dial_time``, and ``reach`` × the
    talk and wrap-up time), and no more than its list holds."""
    total = 0.0
    for c in scenario.outbound:
        reach = c.mean_reach
        # A machine's dialling takes no agent time; an agent's does.
        cost = (0.0 if c.dialer else c.dial_time) + reach * (
            c.handle_time.mean + (c.wrap_up.mean if c.wrap_up else 0.0))
        open_ = _open_seconds(scenario, c)
        seconds = sum(p * o for g, planned in zip(scenario.agent_groups,
                                                   scenario.planned_staff(), strict=True)
                      if c.name in g.outbound for p, o in zip(planned, open_, strict=True))
        # The schema refuses attempts that take no time (reach and dial_time both 0).
        attempts = seconds / cost if cost > 0 else math.inf
        total += min(attempts, c.list_size if c.list_size is not None else math.inf)
    return total


def _open_seconds(scenario: Scenario, campaign: Campaign) -> list[float]:
    """Seconds of each interval in which ``campaign`` calls."""
    period, out = scenario.period, []
    windows = campaign.windows(scenario.start, scenario.horizon, scenario.start_day)
    for i in range(scenario.intervals):
        a, b = i * period, (i + 1) * period
        out.append(sum(max(0.0, min(b, close) - max(a, opens)) for opens, close in windows))
    return out


def _callback_attempts(scenario: Scenario, volumes: dict[str, list[float]]) -> float:
    """Callback attempts of a run, at most: every caller offered a callback (and
    accepting at the curve's highest share), every one who hangs up recalled at the
    recall share, a follow-up for that share of the first conversations; each request
    tried until reached or ``max_attempts`` (expected tries: (1 − (1 − reach)^max) / reach)."""
    total = 0.0
    for c in scenario.contact_types:
        spec = scenario.callbacks_for(c)
        if spec is None:
            continue
        arrivals = sum(volumes[c.name])
        accept = spec.accept if not isinstance(spec.accept, list) else max(
            share for _, share in spec.accept)
        offered = arrivals * (accept or 0.0) if spec.offers else 0.0
        recalled = arrivals * spec.abandoned.share if spec.abandoned else 0.0
        followed = (arrivals + offered + recalled) * spec.follow_ups.share if (
            spec.follow_ups) else 0.0
        r, tries = spec.reach, spec.max_attempts
        each = tries if r == 0 else (1.0 - (1.0 - r) ** tries) / r
        total += (offered + recalled + followed) * each
    return total


def _live_contacts(scenario: Scenario, volumes: dict[str, list[float]]) -> float:
    """Contacts alive at once, at most. A type without patience whose work exceeds what
    its staff can do queues all day (every contact may still wait at the end); any
    other contact lives about its handle time and patience, which at the busiest
    interval's rate is a share of that interval's volume."""
    live = 0.0
    for c in scenario.contact_types:
        counts = volumes[c.name]
        busy = c.handle_time.mean + (c.wrap_up.mean if c.wrap_up else 0.0)
        if c.patience is None and _overloaded(scenario, c.name, sum(counts) * busy):
            live += sum(counts)
            continue
        lives = busy + (c.patience.mean if c.patience else busy)
        live += min(sum(counts), max(counts) * (1.0 + lives / scenario.period))
    return live


def _overloaded(scenario: Scenario, name: str, work: float) -> bool:
    """Whether ``work`` agent-seconds of type ``name`` exceed its staff's time."""
    staffed = sum(sum(planned) for g, planned in zip(scenario.agent_groups,
                                                     scenario.planned_staff(), strict=True)
                  if name in g.skills)
    return work >= staffed * scenario.period


@dataclass(frozen=True)
class Budget:
    """The cost of an experiment on ``slots`` parallel workers, and whether it fits."""

    runs: int
    slots: int
    contacts: float  # over all runs
    seconds: float  # wall clock
    memory: float  # bytes: the workers' runs at once plus the parent's tables
    available: float | None  # bytes the machine has available, when known
    attempts: float = 0.0  # outbound and callback attempts over all runs, at most

    def problems(self) -> list[str]:
        """What makes this experiment too big; empty when it fits."""
        found = []
        if self.seconds > MAX_SECONDS:
            found.append(f"about {_hours(self.seconds)} on {self.slots} worker(s)")
        if self.available is not None and self.memory > MAX_MEMORY_SHARE * self.available:
            found.append(
                f"about {_bytes(self.memory)} of memory, more than the "
                f"{_bytes(self.available)} this machine has available"
            )
        return found

    def refusal(self) -> str | None:
        """The message that refuses this experiment, or None when it fits."""
        problems = self.problems()
        if not problems:
            return None
        calls = (", or the outbound and callback attempts (longer dial or talk times, a "
                 "list_size, fewer max_attempts)") if self.attempts else ""
        return (
            f"{self.runs} run(s) of about {self._work()} each "
            f"would take {' and '.join(problems)}; reduce the replications, the variants, "
            f"the horizon or the arrival volumes{calls} (or the workers, for memory; or drop "
            "--trace), or pass --force to run it anyway"
        )

    def announcement(self) -> str | None:
        """A line announcing an experiment that fits but takes a while (None if quick)."""
        if self.problems() or self.seconds < ANNOUNCE_SECONDS:
            return None
        return (f"{self.runs} run(s) of about {self._work()} each: expect about "
                f"{_hours(self.seconds)} on {self.slots} worker(s) and {_bytes(self.memory)} "
                "of memory")

    def _work(self) -> str:
        """What one run does: its contacts, and its outbound and callback attempts."""
        contacts = f"{self.contacts / self.runs:,.0f} contacts"
        if not self.attempts:
            return contacts
        return f"{contacts} and {self.attempts / self.runs:,.0f} outbound and callback attempts"


def experiment_budget(
    scenarios: list[Scenario], replications: int, slots: int, trace: bool = False
) -> Budget:
    """The cost of ``replications`` runs of each of ``scenarios`` on ``slots`` workers."""
    costs = [run_cost(s, trace) for s in scenarios]
    runs = replications * len(costs)
    slots = max(1, min(slots, runs))
    seconds = replications * sum(c.seconds for c in costs) / slots
    biggest = max(c.memory for c in costs)
    workers = slots * (biggest + (BYTES_PER_PROCESS if slots > 1 else 0.0))
    parent = replications * sum(c.result_rows for c in costs) * BYTES_PER_RESULT_ROW
    return Budget(
        runs=runs,
        slots=slots,
        contacts=replications * sum(c.contacts for c in costs),
        seconds=seconds,
        memory=workers + parent,
        available=available_memory(),
        attempts=replications * sum(c.attempts for c in costs),
    )


def available_memory() -> float | None:
    """Bytes of memory available to new work (``MemAvailable`` on Linux), else None."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def _hours(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:,.1f} h"
    return f"{math.ceil(seconds / 60):,.0f} min"


def _bytes(count: float) -> str:
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if count >= size:
            return f"{count / size:,.1f} {unit}"
    return f"{count / 1e3:,.0f} kB"
