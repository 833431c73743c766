"""Execute every notebook here in place and save it with its outputs (``make notebooks``).

The notebooks are stored executed so that a reader sees the tables and charts on the web
without running them; their seeds are fixed, so running this again changes an output only
when ccsim's behaviour changed. Run from anywhere: each notebook runs in this directory.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent


def execute(path: Path) -> None:
    """Run ``path`` top to bottom in a fresh kernel and write it back with its outputs."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3", record_timing=False,
                            resources={"metadata": {"path": str(HERE)}})
    client.execute()
    nbformat.write(notebook, path)


if __name__ == "__main__":
    for name in sys.argv[1:] or sorted(p.name for p in HERE.glob("*.ipynb")):
        execute(HERE / name)
        print(f"executed {name}")
