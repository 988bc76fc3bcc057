"""Validate the graph against the SHACL shapes in shapes/, plus the QC checks of `lint`.

pyshacl does the SHACL work, over a plain rdflib graph parsed by rdflib
(`docs/tool-traps.md`), with everything that could reach outside the inputs switched
off: no OWL imports, no JavaScript, no SHACL-AF, no inference, and SPARQL that
cannot fetch (see `datagraph.PreparedQueryGraph`). What the shapes ask is
checked before the data is touched, so a broken shapes file is reported as
bad input (exit 2), not as data that does not conform (pyshacl's own CLI
exits 1 for a broken `sh:select`). A run that hits the time or depth limit
ends with `LimitError` (exit 3).
"""

from __future__ import annotations

import signal
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyshacl
import rdflib
from pyshacl.errors import ReportableRuntimeError, ShapeRecursionWarning
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.plugins.sparql import prepareQuery

from probkg.checks import fast_shacl as fastshacl
from probkg.checks import lint
from probkg.checks.oxigraph_data import OxData
from probkg.checks.rdflib_data import DataGraph, relative_name
from probkg.checks.report import Issue, Report, make_issue, node_id, pick_message, result_terms, severity_name, shown
from probkg.core.errors import InputError, LimitError
from probkg.core.paths import Layout, resolve
from probkg.rdf import inputs
from probkg.sparql.guard import Refused, node_names, refuse_outbound

DEFAULT_TIMEOUT = 300.0
"""Seconds a run may take; the real graph validates in a few."""

MAX_VALIDATION_DEPTH = 15
"""How deep shapes may nest (sh:node inside sh:property ...): pyshacl's own default; ours nest three deep,
the SHACL-for-SHACL shapes (the suite's shacl-shacl) more than ten."""

REFUSED_CLAUSES = {
    "Minus": "MINUS, which SHACL-SPARQL does not allow",
    "values": "VALUES, which SHACL-SPARQL does not allow",
    "Graph": "GRAPH, but the data is validated as one graph without named graphs",
}
"""Algebra nodes a constraint may not use; pyshacl would fail or crash the whole run on them."""


@contextmanager
def literals_as_written() -> Iterator[None]:
    """Parse without rdflib's literal normalisation, which would turn "1"^^xsd:boolean into "true".

    SHACL switches a constraint on with the literal true only (the suite's
    uniqueLang-002); a shape must be read as its file writes it.
    """
    previous = rdflib.NORMALIZE_LITERALS
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        rdflib.NORMALIZE_LITERALS = previous


@dataclass
class Shapes:
    """The shapes graph and the file each of its nodes comes from."""

    graph: rdflib.Graph
    files: dict[rdflib.term.Node, str]
    origin: str
    """The shapes files, as errors that concern the shapes as a whole name them."""

    @classmethod
    def read(cls, paths: list[Path], root: Path) -> Shapes:
        graph, files = rdflib.Graph(), dict[rdflib.term.Node, str]()
        for path in paths:
            part = rdflib.Graph()
            with literals_as_written():
                inputs.parse_into(part, inputs.read(path))
            for subject in part.subjects(unique=True):
                files.setdefault(subject, relative_name(path, root))
            graph += part
            for prefix, namespace in part.namespaces():
                graph.bind(prefix, namespace, override=False)
        if not paths or not fastshacl.shape_nodes(graph):
            raise InputError(", ".join(map(str, paths)) or "shapes/", "no shapes found")
        shapes = cls(graph, files, ", ".join(relative_name(p, root) for p in paths))
        shapes.check_sparql()
        return shapes

    def label(self, shape: rdflib.term.Node) -> str:
        return str(self.graph.value(shape, RDFS.label) or "")

    def _error(self, node: rdflib.term.Node, message: str) -> InputError:
        owner = next(self.graph.subjects(SH.sparql, node), node)
        return InputError(self.files.get(node, self.origin), f"{shown(node_id(owner))}: {message}")

    def check_sparql(self) -> None:
        """Parse every sh:select and sh:ask now, so a broken one is an error in the shapes."""
        for predicate in (SH.select, SH.ask):
            for node, text in self.graph.subject_objects(predicate):
                query = fastshacl.sparql_prologue(self.graph, node) + str(text).replace("$PATH", "<urn:probkg:path>")
                try:
                    prepared = prepareQuery(query)
                    refuse_outbound(prepared)
                except Refused as exc:
                    raise self._error(node, f"refused: {exc}") from None
                except Exception as exc:  # pyparsing and rdflib raise several types
                    raise self._error(node, f"{shown(str(predicate))} is not valid SPARQL: {exc}") from None
                refused = sorted(node_names(prepared.algebra) & REFUSED_CLAUSES.keys())
                if refused:
                    raise self._error(node, f"{shown(str(predicate))} uses {REFUSED_CLAUSES[refused[0]]}")
                rebound = fastshacl.rebinds_prebound(str(text), also_value=predicate == SH.ask)
                if rebound:
                    raise self._error(
                        node, f"{shown(str(predicate))} binds ${rebound} with AS, which SHACL-SPARQL forbids"
                    )
                if fastshacl.subquery_without_this(str(text)):
                    raise self._error(
                        node,
                        f"{shown(str(predicate))} has a subquery that does not return $this, which SHACL-SPARQL forbids",
                    )

    def check_terms(self, declared: set[rdflib.URIRef]) -> None:
        """Every term of ours a shape names must exist: a misspelt sh:path would check nothing."""
        for s, p, o in self.graph:
            for term in (p, o):
                if isinstance(term, rdflib.URIRef) and str(term).startswith(lint.PKO) and term not in declared:
                    raise InputError(
                        self.files.get(s, self.origin),
                        f"{shown(node_id(s))} names {shown(str(term))}, which the ontology does not declare",
                    )


class _DeadlineReached(BaseException):
    """Raised by the alarm; a BaseException so that no `except Exception` in a library swallows it."""


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Stop the work inside after `seconds` with LimitError.

    pyshacl and rdflib are pure Python, so a signal stops them between two
    bytecodes. Signals only reach the main thread; elsewhere no deadline is set.
    """
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum: int, frame: object) -> None:
        raise _DeadlineReached

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _DeadlineReached:
        raise LimitError(f"validation took longer than {seconds:g} seconds") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _path_text(graph: rdflib.Graph, path: rdflib.term.Node | None) -> str | None:
    """A SHACL path as SPARQL property-path text (full IRIs for simple paths)."""
    if path is None:
        return None
    if isinstance(path, rdflib.URIRef):
        return str(path)
    if (path, RDF.first, None) in graph:  # a list first, as `fastshacl.Compiler.path_text` reads it
        return "/".join(shown(_path_text(graph, p) or "") for p in Collection(graph, path))
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{shown(_path_text(graph, inverse) or '')}"
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(shown(_path_text(graph, p) or "") for p in Collection(graph, alternatives))
    for modifier, mark in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = graph.value(path, modifier)
        if inner is not None:
            return f"({shown(_path_text(graph, inner) or '')}){mark}"
    return None


def _shacl_issues(data: DataGraph, shapes: Shapes, report: rdflib.Graph) -> list[Issue]:
    """pyshacl's results as Issues, each named by its shape, focus node label and file."""
    issues = []
    for result in report.objects(None, SH.result):
        shape = report.value(result, SH.sourceShape)
        focus = report.value(result, SH.focusNode)
        value = report.value(result, SH.value)
        assert shape is not None and focus is not None  # every SHACL result has both (SHACL 3.6.2)
        # A shape's own message states its rule; a SPARQL constraint's names the values.
        general = {str(m) for m in shapes.graph.objects(shape, SH.message)}
        issues.append(
            Issue(
                severity=severity_name(report.value(result, SH.resultSeverity)),
                check=node_id(shape),
                check_label=shapes.label(shape),
                component=str(report.value(result, SH.sourceConstraintComponent)),
                focus=node_id(focus),
                focus_label=data.label_of(focus),
                file=data.file_of(focus),
                path=_path_text(report, report.value(result, SH.resultPath)),
                value=None if value is None else node_id(value),
                message=pick_message(general, [str(m) for m in report.objects(result, SH.resultMessage)]),
                result=(report, result),
                terms=f"{result_terms(report, result)} {result}",  # each of pyshacl's results is one
            )
        )
    return issues


SWITCHES = (SH.uniqueLang, SH.closed, SH.deactivated, SH.qualifiedValueShapesDisjoint)
"""Parameters that SHACL switches on with the literal true only."""


def switches_as_written(graph: rdflib.Graph) -> rdflib.Graph:
    """The shapes without a switch set to anything but true: pyshacl would read "1"^^xsd:boolean as on.

    SHACL names only `true` (the suite's uniqueLang-002), so such a switch
    is off, and leaving it out says so to pyshacl. The graph is copied only
    when there is one.
    """
    off = [(s, p, o) for p in SWITCHES for s, o in graph.subject_objects(p) if not fastshacl.is_true(o)]
    if not any(isinstance(o, rdflib.Literal) and o.value is True for _, _, o in off):
        return graph
    copy = rdflib.Graph()
    for prefix, namespace in graph.namespaces():
        copy.bind(prefix, namespace)
    copy += graph
    for triple in off:
        copy.remove(triple)
    return copy


def shacl(data: DataGraph, shapes: Shapes, fail_on: str = "violation") -> list[Issue]:
    """Run pyshacl with every outward-reaching feature off and an explicit depth limit.

    pyshacl only warns when a shape refers back to itself and then skips part
    of the work; SHACL leaves recursion undefined, so here it is an error in
    the shapes rather than a silently partial result.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", ShapeRecursionWarning)
            _, report, _ = pyshacl.validate(
                data.union,
                shacl_graph=switches_as_written(shapes.graph),
                inference="none",
                abort_on_first=False,
                allow_infos=True,
                allow_warnings=fail_on == "violation",
                advanced=False,
                js=False,
                do_owl_imports=False,
                meta_shacl=False,
                max_validation_depth=MAX_VALIDATION_DEPTH,
                inplace=True,  # no inference and no rules, so the data graph is only read
            )
    except Refused as exc:
        raise InputError(shapes.origin, f"refused: {exc}") from None
    except ShapeRecursionWarning:
        raise InputError(
            shapes.origin, "a shape refers back to itself through sh:node or sh:property, which SHACL leaves undefined"
        ) from None
    except RecursionError:
        raise LimitError("the shapes nest too deeply for the validator") from None
    except ReportableRuntimeError as exc:
        if "too deep" in str(exc.message):
            raise LimitError(f"validation went deeper than {MAX_VALIDATION_DEPTH} shapes") from None
        raise InputError(shapes.origin, str(exc.message).strip()) from None
    if isinstance(report, Exception):  # pyshacl returns a ValidationFailure instead of raising it
        raise InputError(shapes.origin, str(getattr(report, "message", report)).strip())
    return _shacl_issues(data, shapes, report)


def files_to_check(lay: Layout, paths: list[Path]) -> tuple[list[Path], list[Path] | None]:
    """What to read and which of it was asked for.

    With no paths: the ontology and all of graph/ (what `build` loads), all of
    it asked for. With paths (files, or folders of RDF files): those, plus the
    ontology and the reference data they refer to.
    """
    if not paths:
        return lay.data_files(), None
    given: list[Path] = []
    for path in paths:
        if not path.is_dir():
            given.append(path)
            continue
        found = sorted(p for p in path.rglob("*") if p.suffix.lower() in inputs.SUFFIXES)
        if not found:  # "0 files: conforms" would pass a mistyped folder in CI
            raise InputError(
                str(path), f"no RDF files in this folder (looked for {', '.join(sorted(inputs.SUFFIXES))})"
            )
        given.extend(found)
    context = [
        *sorted(lay.ontology.rglob("*.ttl")),
        *sorted((lay.graph / "reference").rglob("*.ttl")),
        *sorted((lay.graph / "sources").rglob("*.ttl")),
    ]
    chosen = {resolve(p) for p in given}
    return [p for p in context if resolve(p) not in chosen] + given, given


ENGINES = ("fast", "pyshacl")
"""`fast` compiles the shapes to SPARQL for Oxigraph (`fastshacl`), falling back to
pyshacl for shapes it cannot compile; `pyshacl` is the reference engine."""

Data = DataGraph | OxData


def _read(lay: Layout, files: list[Path], engine: str) -> Data:
    if engine == "pyshacl":
        return DataGraph.read(files, lay.root, lay.ontology)
    return OxData(files, lay, lay.ontology)


def _run(
    lay: Layout,
    paths: list[Path],
    checks: Callable[[Data], list[Issue]],
    fail_on: str,
    timeout: float | None,
    engine: str,
) -> Report:
    """Read the files, run `checks(data)` within the time limit, and keep the results asked for.

    With files given, results are reported only for nodes those files describe:
    the ontology and reference data are there to be referred to, not checked again.
    A focus node no file mentions (an `sh:targetNode` absent from the data) is
    reported too: it belongs to no context file, and its results are the asker's.
    The deadline acts between two Oxigraph queries (Oxigraph ignores signals
    while it answers one); each compiled query takes milliseconds.
    """
    try:
        with deadline(timeout):
            files, given = files_to_check(lay, paths)
            data = _read(lay, files, engine)
            issues = checks(data)
    except MemoryError:
        raise LimitError("the run ran out of memory") from None
    if given is None:
        return Report(issues, sorted(data.files), fail_on)
    asked = {relative_name(p, lay.root) for p in given}
    return Report([i for i in issues if i.file in asked or not i.file], sorted(asked), fail_on)


def check(data: DataGraph, shapes: Shapes, fail_on: str = "violation", qc: bool = True) -> list[Issue]:
    """Every SHACL issue in the data by pyshacl, and the QC issues if `qc` (no deadline: callers set one)."""
    shapes.check_terms(lint.declared_terms(data.ontology()))
    return shacl(data, shapes, fail_on) + (lint.check(data) if qc else [])


def fast_check(data: OxData, shapes: Shapes, checks: list[fastshacl.Check], qc: bool = True) -> list[Issue]:
    """Every SHACL issue in the data by the compiled shapes, and the QC issues if `qc` (no deadline: callers set one)."""
    shapes.check_terms(lint.declared_terms(data.ontology()))
    issues = [
        make_issue(
            severity=row.check.severity,
            check=node_id(row.check.shape),
            check_label=shapes.label(row.check.shape),
            component=str(row.check.component),
            focus=row.focus,
            focus_label=data.label_of(row.focus),
            file=data.file_of(row.focus),
            path=row.path,
            path_text=_path_text(shapes.graph, row.path),
            value=row.value,
            message=row.message,
            path_graph=shapes.graph,
            severity_iri=row.check.severity_iri,
            distinct=row.key,
        )
        for row in fastshacl.run(data.store, checks)
    ]
    return issues + (lint.check(data) if qc else [])


def validate(
    lay: Layout,
    paths: list[Path],
    *,
    shapes_paths: list[Path] | None = None,
    fail_on: str = "violation",
    timeout: float | None = DEFAULT_TIMEOUT,
    engine: str = "fast",
    qc: bool = True,
) -> Report:
    """SHACL validation and (unless `qc` is false) the QC checks, over the built graph or the given files.

    The shapes are read (and, for the fast engine, compiled) before the data, so
    a broken shapes file is reported as such whatever the data holds.
    """
    shapes = Shapes.read(shapes_paths or sorted(lay.shapes.glob("*.ttl")), lay.root)
    compiled = None
    if engine == "fast":
        try:
            compiled = fastshacl.compile_shapes(shapes.graph)
        except fastshacl.Unsupported:
            engine = "pyshacl"

    ran = [engine]

    def checks(data: Data) -> list[Issue]:
        if compiled is not None and isinstance(data, OxData):
            if not fastshacl.sees_rewrites(compiled, data.rewrites):
                return fast_check(data, shapes, compiled, qc)
            # The store changed a literal a check reads: pyshacl reads the files as written.
            ran[0] = "pyshacl"
            data = DataGraph.read(data.paths, lay.root, lay.ontology)
        assert isinstance(data, DataGraph)
        return check(data, shapes, fail_on, qc)

    report = _run(lay, paths, checks, fail_on, timeout, engine)
    report.engine = ran[0]
    return report


def lint_only(
    lay: Layout, paths: list[Path], *, fail_on: str = "violation", timeout: float | None = DEFAULT_TIMEOUT
) -> Report:
    """The QC checks alone, over the same files `validate` would read (held in Oxigraph: it parses faster)."""
    return _run(lay, paths, lint.check, fail_on, timeout, "fast")
