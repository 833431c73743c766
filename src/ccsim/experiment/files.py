"""The files of a results directory (:mod:`ccsim.experiment.store` says what each holds):
their names, atomic writes that name the file they could not write, and reading back the
manifest and the run records."""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccsim.scenario import ScenarioError

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pandas as pd

MANIFEST = "experiment.json"
RUNS = "runs"
TRACE = "trace"
LOG = "log.jsonl"
#: The tables of runs, by name: each is written as CSV and Parquet.
PER_RUN = ("runs", "types", "intervals", "groups", "agents", "days", "channels")
TABLES = (
    *(f"{name}.{ext}" for name in PER_RUN for ext in ("csv", "parquet")),
    "summary.csv",
    "groups_summary.csv",
    "seeds.csv",
)
#: The folder of a results directory that holds its charts (all of it is ccsim's).
CHARTS_DIR = "charts"
#: Names of the files of one run, in ``runs/`` and ``trace/``.
RUN_FILE = re.compile(r"v\d{4,}-r\d{4,}\.(json|parquet)")


def run_name(variant: int, replication: int) -> str:
    """The file stem of a run's record and trace."""
    return f"v{variant:04d}-r{replication:04d}"


def read_manifest(out: Path) -> dict[str, Any] | None:
    """The manifest of the results directory ``out`` (None: there is none)."""
    try:
        return json.loads((out / MANIFEST).read_text())
    except FileNotFoundError:
        return None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ScenarioError(
            f"{MANIFEST} is damaged ({error}); pass --fresh", source=str(out)
        ) from None


def load_records(out: Path, manifest: dict[str, Any]) -> dict[tuple[int, int], dict[str, Any]]:
    """The run records in ``out/runs`` that belong to the experiment of ``manifest``."""
    seeds = manifest["seeds"]
    variants = len(manifest["variants"])
    records = {}
    for path in sorted((out / RUNS).glob("v*-r*.json")):
        try:
            record = json.loads(path.read_text())
            key = (int(record["variant"]), int(record["replication"]))
        except (ValueError, KeyError, TypeError):
            continue  # not one of ours: the run is simply done again
        if key[0] < variants and key[1] < len(seeds) and record.get("seed") == seeds[key[1]]:
            records[key] = record
    return records


def is_temporary(path: Path, name: str = "") -> bool:
    """Whether ``path`` is a temporary file of :func:`write_bytes` (for ``name``)."""
    return path.name.startswith(f".{name}") and path.name.endswith(".tmp")


@contextlib.contextmanager
def writing(path: Path) -> Iterator[None]:
    """Turn a failed write of ``path`` (a full disk, a read-only directory, no permission)
    into a :class:`ScenarioError` naming ``path``: the ``write()`` that fails on a full disk
    names no file, and an atomic write would name its hidden temporary file."""
    try:
        yield
    except OSError as error:
        reason = error.strerror or str(error) or type(error).__name__
        raise ScenarioError(f"cannot be written ({reason})", source=str(path)) from error


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (see :func:`write_bytes`)."""
    write_bytes(path, text.encode())


def write_bytes(path: Path, data: bytes) -> None:
    """Write atomically: a reader (or a resumed run after ``kill -9``) sees the old file
    or the whole new one, never a part."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with writing(path):
        try:
            with temporary.open("wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        os.replace(temporary, path)


def write_parquet(table: pd.DataFrame, path: Path) -> None:
    """Write ``table`` to ``path`` as Parquet, atomically."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with writing(path):
        try:
            table.to_parquet(temporary, index=False)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        os.replace(temporary, path)
