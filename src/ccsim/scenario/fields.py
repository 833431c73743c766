"""The kinds of value scenario keys share: durations, shares, counts, clock times, and the
strict base model (immutable; an unknown key is an error that suggests the key meant)."""

from __future__ import annotations

import difflib
import math
from typing import Annotated, Any

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


def _ordered(hours: tuple[str, str]) -> tuple[str, str]:
    if hours[1] <= hours[0]:
        raise ValueError(f"must run from an earlier clock time to a later one (got "
                         f"{list(hours)})")
    return hours


#: Opening hours, every day: ``["08:00", "20:00"]`` (clock times, from–to, the same day).
Hours = Annotated[tuple[Clock, Clock], AfterValidator(_ordered)]


def windows(hours: tuple[str, str] | None, start: str, horizon: float
            ) -> list[tuple[float, float]]:
    """The daily ``hours`` as windows ``[from, to)`` in seconds since the start of the
    horizon (whose clock time is ``start``), within ``[0, horizon)``, in time order: the
    whole horizon without ``hours``."""
    if hours is None:
        return [(0.0, horizon)]
    offset = clock_seconds(start)
    opens, closes = clock_seconds(hours[0]) - offset, clock_seconds(hours[1]) - offset
    found = []
    for day in range(-1, math.ceil(horizon / DAY) + 1):
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
            fields = list(cls.model_fields)
            for key in data:
                if key not in cls.model_fields:
                    close = difflib.get_close_matches(str(key), fields, n=1)
                    hint = f" (did you mean {close[0]!r}?)" if close else ""
                    raise ValueError(
                        f"unknown key {key!r}{hint}; expected one of: {', '.join(fields)}"
                    )
        return data

