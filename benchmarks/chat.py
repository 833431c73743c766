"""A chat day: ccsim against a textbook SimPy model of the same chat rule.

``agents`` agents each hold up to ``K = 3`` chats, slower the more they hold (``slowdown =
[1.0, 1.2, 1.5]``); chats arrive Poisson at 90 % of the seats' capacity at full
concurrency, with exponential work (mean 10 min) and patience (mean 2 min). An arriving
chat goes to the agent holding the fewest chats (among equals, the one holding that many
longest), else waits in one FIFO line; a chat that ends gives its seat to the head of the
line.

The textbook model is what the SimPy documentation teaches: one process per chat, which
races a seat against its patience, then works through its handle time in a timeout that
is *interrupted* whenever its agent's number of chats changes (its speed changes then), and
starts again for what is left. ccsim keeps one heap entry per agent instead (see
:mod:`ccsim.model.chat`). Both report the same outcome counts, so their answered and
abandoned shares are compared too.
"""

from __future__ import annotations

import random
import statistics
import time
from collections import deque
from collections.abc import Callable, Generator
from dataclasses import dataclass

import simpy

import ccsim
from benchmarks.case import Counts
from benchmarks.suite import Run, alternate

K = 3
SLOWDOWN = (1.0, 1.2, 1.5)
MEAN_WORK = 600.0  #: seconds of work per chat, held alone
MEAN_PATIENCE = 120.0
LOAD = 0.9  #: of the seats' capacity with every agent at K chats
#: The ratio issue 25 asks of ccsim (textbook = 1).
TARGET = 3.0


@dataclass(frozen=True)
class ChatCase:
    agents: int
    chats: int  #: expected chats in a run

    @property
    def rate(self) -> float:
        """Chats per second."""
        return LOAD * self.agents * K / (MEAN_WORK * SLOWDOWN[K - 1])

    @property
    def horizon(self) -> float:
        return self.chats / self.rate


def scenario(case: ChatCase) -> ccsim.Scenario:
    """The ccsim scenario of ``case``: one chat type, one group (one interval)."""
    return ccsim.Scenario(
        period=case.horizon, horizon=case.horizon, service_level={"answer_within": 20.0},
        contact_types=[{"name": "chat", "channel": "chat",
                        "arrivals": {"per_hour": case.rate * 3600},
                        "handle_time": {"dist": "exponential", "mean": MEAN_WORK},
                        "patience": {"dist": "exponential", "mean": MEAN_PATIENCE},
                        "slowdown": list(SLOWDOWN)}],
        agent_groups=[{"name": "digital", "skills": ["chat"], "staff": case.agents,
                       "max_chats": K}])


class _Agent:
    __slots__ = ("at", "chats")

    def __init__(self) -> None:
        self.chats: list[simpy.Process] = []
        self.at = 0.0  # when it came to hold as many chats as it holds


class _Desk:
    """The textbook model's shared state: the agents and the line."""

    def __init__(self, env: simpy.Environment, agents: int):
        self.env = env
        self.agents = [_Agent() for _ in range(agents)]
        self.line: deque[simpy.Event] = deque()
        self.answered = self.abandoned = 0

    def fewest(self) -> _Agent | None:
        best = min(self.agents, key=lambda a: (len(a.chats), a.at))
        return best if len(best.chats) < K else None

    def changed(self, agent: _Agent, me: simpy.Process) -> None:
        """``agent``'s count changed: every other chat of it runs at a new speed."""
        agent.at = self.env.now
        for other in agent.chats:
            if other is not me:
                other.interrupt()


def _chat(env: simpy.Environment, desk: _Desk, work: float, patience: float
          ) -> Generator[simpy.Event, object, None]:
    me = env.active_process
    assert me is not None
    agent = desk.fewest()
    if agent is None:
        seat = env.event()
        desk.line.append(seat)
        got = yield seat | env.timeout(patience)
        if seat not in got:  # type: ignore[operator]
            desk.line.remove(seat)
            desk.abandoned += 1
            return
        agent = seat.value  # type: ignore[assignment]
    assert agent is not None
    desk.answered += 1
    agent.chats.append(me)
    desk.changed(agent, me)
    while True:
        factor = SLOWDOWN[len(agent.chats) - 1]
        start = env.now
        try:
            yield env.timeout(work * factor)
            break
        except simpy.Interrupt:
            work -= (env.now - start) / factor
    agent.chats.remove(me)
    desk.changed(agent, me)
    if desk.line:
        desk.line.popleft().succeed(agent)


def _source(env: simpy.Environment, desk: _Desk, case: ChatCase, rng: random.Random,
            made: list[int]) -> Generator[simpy.Event, object, None]:
    while True:
        gap = rng.expovariate(case.rate)
        if env.now + gap >= case.horizon:
            return
        yield env.timeout(gap)
        made[0] += 1
        env.process(_chat(env, desk, rng.expovariate(1 / MEAN_WORK),
                          rng.expovariate(1 / MEAN_PATIENCE)))


def textbook(case: ChatCase, seed: int) -> tuple[int, int, int]:
    """Offered, answered and abandoned chats of one textbook run."""
    env = simpy.Environment()
    desk = _Desk(env, case.agents)
    made = [0]
    env.process(_source(env, desk, case, random.Random(seed), made))
    env.run()
    return made[0], desk.answered, desk.abandoned


def _ccsim(spec: ccsim.Scenario, seed: int) -> tuple[int, int, int]:
    s = ccsim.simulate(spec, seed).summary
    return int(s["offered"]), int(s["answered"]), int(s["abandoned"])


@dataclass(frozen=True)
class Timing:
    agents: int
    chats_per_second: dict[str, float]  #: median over rounds
    ratio: float  #: median over rounds of textbook seconds / ccsim seconds
    low: float
    high: float
    abandon_share: dict[str, float]  #: abandoned / offered, pooled over rounds


def compare(agents: int, chats: int, rounds: int, seed: int = 1,
            progress: Callable[[str], None] | None = None) -> Timing:
    """Both models on the same case, alternating, ``rounds`` times."""
    case = ChatCase(agents, chats)
    spec = scenario(case)  # (as the textbook's case: made once, not timed)
    outcomes: dict[str, list[tuple[int, int, int]]] = {"ccsim": [], "textbook": []}

    def timer(model: str, one: Callable[[int], tuple[int, int, int]]) -> Callable[[int], Run]:
        def timed(s: int) -> Run:
            start = time.perf_counter()
            got = one(s)
            seconds = time.perf_counter() - start
            outcomes[model].append(got)
            return Run(s, got[0], seconds, None, Counts.empty(1))
        return timed

    runs = alternate({"ccsim": timer("ccsim", lambda s: _ccsim(spec, s)),
                      "textbook": timer("textbook", lambda s: textbook(case, s))},
                     ["ccsim", "textbook"], rounds, seed, agents, progress)
    per_round = [t.seconds / c.seconds for c, t in zip(runs["ccsim"], runs["textbook"],
                                                      strict=True)]
    share = {m: sum(o[2] for o in got) / sum(o[0] for o in got)
             for m, got in outcomes.items()}
    return Timing(agents, {m: statistics.median(r.rate for r in runs[m]) for m in runs},
                  statistics.median(per_round), min(per_round), max(per_round), share)


def text(rows: list[Timing], rounds: int) -> str:
    lines = [f"{'agents':>6} {'ccsim chats/s':>14} {'textbook chats/s':>17} "
             f"{'÷ textbook (median, range)':>28} {'abandoned: ccsim / textbook':>28}"]
    for r in rows:
        spread = f"{r.ratio:.1f}× ({r.low:.1f}–{r.high:.1f})"
        shares = f"{r.abandon_share['ccsim']:.2%} / {r.abandon_share['textbook']:.2%}"
        lines.append(f"{r.agents:>6} {r.chats_per_second['ccsim']:>14,.0f} "
                     f"{r.chats_per_second['textbook']:>17,.0f} {spread:>28} {shares:>28}")
    met = all(r.ratio >= TARGET for r in rows)
    lines.append(f"target: ccsim at least {TARGET:g}× the textbook chat model "
                 f"({'met' if met else 'NOT met'}; {rounds} alternating rounds)")
    return "\n".join(lines)
