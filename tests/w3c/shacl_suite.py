"""The W3C SHACL test suite (core and SHACL-SPARQL), run through `probkg validate`.

Run from the project root: `python tests/w3c/shacl_suite.py` prints one line per
engine, `shacl-suite ENGINE: total 120, correct C (native N), fallback F,
refused R, wrong W`; `-v` lists every test that is not correct, and why.

The expected answers are the suite's: each approved test of
`../shared/w3c/shacl-tests/` names a data graph, a shapes graph and either
the validation report or `sht:Failure` (the shapes must be refused). The
rule is the suite's own: both reports are reduced to `sh:conforms` and each
result's focus node, path, value, source shape, constraint component and
severity, and the two reductions must be isomorphic graphs.

Three engines: `fast` and `pyshacl` call `validate.validate` (what `probkg
validate` calls) with that engine, `default` without one, as a user would;
each report is read back from its Turtle rendering (`--format turtle`), so
that format is checked end to end too. The project's own QC checks (`lint`)
are not SHACL and are left out (`qc=False`): they would flag every `ex:` term
of a test as undeclared. Outcomes: *correct*; *refused* (exit 2 or 3
where a report was expected); *wrong* (a report that differs, or a report
where the shapes must be refused). *native* counts the correct answers that
did not need pyshacl; *fallback* the tests the fast engine handed to pyshacl.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SH

from probkg.checks import fast_shacl, validate
from probkg.checks.report import LINT_COMPONENT
from probkg.core.errors import ProbkgError
from probkg.core.paths import Layout

SUITE = Path(__file__).resolve().parents[2].parent / "shared" / "w3c" / "shacl-tests"
"""The suite beside the checkout, as the corpus is (`../shared/`)."""
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")
ENGINES = ("fast", "pyshacl", "default")
KEPT = (SH.focusNode, SH.resultPath, SH.value, SH.sourceShape, SH.sourceConstraintComponent, SH.resultSeverity)
"""What the suite compares of each result."""
TIMEOUT = 60.0
"""Seconds one test may take; each takes well under one."""


@dataclass(frozen=True)
class Case:
    """One approved test: its files, and the expected report (None: the shapes must be refused)."""

    name: str
    data: Path
    shapes: Path
    expected: rdflib.Graph | None


@dataclass(frozen=True)
class Outcome:
    case: Case
    verdict: str
    """"correct", "refused" or "wrong"."""
    native: bool
    """The fast engine answered without pyshacl (always False for the pyshacl engine)."""
    detail: str = ""


def parse(path: Path) -> rdflib.Graph:
    """A test file as pyshacl and `probkg` read it: Turtle with the file's own IRI as base."""
    graph = rdflib.Graph()
    graph.parse(path, format="turtle", publicID=path.resolve().as_uri())
    return graph


def _local(iri: rdflib.term.Node) -> Path:
    return Path(rdflib.URIRef(iri).removeprefix("file://"))


def cases(manifest: Path = SUITE / "manifest.ttl") -> Iterator[Case]:
    """The approved sht:Validate tests of a manifest and those it reaches through mf:include, in order."""
    graph = parse(manifest)
    for included in sorted(graph.objects(None, MF.include)):
        yield from cases(_local(included))
    yield from _cases_in(graph, manifest)


def _cases_in(graph: rdflib.Graph, file: Path) -> Iterator[Case]:
    for test in sorted(graph.subjects(RDF.type, SHT.Validate)):
        if (test, MF.status, SHT.approved) not in graph:
            continue
        action = graph.value(test, MF.action)
        result = graph.value(test, MF.result)
        expected = None if result == SHT.Failure else reduce(graph, result)
        yield Case(
            name=f"{file.parent.name}/{file.stem}",
            data=_local(graph.value(action, SHT.dataGraph)),
            shapes=_local(graph.value(action, SHT.shapesGraph)),
            expected=expected,
        )


def _copy_path(source: rdflib.Graph, node: rdflib.term.Node, out: rdflib.Graph) -> rdflib.term.Node:
    """A path's structure (inverse, alternatives, lists) copied with fresh blank nodes: one copy per result."""
    if not isinstance(node, rdflib.BNode):
        return node
    copy = rdflib.BNode()
    for p, o in source.predicate_objects(node):
        out.add((copy, p, _copy_path(source, o, out)))
    return copy


def reduce(graph: rdflib.Graph, report: rdflib.term.Node) -> rdflib.Graph:
    """A validation report cut down to what the suite compares; QC (lint) results are not SHACL's."""
    out = rdflib.Graph()
    top = rdflib.BNode()
    out.add((top, RDF.type, SH.ValidationReport))
    for conforms in graph.objects(report, SH.conforms):
        out.add((top, SH.conforms, rdflib.Literal(conforms.toPython())))
    for result in graph.objects(report, SH.result):
        if graph.value(result, SH.sourceConstraintComponent) == rdflib.URIRef(LINT_COMPONENT):
            continue
        node = rdflib.BNode()
        out.add((top, SH.result, node))
        for predicate in KEPT:
            for value in graph.objects(result, predicate):
                if predicate == SH.resultPath:
                    value = _copy_path(graph, value, out)
                elif isinstance(value, rdflib.BNode):
                    value = rdflib.BNode()  # a blank shape or value: any blank node matches
                out.add((node, predicate, value))
    return out


def _actual(case: Case, engine: str, root: Path) -> tuple[rdflib.Graph, bool]:
    """The Turtle report `probkg validate` writes, reduced, and whether the fast engine answered it itself."""
    chosen = {} if engine == "default" else {"engine": engine}
    report = validate.validate(
        Layout(root), [case.data], shapes_paths=[case.shapes], fail_on="info", timeout=TIMEOUT, qc=False, **chosen
    )
    graph = rdflib.Graph().parse(data=report.render("turtle"), format="turtle")
    return reduce(graph, next(graph.subjects(RDF.type, SH.ValidationReport))), report.engine == "fast"


def _refused_natively(case: Case) -> bool:
    """Whether a refusal came before any engine ran (the shapes check) or from shapes the fast engine compiles."""
    try:
        shapes = validate.Shapes.read([case.shapes], case.shapes.parent)
    except ProbkgError:
        return True
    try:
        fast_shacl.compile_shapes(shapes.graph)
    except fast_shacl.Unsupported:
        return False
    return True


def run_case(case: Case, engine: str, root: Path) -> Outcome:
    try:
        actual, native = _actual(case, engine, root)
    except ProbkgError as exc:
        verdict = "correct" if case.expected is None else "refused"
        return Outcome(case, verdict, engine != "pyshacl" and _refused_natively(case), str(exc))
    if case.expected is None:
        return Outcome(case, "wrong", native, "a report where the shapes must be refused")
    if isomorphic(actual, case.expected):
        return Outcome(case, "correct", native)
    return Outcome(case, "wrong", native, _difference(case.expected, actual))


def _difference(expected: rdflib.Graph, actual: rdflib.Graph) -> str:
    def rows(graph: rdflib.Graph) -> Counter:
        return Counter(
            tuple(str(graph.value(r, p)) if not isinstance(graph.value(r, p), rdflib.BNode) else "_" for p in KEPT)
            for r in graph.objects(None, SH.result)
        )

    e, a = rows(expected), rows(actual)
    return f"missing {sorted(e - a)}; extra {sorted(a - e)}"


def summary(engine: str, outcomes: list[Outcome]) -> str:
    count = Counter(o.verdict for o in outcomes)
    native = sum(1 for o in outcomes if o.verdict == "correct" and o.native)
    fallback = sum(1 for o in outcomes if not o.native and engine != "pyshacl")
    return (
        f"shacl-suite {engine}: total {len(outcomes)}, correct {count['correct']} (native {native}), "
        f"fallback {fallback}, refused {count['refused']}, wrong {count['wrong']}"
    )


def run(engines: tuple[str, ...] = ENGINES) -> dict[str, list[Outcome]]:
    """Every approved test under each engine."""
    all_cases = list(cases())
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)  # a project with no ontology or graph of its own: only the test's files are read
        (root / "ontology").mkdir()
        (root / "graph").mkdir()
        return {engine: [run_case(c, engine, root) for c in all_cases] for engine in engines}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=ENGINES, action="append", help="engine to run (repeatable; default all)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every test that is not correct")
    args = parser.parse_args(argv)
    logging.getLogger("rdflib").setLevel(logging.CRITICAL)  # the suite's ill-formed literals on purpose
    for engine, outcomes in run(tuple(args.engine or ENGINES)).items():
        if args.verbose:
            for o in outcomes:
                if o.verdict != "correct" or (engine != "pyshacl" and not o.native):
                    how = "native" if o.native else "fallback"
                    print(f"  {engine} {o.case.name}: {o.verdict} ({how}) {o.detail[:300]}", file=sys.stderr)
        print(summary(engine, outcomes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
