"""Every IRI in graph/ is minted by the documented rule (README "IRIs", docs/curation.md "IRIs").

An analyst guesses an IRI from what the graph calls a thing, so the rule is
checked on every IRI of our `id/` space that graph/ uses, as subject or object:

* the path is `{kind}/{slug}`, `kind` one of the documented kinds and `slug`
  lower-case letters and digits in hyphen-separated runs;
* a named thing (an entity kind, `rdf.vocab.ENTITY_KINDS`) has the slug of its
  preferred English name (`rdf.names.slug`), and the kind its class says
  (`rdf.vocab.ENTITY_KIND_CLASSES`);
* a fact of an inspection starts with the inspection's slug, a fact stated in a
  document without an inspection with the document's, a claim with its
  document's, an ownership is `{owner}-{owned}`, a membership starts with its
  member, a quote names what it supports (`{kind}-{slug}-{n}`);
* a former IRI is a deprecated alias (graph/reference/deprecated-iris.ttl):
  `owl:deprecated true`, one `dcterms:isReplacedBy` to an IRI in use, one
  label, no class, and nothing else in graph/ points to it.

Expected values are the rule as the README states it, never the graph's own IRIs.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pyoxigraph as ox
import pytest

from probkg.core.paths import layout
from probkg.ingest.gazetteer import Gazetteer
from probkg.rdf.names import preferred_label, slug
from probkg.rdf.store import KnowledgeGraph
from probkg.rdf.vocab import ENTITY_KIND_CLASSES, ENTITY_KINDS, ID_BASE, ID_KINDS
from probkg.sparql.catalogue import catalogue
from probkg.sparql.engines import OxigraphEngine

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
SAVED = catalogue(layout().queries)
DEPRECATED = "FILTER NOT EXISTS { ?x owl:deprecated true }"


def local(iri: str) -> tuple[str, str]:
    kind, _, rest = iri.removeprefix(ID_BASE).partition("/")
    return kind, rest


@pytest.fixture(scope="module")
def ours(kg: KnowledgeGraph) -> set[str]:
    rows = kg.select(
        f"""SELECT DISTINCT ?x WHERE {{ {{ ?x ?p ?o }} UNION {{ ?s ?p ?x }}
        FILTER(isIRI(?x) && STRSTARTS(STR(?x), "{ID_BASE}")) }}"""
    )
    return {r["x"] for r in rows}


@pytest.fixture(scope="module")
def deprecated(kg: KnowledgeGraph) -> set[str]:
    return {r["x"] for r in kg.select("SELECT ?x WHERE { ?x owl:deprecated true }")}


def test_every_iri_has_a_documented_kind_and_a_slug(ours: set[str]) -> None:
    bad = sorted(i for i in ours if local(i)[0] not in ID_KINDS or not SLUG.fullmatch(local(i)[1]))
    assert not bad, f"{len(bad)} IRIs outside the documented form: {bad[:20]}"


def test_named_things_take_the_slug_of_their_preferred_name(kg: KnowledgeGraph, deprecated: set[str]) -> None:
    labels: dict[str, list] = defaultdict(list)
    for row in kg.select(
        f"""SELECT ?x ?p ?l ?lang WHERE {{ VALUES ?p {{ skos:prefLabel rdfs:label }} ?x ?p ?l
        BIND(LANG(?l) AS ?lang) FILTER(STRSTARTS(STR(?x), "{ID_BASE}")) {DEPRECATED} }}"""
    ):
        if local(row["x"])[0] in ENTITY_KINDS:
            labels[row["x"]].append((row["p"], row["l"], row["lang"] or None))
    assert len(labels) > 200  # the bodies, people, places, programmes ... of graph/reference/
    bad = sorted(
        f"{local(i)[0]}:{local(i)[1]} should be {local(i)[0]}:{slug(preferred_label(found))}"
        for i, found in labels.items()
        if local(i)[1] != slug(preferred_label(found))
    )
    assert not bad, f"{len(bad)} of {len(labels)} named things break the slug rule: {bad}"


def test_named_things_take_the_kind_of_their_class(kg: KnowledgeGraph, ours: set[str], deprecated: set[str]) -> None:
    kinds = " ".join(f'("{k}" {c})' for k, c in ENTITY_KIND_CLASSES)
    rows = kg.select(
        f"""SELECT ?x ?kind ?rank WHERE {{
        VALUES (?kind ?c) {{ {kinds} }} ?x a/rdfs:subClassOf* ?c .
        FILTER(STRSTARTS(STR(?x), "{ID_BASE}")) {DEPRECATED} }}"""
    )
    order = [k for k, _ in ENTITY_KIND_CLASSES]
    should: dict[str, str] = {}
    for row in rows:
        if row["x"] not in should or order.index(row["kind"]) < order.index(should[row["x"]]):
            should[row["x"]] = row["kind"]
    named = {i for i in ours if local(i)[0] in ENTITY_KINDS} - deprecated
    untyped = sorted(named - set(should))
    assert not untyped, f"named things with no entity class: {untyped}"
    bad = sorted(f"{local(i)[0]}:{local(i)[1]} is a {k}" for i, k in should.items() if local(i)[0] != k)
    assert not bad, f"{len(bad)} IRIs name the wrong kind: {bad}"


def _prefixed(kg: KnowledgeGraph, query: str) -> list[str]:
    """Facts whose slug does not start with the slug of the node the query pairs them with (?x, ?owner)."""
    return sorted(
        f"{r['x']} (from {r['owner']})"
        for r in kg.select(query)
        if not local(r["x"])[1].startswith(local(r["owner"])[1] + "-")
    )


def test_facts_take_their_inspection_or_document_slug(kg: KnowledgeGraph) -> None:
    facts = (
        "VALUES ?c { pko:Rating pko:Observation pko:Statistic pko:KeyQuestionResult pko:Finding pko:Recommendation }"
    )
    of_inspection = _prefixed(kg, f"SELECT ?x ?owner WHERE {{ {facts} ?x a ?c ; pko:inspection ?owner }}")
    assert not of_inspection, f"facts not named after their inspection: {of_inspection}"
    of_document = _prefixed(
        kg,
        f"""SELECT ?x ?owner WHERE {{ {{ {facts} ?x a ?c FILTER NOT EXISTS {{ ?x pko:inspection ?i }} }}
        UNION {{ ?x a pko:Claim }} ?x pko:statedIn ?owner }}""",
    )
    assert not of_document, f"facts not named after their document: {of_document}"


def test_ownerships_and_memberships_name_their_parties(kg: KnowledgeGraph) -> None:
    ownerships = [
        r["x"]
        for r in kg.select("SELECT ?x ?a ?b WHERE { ?x a pko:Ownership ; pko:owner ?a ; pko:ownedBody ?b }")
        if local(r["x"])[1] != f"{local(r['a'])[1]}-{local(r['b'])[1]}"
    ]
    assert not ownerships, f"ownerships not named {{owner}}-{{owned}}: {ownerships}"
    members = _prefixed(kg, "SELECT ?x ?owner WHERE { ?x a org:Membership ; org:member ?owner }")
    assert not members, f"memberships not named after their member: {members}"


def test_quotes_name_what_they_support(kg: KnowledgeGraph) -> None:
    """`quote:{kind}-{slug}-{n}`. A fact's quote keeps its IRI when findings are merged or another
    fact reuses it, so only a named thing's, an ownership's or a membership's quote must name a
    node it still supports (those are never merged, and a rename must carry their quotes along)."""
    supports: dict[str, set[str]] = defaultdict(set)
    for row in kg.select("SELECT ?q ?x WHERE { ?x pko:hasEvidence ?q }"):
        supports[row["q"]].add(row["x"])
    malformed, stale = [], []
    for quote, nodes in supports.items():
        kind, rest = local(quote)
        match = re.fullmatch(r"([a-z]+)-(.+)-[0-9]+", rest)
        if kind != "quote" or not match or match[1] not in ID_KINDS:
            malformed.append(quote)
            continue
        named = {n for n in nodes if local(n)[0] in (*ENTITY_KINDS, "ownership", "membership")}
        if named and not any(rest.startswith(f"{local(n)[0]}-{local(n)[1]}-") for n in named):
            stale.append(f"{quote} (supports {sorted(named)})")
    assert not malformed, f"quotes not named quote:{{kind}}-{{slug}}-{{n}}: {malformed[:20]}"
    assert not stale, f"{len(stale)} quotes of named things not named after them: {stale[:20]}"


def test_former_iris_are_deprecated_aliases(kg: KnowledgeGraph, deprecated: set[str]) -> None:
    rows = kg.select(
        """SELECT ?x (COUNT(DISTINCT ?new) AS ?n) (SAMPLE(?new) AS ?to) (COUNT(DISTINCT ?label) AS ?labels)
        (COUNT(DISTINCT ?class) AS ?classes) WHERE { ?x owl:deprecated true
        OPTIONAL { ?x dcterms:isReplacedBy ?new } OPTIONAL { ?x rdfs:label ?label } OPTIONAL { ?x a ?class } }
        GROUP BY ?x"""
    )
    assert {r["x"] for r in rows} == deprecated
    bad = [r for r in rows if (r["n"], r["labels"], r["classes"]) != ("1", "1", "0") or r.get("to") in deprecated]
    assert not bad, f"deprecated aliases without exactly one live replacement and one label, or with a class: {bad}"
    pointed = kg.select(
        """SELECT ?s ?p ?x WHERE { ?x owl:deprecated true . ?s ?p ?x }"""  # nothing may still use a former IRI
    )
    assert not pointed, f"former IRIs still in use: {pointed[:10]}"
    dangling = [r["x"] for r in rows if r.get("to") and not kg.select(f"SELECT ?p WHERE {{ <{r['to']}> a ?p }}")]
    assert not dangling, f"aliases replaced by an IRI graph/ does not describe: {dangling}"


def test_former_iris_are_not_found_by_name(kg: KnowledgeGraph, deprecated: set[str]) -> None:
    """Linking and `entity-search` offer only live IRIs: an alias's label names what replaced it."""
    gazetteer = Gazetteer.from_graph(kg)
    rows = kg.select("SELECT ?x ?label WHERE { ?x owl:deprecated true ; rdfs:label ?label }")
    assert rows
    linked = {iri for r in rows for iri in gazetteer.link(r["label"])[0]}
    assert linked and not linked & deprecated
    query = SAVED["entity-search"]
    engine = OxigraphEngine(kg)
    for text in ("former identifier", "National Probation Service"):
        found = {r["entity"]["value"] for r in engine.run(query.text, query.bind({"text": text})).rows}
        assert not found & deprecated, text
    assert f"{ID_BASE}organisation/national-probation-service" in found  # the search itself works


def test_named_graphs_are_the_paths_of_their_files_under_graph(kg: KnowledgeGraph) -> None:
    # README "IRIs": named graphs are https://w3id.org/probation-kg/graph/{path of the file under graph/ without .ttl}.
    folder = layout().graph
    names = {g.value for g in kg.store.named_graphs() if isinstance(g, ox.NamedNode)}
    files = {
        "https://w3id.org/probation-kg/graph/" + p.relative_to(folder).with_suffix("").as_posix()
        for p in folder.rglob("*.ttl")
    }
    assert "https://w3id.org/probation-kg/graph/reference/frameworks" in files
    assert files <= names
    assert not [n for n in names if "/graph/graph/" in n]
