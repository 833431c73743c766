"""The results directory of an experiment: its runs on disk as they finish, resumable.

The results directory holds::

    experiment.json      the manifest: variants (labels, parameters, resolved scenarios),
                         replications, seed, run seeds, code version and the fingerprint
    seeds.csv            replication, seed (the same for every variant)
    inputs/              the experiment file and base scenario file as they were run
    runs/v0000-r0000.json    one record per finished run (variant 0, replication 0), each
                         written atomically (temporary file, fsync, rename) as it arrives
    trace/v0000-r0000.parquet    per-contact events, when traced
    log.jsonl            when, where and how long each run took (never in the tables)
    runs.csv, runs.parquet           one row per variant × replication
    types.csv, types.parquet         one row per run and contact type (and ``all``)
    intervals.csv, intervals.parquet one row per run, measured interval and contact type
    groups.csv, groups.parquet       one row per run, measured interval and agent group
    agents.csv, agents.parquet       one row per run and agent (runs with a policy: see
                                     RunResult.agents)
    summary.csv          one row per variant and contact type (``all`` first): mean and
                         95% CI half-width of each metric
    groups_summary.csv   one row per variant and agent group: occupancy, busy and staffed
                         hours
    charts/              the charts of :func:`ccsim.plots.plot_results`

The ``runs/`` records are the truth; the tables are rebuilt from them at the end
(:class:`~ccsim.experiment.results.Results`, which users read, is built from them). A run
killed at any moment (even ``kill -9``) loses only runs in flight: running the same
experiment again skips every run that has a record. Records are only reused for the same
experiment: its *fingerprint* (a hash of the resolved variants, the seed and the model's
code) must match the manifest's, otherwise the store refuses to mix them. The number of
replications is not part of it, since a run's seed depends only on the experiment seed and
its replication: asking for more replications runs only the new ones, asking for fewer
uses the first ones (the others stay on disk).

The store writes only into a directory that is empty, new, or holds its manifest; clearing
one (``fresh``) removes the files it writes and the ``charts/`` folder, nothing else.
Every file is written atomically, and a write that fails names its file.

Tables hold no wall-clock times, hosts or worker ids, so ``runs.csv`` is byte-identical
whatever executed the runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccsim.experiment.files import (
    CHARTS_DIR,
    LOG,
    MANIFEST,
    RUN_FILE,
    RUNS,
    TABLES,
    TRACE,
    is_temporary,
    load_records,
    read_manifest,
    run_name,
    write_bytes,
    write_parquet,
    write_text,
    writing,
)
from ccsim.experiment.results import Results, tables_from_records
from ccsim.model.registry import METRICS
from ccsim.scenario import ScenarioError

if TYPE_CHECKING:
    from ccsim.experiment.sweep import Experiment

#: Files of the package whose content decides what a run produces.
_MODEL_CODE = ("model", "streams.py", "units.py", "scenario")
_FORMAT = 1


def code_version() -> str:
    """The package version and a hash of the model's source: results of other code are
    not the same experiment."""
    import ccsim

    root = Path(ccsim.__file__).parent
    digest = hashlib.sha256()
    for part in _MODEL_CODE:
        path = root / part
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            digest.update(file.relative_to(root).as_posix().encode())
            digest.update(file.read_bytes())
    return f"{ccsim.__version__}+{digest.hexdigest()[:12]}"


def manifest(experiment: Experiment, code: str | None = None) -> dict[str, Any]:
    """Everything needed to re-run ``experiment`` and read its results, as JSON data."""
    body = {
        "name": experiment.name,
        "replications": experiment.replications,
        "seed": experiment.seed,
        "code_version": code or code_version(),
        "parameters": list(experiment.parameters),
        "variants": [
            {
                "label": v.label,
                "parameters": v.parameters,
                "scenario": v.scenario.to_dict(),
            }
            for v in experiment.variants
        ],
    }
    # The same experiment is the same resolved scenarios, however their files wrote them
    # (a default written out or left implicit); the manifest keeps what was written.
    hashed = {k: body[k] for k in ("seed", "code_version")}
    hashed["variants"] = [
        {"label": v.label, "scenario": v.scenario.model_dump(mode="json")}
        for v in experiment.variants
    ]
    text = json.dumps(hashed, sort_keys=True, separators=(",", ":"))
    return {
        "format": _FORMAT,
        "fingerprint": hashlib.sha256(text.encode()).hexdigest(),
        **body,
        "seeds": experiment.seeds(),
        "metrics": list(METRICS),
        "source": str(experiment.source) if experiment.source else None,
        "scenario_source": str(experiment.scenario_source) if experiment.scenario_source else None,
    }


class Store:
    """The records of one experiment's runs, in a directory ``out`` (or only in memory
    when ``out`` is None)."""

    def __init__(self, out: Path | None):
        self.out = out
        self.records: dict[tuple[int, int], dict[str, Any]] = {}
        self.manifest: dict[str, Any] = {}

    def open(self, experiment: Experiment, *, fresh: bool = False) -> None:
        """Start or resume ``experiment``: refuse a directory of other files, and records of
        another experiment (unless ``fresh``, which discards them); write the manifest and
        load the finished runs. A directory that cannot be written is a ScenarioError."""
        self.manifest = manifest(experiment)
        if self.out is None:
            return
        try:
            self._prepare(self.out, experiment, fresh)
        except OSError as error:
            raise ScenarioError(
                f"cannot write results here: {error.strerror or error}", source=str(self.out)
            ) from None
        self.records = load_records(self.out, self.manifest)

    def _prepare(self, out: Path, experiment: Experiment, fresh: bool) -> None:
        if out.exists() and not out.is_dir():
            raise ScenarioError("is a file, not a directory; choose another --out", source=str(out))
        ours = (out / MANIFEST).is_file()
        if not ours and out.is_dir() and any(not is_temporary(p, MANIFEST) for p in out.iterdir()):
            raise ScenarioError(
                f"is not a ccsim results directory (no {MANIFEST}); choose another --out",
                source=str(out),
            )
        if ours and fresh:
            try:
                old = read_manifest(out)
            except ScenarioError:
                old = None  # damaged: its input copies are left alone, the rest goes
            _clear(out, old)
        elif ours:
            old = read_manifest(out)
            if old is not None and old.get("fingerprint") != self.manifest["fingerprint"]:
                raise ScenarioError(
                    "holds results of a different experiment "
                    f"({_difference(old, self.manifest)}); "
                    "pass --fresh to discard them, or choose another --out",
                    source=str(out),
                )
        # The manifest first: from then on the directory is recognisably ours.
        out.mkdir(parents=True, exist_ok=True)
        write_text(out / MANIFEST, json.dumps(self.manifest, indent=1, ensure_ascii=False))
        (out / RUNS).mkdir(exist_ok=True)
        for partial in (out / RUNS).glob(".*.tmp"):
            partial.unlink()  # a write cut short by a kill; its run is simply done again
        write_text(
            out / "seeds.csv",
            "replication,seed\n" + "".join(f"{r},{s}\n" for r, s in enumerate(experiment.seeds())),
        )
        _copy_inputs(experiment, out / "inputs")

    def done(self, *, trace: bool = False) -> set[tuple[int, int]]:
        """(variant, replication) of the runs that finished without error. Failed runs are
        tried again when an experiment is resumed (deterministic failures fail again).
        With ``trace``, a run without a trace file (it ran untraced) is not done either: it
        runs again, to the same record, so that every run of a traced experiment has its
        trace."""
        return {
            key
            for key, record in self.records.items()
            if record["status"] == "ok" and (not trace or self._traced(key))
        }

    def _traced(self, key: tuple[int, int]) -> bool:
        return self.out is not None and (self.out / TRACE / f"{run_name(*key)}.parquet").is_file()

    def add(self, record: dict[str, Any]) -> None:
        """Keep ``record`` (an executor's) and, with a directory, persist it at once."""
        key = (record["variant"], record["replication"])
        trace = record.pop("trace", None)
        timing: dict[str, Any] = {k: record.pop(k) for k in ("elapsed", "host", "pid")
                                  if k in record}
        self.records[key] = record
        if self.out is None:
            return
        name = run_name(*key)
        if trace is not None:
            with writing(self.out / TRACE):
                (self.out / TRACE).mkdir(exist_ok=True)
            trace.insert(0, "variant", self.manifest["variants"][key[0]]["label"])
            trace.insert(1, "replication", key[1])
            write_parquet(trace, self.out / TRACE / f"{name}.parquet")
        write_text(self.out / RUNS / f"{name}.json", json.dumps(record))
        line = {"run": name, "status": record["status"], **timing, "finished": time.time()}
        with writing(self.out / LOG), (self.out / LOG).open("a") as log:
            log.write(json.dumps(line) + "\n")

    def results(self) -> Results:
        """The results so far, and with a directory, their tables written to it. Tables
        that cannot be written raise, but never at the cost of a run: the records are
        on disk already, and running the experiment again writes the tables from them."""
        tables = tables_from_records(self.manifest, self.records)
        if self.out is None:
            return Results(self.manifest, *tables)
        try:
            results = Results(self.manifest, *tables, out=self.out)
            results.save()
        except Exception as error:
            error.add_note(
                f"ccsim: all {len(self.records)} run records are kept in {self.out / RUNS}; "
                "running the experiment again writes the tables without running them again"
            )
            raise
        return results


def _difference(old: dict[str, Any], new: dict[str, Any]) -> str:
    """What changed between two manifests, in words."""
    for key in ("seed", "code_version"):
        if old.get(key) != new.get(key):
            return f"{key} was {old.get(key)!r}, now {new.get(key)!r}"
    labels = [v["label"] for v in old.get("variants", [])]
    if labels != [v["label"] for v in new["variants"]]:
        return "the variants changed"
    return "a variant's scenario changed"


def _clear(out: Path, old: dict[str, Any] | None) -> None:
    """Remove the files a store wrote in the results directory ``out`` (``old``: its
    manifest, None when unreadable) and the ``charts/`` folder, then the directories that
    leaves empty. Anything else, a user's own file in ``runs/`` too, stays."""
    files = [out / name for name in (MANIFEST, LOG, *TABLES)]
    files += [path for name in (MANIFEST, *TABLES) for path in out.glob(f".{name}.*.tmp")]
    for folder in (RUNS, TRACE):
        if (out / folder).is_dir():
            files += [
                path
                for path in (out / folder).iterdir()
                if RUN_FILE.fullmatch(path.name) or is_temporary(path)
            ]
    if old is not None:
        sources = [old.get("source"), old.get("scenario_source")]
        files += [out / "inputs" / name for name, _ in _inputs(*sources)]
    for path in files:
        path.unlink(missing_ok=True)
    # Charts are drawn again from the tables, so their folder goes whatever it holds.
    shutil.rmtree(out / CHARTS_DIR, ignore_errors=True)
    for folder in (RUNS, TRACE, "inputs"):
        with contextlib.suppress(OSError):  # not there, or holds someone else's files
            (out / folder).rmdir()


def _inputs(source: str | Path | None, scenario: str | Path | None) -> list[tuple[str, Path]]:
    """(name in ``inputs/``, file) of the experiment file and the base scenario file."""
    files = []
    if source is not None:
        files.append((Path(source).name, Path(source)))
    if scenario is not None:
        name = Path(scenario).name
        clash = source is not None and name == Path(source).name
        files.append((f"scenario-{name}" if clash else name, Path(scenario)))
    return files


def _copy_inputs(experiment: Experiment, inputs: Path) -> None:
    files = _inputs(experiment.source, experiment.scenario_source)
    if files:
        inputs.mkdir(exist_ok=True)
    for name, path in files:
        write_bytes(inputs / name, path.read_bytes())
