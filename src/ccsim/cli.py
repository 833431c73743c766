"""The ``ccsim`` command: ``run``, ``plot`` and ``erlang``.

Argument parsing, printing and exit codes only; the work happens in the library. A user's
mistake (a bad file, key or value) is one line on stderr and exit code 2, no traceback.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path

from ccsim.experiment.executors import WorkerDied
from ccsim.scenario import ScenarioError
from ccsim.units import parse_duration

EXIT_USAGE = 2


def _duration(text: str) -> float:
    try:
        return parse_duration(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ccsim", description="Simulate contact centres: staffing, waits, abandonment."
    )
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

    plot = commands.add_parser("plot", help="redraw the charts of saved results",
                               description="Redraw the charts of the results in DIRECTORY "
                               "into DIRECTORY/charts/.")
    plot.add_argument("directory", type=Path)

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ccsim`` command; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "run":
            return _run(args)
        if args.command == "plot":
            return _plot(args)
        return _erlang(args)
    except ScenarioError as error:
        print(f"ccsim: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except WorkerDied as error:
        print(f"ccsim: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("ccsim: interrupted; finished runs are saved, run again to resume", file=sys.stderr)
        return 130


def _run(args: argparse.Namespace) -> int:
    from ccsim.experiment import Experiment, is_experiment_file, load_experiment, run_experiment
    from ccsim.plots import plot_results
    from ccsim.report import summary_text
    from ccsim.scenario import load_scenario

    if args.replications is not None and args.replications < 1:
        raise ScenarioError(f"must be at least 1 (got {args.replications})", "--replications")
    if args.workers is not None and args.workers < 1:
        raise ScenarioError(f"must be at least 1 (got {args.workers})", "--workers")
    path: Path = args.file
    if not path.is_file():
        raise ScenarioError("no such file", source=str(path))
    if is_experiment_file(path):
        experiment = load_experiment(path, seed=args.seed, replications=args.replications)
    else:
        scenario = load_scenario(path)
        for warning in scenario.warnings():
            print(f"ccsim: warning: {path}: {warning}", file=sys.stderr)
        experiment = Experiment.from_scenario(
            scenario,
            replications=10 if args.replications is None else args.replications,
            seed=0 if args.seed is None else args.seed,
            source=path,
        )
    out = args.out or Path("results") / path.stem
    results = run_experiment(
        experiment,
        workers=args.workers,
        dask_address=args.dask,
        out=out,
        fresh=args.fresh,
        progress=None if not args.quiet else False,
        trace=args.trace,
    )
    charts = plot_results(out)
    if not args.quiet:
        print(summary_text(results.summary(), f"{experiment.name} ({path})"))
        shown = ", ".join(c.relative_to(out).as_posix() for c in charts)
        print(f"\nresults in {out}/" + (f" (charts: {shown})" if shown else ""))
    for failure in results.failed:
        print(f"ccsim: run failed: {failure}", file=sys.stderr)
    return 1 if results.failed else 0


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
    try:
        return _erlang_tables(args)
    except ValueError as error:  # a case the formulas cannot answer, e.g. too many agents
        raise ScenarioError(str(error)) from None


def _erlang_tables(args: argparse.Namespace) -> int:
    from ccsim import analytic
    from ccsim.report import metric_table, table_line

    rate = args.per_hour / 3600.0
    load = rate * args.aht
    print(f"offered load {load:.2f} erlangs ({args.per_hour:g}/h × {args.aht:g} s)")
    if args.agents is not None:
        if args.agents < 1:
            raise ScenarioError(f"must be at least 1 (got {args.agents})", "--agents")
        if args.patience is None:
            shown = {
                "Erlang C (infinite patience)": analytic.erlang_c_metrics(
                    args.agents, rate, args.aht, args.answer_within
                ),
                "Erlang B (no queue: blocked calls lost)": analytic.erlang_b_metrics(
                    args.agents, rate, args.aht, args.answer_within
                ),
            }
        else:
            shown = {
                f"Erlang A (mean patience {args.patience:g} s)": analytic.erlang_a_metrics(
                    args.agents, rate, args.aht, args.patience, args.answer_within
                )
            }
        for title, m in shown.items():
            print(f"\n{title}, {args.agents} agents, answer within {args.answer_within:g} s")
            print(metric_table(m.by_metric()))
            if m.p_blocked:  # a share here; runs count blocked contacts instead
                print(table_line("blocked", f"{m.p_blocked * 100:.2f}", "", "%"))
    if args.target_sl is not None:
        if not 0 < args.target_sl < 1:
            raise ScenarioError(f"must be between 0 and 1 (got {args.target_sl})", "--target-sl")
        needed = analytic.agents_for_target(
            rate, args.aht, answer_within=args.answer_within,
            target_service_level=args.target_sl, mean_patience=args.patience,
        )
        print(f"\nagents needed for service level {args.target_sl:.0%} within "
              f"{args.answer_within:g} s: {needed}")
    elif args.agents is None:
        raise ScenarioError("give --agents, --target-sl or both")
    return 0


if __name__ == "__main__":
    sys.exit(main())
