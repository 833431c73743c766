"""Peak memory of one model run, in this (fresh) process; used by :func:`suite.memory`.

``python -m benchmarks.memory MODEL AGENTS CUSTOMERS [--tracemalloc]`` prints one JSON line.
Everything is imported and a tiny run made first, so the baseline holds the libraries and
their caches; the run's own growth is what is left. The peak is the process's resident
high-water mark (``VmHWM``, what ``ru_maxrss`` reports), reset after the warm-up through
``/proc/self/clear_refs``: without the reset a child process reports the RSS of the
(larger) benchmark process that started it, which Linux carries over fork and exec.
``--tracemalloc`` measures the peak of Python's (and numpy's) allocations instead, which
is exact but slows the run, so it is a separate process.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import re
import resource
import tracemalloc
from pathlib import Path

from benchmarks import (
    blending,
    callbacks,
    ccsim_model,
    ciw_model,
    textbook,
    textbook_blending,
    textbook_callbacks,
)
from benchmarks.blending_case import BlendingCase
from benchmarks.callback_case import CallbackCase
from benchmarks.case import Case

RUNNERS = {
    "ccsim": ccsim_model.run,
    "textbook": textbook.run,
    "ciw": ciw_model.run,
    "ccsim-callbacks": callbacks.run_ccsim,
    "textbook-callbacks": textbook_callbacks.run,
    "ccsim-blending": blending.run_ccsim,
    "textbook-blending": textbook_blending.run,
}
#: The case class of each model (the policy sections' models run their own case).
CASES = {"ccsim-callbacks": CallbackCase, "textbook-callbacks": CallbackCase,
         "ccsim-blending": BlendingCase, "textbook-blending": BlendingCase}


def _status(field: str) -> int | None:
    """A ``/proc/self/status`` field in KB, or ``None`` where there is no /proc."""
    try:
        found = re.search(rf"^{field}:\s+(\d+) kB", Path("/proc/self/status").read_text(), re.M)
    except OSError:
        return None
    return int(found.group(1)) if found else None


def reset_peak() -> int:
    """Reset the resident high-water mark if the kernel allows; return the RSS now (KB)."""
    # Where the reset is refused the peak may still be that of the imports: the growth
    # reported is then a lower bound, which the tracemalloc figures do not depend on.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    now = _status("VmRSS")
    return now if now is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def peak() -> int:
    """The resident high-water mark (KB)."""
    hwm = _status("VmHWM")
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory")
    parser.add_argument("model", choices=sorted(RUNNERS))
    parser.add_argument("agents", type=int)
    parser.add_argument("customers", type=int)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    run = RUNNERS[args.model]
    make = CASES.get(args.model, Case)
    run(make(args.agents, 200), args.seed)  # loads lazy imports and caches
    case = make(args.agents, args.customers)
    gc.collect()
    base = reset_peak()
    if args.tracemalloc:
        tracemalloc.start()
    out = run(case, args.seed)
    traced = tracemalloc.get_traced_memory()[1] if args.tracemalloc else None
    figures = {"customers": out.customers, "rss_base_kb": base, "rss_peak_kb": peak()}
    if traced is not None:
        figures["traced_peak_kb"] = traced // 1024
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
