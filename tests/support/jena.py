"""Apache Jena's SHACL validator as a second opinion on pyshacl.

scripts/setup.d/jena.sh builds the classpath (Debian's jars do not run as
installed; docs/tool-traps.md) and compiles JenaBatch.java. Jena gets the
same shapes and the same data as pyshacl, as N-Triples, with blank nodes
skolemised into IRIs so that the focus nodes of both reports can be matched: a
blank focus node is known on both sides by what points at it
("oa:hasSelector of quote:...").
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
BATCH = Path(".cache") / "jena" / "batch"
"""JenaBatch.class, compiled by the setup."""
JVM_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
"""The quick compiler and one GC thread: over the whole batch, a quarter less CPU than the optimising compiler."""
SKOLEM_BASE = "https://rdflib.github.io/.well-known/genid/rdflib/"

Key = tuple[str, str, str]
"""A result as both engines can state it: focus node, source shape, severity."""


def classpath(root: Path) -> str | None:
    """The batch validator's folder and Jena's jars, as `java -cp` takes them; None if the setup did not run."""
    path, batch = root / CLASSPATH, root / BATCH
    if not path.is_file() or not (batch / "JenaBatch.class").is_file():
        return None
    return f"{batch}:{path.read_text(encoding='utf-8').strip()}"


def focus_key(data: DataGraph, focus: rdflib.term.Node) -> str:
    """An IRI as itself; a blank node (skolemised or not) by what points at it."""
    if isinstance(focus, rdflib.URIRef) and str(focus).startswith(SKOLEM_BASE):
        focus = rdflib.BNode(str(focus)[len(SKOLEM_BASE) :])
    return f"[{data.label_of(focus)}]" if isinstance(focus, rdflib.BNode) else str(focus)


def ntriples(graph: rdflib.Graph) -> bytes:
    """One file's triples for Jena, blank nodes skolemised (their ids stay recoverable)."""
    return graph.skolemize().serialize(format="nt", encoding="utf-8")


def run(cp: str, shapes_file: Path, jobs: dict[str, list[Path]], folder: Path) -> dict[str, rdflib.Graph]:
    """Jena's validation report for each job (the union of its N-Triples files) against the shapes.

    One JVM runs every job (JenaBatch.java, which validates the way `shacl
    validate` does) and reads a file shared by several jobs once: a JVM per
    job cost about 2.8 s of CPU, most of it starting Java and Jena.
    """
    folder.mkdir(parents=True, exist_ok=True)
    reports = {name: folder / f"report-{i}.nt" for i, name in enumerate(jobs)}
    lines = "".join("\t".join(map(str, [reports[name], *files])) + "\n" for name, files in jobs.items())
    done = subprocess.run(
        ["java", *JVM_FLAGS, "-cp", cp, "JenaBatch", str(shapes_file)],
        input=lines,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"Jena failed ({done.returncode}): {done.stderr[-2000:]}"
    return {name: rdflib.Graph().parse(path, format="nt") for name, path in reports.items()}


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
