"""The data of an entity's HTML page: what it says, what points to it, and its facts with their quotes.

Read from the store with a few fixed queries, in the worker (`serve/handler.py`)
that holds the store, and handed to the server as plain data for the
`entity.html` template (`serve/pages.py`). Every list is capped, and the page
says when it is.
"""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from probkg.rdf.names import LABEL_PREDICATES, Label, preferred_label
from probkg.rdf.terms import binding
from probkg.rdf.vocab import ID_BASE, PREFIXES, compact
from probkg.sparql.engines import with_prologue

PKO = PREFIXES["pko"]
SKOS = PREFIXES["skos"]
RDF_TYPE = PREFIXES["rdf"] + "type"
MAX_FACTS = 200
MAX_LINKS = 500


def _select(store: ox.Store, query: str, **values: list) -> list[dict]:
    """Rows of a fixed query; `values` become VALUES blocks of terms (never text)."""
    blocks = "".join(f"VALUES ?{name} {{ {' '.join(str(t) for t in terms)} }}\n" for name, terms in values.items())
    text = query.replace("#VALUES", blocks)
    result = store.query(with_prologue(text), use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [{n: row[n] for n in names if row[n] is not None} for row in result]


def _labels(store: ox.Store, terms: set) -> dict[str, str]:
    iris = [t for t in terms if isinstance(t, ox.NamedNode)]
    candidates: dict[str, list[Label]] = defaultdict(list)
    for start in range(0, len(iris), 400):
        for row in _select(
            store,
            """SELECT ?x ?p ?l WHERE { #VALUES
            VALUES ?p { skos:prefLabel rdfs:label } ?x ?p ?l }""",
            x=iris[start : start + 400],
        ):
            lang = row["l"].language if isinstance(row["l"], ox.Literal) else None
            candidates[row["x"].value].append((row["p"].value, row["l"].value, lang))
    return {iri: preferred_label(found) for iri, found in candidates.items()}


def page_data(store: ox.Store, node: ox.NamedNode) -> dict:
    """Everything the entity page shows, as plain data for the template."""
    iri = node.value
    out_rows = _select(store, f"SELECT ?p ?o WHERE {{ #VALUES ?x ?p ?o }} LIMIT {MAX_LINKS}", x=[node])
    in_rows = _select(store, f"SELECT ?s ?p WHERE {{ #VALUES ?s ?p ?x }} LIMIT {MAX_LINKS}", x=[node])
    fact_rows = _select(
        store,
        f"""SELECT ?fact (MIN(?k) AS ?rank) WHERE {{ #VALUES
        ?fact ?p ?x ; pko:hasEvidence ?q . FILTER(?p != pko:hasEvidence)
        OPTIONAL {{ ?fact a ?c . VALUES (?c ?order) {{ (pko:Rating 0) (pko:Finding 1) (pko:Recommendation 2)
            (pko:Claim 3) (pko:KeyQuestionResult 4) (pko:Statistic 5) }} }}
        BIND(COALESCE(?order, 9) AS ?k)
    }} GROUP BY ?fact ORDER BY ?rank ?fact LIMIT {MAX_FACTS + 1}""",
        x=[node],
    )
    facts = [r["fact"] for r in fact_rows[:MAX_FACTS]]
    details = (
        _select(
            store,
            """SELECT ?fact ?class ?label ?statement ?band ?polarity ?standard ?inspection
                                     ?value ?unit ?verdict WHERE { #VALUES
        ?fact a ?class . FILTER(STRSTARTS(STR(?class), STR(pko:)))
        OPTIONAL { ?fact rdfs:label ?label }
        OPTIONAL { ?fact pko:statement ?statement }
        OPTIONAL { ?fact pko:band ?band }
        OPTIONAL { ?fact pko:polarity ?polarity }
        OPTIONAL { ?fact pko:standard ?standard }
        OPTIONAL { ?fact pko:inspection ?inspection }
        OPTIONAL { ?fact pko:value ?value }
        OPTIONAL { ?fact pko:unit ?unit }
        OPTIONAL { ?fact pko:verdict ?verdict }
    }""",
            fact=facts,
        )
        if facts
        else []
    )
    quotes = _select(
        store,
        """SELECT ?fact ?quote ?exact ?doc WHERE { #VALUES
        ?fact pko:hasEvidence ?quote . ?quote oa:hasSelector/oa:exact ?exact .
        OPTIONAL { ?quote oa:hasSource ?doc } } ORDER BY ?fact ?quote""",
        fact=facts + [node],
    )
    terms = {node}
    for row in out_rows + in_rows + details + quotes:
        terms.update(row.values())
    labels = _labels(store, terms)

    def ref(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict:
        if isinstance(term, ox.NamedNode):
            return {
                "iri": term.value,
                "label": labels.get(term.value),
                "short": compact(term.value),
                "local": term.value.startswith(ID_BASE),
            }
        if isinstance(term, ox.Literal):
            b = binding(term)
            return {"value": term.value, "lang": b.get("xml:lang"), "datatype": b.get("datatype")}
        return {"value": str(term)}

    types = [ref(r["o"]) for r in out_rows if r["p"].value == RDF_TYPE]
    definition = next((r["o"].value for r in out_rows if r["p"].value == SKOS + "definition"), None)
    alt = [r["o"].value for r in out_rows if r["p"].value == SKOS + "altLabel"]
    by_fact: dict[str, dict] = {}
    for row in details:
        key = row["fact"].value
        entry = by_fact.setdefault(key, {"fact": ref(row["fact"]), "kinds": [], "quotes": []})
        kind = labels.get(row["class"].value, compact(row["class"].value))
        if kind not in entry["kinds"]:
            entry["kinds"].append(kind)
        for name in (
            "label",
            "statement",
            "band",
            "polarity",
            "standard",
            "inspection",
            "value",
            "unit",
            "verdict",
        ):
            if name in row and name not in entry:
                entry[name] = ref(row[name])
    own_quotes = []
    for row in quotes:
        quote = {
            "exact": row["exact"].value,
            "quote": ref(row["quote"]),
            "source": ref(row["doc"]) if "doc" in row else None,
        }
        if row["fact"] == node:
            own_quotes.append(quote)
        elif row["fact"].value in by_fact:
            by_fact[row["fact"].value]["quotes"].append(quote)
    skip = {RDF_TYPE, SKOS + "definition", SKOS + "altLabel", *LABEL_PREDICATES, PKO + "hasEvidence"}
    return {
        "iri": iri,
        "short": compact(iri),
        "label": labels.get(iri) or compact(iri),
        "types": types,
        "definition": definition,
        "alt_labels": alt,
        "outgoing": [{"p": ref(r["p"]), "o": ref(r["o"])} for r in out_rows if r["p"].value not in skip],
        "incoming": [{"s": ref(r["s"]), "p": ref(r["p"])} for r in in_rows],
        "links_capped": len(out_rows) >= MAX_LINKS or len(in_rows) >= MAX_LINKS,
        "facts": [by_fact[f.value] for f in facts if f.value in by_fact],
        "facts_capped": len(fact_rows) > MAX_FACTS,
        "quotes": own_quotes,
    }
