"""The package's layers: each subpackage imports only from lower layers, and no modules import each other round.

    5  cli
    4  ingest  serve
    3  checks  views  release
    2  sparql
    1  rdf
    0  core

A module may import from its own subpackage and from any lower layer; never
from a higher one, and never from a sibling on its own layer (`checks` and
`views` know nothing of each other), so each layer can be read, tested and
changed knowing only those below it. The imports are read from the source with
`ast` (those inside functions too), not by importing anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
ROOT = "probkg"
LAYERS = {
    "core": 0,
    "rdf": 1,
    "sparql": 2,
    "checks": 3,
    "views": 3,
    "release": 3,
    "ingest": 4,
    "serve": 4,
    "cli": 5,
    "": 5,  # probkg/__init__.py, the Python API: nothing inside the package imports it
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted((SRC / ROOT).rglob("*.py"))}


def imports(path: Path, known: set[str]) -> set[str]:
    """The project modules a file imports: `from probkg.a import b` is module `probkg.a.b` if there is one."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == ROOT)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import; the package uses absolute imports"
            if node.module and node.module.split(".")[0] == ROOT:
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    found.add(sub if sub in known else node.module)
    return found


def package(module: str) -> str:
    """`probkg.checks.lint` is in `checks`; `probkg.cli` is `cli`; `probkg` itself is ``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    wrong = []
    for module, targets in sorted(graph.items()):
        here = package(module)
        for target in sorted(targets):
            there = package(target)
            if there == here:
                continue
            if LAYERS[there] >= LAYERS[here]:
                wrong.append(f"{module} (layer {LAYERS[here]}) imports {target} (layer {LAYERS[there]})")
    return wrong


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of two or more modules (Tarjan), and any module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1 or v in graph.get(v, ()):
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(path, set(known)) for name, path in known.items()}


def test_every_subpackage_has_a_layer(graph) -> None:
    assert {package(m) for m in graph} == set(LAYERS)


def test_imports_only_go_down(graph) -> None:
    assert layer_violations(graph) == []


def test_no_modules_import_each_other(graph) -> None:
    assert cycles(graph) == []


def test_the_checks_can_fail() -> None:
    """An upward import, a same-layer sibling import and a cycle are each caught."""
    bad = {
        "probkg.rdf.store": {"probkg.sparql.results"},
        "probkg.checks.lint": {"probkg.views.graphs"},
        "probkg.sparql.results": set(),
        "probkg.views.graphs": set(),
        "probkg.ingest.a": {"probkg.ingest.b"},
        "probkg.ingest.b": {"probkg.ingest.a"},
    }
    assert layer_violations(bad) == [
        "probkg.checks.lint (layer 3) imports probkg.views.graphs (layer 3)",
        "probkg.rdf.store (layer 1) imports probkg.sparql.results (layer 2)",
    ]
    assert cycles(bad) == [["probkg.ingest.a", "probkg.ingest.b"]]
