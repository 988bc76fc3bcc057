"""The endpoint's query check (`sparql_guard`) and the worker's network isolation, in-process.

The guard decides on rdflib's parse of the query, never on the text, so each
refusal below comes from the parse tree: a SERVICE anywhere in it, an update,
or a dataset clause naming anything but our own graphs.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pyoxigraph as ox
import pytest

from probkg.sparql.guard import Refused, as_rdflib_reads, check_query, normalise
from support.serving import Canary

OURS = "https://w3id.org/probation-kg/graph/inspections/2025-wales-region-results"
ALLOWED = frozenset({OURS})


def refusal(text: str) -> Refused:
    with pytest.raises(Refused) as caught:
        check_query(text, ALLOWED)
    return caught.value


@pytest.mark.parametrize(
    "text, form",
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("ASK {}", "ASK"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <https://w3id.org/probation-kg/id/system/visor>", "DESCRIBE"),
        # 'Service' in data or strings is just data: only the SERVICE keyword's pattern is refused.
        ('SELECT * WHERE { ?s ?p "Probation Service" . ?service ?p ?o }', "SELECT"),
    ],
)
def test_read_only_queries_pass_with_their_form(text: str, form: str) -> None:
    assert check_query(text, ALLOWED).form == form


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "select * where { service silent <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { VALUES ?e { <http://example.org/sparql> } SERVICE ?e { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://example.org/> { ?s ?q ?r } } }",
        "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://example.org/> { ?s ?p ?o } } } }",
        "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://example.org/> { ?s ?q ?r } } }",
        "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <http://example.org/> { ?s ?q ?r } } }",
        "SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <file:///etc/passwd> { ?s ?p ?o } } }",
        "ASK { SERVICE <http://example.org/> { ?s ?p ?o } }",
        "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }",
        "PREFIX ex: <http://example.org/> SELECT * WHERE { SERVICE ex:sparql { ?s ?p ?o } }",
        "SELECT * WHERE { \\u0053ERVICE <http://example.org/> { ?s ?p ?o } }",
    ],
)
def test_service_is_refused_wherever_it_is(text: str) -> None:
    refused = refusal(text)
    assert refused.status == 403 and "SERVICE" in str(refused)


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }",
        "DELETE WHERE { ?s ?p ?o }",
        "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "LOAD SILENT <file:///etc/passwd> INTO GRAPH <http://example.org/g>",
        "CLEAR ALL",
        "DROP DEFAULT",
        "CREATE GRAPH <http://example.org/g>",
        "ADD DEFAULT TO <http://example.org/g>",
        "COPY DEFAULT TO <http://example.org/g>",
        "MOVE DEFAULT TO <http://example.org/g>",
        "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
    ],
)
def test_updates_are_refused_as_read_only(text: str) -> None:
    refused = refusal(text)
    # An update is recognised by the update grammar and refused as such (403); a query
    # with an update glued on is neither, so it is a syntax error (400). Both are refusals.
    assert refused.status in (400, 403)
    if not text.startswith("SELECT"):
        assert refused.status == 403 and "read-only" in str(refused)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://example.org/data.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "PREFIX f: <file:///etc/> SELECT * FROM f:hostname WHERE { ?s ?p ?o }",
        "BASE <http://example.org/> SELECT * FROM <data.ttl> WHERE { ?s ?p ?o }",
        "SELECT * FROM <data.ttl> WHERE { ?s ?p ?o }",
        f"SELECT * FROM <{OURS}> FROM <http://example.org/data.ttl> WHERE {{ ?s ?p ?o }}",
        "CONSTRUCT { ?s ?p ?o } FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }",
        "ASK FROM NAMED <https://example.org/> { GRAPH ?g { ?s ?p ?o } }",
        "DESCRIBE ?s FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }",
    ],
)
def test_a_dataset_clause_naming_anything_but_our_graphs_is_refused(text: str) -> None:
    refused = refusal(text)
    assert refused.status == 403 and "not accepted" in str(refused)


def test_a_dataset_clause_naming_our_own_graphs_is_allowed() -> None:
    checked = check_query(f"SELECT * FROM <{OURS}> FROM NAMED <{OURS}> WHERE {{ ?s ?p ?o }}", ALLOWED)
    assert checked.from_graphs == (OURS,) and checked.from_named == (OURS,)
    prefixed = check_query(
        f"PREFIX g: <{OURS.rsplit('/', 1)[0]}/> SELECT * FROM g:2025-wales-region-results WHERE {{ ?s ?p ?o }}", ALLOWED
    )
    assert prefixed.from_graphs == (OURS,)


def test_a_syntax_error_is_400_with_the_parsers_message() -> None:
    refused = refusal("SELECT * WHERE { ?s ?p }")
    assert refused.status == 400 and refused.args[0].startswith("syntax error:") and "col" in str(refused)


# The two places where rdflib and Oxigraph read the same text differently. Unnormalised,
# each hid a SERVICE from rdflib that Oxigraph then called (found by probing both parsers).
QUOTE_TRICK = 'SELECT * WHERE { BIND("\\u0022" AS ?a) SERVICE <%s> { ?s ?p ?o } BIND("\\u0022" AS ?b) }'
COMMENT_TRICK = "SELECT * WHERE { # note\rSERVICE <%s> { ?s ?p ?o }\n}"


def test_the_text_is_normalised_so_both_parsers_read_the_same_characters() -> None:
    assert as_rdflib_reads(normalise("a\r\nb\rc")) == "a\n\nb\nc"
    assert normalise('"caf\\u00e9"') == '"café"'
    with pytest.raises(Refused):
        normalise("\\u005Cu0041")  # an escaped backslash spelling a second escape


def test_line_ends_inside_a_long_string_reach_oxigraph_as_written() -> None:
    # SPARQL 1.1 section 19.7: a long string keeps its line ends; "a", CR, LF, "b" is 4 characters.
    # (The guard once rewrote CRLF to LF in the text it hands on, and STRLEN answered 3.)
    checked = check_query(f'SELECT (STRLEN("""a\r\nb""") AS ?n) FROM <{OURS}> WHERE {{}}', ALLOWED)
    assert [row["n"].value for row in ox.Store().query(checked.text)] == ["4"]


@pytest.mark.parametrize("trick", [QUOTE_TRICK, COMMENT_TRICK], ids=["escaped-quote", "carriage-return"])
def test_parser_differentials_do_not_let_a_service_through(trick: str) -> None:
    with Canary() as canary:
        store = ox.Store()
        # Without the guard's normalisation Oxigraph calls the canary: the threat is real ...
        try:
            list(store.query(trick % canary.url))
        except (OSError, RuntimeError):
            pass  # the canary's answer is not SPARQL results; the request was made all the same
        assert len(canary.hits) == 1
        # ... and after it the guard either refuses, or both parsers agree there is no SERVICE
        # (the escaped quotes then open a long string, the comment ends at the line break).
        try:
            checked = check_query(trick % canary.url, ALLOWED)
        except Refused:
            pass
        else:
            list(store.query(checked.text))
        assert len(canary.hits) == 1


def test_a_worker_process_has_no_network() -> None:
    """Defence in depth: even a SERVICE that reached Oxigraph in a worker could not get out."""
    with Canary() as canary:
        code = textwrap.dedent(f"""
            import sys
            from probkg.serve.zygote import isolate_network
            how = isolate_network()
            if how.startswith("unavailable"):
                print(how); sys.exit(3)
            import pyoxigraph as ox
            try:
                list(ox.Store().query("SELECT * WHERE {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}"))
            except OSError as exc:
                print("refused by the OS:", exc)
        """)
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        if done.returncode == 3:
            pytest.skip(f"this OS allows no network namespace: {done.stdout.strip()}")
        assert done.returncode == 0, done.stderr
        assert "refused by the OS" in done.stdout
        assert canary.hits == []
