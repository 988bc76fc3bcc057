"""What a query worker does with a request: every SPARQL evaluation of `probkg serve` runs here.

Runs inside a worker process (`serve/zygote.py`), which the pool kills at the
deadline. Each request is checked by `sparql_guard` first, in this process, so
that even parsing a hostile query is under the deadline: a short query that can
name neither a service nor a dataset goes to Oxigraph directly
(`sparql_guard.quick_check`), any other is parsed by rdflib first.
"""

from __future__ import annotations

import functools
import traceback
from collections import defaultdict

import pyoxigraph as ox

from probkg.rdf.names import LABEL_PREDICATES, Label, preferred_label
from probkg.rdf.terms import binding
from probkg.rdf.vocab import ID_BASE, PREFIXES, compact
from probkg.sparql import formats as fmt
from probkg.sparql.engines import with_prologue
from probkg.sparql.guard import Checked, Refused, check_graphs, check_query, quick_check

TOO_LARGE = 422
PKO = PREFIXES["pko"]
SKOS = PREFIXES["skos"]
RDF_TYPE = PREFIXES["rdf"] + "type"
MAX_FACTS = 200
MAX_LINKS = 500


class Handler:
    """Holds the store and answers requests; every reply is a dict with an HTTP `status`."""

    def __init__(self, trig: str, max_rows: int, max_bytes: int) -> None:
        self.store = ox.Store()
        self.store.bulk_load(path=trig, format=ox.RdfFormat.TRIG)
        self.graphs = frozenset(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        # rdflib's parser takes milliseconds on a lookup and tens of them on a saved query;
        # the verdict on a given text never changes, so those of the last 256 short texts
        # are kept (refusals are not).
        self._cached_check = functools.lru_cache(maxsize=256)(self._check)
        check_query("ASK {}", self.graphs)  # builds rdflib's grammar now, not in the first request

    def _check(self, text: str) -> str | Checked:
        """The guard's verdict on the text with the project's prefixes declared (see engines.with_prologue):
        the text to run as it is if `quick_check` passes it, else rdflib's full check."""
        text = with_prologue(text)
        quick = quick_check(text)
        return quick if quick is not None else check_query(text, self.graphs)

    def check(self, text: str) -> str | Checked:
        return self._cached_check(text) if len(text) <= 32 * 1024 else self._check(text)

    def info(self) -> dict:
        return {"graphs": sorted(self.graphs), "triples": len(self.store)}

    def handle(self, request: dict) -> dict:
        try:
            if request.get("op") == "sparql":
                return self.sparql(request)
            if request.get("op") == "entity":
                return self.entity(request)
            if request.get("op") == "ping":
                return {"status": 200}
            return {"status": 400, "error": f"unknown operation {request.get('op')!r}"}
        except Refused as exc:
            return {"status": exc.status, "error": str(exc)}
        except fmt.NotAcceptable as exc:
            return {"status": 406, "error": str(exc)}
        except SyntaxError as exc:
            return {"status": 400, "error": f"syntax error: {exc}"}
        except MemoryError:
            return {"status": 503, "error": "the query needed more memory than a worker may use"}
        except Exception as exc:  # report, keep serving
            traceback.print_exc()
            return {"status": 500, "error": f"{type(exc).__name__}: {exc}"}

    # --- SPARQL protocol -------------------------------------------------------------

    def sparql(self, request: dict) -> dict:
        checked = self.check(request["query"])
        text, own_dataset = (checked.text, checked.has_dataset) if isinstance(checked, Checked) else (checked, False)
        defaults, named = request.get("default_graphs"), request.get("named_graphs")
        if defaults is not None or named is not None:
            check_graphs(list(defaults or []) + list(named or []), self.graphs, "default-graph-uri/named-graph-uri")
            options = {
                "default_graph": [ox.NamedNode(g) for g in defaults or []],
                "named_graphs": [ox.NamedNode(g) for g in named or []],
            }
        elif own_dataset:
            options = {}  # the query's own FROM / FROM NAMED (our graphs only) define the dataset
        else:
            options = {"use_default_graph_as_union": True}
        try:
            result = self.store.query(text, base_iri=request.get("base"), **options)
        except SyntaxError:
            if not isinstance(checked, Checked):  # not parsed by rdflib yet: its verdict, if it refuses
                check_query(with_prologue(request["query"]), self.graphs)
            raise
        # The result's type says the query's form; SELECT solutions are read lazily, after this.
        accept, name = request.get("accept") or [], request.get("format")
        if isinstance(result, ox.QueryBoolean):
            media = fmt.negotiate(accept, name, fmt.BOOLEAN_TYPES, fmt.JSON)
            return self._reply(fmt.write_boolean(bool(result), media), media, 1)
        if isinstance(result, ox.QuerySolutions):
            media = fmt.negotiate(accept, name, fmt.RESULT_TYPES, fmt.JSON)
            variables = [v.value for v in result.variables]
            rows = []
            for solution in result:
                if len(rows) == self.max_rows:
                    raise self._too_many()
                rows.append([solution[v] for v in variables])
            return self._reply(fmt.write_solutions(variables, rows, media), media, len(rows))
        media = fmt.negotiate(accept, name, fmt.GRAPH_TYPES, fmt.TURTLE)
        triples = []
        for triple in result:
            if len(triples) == self.max_rows:
                raise self._too_many("triples")
            triples.append(triple)
        return self._reply(fmt.write_graph(triples, media), media, len(triples))

    def _too_many(self, what: str = "rows") -> Refused:
        return Refused(
            f"result too large: more than {self.max_rows} {what} (the server's --max-rows); "
            "add LIMIT and OFFSET to page through it",
            TOO_LARGE,
        )

    def _reply(self, body: bytes, media: str, count: int) -> dict:
        if len(body) > self.max_bytes:
            raise Refused(
                f"result too large: more than {self.max_bytes} bytes; add LIMIT or select fewer values", TOO_LARGE
            )
        return {"status": 200, "media": media, "body": body, "count": count}

    # --- Linked data -------------------------------------------------------------------

    def entity(self, request: dict) -> dict:
        iri = request["iri"]
        node = ox.NamedNode(iri)
        triples = self._described(node)
        if not triples:
            return {"status": 404, "error": f"nothing is known about <{iri}>"}
        media = request.get("media") or "html"
        if media != "html":
            return self._reply(fmt.write_graph(triples, media), media, len(triples))
        return {"status": 200, "data": self._page(node)}

    def _described(self, node: ox.NamedNode) -> list[ox.Triple]:
        """The entity's triples: as subject (with the blank nodes it points to) and as object."""
        seen: set[ox.Triple] = set()
        out: list[ox.Triple] = []

        def add(triple: ox.Triple) -> None:
            if triple not in seen:
                if len(out) == self.max_rows:
                    raise self._too_many("triples")
                seen.add(triple)
                out.append(triple)

        pending = [node]
        while pending:
            subject = pending.pop()
            for quad in self.store.quads_for_pattern(subject, None, None):
                add(quad.triple)
                if isinstance(quad.object, ox.BlankNode):
                    pending.append(quad.object)
        for quad in self.store.quads_for_pattern(None, None, node):
            add(quad.triple)
        return out

    def _select(self, query: str, **values: list) -> list[dict]:
        """Rows of a fixed query; `values` become VALUES blocks of terms (never text)."""
        blocks = "".join(f"VALUES ?{name} {{ {' '.join(str(t) for t in terms)} }}\n" for name, terms in values.items())
        text = query.replace("#VALUES", blocks)
        result = self.store.query(with_prologue(text), use_default_graph_as_union=True)
        names = [v.value for v in result.variables]
        return [{n: row[n] for n in names if row[n] is not None} for row in result]

    def _labels(self, terms: set) -> dict[str, str]:
        iris = [t for t in terms if isinstance(t, ox.NamedNode)]
        candidates: dict[str, list[Label]] = defaultdict(list)
        for start in range(0, len(iris), 400):
            for row in self._select(
                """SELECT ?x ?p ?l WHERE { #VALUES
                VALUES ?p { skos:prefLabel rdfs:label } ?x ?p ?l }""",
                x=iris[start : start + 400],
            ):
                lang = row["l"].language if isinstance(row["l"], ox.Literal) else None
                candidates[row["x"].value].append((row["p"].value, row["l"].value, lang))
        return {iri: preferred_label(found) for iri, found in candidates.items()}

    def _page(self, node: ox.NamedNode) -> dict:
        """Everything the entity page shows, as plain data for the template."""
        iri = node.value
        out_rows = self._select(f"SELECT ?p ?o WHERE {{ #VALUES ?x ?p ?o }} LIMIT {MAX_LINKS}", x=[node])
        in_rows = self._select(f"SELECT ?s ?p WHERE {{ #VALUES ?s ?p ?x }} LIMIT {MAX_LINKS}", x=[node])
        fact_rows = self._select(
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
            self._select(
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
        quotes = self._select(
            """SELECT ?fact ?quote ?exact ?doc WHERE { #VALUES
            ?fact pko:hasEvidence ?quote . ?quote oa:hasSelector/oa:exact ?exact .
            OPTIONAL { ?quote oa:hasSource ?doc } } ORDER BY ?fact ?quote""",
            fact=facts + [node],
        )
        terms = {node}
        for row in out_rows + in_rows + details + quotes:
            terms.update(row.values())
        labels = self._labels(terms)

        def ref(term) -> dict:
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
