"""Ontology QC: well-formed OWL, every term of ours documented, every term used declared."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from probkg.core.paths import Layout
from probkg.rdf.store import rdflib_graph

PKO = rdflib.Namespace("https://w3id.org/probation-kg/ontology#")
BUILT_IN = (str(RDF), str(RDFS), str(OWL))
DECLARATIONS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


def ontology(lay: Layout) -> rdflib.Graph:
    return rdflib_graph(sorted(lay.ontology.rglob("*.ttl")))


def merged_ntriples(lay: Layout, path: Path) -> Path:
    """The ontology with its imported module merged in, as one N-Triples file: no tool fetches anything."""
    onto = ontology(lay)
    onto.remove((None, OWL.imports, None))
    onto.serialize(path, format="nt", encoding="utf-8")
    return path


def declared(onto: rdflib.Graph) -> set[rdflib.URIRef]:
    return {s for kind in DECLARATIONS for s in onto.subjects(RDF.type, kind)}


def test_every_term_of_ours_has_label_and_definition(lay: Layout) -> None:
    onto = ontology(lay)
    ours = {t for t in declared(onto) if str(t).startswith(str(PKO))}
    assert len(ours) > 60
    missing = sorted(str(t) for t in ours if not (onto.value(t, RDFS.label) and onto.value(t, SKOS.definition)))
    assert missing == []


def test_every_class_and_predicate_used_in_the_graph_is_declared(lay: Layout) -> None:
    onto = ontology(lay)
    known = declared(onto)
    data = rdflib_graph(sorted(lay.graph.rglob("*.ttl")))
    used = set(data.predicates()) | set(data.objects(None, RDF.type))
    undeclared = sorted(str(t) for t in used if t not in known and not str(t).startswith(BUILT_IN))
    assert undeclared == []


def test_ontology_loads_in_owlready2(lay: Layout, tmp_path: Path) -> None:
    """A second, independent OWL tool reads the ontology and sees the same classes."""
    import owlready2

    onto = ontology(lay)
    world = owlready2.World()
    loaded = world.get_ontology(merged_ntriples(lay, tmp_path / "probation-kg.nt").as_uri()).load()
    ours = {str(c.iri) for c in world.classes() if str(c.iri).startswith(str(PKO))}
    expected = {str(c) for c in onto.subjects(RDF.type, OWL.Class) if str(c).startswith(str(PKO))}
    assert loaded is not None and ours == expected
    props = {str(p.iri) for p in world.properties() if str(p.iri).startswith(str(PKO))}
    assert "https://w3id.org/probation-kg/ontology#hasEvidence" in props


def test_catalog_maps_the_import_to_a_local_file(lay: Layout) -> None:
    import xml.etree.ElementTree as ET

    root = ET.parse(lay.ontology / "catalog-v001.xml").getroot()
    imports = {str(o) for o in ontology(lay).objects(None, OWL.imports)}
    mapped = {u.get("name"): u.get("uri") for u in root}
    assert imports <= set(mapped)
    assert all((lay.ontology / uri).is_file() for uri in mapped.values())


@pytest.mark.external
def test_hermit_finds_the_ontology_consistent_with_no_unsatisfiable_class(lay: Layout, tmp_path: Path) -> None:
    """HermiT, an OWL 2 DL reasoner (shipped in owlready2, run on Debian's Java), accepts the ontology.

    HermiT refuses what OWL 2 DL does not allow, such as a datatype outside the
    OWL 2 datatype map (xsd:gYear) or a property used as two kinds at once, so
    this is the DL check Protégé users would run.
    """
    import owlready2

    world = owlready2.World()
    world.get_ontology(merged_ntriples(lay, tmp_path / "probation-kg.nt").as_uri()).load()
    with world:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    assert list(world.inconsistent_classes()) == []


OWLAPI = Path(".cache") / "owlapi"
"""The OWL API's classpath and tests/support/OwlProfile.java compiled, by scripts/setup.d/owlapi.sh."""


def owl_profile(lay: Layout, document: Path) -> subprocess.CompletedProcess[str]:
    root = lay.root / OWLAPI
    if not (root / "check" / "OwlProfile.class").is_file():
        pytest.skip("the OWL API is not set up (scripts/setup.d/owlapi.sh)")
    classpath = f"{root / 'check'}:{(root / 'classpath').read_text(encoding='utf-8').strip()}"
    command = ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classpath, "OwlProfile", str(document)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.external
def test_the_owl_api_finds_the_ontology_in_the_owl2_dl_profile(lay: Layout, tmp_path: Path) -> None:
    """The OWL API's OWL 2 DL profile check (Debian's libowlapi-java), the one Protégé runs, finds no violation.

    As a control, the same check refuses the ontology with one data property ranging
    over xsd:gYear, a datatype outside the OWL 2 datatype map (OWL 2 Structural
    Specification, section 4), which is what the ontology once had.
    """
    document = merged_ntriples(lay, tmp_path / "probation-kg.nt")
    checked = owl_profile(lay, document)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.strip().endswith(" violations 0")
    year = "<https://w3id.org/probation-kg/ontology#controlYear>"
    with document.open("a", encoding="utf-8") as out:
        out.write(f"{year} <{RDF.type}> <{OWL.DatatypeProperty}> .\n")
        out.write(f"{year} <{RDFS.range}> <http://www.w3.org/2001/XMLSchema#gYear> .\n")
    refused = owl_profile(lay, document)
    assert refused.returncode == 1 and "xsd:gYear" in refused.stdout, refused.stdout + refused.stderr
