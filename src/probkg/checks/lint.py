"""Ontology and data QC: the checks SHACL shapes cannot make about the graph as a whole.

A shape only sees nodes its targets reach, so a misspelt class
(`pko:Findng`) or predicate (`pko:hasEvidense`) slips past every shape
silently; a term of ours without a definition is a gap in the documentation;
and a label or acronym shared by two entities makes entity linking at ingest
ambiguous. These checks run in `probkg lint` and in every `probkg validate`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from probkg.checks.rdflib_data import CheckedData
from probkg.checks.report import Issue, qc_issue, shown
from probkg.rdf.names import fold
from probkg.rdf.vocab import ENTITY_KINDS, ID_BASE, PKS, PREFIXES

PKO = PREFIXES["pko"]

UNDECLARED_TERM = PKS + "UndeclaredTermCheck"
UNDOCUMENTED_TERM = PKS + "UndocumentedTermCheck"
SHARED_NAME = PKS + "SharedNameCheck"
DANGLING_REFERENCE = PKS + "DanglingReferenceCheck"
UNTYPED_NODE = PKS + "UntypedNodeCheck"
CONTRADICTING_NOTE = PKS + "ContradictingNoteCheck"
REWRITTEN_LITERAL = PKS + "RewrittenLiteralCheck"
CHECKS = {
    UNDECLARED_TERM: "class or predicate declared nowhere",
    UNDOCUMENTED_TERM: "term of ours without label or definition",
    SHARED_NAME: "label or acronym shared by two entities",
    DANGLING_REFERENCE: "reference to an IRI described nowhere",
    UNTYPED_NODE: "node with no class",
    CONTRADICTING_NOTE: "curator's note that the data contradicts",
    REWRITTEN_LITERAL: "literal the store will change",
}
"""The QC checks, by IRI (in the shapes namespace, so reports group them like shapes)."""

DECLARATIONS = (OWL.Class, RDFS.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property)
BUILT_IN = frozenset(
    term for namespace in (RDF, RDFS, OWL) for term in dir(namespace) if isinstance(term, rdflib.URIRef)
)
"""The terms RDF, RDFS and OWL define: used freely, never declared by us, but still spelt right."""
TRUE = rdflib.Literal(True)

NAME_PREDICATES = (RDFS.label, SKOS.prefLabel, SKOS.altLabel)


NOTE_PREDICATES = (rdflib.URIRef(PKO + "editorialNote"), SKOS.editorialNote)
DATE_PREDICATES = tuple(
    rdflib.URIRef(iri)
    for iri in (
        PREFIXES["schema"] + "startDate",
        PREFIXES["schema"] + "endDate",
        PREFIXES["dcterms"] + "issued",
        PKO + "date",
        PKO + "referencePeriod",
    )
)
UNDATED = re.compile(r"\b(undated|not dated|gives? no date|no date is given|date unknown)\b", re.IGNORECASE)
"""How a note says that the sources give a node no date."""


def declared_terms(ontology: rdflib.Graph) -> set[rdflib.URIRef]:
    """Every class and property the ontology (with its import module) declares."""
    return {s for kind in DECLARATIONS for s in ontology.subjects(RDF.type, kind) if isinstance(s, rdflib.URIRef)}


def _kind(iri: rdflib.term.Node) -> str | None:
    if isinstance(iri, rdflib.URIRef) and str(iri).startswith(ID_BASE):
        return str(iri)[len(ID_BASE) :].split("/", 1)[0]
    return None


class Checker:
    """Runs the QC checks over one DataGraph; each check yields issues."""

    def __init__(self, data: CheckedData) -> None:
        self.data = data
        self.declared = declared_terms(data.ontology()) | BUILT_IN

    def issue(
        self,
        check: str,
        severity: str,
        focus: rdflib.term.Node,
        file: str,
        message: str,
        path: rdflib.term.Node | None = None,
        value: rdflib.term.Node | None = None,
    ) -> Issue:
        return qc_issue(
            severity=severity,
            check=check,
            check_label=CHECKS[check],
            focus=focus,
            focus_label=self.data.label_of(focus),
            file=file,
            path=path,
            value=value,
            message=message,
        )

    def undeclared_terms(self) -> Iterator[Issue]:
        """A class or predicate used in graph/ that no ontology file declares: almost always a typo."""
        for name in self.data.files:
            if self.data.is_ontology(name):
                continue
            for p in sorted(self.data.predicates_of(name) - self.declared):
                for s, _, _ in self.data.triples_of(name, predicate=p):
                    yield self.issue(
                        UNDECLARED_TERM,
                        "violation",
                        s,
                        name,
                        f"The predicate {shown(str(p))} is declared nowhere in the ontology: "
                        "a typo, or a term to add to ontology/.",
                        path=p,
                    )
            for o in sorted(self.data.classes_of(name) - self.declared):
                for s, _, _ in self.data.triples_of(name, predicate=RDF.type, obj=o):
                    yield self.issue(
                        UNDECLARED_TERM,
                        "violation",
                        s,
                        name,
                        f"The class {shown(str(o))} is declared nowhere in the ontology: "
                        "a typo, or a class to add to ontology/.",
                        path=RDF.type,
                        value=o,
                    )

    def undocumented_terms(self) -> Iterator[Issue]:
        """A pko: term without rdfs:label or skos:definition: the ontology must explain every term of ours."""
        ontology = self.data.ontology()
        for term in sorted(t for t in declared_terms(ontology) if str(t).startswith(PKO)):
            for predicate in (RDFS.label, SKOS.definition):
                if (term, predicate, None) not in ontology:
                    yield self.issue(
                        UNDOCUMENTED_TERM,
                        "violation",
                        term,
                        self.data.file_of(term),
                        f"{shown(str(term))} has no {shown(str(predicate))}: "
                        "every term of ours needs a label and a definition.",
                        path=predicate,
                    )

    def shared_names(self) -> Iterator[Issue]:
        """Two entities with the same name (label, preferred label or acronym), after folding case and quotes."""
        holders: dict[str, dict[rdflib.URIRef, tuple[rdflib.URIRef, rdflib.Literal]]] = defaultdict(dict)
        for predicate in NAME_PREDICATES:
            # sorted, so the name kept for an entity with two spellings is the same whichever store lists them
            for entity, name in sorted(
                self.data.subject_objects(predicate), key=lambda pair: (str(pair[0]), str(pair[1]))
            ):
                if (
                    isinstance(entity, rdflib.URIRef)
                    and _kind(entity) in ENTITY_KINDS
                    and isinstance(name, rdflib.Literal)
                ):
                    holders[fold(name)].setdefault(entity, (predicate, name))
        for entities in holders.values():
            if len(entities) < 2:
                continue
            ordered = sorted(entities)
            first = ordered[0]
            predicate, name = entities[first]
            others = ", ".join(f"{shown(str(e))} (as {shown(str(entities[e][0]))})" for e in ordered[1:])
            what = "acronym or variant" if SKOS.altLabel in {p for p, _ in entities.values()} else "label"
            yield self.issue(
                SHARED_NAME,
                "warning",
                first,
                self.data.file_of(first),
                f'The {what} "{name}" names more than one entity: also {others}. '
                "Entity linking cannot tell them apart.",
                path=predicate,
                value=name,
            )

    def dangling_references(self) -> Iterator[Issue]:
        """An IRI of ours used as an object but described nowhere: a typo or a missing entity."""
        for name in self.data.files:
            for o in sorted(self.data.undescribed(self.data.objects_in(name, ID_BASE))):
                for s, p, _ in self.data.triples_of(name, obj=o):
                    yield self.issue(
                        DANGLING_REFERENCE,
                        "violation",
                        s,
                        name,
                        f"{shown(str(o))} is used here but described nowhere in the graph: "
                        "a typo, or an entity still to add.",
                        path=p,
                        value=o,
                    )

    def untyped_nodes(self) -> Iterator[Issue]:
        """A node of ours with no rdf:type: no shape targets it, so nothing about it is checked.

        A former IRI (`owl:deprecated true`, graph/reference/deprecated-iris.ttl) is untyped on purpose:
        it only points to its replacement, and typing it would count it as an entity twice over."""
        former = {s for s, o in self.data.subject_objects(OWL.deprecated) if o == TRUE}
        for subject in sorted(self.data.untyped_subjects(ID_BASE) - former):
            if _kind(subject) is not None:
                yield self.issue(
                    UNTYPED_NODE,
                    "violation",
                    subject,
                    self.data.file_of(subject),
                    f"{shown(str(subject))} has no class (rdf:type), so no shape checks it.",
                    path=RDF.type,
                )

    def contradicting_notes(self) -> Iterator[Issue]:
        """A note saying a node is undated on a node that has a date: the note or the date is stale."""
        dated: dict[rdflib.term.Node, tuple[rdflib.URIRef, rdflib.term.Node]] = {}
        for predicate in DATE_PREDICATES:
            for subject, value in self.data.subject_objects(predicate):
                dated.setdefault(subject, (predicate, value))
        for predicate in NOTE_PREDICATES:
            for subject, note in sorted(self.data.subject_objects(predicate), key=lambda pair: str(pair)):
                if subject in dated and UNDATED.search(str(note)):
                    date_predicate, value = dated[subject]
                    yield self.issue(
                        CONTRADICTING_NOTE,
                        "warning",
                        subject,
                        self.data.file_of(subject),
                        f"The note says there is no date, but the node has {shown(str(date_predicate))} "
                        f"{value}: correct the note or the date.",
                        path=predicate,
                        value=note,
                    )

    def rewritten_literals(self) -> Iterator[Issue]:
        """A literal the store keeps in another form: exports and the endpoint would serve what the file does not say.

        Oxigraph stores a derived integer type as xsd:integer and a
        non-canonical form canonically ("024"^^xsd:nonNegativeInteger as
        "24"^^xsd:integer); the fix is to write the base type, canonically.
        """
        for found in self.data.rewritten_literals():
            yield self.issue(
                REWRITTEN_LITERAL,
                "warning",
                found.subject,
                found.file,
                f"The store keeps {found.written} as {found.stored}: exports and the endpoint will serve the "
                "second form. Write it that way (a base datatype such as xsd:integer, in canonical form).",
                path=found.predicate,
            )

    def all(self) -> list[Issue]:
        checks: list[Callable[[], Iterator[Issue]]] = [
            self.undeclared_terms,
            self.undocumented_terms,
            self.shared_names,
            self.dangling_references,
            self.untyped_nodes,
            self.contradicting_notes,
            self.rewritten_literals,
        ]
        return [issue for check in checks for issue in check()]


def check(data: CheckedData) -> list[Issue]:
    """Every QC issue in the data."""
    return Checker(data).all()
