"""``python -m benchmarks``: ccsim against textbook SimPy and Ciw, memory, the baseline day,
the sweep, ccsim with callbacks against a textbook model of them, and ccsim with outbound
calls under the ``reserve`` blending rule against a textbook model of that. See
benchmarks/README.md."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time
from pathlib import Path

from benchmarks import (
    blending,
    callbacks,
    chat,
    redials,
    report,
    shifts,
    small_day,
    staffing,
    suite,
)


def _ints(text: str) -> list[int]:
    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        message = f"expected comma-separated integers, got {text!r}"
        raise argparse.ArgumentTypeError(message) from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers, got {text!r}")
    return values


SECTIONS = ("speed", "small", "redials", "shifts", "staffing", "memory", "day", "sweep",
            "callbacks", "blending", "chat")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument("--quick", action="store_true",
                   help="CI smoke run: ~3k customers, small memory runs, short day and sweep")
    p.add_argument("--agents", type=_ints, default=[10, 50, 100, 1000],
                   help="agent counts (default 10,50,100,1000)")
    p.add_argument("--customers", type=int, help="customers per run (default 100000; quick 3000)")
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    p.add_argument("--seed", type=int, default=1, help="seed of the first round (default 1)")
    p.add_argument("--models", type=lambda s: s.split(","), default=list(suite.MODELS),
                   help="models to time (default ccsim,textbook,ciw)")
    p.add_argument("--memory-customers", type=int,
                   help="N for the memory check at N and 10N (default 10000; quick 1000)")
    p.add_argument("--no-tracemalloc", action="store_true",
                   help="memory from ru_maxrss only (skip the slower tracemalloc runs)")
    p.add_argument("--day-seeds", type=int, help="baseline-day runs (default 10; quick 2)")
    p.add_argument("--small-days", type=int,
                   help="small days per timed batch (default 200; quick 20)")
    p.add_argument("--sweep-runs", type=int, help="sweep replications (default 100; quick 10)")
    p.add_argument("--workers", type=_ints, default=[1, 2], help="sweep workers (default 1,2)")
    p.add_argument("--callback-agents", type=_ints, default=[10, 50],
                   help="agent counts of the callbacks section (default 10,50)")
    p.add_argument("--blending-agents", type=_ints, default=[10, 50],
                   help="agent counts of the blending section (default 10,50)")
    p.add_argument("--chat-agents", type=_ints, default=[10, 50],
                   help="agent counts of the chat section (default 10,50)")
    p.add_argument("--only", type=lambda s: s.split(","), default=list(SECTIONS),
                   help=f"sections to run (default {','.join(SECTIONS)})")
    p.add_argument("--json", type=Path, help="also write all results to this JSON file")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    bad = set(args.only) - set(SECTIONS) or set(args.models) - set(suite.MODELS)
    if bad:
        print(f"unknown section or model: {', '.join(sorted(bad))}", file=sys.stderr)
        return 2
    customers = args.customers or (3000 if args.quick else 100_000)
    mem_customers = args.memory_customers or (1000 if args.quick else 10_000)
    day_seeds = args.day_seeds or (2 if args.quick else 10)
    sweep_runs = args.sweep_runs or (10 if args.quick else 100)
    command = "python -m benchmarks " + shlex.join(sys.argv[1:] if argv is None else argv)

    def progress(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    info = suite.machine()
    out: dict[str, object] = {"command": command, "machine": info}
    print(report.machine_text(info, command))
    started = time.perf_counter()

    if "speed" in args.only:
        progress(f"speed: {customers:,} customers, {args.rounds} rounds")
        results = suite.compare(args.agents, customers, args.rounds, args.seed, args.models,
                                progress)
        speeds = suite.speeds(results)
        agree = suite.agreement(results)
        print("\n== speed: Erlang A (M/M/n+M), load 0.92, AHT 4 min, patience 3 min ==")
        print(report.speed_text(speeds, args.rounds))
        print(report.targets_text(speeds))
        print("\n== agreement with exact Erlang A ==")
        print(report.agreement_text(agree))
        out.update(runs=results, speed=speeds, agreement=agree)

    if "small" in args.only:
        days = args.small_days or (20 if args.quick else 200)
        progress(f"small day: {args.rounds} rounds of {days} days")
        runs = small_day.compare(days, args.rounds, args.seed, progress)
        rows = small_day.ratios(runs, days)
        print("\n== small day: simulate + summary, 2-hour Erlang-A day of ~240 contacts ==")
        print(small_day.text(rows, days, args.rounds))
        out["small"] = rows

    if "redials" in args.only:
        for agents in args.agents:
            progress(f"redials: {agents} agents, {customers:,} customers, {args.rounds} rounds")
            runs = redials.compare(agents, customers, args.rounds, args.seed, progress)
            print(f"\n== segments and redials against the plain Erlang-A day: {agents} "
                  f"agents, {customers:,} customers ==")
            print(redials.text(runs))
            out[f"redials_{agents}"] = runs

    if "shifts" in args.only:
        for agents in args.agents:
            progress(f"shifts: {agents} agents, {args.rounds} rounds")
            runs = shifts.compare(agents, args.rounds, args.seed, progress)
            print(f"\n== shifts against head counts: an 8-hour day, {agents} agents ==")
            print(shifts.text(runs))
            out[f"shifts_{agents}"] = runs

    if "staffing" in args.only:
        replications = 5 if args.quick else 50
        progress(f"staffing search: staff_day.toml, {replications} seeds a candidate")
        found = staffing.measure(replications, 10 if args.quick else 200)
        alone = staffing.measure(replications, 10 if args.quick else 200, workers=1)
        print("\n== staffing search (ccsim staff) on experiments/staff_day.toml ==")
        print(staffing.text(found, replications, alone))
        out["staffing"] = {**found, "one_process": alone["total"]}

    if "memory" in args.only:
        progress(f"memory: {mem_customers:,} and {10 * mem_customers:,} customers")
        mem = suite.memory(args.agents, mem_customers, args.models,
                           traced=not args.no_tracemalloc, progress=progress)
        print(f"\n== peak memory at N = {mem_customers:,} and 10N customers ==")
        print(report.memory_text(mem))
        out["memory"] = mem

    if "day" in args.only:
        progress(f"baseline day: {day_seeds} seeds")
        day = suite.baseline_day(day_seeds)
        print("\n== baseline day ==")
        print(report.day_text(day))
        out["day"] = day

    if "sweep" in args.only:
        progress(f"sweep: {sweep_runs} runs on {args.workers} workers")
        sw = suite.sweep(sweep_runs, args.workers)
        print("\n== sweep ==")
        print(report.sweep_text(sw))
        out["sweep"] = sw

    if "callbacks" in args.only:
        progress(f"callbacks: {customers:,} customers, {args.rounds} rounds")
        cb = callbacks.section(
            args.callback_agents, customers, args.rounds, args.seed, mem_customers,
            traced=not args.no_tracemalloc,
            # The 50-agent chain takes ~10 s to solve: not in a CI smoke run.
            chain_max_agents=20 if args.quick else None, progress=progress,
        )
        print(
            "\n== callbacks: Erlang A + callback offers (window, when_idle), "
            f"load {callbacks.LOAD:g}, K = {callbacks.K}, accept {callbacks.ACCEPT:g} =="
        )
        print(report.callback_speed_text(cb["speed"], args.rounds))
        print("\n== callbacks: agreement (ccsim, textbook, exact chain) ==")
        print(report.callback_agreement_text(cb["agreement"], cb["chains"]))
        if cb["memory"]:
            print(f"\n== callbacks: ccsim peak memory at N = {mem_customers:,} and 10N "
                  "customers ==")
            print(report.memory_text(cb["memory"]))
        out["callbacks"] = cb

    if "blending" in args.only:
        progress(f"blending: {customers:,} customers, {args.rounds} rounds")
        bl = blending.section(
            args.blending_agents, customers, args.rounds, args.seed, mem_customers,
            traced=not args.no_tracemalloc, progress=progress,
        )
        print(
            "\n== blending: Erlang A + an unlimited outbound list, rule reserve "
            f"(K = max(2, agents // 10)), load {blending.LOAD:g}, outbound talk "
            f"{blending.MEAN_OUTBOUND / 60:g} min =="
        )
        print(blending.speed_text(bl["speed"], args.rounds))
        print("\n== blending: agreement (ccsim, textbook, exact chain) ==")
        print(blending.agreement_text(bl["agreement"], bl["chains"]))
        if bl["memory"]:
            print(f"\n== blending: ccsim peak memory at N = {mem_customers:,} and 10N "
                  "customers ==")
            print(report.memory_text(bl["memory"]))
        out["blending"] = bl

    if "chat" in args.only:
        chats = min(customers, 20_000)
        rows = []
        for agents in args.chat_agents:
            progress(f"chat: {agents} agents, {chats:,} chats, {args.rounds} rounds")
            rows.append(chat.compare(agents, chats, args.rounds, args.seed, progress))
        print(f"\n== chat: {chats:,} chats, up to {chat.K} at once, slowdown "
              f"{list(chat.SLOWDOWN)}, against one SimPy process per chat ==")
        print(chat.text(rows, args.rounds))
        out["chat"] = rows

    total = time.perf_counter() - started
    print(f"\ntotal benchmark time {total:.0f} s")
    out["seconds"] = total
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(suite.to_json(out), indent=1))
        print(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
