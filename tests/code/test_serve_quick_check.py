"""The worker's quick path past rdflib's parse (`sparql_guard.quick_check`), in-process.

A short query containing neither "service" nor "from" goes to Oxigraph without
rdflib's parse; anything else, and anything Oxigraph's parser rejects, gets the
full check. So a SERVICE must still be refused however it is written (and the
canary must see no request: the worker here has the network), updates must
still be refused as updates, syntax errors must keep rdflib's message, and a
"from" that is only data must still be answered.

Facts relied on, from the 2025 Wales region report (004_7a4ad4ab751c8ea9.txt):
"| R 2.6 Victim work | Good |" (rating:2025-wales-region-2-6).
"""

from __future__ import annotations

import json

import pytest

from probkg.serve import handler as worker_ops
from probkg.serve import protocol as msg
from probkg.sparql.engines import with_prologue
from probkg.sparql.guard import QUICK_MAX, check_query, quick_check
from support.serving import Canary, dataset_copy

LOOKUP = "SELECT ?band WHERE { rating:2025-wales-region-2-6 pko:band/skos:prefLabel ?band }"


@pytest.fixture(scope="module")
def handler() -> worker_ops.Handler:
    return worker_ops.Handler(str(dataset_copy()), max_rows=1000, max_bytes=1 << 20)


def ask(handler: worker_ops.Handler, query: str) -> msg.Reply:
    return handler.handle(msg.SparqlJob(query, accept="application/sparql-results+json"))


def status(reply: msg.Reply) -> int:
    return reply.status if isinstance(reply, msg.Failure) else 200


def bands(reply: msg.Reply) -> list[str]:
    assert isinstance(reply, msg.Result), reply
    return [row["band"]["value"] for row in json.loads(reply.body)["results"]["bindings"]]


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The texts rdflib's full check is run on, from here on."""
    seen: list[str] = []

    def counted(text: str, allowed: frozenset[str]):
        seen.append(text)
        return check_query(text, allowed)

    monkeypatch.setattr(worker_ops, "check_query", counted)
    return seen


def test_a_short_lookup_is_answered_without_the_full_parse(handler, parses) -> None:
    assert bands(ask(handler, LOOKUP + " # 1")) == ["Good"]
    assert parses == []


def test_from_inside_a_string_takes_the_full_parse_and_is_still_answered(handler, parses) -> None:
    query = LOOKUP.replace("?band }", '?band FILTER(?band != "a band from elsewhere") }')
    assert quick_check(with_prologue(query)) is None
    assert bands(ask(handler, query)) == ["Good"]
    assert len(parses) == 1


# Every way of writing a SERVICE that the guard's own tests try, and a few more spellings.
SERVICES = [
    "SELECT * WHERE { SERVICE <%s> { ?s ?p ?o } }",
    "select * where { service silent <%s> { ?s ?p ?o } }",
    "SELECT * WHERE { SeRvIcE <%s> { ?s ?p ?o } }",
    "SELECT * WHERE { VALUES ?e { <%s> } SERVICE ?e { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <%s> { ?s ?q ?r } } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <%s> { ?s ?p ?o } } } }",
    "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <%s> { ?s ?q ?r } } }",
    "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <%s> { ?s ?q ?r } } }",
    "SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <%s> { ?s ?p ?o } } }",
    "ASK { SERVICE <%s> { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <%s> { ?s ?p ?o } }",
    "PREFIX ex: <%s> SELECT * WHERE { SERVICE ex:sparql { ?s ?p ?o } }",
    "BASE <%s> SELECT * WHERE { SERVICE <sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <%s> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0073ervice <%s> { ?s ?p ?o } }",
    "SELECT * WHERE { \\U00000053ERVICE <%s> { ?s ?p ?o } }",
    "SELECT * WHERE { # note\rSERVICE <%s> { ?s ?p ?o }\n}",
    "SELECT * WHERE { # note\r\nSERVICE <%s> { ?s ?p ?o }\n}",
]


@pytest.mark.parametrize("template", SERVICES)
def test_a_service_however_written_is_still_refused_and_never_called(handler, template: str) -> None:
    with Canary() as canary:
        reply = ask(handler, template % canary.url)
        assert status(reply) == 403 and "SERVICE" in reply.error, reply
        assert canary.hits == []


def test_the_escaped_quote_trick_never_reaches_the_canary(handler) -> None:
    # Normalised, both parsers see two long strings and no SERVICE: it may be answered, never called.
    with Canary() as canary:
        reply = ask(
            handler,
            f'SELECT * WHERE {{ BIND("\\u0022" AS ?a) SERVICE <{canary.url}> {{ ?s ?p ?o }} BIND("\\u0022" AS ?b) }}',
        )
        assert status(reply) in (200, 400, 403)
        assert canary.hits == []


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }",
        "select * from named <http://example.org/data.ttl> where { graph ?g { ?s ?p ?o } }",
        "SELECT * \\u0046ROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    ],
)
def test_a_foreign_dataset_clause_is_still_refused(handler, query: str) -> None:
    reply = ask(handler, query)
    assert status(reply) == 403 and "not accepted" in reply.error, reply


@pytest.mark.parametrize(
    "query",
    [
        "INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }",
        "DELETE WHERE { ?s ?p ?o }",
        "DROP ALL",
        "CLEAR ALL",
    ],
)
def test_an_update_is_still_refused_as_one(handler, query: str) -> None:
    assert quick_check(query) == query  # Oxigraph's parser sees it first, and rejects it
    reply = ask(handler, query)
    assert status(reply) == 403 and "read-only" in reply.error, reply


def test_a_load_is_refused_and_fetches_nothing(handler) -> None:
    with Canary() as canary:
        reply = ask(handler, f"LOAD <{canary.url}data.ttl>")
        assert status(reply) == 403 and "read-only" in reply.error, reply
        assert canary.hits == []


def test_a_syntax_error_keeps_rdflibs_message(handler) -> None:
    reply = ask(handler, "SELECT * WHERE { ?s ?p }")
    assert status(reply) == 400 and reply.error.startswith("syntax error:") and "col" in reply.error


def test_deep_nesting_is_never_handed_to_oxigraph_unparsed() -> None:
    # 2,189 nested braces overflow Oxigraph's stack and kill its process; rdflib refuses them.
    nested = "SELECT * WHERE " + "{" * 2189 + "}" * 2189
    assert quick_check(nested) is None
    assert quick_check("SELECT * WHERE " + "{" * 4 + " " * QUICK_MAX) is None
