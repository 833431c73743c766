"""The notebooks run from top to bottom without error, from the repository root and from
notebooks/, and are stored with their outputs (outputs are not compared: charts differ
between matplotlib versions)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
ALL = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))


def _errors(notebook: nbformat.NotebookNode) -> list[dict]:
    return [o for cell in notebook.cells for o in cell.get("outputs", [])
            if o.get("output_type") == "error"]


@pytest.mark.parametrize("where", [NOTEBOOKS, NOTEBOOKS.parent], ids=["notebooks", "root"])
def test_the_quickstart_executes_from_notebooks_and_from_the_root(where):
    notebook = nbformat.read(NOTEBOOKS / "01-quickstart.ipynb", as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(where)}}).execute()
    assert not _errors(notebook)
    assert any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")


@pytest.mark.parametrize("name", ALL)
def test_every_notebook_is_stored_with_the_outputs_of_every_cell(name):
    """A reader on the web sees the tables and charts without running anything
    (``make notebooks`` executes them and saves them so)."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code
    assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1))
    assert all(cell.outputs for cell in code), [c.source[:40] for c in code if not c.outputs]
    assert not _errors(notebook)
    assert any("image/png" in o.get("data", {}) for cell in code for o in cell.outputs)
