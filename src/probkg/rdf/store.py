"""The store layer: load Turtle files into one dataset, one named graph per file.

Oxigraph (pyoxigraph) is the embedded engine: it parses and answers SPARQL an
order of magnitude faster than rdflib's default store (see `bench/`). Every
other layer reaches the data through `KnowledgeGraph`, so the engine can change
here without touching callers. Validation is the one exception: pyshacl needs
an rdflib graph, and `rdflib_graph` parses the files with rdflib's own parser
because rdflib does not equate Oxigraph's `xsd:string` literals with plain ones
(`docs/tool-traps.md`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
import rdflib

from probkg.core.errors import InputError
from probkg.core.paths import Layout
from probkg.core.paths import layout as default_layout
from probkg.core.progress import steps
from probkg.rdf import inputs
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
        substitutions: dict[ox.Variable, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run SPARQL over the union of all named graphs, with the project's prefixes predeclared.

        `substitutions` binds variables to RDF terms before evaluation, so values
        never have to be pasted into query text.
        """
        return self.store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True, substitutions=substitutions)

    def solutions(self, sparql: str) -> ox.QuerySolutions:
        """Run a SELECT and return its solutions (rows of terms)."""
        return solutions(self.query(sparql))

    def select(self, sparql: str) -> list[dict[str, str]]:
        """Run a SELECT and return rows of plain strings (values, not terms)."""
        solutions = self.solutions(sparql)
        names = [v.value for v in solutions.variables]
        return [{name: term.value for name in names if (term := row[name]) is not None} for row in solutions]

    def __len__(self) -> int:
        return len(self.store)

    def graph_of(self, path: Path) -> str:
        return self.layout.graph_name(path)


def solutions(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> ox.QuerySolutions:
    """A SELECT's result as what it is: pyoxigraph types every query's result as any of the three forms."""
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"a SELECT was expected, not a query giving {type(result).__name__}")
    return result


def load(
    files: Iterable[Path] | None = None, lay: Layout | None = None, *, resolve_relative: bool = False
) -> KnowledgeGraph:
    """Load the ontology and graph files (by default all of them) into a new store.

    Each file becomes its own named graph, so every triple keeps its provenance.
    Files go through `inputs.read` first, so a hostile file is refused before
    Oxigraph parses it. A relative IRI is an error unless `resolve_relative`,
    which resolves it against the file's own location, as rdflib (and so
    pyshacl) does: validation reads files as pyshacl would; a build refuses them.
    """
    lay = lay or default_layout()
    paths = list(files) if files is not None else lay.data_files()
    store = ox.Store()
    for path in steps(paths, "loading", len(paths)):
        source = inputs.read(path)
        graph = ox.NamedNode(lay.graph_name(path))
        if source.format.oxigraph.supports_datasets:  # JSON-LD: triples only, all into the file's graph
            store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in _triples(source))
            continue
        base = path.resolve().as_uri() if resolve_relative else None
        try:
            store.bulk_load(input=source.data, format=source.format.oxigraph, to_graph=graph, base_iri=base)
        except (SyntaxError, ValueError, OSError) as exc:
            raise inputs.syntax_error(path, exc) from None
    return KnowledgeGraph(store, paths, lay)


def _triples(source: inputs.RdfInput, resolve_relative: bool = False) -> list[ox.Triple]:
    """The triples of checked input; a file of named graphs is refused, since it is loaded as one graph."""
    base = source.path.resolve().as_uri() if resolve_relative else None
    try:
        quads = list(ox.parse(input=source.data, format=source.format.oxigraph, base_iri=base))
    except (SyntaxError, ValueError, OSError) as exc:
        raise inputs.syntax_error(source.path, exc) from None
    if any(not isinstance(q.graph_name, ox.DefaultGraph) for q in quads):
        raise InputError(str(source.path), "a file of named graphs cannot be loaded as one named graph; give triples")
    return [q.triple for q in quads]


def file_triples(path: Path, resolve_relative: bool = False) -> list[ox.Triple]:
    """One file's triples, read through `inputs.read` (for uploading a file as one named graph, or for
    validation to see its literals as written, before a store normalises them; see `load`)."""
    return _triples(inputs.read(path), resolve_relative)


def load_artefact(path: Path) -> ox.Store:
    """A built artefact (the TriG `probkg build` writes) loaded as the dataset it holds, for serving.

    The file is parsed from its path, not read into memory first: at 5,000
    inspections it is far over `inputs.MAX_BYTES` and copying it would double
    the serving process's peak. `inputs.streamable` checks what can be checked
    without its bytes: it is a format with no entities, no contexts and nothing
    to fetch.
    """
    fmt = inputs.streamable(path)
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=fmt.oxigraph)
    except (SyntaxError, ValueError, OSError) as exc:
        raise inputs.syntax_error(path, exc) from None
    return store


def rdflib_graph(paths: Iterable[Path]) -> rdflib.Graph:
    """Parse files (guarded by `inputs.read`) with rdflib's own parsers into one graph, for pyshacl."""
    graph = rdflib.Graph()
    for path in paths:
        inputs.parse_into(graph, inputs.read(path))
    return graph


def rdflib_dataset(paths: Iterable[Path], lay: Layout) -> rdflib.Dataset:
    """Parse files (guarded by `inputs.read`) with rdflib into one dataset, a named graph per file, as `load` does."""
    dataset = rdflib.Dataset(default_union=True)
    for path in paths:
        inputs.parse_into(dataset.graph(rdflib.URIRef(lay.graph_name(path))), inputs.read(path))
    return dataset


def ntriples_triples(data: bytes) -> list[ox.Triple]:
    """Another engine's graph answer (N-Triples, which has no construct that reaches out) in pyoxigraph's terms."""
    return [quad.triple for quad in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]


def artefact_quads(source: BinaryIO) -> Iterator[ox.Quad]:
    """The quads of a built artefact (TriG, as `load_artefact` reads it), parsed as they are read from `source`."""
    return ox.parse(source, format=ox.RdfFormat.TRIG)
