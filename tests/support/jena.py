"""Apache Jena's SHACL validator as a second opinion on pyshacl.

scripts/setup.d/jena.sh builds the classpath (Debian's jars do not run as
installed; ../shared/notes/jena-shacl.md). Jena gets the same shapes and the
same data as pyshacl, as N-Triples, with blank nodes skolemised into IRIs so
that the focus nodes of both reports can be matched: a blank focus node is
known on both sides by what points at it ("oa:hasSelector of quote:...").
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import rdflib
from rdflib.namespace import SH

from probkg.checks.rdflib_data import DataGraph
from probkg.checks.report import LINT_COMPONENT, node_id, severity_name

CLASSPATH = Path(".cache") / "jena" / "classpath"
JVM_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
"""A run lasts seconds: the quick compiler and one GC thread take less than half the CPU of the defaults."""
SKOLEM_BASE = "https://rdflib.github.io/.well-known/genid/rdflib/"

Key = tuple[str, str, str]
"""A result as both engines can state it: focus node, source shape, severity."""


def classpath(root: Path) -> str | None:
    path = root / CLASSPATH
    return path.read_text(encoding="utf-8").strip() if path.is_file() else None


def focus_key(data: DataGraph, focus: rdflib.term.Node) -> str:
    """An IRI as itself; a blank node (skolemised or not) by what points at it."""
    if isinstance(focus, rdflib.URIRef) and str(focus).startswith(SKOLEM_BASE):
        focus = rdflib.BNode(str(focus)[len(SKOLEM_BASE) :])
    return f"[{data.label_of(focus)}]" if isinstance(focus, rdflib.BNode) else str(focus)


def ntriples(graph: rdflib.Graph) -> bytes:
    """One file's triples for Jena, blank nodes skolemised (their ids stay recoverable)."""
    return graph.skolemize().serialize(format="nt", encoding="utf-8")


def run(cp: str, shapes_file: Path, data_files: list[bytes], folder: Path) -> rdflib.Graph:
    """Jena's validation report for the data (the N-Triples of each file) against the shapes."""
    folder.mkdir(parents=True, exist_ok=True)
    data_file = folder / "data.nt"
    data_file.write_bytes(b"".join(data_files))
    done = subprocess.run(
        [
            "java",
            *JVM_FLAGS,
            "-cp",
            cp,
            "shacl.shacl",
            "validate",
            "--shapes",
            str(shapes_file),
            "--data",
            str(data_file),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"Jena failed ({done.returncode}): {done.stderr[-2000:]}"
    report = rdflib.Graph()
    report.parse(data=done.stdout, format="turtle")
    return report


def jena_keys(data: Callable[[], DataGraph], report: rdflib.Graph) -> set[Key]:
    """Jena's results as keys; `data` (the validated data, built only if a blank focus node needs naming)."""
    results = list(report.objects(None, SH.result))
    skolemised = any(str(report.value(r, SH.focusNode)).startswith(SKOLEM_BASE) for r in results)
    graph = data() if skolemised else None
    return {
        (
            focus_key(graph, report.value(r, SH.focusNode)) if graph else str(report.value(r, SH.focusNode)),
            node_id(report.value(r, SH.sourceShape)),
            severity_name(report.value(r, SH.resultSeverity)),
        )
        for r in results
    }


def jena_conforms(report: rdflib.Graph) -> bool:
    return bool(next(report.objects(None, SH.conforms)).toPython())


def our_keys(results: list[dict]) -> set[Key]:
    """The SHACL results (not the QC checks) of a `probkg validate --format json` run."""
    return {
        (f"[{r['focus_label']}]" if r["focus"].startswith("_:") else r["focus"], r["shape"], r["severity"])
        for r in results
        if r["component"] != LINT_COMPONENT
    }
