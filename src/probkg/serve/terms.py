"""The ontology's classes and properties as a small JSON list, for the editor's completion.

The list is read from the served dataset itself (one query through the worker
pool), not from the ontology files, so it names exactly the terms the endpoint
holds; the server keeps the first answer, since the build it serves never changes.
"""

from __future__ import annotations

import json

from probkg.rdf.vocab import compact

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
