"""One report for `probkg validate` and `probkg lint`, in three formats.

SHACL results and the ontology/data QC checks land in the same list of
`Issue`s, so a curator reads one report and CI reads one verdict. The text
format is for people (grouped by shape, each result with the focus node's
label, IRI and file), JSON is for programs and is stable (documented in
docs/validation.md; fields are only ever added), and Turtle is the SHACL
validation report itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import rdflib
from rdflib.namespace import RDF, SH

from probkg.rdf.vocab import NAMESPACES, PKS, compact

SEVERITIES = ("violation", "warning", "info")
"""Most serious first. Info never fails a run; warning fails it with --fail-on warning."""

JSON_FORMAT = "probkg-validation/1"
LINT_COMPONENT = PKS + "LintCheck"
"""Stands in for sh:sourceConstraintComponent on results of the QC checks."""

SEVERITY_IRIS = {"violation": SH.Violation, "warning": SH.Warning, "info": SH.Info}
_SEVERITY_NAMES: dict[rdflib.term.Node | None, str] = {iri: name for name, iri in SEVERITY_IRIS.items()}


def severity_name(iri: rdflib.term.Node | None) -> str:
    """`sh:Warning` as "warning"; anything unknown counts as a violation, as SHACL says."""
    return _SEVERITY_NAMES.get(iri, "violation")


def shown(iri: str) -> str:
    """An IRI as a report shows it: compacted (`probkg.rdf.vocab.compact`), else in angle brackets."""
    short = compact(iri)
    if short == iri and ("://" in iri or iri.startswith("urn:")):
        return f"<{iri}>"
    return short


@dataclass(frozen=True)
class Issue:
    """One result: which check found what, on which node, in which file."""

    severity: str
    check: str
    check_label: str
    component: str
    focus: str
    focus_label: str
    file: str
    path: str | None
    value: str | None
    message: str
    result: tuple[rdflib.Graph, rdflib.term.Node] = field(compare=False, repr=False)
    """The result in RDF (a graph and the sh:ValidationResult node in it), for Turtle output."""
    terms: str = field(default="", repr=False)
    """The focus node, path, value and severity as RDF terms (N-Triples), so that de-duplication never
    merges results that differ only where the report's strings cannot show it: a value's datatype or
    language tag ("5" and "5"^^xsd:int), or a severity of the shapes' own."""

    def sort_key(self) -> tuple:
        """Severity, shape, file, node: blank nodes (whose ids change from run to run) by what they belong to."""
        focus = f"~{self.focus_label}" if self.focus.startswith("_:") else self.focus
        return (SEVERITIES.index(self.severity), self.check, self.file, focus, self.path or "", self.value or "")

    def as_json(self) -> dict[str, str | None]:
        return {
            "severity": self.severity,
            "shape": self.check,
            "shape_label": self.check_label,
            "component": self.component,
            "focus": self.focus,
            "focus_label": self.focus_label,
            "file": self.file,
            "path": self.path,
            "value": self.value,
            "message": self.message,
        }


@dataclass
class Report:
    """All issues of one run, and the rule that turns them into a verdict."""

    issues: list[Issue]
    files: list[str]
    fail_on: str = "violation"
    engine: str = ""
    """Which SHACL engine ran (`validate.ENGINES`); empty for the QC checks alone."""

    def __post_init__(self) -> None:
        self.issues = sorted(set(self.issues), key=Issue.sort_key)

    @property
    def conforms(self) -> bool:
        failing = SEVERITIES[: SEVERITIES.index(self.fail_on) + 1]
        return not any(issue.severity in failing for issue in self.issues)

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for i in self.issues if i.severity == s) for s in SEVERITIES}

    def summary(self) -> str:
        counts = self.counts()
        parts = ", ".join(f"{n} {s}{'' if n == 1 else 's'}" for s, n in counts.items())
        verdict = "conforms" if self.conforms else "does not conform"
        files = f"{len(self.files)} file{'' if len(self.files) == 1 else 's'}"
        return f"{parts} in {files}: {verdict} (failing on {self.fail_on})"

    def render(self, fmt: str) -> str:
        return {"text": self.text, "json": self.json, "turtle": self.turtle}[fmt]()

    def text(self) -> str:
        """Grouped by shape, most serious first; one block per result."""
        lines: list[str] = []
        groups: dict[str, list[Issue]] = {}
        for issue in self.issues:
            groups.setdefault(issue.check, []).append(issue)
        for check, issues in groups.items():
            first = issues[0]
            count = f"{len(issues)} result{'' if len(issues) == 1 else 's'}"
            lines.append(f"{shown(check)}  {first.check_label}  [{first.severity}, {count}]")
            for issue in issues:
                label = f'  "{issue.focus_label}"' if issue.focus_label else ""
                focus = "[]" if issue.focus.startswith("_:") else shown(issue.focus)  # blank ids mean nothing to people
                lines.append(f"  {focus}{label}")
                lines.append(f"    file:    {issue.file}")
                if issue.path:
                    lines.append(f"    path:    {shown(issue.path) if '://' in issue.path else issue.path}")
                if issue.value is not None:
                    lines.append(f"    value:   {_show(issue.value)}")
                lines.append(f"    message: {issue.message}")
            lines.append("")
        lines.append(self.summary())
        return "\n".join(lines) + "\n"

    def json(self) -> str:
        document = {
            "format": JSON_FORMAT,
            "conforms": self.conforms,
            "fail_on": self.fail_on,
            "counts": self.counts(),
            "files": self.files,
            "results": [issue.as_json() for issue in self.issues],
            "engine": self.engine,
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    def turtle(self) -> str:
        """The SHACL validation report: pyshacl's results, plus the QC results in the same vocabulary."""
        out = rdflib.Graph()
        for prefix, namespace in NAMESPACES.items():
            out.bind(prefix, namespace)
        report = rdflib.BNode()
        out.add((report, RDF.type, SH.ValidationReport))
        out.add((report, SH.conforms, rdflib.Literal(self.conforms)))
        for issue in self.issues:
            source, node = issue.result
            for triple in source.cbd(node):
                out.add(triple)
            out.add((report, SH.result, node))
        return out.serialize(format="turtle")


def _show(value: str) -> str:
    """A value for people: IRIs compacted, long texts cut."""
    if "://" in value and " " not in value:
        return shown(value)
    return value if len(value) <= 160 else value[:157] + "..."


def node_id(node: rdflib.term.Node) -> str:
    """A node as reports show it: the IRI, _:id for a blank node, the lexical form of a literal."""
    return f"_:{node}" if isinstance(node, rdflib.BNode) else str(node)


def copy_path(source: rdflib.Graph, path: rdflib.term.Node, out: rdflib.Graph) -> None:
    """A SHACL path's structure copied as SHACL reads it: a list node keeps only its list (`rdf:first`/`rdf:rest`)."""
    stack = [path]
    while stack:
        node = stack.pop()
        if not isinstance(node, rdflib.BNode):
            continue
        is_list = (node, RDF.first, None) in source
        for predicate, obj in source.predicate_objects(node):
            if not is_list or predicate in (RDF.first, RDF.rest):
                out.add((node, predicate, obj))
                stack.append(obj)


def result_terms(graph: rdflib.Graph, result: rdflib.term.Node) -> str:
    """What tells two results apart beyond the report's strings: their terms, blank nodes left out."""
    terms = []
    for predicate in (SH.focusNode, SH.resultPath, SH.value, SH.resultSeverity):
        term = graph.value(result, predicate)
        terms.append("" if term is None or isinstance(term, rdflib.BNode) else term.n3())
    return " ".join(terms)


def pick_message(general: set[str] | tuple[str, ...], messages: list[str]) -> str:
    """The one message a report shows: a result's own (filled-in) message before its shape's general one."""
    ordered = sorted(messages)
    specific = [m for m in ordered if m not in general]
    return (specific or ordered or ["(no message)"])[0]


def make_issue(
    *,
    severity: str,
    check: str,
    check_label: str,
    component: str,
    focus: rdflib.term.Node,
    focus_label: str,
    file: str,
    path: rdflib.term.Node | None,
    path_text: str | None,
    value: rdflib.term.Node | None,
    message: str | rdflib.Literal,
    path_graph: rdflib.Graph | None = None,
    severity_iri: rdflib.term.Node | None = None,
    distinct: str = "",
) -> Issue:
    """An issue with a SHACL result node of its own, so that Turtle output is uniform whoever found it.

    `path_graph` holds the structure of a path that is not a plain IRI (an inverse path's blank node);
    `severity_iri` a severity of the shapes' own (reported as it is, counted as a violation); a
    message given as a literal keeps its language tag; `distinct` tells apart two results that
    SHACL counts twice (one value against two limits, one node reached from two focus nodes).
    """
    graph, node = rdflib.Graph(), rdflib.BNode()
    graph.add((node, RDF.type, SH.ValidationResult))
    graph.add((node, SH.focusNode, focus))
    graph.add((node, SH.resultSeverity, severity_iri or SEVERITY_IRIS[severity]))
    graph.add((node, SH.sourceShape, rdflib.URIRef(check) if "://" in check else rdflib.BNode(check[2:])))
    graph.add((node, SH.sourceConstraintComponent, rdflib.URIRef(component)))
    graph.add((node, SH.resultMessage, message if isinstance(message, rdflib.Literal) else rdflib.Literal(message)))
    if path is not None:
        graph.add((node, SH.resultPath, path))
        if path_graph is not None:
            copy_path(path_graph, path, graph)
    if value is not None:
        graph.add((node, SH.value, value))
    return Issue(
        severity,
        check,
        check_label,
        component,
        node_id(focus),
        focus_label,
        file,
        path_text,
        None if value is None else node_id(value),
        str(message),
        (graph, node),
        f"{result_terms(graph, node)} {distinct}",
    )


def qc_issue(
    *,
    severity: str,
    check: str,
    check_label: str,
    focus: rdflib.term.Node,
    focus_label: str,
    file: str,
    path: rdflib.term.Node | None,
    value: rdflib.term.Node | None,
    message: str,
) -> Issue:
    """An issue of a QC check (component `LINT_COMPONENT`)."""
    return make_issue(
        severity=severity,
        check=check,
        check_label=check_label,
        component=LINT_COMPONENT,
        focus=focus,
        focus_label=focus_label,
        file=file,
        path=path,
        path_text=None if path is None else str(path),
        value=value,
        message=message,
    )
