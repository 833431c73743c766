"""Scenario errors: where a mistake is (file, key path), what was found, what was expected;
reading TOML files; pydantic's validation errors said the way the rest of ccsim says them."""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ccsim.toml_text import as_toml


class ScenarioError(Exception):
    """A mistake in a scenario or experiment: where it is, what was found, what was expected."""

    def __init__(self, message: str, path: str = "", source: str | None = None):
        self.message = message
        self.path = path
        self.source = source
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ": ".join(part for part in (self.source, self.path) if part)
        return f"{where}: {self.message}" if where else self.message

    def located(self, source: str) -> ScenarioError:
        """The same error, attributed to the file (or other source) ``source``."""
        return type(self)(self.message, self.path, source)



def read_toml(path: Path) -> dict[str, Any]:
    """The TOML table in ``path``. What is not a readable UTF-8 TOML file — missing, a
    directory, UTF-16, a byte-order mark, binary, malformed — is a :class:`ScenarioError`."""
    source = str(path)
    if path.is_dir():
        raise ScenarioError("is a directory; expected a scenario or experiment TOML file",
                            source=source)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError("no such file", source=source) from None
    except OSError as error:
        raise ScenarioError(f"cannot be read ({error.strerror})", source=source) from None
    if data.startswith(b"\xef\xbb\xbf"):
        raise ScenarioError("starts with a byte-order mark; save it as UTF-8 without one",
                            source=source)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ScenarioError("is UTF-16 text; TOML files are UTF-8: save it as UTF-8",
                            source=source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ScenarioError(
            f"is not TOML text (byte {data[error.start]:#04x} at offset {error.start} is not "
            "UTF-8); give a scenario or experiment TOML file", source=source
        ) from None
    if "\x00" in text:
        raise ScenarioError("is not TOML text (it holds NUL bytes); give a scenario or "
                            "experiment TOML file", source=source)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"not valid TOML: {error}", source=source) from None



# Pydantic's wording for each error our schema meets (tests/test_messages.py drives every
# kind of wrong value into every key), said the way the rest of ccsim says it. An error a
# future field brings is reworded by _reworded, so pydantic's phrasing never reaches a user.
_PLAIN = {
    "greater_than": "must be > {gt}",
    "greater_than_equal": "must be >= {ge}",
    "less_than": "must be < {lt}",
    "less_than_equal": "must be <= {le}",
    "finite_number": "must be a finite number",
    "literal_error": "must be {expected}",
    "too_short": "must have at least {min_length} entries",
    "too_long": "must have at most {max_length} entries",
    "string_too_short": "must not be empty",
    "string_pattern_mismatch": "must look like HH:MM",
    "union_tag_invalid": "unknown distribution; expected one of {expected_tags}",
    "union_tag_not_found": "needs a {discriminator} key: the distribution, one of {tags}",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "string_type": "must be a string",
    "list_type": "must be a list",
    "tuple_type": "must be a list",
    "dict_type": "must be a table",
    "model_type": "must be a table",
    "model_attributes_type": "must be a table",
}
#: The ``dist`` tags of the distribution tables, in the order "needs a dist key" lists them.
_DISTS = ("exponential", "lognormal", "gamma", "uniform", "triangular", "constant",
          "empirical", "sequence")
_TAGS = ", ".join(map(repr, _DISTS))
#: Comparisons a non-finite number fails for the wrong reason (nan is not "<= 0").
_BOUNDS = frozenset({"greater_than", "greater_than_equal", "less_than", "less_than_equal"})


def scenario_error(error: ValidationError, data: dict[str, Any]) -> ScenarioError:
    """The first validation problem, with its key path written with names. Of the errors
    of a union's branches (``false`` or a table), the one that went deepest is the one
    meant; ties go to our own checks' messages."""
    errors = error.errors(include_url=False)
    start = errors[0]["loc"][:-1]
    branches = [e for e in errors if e["loc"][: len(start)] == start]
    first = max(branches, key=lambda e: (len(e["loc"]), e["type"] == "value_error"))
    path = key_path(first["loc"], data)
    kind = first["type"]
    got = first.get("input")
    if kind == "value_error":
        message = str(first["ctx"]["error"])
    elif kind == "missing":
        message = "is required"
    elif kind in _BOUNDS and isinstance(got, float) and not math.isfinite(got):
        message = f"must be a finite number (got {as_toml(got)})"
    elif kind == "too_short" and first["ctx"].get("min_length") == 1:
        message = f"must not be empty (got {as_toml(got)})"
    elif kind in _PLAIN:
        ctx = {k: _ctx_text(v) for k, v in first.get("ctx", {}).items()}
        message = f"{_PLAIN[kind].format(tags=_TAGS, **ctx)} (got {as_toml(got)})"
    else:
        message = f"{_reworded(first['msg'])} (got {as_toml(got)})"
    # A value error that names an entry of a list ("[3]: must be ...") or a key of the table
    # it checks ("accept: is required ...") extends the path.
    if message.startswith("[") and "]: " in message:
        index, message = message.split(": ", 1)
        path += index
    elif kind == "value_error" and re.match(r"[a-z_]+: ", message):
        key, message = message.split(": ", 1)
        path = f"{path}.{key}" if path else key
    return ScenarioError(message, path)


def _ctx_text(value: Any) -> str:
    """A bound or an expected value of pydantic's context, in TOML's words (``'False'``,
    the text pydantic gives for ``Literal[False]``, is ``false``)."""
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value)
    return re.sub(r"\b(True|False|None)\b",
                  lambda m: {"True": "true", "False": "false", "None": "nothing"}[m[1]], text)


def _reworded(msg: str) -> str:
    """Pydantic's message for an error not in :data:`_PLAIN`, in ccsim's words: "Input
    should be a valid dictionary, unable to ..." → "must be a table"."""
    text = re.sub(r"^Input should (be|have)", r"must \1", msg).split(", unable to")[0]
    text = text.replace(" a valid ", " a ")
    for python, toml in (("dictionary", "table"), ("tuple", "list"), ("integer", "whole number"),
                         ("True", "true"), ("False", "false"), ("None", "nothing")):
        text = re.sub(rf"\b{python}\b", toml, text)
    return f"{text[:1].lower()}{text[1:]}"


def key_path(loc: tuple[Any, ...], data: Any) -> str:
    """``('contact_types', 0, 'handle_time', 'exponential', 'mean')`` →
    ``contact_types[general].handle_time.mean``: list entries by their name when they have one."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            name = item.get("name") if isinstance(item, dict) else None
            out += f"[{name}]" if isinstance(name, str) and name else f"[{part}]"
            node = item
        elif isinstance(node, str | int | float) or (
            not (isinstance(node, dict) and part in node)
            and (part in DIST_TAGS or not part.isidentifier() or part[:1].isupper())
        ):
            continue  # the tag of a union's branch, or a field inside a plain value
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


#: The ``dist`` tags of the distribution tables: a union's branch, not a key the user wrote.
DIST_TAGS = frozenset(_DISTS)
