"""Graph views of the knowledge graph, built with networkx: what exports, pictures and network statistics draw.

Three views, each a networkx graph whose nodes are keyed by compact IRI
(`organisation:nps-in-wales`) and always carry `label`, `kind` and `iri`:

* **full** (`MultiDiGraph`): every resource of the instance data (the files
  under `graph/`, not the ontology) is a node; every triple whose object is a
  resource is an edge keyed and labelled (`relation`) by its predicate;
  literals are node attributes named after their predicate (`pko_statement`,
  several values joined by " | "); `rdf:type` becomes the `types` attribute
  and the node's `kind`, not an edge to a class.
* **entities** (`Graph`): bodies, units, establishments, arrangements,
  programmes, services, initiatives, contracts and systems. Two are linked
  when one is part of, owned by, a member of or succeeded by the other
  (`structure`), when one delivers the other (`delivery`), and when findings
  concern both (`co_mentions`, split into `strengths` and
  `areas_for_improvement`). `weight` is the sum of the three counts and
  `relation` lists the kinds of link (`part-of, co-mention`).
* **inspection** (`DiGraph`): one inspection, its ratings and findings, and
  the resources they concern (`pko:concerns`, `pko:ratedBody`) or it
  inspected (`pko:inspectedBody`).

`docs/exports.md` describes the views for users; the tests recompute each
view's node and edge counts with independent SPARQL.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import combinations
from typing import cast

import networkx as nx
import pyoxigraph as ox

from probkg.core.errors import InputError
from probkg.rdf.names import Label, fold, preferred_label
from probkg.rdf.store import KnowledgeGraph
from probkg.rdf.vocab import PREFIXES, compact

VIEWS = ("full", "entities", "inspection")

KIND_RULES: tuple[tuple[str, str], ...] = (
    ("org:OrganizationalCollaboration", "arrangement"),
    ("org:FormalOrganization", "body"),
    ("org:OrganizationalUnit", "unit"),
    ("pko:Establishment", "establishment"),
    ("pko:StaffTraining", "training"),
    ("pko:Programme", "programme"),
    ("pko:Service", "service"),
    ("pko:Initiative", "initiative"),
    ("pko:Contract", "contract"),
    ("pko:SystemOrTool", "system"),
    ("pko:Inspection", "inspection"),
    ("pko:Finding", "finding"),
    ("pko:Rating", "rating"),
    ("pko:Recommendation", "recommendation"),
    ("pko:Observation", "observation"),
    ("pko:Claim", "claim"),
    ("pko:EvidenceQuote", "quote"),
    ("oa:TextQuoteSelector", "selector"),
    ("pko:Document", "document"),
    ("pko:Person", "person"),
    ("pko:Place", "place"),
    ("pko:Legislation", "legislation"),
    ("org:ChangeEvent", "event"),
    ("pko:Ownership", "ownership"),
    ("org:Membership", "membership"),
    ("pko:RatingFramework", "framework"),
    ("pko:Domain", "framework"),
    ("pko:Standard", "framework"),
    ("pko:KeyQuestion", "framework"),
    ("pko:OverallAssessment", "framework"),
    ("pko:RatingBand", "band"),
    ("pko:Theme", "theme"),
    ("pko:Measure", "measure"),
    ("skos:Concept", "concept"),
    ("skos:ConceptScheme", "scheme"),
)
"""A class (or any subclass of it) and the kind it gives; the first rule a resource matches wins."""

VIEW_ENTITY_KINDS = (
    "body",
    "unit",
    "establishment",
    "arrangement",
    "programme",
    "training",
    "service",
    "initiative",
    "contract",
    "system",
)
"""The kinds (by class, above) shown in the entities view: who and what findings are about.

Not `probkg.rdf.vocab.ENTITY_KINDS`, which sorts IRIs by their path, not resources by their class."""

KIND_COLOURS = {
    "body": "#4e79a7",
    "unit": "#a0cbe8",
    "establishment": "#76b7b2",
    "arrangement": "#b07aa1",
    "programme": "#f28e2b",
    "training": "#e15759",
    "service": "#ffbe7d",
    "initiative": "#edc948",
    "contract": "#9c755f",
    "system": "#ff9da7",
    "inspection": "#1b2a49",
    "finding": "#d9d9d9",
    "rating": "#86bcb6",
    "recommendation": "#d7b5a6",
    "observation": "#c9c9c9",
    "claim": "#fabfd2",
    "quote": "#eeeeee",
    "selector": "#f6f6f6",
    "document": "#79706e",
    "person": "#e6a0c4",
    "place": "#b6992d",
    "legislation": "#8c8c8c",
    "event": "#bab0ac",
    "ownership": "#bab0ac",
    "membership": "#bab0ac",
    "framework": "#499894",
    "band": "#f1ce63",
    "theme": "#a5d6a7",
    "measure": "#c6dbef",
    "concept": "#dddddd",
    "scheme": "#dddddd",
    "other": "#bbbbbb",
}
"""Fill colour of each kind, shared by the HTML page, the DOT and GEXF exports and the pictures."""

POLARITY_COLOURS = {"strength": "#1a9850", "area-for-improvement": "#d73027", None: "#9a9a9a"}
"""Edge colours: a strength, an area for improvement, no finding (structure, delivery)."""

STRENGTH = PREFIXES["vocab"] + "strength"
AREA_FOR_IMPROVEMENT = PREFIXES["vocab"] + "area-for-improvement"
RDF_TYPE = PREFIXES["rdf"] + "type"
MULTI_SEPARATOR = " | "

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """Text every format can carry: characters XML 1.0 forbids become U+FFFD."""
    return _XML_ILLEGAL.sub("\ufffd", text)


def _expand(curie: str) -> str:
    prefix, local = curie.split(":", 1)
    return PREFIXES[prefix] + local


def _iri_values(curies: Iterable[str]) -> str:
    return " ".join(str(ox.NamedNode(_expand(c))) for c in curies)


def polarity_name(iri: str | None) -> str | None:
    """`vocab:strength` as "strength", `vocab:area-for-improvement` as "area-for-improvement"."""
    return {STRENGTH: "strength", AREA_FOR_IMPROVEMENT: "area-for-improvement"}.get(iri or "")


def _rows(kg: KnowledgeGraph, sparql: str) -> Iterator[tuple]:
    """Solutions as tuples of Oxigraph terms (None where unbound), in projection order."""
    found = kg.solutions(sparql)
    names = [v.value for v in found.variables]
    for row in found:
        yield tuple(row[n] for n in names)


# --- names and kinds --------------------------------------------------------------------------


def class_kinds(kg: KnowledgeGraph) -> dict[str, str]:
    """Every class with a kind rule above it (by `rdfs:subClassOf*`), mapped to the first rule's kind."""
    priority = {curie: i for i, (curie, _) in enumerate(KIND_RULES)}
    rows = kg.select(f"""SELECT DISTINCT ?c ?root WHERE {{
        VALUES ?root {{ {_iri_values(priority)} }}
        ?c rdfs:subClassOf* ?root }}""")
    best: dict[str, int] = {}
    for r in rows:
        rank = priority[compact(r["root"])]
        best[r["c"]] = min(best.get(r["c"], rank), rank)
    return {c: KIND_RULES[rank][1] for c, rank in best.items()}


def kind_of(types: Iterable[str], classes: dict[str, str]) -> str:
    """The kind of a resource with these classes (IRIs): the highest-priority rule any of them meets."""
    order = {kind: i for i, (_, kind) in reversed(list(enumerate(KIND_RULES)))}
    kinds = [classes[t] for t in types if t in classes]
    return min(kinds, key=order.__getitem__) if kinds else "other"


def resource_kinds(kg: KnowledgeGraph) -> dict[str, str]:
    """The kind of every typed IRI resource."""
    classes = class_kinds(kg)
    types: dict[str, set[str]] = defaultdict(set)
    for r in kg.select("SELECT DISTINCT ?s ?c WHERE { ?s a ?c FILTER(isIRI(?s)) }"):
        types[r["s"]].add(r["c"])
    return {s: kind_of(ts, classes) for s, ts in types.items()}


def names(kg: KnowledgeGraph) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Each IRI's display label (`probkg.rdf.names.preferred_label`) and its other names."""
    candidates: dict[str, list[Label]] = defaultdict(list)
    alternatives: dict[str, set[str]] = defaultdict(set)
    for s, p, lit in _rows(
        kg,
        """SELECT ?s ?p ?l WHERE {
            VALUES ?p { skos:prefLabel rdfs:label skos:altLabel } ?s ?p ?l FILTER(isIRI(?s) && isLiteral(?l)) }""",
    ):
        text = clean(lit.value)
        if p.value.endswith("altLabel"):
            alternatives[s.value].add(text)
            continue
        candidates[s.value].append((p.value, text, lit.language))
    labels = {s: preferred_label(found) for s, found in candidates.items()}
    return labels, {s: sorted(alts) for s, alts in alternatives.items()}


def node_colour(data: dict) -> str:
    """A node's fill colour: that of its kind."""
    return KIND_COLOURS.get(data.get("kind", "other"), KIND_COLOURS["other"])


def edge_colour(data: dict) -> str:
    """An edge's colour: green for strengths, red for areas for improvement, mixed by their shares; grey otherwise."""
    if data.get("polarity") in ("strength", "area-for-improvement"):
        return POLARITY_COLOURS[data["polarity"]]
    good, bad = int(data.get("strengths", 0)), int(data.get("areas_for_improvement", 0))
    if good + bad == 0:
        return POLARITY_COLOURS[None]
    share = bad / (good + bad)
    rgb = [
        round((1 - share) * int(g, 16) + share * int(r, 16))
        for g, r in zip(
            _pairs(POLARITY_COLOURS["strength"]), _pairs(POLARITY_COLOURS["area-for-improvement"]), strict=True
        )
    ]
    return "#" + "".join(f"{c:02x}" for c in rgb)


def _pairs(colour: str) -> list[str]:
    return [colour[1:3], colour[3:5], colour[5:7]]


def _entity_node(G: nx.Graph, iri: str, kind: str, labels: dict[str, str], alts: dict[str, list[str]]) -> str:
    key = compact(iri)
    if key not in G:
        attrs = {"label": labels.get(iri, key), "kind": kind, "iri": iri}
        if alts.get(iri):
            attrs["acronyms"] = MULTI_SEPARATOR.join(alts[iri])
        G.add_node(key, **attrs)
    return key


# --- the views ----------------------------------------------------------------------------------


def schema_graphs(kg: KnowledgeGraph) -> set[str]:
    """Named graphs that hold the ontology rather than instance data."""
    ontology = kg.layout.ontology.resolve()
    return {kg.graph_of(p) for p in kg.files if p.resolve().is_relative_to(ontology)}


class FullView:
    """The full view, read from the store node by node as it is written: what exports of any size stream.

    It answers the part of networkx's graph interface the GraphML and GEXF writers
    use (`graph`, `is_directed`, `is_multigraph`, `nodes(data=True)`,
    `edges(keys=True, data=True)`, `number_of_nodes`), so they write it as they
    would the `nx.MultiDiGraph` of `full_view`, which is built from it. It holds
    the nodes' keys, labels and the blank nodes' signatures, never their
    attributes or edges: each `nodes()` or `edges()` pass reads one subject's
    quads at a time. Nodes come in key order; each node's edges in (relation,
    target) order, so edges are sorted as (source, relation, target).
    """

    graph: dict[str, object]

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.graph = {"view": "full"}
        self._store = kg.store
        self._schema = {ox.NamedNode(g) for g in schema_graphs(kg)}
        self._classes = class_kinds(kg)
        self._labels, _ = names(kg)
        terms: set[ox.NamedNode | ox.BlankNode] = set()
        signature: dict[ox.BlankNode, list[str]] = defaultdict(list)
        for q in self._quads(None):
            s, p, o = cast(ox.NamedNode | ox.BlankNode, q.subject), q.predicate, q.object
            terms.add(s)
            if isinstance(o, (ox.NamedNode, ox.BlankNode)) and p.value != RDF_TYPE:
                terms.add(o)
            # a blank node lives in the one file that wrote it, so its triples come once each
            if isinstance(o, ox.BlankNode):
                signature[o].append(f"0 {s if not isinstance(s, ox.BlankNode) else ''} {p}")
            if isinstance(s, ox.BlankNode):
                signature[s].append(f"1 {p} {o if not isinstance(o, ox.BlankNode) else ''}")
        ordered = sorted(signature, key=lambda b: (sorted(signature[b]), b.value))
        blank_keys = {b: f"_:b{i}" for i, b in enumerate(ordered, 1)}
        self._keys = blank_keys
        self._order = sorted(
            ((blank_keys[t] if isinstance(t, ox.BlankNode) else compact(t.value), t) for t in terms),
            key=lambda pair: pair[0],
        )

    def _quads(self, subject: ox.NamedNode | ox.BlankNode | None) -> Iterator[ox.Quad]:
        """The instance data's quads (of `subject`), without quoted triples, which have no node of their own."""
        for q in self._store.quads_for_pattern(subject, None, None, None):
            if (
                q.graph_name not in self._schema
                and not isinstance(q.subject, ox.Triple)
                and not isinstance(q.object, ox.Triple)
            ):
                yield q

    def key(self, term: ox.NamedNode | ox.BlankNode) -> str:
        return self._keys[term] if isinstance(term, ox.BlankNode) else compact(term.value)

    def _triples(self, subject: ox.NamedNode | ox.BlankNode) -> set[tuple]:
        """One subject's (predicate, object) pairs, once each whichever graphs state them."""
        return {(q.predicate, q.object) for q in self._quads(subject)}

    def is_directed(self) -> bool:
        return True

    def is_multigraph(self) -> bool:
        return True

    def number_of_nodes(self) -> int:
        return len(self._order)

    def number_of_edges(self) -> int:
        """Counted by a pass over the store, as nothing holds the edges."""
        return sum(1 for _ in self.edges())

    def __len__(self) -> int:
        return len(self._order)

    def nodes(self, data: bool = False) -> Iterator:
        for node, term in self._order:
            if not data:
                yield node
                continue
            types: set[str] = set()
            literals: dict[str, set[str]] = defaultdict(set)
            for p, o in self._triples(term):
                if p.value == RDF_TYPE:
                    types.add(o.value)
                elif isinstance(o, ox.Literal):
                    literals[re.sub(r"\W", "_", compact(p.value), flags=re.ASCII)].add(clean(o.value))
            iri = term.value if isinstance(term, ox.NamedNode) else ""
            attrs: dict[str, object] = {
                "label": self._labels.get(iri) or _blank_label(node, literals),
                "kind": kind_of(types, self._classes),
            }
            if iri:
                attrs["iri"] = iri
            if types:
                attrs["types"] = " ".join(sorted(compact(t) for t in types))
            for name, values in sorted(literals.items()):
                attrs[name] = MULTI_SEPARATOR.join(sorted(values))
            yield node, attrs

    def edges(self, keys: bool = False, data: bool = False) -> Iterator:
        polarity_iri = PREFIXES["pko"] + "polarity"
        for source, term in self._order:
            links: set[tuple[str, str]] = set()
            polarity = None
            for p, o in self._triples(term):
                if p.value == RDF_TYPE or isinstance(o, ox.Literal):
                    continue
                links.add((compact(p.value), self.key(o)))
                if p.value == polarity_iri:
                    polarity = polarity_name(o.value) or compact(o.value)
            for relation, target in sorted(links):
                edge = {"relation": relation}
                if relation == "pko:concerns" and polarity is not None:
                    edge["polarity"] = polarity
                yield (source, target) + ((relation,) if keys else ()) + ((edge,) if data else ())

    def networkx(self) -> nx.MultiDiGraph:
        """The view held in memory, for the formats and measures that need the whole graph at once."""
        G = nx.MultiDiGraph(**self.graph)
        G.add_nodes_from(self.nodes(data=True))
        G.add_edges_from(self.edges(keys=True, data=True))
        return G


def full_view(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    """Every resource of the instance data as a node, literals as attributes, links as edges."""
    return FullView(kg).networkx()


def _blank_label(key: str, literals: dict[str, set[str]]) -> str:
    """A label for a resource with none: a quote selector's words, else its key."""
    words = " ".join(sorted(literals.get("oa_exact", ())))
    return f"\u201c{words[:57]}\u2026\u201d" if len(words) > 57 else f"\u201c{words}\u201d" if words else key


ENTITY_LINKS = """
SELECT DISTINCT ?a ?b ?relation ?via WHERE {
  { ?a org:subOrganizationOf ?b BIND("part-of" AS ?relation) }
  UNION { ?via a pko:Ownership ; pko:ownedBody ?a ; pko:owner ?b BIND("owned-by" AS ?relation) }
  UNION { ?via a org:Membership ; org:member ?a ; org:organization ?b BIND("member-of" AS ?relation) }
  UNION { ?via a org:ChangeEvent ; org:originalOrganization ?a ; org:resultingOrganization ?b
          BIND("succeeded-by" AS ?relation) }
  UNION { ?a pko:deliveredBy ?b BIND("delivered-by" AS ?relation) }
  FILTER(isIRI(?a) && isIRI(?b) && ?a != ?b)
}"""

FINDING_CONCERNS = """
SELECT DISTINCT ?f ?e ?polarity ?inspection WHERE {
  ?f a pko:Finding ; pko:concerns ?e .
  OPTIONAL { ?f pko:polarity ?polarity }
  OPTIONAL { ?f pko:inspection ?inspection }
  FILTER(isIRI(?e))
}"""


def _finding_groups(kg: KnowledgeGraph) -> dict[str, tuple[str | None, set[str]]]:
    """Each finding's polarity name and the IRIs it concerns."""
    groups: dict[str, tuple[str | None, set[str]]] = {}
    for r in kg.select(FINDING_CONCERNS):
        polarity, concerned = groups.get(r["f"], (None, set()))
        concerned.add(r["e"])
        groups[r["f"]] = (polarity or polarity_name(r.get("polarity")), concerned)
    return groups


def entities_view(kg: KnowledgeGraph) -> nx.Graph:
    """Entities linked by structure, delivery and co-mention in findings, with counts on nodes and edges."""
    kinds = resource_kinds(kg)
    labels, alts = names(kg)
    G = nx.Graph(view="entities")
    for iri in sorted(kinds, key=compact):
        if kinds[iri] in VIEW_ENTITY_KINDS:
            key = _entity_node(G, iri, kinds[iri], labels, alts)
            G.nodes[key].update(findings=0, strengths=0, areas_for_improvement=0)

    def edge(a: str, b: str) -> dict:
        if not G.has_edge(a, b):
            G.add_edge(
                a,
                b,
                weight=0,
                structure=0,
                delivery=0,
                co_mentions=0,
                strengths=0,
                areas_for_improvement=0,
                relation="",
            )
        return G.edges[a, b]

    def add_relation(data: dict, relation: str) -> None:
        data["relation"] = ", ".join(sorted(set(filter(None, data["relation"].split(", "))) | {relation}))

    for r in kg.select(ENTITY_LINKS):
        a, b = compact(r["a"]), compact(r["b"])
        if a in G and b in G:
            data = edge(a, b)
            data["delivery" if r["relation"] == "delivered-by" else "structure"] += 1
            data["weight"] += 1
            add_relation(data, r["relation"])
    for polarity, concerned in _finding_groups(kg).values():
        keys = sorted(k for k in map(compact, concerned) if k in G)
        count = {"strength": "strengths", "area-for-improvement": "areas_for_improvement"}.get(polarity or "")
        for k in keys:
            G.nodes[k]["findings"] += 1
            if count:
                G.nodes[k][count] += 1
        for a, b in combinations(keys, 2):
            data = edge(a, b)
            data["co_mentions"] += 1
            data["weight"] += 1
            if count:
                data[count] += 1
            add_relation(data, "co-mention")
    return G


def inspection_view(kg: KnowledgeGraph, inspection: str) -> nx.DiGraph:
    """One inspection (an IRI), its ratings and findings, and what they concern."""
    kinds = resource_kinds(kg)
    labels, alts = names(kg)
    node = str(ox.NamedNode(inspection))
    root = compact(inspection)
    G = nx.DiGraph(view="inspection", inspection=root)

    def add(iri: str) -> str:
        return _entity_node(G, iri, kinds.get(iri, "other"), labels, alts)

    add(inspection)
    for r in kg.select(f"""SELECT ?start ?end WHERE {{ VALUES ?i {{ {node} }}
            OPTIONAL {{ ?i schema:startDate ?s ; pko:startDatePrecision/pko:significantLength ?sn }}
            OPTIONAL {{ ?i schema:endDate ?e ; pko:endDatePrecision/pko:significantLength ?en }}
            BIND(SUBSTR(STR(?s), 1, ?sn) AS ?start) BIND(SUBSTR(STR(?e), 1, ?en) AS ?end) }}"""):
        G.nodes[root].update(r)
    for r in kg.select(f"""SELECT ?b WHERE {{ VALUES ?i {{ {node} }} ?i pko:inspectedBody ?b FILTER(isIRI(?b)) }}"""):
        G.add_edge(root, add(r["b"]), relation="inspected-body")
    for r in kg.select(f"""SELECT ?r ?code ?standard ?band ?rank ?body WHERE {{ VALUES ?i {{ {node} }}
            ?r a pko:Rating ; pko:inspection ?i .
            OPTIONAL {{ ?r pko:standard ?s
                       OPTIONAL {{ ?s skos:notation ?code }} OPTIONAL {{ ?s skos:prefLabel ?standard }} }}
            OPTIONAL {{ ?r pko:band ?b OPTIONAL {{ ?b skos:prefLabel ?band }} OPTIONAL {{ ?b pko:rank ?rank }} }}
            OPTIONAL {{ ?r pko:ratedBody ?body FILTER(isIRI(?body)) }} }}"""):
        rating = add(r["r"])
        G.nodes[rating].update({k: clean(v) for k, v in r.items() if k in ("code", "standard", "band")})
        if "rank" in r:
            G.nodes[rating]["rank"] = int(r["rank"])
        G.add_edge(root, rating, relation="has-rating")
        if "body" in r:
            G.add_edge(rating, add(r["body"]), relation="rated-body")
    findings: dict[str, dict] = {}
    for r in kg.select(f"""SELECT ?f ?polarity ?statement ?code ?theme WHERE {{ VALUES ?i {{ {node} }}
            ?f a pko:Finding ; pko:inspection ?i .
            OPTIONAL {{ ?f pko:polarity ?polarity }} OPTIONAL {{ ?f pko:statement ?statement }}
            OPTIONAL {{ ?f pko:standard/skos:notation ?code }}
            OPTIONAL {{ ?f pko:theme ?t OPTIONAL {{ ?t skos:prefLabel ?theme }} }} }}"""):
        f = findings.setdefault(r["f"], {"themes": set()})
        if "polarity" in r:
            f["polarity"] = polarity_name(r["polarity"]) or compact(r["polarity"])
        for k in ("statement", "code"):
            if k in r:
                f[k] = clean(r[k])
        if "theme" in r:
            f["themes"].add(clean(r["theme"]))
    for iri in sorted(findings):
        f = findings[iri]
        key = add(iri)
        themes = f.pop("themes")
        G.nodes[key].update(f)
        if themes:
            G.nodes[key]["themes"] = MULTI_SEPARATOR.join(sorted(themes))
        G.add_edge(root, key, relation="has-finding")
    for f_iri, (polarity, concerned) in _finding_groups(kg).items():
        if f_iri in findings:
            for e in sorted(concerned):
                attrs = {"relation": "concerns"}
                if polarity:
                    attrs["polarity"] = polarity
                G.add_edge(compact(f_iri), add(e), **attrs)
    return G


# --- choosing what to show --------------------------------------------------------------------


def inspections(kg: KnowledgeGraph) -> list[tuple[str, str]]:
    """(IRI, label) of every inspection, by IRI."""
    rows = kg.select(
        "SELECT ?i (SAMPLE(?l) AS ?label) WHERE { ?i a pko:Inspection OPTIONAL { ?i rdfs:label ?l } } "
        "GROUP BY ?i ORDER BY ?i"
    )
    return [(r["i"], r.get("label", "")) for r in rows]


def resolve_inspection(kg: KnowledgeGraph, text: str) -> str:
    """An inspection's IRI from its IRI, compact IRI, slug or label."""
    known = inspections(kg)
    wanted = fold(text)
    for iri, label in known:
        if wanted in (fold(iri), fold(compact(iri)), fold(iri.rsplit("/", 1)[1]), fold(label)):
            return iri
    listing = ", ".join(iri.rsplit("/", 1)[1] for iri, _ in known)
    raise InputError("--inspection", f"no inspection {text!r}; known: {listing}")


def resolve_node(kg: KnowledgeGraph, G: nx.Graph, text: str) -> str:
    """The node of G that TEXT names: its IRI, compact IRI, label or acronym (case and accents ignored)."""
    view = G.graph.get("view", "this")
    if text in G:
        return text
    if compact(text) in G:
        return compact(text)
    wanted = fold(text)
    matches: set[str] = set()
    elsewhere: set[str] = set()
    near: set[str] = set()
    for r in kg.select("""SELECT DISTINCT ?s ?l WHERE {
            VALUES ?p { skos:prefLabel rdfs:label skos:altLabel } ?s ?p ?l FILTER(isIRI(?s)) }"""):
        key, folded = compact(r["s"]), fold(r["l"])
        if folded == wanted:
            (matches if key in G else elsewhere).add(key)
        elif wanted in folded and key in G:
            near.add(key)
    if len(matches) == 1:
        return matches.pop()
    if matches:
        raise InputError("--around", f"{text!r} names several nodes: {', '.join(sorted(matches))}; give an IRI")
    if elsewhere:
        raise InputError("--around", f"{', '.join(sorted(elsewhere))} is not in the {view} view")
    hint = f"; did you mean {', '.join(sorted(near)[:8])}?" if near else ""
    raise InputError("--around", f"nothing in the {view} view is called {text!r}{hint}")


def around(G: nx.Graph, node: str, depth: int) -> nx.Graph:
    """The part of G within DEPTH links of NODE, whatever their direction."""
    H = nx.ego_graph(G, node, radius=depth, undirected=True)
    H.graph.update(G.graph, around=node, depth=depth)
    return H


def build(
    kg: KnowledgeGraph,
    view: str,
    inspection: str | None = None,
    around_entity: str | None = None,
    depth: int = 1,
    stream: bool = False,
) -> nx.Graph | FullView:
    """A view by name, optionally cut down to the neighbourhood of one node.

    With `stream`, the whole full view is a `FullView`, read from the store as it is written.
    """
    if view == "full" and stream and around_entity is None:
        return FullView(kg)
    if view == "full":
        G = full_view(kg)
    elif view == "entities":
        G = entities_view(kg)
    elif view == "inspection":
        if inspection is None:
            listing = ", ".join(iri.rsplit("/", 1)[1] for iri, _ in inspections(kg))
            raise InputError("--inspection", f"the inspection view needs --inspection (one of {listing})")
        G = inspection_view(kg, resolve_inspection(kg, inspection))
    else:
        raise InputError("--view", f"unknown view {view!r}; one of {', '.join(VIEWS)}")
    if around_entity is not None:
        G = around(G, resolve_node(kg, G, around_entity), depth)
    return G


# --- findings behind the nodes, for the HTML page ---------------------------------------------


def finding_details(kg: KnowledgeGraph, G: nx.Graph) -> tuple[dict[str, dict], dict[str, list[str]]]:
    """The findings (label, polarity, statement, inspection, quotes) about each node of G.

    A node's findings are those that concern it, or the node itself if it is a
    finding; in an inspection view only that inspection's findings count.
    """
    only = G.graph.get("inspection")
    findings: dict[str, dict] = {}
    for r in kg.select("""SELECT ?f ?label ?polarity ?statement ?inspection WHERE { ?f a pko:Finding
            OPTIONAL { ?f rdfs:label ?label } OPTIONAL { ?f pko:polarity ?polarity }
            OPTIONAL { ?f pko:statement ?statement } OPTIONAL { ?f pko:inspection ?inspection } }"""):
        key = compact(r["f"])
        inspection = compact(r["inspection"]) if "inspection" in r else None
        if only and inspection != only:
            continue
        findings[key] = {
            "label": clean(r.get("label", key)),
            "polarity": polarity_name(r.get("polarity")),
            "statement": clean(r.get("statement", "")),
            "inspection": inspection,
            "quotes": [],
        }
    for r in kg.select("""SELECT DISTINCT ?f ?exact WHERE { ?f a pko:Finding ; pko:hasEvidence ?q .
            ?q oa:hasSelector/oa:exact ?exact } ORDER BY ?f ?q"""):
        if (key := compact(r["f"])) in findings:
            findings[key]["quotes"].append(clean(r["exact"]))
    about: dict[str, set[str]] = defaultdict(set)
    for f_iri, (_, concerned) in _finding_groups(kg).items():
        f = compact(f_iri)
        if f in findings:
            for e in concerned:
                if (k := compact(e)) in G:
                    about[k].add(f)
    for f in findings:
        if f in G:
            about[f].add(f)
    used = sorted({f for fs in about.values() for f in fs})
    return {f: findings[f] for f in used}, {n: sorted(fs) for n, fs in sorted(about.items())}
