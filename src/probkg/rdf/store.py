"""The store layer: load Turtle files into one dataset, one named graph per file.

Oxigraph (pyoxigraph) is the embedded engine: it parses and answers SPARQL an
order of magnitude faster than rdflib's default store (see `bench/`). Every
other layer reaches the data through `KnowledgeGraph`, so the engine can change
here without touching callers. Validation is the one exception: pyshacl needs
an rdflib graph, and `rdflib_graph` parses the files with rdflib's own parser
because rdflib does not equate Oxigraph's `xsd:string` literals with plain ones
(`../shared/notes/traps.md`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib

from probkg.core.errors import InputError
from probkg.core.paths import Layout
from probkg.core.paths import layout as default_layout
from probkg.core.progress import steps
from probkg.rdf import inputs
from probkg.rdf.inputs import syntax_error as _input_error  # the name other modules import
from probkg.rdf.vocab import PREFIXES


@dataclass
class KnowledgeGraph:
    """The loaded dataset: an Oxigraph store plus the files it came from."""

    store: ox.Store
    files: list[Path] = field(default_factory=list)
    layout: Layout = field(default_factory=default_layout)

    def query(
        self,
        sparql: str,
        substitutions: dict[ox.Variable, ox.NamedNode | ox.Literal] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run SPARQL over the union of all named graphs, with the project's prefixes predeclared.

        `substitutions` binds variables to RDF terms before evaluation, so values
        never have to be pasted into query text.
        """
        return self.store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True, substitutions=substitutions)

    def select(self, sparql: str) -> list[dict[str, str]]:
        """Run a SELECT and return rows of plain strings (values, not terms)."""
        solutions = self.query(sparql)
        names = [v.value for v in solutions.variables]
        return [{name: term.value for name in names if (term := row[name]) is not None} for row in solutions]

    def __len__(self) -> int:
        return len(self.store)

    def graph_of(self, path: Path) -> str:
        return self.layout.graph_name(path)


def parse_check(path: Path) -> None:
    """Parse one Turtle file without loading it, raising InputError on a syntax error."""
    try:
        for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            pass
    except (SyntaxError, ValueError, OSError) as exc:
        raise _input_error(path, exc) from None


def load(files: Iterable[Path] | None = None, lay: Layout | None = None) -> KnowledgeGraph:
    """Load the ontology and graph files (by default all of them) into a new store.

    Each file becomes its own named graph, so every triple keeps its provenance.
    Files go through `inputs.read` first, so a hostile file is refused before
    Oxigraph parses it.
    """
    lay = lay or default_layout()
    paths = list(files) if files is not None else lay.data_files()
    store = ox.Store()
    for path in steps(paths, "loading", len(paths)):
        source = inputs.read(path)
        graph = ox.NamedNode(lay.graph_name(path))
        try:
            if source.format.oxigraph.supports_datasets:  # JSON-LD: triples only, all into the file's graph
                quads = list(ox.parse(input=source.data, format=source.format.oxigraph))
                if any(not isinstance(q.graph_name, ox.DefaultGraph) for q in quads):
                    raise InputError(
                        str(path), "a file of named graphs cannot be loaded as one named graph; give triples"
                    )
                store.extend(ox.Quad(q.subject, q.predicate, q.object, graph) for q in quads)
            else:
                store.bulk_load(input=source.data, format=source.format.oxigraph, to_graph=graph)
        except (SyntaxError, ValueError, OSError) as exc:
            raise _input_error(path, exc) from None
    return KnowledgeGraph(store, paths, lay)


def load_trig(path: Path, lay: Layout | None = None) -> KnowledgeGraph:
    """Load a built artefact (TriG) back into a store."""
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
    except (SyntaxError, ValueError, OSError) as exc:
        raise _input_error(path, exc) from None
    return KnowledgeGraph(store, [path], lay or default_layout())


def rdflib_graph(paths: Iterable[Path]) -> rdflib.Graph:
    """Parse files (guarded by `inputs.read`) with rdflib's own parsers into one graph, for pyshacl."""
    graph = rdflib.Graph()
    for path in paths:
        inputs.parse_into(graph, inputs.read(path))
    return graph
