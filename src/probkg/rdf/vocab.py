"""The project's namespaces and IRI bases: the one place a prefix or an IRI kind is declared.

Every layer that writes, reads or shortens an IRI takes its prefixes from here,
so a query, a report and a Turtle draft never disagree about what `pko:` or
`organisation:` means.
"""

from __future__ import annotations

PREFIXES = {
    "dcterms": "http://purl.org/dc/terms/",
    "oa": "http://www.w3.org/ns/oa#",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "pko": "https://w3id.org/probation-kg/ontology#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "sosa": "http://www.w3.org/ns/sosa/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
ID_BASE = "https://w3id.org/probation-kg/id/"
ID_KINDS = (
    "organisation",
    "person",
    "place",
    "programme",
    "training",
    "service",
    "initiative",
    "contract",
    "system",
    "arrangement",
    "legislation",
    "document",
    "inspection",
    "framework",
    "vocab",
    "theme",
    "measure",
    "rating",
    "observation",
    "finding",
    "recommendation",
    "claim",
    "quote",
    "event",
    "ownership",
    "membership",
    "population",
)
PREFIXES.update({kind: f"{ID_BASE}{kind}/" for kind in ID_KINDS})

ENTITY_KINDS = (
    "organisation",
    "person",
    "place",
    "programme",
    "training",
    "service",
    "initiative",
    "contract",
    "system",
    "arrangement",
    "legislation",
)
"""The kinds of IRI that name things in the world: named in report text, linked at ingest, shown as entities."""

ENTITY_KIND_CLASSES = (
    ("arrangement", "pko:MultiAgencyArrangement"),
    ("organisation", "org:Organization"),
    ("person", "pko:Person"),
    ("place", "pko:Place"),
    ("programme", "pko:Programme"),
    ("training", "pko:StaffTraining"),
    ("service", "pko:Service"),
    ("initiative", "pko:Initiative"),
    ("contract", "pko:Contract"),
    ("system", "pko:SystemOrTool"),
    ("legislation", "pko:Legislation"),
)
"""Which class each entity kind's IRIs name: an entity's kind is the first here whose class
(or a subclass of it) the entity has. Arrangements come before organisations because
`pko:MultiAgencyArrangement` is an `org:OrganizationalCollaboration`, itself an organisation."""

EVIDENCED_KINDS = ENTITY_KINDS + (
    "framework",
    "document",
    "inspection",
    "rating",
    "observation",
    "finding",
    "recommendation",
    "claim",
    "event",
    "ownership",
    "membership",
)
"""The kinds of IRI that must carry evidence (`probkg check-evidence`): every entity, and every fact or framework.

The rest of `ID_KINDS` are the curators' own terms (vocabularies, themes,
measures, populations: defined in our words) or the evidence itself (quotes).
A corpus document is exempt at check time, since its text is its own evidence.
"""

PKS = "https://w3id.org/probation-kg/shapes#"
"""The namespace of the project's SHACL shapes and QC checks (`pks:`)."""
SH = "http://www.w3.org/ns/shacl#"
NAMESPACES = {**PREFIXES, "pks": PKS, "sh": SH}
"""Every namespace an IRI may be shortened with: the data's prefixes and those of the shapes.

Queries are not given `pks:` and `sh:` (the data never uses them), but reports name shapes by them.
"""
_BY_LENGTH = sorted(NAMESPACES.items(), key=lambda pn: -len(pn[1]))


def compact(iri: str) -> str:
    """An IRI as `prefix:local` under its longest known namespace (`organisation:nps-in-wales`, `pks:FindingShape`).

    The local part must be a plain name: an IRI whose rest is empty or holds a
    `/` or `#` (a namespace itself, a deeper path) is returned whole, since
    shortening it would read as a different, or no, term.
    """
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            return f"{prefix}:{local}" if local and "/" not in local and "#" not in local else iri
    return iri


def sparql_prologue() -> str:
    """PREFIX lines for every prefix the project uses, for queries and editors."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
