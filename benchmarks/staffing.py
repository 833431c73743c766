"""The staffing search (``ccsim staff``): how long each stage takes and how many
candidates it simulates a second, on ``experiments/staff_day.toml`` (20 half-hours, about
2,900 contacts) with the command's defaults. The issue asks for a 24-interval day of about
2,500 contacts from file to plan in under 2 minutes, the final validation included."""

from __future__ import annotations

import time
from pathlib import Path

from ccsim import load_scenario
from ccsim.optimise import staff

DAY = Path(__file__).resolve().parent.parent / "experiments" / "staff_day.toml"


def measure(replications: int = 50, validate: int = 200, path: Path = DAY,
            workers: int | None = None) -> dict[str, float]:
    """Seconds per stage (``forward pass``, ``trim``, ``confirm``, ``shifts``, ``report``), in
    all, and
    the candidates simulated, by the search of ``service_level >= 0.8`` on ``path`` with
    ``workers`` local processes (default: one per core)."""
    scenario = load_scenario(path)
    stages: dict[str, float] = {}
    last = {"stage": "", "at": time.perf_counter()}

    def progress(stage: str, done: int, total: int, candidates: int) -> None:
        now = time.perf_counter()
        if last["stage"]:
            stages[str(last["stage"])] = stages.get(str(last["stage"]), 0.0) + now - float(
                last["at"])
        last.update(stage=stage, at=now)

    start = time.perf_counter()
    plan = staff(scenario, ["service_level >= 0.8"], replications=replications,
                 validate=validate, workers=workers, progress=progress)
    end = time.perf_counter()
    stages[str(last["stage"])] = stages.get(str(last["stage"]), 0.0) + end - float(last["at"])
    return {**stages, "total": end - start, "candidates": float(plan.evaluations),
            "intervals": float(scenario.intervals), "workers": float(workers or 0)}


def text(found: dict[str, float], replications: int, alone: dict[str, float] | None = None
         ) -> str:
    """The stages' table; with ``alone`` (the same search in one process), the speed-up
    of the workers."""
    search = found.get("forward pass", 0.0) + found.get("trim", 0.0)
    rate = found["candidates"] / max(found["total"], 1e-9)
    lines = [f"{'stage':<14} {'seconds':>8}"]
    lines += [f"{name:<14} {found[name]:>8.1f}"
              for name in ("forward pass", "scale", "trim", "confirm", "shifts", "report")
              if name in found]
    lines.append(f"{'total':<14} {found['total']:>8.1f}  ({int(found['intervals'])} intervals, "
                 f"{int(found['candidates'])} candidates, {rate:.2f} a second; the search "
                 f"{search:.1f} s at {replications} seeds each)")
    if alone is not None:
        lines.append(f"one process: {alone['total']:.1f} s; the workers are "
                     f"{alone['total'] / max(found['total'], 1e-9):.2f}x as fast")
    met = "met" if found["total"] < 120 else "NOT met"
    lines.append(f"target: file to plan in under 2 minutes: {met}")
    return "\n".join(lines)
