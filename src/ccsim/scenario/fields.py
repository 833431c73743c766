"""The kinds of value scenario keys share: durations, shares, counts, clock times, and the
strict base model (immutable; an unknown key is an error that suggests the key meant)."""

from __future__ import annotations

import difflib
import math
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from ccsim.toml_text import as_toml
from ccsim.units import clock_seconds, parse_duration

#: The longest duration a scenario may give (365 days, in seconds): nothing in a contact
#: centre lasts longer, and far longer values (``mean = 1e300``) overflow the arithmetic
#: of the run into nonsense. A customer who never hangs up has no ``patience``.
MAX_DURATION = 365 * 86_400.0


def _duration(value: object) -> float:
    seconds = parse_duration(value)
    # Checked here, before the bounds: nan is not "must be > 0", it is no number at all.
    if not math.isfinite(seconds):
        raise ValueError(f"must be a finite duration (got {as_toml(value)})")
    if abs(seconds) > MAX_DURATION:
        raise ValueError(f"must be at most 365 days (got {as_toml(value)}); nothing in a "
                         "contact centre lasts longer")
    return seconds


Duration = Annotated[float, BeforeValidator(_duration), Field(allow_inf_nan=False)]
PositiveDuration = Annotated[float, BeforeValidator(_duration), Field(gt=0, allow_inf_nan=False)]
NonNegativeDuration = Annotated[
    float, BeforeValidator(_duration), Field(ge=0, allow_inf_nan=False)
]


def no_bool(value: object) -> object:
    # Pydantic's lax mode reads true as 1: a planner who wrote `per_hour = true` meant
    # something else, so a boolean is never a number here.
    if isinstance(value, bool):
        raise ValueError(f"must be a number, not true or false (got {str(value).lower()})")
    return value


# The constraints come first so that they stay in the number's own schema (nan is "must
# be a finite number", not "must be > 0"); the validator wraps it.
PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False), BeforeValidator(no_bool)]
Volume = Annotated[float, Field(ge=0, allow_inf_nan=False), BeforeValidator(no_bool)]
Count = Annotated[int, Field(ge=1), BeforeValidator(no_bool)]


Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False, strict=True)]


Clock = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


#: Seconds in a day: the days of a horizon are its 24-hour spans from t = 0.
DAY = 86_400.0

#: The days of the week, as a weekday table of ``hours`` and ``start_day`` name them.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: A day of a weekday table on which the type (or campaign) is closed all day.
CLOSED = "closed"


def weekday_hint(name: object) -> str:
    """`` (did you mean 'sat'?)`` for a misspelt weekday (``"Saturday"``, ``"satu"``), or
    nothing."""
    text = str(name).casefold()
    close = [d for d in WEEKDAYS if text.startswith(d)] or difflib.get_close_matches(
        text, WEEKDAYS, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _weekday(value: object) -> object:
    if isinstance(value, str) and value not in WEEKDAYS:
        raise ValueError(f"unknown day {value!r}{weekday_hint(value)}; expected one of: "
                         f"{', '.join(WEEKDAYS)}")
    return value


#: A day of the week, ``"mon"`` to ``"sun"``.
Weekday = Annotated[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                    BeforeValidator(_weekday)]


def _ordered(hours: tuple[str, str]) -> tuple[str, str]:
    if hours[1] <= hours[0]:
        raise ValueError(f"must run from an earlier clock time to a later one (got "
                         f"{list(hours)})")
    return hours


#: One day's hours: ``["08:00", "20:00"]`` (clock times, from–to, the same day).
DailyHours = Annotated[tuple[Clock, Clock], AfterValidator(_ordered)]
#: A weekday table: each day of the week its hours, or ``"closed"``.
WeeklyHours = dict[str, DailyHours | Literal["closed"]]


def _week_table(value: object) -> object:
    """A weekday table names each day of the week once, by its short name, in any order
    (returned in week order); anything else is left to the daily form's validation."""
    if not isinstance(value, dict):
        return value
    for name in value:
        if name not in WEEKDAYS:
            raise ValueError(f"unknown day {name!r}{weekday_hint(name)}; a weekday table "
                             f"names the days {', '.join(WEEKDAYS)}")
    # A day left out is a mistake, not a closed day: a planner who forgot Sunday is told,
    # and "closed" says it on purpose.
    missing = [d for d in WEEKDAYS if d not in value]
    if missing:
        raise ValueError(f"the weekday table has no {', '.join(missing)}: give every day "
                         f"from mon to sun its hours, [\"HH:MM\", \"HH:MM\"], or "
                         f"\"{CLOSED}\"")
    for name, day in value.items():
        if not isinstance(day, list | tuple) and day != CLOSED:
            raise ValueError(f"{name}: must be a list of two clock times, [\"HH:MM\", "
                             f"\"HH:MM\"], or \"{CLOSED}\" (got {as_toml(day)})")
    return {d: value[d] for d in WEEKDAYS}


def _open_some_day(hours: tuple[str, str] | WeeklyHours) -> tuple[str, str] | WeeklyHours:
    if isinstance(hours, dict) and all(day == CLOSED for day in hours.values()):
        raise ValueError(f"every day is \"{CLOSED}\", so every contact would be turned "
                         "away; give some day its hours")
    return hours


#: Opening hours: ``["08:00", "20:00"]`` every day, or a weekday table,
#: ``{ mon = ["08:00", "20:00"], ..., sun = "closed" }`` (every day named).
Hours = Annotated[DailyHours | WeeklyHours, BeforeValidator(_week_table),
                  AfterValidator(_open_some_day)]


def day_hours(hours: tuple[str, str] | WeeklyHours, weekday: int) -> tuple[str, str] | None:
    """The hours of ``hours`` on ``weekday`` (0 = Monday); ``None``: closed that day."""
    if not isinstance(hours, dict):
        return hours
    day = hours[WEEKDAYS[weekday % 7]]
    return day if isinstance(day, tuple) else None  # the other form is "closed"


def windows(hours: tuple[str, str] | WeeklyHours | None, start: str, horizon: float,
            start_day: str) -> list[tuple[float, float]]:
    """The ``hours`` (daily, or a weekday table) as windows ``[from, to)`` in seconds since
    the start of the horizon (whose clock time is ``start``, on the weekday ``start_day``),
    within ``[0, horizon)``, in time order: the whole horizon without ``hours``."""
    if hours is None:
        return [(0.0, horizon)]
    offset, first = clock_seconds(start), WEEKDAYS.index(start_day)
    found = []
    for day in range(-1, math.ceil(horizon / DAY) + 1):
        today = day_hours(hours, first + day)
        if today is None:
            continue
        opens, closes = clock_seconds(today[0]) - offset, clock_seconds(today[1]) - offset
        a, b = max(opens + day * DAY, 0.0), min(closes + day * DAY, horizon)
        if a < b:
            found.append((a, b))
    return found


#: Most agents a group can have in one interval (each agent is an object in the model).
MAX_STAFF = 100_000


def whole_counts(value: Any) -> int | tuple[int, ...]:
    """A head count from 0 to :data:`MAX_STAFF`, or a non-empty list of them."""
    def whole(x: Any, where: str) -> int:
        if (
            isinstance(x, bool)
            or not isinstance(x, int | float)
            or not math.isfinite(x)
            or x != int(x)
            or not 0 <= x <= MAX_STAFF
        ):
            raise ValueError(
                f"{where}must be a whole number from 0 to {MAX_STAFF} (got {as_toml(x)})"
            )
        return int(x)

    if isinstance(value, list | tuple):
        if not value:
            raise ValueError("must be a number, or list one per interval or day (got [])")
        return tuple(whole(x, f"[{i}]: ") for i, x in enumerate(value))
    return whole(value, "")


def describe_hours(hours: tuple[str, str] | WeeklyHours) -> str:
    """``08:00–20:00`` (every day), or a weekday table with runs of equal days together:
    ``mon–fri 08:00–20:00, sat 09:00–13:00, sun closed``."""
    if not isinstance(hours, dict):
        return f"{hours[0]}–{hours[1]}"
    runs: list[tuple[str, str, str]] = []  # (first day, last day, their hours)
    for name in WEEKDAYS:
        day = hours[name]
        text = CLOSED if day == CLOSED else f"{day[0]}–{day[1]}"
        if runs and runs[-1][2] == text:
            runs[-1] = (runs[-1][0], name, text)
        else:
            runs.append((name, name, text))
    return ", ".join(f"{a}–{b} {text}" if a != b else f"{a} {text}" for a, b, text in runs)


def table_or_false(value: Any) -> Any:
    if value is not False and not isinstance(value, dict | BaseModel):
        raise ValueError(
            f"must be a table of keys, or false to turn it off (got {as_toml(value)})"
        )
    return value



class Strict(BaseModel):
    """Immutable, and an unknown key is an error that suggests the key meant."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        if isinstance(data, dict):
            # A key is written as its field's alias where it has one (`from`, a keyword).
            fields = [f.alias or name for name, f in cls.model_fields.items()]
            for key in data:
                if key not in fields:
                    close = difflib.get_close_matches(str(key), fields, n=1)
                    hint = f" (did you mean {close[0]!r}?)" if close else ""
                    raise ValueError(
                        f"unknown key {key!r}{hint}; expected one of: {', '.join(fields)}"
                    )
        return data

