"""Inventories: the public API, the scenario keys and the metrics are what the README
documents."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import ccsim
from ccsim import scenario as schema
from ccsim.model.registry import METRICS
from scenarios import schema_models

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_every_exported_name_is_documented_and_every_documented_name_exists():
    documented = set(re.findall(r"`ccsim\.(\w+)", README))
    assert set(ccsim.__all__) <= documented
    for name in documented:  # a documented name is in the API or a module of the package
        assert hasattr(ccsim, name) or importlib.util.find_spec(f"ccsim.{name}"), name




def test_every_scenario_key_appears_in_the_readme_reference():
    models = schema_models()
    assert schema.ExponentialSpec in models and schema.Arrivals in models
    missing = [
        f"{model.__name__}.{key}"
        for model in models
        for key in (field.alias or name for name, field in model.model_fields.items())
        if not re.search(rf"`[^`]*\b{key}\b[^`]*`", README)
    ]
    assert not missing


def _readme_metrics() -> list[str]:
    """The names in the first column of the README's Metrics table (a row may hold
    several: `wait_p50`, `wait_p90`, `wait_p95`)."""
    section = README.split("\n## Metrics\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if re.match(r"\| `\w+`", line)]
    return [name for row in rows for name in re.findall(r"`(\w+)`", row.split("|")[1])]


def test_the_readme_metrics_table_is_the_registry():
    documented = _readme_metrics()
    assert "wait_p95" in documented and "offered" in documented
    assert len(documented) == len(set(documented))
    assert sorted(documented) == sorted(METRICS)


#: DESIGN.md's layers, lowest first: each may use only the ones below it (or its own).
_LAYERS = {"units": 0, "streams": 0, "toml_text": 0, "scenario": 1, "analytic": 2, "model": 3,
           "experiment": 4, "optimise": 5, "plots": 6, "report": 6, "cli": 7}


def _imported(tree: ast.AST) -> set[str]:
    """The ccsim layers a module imports, at its top or inside its functions."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module == "ccsim":
            names |= {f"ccsim.{a.name}" for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return {n.split(".")[1] for n in names if n.startswith("ccsim.")}


def test_no_layer_imports_one_above_it():
    root = Path(ccsim.__file__).parent
    upward = []
    for path in root.rglob("*.py"):
        layer = path.relative_to(root).parts[0].removesuffix(".py")
        if layer in ("__init__", "__main__"):
            continue  # the public API gathers every layer
        assert layer in _LAYERS, f"{layer}: a module DESIGN.md's layers do not place"
        for used in _imported(ast.parse(path.read_text())) & set(_LAYERS):
            if _LAYERS[used] > _LAYERS[layer]:
                upward.append(f"{path.relative_to(root)} imports ccsim.{used}")
    assert not upward


def _runtime_imports(path: Path, root: Path) -> set[str]:
    """The ccsim modules ``path`` imports when it runs (not under ``if TYPE_CHECKING``)."""
    tree = ast.parse(path.read_text())
    typing_only = {
        id(n) for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
        for n in ast.walk(node)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only or not isinstance(node, ast.ImportFrom | ast.Import):
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif node.module and node.module.startswith("ccsim."):
            found.add(node.module)
        elif node.module == "ccsim":  # from ccsim import streams: a module of the package
            found |= {f"ccsim.{a.name}" for a in node.names
                      if (root / f"{a.name}.py").exists() or (root / a.name).is_dir()}
    return {n for n in found if n.startswith("ccsim.")}


def test_no_module_of_the_package_imports_itself_in_a_circle():
    root = Path(ccsim.__file__).parent
    graph = {}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).with_suffix("").parts
        name = ".".join(("ccsim", *parts)).removesuffix(".__init__")
        graph[name] = _runtime_imports(path, root)

    def reaches(start, goal, seen):
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and not seen.add(nxt) and reaches(nxt, goal, seen)):
                return True
        return False

    circles = [name for name in graph if reaches(name, name, set())]
    assert "ccsim.model.centre" in graph and "ccsim.model.run" in graph
    assert not circles
