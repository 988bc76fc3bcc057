"""Each rule that several layers apply lives in one place; these tests pin the rule and its one home.

The rules: how an IRI is shortened (`rdf.vocab.compact`), which label a node
shows (`rdf.names.preferred_label`), how a term moves between Oxigraph, rdflib
and SPARQL JSON (`rdf.terms`), which IRI kinds are entities
(`rdf.vocab.ENTITY_KINDS`), and what SPARQL may not reach out with
(`sparql.guard`). Name folding has its own file, test_names.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.plugins.sparql import prepareQuery

from probkg.checks.report import shown
from probkg.rdf.names import preferred_label
from probkg.rdf.terms import binding, rdflib_binding, to_oxigraph, to_rdflib
from probkg.rdf.vocab import compact
from probkg.sparql.guard import Refused, check_query, refuse_outbound

SRC = Path(__file__).resolve().parents[2] / "src" / "probkg"
ID = "https://w3id.org/probation-kg/id/"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def _definitions() -> dict[str, list[str]]:
    """Every module-level function, class and constant name in src/, with the modules defining it."""
    found: dict[str, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            names: list[str] = []
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names = [node.target.id]
            for name in names:
                found.setdefault(name, []).append(str(path.relative_to(SRC)))
    return found


@pytest.mark.parametrize(
    ("name", "home"),
    [
        ("compact", "rdf/vocab.py"),
        ("fold", "rdf/names.py"),
        ("preferred_label", "rdf/names.py"),
        ("ENTITY_KINDS", "rdf/vocab.py"),
        ("EVIDENCED_KINDS", "rdf/vocab.py"),
        ("to_rdflib", "rdf/terms.py"),
        ("to_oxigraph", "rdf/terms.py"),
        ("binding", "rdf/terms.py"),
        ("rdflib_binding", "rdf/terms.py"),
        ("refuse_outbound", "sparql/guard.py"),
    ],
)
def test_each_rule_is_defined_once(name: str, home: str) -> None:
    assert _definitions().get(name) == [home]


def test_no_module_keeps_a_private_copy_of_a_rule() -> None:
    copies = {n: where for n, where in _definitions().items() if n in ("_fold", "_compact", "_rdflib_term", "_label")}
    assert copies == {}


@pytest.mark.parametrize(
    ("iri", "short"),
    [
        (ID + "organisation/nps-in-wales", "organisation:nps-in-wales"),
        ("https://w3id.org/probation-kg/ontology#Finding", "pko:Finding"),
        ("https://w3id.org/probation-kg/shapes#FindingShape", "pks:FindingShape"),
        ("http://www.w3.org/ns/shacl#Violation", "sh:Violation"),
        # A namespace itself, or a path under a kind, is not a prefixed name: kept whole.
        ("http://purl.org/dc/terms/", "http://purl.org/dc/terms/"),
        (ID + "organisation/a/b", ID + "organisation/a/b"),
        ("https://example.org/x", "https://example.org/x"),
    ],
)
def test_compact(iri: str, short: str) -> None:
    assert compact(iri) == short


def test_reports_show_an_iri_they_cannot_shorten_in_angle_brackets() -> None:
    assert shown("https://w3id.org/probation-kg/shapes#FindingShape") == "pks:FindingShape"
    assert shown("https://example.org/x") == "<https://example.org/x>"
    assert shown("plain text") == "plain text"


def test_preferred_label_prefers_skos_preflabel_then_english_then_text() -> None:
    assert preferred_label([(RDFS_LABEL, "A label", "en"), (SKOS_PREF, "Preferred", "en")]) == "Preferred"
    assert preferred_label([(SKOS_PREF, "Gwasanaeth", "cy"), (SKOS_PREF, "Service", "en")]) == "Service"
    assert preferred_label([(SKOS_PREF, "Service", None), (SKOS_PREF, "Gwasanaeth", "cy")]) == "Service"
    assert preferred_label([(RDFS_LABEL, "b", None), (RDFS_LABEL, "a", None)]) == "a"
    assert preferred_label([("http://www.w3.org/2004/02/skos/core#altLabel", "HMPPS", None)]) == ""


def test_every_store_shows_a_node_by_the_same_label(lay, tmp_path: Path) -> None:
    """rdflib's (pyshacl's) and Oxigraph's views of the data under check pick the label the rule picks."""
    from probkg.checks.oxigraph_data import OxData
    from probkg.checks.rdflib_data import DataGraph

    path = tmp_path / "labels.ttl"
    path.write_text(
        f"""<{ID}organisation/one> <{RDFS_LABEL}> "Zed"@en ;
            <{SKOS_PREF}> "Un"@cy, "One"@en ."""
    )
    node = rdflib.URIRef(ID + "organisation/one")
    assert OxData([path], lay, lay.ontology).label_of(node) == "One"
    assert DataGraph.read([path], lay.root, lay.ontology).label_of(node) == "One"


TERMS = [
    ox.NamedNode(ID + "organisation/nps-in-wales"),
    ox.BlankNode("b1"),
    ox.Literal("plain"),
    ox.Literal("Wales", language="en"),
    ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
]


@pytest.mark.parametrize("term", TERMS, ids=str)
def test_a_term_comes_back_the_same_whichever_way_it_went(term) -> None:
    assert to_oxigraph(to_rdflib(term)) == term
    assert rdflib_binding(to_rdflib(term)) == binding(term)


def test_a_plain_string_is_plain_in_rdflib_and_has_no_datatype_in_json() -> None:
    # SPARQL 1.1 Query Results JSON: a simple literal is {"type": "literal", "value": "S"}.
    assert to_rdflib(ox.Literal("x")) == rdflib.Literal("x")
    assert binding(ox.Literal("x")) == {"type": "literal", "value": "x"}


OUTWARD = [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
]


@pytest.mark.parametrize("text", OUTWARD)
def test_the_endpoint_and_shacl_sparql_refuse_the_same_ways_out(text: str) -> None:
    with pytest.raises(Refused) as endpoint:
        check_query(text, frozenset())
    with pytest.raises(Refused) as shacl:
        refuse_outbound(prepareQuery(text))
    assert endpoint.value.status == shacl.value.status == 403


def test_only_the_endpoint_may_name_its_own_graphs() -> None:
    text = f"SELECT * FROM <{ID}graph/x> WHERE {{ ?s ?p ?o }}"
    assert check_query(text, frozenset({f"{ID}graph/x"})).from_graphs == (f"{ID}graph/x",)
    with pytest.raises(Refused):
        refuse_outbound(prepareQuery(text))
    refuse_outbound(prepareQuery("SELECT * WHERE { ?s ?p ?o }"))
