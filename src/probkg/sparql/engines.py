"""SPARQL engines behind one interface: Oxigraph (default), rdflib, and any remote endpoint.

Every engine takes query text plus parameter bindings (variable name to RDF term)
and returns a `ResultSet`, so the same saved query can be run and compared
anywhere. rdflib binds parameters natively (initBindings). Oxigraph's
substitutions bind only variables the query projects (SEP-0007), and a remote
endpoint has no binding API in the SPARQL protocol, so for both the terms are
sent as a `VALUES` data block opening the query's WHERE group. The terms are
RDF terms serialised by pyoxigraph, which escapes them: a value can never close
a string or a brace, so the query's structure never depends on it.

The local engines are `guarded` by default in `probkg query`: every query passes
the endpoint's guard (`sparql/guard.py`) first, so a shared `.rq` file cannot make
either engine call a SERVICE, fetch a FROM IRI or read a file; only the dataset's
own named graphs may be named. Unguarded (`--allow-network`, and the benchmarks),
the text goes to the engine as it is. Either way Oxigraph gets the query's own
FROM / FROM NAMED as its dataset: its union-of-all-graphs default would otherwise
override them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import SPARQLError
from rdflib.query import ResultRow

from probkg.core.errors import InputError
from probkg.core.paths import Layout
from probkg.rdf.store import KnowledgeGraph, ntriples_triples, rdflib_dataset
from probkg.rdf.terms import rdflib_binding, to_rdflib
from probkg.rdf.vocab import PREFIXES
from probkg.sparql.catalogue import TOKEN
from probkg.sparql.guard import Checked, Refused, check_query, first_line, read_query
from probkg.sparql.results import ResultSet

Terms = dict[str, ox.NamedNode | ox.Literal]
_DECLARED = re.compile(r"^\s*PREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE | re.MULTILINE)


_USED = re.compile(r"(?<![\w?$])(" + "|".join(sorted(map(re.escape, PREFIXES), key=len, reverse=True)) + r"):")
"""Any of our prefixes written as `prefix:`: one pass over the text finds every one it uses."""


@lru_cache(maxsize=256)
def with_prologue(text: str) -> str:
    """The query with PREFIX lines added for our prefixes it uses but does not declare.

    Cached, and one regex pass: the same saved query runs again and again (a server,
    a benchmark), and scanning its text once per prefix cost more than Oxigraph took
    to answer a small lookup.
    """
    declared = set(_DECLARED.findall(text))
    used = set(_USED.findall(text))
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items() if p in used and p not in declared) + text


class Engine(Protocol):
    name: str

    def run(self, text: str, bindings: Terms) -> ResultSet: ...

    def graph(self, text: str, bindings: Terms) -> list[ox.Triple]:
        """A CONSTRUCT or DESCRIBE query's triples."""
        ...


NOT_A_TABLE = "CONSTRUCT and DESCRIBE give a graph, not a table: write it with --format turtle, nt or jsonld"
NOT_A_GRAPH = "only CONSTRUCT and DESCRIBE give a graph: write SELECT and ASK results as table, csv, tsv, json or md"


GUARD_HINT = "; --allow-network runs a trusted query as it is"


def absent_iris(engine: Engine, bindings: Terms) -> list[str]:
    """The IRI parameter values the engine's dataset never mentions, as subject or object.

    A query about an IRI the graph does not hold answers with no rows, which
    reads as "nothing found"; asking first lets the CLI say the IRI is wrong instead.
    """
    ask = "ASK { { ?iri ?p ?o } UNION { ?s ?p ?iri } }"
    return [
        term.value
        for term in bindings.values()
        if isinstance(term, ox.NamedNode) and not engine.run(ask, {"iri": term}).boolean
    ]


def guarded_query(text: str, graphs: frozenset[str]) -> Checked:
    """The endpoint's verdict on a local query, as a one-line bad-input error if it refuses."""
    try:
        return check_query(text, graphs)
    except Refused as exc:
        raise InputError("query", f"refused by the query guard: {exc}{GUARD_HINT}") from None


@lru_cache(maxsize=256)
def own_dataset(text: str) -> Checked | None:
    """A trusted query's dataset clauses, or None if it has none (or rdflib cannot read it).

    Only a text with "from" in it can have one (see guard.quick_check), so most
    texts are never parsed; the answer for a text never changes, hence the cache.
    """
    if "from" not in text.casefold():
        return None
    try:
        checked = read_query(text)
    except Refused:
        return None  # Oxigraph's own parser reports the syntax error
    return checked if checked.has_dataset else None


class OxigraphEngine:
    """The embedded default: fast, and the engine `serve` uses."""

    name = "oxigraph"

    def __init__(self, kg: KnowledgeGraph, guarded: bool = False) -> None:
        self.kg = kg
        self.graphs = (
            frozenset(g.value for g in kg.store.named_graphs() if isinstance(g, ox.NamedNode)) if guarded else None
        )

    def _query(self, text: str, bindings: Terms) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        text = inline_values(with_prologue(text), bindings)
        checked = guarded_query(text, self.graphs) if self.graphs is not None else own_dataset(text)
        if checked is not None and checked.has_dataset:
            options: dict = {
                "default_graph": [ox.NamedNode(g) for g in checked.from_graphs],
                "named_graphs": [ox.NamedNode(g) for g in checked.from_named],
            }
        else:
            options = {"use_default_graph_as_union": True}
        try:
            return self.kg.store.query(checked.text if checked is not None else text, **options)
        except SyntaxError as exc:
            raise InputError("query", str(exc)) from None
        except (OSError, RuntimeError) as exc:  # a SERVICE that failed, with --allow-network
            raise InputError("query", f"Oxigraph could not evaluate the query: {first_line(exc)}") from None

    def run(self, text: str, bindings: Terms) -> ResultSet:
        solutions = self._query(text, bindings)
        if isinstance(solutions, ox.QueryTriples):
            raise InputError("query", NOT_A_TABLE)
        try:
            return ResultSet.from_oxigraph(solutions)
        except (OSError, RuntimeError) as exc:  # evaluation is lazy: a SERVICE may fail while reading
            raise InputError("query", f"Oxigraph could not evaluate the query: {first_line(exc)}") from None

    def graph(self, text: str, bindings: Terms) -> list[ox.Triple]:
        triples = self._query(text, bindings)
        if not isinstance(triples, ox.QueryTriples):
            raise InputError("query", NOT_A_GRAPH)
        try:
            return list(triples)
        except (OSError, RuntimeError) as exc:
            raise InputError("query", f"Oxigraph could not evaluate the query: {first_line(exc)}") from None


class RdflibEngine:
    """rdflib's own store and SPARQL: the reference engine that others are compared with."""

    name = "rdflib"

    def __init__(self, lay: Layout, files: list[Path] | None = None, guarded: bool = False) -> None:
        self.dataset = rdflib_dataset(files if files is not None else lay.data_files(), lay)
        self.graphs = frozenset(str(g.identifier) for g in self.dataset.graphs()) if guarded else None

    def run(self, text: str, bindings: Terms) -> ResultSet:
        result = self._evaluate(text, bindings, graph=False)
        assert isinstance(result, ResultSet)
        return result

    def graph(self, text: str, bindings: Terms) -> list[ox.Triple]:
        result = self._evaluate(text, bindings, graph=True)
        assert isinstance(result, list)
        return result

    def _evaluate(self, text: str, bindings: Terms, graph: bool) -> ResultSet | list[ox.Triple]:
        """Results read inside the guard's context (rdflib evaluates lazily): a table, or with `graph` triples."""
        text = with_prologue(text)
        if self.graphs is not None:
            text = guarded_query(text, self.graphs).text
        try:
            query = prepareQuery(text)
        except Exception as exc:  # pyparsing raises its own exception types
            raise InputError("query", str(exc)) from None
        try:
            with _graphs_never_loaded(self.graphs is not None):
                result = self.dataset.query(query, initBindings={k: to_rdflib(v) for k, v in bindings.items()})
                if graph != (result.type in ("CONSTRUCT", "DESCRIBE")):
                    raise InputError("query", NOT_A_GRAPH if graph else NOT_A_TABLE)
                if graph:
                    return ntriples_triples(result.serialize(format="nt", encoding="utf-8") or b"")
                if result.type == "ASK":
                    return ResultSet(boolean=bool(result.askAnswer))
                names = [str(v) for v in result.vars or []]
                rows = [
                    {n: rdflib_binding(term) for n in names if (term := row[n]) is not None}
                    for row in result
                    if isinstance(row, ResultRow)
                ]
        except SPARQLError as exc:
            raise InputError("query", f"rdflib could not evaluate the query: {exc}") from None
        except InputError:
            raise
        except Exception as exc:  # a SERVICE or FROM fetch that failed, with --allow-network
            raise InputError("query", f"rdflib could not evaluate the query: {first_line(exc)}") from None
        return ResultSet(names, rows)


@contextmanager
def _graphs_never_loaded(guarded: bool) -> Iterator[None]:
    """rdflib fetches a FROM graph it holds no triples of (SPARQL_LOAD_GRAPHS): never while guarded.

    The guard lets only the dataset's own graphs be named, but one of those can be
    empty (a file of prefixes only), and rdflib would then fetch its IRI.
    """
    import rdflib.plugins.sparql as rdflib_sparql

    before = rdflib_sparql.SPARQL_LOAD_GRAPHS
    rdflib_sparql.SPARQL_LOAD_GRAPHS = before and not guarded
    try:
        yield
    finally:
        rdflib_sparql.SPARQL_LOAD_GRAPHS = before


@lru_cache(maxsize=256)
def where_brace(text: str) -> int:
    """Index of the `{` that opens the query's top-level WHERE group (cached, like `with_prologue`)."""
    depth, seen_where, first = 0, False, None
    for match in TOKEN.finditer(text):
        token = match.group()
        if token == "{":
            if depth == 0:
                if seen_where:
                    return match.start()
                first = match.start() if first is None else first
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0 and token.upper() == "WHERE":
            seen_where = True
    if first is None:
        raise InputError("query", "cannot find the WHERE group to bind parameters into")
    return first


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside comments, strings and IRIs."""
    for match in TOKEN.finditer(text):
        token = match.group().upper()
        if token in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return token
    return "SELECT"


def inline_values(text: str, bindings: Terms) -> str:
    """The query with its bindings as a VALUES block opening the WHERE group."""
    if not bindings:
        return text
    names = " ".join(f"?{k}" for k in bindings)
    terms = " ".join(str(v) for v in bindings.values())
    at = where_brace(text) + 1
    return f"{text[:at]}\n  VALUES ({names}) {{ ({terms}) }}\n{text[at:]}"


class RemoteEngine:
    """Any SPARQL 1.1 endpoint, through SPARQLWrapper."""

    name = "remote"

    def __init__(self, url: str, timeout: int = 60) -> None:
        self.url = url
        self.timeout = timeout

    def _ask(self, text: str, bindings: Terms, graph: bool) -> object:
        """The endpoint's answer: SPARQL JSON results, or with `graph` the bytes of an N-Triples graph."""
        from urllib.error import URLError

        from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        # SPARQLWrapper guesses the query type with a regex that reads words inside comments
        # ("created" in a #+ description made it send a query as `update=`): say it ourselves.
        form = query_form(text)
        if graph != (form in ("CONSTRUCT", "DESCRIBE")):
            raise InputError("query", NOT_A_GRAPH if graph else NOT_A_TABLE)
        client = SPARQLWrapper(self.url)
        client.setMethod(POST)
        client.setTimeout(self.timeout)
        client.setReturnFormat(TURTLE if graph else JSON)
        client.setQuery(inline_values(with_prologue(text), bindings))
        client.queryType = form
        if graph:  # N-Triples: every endpoint writes it, and it parses a line at a time
            client.setOnlyConneg(True)
            client.addCustomHttpHeader("Accept", "application/n-triples, text/plain;q=0.5")
        try:
            return client.query().response.read() if graph else client.queryAndConvert()
        except (SPARQLWrapperException, URLError, OSError) as exc:
            raise InputError(self.url, f"endpoint error: {exc}") from None

    def graph(self, text: str, bindings: Terms) -> list[ox.Triple]:
        try:
            data = self._ask(text, bindings, graph=True)
            if not isinstance(data, bytes):
                raise InputError(self.url, "endpoint did not return N-Triples")
            return ntriples_triples(data)
        except SyntaxError as exc:
            raise InputError(self.url, f"endpoint did not return N-Triples: {exc}") from None

    def run(self, text: str, bindings: Terms) -> ResultSet:
        data = self._ask(text, bindings, graph=False)
        if not isinstance(data, dict):
            raise InputError(self.url, "endpoint did not return SPARQL JSON results")
        return ResultSet.from_json(data)
