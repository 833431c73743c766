"""Patience with a balk share (``ccsim.model.patience``): callers who hang up at once if
they must wait, drawn from a stream of their own, against hand-worked cases and the exact
birth–death chain of the M/M/c+M queue with balking."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from ccsim import Scenario, simulate
from ccsim.analytic import erlang_a_metrics, erlang_b
from ccsim.model.patience import patience_draws
from ccsim.scenario import UniformSpec
from ccsim.streams import draws, stream

Z = stats.norm.ppf(0.9995)  # two-sided 99.9 %


def test_without_a_balk_share_patience_is_the_patience_stream_itself():
    spec = UniformSpec(dist="uniform", min=180, max=300)
    drawn = patience_draws(spec, 7, "billing")
    plain = draws(spec.build(), stream(7, "patience:billing"))
    assert [drawn() for _ in range(3000)] == [plain() for _ in range(3000)]
    assert patience_draws(None, 7, "billing")() == math.inf


def test_a_balker_has_patience_0_and_every_other_caller_keeps_their_own():
    """The balk stream decides who balks; the patience stream is drawn for every caller,
    so a caller who does not balk has the very patience it has without a balk share."""
    spec = UniformSpec(dist="uniform", min=180, max=300, balk=0.2)
    n = 200_000
    drawn = patience_draws(spec, 7, "billing")
    got = np.array([drawn() for _ in range(n)])
    plain = draws(spec.build(), stream(7, "patience:billing"))
    own = np.array([plain() for _ in range(n)])
    balks = stream(7, "balk:billing").random(n) < 0.2
    assert (got[balks] == 0).all() and (got[~balks] == own[~balks]).all()
    # The share who balk is Binomial(n, 0.2)/n: within 99.9 % of 0.2.
    assert abs(balks.mean() - 0.2) <= Z * math.sqrt(0.2 * 0.8 / n)
    # A repeat's own streams: other draws.
    repeat = patience_draws(spec, 7, "billing", "repeat:")
    assert [repeat() for _ in range(20)] != got[:20].tolist()


def _one_agent(balk: float, times: list[float], **extra) -> Scenario:
    return Scenario(
        period=600, horizon=600,
        contact_types=[{"name": "calls", "arrivals": {"times": times},
                        "handle_time": {"dist": "constant", "value": 50},
                        "patience": {"dist": "constant", "value": 1000, "balk": balk}}],
        agent_groups=[{"name": "agents", "skills": ["calls"], "staff": 1}], **extra)


def test_everyone_who_must_wait_balks_at_once_with_a_share_of_1():
    # One agent, 50 s calls: the caller of 0 is answered at once (busy until 50); those of
    # 10 and 20 find it busy and hang up with a wait of 0; the one of 50 arrives as it
    # frees and is answered (a queue holds a caller live while deadline >= now); 60 balks;
    # 200 finds it free again.
    result = simulate(_one_agent(1.0, [0, 10, 20, 50, 60, 200]), 1, trace=True)
    s = result.summary
    assert (s["offered"], s["answered"], s["abandoned"]) == (6, 3, 3)
    assert s["mean_wait"] == 0 and s["p_wait"] == 0 and s["service_level"] == 0.5
    trace = result.trace
    gone = trace[trace["event"] == "abandoned"]["time"].tolist()
    assert gone == [10.0, 20.0, 60.0]
    assert trace[trace["event"] == "answered"]["time"].tolist() == [0.0, 50.0, 200.0]


def test_a_balk_share_of_0_is_the_day_without_it():
    day = _one_agent(0.0, [0, 10, 20, 50, 60, 200])
    assert simulate(day, 3).summary == simulate(
        day.with_changes({"contact_types.calls.patience": {"dist": "constant",
                                                           "value": 1000}}), 3).summary


def test_adding_a_balk_share_changes_no_other_draw():
    """The same arrivals and handle times with and without balkers: the stream of whether
    a caller balks is its own."""
    day = Scenario(
        period=1800, horizon=4 * 3600,
        contact_types=[{"name": "calls", "arrivals": {"per_hour": 60},
                        "handle_time": {"dist": "exponential", "mean": 240},
                        "patience": {"dist": "exponential", "mean": 180}}],
        agent_groups=[{"name": "agents", "skills": ["calls"], "staff": 4}])
    balky = day.with_changes({"contact_types.calls.patience.balk": 0.3})
    plain, balked = (simulate(s, 5, trace=True).trace for s in (day, balky))
    arrived = [t[t["event"] == "arrived"]["time"].to_numpy() for t in (plain, balked)]
    assert len(arrived[0]) > 200 and (arrived[0] == arrived[1]).all()
    # A caller answered in both runs talks as long in both (handle times by arrival order).
    talks = []
    for t in (plain, balked):
        answered = t[t["event"] == "answered"].set_index("contact")["time"]
        done = t[t["event"] == "finished"].set_index("contact")["time"]
        talks.append((done - answered).dropna())
    both = talks[0].index.intersection(talks[1].index)
    assert len(both) > 100
    assert np.allclose(talks[0][both], talks[1][both])
    assert simulate(balky, 5).summary["abandoned"] > simulate(day, 5).summary["abandoned"]


def test_repeats_balk_too_from_their_own_stream():
    day = Scenario(
        period=1800, horizon=2 * 3600,
        contact_types=[{"name": "calls", "arrivals": {"per_hour": 90},
                        "handle_time": {"dist": "exponential", "mean": 240},
                        "patience": {"dist": "exponential", "mean": 180, "balk": 1.0},
                        "resolution": 0.5, "repeat_delay": "5min"}],
        agent_groups=[{"name": "agents", "skills": ["calls"], "staff": 4}])
    trace = simulate(day, 2, trace=True).trace
    assert (trace["event"] == "repeat_abandoned").sum() > 5
    # Everyone who must wait balks, repeats too: nobody ever waits, so every answer comes
    # at an arrival's own instant.
    arrivals = set(trace[trace["event"].isin(["arrived", "repeat_arrived"])]["time"])
    assert set(trace[trace["event"].isin(["answered", "repeat_answered"])]["time"]) <= arrivals


# --- against the exact chain -------------------------------------------------------------


def chain(agents: int, rate: float, aht: float, patience: float, balk: float,
          top: int = 400) -> dict[str, float]:
    """The exact steady state of M/M/c+M in which a caller who finds every agent busy
    joins the queue with probability 1 − ``balk`` (else leaves at once): a birth–death
    chain on the number in the system n, born at ``rate`` below c agents and at
    ``rate``·(1 − balk) from c on, dying at min(n, c)/aht + (n − c)⁺/patience; truncated at
    ``top`` (its mass there is below 1e-30 for the cases here). By PASTA an arrival sees
    π: P(wait > 0) = (1 − balk)·P(n ≥ c); those who abandon are the balkers and the
    queue's rate of abandonment, θ·E[(n − c)⁺], per arrival; the mean wait of all offered
    contacts (balkers wait 0) is E[(n − c)⁺]/rate by Little's law."""
    n = np.arange(top + 1)
    birth = np.where(n[:-1] < agents, rate, rate * (1 - balk))
    death = np.minimum(n[1:], agents) / aht + np.maximum(n[1:] - agents, 0) / patience
    with np.errstate(divide="ignore"):  # balk = 1: no birth past c agents
        log_p = np.concatenate(([0.0], np.cumsum(np.log(birth) - np.log(death))))
    p = np.exp(log_p - log_p.max())
    p /= p.sum()
    assert p[-1] < 1e-30
    busy = p[n >= agents].sum()
    queued = (p * np.maximum(n - agents, 0)).sum()
    return {"p_wait": (1 - balk) * busy,
            "abandon_rate": balk * busy + queued / patience / rate,
            "mean_wait": queued / rate}


def test_the_chain_is_erlang_a_without_balkers_and_erlang_b_when_all_balk():
    rate, aht, patience = 5 / 240, 240.0, 180.0
    a = erlang_a_metrics(5, rate, aht, patience)
    exact = chain(5, rate, aht, patience, 0.0)
    assert exact["p_wait"] == pytest.approx(a.p_wait, rel=1e-9)
    assert exact["abandon_rate"] == pytest.approx(a.p_abandon, rel=1e-9)
    assert exact["mean_wait"] == pytest.approx(a.mean_wait, rel=1e-9)
    assert chain(5, rate, aht, patience, 1.0)["abandon_rate"] == pytest.approx(
        erlang_b(5, 5.0), rel=1e-12)


# agents, load (erlangs), mean handle, mean patience (s), balk, measured hours, replications
BALKING = [
    (5, 5.0, 240.0, 180.0, 0.3, 100, 30),
    (5, 5.0, 240.0, 180.0, 1.0, 60, 30),  # everyone balks: the loss system, Erlang B
]


@pytest.mark.parametrize(("agents", "load", "aht", "patience", "balk", "hours", "reps"),
                         BALKING)
def test_balking_agrees_with_the_exact_chain(agents, load, aht, patience, balk, hours, reps):
    """Each metric's exact value lies in the 99.9 % Student-t interval of ``reps``
    independent replications of a stationary queue (warmed up one period, 30 handle times),
    and the interval is narrower than 10 % of it, so a 10 % error would show; the balk
    share moves every metric by many such widths (0.3 against none: P(wait) 0.31 against
    0.53). Cost: about 2 s a case (seeds fixed)."""
    rate = load / aht
    period = 30 * aht
    day = Scenario(
        period=period, horizon=period * math.ceil(hours * 3600 / period), warmup=period,
        contact_types=[{"name": "calls", "arrivals": {"per_hour": rate * 3600},
                        "handle_time": {"dist": "exponential", "mean": aht},
                        "patience": {"dist": "exponential", "mean": patience, "balk": balk}}],
        agent_groups=[{"name": "agents", "skills": ["calls"], "staff": agents}])
    runs = [simulate(day, 100 + r).summary for r in range(reps)]
    t = stats.t.ppf(0.9995, reps - 1)
    exact, without = chain(agents, rate, aht, patience, balk), chain(agents, rate, aht,
                                                                     patience, 0.0)
    for name, value in exact.items():
        observed = np.array([run[name] for run in runs])
        if value == 0:  # everyone balks: nobody waits, in any run
            assert observed.max() == 0, name
            continue
        mean, half = observed.mean(), t * observed.std(ddof=1) / math.sqrt(reps)
        assert half <= 0.1 * value, (name, half, value)
        assert abs(mean - value) <= half, (name, mean, half, value)
        assert abs(without[name] - value) > 3 * half, (name, without[name], value)
