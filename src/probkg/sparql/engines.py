"""SPARQL engines behind one interface: Oxigraph (default), rdflib, and any remote endpoint.

Every engine takes query text plus parameter bindings (variable name to RDF term)
and returns a `ResultSet`, so the same saved query can be run and compared
anywhere. rdflib binds parameters natively (initBindings). Oxigraph's
substitutions bind only variables the query projects (SEP-0007), and a remote
endpoint has no binding API in the SPARQL protocol, so for both the terms are
sent as a `VALUES` data block opening the query's WHERE group. The terms are
RDF terms serialised by pyoxigraph, which escapes them: a value can never close
a string or a brace, so the query's structure never depends on it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
import rdflib
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import SPARQLError

from probkg.core.errors import InputError
from probkg.core.paths import Layout
from probkg.rdf.store import KnowledgeGraph
from probkg.rdf.terms import rdflib_binding, to_rdflib
from probkg.rdf.vocab import PREFIXES
from probkg.sparql.catalogue import TOKEN
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


class OxigraphEngine:
    """The embedded default: fast, and the engine `serve` uses."""

    name = "oxigraph"

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg

    def run(self, text: str, bindings: Terms) -> ResultSet:
        try:
            solutions = self.kg.store.query(
                inline_values(with_prologue(text), bindings), use_default_graph_as_union=True
            )
        except SyntaxError as exc:
            raise InputError("query", str(exc)) from None
        if isinstance(solutions, ox.QueryTriples):
            raise InputError("query", "CONSTRUCT and DESCRIBE results are not tables; use the endpoint")
        return ResultSet.from_oxigraph(solutions)


class RdflibEngine:
    """rdflib's own store and SPARQL: the reference engine that others are compared with."""

    name = "rdflib"

    def __init__(self, lay: Layout, files: list[Path] | None = None) -> None:
        self.dataset = rdflib.Dataset(default_union=True)
        for path in files if files is not None else lay.data_files():
            self.dataset.graph(rdflib.URIRef(lay.graph_name(path))).parse(str(path), format="turtle")

    def run(self, text: str, bindings: Terms) -> ResultSet:
        try:
            query = prepareQuery(with_prologue(text))
        except Exception as exc:  # pyparsing raises its own exception types
            raise InputError("query", str(exc)) from None
        try:
            result = self.dataset.query(query, initBindings={k: to_rdflib(v) for k, v in bindings.items()})
            if result.type == "ASK":
                return ResultSet(boolean=bool(result.askAnswer))
            names = [str(v) for v in result.vars]
            rows = [{n: rdflib_binding(row[n]) for n in names if row[n] is not None} for row in result]
        except SPARQLError as exc:
            raise InputError("query", f"rdflib could not evaluate the query: {exc}") from None
        return ResultSet(names, rows)


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

    def run(self, text: str, bindings: Terms) -> ResultSet:
        from urllib.error import URLError

        from SPARQLWrapper import JSON, POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        client = SPARQLWrapper(self.url)
        client.setMethod(POST)
        client.setTimeout(self.timeout)
        client.setReturnFormat(JSON)
        client.setQuery(inline_values(with_prologue(text), bindings))
        # SPARQLWrapper guesses the query type with a regex that reads words inside comments
        # ("created" in a #+ description made it send a query as `update=`): say it ourselves.
        client.queryType = query_form(text)
        try:
            data = client.queryAndConvert()
        except (SPARQLWrapperException, URLError, OSError) as exc:
            raise InputError(self.url, f"endpoint error: {exc}") from None
        if not isinstance(data, dict):
            raise InputError(self.url, "endpoint did not return SPARQL JSON results")
        return ResultSet.from_json(data)
