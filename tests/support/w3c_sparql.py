"""The W3C SPARQL 1.1 query-evaluation tests (`../shared/w3c/sparql11-tests/`), read and compared.

`tests()` reads `manifest-sparql11-query.ttl` and the result-format manifest
(`manifest-sparql11-results.ttl`: CSV/TSV and JSON results) with every manifest
they include, and yields each approved `mf:QueryEvaluationTest`: its query, its
default-graph and named-graph files, and the expected result file. `expected()`
reads a result file (SPARQL XML, JSON, TSV, CSV, or an RDF graph) with rdflib's
parsers; `same()` compares two results the way the suite means: solutions as a
multiset, blank nodes up to a consistent renaming, graphs up to isomorphism.
CSV loses datatypes and languages, so a CSV result is compared as the CSV text
the results spec gives for each term.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import rdflib
import rdflib.collection
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, XSD

SUITE = Path(__file__).resolve().parents[2].parent / "shared" / "w3c" / "sparql11-tests"
MANIFESTS = ("manifest-sparql11-query.ttl", "manifest-sparql11-results.ttl")
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
RS = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")
DAWGT = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#")
RDF_FORMATS = {".ttl": "turtle", ".rdf": "xml", ".nt": "nt"}
RESULT_FORMATS = {".srx": "xml", ".srj": "json", ".tsv": "tsv", ".csv": "csv"}

Term = tuple  # ("uri", iri) | ("bnode", label) | ("literal", lexical, datatype, language)
Row = frozenset  # of (variable, Term)


@dataclass(frozen=True)
class Case:
    """One evaluation test: `name` is `folder/local-name`, as the expected-failure lists say it."""

    name: str
    query: Path
    data: tuple[Path, ...]
    graph_data: tuple[Path, ...]
    result: Path


@dataclass
class Result:
    """A result as the suite compares it: a boolean, solution rows, a graph, or CSV text."""

    boolean: bool | None = None
    rows: list[Row] | None = None
    graph: rdflib.Graph | None = None
    csv_rows: list[tuple[str, ...]] | None = field(default=None)


def _file_path(iri: str) -> str:
    from urllib.parse import unquote, urlparse

    return unquote(urlparse(iri).path)


def tests() -> list[Case]:
    """Every approved evaluation test of the two manifests, in manifest order."""
    cases: list[Case] = []
    for name in MANIFESTS:
        _read_manifest(SUITE / name, cases)
    return cases


def _read_manifest(path: Path, cases: list[Case]) -> None:
    graph = rdflib.Graph().parse(path, format="turtle", publicID=path.as_uri())
    manifest = rdflib.URIRef(path.as_uri())
    for included in _list(graph, graph.value(manifest, MF.include)):
        _read_manifest(Path(_file_path(str(included))), cases)
    for entry in _list(graph, graph.value(manifest, MF.entries)):
        if graph.value(entry, RDF.type) != MF.QueryEvaluationTest:
            continue
        if graph.value(entry, DAWGT.approval) not in (DAWGT.Approved, None):
            continue
        action, result = graph.value(entry, MF.action), graph.value(entry, MF.result)
        local = str(entry).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        cases.append(
            Case(
                name=f"{path.parent.name}/{local}",
                query=Path(_file_path(str(graph.value(action, QT.query)))),
                data=tuple(Path(_file_path(str(d))) for d in graph.objects(action, QT.data)),
                graph_data=tuple(sorted(Path(_file_path(str(d))) for d in graph.objects(action, QT.graphData))),
                result=Path(_file_path(str(result))),
            )
        )


def _list(graph: rdflib.Graph, head: rdflib.term.Node | None) -> list[rdflib.term.Node]:
    return list(rdflib.collection.Collection(graph, head)) if head is not None else []


# --- terms and results ---------------------------------------------------------------------------


NUMERIC = {str(XSD.integer): int, str(XSD.decimal): Decimal, str(XSD.double): float, str(XSD.float): float}


def term(node: rdflib.term.Node) -> Term:
    """A term as the suite compares it: a plain literal is an xsd:string, language tags fold case,
    and a number is its value ("1.0" and "1" are the same xsd:decimal, as the DAWG harnesses compared)."""
    if isinstance(node, rdflib.URIRef):
        return ("uri", str(node))
    if isinstance(node, rdflib.BNode):
        return ("bnode", str(node))
    assert isinstance(node, rdflib.Literal), node
    if node.language:
        return ("literal", str(node), str(RDF.langString), node.language.lower())
    datatype = str(node.datatype or XSD.string)
    if datatype in NUMERIC:
        with contextlib.suppress(ValueError, ArithmeticError):
            value = NUMERIC[datatype](str(node).strip())
            return ("literal", str(value.normalize() if isinstance(value, Decimal) else value), datatype, "")
    return ("literal", str(node), datatype, "")


def csv_text(value: Term | None) -> str:
    """A term as SPARQL 1.1 CSV writes it: the bare IRI or lexical form, `_:label` for a blank node."""
    if value is None:
        return ""
    return f"_:{value[1]}" if value[0] == "bnode" else value[1]


def expected(case: Case) -> Result:
    """The expected result of a test, read by rdflib's parsers."""
    suffix = case.result.suffix
    if suffix in RDF_FORMATS:
        graph = rdflib.Graph().parse(case.result, format=RDF_FORMATS[suffix])
        result_set = graph.value(None, RDF.type, RS.ResultSet, any=True)
        return Result(graph=graph) if result_set is None else _result_set(graph, result_set)
    if suffix == ".csv":
        with case.result.open(encoding="utf-8", newline="") as handle:
            return Result(csv_rows=[tuple(r) for r in csv.reader(handle)])
    return read_results(case.result.read_bytes(), RESULT_FORMATS[suffix])


def _result_set(graph: rdflib.Graph, node: rdflib.term.Node) -> Result:
    """A result written in the DAWG result-set vocabulary (rs:solution / rs:binding) as rows or a boolean."""
    boolean = graph.value(node, RS.boolean)
    if isinstance(boolean, rdflib.Literal):
        return Result(boolean=bool(boolean.toPython()))
    rows = []
    for solution in graph.objects(node, RS.solution):
        bindings = [
            (graph.value(b, RS.variable), graph.value(b, RS.value)) for b in graph.objects(solution, RS.binding)
        ]
        rows.append(Row((str(name), term(value)) for name, value in bindings if value is not None))
    return Result(rows=rows)


def read_results(data: bytes, fmt: str) -> Result:
    """SPARQL results in XML, JSON or TSV, by rdflib's parsers (XML wants bytes, the others text)."""
    source = io.BytesIO(data) if fmt == "xml" else io.StringIO(data.decode("utf-8"))
    parsed = rdflib.query.Result.parse(source, format=fmt)
    if parsed.type == "ASK":
        return Result(boolean=bool(parsed.askAnswer))
    return Result(rows=[Row((str(v), term(t)) for v, t in b.items() if t is not None) for b in parsed.bindings])


def as_csv(variables: list[str], rows: list[Row]) -> list[tuple[str, ...]]:
    """Solutions as the CSV rows an expected CSV result holds (header first)."""
    out = [tuple(variables)]
    for row in rows:
        values = dict(row)
        out.append(tuple(csv_text(values.get(v)) for v in variables))
    return out


def same(want: Result, got: Result) -> bool:
    """Whether two results are the same answer (see the module docstring)."""
    if want.boolean is not None:
        return got.boolean == want.boolean
    if want.graph is not None:
        return got.graph is not None and isomorphic(want.graph, got.graph)
    if want.csv_rows is not None:
        if got.csv_rows is None or not got.csv_rows or got.csv_rows[0] != want.csv_rows[0]:
            return False
        return _rows_match([_csv_row(r) for r in want.csv_rows[1:]], [_csv_row(r) for r in got.csv_rows[1:]])
    return got.rows is not None and _rows_match(want.rows or [], got.rows)


def _csv_row(values: tuple[str, ...]) -> Row:
    return Row((i, ("bnode", v[2:]) if v.startswith("_:") else ("text", v)) for i, v in enumerate(values))


def _rows_match(want: list[Row], got: list[Row]) -> bool:
    """Multiset equality of solution rows, blank node labels up to one consistent bijection."""
    if len(want) != len(got):
        return False
    if not any(t[0] == "bnode" for row in want + got for _, t in row):
        return Counter(want) == Counter(got)
    return _match(sorted(want, key=_shape), list(got), {}, {}, [0])


def _shape(row: Row) -> tuple:
    return tuple(sorted((v, t if t[0] != "bnode" else ("bnode",)) for v, t in row))


def _match(want: list[Row], pool: list[Row], forward: dict, backward: dict, steps: list[int]) -> bool:
    if not want:
        return True
    steps[0] += 1
    if steps[0] > 100_000:  # no result of the suite needs this many; fail rather than hang
        return False
    first, rest = want[0], want[1:]
    for i, candidate in enumerate(pool):
        mapping = _bind(first, candidate, forward, backward)
        if mapping is not None and _match(rest, pool[:i] + pool[i + 1 :], mapping[0], mapping[1], steps):
            return True
    return False


def _bind(want: Row, got: Row, forward: dict, backward: dict) -> tuple[dict, dict] | None:
    a, b = dict(want), dict(got)
    if a.keys() != b.keys():
        return None
    forward, backward = dict(forward), dict(backward)
    for var, x in a.items():
        y = b[var]
        if x[0] == "bnode" and y[0] == "bnode":
            if forward.setdefault(x[1], y[1]) != y[1] or backward.setdefault(y[1], x[1]) != x[1]:
                return None
        elif x != y:
            return None
    return forward, backward


def read_csv_text(text: str) -> list[tuple[str, ...]]:
    return [tuple(r) for r in csv.reader(io.StringIO(text))]
