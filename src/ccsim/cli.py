"""The ``ccsim`` command: ``run``, ``plot``, ``report`` and ``erlang``.

Argument parsing, printing and exit codes only; the work happens in the library. A user's
mistake (a bad file, key, value or Dask address; an experiment too big for the machine)
is one line on stderr and exit code 2, no traceback. Runs that fail (or a cluster that
dies midway) exit 1 after the finished runs are saved: the same command resumes. Output
piped into a reader that stops early (``| head``) ends quietly, as Unix tools do.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ccsim.experiment.executors import WorkerDied
from ccsim.scenario import ScenarioError
from ccsim.units import parse_duration

if TYPE_CHECKING:
    from ccsim.analytic import QueueMetrics

EXIT_USAGE = 2
EXIT_FAILED = 1
#: The exit status of a process ended by SIGPIPE, as the shell reports it.
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE


def _duration(text: str) -> float:
    try:
        return parse_duration(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ccsim", description="Simulate contact centres: staffing, waits, abandonment."
    )
    parser.add_argument("--version", action="version", version=f"ccsim {_version()}")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser(
        "run", help="run a scenario or experiment file", description="Run a scenario file "
        "(N replications) or an experiment file (a sweep of variants × replications)."
    )
    run.add_argument("file", type=Path, help="scenario or experiment TOML file")
    run.add_argument("--replications", "-n", type=int, help="replications per variant "
                     "(scenario default 10; overrides an experiment's)")
    run.add_argument("--seed", type=int, help="experiment seed (scenario default 0)")
    run.add_argument("--out", type=Path, help="results directory (default results/<stem>/)")
    run.add_argument("--workers", type=int, help="local worker processes (default: one per core)")
    run.add_argument("--dask", metavar="ADDRESS", nargs="?", const="",
                     help="run on a Dask cluster at ADDRESS (a LocalCluster if omitted)")
    run.add_argument("--fresh", action="store_true", help="discard earlier results in --out")
    run.add_argument("--trace", action="store_true",
                     help="also write one row per contact event to trace/*.parquet")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress bar or table")
    run.add_argument("--force", action="store_true", help="run even when the estimate says "
                     "it would take more than an hour or most of the memory")

    plot = commands.add_parser("plot", help="redraw the charts of saved results",
                               description="Redraw the charts of the results in DIRECTORY "
                               "into DIRECTORY/charts/.")
    plot.add_argument("directory", type=Path)

    report = commands.add_parser("report", help="rebuild the report page of saved results",
                                 description="Rebuild DIRECTORY/report.html from the results "
                                 "in DIRECTORY.")
    report.add_argument("directory", type=Path)

    erlang = commands.add_parser(
        "erlang", help="Erlang B / C / A for one interval",
        description="Steady-state formulas for one queue. Without --patience: Erlang C "
        "(and Erlang B for the same load); with it: Erlang A.",
    )
    erlang.add_argument("--per-hour", type=float, required=True, help="arrivals per hour")
    erlang.add_argument("--aht", type=_duration, required=True, help="mean handle time, e.g. 4min")
    erlang.add_argument("--patience", type=_duration, help="mean patience, e.g. 3min")
    erlang.add_argument("--agents", type=int, help="agents on duty")
    erlang.add_argument("--answer-within", type=_duration, default=20.0,
                        help="service level threshold (default 20s)")
    erlang.add_argument("--target-sl", type=float, help="print the fewest agents that reach "
                        "this service level (0–1)")

    staff = commands.add_parser(
        "staff", help="the head count each interval needs, by simulation",
        description="Search the head count of each interval that meets every --target in "
        "every measured interval or day (mean over the replications), starting from the "
        "analytic (SIPP) answer; the plan is checked on fresh replications.")
    staff.add_argument("file", type=Path, help="scenario TOML file (the groups staffed by "
                       "`staff` are searched)")
    staff.add_argument("--target", action="append", default=[], metavar="TARGET",
                       help='a goal, e.g. "service_level >= 0.8", "billing: asa <= 30s" '
                       "(repeatable; default: the scenario's [targets])")
    staff.add_argument("--requirement", type=Path, metavar="REQ.csv",
                       help="skip the search: cover this requirement (columns interval, "
                       "time, agent_group, agents) with the groups' shift_templates")
    staff.add_argument("--per", choices=("interval", "day"), default="interval",
                       help="judge the targets in every measured interval (default) or over "
                       "each day")
    staff.add_argument("--replications", "-n", type=int, default=50,
                       help="replications per candidate (default 50)")
    staff.add_argument("--validate", type=int, default=200,
                       help="fresh replications that confirm and report the plan (default 200)")
    staff.add_argument("--seed", type=int, default=0, help="search seed (default 0)")
    staff.add_argument("--out", type=Path, help="output directory (default "
                       "results/<stem>-staffing/)")
    staff.add_argument("--workers", type=int, help="local worker processes (default: one "
                       "per core)")
    staff.add_argument("--dask", metavar="ADDRESS", nargs="?", const="",
                       help="simulate on a Dask cluster at ADDRESS (a LocalCluster if omitted)")
    staff.add_argument("--quiet", "-q", action="store_true", help="no progress or table")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ccsim`` command; returns the exit code."""
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader of stdout has gone (``ccsim ... | head``): stop quietly. Point stdout
        # at /dev/null so that Python's final flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except ScenarioError as error:
        code = _error(str(error), EXIT_USAGE)
        # What is safe despite the error (a full disk after the runs: their records are kept).
        for note in getattr(error, "__notes__", ()):
            if note.startswith("ccsim: "):
                print(note, file=sys.stderr)
        return code
    except BrokenPipeError:
        raise  # not an error of ccsim's: main() ends quietly
    except OSError as error:  # not a write (those name their file): reading, say
        where = f"{error.filename}: " if error.filename else ""
        return _error(f"{where}{error.strerror or error}", EXIT_USAGE)
    except KeyboardInterrupt:
        print("ccsim: interrupted; finished runs are saved, run again to resume", file=sys.stderr)
        return 130


def _error(message: str, code: int) -> int:
    print(f"ccsim: error: {message}", file=sys.stderr)
    return code


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ccsim")
    except PackageNotFoundError:  # run from a source tree that was never installed
        from ccsim import __version__

        return __version__


def _run(args: argparse.Namespace) -> int:
    from ccsim.experiment import Experiment, is_experiment_file, load_experiment, run_experiment
    from ccsim.plots import plot_results
    from ccsim.report import summary_text, write_report
    from ccsim.scenario import load_scenario

    if args.replications is not None and args.replications < 1:
        raise ScenarioError(f"must be at least 1 (got {args.replications})", "--replications")
    if args.workers is not None and args.workers < 1:
        raise ScenarioError(f"must be at least 1 (got {args.workers})", "--workers")
    if args.seed is not None and args.seed < 0:
        raise ScenarioError(f"must be a whole number >= 0 (got {args.seed})", "--seed")
    path: Path = args.file
    if is_experiment_file(path):
        experiment = load_experiment(path, seed=args.seed, replications=args.replications)
    else:
        scenario = load_scenario(path)
        experiment = Experiment.from_scenario(
            scenario,
            replications=10 if args.replications is None else args.replications,
            seed=0 if args.seed is None else args.seed,
            source=path,
        )
    for warning in experiment.warnings():
        print(f"ccsim: warning: {path}: {warning}", file=sys.stderr)
    out = args.out or Path("results") / path.stem
    if args.dask is not None or experiment.executor == "dask":
        _quiet_dask_logs()
    try:
        results = run_experiment(
            experiment,
            workers=args.workers,
            dask_address=args.dask,
            out=out,
            fresh=args.fresh,
            progress=None if not args.quiet else False,
            trace=args.trace,
            force=args.force,
        )
    except WorkerDied as error:
        return _error(f"{error} (the finished runs are saved in {out}/)", EXIT_FAILED)
    charts = plot_results(out)
    page = write_report(out)
    if not args.quiet:
        print(summary_text(results, f"{experiment.name} ({path})"))
        shown = ", ".join(c.relative_to(out).as_posix() for c in [page, *charts])
        print(f"\nresults in {out}/ ({shown})")
    for failure in results.failed:
        print(f"ccsim: run failed: {failure}", file=sys.stderr)
    return EXIT_FAILED if results.failed else 0


def _quiet_dask_logs() -> None:
    """Dask logs a lost scheduler or worker on stderr in many lines; ccsim says it in one.
    Dask configures its loggers when imported, here and in the worker processes of a
    LocalCluster (which read the environment), so both are told before that; the
    handler it puts on ``distributed`` also hears ``distributed.client``, which has a
    level of its own."""
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "critical")
    try:
        import distributed  # noqa: F401
    except ImportError:  # run_experiment says how to install it
        return
    for handler in logging.getLogger("distributed").handlers:
        handler.setLevel(logging.CRITICAL)


def _report(args: argparse.Namespace) -> int:
    from ccsim.report import write_report

    if not args.directory.is_dir():
        raise ScenarioError("no such results directory", source=str(args.directory))
    print(write_report(args.directory))
    return 0


def _plot(args: argparse.Namespace) -> int:
    from ccsim.plots import plot_results

    if not args.directory.is_dir():
        raise ScenarioError("no such results directory", source=str(args.directory))
    for chart in plot_results(args.directory):
        print(chart)
    return 0


def _erlang(args: argparse.Namespace) -> int:
    for option, value, allow_inf in (
        ("--per-hour", args.per_hour, False),
        ("--aht", args.aht, False),
        ("--patience", args.patience, True),
        ("--answer-within", args.answer_within, False),
    ):
        if value is None:
            continue
        low_ok = value >= 0 if option == "--answer-within" else value > 0
        if math.isnan(value) or not low_ok or (math.isinf(value) and not allow_inf):
            expected = ">= 0" if option == "--answer-within" else "positive"
            raise ScenarioError(f"must be a finite number, {expected} (got {value:g})", option)
    # Checked before any table is printed; nan is no number, not one outside (0, 1).
    if args.target_sl is not None and not 0 < args.target_sl < 1:
        expected = "a finite number" if math.isnan(args.target_sl) else "between 0 and 1"
        raise ScenarioError(f"must be {expected} (got {args.target_sl:g})", "--target-sl")
    try:
        return _erlang_tables(args)
    except ValueError as error:  # a case the formulas cannot answer, e.g. too many agents
        raise ScenarioError(str(error)) from None


def _erlang_tables(args: argparse.Namespace) -> int:
    from ccsim import analytic

    rate = args.per_hour / 3600.0
    load = rate * args.aht
    print(f"offered load {load:.2f} erlangs ({args.per_hour:g}/h × {args.aht:g} s)")
    if args.agents is not None:
        if args.agents < 1:
            raise ScenarioError(f"must be at least 1 (got {args.agents})", "--agents")
        if args.patience is None:
            _print_erlang_c(args, rate, load)
            _print_metrics("Erlang B (no queue: blocked calls lost)", args,
                           analytic.erlang_b_metrics(args.agents, rate, args.aht,
                                                     args.answer_within))
        else:
            _print_metrics(f"Erlang A (mean patience {args.patience:g} s)", args,
                           analytic.erlang_a_metrics(args.agents, rate, args.aht,
                                                     args.patience, args.answer_within))
    if args.target_sl is not None:
        _print_agents_needed(args, rate)
    elif args.agents is None:
        raise ScenarioError("give --agents, --target-sl or both")
    return 0


def _print_erlang_c(args: argparse.Namespace, rate: float, load: float) -> None:
    """Erlang C's table, or why it has none: at load >= agents the queue never settles."""
    from ccsim import analytic

    title = "Erlang C (infinite patience)"
    if load >= args.agents:
        print(f"\n{title}, {args.agents} agents: unstable: the offered load ({load:.2f} "
              f"erlangs) is at least the agents ({args.agents}), so without patience the "
              "queue grows without bound and has no steady state (waits keep growing, "
              f"service level falls to 0); a stable queue needs {math.floor(load) + 1} or "
              "more agents, or give --patience for Erlang A")
        return
    _print_metrics(title, args, analytic.erlang_c_metrics(args.agents, rate, args.aht,
                                                          args.answer_within))


def _print_metrics(title: str, args: argparse.Namespace, m: QueueMetrics) -> None:
    from ccsim.report import metric_table, table_line

    print(f"\n{title}, {args.agents} agents, answer within {args.answer_within:g} s")
    print(metric_table(m.by_metric()))
    if m.p_blocked:  # a share here; runs count blocked contacts instead
        print(table_line("blocked", f"{m.p_blocked * 100:.2f}", "", "%"))


def _print_agents_needed(args: argparse.Namespace, rate: float) -> None:
    from ccsim import analytic

    try:
        needed = analytic.agents_for_target(
            rate, args.aht, answer_within=args.answer_within,
            target_service_level=args.target_sl, mean_patience=args.patience,
        )
    except analytic.TeamTooLarge as error:
        raise ScenarioError(
            f"not reached by any team of up to {error.limit:,} agents, the most ccsim erlang "
            f"searches (offered load {rate * args.aht:,.6g} erlangs); check --per-hour and --aht",
            "--target-sl",
        ) from None
    formula = ("Erlang C, infinite patience" if args.patience is None
               else f"Erlang A, mean patience {args.patience:g} s")
    print(f"\nagents needed for service level {args.target_sl:.0%} within "
          f"{args.answer_within:g} s ({formula}): {needed}")


def _staff(args: argparse.Namespace) -> int:
    from ccsim.optimise import parse_goal, staff
    from ccsim.optimise.files import save_plan
    from ccsim.optimise.requirement_file import read_requirement
    from ccsim.report.plan import plan_text
    from ccsim.report.plan_page import write_plan_report
    from ccsim.scenario import load_scenario

    for option, value, least in (("--replications", args.replications, 2),
                                 ("--validate", args.validate, 2), ("--seed", args.seed, 0),
                                 ("--workers", args.workers, 1)):
        if value is not None and value < least:
            raise ScenarioError(f"must be at least {least} (got {value})", option)
    scenario = load_scenario(args.file)
    requirement = (read_requirement(args.requirement, scenario)
                   if args.requirement is not None else None)
    names = [c.name for c in scenario.contact_types]
    goals = []
    for text in args.target:
        try:
            goals.append(parse_goal(text, names))
        except ValueError as error:
            raise ScenarioError(str(error), "--target") from None
    from tqdm import tqdm

    bar = tqdm(total=1, desc="staff", file=sys.stderr, dynamic_ncols=True,
               bar_format="{desc}{n_fmt}/{total_fmt} |{bar}| {elapsed}{postfix}",
               disable=args.quiet or not sys.stderr.isatty())

    def progress(stage: str, done: int, total: int, candidates: int) -> None:
        bar.set_description(stage)
        bar.total, bar.n = total, done
        bar.set_postfix_str(f"{candidates} candidates simulated")

    try:
        if args.dask is not None:
            _quiet_dask_logs()
        plan = staff(scenario, goals, per=args.per, replications=args.replications,
                     validate=args.validate, seed=args.seed, requirement=requirement,
                     workers=args.workers, dask_address=args.dask, progress=progress)
    except ValueError as error:  # a goal it cannot meet, a scenario it cannot staff
        raise ScenarioError(str(error), source=str(args.file)) from None
    except WorkerDied as error:
        return _error(f"{error}; nothing was saved", EXIT_FAILED)
    finally:
        bar.close()
    out = args.out or Path("results") / f"{args.file.stem}-staffing"
    written = [*save_plan(plan, out), *write_plan_report(plan, out)]
    if not args.quiet:
        print(plan_text(plan))
        print(f"plan in {out}/ ({', '.join(p.relative_to(out).as_posix() for p in written)})")
    return 0


_COMMANDS = {"run": _run, "plot": _plot, "report": _report, "erlang": _erlang,
             "staff": _staff}


if __name__ == "__main__":
    sys.exit(main())
