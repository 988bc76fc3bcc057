"""The data being checked, as rdflib graphs: one per file and their union.

pyshacl validates the union, parsed by rdflib's own parsers: over Oxigraph's
literals it reports a thousand false `sh:in` violations (`docs/tool-traps.md`). The
per-file graphs are kept beside it because a check result must name the file
a node comes from, and because the QC checks look at what `graph/` uses, not
at what the ontology declares.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query

from probkg.checks.fast_shacl import Rewrite, rewrites
from probkg.checks.report import shown
from probkg.rdf import inputs
from probkg.rdf.names import LABEL_PREDICATES, preferred_label
from probkg.sparql.guard import refuse_outbound


class PreparedQueryGraph(rdflib.Graph):
    """An rdflib graph that parses each distinct query text once, and refuses remote ones.

    pyshacl sends a SHACL-SPARQL constraint's text for every focus node and
    rdflib parses it every time, which cost two thirds of a validation run
    (`docs/tool-traps.md`); the text does not change between focus nodes (they are
    passed as bindings), so one parse per text is enough. Every query pyshacl
    runs passes through here, so this is also the last place to stop a shapes
    file from making rdflib fetch a URL.
    """

    def __init__(self) -> None:
        super().__init__()
        self._prepared: dict[str, Query] = {}

    def query(self, query_object, *args, **kwargs):
        if isinstance(query_object, str):
            prepared = self._prepared.get(query_object)
            if prepared is None:
                prepared = prepareQuery(query_object, initNs=dict(self.namespaces()))
                refuse_outbound(prepared)
                self._prepared[query_object] = prepared
            query_object = prepared
        else:
            refuse_outbound(query_object)
        return super().query(query_object, *args, **kwargs)


Triple = tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]


class CheckedData(Protocol):
    """What the QC checks and reports ask of the data under check, whichever store holds it.

    `DataGraph` (rdflib, for pyshacl) and `oxdata.OxData` (Oxigraph, for the
    fast path) both answer, in rdflib terms, so `lint` has one implementation.
    The questions are narrow (which predicates a file uses, which IRIs it
    names) so that a store can answer them without handing over every triple:
    converting 400,000 triples to rdflib terms took longer than checking them.
    """

    @property
    def files(self) -> list[str]:
        """The files read, as reports name them, in reading order."""

    def triples_of(
        self, name: str, predicate: rdflib.URIRef | None = None, obj: rdflib.term.Node | None = None
    ) -> Iterable[Triple]: ...
    def is_ontology(self, name: str) -> bool: ...
    def ontology(self) -> rdflib.Graph: ...
    def predicates_of(self, name: str) -> set[rdflib.URIRef]: ...
    def classes_of(self, name: str) -> set[rdflib.term.Identifier]:
        """The objects of rdf:type in the file."""

    def objects_in(self, name: str, namespace: str) -> set[rdflib.URIRef]:
        """The IRIs under `namespace` that the file uses as objects."""

    def undescribed(self, iris: set[rdflib.URIRef]) -> set[rdflib.URIRef]:
        """Those of `iris` that are the subject of no triple in any file."""

    def untyped_subjects(self, namespace: str) -> set[rdflib.URIRef]:
        """Subjects under `namespace` without an rdf:type."""

    def subject_objects(self, predicate: rdflib.URIRef) -> Iterable[tuple[rdflib.term.Node, rdflib.term.Node]]: ...
    def rewritten_literals(self) -> list[Rewrite]:
        """The literals a store (Oxigraph) would keep in another form than the file writes them."""

    def file_of(self, node: rdflib.term.Node) -> str: ...
    def label_of(self, node: rdflib.term.Node) -> str: ...


def label_from(objects: Callable[[rdflib.URIRef], Iterable[rdflib.term.Node]]) -> str:
    """A node's display label by the one rule (`probkg.rdf.names.preferred_label`), from a function
    that lists the node's objects for a predicate: either store, rdflib's or Oxigraph's, can answer."""
    return preferred_label(
        (predicate, str(o), o.language)
        for predicate in LABEL_PREDICATES
        for o in objects(rdflib.URIRef(predicate))
        if isinstance(o, rdflib.Literal)
    )


@dataclass
class DataGraph:
    """The files under check: each file's graph, their union, and where each node is described."""

    parts: dict[str, rdflib.Graph]
    """File path relative to the project root (as reports show it) -> the triples it holds."""
    ontology_files: frozenset[str] = field(default_factory=frozenset)
    union: PreparedQueryGraph = field(init=False)

    def __post_init__(self) -> None:
        self.union = PreparedQueryGraph()
        for graph in self.parts.values():
            for prefix, namespace in graph.namespaces():
                self.union.bind(prefix, namespace, override=False)
            self.union += graph

    @classmethod
    def read(cls, paths: Iterable[Path], root: Path, ontology: Path) -> DataGraph:
        """Read files through the guards of `inputs`; `ontology` is the folder of declarations.

        Every file is read and checked before any is parsed, so a hostile or
        oversized file is refused at once, whatever its place in the list.
        """
        sources = [inputs.read(path) for path in paths]
        parts: dict[str, rdflib.Graph] = {}
        for source in sources:
            graph = rdflib.Graph()
            inputs.parse_into(graph, source)
            parts[relative_name(source.path, root)] = graph
        ontology_files = {relative_name(p, root) for p in paths if p.resolve().is_relative_to(ontology.resolve())}
        return cls(parts, frozenset(ontology_files))

    @cached_property
    def _subject_files(self) -> dict[rdflib.term.Node, str]:
        found: dict[rdflib.term.Node, str] = {}
        for name, graph in self.parts.items():
            for subject in graph.subjects(unique=True):
                found.setdefault(subject, name)
        return found

    def file_of(self, node: rdflib.term.Node) -> str:
        """The first file that describes the node (or, failing that, mentions it)."""
        if node in self._subject_files:
            return self._subject_files[node]
        for name, graph in self.parts.items():
            if (None, None, node) in graph or (None, node, None) in graph:
                return name
        return ""

    def label_of(self, node: rdflib.term.Node) -> str:
        """What people call the node: its label, or for a blank node what it belongs to."""
        label = label_from(lambda predicate: self.union.objects(node, predicate))
        if label or not isinstance(node, rdflib.BNode):
            return label
        for owner, predicate in self.union.subject_predicates(node):
            return f"{shown(str(predicate))} of {shown(str(owner))}"
        return ""

    @property
    def files(self) -> list[str]:
        return list(self.parts)

    def triples_of(
        self, name: str, predicate: rdflib.URIRef | None = None, obj: rdflib.term.Node | None = None
    ) -> Iterator[Triple]:
        return self.parts[name].triples((None, predicate, obj))

    def is_ontology(self, name: str) -> bool:
        return name in self.ontology_files

    def predicates_of(self, name: str) -> set[rdflib.URIRef]:
        return {p for p in self.parts[name].predicates(unique=True) if isinstance(p, rdflib.URIRef)}

    def classes_of(self, name: str) -> set[rdflib.term.Identifier]:
        return {
            o for o in self.parts[name].objects(None, RDF.type, unique=True) if isinstance(o, rdflib.term.Identifier)
        }

    def objects_in(self, name: str, namespace: str) -> set[rdflib.URIRef]:
        return {
            o
            for o in self.parts[name].objects(unique=True)
            if isinstance(o, rdflib.URIRef) and str(o).startswith(namespace)
        }

    def undescribed(self, iris: set[rdflib.URIRef]) -> set[rdflib.URIRef]:
        return {iri for iri in iris if (iri, None, None) not in self.union}

    def untyped_subjects(self, namespace: str) -> set[rdflib.URIRef]:
        return {
            s
            for s in self.union.subjects(unique=True)
            if isinstance(s, rdflib.URIRef) and str(s).startswith(namespace) and (s, RDF.type, None) not in self.union
        }

    def subject_objects(self, predicate: rdflib.URIRef) -> Iterator[tuple[rdflib.term.Node, rdflib.term.Node]]:
        return self.union.subject_objects(predicate, unique=True)

    def rewritten_literals(self) -> list[Rewrite]:
        def triples() -> Iterator[tuple[str, ox.Triple]]:
            for name, graph in self.parts.items():
                for s, p, o in graph:
                    if isinstance(o, rdflib.Literal) and o.datatype is not None:
                        subject = ox.BlankNode(str(s)) if isinstance(s, rdflib.BNode) else ox.NamedNode(str(s))
                        literal = ox.Literal(str(o), datatype=ox.NamedNode(str(o.datatype)))
                        yield name, ox.Triple(subject, ox.NamedNode(str(p)), literal)

        return rewrites(triples())

    def ontology(self) -> rdflib.Graph:
        """The union of the ontology files."""
        graph = rdflib.Graph()
        for name in self.ontology_files:
            graph += self.parts[name]
        return graph


def relative_name(path: Path, root: Path) -> str:
    """A path as reports show it: relative to the project root where it can be."""
    resolved = path.resolve()
    return resolved.relative_to(root.resolve()).as_posix() if resolved.is_relative_to(root.resolve()) else str(path)
