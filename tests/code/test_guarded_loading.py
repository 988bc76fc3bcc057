"""Every RDF file is read through the guarded loader (`rdf/inputs.py`, used by `rdf/store.py`).

A hostile file (an XML entity bomb, a JSON-LD context URL) is harmless only if
no parser sees it before the guards do, so no module but those two may hand a
parser a file. The scan below finds every call that parses or loads RDF
(`ox.parse`, `Store.bulk_load` or `load`, rdflib's `Graph.parse`: any
`parse`/`load`/`bulk_load` given a `format`, and any that names a file) and
allows one outside them only on text the program itself has just written
(`some_text.encode(...)`, such as an ingest draft or the service description).
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "probkg"
LOADER = {"rdf/inputs.py", "rdf/store.py"}
CALLS = {"parse", "bulk_load", "load", "parse_into"}
FILE_KEYWORDS = {"path", "source", "location", "file"}


def _is_own_text(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "encode"


def bypasses(tree: ast.AST) -> list[int]:
    """Lines of RDF parse or load calls that are given something other than the program's own text."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name not in CALLS:
            continue
        keywords = {k.arg: k.value for k in node.keywords}
        on_ox = (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in ("ox", "pyoxigraph")
        )
        if not (on_ox or "format" in keywords or FILE_KEYWORDS & keywords.keys()):
            continue  # not an RDF parser (SavedQuery.parse, a layout's parse, yaml)
        sources = node.args[:1] + [v for k, v in keywords.items() if k in FILE_KEYWORDS | {"input", "data"}]
        if FILE_KEYWORDS & keywords.keys() or not all(_is_own_text(s) for s in sources):
            found.append(node.lineno)
    return sorted(found)


def test_no_module_but_the_loader_parses_an_rdf_file() -> None:
    offenders = {}
    for path in sorted(SRC.rglob("*.py")):
        name = str(path.relative_to(SRC))
        if name not in LOADER and (lines := bypasses(ast.parse(path.read_text(encoding="utf-8")))):
            offenders[name] = lines
    assert offenders == {}


def test_the_scan_finds_each_way_of_bypassing_the_loader() -> None:
    """The four bypasses issue 14 found, written as they were; text made in memory passes."""
    code = """
store.bulk_load(path=trig, format=ox.RdfFormat.TRIG)
graph.parse(str(path), format="turtle")
triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
store.bulk_load(input=source.data, format=fmt)
store.bulk_load(input=draft.turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE)
quads = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)
query = SavedQuery.parse("-q", text, Path("-q"))
"""
    assert bypasses(ast.parse(code)) == [2, 3, 4, 5]
