"""notebooks/02-sweeps.ipynb runs headless, start to end, in under a minute."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "02-sweeps.ipynb"


@pytest.mark.parametrize("where", [NOTEBOOK.parent, NOTEBOOK.parents[1]], ids=["notebooks", "root"])
def test_the_sweeps_notebook_executes(tmp_path: Path, where: Path) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("import sys; print(sys.executable)"))
    # The kernelspec "python3" runs "python": jupyter_client starts it as sys.executable,
    # so the kernel is this interpreter (the project's venv), not whatever is on PATH.
    client = nbclient.NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=60,
        resources={"metadata": {"path": str(where)}},
    )
    start = time.monotonic()
    client.execute()
    assert time.monotonic() - start < 60
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "service level gain from +10% staff" in printed
    assert printed.rstrip().endswith(sys.executable)  # the kernel is this interpreter
