"""Values as a TOML file writes them, for messages: a user wrote ``true`` and ``nan``, and
reads them back that way, not as Python's ``True`` and ``{'mean': '4min'}``."""

from __future__ import annotations

import json
import math
import re
from typing import Any


def as_toml(value: Any) -> str:
    """``value`` as a TOML file writes it: ``true``, ``nan``, ``[1, 2]``, ``{ mean = "4min" }``;
    nothing set (``None``) is ``nothing``. Messages show what a user wrote in the words they
    wrote it in, not Python's (``True``, ``{'mean': '4min'}``)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        # A literal string ('...') is TOML too, and reads as the keys of messages do; one it
        # cannot hold (a quote, a tab) is a basic string, escaped.
        plain = value.isprintable() and "'" not in value
        return f"'{value}'" if plain else json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = (f"{_toml_key(k)} = {as_toml(v)}" for k, v in value.items())
        return "{ " + ", ".join(items) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(as_toml(v) for v in value) + "]"
    return str(value)


def _toml_key(key: Any) -> str:
    text = str(key)
    return text if re.fullmatch(r"[A-Za-z0-9_-]+", text) else json.dumps(text)
