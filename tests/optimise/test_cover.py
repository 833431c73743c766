"""The cover: the cheapest shifts of the templates that cover a requirement. A hand-solved
optimum; the optimum of every small case equal to that of an exhaustive search over the
agents on every shift and break placement; breaks within their windows; a run of the
shifts has on duty what the cover counted; and what cannot be covered an error that says
where."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from ccsim import Scenario, simulate
from ccsim.optimise import programme
from ccsim.optimise.cover import COLUMNS, Cover, Uncoverable, cover
from ccsim.scenario.shifts import duties, planned_seconds
from ccsim.scenario.templates import ShiftTemplate
from ccsim.units import clock_seconds

H, DAY = 3600.0, 86_400.0


def _template(name: str, length: str, first: str, last: str, every: str = "30min",
              breaks: list[dict] | None = None, **keys) -> ShiftTemplate:
    return ShiftTemplate(name=name, length=length, breaks=breaks or [],
                         starts={"from": first, "to": last, "every": every}, **keys)


def test_the_cheaper_mixture_of_a_long_and_a_short_shift_is_chosen():
    # 08:00–16:00 in half hours: one agent all day, three from 09:00 to 11:00. "day" is
    # 8h from 08:00; "morning" 4h from 09:00 to 10:00. Only "day" reaches 16:00, so the
    # base is one day shift (8 h); the peak's two more agents from 09:00 are cheapest as
    # two mornings from 09:00 (the only start that covers 09:00), 8 h, not two more day
    # shifts (16 h): 16 paid hours, at 20 an hour 320.
    day = _template("day", "8h", "08:00", "08:00")
    morning = _template("morning", "4h", "09:00", "10:00")
    need = [1, 1, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]
    found = cover(need, [day, morning], start="08:00", period=1800, agent_group="team",
                  rate=20.0)
    assert found.cost == 320.0
    assert found.table.to_dict("records") == [
        {"agent_group": "team", "day": 1, "template": "day", "start": "08:00",
         "end": "16:00", "breaks": "", "agents": 1, "paid_hours": 8.0},
        {"agent_group": "team", "day": 1, "template": "morning", "start": "09:00",
         "end": "13:00", "breaks": "", "agents": 2, "paid_hours": 8.0}]
    assert found.coverage.tolist() == [1, 1, 3, 3, 3, 3, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1]
    # With at most one morning shift, the second agent of the peak is a day shift: 20 h.
    capped = _template("morning", "4h", "09:00", "10:00", max_agents=1)
    assert cover(need, [day, capped], start="08:00", period=1800).cost == 20.0


def test_a_shift_off_the_interval_grid_covers_part_of_an_interval():
    # Hourly intervals from 08:00; a 2-hour shift from 08:30 is on duty half of the first
    # and the third interval and all of the second: one agent covers [0.5, 1, 0.5], two
    # are needed for a whole agent at 08:00.
    shift = _template("short", "2h", "08:30", "08:30")
    assert cover([0.5, 1, 0.5], [shift], start="08:00", period=H).coverage.tolist() == [
        0.5, 1, 0.5]
    found = cover([1, 1, 0], [shift], start="08:00", period=H)
    assert (found.cost, found.coverage.tolist()) == (4.0, [1, 2, 1])


def test_breaks_are_placed_where_the_requirement_allows_them():
    # Four hours from 08:00, a paid 30-minute break 1h to 2h30min into the shift. Two
    # agents are needed all day but one may be off in 09:30–10:00: two agents cannot
    # both break there, so three work, and no interval has two of them on a break.
    shift = _template("four", "4h", "08:00", "08:00",
                      breaks=[{"after": ["1h", "150min"], "length": "30min"}])
    need = [2, 2, 2, 1, 2, 2, 2, 2]
    found = cover(need, [shift], start="08:00", period=1800)
    assert found.cost == 12.0 and (found.coverage >= need).all()
    assert found.table.agents.sum() == 3


# --- exhaustive search ------------------------------------------------------------------

def _reference_shares(t: ShiftTemplate, start: str, n: int, period: float
                      ) -> list[tuple[np.ndarray, float]]:
    """Each start and break placement of ``t``: the share of each interval it is on duty
    off its breaks (worked out interval by interval), and its paid hours."""
    found = []
    for clock in t.start_times():
        on = (clock_seconds(clock) - clock_seconds(start)) % DAY
        for placement in t.placements():
            off_duty = [(on + p, on + p + b.length) for p, b in zip(placement, t.breaks,
                                                                     strict=True)]
            share = np.zeros(n)
            for i in range(n):
                a, b = i * period, (i + 1) * period
                share[i] = max(0.0, min(b, on + t.length) - max(a, on))
                share[i] -= sum(max(0.0, min(b, e) - max(a, s)) for s, e in off_duty)
            found.append((share / period, t.paid / H))
    return found


def _exhaustive(need: list[int], templates: list[ShiftTemplate], period: float
                ) -> float | None:
    """The least paid hours of any whole number of agents on each option (None: none
    covers), over every count up to what one option could ever need: an agent more on
    an option that covers share s of its intervals is not needed once s × agents reaches
    the largest requirement."""
    options = [(j, share, hours) for j, t in enumerate(templates)
               for share, hours in _reference_shares(t, "08:00", len(need), period)]
    bounds = [math.ceil(max(need) / share[share > 0].min()) if (share > 0).any() else 0
              for _, share, _ in options]
    counts = np.array(list(itertools.product(*(range(b + 1) for b in bounds))))
    shares = np.array([share for _, share, _ in options])
    hours = np.array([h for _, _, h in options])
    fine = (counts @ shares >= np.array(need) - 1e-9).all(axis=1)
    for j, t in enumerate(templates):
        if t.max_agents is not None:
            mine = [k for k, (jj, _, _) in enumerate(options) if jj == j]
            fine &= counts[:, mine].sum(axis=1) <= t.max_agents
    return float((counts[fine] @ hours).min()) if fine.any() else None


@st.composite
def _small_cases(draw):
    """Six to ten half-hour intervals from 08:00 needing up to 3 agents (mostly none where
    no template works); one or two templates of a few starts (on a 30- or 15-minute grid,
    so that some cover part of an interval), with up to two breaks whose windows may
    overlap, and maybe max_agents."""
    n = draw(st.integers(6, 10))
    need = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    templates = []
    for j in range(draw(st.integers(1, 2))):
        every = draw(st.sampled_from([15, 30]))
        length = draw(st.sampled_from([60, 90, 120, 180]))
        # Shifts lie within the horizon (a run simulates no more).
        assume(length <= n * 30)
        first = draw(st.integers(0, (n * 30 - length) // every)) * every
        count = draw(st.integers(1, 2))
        last = min(first + (count - 1) * every, n * 30 - length) // every * every
        breaks, at = [], draw(st.sampled_from([15, 30]))
        for _ in range(draw(st.integers(0, 2))):
            size = draw(st.sampled_from([15, 30]))
            room = draw(st.sampled_from([0, 15, 30]))
            if at + room + size > length:
                break
            breaks.append({"after": [f"{at}min", f"{at + room}min"], "length": f"{size}min",
                           "every": "15min"})
            at += draw(st.sampled_from([15, size, size + 15]))  # may overlap the one before
        try:
            templates.append(ShiftTemplate(
                name=f"t{j}", length=f"{length}min", breaks=breaks,
                starts={"from": _clock(first), "to": _clock(last), "every": f"{every}min"},
                max_agents=draw(st.sampled_from([None, None, 1, 2, 3, 4, 6]))))
        except ValidationError:  # breaks no placement keeps in order
            assume(False)
    if draw(st.integers(0, 4)):  # mostly, nothing needed where no template works
        on = sum(share for t in templates for share, _ in _reference_shares(t, "08:00", n, 1800))
        need = [r if on[i] > 0 else 0 for i, r in enumerate(need)]
    return need, templates


def _clock(minutes_after_eight: int) -> str:
    minutes = 8 * 60 + minutes_after_eight
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@settings(max_examples=150, deadline=None)
@given(case=_small_cases())
def test_the_cover_costs_what_an_exhaustive_search_finds(case):
    need, templates = case
    # At most six options keeps the search within some ten thousand counts.
    assume(sum(len(t.start_times()) * len(t.placements()) for t in templates) <= 6)
    best = _exhaustive(need, templates, 1800)
    if best is None:
        with pytest.raises(Uncoverable):
            cover(need, templates, start="08:00", period=1800)
        return
    found = cover(need, templates, start="08:00", period=1800)
    assert found.cost == pytest.approx(best, abs=1e-9)
    assert found.table.paid_hours.sum() == pytest.approx(best, abs=1e-9)
    _check(found, need, templates, "08:00", 1800)


def _check(found: Cover, need, templates: list[ShiftTemplate], start: str,
           period: float) -> None:
    """Coverage at least the requirement; every break within its window, on its grid;
    the cover's table, shifts and coverage agree with each other and with a run's
    placing of the shifts."""
    assert (found.coverage >= np.array(need) - 1e-9).all()
    assert list(found.table.columns) == list(COLUMNS)
    by_name = {t.name: t for t in templates}
    for shift in found.shifts:
        t = by_name[shift.name.split(" ")[0]]
        assert shift.start in t.start_times() and shift.length == t.length
        for b, spec in zip(shift.breaks, t.breaks, strict=True):
            assert b.at is not None and b.window is None
            after = (clock_seconds(b.at) - clock_seconds(shift.start)) % DAY
            assert spec.after[0] <= after <= spec.after[1]
            assert (after - spec.after[0]) % (spec.every or t.starts.every) == 0
            assert (b.length, b.paid) == (spec.length, spec.paid)
    horizon = len(need) * period
    plan = duties(found.shifts, start, horizon)
    assert len(plan) == found.table.agents.sum()
    worked = np.array(planned_seconds(plan, period, len(need))) / period
    assert worked == pytest.approx(found.coverage, abs=1e-9)
    for t in templates:
        if t.max_agents is not None:
            per_day = found.table[found.table.template == t.name].groupby("day").agents.sum()
            assert (per_day <= t.max_agents).all()


# --- days, and a run of the shifts ------------------------------------------------------

#: Day shifts with a lunch break, part-timers (at most 3 a day) and a night shift that
#: runs past midnight.
WEEK_TEMPLATES = [
    _template("day", "8.5h", "06:00", "12:00", every="1h",
              breaks=[{"after": ["3h", "5h"], "length": "30min", "paid": False}]),
    _template("part", "4h", "10:00", "18:00", every="2h",
              breaks=[{"after": ["90min", "150min"], "length": "15min", "every": "15min"}],
              max_agents=3),
    _template("night", "8h", "22:00", "22:00",
              breaks=[{"after": ["3h", "4h"], "length": "20min", "every": "20min"}]),
]


def _days(days: int, start: str = "06:00") -> list[float]:
    """Per half hour from ``start``: 1 agent at night, a morning and an afternoon peak."""
    hours = (clock_seconds(start) / H + np.arange(days * 48) / 2) % 24
    busy = (hours >= 7) & (hours < 20)
    need = np.where(busy, 3 + 4 * np.exp(-((hours - 11) / 2.5) ** 2)
                    + 3 * np.exp(-((hours - 17) / 2) ** 2), 1.0)
    return np.round(need, 1).tolist()


def test_over_days_a_run_places_the_shifts_where_the_cover_counted_them():
    # From 08:00 over two and a half days: the day shifts from 06:00 come first on the
    # morning of day 2, as a run places them, and the last day's starts too late to end
    # within the horizon are not offered (so its last hours need nobody here); the night
    # shifts run on over midnight.
    need = _days(5, "08:00")[:120]
    need[-8:] = [0.0] * 8
    found = cover(need, WEEK_TEMPLATES, start="08:00", period=1800, agent_group="team",
                  rate=25.0)
    _check(found, need, WEEK_TEMPLATES, "08:00", 1800)
    assert found.cost == pytest.approx(25.0 * found.table.paid_hours.sum())
    assert set(found.table.day) == {1, 2, 3}
    assert not ((found.table.day == 3) & (found.table.start == "22:00")).any()
    for shift in found.shifts:
        assert isinstance(shift.agents, tuple) and len(shift.agents) == 3
    # Deterministic: the same cover again, row for row.
    again = cover(need, WEEK_TEMPLATES, start="08:00", period=1800, agent_group="team",
                  rate=25.0)
    assert again.table.equals(found.table) and again.shifts == found.shifts


def test_a_run_of_the_shifts_has_on_duty_what_the_cover_counted():
    # Two days from 06:00: the second night shift ends with the horizon. One call, of a
    # second, before anyone is on a break: staffed time is the plan.
    need = _days(2)
    found = cover(need, WEEK_TEMPLATES, start="06:00", period=1800, agent_group="team")
    day = Scenario(
        start="06:00", horizon="2d", period="30min",
        contact_types=[{"name": "calls", "arrivals": {"times": [60]},
                        "handle_time": {"dist": "constant", "value": 1}}],
        agent_groups=[{"name": "team", "skills": ["calls"],
                       "shifts": [s.model_dump(exclude_unset=True) for s in found.shifts]}])
    staffed = simulate(day, 0).groups.staffed_time.to_numpy()
    assert staffed == pytest.approx(found.coverage * 1800, abs=1e-6)


# --- what cannot be covered -------------------------------------------------------------

def test_an_interval_no_template_is_on_duty_in_is_named():
    early = _template("early", "8h", "08:00", "09:30")
    need = [2] * 19 + [4] + [0] * 4  # 08:00–20:00; the latest shift ends at 17:30
    with pytest.raises(Uncoverable, match=r"^interval 19 \(17:30–18:00\) needs 4 agents, "
                                          r"but no shift template is on duty then \(off "
                                          r"its breaks\)$"):
        cover(need, [early], start="08:00", period=1800)
    # Over days, the day of the horizon too.
    with pytest.raises(Uncoverable, match=r"^interval 67 \(day 2, 17:30–18:00\) needs 4"):
        cover([0] * 48 + need + [0] * 24, [early], start="08:00", period=1800)


def test_an_interval_that_needs_more_than_the_max_agents_is_named():
    capped = _template("early", "4h", "08:00", "09:00", max_agents=2)
    with pytest.raises(Uncoverable, match=r"^interval 2 \(09:00–09:30\) needs 3 agents, but "
                                          r"the shift templates give at most 2 agents there "
                                          r"within their max_agents \(on duty then: 'early' "
                                          r"\(at most 2 a day\)\)$"):
        cover([1, 1, 3, 1, 0, 0, 0, 0, 0, 0], [capped], start="08:00", period=1800)


def test_caps_that_each_interval_meets_alone_but_not_all_together_are_named():
    # One agent in each of two hours, but at most one shift of an hour a day.
    hour = _template("hour", "1h", "08:00", "09:00", every="1h", max_agents=1)
    with pytest.raises(Uncoverable, match=r"^no choice of shifts covers every interval "
                                          r"within the templates' max_agents: the closest "
                                          r"leaves interval \d \(0\d:00–\d\d:00\) 1 agent "
                                          r"short of the 1 it needs \(on duty then: 'hour' "
                                          r"\(at most 1 a day\)\)$"):
        cover([1, 1], [hour], start="08:00", period=H)


def test_a_start_outside_a_horizon_shorter_than_a_day_is_an_error():
    early = _template("early", "8h", "06:00", "10:00", every="1h")
    with pytest.raises(ValueError, match=r"^shift template 'early': starts at 06:00, outside "
                                         r"the horizon \(12h from 08:00\), where its shifts "
                                         r"would cover nothing; let its starts fall within "
                                         r"08:00–12:00$"):
        cover([1] * 24, [early], start="08:00", period=1800)
    late = _template("late", "8h", "08:00", "14:00", every="1h")
    with pytest.raises(ValueError, match=r"^shift template 'late': a shift starting at 13:00 "
                                         r"ends after the horizon \(12h from 08:00\), and a "
                                         r"run simulates shifts within it; let its shifts "
                                         r"start by 12:00$"):
        cover([1] * 24, [late], start="08:00", period=1800)
    with pytest.raises(ValueError, match=r"^shift template 'late': lasts 8h, longer than the "
                                         r"horizon \(4h from 08:00\)"):
        cover([1] * 8, [late], start="08:00", period=1800)


@pytest.mark.parametrize(("need", "keys", "words"), [
    ([1, -1, 2], {}, r"^requirement\[1\]: must be a number of agents >= 0 \(got -1\)$"),
    ([1, math.nan], {}, r"^requirement\[1\]: must be a number of agents >= 0 \(got nan\)$"),
    ([], {}, r"^requirement: must be one number of agents per interval of the horizon "
             r"\(got 0 values in 1 dimensions\)$"),
    ([[1, 2]], {}, r"^requirement: must be one number"),
    ([1, 2], {"rate": 0.0}, r"^rate: must be a positive cost per paid hour \(got 0.0\)$"),
    ([1, 2], {"period": -1.0}, r"^period: must be a positive number of seconds"),
    ([1, 2], {"templates": []}, r"^give at least one shift template$"),
])
def test_bad_input_is_an_error_that_says_what_was_wrong(need, keys, words):
    args = {"templates": [_template("early", "1h", "08:00", "08:00")], "start": "08:00",
            "period": 1800.0, **keys}
    templates = args.pop("templates")
    with pytest.raises(ValueError, match=words):
        cover(need, templates, **args)


def test_too_many_starts_and_break_placements_are_refused(monkeypatch):
    monkeypatch.setattr(programme, "MAX_VARIABLES", 5)
    many = _template("many", "2h", "08:00", "10:00", every="15min")
    with pytest.raises(ValueError, match=r"give their starts or breaks a coarser 'every'"):
        cover([1] * 8, [many], start="08:00", period=1800)


def test_nothing_needed_is_nothing_chosen():
    found = cover([0, 0, 0], [_template("early", "1h", "08:00", "08:00")], start="08:00",
                  period=1800)
    assert (found.shifts, found.cost, len(found.table)) == ([], 0.0, 0)
    assert found.coverage.tolist() == [0, 0, 0]
