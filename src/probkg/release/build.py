"""Build the release artefact: the whole dataset as TriG plus a VoID description.

A build either completes or leaves the previous artefact exactly as it was:
everything is parsed first, then written to temporary files in the build
folder, fsynced, and only then moved over the old files with `os.replace`
(`core/atomic.py`). The builds before it are kept as `probation.trig.1` (the
last) to `.3` with their VoID, so a bad build published with `--no-validate`
can be rolled back by hand. One build at a time holds a lock on the build folder,
so the temporary files a killed build left behind can be removed safely.
(`probkg build` validates the data first; that is the CLI's step, as validation
is not this module's layer.)
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from probkg.core.atomic import replace_atomically, stale_temporaries
from probkg.core.paths import Layout
from probkg.rdf.store import KnowledgeGraph, load
from probkg.rdf.vocab import PREFIXES

ARTEFACT = "probation.trig"
VOID = "void.ttl"
DATASET_IRI = "https://w3id.org/probation-kg/dataset"
GENERATIONS = 3
"""Earlier builds kept beside the current one: probation.trig.1 (the newest) to .3."""


@dataclass(frozen=True)
class BuildResult:
    artefact: Path
    void: Path
    triples: int
    graphs: int


def void_description(kg: KnowledgeGraph) -> str:
    """VoID in Turtle: triple counts for the dataset, each named graph and each class."""
    lines = [
        "@prefix void: <http://rdfs.org/ns/void#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "",
        f"<{DATASET_IRI}> a void:Dataset ;",
        '    dcterms:title "probation-kg" ;',
        f"    void:triples {len(kg)} ;",
        "    void:vocabulary <https://w3id.org/probation-kg/ontology#> ;",
    ]
    parts = []
    for row in kg.solutions("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"):
        parts.append(
            f"    void:subset [ a void:Dataset ; dcterms:source <{row['g'].value}> ; void:triples {row['n'].value} ]"
        )
    for row in kg.solutions("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY ?c"):
        parts.append(f"    void:classPartition [ void:class <{row['c'].value}> ; void:entities {row['n'].value} ]")
    lines.append(" ;\n".join(parts) + " .")
    return "\n".join(lines) + "\n"


def build(lay: Layout, files: list[Path] | None = None) -> BuildResult:
    """Load everything (raising InputError on any bad file), then write the artefact."""
    kg = load(files, lay)
    out = lay.build
    out.mkdir(parents=True, exist_ok=True)
    artefact, void = out / ARTEFACT, out / VOID
    description = void_description(kg)
    with _locked(out):
        for stale in stale_temporaries(artefact) + stale_temporaries(void):
            stale.unlink(missing_ok=True)  # left by a killed build: the lock says none is running
        replace_atomically(
            artefact,
            lambda p: kg.store.dump(str(p), format=ox.RdfFormat.TRIG, prefixes=PREFIXES),
            keep=GENERATIONS,
        )
        replace_atomically(void, lambda p: p.write_text(description, encoding="utf-8"), keep=GENERATIONS)
    graphs = sum(1 for _ in kg.store.named_graphs())
    return BuildResult(artefact, void, len(kg), graphs)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on the build folder itself (no lock file to leave behind)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
