"""What the export tests compare against, worked out without the exporter.

* Expected node and edge counts of each view come from SPARQL written from the
  view definitions in docs/exports.md, run over the same data.
* Readers load each export back with a tool other than ours: networkx for
  GraphML and GEXF, Graphviz itself for DOT, JSON and CSV parsers for the rest.
* A tiny fixture project whose labels, statements and quotes hold the
  characters that break formats: quotes, ampersands, angle brackets,
  `</script>`, backslashes and Welsh letters (ŵ, ŷ).
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pyoxigraph as ox

from probkg.core.paths import Layout
from probkg.rdf.store import KnowledgeGraph

ENTITY_ROOTS = """VALUES ?root { org:FormalOrganization org:OrganizationalUnit pko:Establishment
  org:OrganizationalCollaboration pko:Programme pko:StaffTraining pko:Service pko:Initiative pko:Contract pko:SystemOrTool }"""

ENTITIES = f"SELECT DISTINCT ?e WHERE {{ {ENTITY_ROOTS} ?e a/rdfs:subClassOf* ?root FILTER(isIRI(?e)) }}"

ENTITY_PAIRS = f"""
SELECT DISTINCT ?a ?b WHERE {{
  {{ ?x org:subOrganizationOf|pko:deliveredBy ?y }}
  UNION {{ ?o pko:ownedBody ?x ; pko:owner ?y }}
  UNION {{ ?m org:member ?x ; org:organization ?y }}
  UNION {{ ?c org:originalOrganization ?x ; org:resultingOrganization ?y }}
  UNION {{ ?f a pko:Finding ; pko:concerns ?x, ?y }}
  FILTER(?x != ?y)
  ?x a/rdfs:subClassOf* ?rx . ?y a/rdfs:subClassOf* ?ry .
  {ENTITY_ROOTS.replace("?root", "?rx")}
  {ENTITY_ROOTS.replace("?root", "?ry")}
  BIND(IF(STR(?x) < STR(?y), ?x, ?y) AS ?a)
  BIND(IF(STR(?x) < STR(?y), ?y, ?x) AS ?b)
}}"""

AFI_PAIRS = f"""
SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?f ?x ?y WHERE {{
  ?f a pko:Finding ; pko:polarity vocab:area-for-improvement ; pko:concerns ?x, ?y .
  FILTER(STR(?x) < STR(?y))
  ?x a/rdfs:subClassOf* ?rx . ?y a/rdfs:subClassOf* ?ry .
  {ENTITY_ROOTS.replace("?root", "?rx")}
  {ENTITY_ROOTS.replace("?root", "?ry")}
}} }}"""

INSTANCE_GRAPH = 'FILTER(!STRSTARTS(STR(?g), "https://w3id.org/probation-kg/graph/ontology/"))'

FULL_NODES = f"""
SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {{
  GRAPH ?g {{ {{ ?r ?p ?o }} UNION {{ ?s ?q ?r FILTER(?q != rdf:type && !isLiteral(?r)) }} }}
  {INSTANCE_GRAPH}
}}"""

FULL_EDGES = f"""
SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{
  GRAPH ?g {{ ?s ?p ?o }} {INSTANCE_GRAPH} FILTER(?p != rdf:type && !isLiteral(?o))
}} }}"""

INSPECTION_LINKS = """
SELECT DISTINCT ?s ?o WHERE {
  VALUES ?i { %s }
  { ?o a pko:Rating ; pko:inspection ?i BIND(?i AS ?s) }
  UNION { ?o a pko:Finding ; pko:inspection ?i BIND(?i AS ?s) }
  UNION { ?s a pko:Finding ; pko:inspection ?i ; pko:concerns ?o }
  UNION { ?s a pko:Rating ; pko:inspection ?i ; pko:ratedBody ?o }
  UNION { ?i pko:inspectedBody ?o BIND(?i AS ?s) }
}"""

LABELS = """
SELECT ?s (SAMPLE(?pref) AS ?p) (SAMPLE(?plain) AS ?l) WHERE {
  ?s a ?type . OPTIONAL { ?s skos:prefLabel ?pref } OPTIONAL { ?s rdfs:label ?plain } FILTER(isIRI(?s))
} GROUP BY ?s"""


def count(kg: KnowledgeGraph, sparql: str) -> int:
    return int(kg.select(sparql)[0]["n"])


def entity_pairs(kg: KnowledgeGraph) -> set[tuple[str, str]]:
    return {(r["a"], r["b"]) for r in kg.select(ENTITY_PAIRS)}


def expected_counts(kg: KnowledgeGraph, view: str, inspection: str | None = None) -> tuple[int, int]:
    """(nodes, edges) of a view, from SPARQL over the data."""
    if view == "full":
        return count(kg, FULL_NODES), count(kg, FULL_EDGES)
    if view == "entities":
        return len(kg.select(ENTITIES)), len(entity_pairs(kg))
    links = kg.select(INSPECTION_LINKS % str(ox.NamedNode(inspection)))
    nodes = {inspection} | {r["o"] for r in links}
    return len(nodes), len(links)


def labels(kg: KnowledgeGraph) -> dict[str, str]:
    """IRI -> its display label (skos:prefLabel, else rdfs:label), for typed resources that have one."""
    return {r["s"]: r.get("p", r.get("l")) for r in kg.select(LABELS) if "p" in r or "l" in r}


# --- reading exports back ----------------------------------------------------------------------


class _ScriptData(HTMLParser):
    """The text of <script id="graph-data">, as an HTML parser sees it."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.text = ""
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts += 1
            self.inside = dict(attrs).get("id") == "graph-data"

    def handle_endtag(self, tag):
        if tag == "script":
            self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.text += data


def html_data(path: Path) -> tuple[dict, int]:
    parser = _ScriptData()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return json.loads(parser.text), parser.scripts


def _dot_unescape(value: str) -> str:
    """A DOT attribute value as Graphviz renders it: `\\\\` is one backslash."""
    return value.replace("\\\\", "\\")


def read_back(fmt: str, path: Path, with_labels: bool = True) -> tuple[dict[str, str], int, int]:
    """(node id -> label, node count, edge count) of an exported file, read by an independent reader."""
    if fmt in ("graphml", "gexf"):
        G = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
        return {n: d.get("label") for n, d in G.nodes(data=True)}, G.number_of_nodes(), G.number_of_edges()
    if fmt == "cytoscape":
        doc = json.loads(path.read_text(encoding="utf-8"))
        nodes = {n["data"]["id"]: n["data"]["label"] for n in doc["elements"]["nodes"]}
        return nodes, len(doc["elements"]["nodes"]), len(doc["elements"]["edges"])
    if fmt == "jsonld":
        doc = json.loads(path.read_text(encoding="utf-8"))
        nodes = [o for o in doc["@graph"] if o["@type"] == "Node"]
        edges = [o for o in doc["@graph"] if o["@type"] == "Edge"]
        return {o["@id"]: o["label"] for o in nodes}, len(nodes), len(edges)
    if fmt == "html":
        data, _ = html_data(path)
        return {n["id"]: n["label"] for n in data["nodes"]}, len(data["nodes"]), len(data["edges"])
    if fmt == "csv":
        stem = path.name[:-4]
        with path.with_name(f"{stem}-nodes.csv").open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        with path.with_name(f"{stem}-edges.csv").open(encoding="utf-8", newline="") as f:
            edges = list(csv.DictReader(f))
        return {r["Id"]: r["Label"] for r in rows}, len(rows), len(edges)
    if fmt == "dot":
        if with_labels:  # Graphviz's parser, and its JSON output (this lays the graph out: small graphs only)
            out = subprocess.run(["dot", "-Tjson", str(path)], check=True, capture_output=True).stdout
            doc = json.loads(out)
            objects = doc.get("objects", [])
            nodes = {_dot_unescape(o["name"]): _dot_unescape(o.get("label", "")) for o in objects}
            return nodes, len(objects), len(doc.get("edges", []))
        out = subprocess.run(
            ["gvpr", 'BEG_G { printf("%d %d\\n", nNodes($G), nEdges($G)) }', str(path)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        return {}, int(out[0]), int(out[1])
    raise ValueError(fmt)


# --- the hostile fixture -----------------------------------------------------------------------

HOSTILE = {
    "organisation:hostile-body": 'Quote "Q" & <Co> </script><script>alert(1)</script> Gŵyr Llŷn',
    "organisation:hostile-unit": "Tîm 'single' & \"double\" <b>bold</b> ŵŷ \\ back\\slash",
    "system:hostile-system": "Sŷstem </SCRIPT> <!-- x --> &amp; ]]> \\u003c",
    "programme:hostile-programme": "Rhaglen <img src=x onerror=alert(2)>",
    "arrangement:hostile-alone": "Lonely “curly” & ‘single’ arrangement",
    "inspection:hostile": 'Inspection of "Gŵyr" & <Llŷn> (2024)',
    "finding:hostile-001": "Strength </script> & <one>",
    "finding:hostile-002": 'AFI "two" & <b>ŷ</b>',
    "rating:hostile-1-1": "Rating </script><b>x</b>",
}
"""Compact IRI -> label of the fixture's labelled resources."""

HOSTILE_QUOTE = 'They said "</script><script>alert(3)</script>" & left – ŵ ŷ <!--'
HOSTILE_STATEMENT = 'Good </script> work & "care" in Llŷn'


def _ttl(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def hostile_turtle() -> str:
    L = {k: _ttl(v) for k, v in HOSTILE.items()}
    return f"""
@prefix arrangement: <https://w3id.org/probation-kg/id/arrangement/> .
@prefix finding: <https://w3id.org/probation-kg/id/finding/> .
@prefix framework: <https://w3id.org/probation-kg/id/framework/> .
@prefix inspection: <https://w3id.org/probation-kg/id/inspection/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix organisation: <https://w3id.org/probation-kg/id/organisation/> .
@prefix pko: <https://w3id.org/probation-kg/ontology#> .
@prefix programme: <https://w3id.org/probation-kg/id/programme/> .
@prefix quote: <https://w3id.org/probation-kg/id/quote/> .
@prefix rating: <https://w3id.org/probation-kg/id/rating/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix system: <https://w3id.org/probation-kg/id/system/> .
@prefix vocab: <https://w3id.org/probation-kg/id/vocab/> .

organisation:hostile-body a pko:ProbationProvider ; skos:prefLabel {L["organisation:hostile-body"]}@en ;
    skos:altLabel "H&Q" .
organisation:hostile-unit a pko:Team ; org:subOrganizationOf organisation:hostile-body ;
    skos:prefLabel {L["organisation:hostile-unit"]}@en .
system:hostile-system a pko:SystemOrTool ; skos:prefLabel {L["system:hostile-system"]}@en .
programme:hostile-programme a pko:Programme ; pko:deliveredBy organisation:hostile-unit ;
    skos:prefLabel {L["programme:hostile-programme"]}@en .
arrangement:hostile-alone a pko:MultiAgencyArrangement ; skos:prefLabel {L["arrangement:hostile-alone"]}@en .
vocab:strength a pko:Polarity ; skos:prefLabel "strength"@en .
vocab:area-for-improvement a pko:Polarity ; skos:prefLabel "area for improvement"@en .
vocab:band-good a pko:RatingBand ; pko:rank 3 ; skos:prefLabel "Good & <fine>"@en .
framework:hostile-1-1 a pko:Standard ; skos:notation "1.1" ; skos:prefLabel "Leading & <managing>"@en .
inspection:hostile a pko:Inspection ; pko:inspectedBody organisation:hostile-body ;
    rdfs:label {L["inspection:hostile"]}@en .
rating:hostile-1-1 a pko:Rating ; pko:inspection inspection:hostile ; pko:standard framework:hostile-1-1 ;
    pko:band vocab:band-good ; pko:ratedBody organisation:hostile-body ; rdfs:label {L["rating:hostile-1-1"]}@en .
finding:hostile-001 a pko:Finding ; pko:inspection inspection:hostile ; pko:polarity vocab:strength ;
    pko:concerns organisation:hostile-body, system:hostile-system, programme:hostile-programme ;
    pko:statement {_ttl(HOSTILE_STATEMENT)}@en ; rdfs:label {L["finding:hostile-001"]}@en ;
    pko:hasEvidence quote:finding-hostile-001-1 .
quote:finding-hostile-001-1 a pko:EvidenceQuote ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact {_ttl(HOSTILE_QUOTE)} ] .
finding:hostile-002 a pko:Finding ; pko:inspection inspection:hostile ; pko:polarity vocab:area-for-improvement ;
    pko:concerns organisation:hostile-body, system:hostile-system ;
    pko:statement "Too slow & <late>"@en ; rdfs:label {L["finding:hostile-002"]}@en .
"""


def make_hostile_project(root: Path, ontology: Path) -> Layout:
    """A project folder with our ontology and one graph file of hostile labels."""
    shutil.copytree(ontology, root / "ontology")
    (root / "graph").mkdir()
    (root / "graph" / "hostile.ttl").write_text(hostile_turtle(), encoding="utf-8")
    return Layout(root)
