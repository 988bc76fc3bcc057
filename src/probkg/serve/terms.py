"""The ontology's terms: a small JSON list for the editor's completion, and a local page per term.

Both are read from the served dataset itself (queries through the worker pool),
not from the ontology files, so they show exactly what the endpoint holds; the
server keeps the list's first answer, since the build it serves never changes.
"""

from __future__ import annotations

import json
import re

from probkg.rdf.vocab import PREFIXES, compact

ONTOLOGY = PREFIXES["pko"]
TERM_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
"""The local names a term page is served for: the ontology's names, and nothing that could change a query."""

TERMS_QUERY = """
SELECT ?term ?kind (SAMPLE(?l) AS ?label) (SAMPLE(?d) AS ?definition) WHERE {
  VALUES (?type ?kind) {
    (owl:Class "class") (owl:ObjectProperty "property") (owl:DatatypeProperty "property")
    (owl:AnnotationProperty "property") (rdf:Property "property")
  }
  ?term a ?type . FILTER(isIRI(?term))
  OPTIONAL { ?term rdfs:label ?l }
  OPTIONAL { ?term skos:definition ?d }
}
GROUP BY ?term ?kind
ORDER BY ?term
"""


def terms_from_results(body: bytes) -> list[dict[str, str]]:
    """SPARQL JSON results of TERMS_QUERY as `{name, iri, kind, label, definition}`, one per prefixed term.

    A term no project prefix can shorten is left out: completion offers what can be typed as `prefix:local`.
    """
    seen: dict[str, dict[str, str]] = {}
    for row in json.loads(body)["results"]["bindings"]:
        iri = row["term"]["value"]
        name = compact(iri)
        if name == iri or name in seen:
            continue
        seen[name] = {
            "name": name,
            "iri": iri,
            "kind": row["kind"]["value"],
            "label": row.get("label", {}).get("value", ""),
            "definition": row.get("definition", {}).get("value", ""),
        }
    return list(seen.values())


def term_queries(iri: str) -> tuple[str, str]:
    """What the graph says about a term, and how often the data uses it (as a predicate and as a class).

    `iri` is the ontology namespace and a TERM_NAME, so it can be written into the text as it is.
    """
    about = f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }} ORDER BY ?p ?o"
    usage = (
        "SELECT (COUNT(?s) AS ?asPredicate) (COUNT(DISTINCT ?i) AS ?instances) WHERE "
        f"{{ {{ ?s <{iri}> ?x }} UNION {{ ?i a <{iri}> }} }}"
    )
    return about, usage


ROLES = {
    PREFIXES["rdf"] + "type": "types",
    PREFIXES["rdfs"] + "label": "label",
    PREFIXES["skos"] + "definition": "definition",
    PREFIXES["rdfs"] + "comment": "comment",
    PREFIXES["rdfs"] + "domain": "domain",
    PREFIXES["rdfs"] + "range": "range",
    PREFIXES["rdfs"] + "subClassOf": "parents",
    PREFIXES["rdfs"] + "subPropertyOf": "parents",
    PREFIXES["owl"] + "inverseOf": "inverse",
}
"""Which statements the term page shows in their own place; the rest are listed as they are."""


def term_page_data(iri: str, about: bytes, usage: bytes) -> dict | None:
    """The page's data from the two queries' JSON results, or None when the graph says nothing of the term."""
    rows = json.loads(about)["results"]["bindings"]
    if not rows:
        return None
    data: dict = {"iri": iri, "short": compact(iri), "label": "", "definition": "", "comment": "", "other": []}
    for row in rows:
        p, o = row["p"]["value"], row["o"]
        value = {"iri": o["value"], "short": compact(o["value"])} if o["type"] == "uri" else {"value": o["value"]}
        role = ROLES.get(p)
        if role in ("label", "definition", "comment") and "value" in value:
            data[role] = data[role] or value["value"]
        elif role in ("types", "domain", "range", "parents", "inverse") and "iri" in value:
            data.setdefault(role, []).append(value)
        elif o["type"] != "bnode":
            data["other"].append({"predicate": {"iri": p, "short": compact(p)}, "object": value})
    counts = json.loads(usage)["results"]["bindings"][0]
    data["as_predicate"] = int(counts["asPredicate"]["value"])
    data["instances"] = int(counts["instances"]["value"])
    data["label"] = data["label"] or data["short"]
    return data
