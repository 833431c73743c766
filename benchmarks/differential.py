"""Differential check of the core against another checkout of ccsim.

``python -m benchmarks.differential OTHER_SRC [--scenarios 40] [--seed 0]`` runs the same
random multi-skill scenarios (lines, wrap-up, patience, changing staff; with
``--callbacks``, ``window`` callback offers too; with ``--policies``, first-contact
resolution and repeats, recalls, follow-ups, outbound campaigns with quotas and pressure;
with ``--customers``, priority segments, redials, waiting rooms, messages and balking;
with ``--examples``, instead every scenario of ``experiments/`` and the small benchmark
day) with this tree's ccsim and with the one under ``OTHER_SRC`` (its ``src`` directory,
e.g. a ``git worktree`` of the previous commit) and compares every summary value and
every interval and group row, and the types and agents tables. It prints the largest
relative difference and exits 1 if any value differs by more than ``--rtol`` (default 0:
bit for bit).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np

_DISTS = ("exponential", "lognormal", "gamma", "constant")


def random_scenario(rng: np.random.Generator, index: int) -> dict:
    """A random scenario of 1–3 contact types and 1–3 groups over four 15-minute intervals."""
    kinds = int(rng.integers(1, 4))
    names = [f"t{k}" for k in range(kinds)]

    def dist(mean: float) -> dict:
        tag = str(rng.choice(_DISTS))
        if tag == "constant":
            return {"dist": tag, "value": mean}
        if tag == "exponential":
            return {"dist": tag, "mean": mean}
        return {"dist": tag, "mean": mean, "cv": float(rng.uniform(0.3, 1.5))}

    types = []
    for name in names:
        spec = {
            "name": name,
            "arrivals": {"per_hour": float(rng.uniform(20, 400))},
            "handle_time": dist(float(rng.uniform(30, 400))),
        }
        if rng.random() < 0.7:
            spec["patience"] = dist(float(rng.uniform(10, 300)))
        if rng.random() < 0.4:
            spec["wrap_up"] = dist(float(rng.uniform(5, 60)))
        types.append(spec)
    groups = []
    for g in range(int(rng.integers(1, 4))):
        skills = [str(s) for s in rng.permutation(names)[: int(rng.integers(1, kinds + 1))]]
        staff = [int(x) for x in rng.integers(0, 12, 4)]
        groups.append({"name": f"g{g}", "skills": skills, "staff": staff})
    served = {s for g in groups for s in g["skills"]}
    for name in names:
        if name not in served:
            groups[0]["skills"].append(name)
    scenario = {"name": f"random {index}", "period": 900, "horizon": 3600,
                "contact_types": types, "agent_groups": groups}
    if rng.random() < 0.3:
        scenario["lines"] = int(rng.integers(1, 30))
    if rng.random() < 0.3:
        scenario["warmup"] = 900
    return scenario


def random_callbacks(rng: np.random.Generator) -> dict:
    """A random ``window`` callback offer (keys every version since the first one knows)."""
    offer: dict = {"accept": float(rng.uniform(0, 1)), "promise": float(rng.uniform(300, 7200)),
                   "schedule": str(rng.choice(["when_idle", "priority", "deadline"])),
                   "reach": float(rng.uniform(0.3, 1)), "dial_time": float(rng.uniform(0, 30)),
                   "max_attempts": int(rng.integers(1, 4))}
    if rng.random() < 0.7:
        offer["queue_at_least"] = int(rng.integers(0, 6))
    if "queue_at_least" not in offer or rng.random() < 0.3:
        offer["predicted_wait_above"] = float(rng.uniform(0, 300))
    return offer


def random_policies(rng: np.random.Generator, scenario: dict) -> None:
    """Give ``scenario`` random resolution and repeats, recalls and follow-ups (the
    callback policies that make requests), and an outbound campaign with a quota."""
    for spec in scenario["contact_types"]:
        if rng.random() < 0.6:
            spec["resolution"] = float(rng.uniform(0.4, 1))
            spec["repeat_delay"] = {"dist": "exponential", "mean": float(rng.uniform(30, 900))}
    calls: dict = {"reach": float(rng.uniform(0.3, 1)), "dial_time": float(rng.uniform(0, 30)),
                   "max_attempts": int(rng.integers(1, 4)),
                   "schedule": str(rng.choice(["when_idle", "priority"]))}
    if rng.random() < 0.6:
        calls["abandoned"] = {"share": float(rng.uniform(0.2, 1)),
                              "delay": float(rng.uniform(0, 600)),
                              "min_wait": float(rng.uniform(0, 60))}
    if rng.random() < 0.6:
        calls["follow_ups"] = {"share": float(rng.uniform(0.1, 0.6)),
                               "delay": float(rng.uniform(0, 900))}
    if len(calls) > 4:  # with --callbacks too: the offer's own keys stay
        scenario["callbacks"] = {**calls, **scenario.get("callbacks", {})}
    if rng.random() < 0.6:
        scenario["outbound"] = [{"name": "leads", "reach": float(rng.uniform(0.2, 1)),
                                 "dial_time": float(rng.uniform(0, 30)),
                                 "handle_time": {"dist": "exponential",
                                                 "mean": float(rng.uniform(60, 400))},
                                 "success": float(rng.uniform(0.05, 0.5))}]
        group = scenario["agent_groups"][-1]
        group["outbound"] = ["leads"]
        group["blending"] = {"rule": "reserve", "keep_idle": int(rng.integers(0, 3))}
        if rng.random() < 0.7:
            group["quota"] = {"daily": int(rng.integers(1, 40)),
                              "counts": str(rng.choice(["outbound", "all"]))}
            group["pressure"] = {"floor": float(rng.uniform(0.4, 1)),
                                 "slope": float(rng.uniform(0.5, 4)),
                                 "resolution_elasticity": float(rng.uniform(0.2, 2))}
            for spec in scenario["contact_types"]:  # a rushed customer may call again
                if spec["name"] in group["skills"]:
                    spec.setdefault("repeat_delay", {"dist": "exponential", "mean": 600.0})


def random_customers(rng: np.random.Generator, scenario: dict) -> None:
    """Give ``scenario``'s contact types random priority segments, redials, waiting rooms,
    a wait cut to a message, balking and agents selected at random."""
    for spec in scenario["contact_types"]:
        if rng.random() < 0.5:
            n = int(rng.integers(2, 4))
            shares = rng.dirichlet(np.ones(n))
            spec["segments"] = [
                {"name": f"s{j}", "share": float(shares[j]), "priority": int(rng.integers(1, 3)),
                 **({"handle_scale": float(rng.uniform(0.7, 1.3))} if rng.random() < 0.4
                    else {})} for j in range(n)]
        if rng.random() < 0.5 and "patience" in spec:
            spec["redial"] = {"share": float(rng.uniform(0.2, 1)),
                              "delay": {"dist": "exponential",
                                        "mean": float(rng.uniform(10, 900))},
                              "max_attempts": int(rng.integers(2, 5)),
                              "after": ["abandoned", "blocked"][:int(rng.integers(1, 3))],
                              "redraw": bool(rng.random() < 0.7)}
        if rng.random() < 0.3:
            spec["max_waiting"] = int(rng.integers(1, 15))
        if rng.random() < 0.2:
            spec["max_wait"] = {"after": float(rng.uniform(30, 300)), "outcome": "message"}
        if rng.random() < 0.2 and "patience" in spec:
            spec["patience"]["balk"] = float(rng.uniform(0, 0.2))
        if rng.random() < 0.3:
            spec["agent_selection"] = "random"


def _scenarios(job: dict) -> dict[str, Any]:
    """The job's scenarios by name: given as data (``scenario i``), then every variant of
    each example file (the file, or ``file [label]``); a file this ccsim cannot read is
    its error's text (a key a newer one added, say)."""
    from ccsim import Scenario, load_experiment, load_scenario
    from ccsim.scenario import ScenarioError

    out: dict[str, Any] = {f"scenario {i}": Scenario.from_dict(data)
                           for i, data in enumerate(job["scenarios"])}
    for path in job.get("files", ()):
        try:
            out[path] = load_scenario(path)
        except ScenarioError:  # an experiment file: its variants
            try:
                out.update({f"{path} [{v.label}]": v.scenario
                            for v in load_experiment(path).variants})
            except ScenarioError as error:
                out[path] = str(error)
    return out


def _run(job: dict) -> dict[str, Any]:
    from ccsim import simulate

    out: dict[str, Any] = {}
    scenarios = _scenarios(job)
    seeds = job["seeds"] if "files" not in job else [job["seeds"][0]] * len(scenarios)
    for (name, scenario), seed in zip(scenarios.items(), seeds, strict=True):
        if isinstance(scenario, str):
            out[name] = scenario
            continue
        result = simulate(scenario, seed)
        out[name] = {
            "summary": result.summary,
            "intervals": result.intervals.to_dict("list"),
            "groups": result.groups.to_dict("list"),
            "types": result.types.to_dict("list"),
            "agents": None if result.agents is None else result.agents.to_dict("list"),
        }
    return out


def _worker() -> None:
    job = json.load(sys.stdin)
    json.dump(_run(job), sys.stdout)


def _in(src: Path, job: dict) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run(
        [sys.executable, "-c", "from benchmarks.differential import _worker; _worker()"],
        input=json.dumps(job), capture_output=True, text=True, env=env,
        cwd=Path(__file__).resolve().parent.parent,
    )
    if done.returncode:  # the tree's own error, not the subprocess's
        raise SystemExit(f"the tree {src} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def _differences(a: object, b: object, where: str, out: list[tuple[float, str]]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        # Keys only one side has are new or retired columns, listed once by main().
        for key in a.keys() & b.keys():
            _differences(a[key], b[key], f"{where}.{key}", out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append((math.inf, f"{where}: {len(a)} rows against {len(b)}"))
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            _differences(x, y, f"{where}[{i}]", out)
    elif isinstance(a, float | int) and isinstance(b, float | int):
        if math.isnan(a) and math.isnan(b):
            return
        if a != b:
            scale = max(abs(a), abs(b))
            out.append((abs(a - b) / scale if scale else math.inf, f"{where}: {a!r} vs {b!r}"))
    elif a != b:
        out.append((math.inf, f"{where}: {a!r} vs {b!r}"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.differential")
    parser.add_argument("other", type=Path, help="the src/ directory of the other checkout")
    parser.add_argument("--scenarios", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rtol", type=float, default=0.0)
    parser.add_argument("--callbacks", action="store_true",
                        help="give every scenario random window callback offers")
    parser.add_argument("--policies", action="store_true",
                        help="give scenarios random resolution, recalls, follow-ups and "
                        "outbound campaigns with quotas")
    parser.add_argument("--customers", action="store_true",
                        help="give scenarios random segments, redials, waiting rooms, "
                        "messages and balking")
    parser.add_argument("--examples", action="store_true",
                        help="instead, every scenario of experiments/ (each variant of an "
                        "experiment) and the small benchmark day, with seed --seed")
    args = parser.parse_args(argv)
    from benchmarks import ccsim_model, small_day

    rng = np.random.default_rng(args.seed)
    scenarios = [random_scenario(rng, i) for i in range(args.scenarios)]
    if args.callbacks:  # from a stream of their own: the scenarios stay the same
        offers = np.random.default_rng([args.seed, 1])
        for scenario in scenarios:
            scenario["callbacks"] = random_callbacks(offers)
    if args.policies:
        policies = np.random.default_rng([args.seed, 2])
        for scenario in scenarios:
            random_policies(policies, scenario)
    if args.customers:
        customers = np.random.default_rng([args.seed, 3])
        for scenario in scenarios:
            random_customers(customers, scenario)
    seeds = [int(s) for s in rng.integers(0, 2**31, len(scenarios))]
    job: dict = {"scenarios": scenarios, "seeds": seeds}
    if args.examples:
        root = Path(__file__).resolve().parent.parent
        # The small day: a fractional period, one head count all day.
        job = {"scenarios": [ccsim_model.scenario(small_day.CASE).to_dict()], "seeds": [args.seed],
               "files": [str(p) for p in sorted((root / "experiments").rglob("*.toml"))]}
    mine = _in(Path(__file__).resolve().parent.parent / "src", job)
    theirs = _in(args.other, job)
    both = [name for name in mine if name in theirs and not isinstance(mine[name], str)
            and not isinstance(theirs[name], str)]
    for name in [n for n in {**mine, **theirs} if n not in both]:
        if isinstance(theirs.get(name), str) or isinstance(mine.get(name), str):
            side = "this tree" if isinstance(mine.get(name), str) else "the other tree"
            print(f"{name}: not compared, {side} cannot read it")
    columns = (mine[both[0]]["summary"].keys() ^ theirs[both[0]]["summary"].keys()
               if both else set())
    if columns:
        print(f"compared on the columns both have; only one has: {', '.join(sorted(columns))}")
    worst = 0.0
    failed = 0
    for name in both:
        found: list[tuple[float, str]] = []
        _differences(mine[name], theirs[name], name, found)
        bad = [d for d in found if d[0] > args.rtol]
        worst = max([worst, *(d[0] for d in found)])
        if bad:
            failed += 1
            print(f"{name} differs in {len(bad)} values, e.g. {max(bad)[1]}")
    print(f"{len(both)} scenarios, {failed} differ beyond rtol {args.rtol:g}; "
          f"largest relative difference {worst:.3g}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
