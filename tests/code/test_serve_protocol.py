"""`probkg serve` speaks SPARQL 1.1 Protocol, serves the saved queries and the linked data.

The `test_w3c_*` cases are the W3C SPARQL 1.1 Protocol tests
(w3c/rdf-tests, sparql/sparql11/protocol/manifest.ttl) that apply to a read-only
endpoint, written as our own cases: the requests keep their method, media types
and shape, but the graphs they name are this dataset's own named graphs instead
of kasei.us documents, which this endpoint will never fetch. Update tests
become refusals. Real clients are used too: SPARQLWrapper, httpx.

Facts relied on, from the 2025 Wales region report (004_7a4ad4ab751c8ea9.txt):
"| R 2.6 Victim work | Good |" (rating:2025-wales-region-2-6, standard
framework:hmip-2025-2-6 "Victim work").
"""

from __future__ import annotations

import csv
import io
import json
import urllib.error

import httpx
import pytest
import rdflib
from SPARQLWrapper import CSV, JSON, JSONLD, POST, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from probkg.core.paths import GRAPH_BASE
from support.serving import start_server

pytestmark = pytest.mark.slow

RESULTS = GRAPH_BASE + "inspections/2025-wales-region-results"
FRAMEWORKS = GRAPH_BASE + "reference/frameworks"
DOCUMENTS = GRAPH_BASE + "sources/documents"
RATING = "https://w3id.org/probation-kg/id/rating/2025-wales-region-2-6"
STANDARD = "https://w3id.org/probation-kg/id/framework/hmip-2025-2-6"
REPORT = "https://w3id.org/probation-kg/id/document/hmip-2025-wales-region"
# Each holds in exactly one of the three graphs above.
IN_RESULTS = f"<{RATING}> a ?t1"
IN_FRAMEWORKS = f"<{STANDARD}> a ?t2"
IN_DOCUMENTS = f"<{REPORT}> a ?t3"

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}
BOOLEAN_TYPES = ("application/sparql-results+json", "application/sparql-results+xml")
TABULAR_TYPES = BOOLEAN_TYPES + ("text/csv", "text/tab-separated-values")
RDF_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = start_server(tmp_path_factory, "protocol", "--timeout", "30")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


def boolean(response: httpx.Response) -> bool:
    assert response.status_code in range(200, 400), response.text
    media = response.headers["content-type"].split(";")[0]
    assert media in BOOLEAN_TYPES
    if media.endswith("json"):
        return response.json()["boolean"]
    return "<boolean>true</boolean>" in response.text


# --- W3C SPARQL 1.1 Protocol tests, as they apply here -------------------------------


def test_w3c_query_post_form(client) -> None:
    r = client.post("/sparql", params={"default-graph-uri": DOCUMENTS}, content="query=ASK%20%7B%7D", headers=FORM)
    assert boolean(r) is True


def test_w3c_query_get(client) -> None:
    assert boolean(client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": DOCUMENTS})) is True


def test_w3c_query_post_direct(client) -> None:
    assert boolean(client.post("/sparql", content="ASK {}", headers=DIRECT)) is True


def test_w3c_query_dataset_default_graphs_get(client) -> None:
    ask = f"ASK {{ {IN_RESULTS} . {IN_FRAMEWORKS} . }}"
    both = client.get(
        "/sparql", params=[("query", ask), ("default-graph-uri", RESULTS), ("default-graph-uri", FRAMEWORKS)]
    )
    assert boolean(both) is True
    # Control: with one of the two graphs as the default graph, the other's triple is not seen.
    one = client.get("/sparql", params=[("query", ask), ("default-graph-uri", RESULTS)])
    assert boolean(one) is False


def test_w3c_query_dataset_default_graphs_post(client) -> None:
    r = client.post(
        "/sparql",
        params=[("default-graph-uri", RESULTS), ("default-graph-uri", FRAMEWORKS)],
        content=f"ASK {{ {IN_RESULTS} . {IN_FRAMEWORKS} . }}",
        headers=DIRECT,
    )
    assert boolean(r) is True


NAMED_ASK = f"ASK {{ GRAPH ?g1 {{ {IN_RESULTS} }} GRAPH ?g2 {{ {IN_FRAMEWORKS} }} }}"


def test_w3c_query_dataset_named_graphs_post(client) -> None:
    r = client.post(
        "/sparql",
        params=[("named-graph-uri", RESULTS), ("named-graph-uri", FRAMEWORKS)],
        content=NAMED_ASK,
        headers=DIRECT,
    )
    assert boolean(r) is True
    control = client.post("/sparql", params=[("named-graph-uri", RESULTS)], content=NAMED_ASK, headers=DIRECT)
    assert boolean(control) is False


def test_w3c_query_dataset_named_graphs_get(client) -> None:
    r = client.get(
        "/sparql", params=[("query", NAMED_ASK), ("named-graph-uri", RESULTS), ("named-graph-uri", FRAMEWORKS)]
    )
    assert boolean(r) is True


def test_w3c_query_dataset_full(client) -> None:
    ask = f"ASK {{ {IN_DOCUMENTS} GRAPH ?g1 {{ {IN_RESULTS} }} GRAPH ?g2 {{ {IN_FRAMEWORKS} }} }}"
    r = client.post(
        "/sparql",
        params=[("default-graph-uri", DOCUMENTS), ("named-graph-uri", RESULTS), ("named-graph-uri", FRAMEWORKS)],
        content=ask,
        headers=DIRECT,
    )
    assert boolean(r) is True


def test_w3c_query_multiple_dataset(client) -> None:
    """The protocol's dataset overrides the query's FROM."""
    ask = f"ASK FROM <{DOCUMENTS}> {{ GRAPH ?g1 {{ {IN_RESULTS} }} GRAPH ?g2 {{ {IN_FRAMEWORKS} }} }}"
    r = client.post(
        "/sparql", params=[("named-graph-uri", RESULTS), ("named-graph-uri", FRAMEWORKS)], content=ask, headers=DIRECT
    )
    assert boolean(r) is True
    # Without the protocol's named graphs the query's FROM alone leaves none to match.
    assert boolean(client.post("/sparql", content=ask, headers=DIRECT)) is False


def test_w3c_query_content_type_select(client) -> None:
    r = client.post(
        "/sparql", params={"default-graph-uri": DOCUMENTS}, content="SELECT (1 AS ?value) {}", headers=DIRECT
    )
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] in TABULAR_TYPES


def test_w3c_query_content_type_ask(client) -> None:
    r = client.post("/sparql", params={"default-graph-uri": DOCUMENTS}, content="ASK {}", headers=DIRECT)
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] in BOOLEAN_TYPES


def test_w3c_query_content_type_describe(client) -> None:
    r = client.post(
        "/sparql", params={"default-graph-uri": DOCUMENTS}, content="DESCRIBE <http://example.org/>", headers=DIRECT
    )
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] in RDF_TYPES


def test_w3c_query_content_type_construct(client) -> None:
    r = client.post(
        "/sparql", params={"default-graph-uri": DOCUMENTS}, content="CONSTRUCT { <s> <p> 1 } WHERE {}", headers=DIRECT
    )
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] in RDF_TYPES
    graph = rdflib.Graph().parse(data=r.text, format="turtle")
    assert len(graph) == 1  # <s> and <p> resolved against the endpoint's address


@pytest.mark.parametrize(
    "name, method, path, body, headers",
    [
        ("bad_query_method", "PUT", "/sparql?query=ASK%20%7B%7D", b"", FORM),
        ("bad_multiple_queries", "GET", "/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", None, {}),
        ("bad_query_wrong_media_type", "POST", "/sparql", b"ASK {}", {"Content-Type": "text/plain"}),
        ("bad_query_missing_form_type", "POST", "/sparql", b"query=ASK%20%7B%7D", {}),
        ("bad_query_missing_direct_type", "POST", "/sparql", b"ASK {}", {}),
        (
            "bad_query_non_utf8",
            "POST",
            "/sparql",
            "ASK {}".encode("utf-16"),
            {"Content-Type": "application/sparql-query; charset=UTF-16"},
        ),
        ("bad_query_syntax", "GET", "/sparql?query=ASK%20%7B", None, {}),
        ("bad_update_get", "GET", "/sparql?update=CLEAR%20ALL", None, {}),
        ("bad_multiple_updates", "POST", "/sparql", b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", FORM),
        ("bad_update_wrong_media_type", "POST", "/sparql", b"CLEAR NAMED", {"Content-Type": "text/plain"}),
        ("bad_update_missing_form_type", "POST", "/sparql", b"update=CLEAR%20NAMED", {}),
        (
            "bad_update_non_utf8",
            "POST",
            "/sparql",
            "CLEAR NAMED".encode("utf-16"),
            {"Content-Type": "application/sparql-update; charset=UTF-16"},
        ),
        ("bad_update_syntax", "POST", "/sparql", b"update=CLEAR%20XYZ", FORM),
        (
            "bad_update_dataset_conflict",
            "POST",
            "/sparql?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople",
            b"WITH <http://example/addresses> DELETE { ?p ?q 'Bill' } INSERT { ?p ?q 'William' } WHERE { ?p ?q 'Bill' }",
            {"Content-Type": "application/sparql-update"},
        ),
        # update_post_form, update_post_direct and the update_dataset_* tests expect an update
        # to succeed; on this read-only endpoint each must be refused instead.
        ("update_post_form", "POST", "/sparql", b"update=CLEAR%20ALL", FORM),
        ("update_post_direct", "POST", "/sparql", b"CLEAR ALL", {"Content-Type": "application/sparql-update"}),
    ],
)
def test_w3c_bad_requests_get_a_4xx(client, name, method, path, body, headers) -> None:
    r = client.request(method, path, content=body, headers=headers)
    assert 400 <= r.status_code < 500, (name, r.status_code, r.text)


# --- formats and negotiation ---------------------------------------------------------

SELECT = (
    f"SELECT ?band ?standard WHERE {{ <{RATING}> pko:band/skos:prefLabel ?band ; pko:standard/rdfs:label ?standard }}"
)


@pytest.mark.parametrize(
    "accept, media",
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", "application/sparql-results+json"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ],
)
def test_select_results_follow_accept(client, accept: str, media: str) -> None:
    r = client.get("/sparql", params={"query": SELECT}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"] == f"{media}; charset=utf-8"
    # 004: "| R 2.6 Victim work | Good |"
    assert "Good" in r.text and "Victim work" in r.text


def test_csv_and_tsv_follow_the_w3c_formats(client) -> None:
    as_csv = client.get("/sparql", params={"query": SELECT, "format": "csv"})
    assert as_csv.text == "band,standard\r\nGood,Victim work\r\n"
    assert "attachment" in as_csv.headers.get("content-disposition", "")
    as_tsv = client.get("/sparql", params={"query": SELECT, "format": "tsv"})
    assert as_tsv.text == '?band\t?standard\n"Good"@en\t"Victim work"@en\n'


@pytest.mark.parametrize(
    "name, media, parse_as",
    [
        ("turtle", "text/turtle", "turtle"),
        ("ntriples", "application/n-triples", "nt"),
        ("jsonld", "application/ld+json", "json-ld"),
        ("rdfxml", "application/rdf+xml", "xml"),
    ],
)
def test_construct_in_every_rdf_format(client, name: str, media: str, parse_as: str) -> None:
    query = f"CONSTRUCT {{ <{RATING}> ?p ?o }} WHERE {{ <{RATING}> ?p ?o }}"
    by_param = client.get("/sparql", params={"query": query, "format": name})
    by_accept = client.post("/sparql", data={"query": query}, headers={"Accept": media})
    for r in (by_param, by_accept):
        assert r.status_code == 200 and r.headers["content-type"].startswith(media)
        graph = rdflib.Graph().parse(data=r.text, format=parse_as)
        assert (
            rdflib.URIRef(RATING),
            rdflib.URIRef("https://w3id.org/probation-kg/ontology#band"),
            rdflib.URIRef("https://w3id.org/probation-kg/id/vocab/band-good"),
        ) in graph


def test_a_format_that_does_not_fit_the_result_is_406(client) -> None:
    r = client.get("/sparql", params={"query": "ASK {}", "format": "turtle"})
    assert r.status_code == 406


def test_the_service_description(client, server) -> None:
    r = client.get("/sparql")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=r.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = rdflib.URIRef(server.url + "/sparql")
    assert (service, rdflib.RDF.type, sd.Service) in graph
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
    assert rdflib.URIRef(RESULTS) in set(graph.objects(None, sd.name))
    as_jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert as_jsonld.headers["content-type"].startswith("application/ld+json") and json.loads(as_jsonld.text)


def test_a_syntax_error_is_400_with_the_parsers_message(client) -> None:
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert r.status_code == 400 and r.text.startswith("syntax error:") and "col" in r.text


def test_predeclared_prefixes_need_no_prologue(client) -> None:
    r = client.get("/sparql", params={"query": "ASK { rating:2025-wales-region-2-6 pko:band vocab:band-good }"})
    assert boolean(r) is True


# --- a real SPARQL client -------------------------------------------------------------


def wrapper(server, fmt, method=None) -> SPARQLWrapper:
    client = SPARQLWrapper(server.url + "/sparql")
    client.setReturnFormat(fmt)
    client.setTimeout(30)
    if method:
        client.setMethod(method)
    return client


@pytest.mark.parametrize("method", [None, POST], ids=["GET", "POST"])
def test_sparqlwrapper_select_ask_construct(server, method) -> None:
    select = wrapper(server, JSON, method)
    select.setQuery(SELECT)
    rows = select.queryAndConvert()["results"]["bindings"]
    assert [(r["band"]["value"], r["standard"]["value"]) for r in rows] == [("Good", "Victim work")]

    xml = wrapper(server, XML, method)
    xml.setQuery(SELECT)
    document = xml.queryAndConvert()  # a DOM
    assert [n.firstChild.data for n in document.getElementsByTagName("literal")] == ["Good", "Victim work"]

    for fmt, delimiter in ((CSV, ","), (TSV, "\t")):
        tabular = wrapper(server, fmt, method)
        tabular.setQuery(SELECT)
        text = tabular.queryAndConvert().decode("utf-8")
        assert list(csv.reader(io.StringIO(text), delimiter=delimiter))[0] in (
            ["band", "standard"],
            ["?band", "?standard"],
        )

    ask = wrapper(server, JSON, method)
    ask.setQuery(f"ASK {{ <{RATING}> pko:band vocab:band-good }}")
    assert ask.queryAndConvert()["boolean"] is True

    for fmt in (TURTLE, JSONLD):
        construct = wrapper(server, fmt, method)
        construct.setQuery(f"CONSTRUCT {{ <{RATING}> ?p ?o }} WHERE {{ <{RATING}> ?p ?o }}")
        graph = construct.queryAndConvert()
        if isinstance(graph, bytes):
            graph = rdflib.Graph().parse(data=graph, format="turtle" if fmt == TURTLE else "json-ld")
        assert len(graph) >= 6


def test_sparqlwrapper_sees_errors_as_errors(server) -> None:
    bad = wrapper(server, JSON)
    bad.setQuery("SELECT * WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed):
        bad.query()
    service = wrapper(server, JSON)
    service.setQuery("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    with pytest.raises(urllib.error.HTTPError) as refused:
        service.query()
    assert refused.value.code == 403


# --- saved queries as a web API ---------------------------------------------------------


def test_the_api_lists_every_saved_query(client, lay) -> None:
    from probkg.sparql.catalogue import catalogue

    listed = client.get("/api/queries").json()["queries"]
    assert {q["name"] for q in listed} == set(catalogue(lay.queries))
    timeline = next(q for q in listed if q["name"] == "ratings-timeline")
    assert [p["name"] for p in timeline["params"]] == ["body"] and timeline["params"][0]["type"] == "iri"


def test_a_saved_query_runs_with_a_parameter_as_json_and_csv(client) -> None:
    params = {"body": "organisation:probation-service-in-wales"}
    rows = client.get("/api/queries/ratings-timeline", params=params).json()["results"]["bindings"]
    # 004: "| R 2.6 Victim work | Good |"
    assert ("2.6", "Victim work", "Good") in {
        (r["code"]["value"], r["standard"]["value"], r["band"]["value"]) for r in rows
    }
    as_csv = client.get("/api/queries/ratings-timeline", params={**params, "format": "csv"})
    assert as_csv.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert any(r["code"] == "2.6" and r["band"] == "Good" for r in table)
    assert len(table) == len(rows)
    by_accept = client.get("/api/queries/ratings-timeline", params=params, headers={"Accept": "text/csv"})
    assert by_accept.text == as_csv.text


def test_saved_query_parameter_errors_are_400_json(client) -> None:
    unknown = client.get("/api/queries/entity-search", params={"colour": "red"})
    assert unknown.status_code == 400 and "unknown parameter colour" in unknown.json()["error"]
    bad_iri = client.get("/api/queries/ratings-timeline", params={"body": 'x" } ; DROP ALL ; #'})
    assert bad_iri.status_code == 400
    assert client.get("/api/queries/no-such-query").status_code == 404


def test_the_openapi_document_is_valid_and_covers_every_query(client, lay) -> None:
    from openapi_spec_validator import validate

    from probkg.sparql.catalogue import catalogue

    document = client.get("/api/openapi.json").json()
    validate(document)
    for name, query in catalogue(lay.queries).items():
        operation = document["paths"][f"/api/queries/{name}"]["get"]
        assert {p["name"] for p in operation["parameters"]} == {p.name for p in query.params} | {"format"}


# --- linked data ------------------------------------------------------------------------


def test_an_entity_is_a_page_for_people(client) -> None:
    r = client.get("/id/rating/2025-wales-region-2-6", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "Victim work" in r.text and "| R 2.6 Victim work | Good |" in r.text  # the rating and its quote
    assert 'href="/id/organisation/probation-service-in-wales"' in r.text  # links out, served here
    assert "default-src 'self'" in r.headers["content-security-policy"]
    body = client.get("/id/organisation/probation-service-in-wales")
    # The region's page lists the ratings that concern it, with their quotes and source.
    assert "2025 Wales region: 2.6 Victim work" in body.text and "| R 2.6 Victim work | Good |" in body.text
    assert "An inspection of Probation Services – Wales region" in body.text or "/id/document/" in body.text


@pytest.mark.parametrize(
    "accept, parse_as", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/n-triples", "nt")]
)
def test_an_entity_is_rdf_for_programs(client, accept: str, parse_as: str) -> None:
    r = client.get("/id/rating/2025-wales-region-2-6", headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    assert "accept" in r.headers.get("vary", "").lower()
    graph = rdflib.Graph().parse(data=r.text, format=parse_as)
    assert (
        rdflib.URIRef(RATING),
        rdflib.URIRef("https://w3id.org/probation-kg/ontology#standard"),
        rdflib.URIRef(STANDARD),
    ) in graph


def test_an_unknown_entity_is_404(client) -> None:
    assert client.get("/id/system/no-such-thing").status_code == 404
    assert client.get("/id/system/no-such-thing", headers={"Accept": "text/turtle"}).status_code == 404


@pytest.mark.parametrize("accept", ["text/html", "text/turtle"])
def test_a_former_iri_redirects_to_its_replacement(client, accept: str) -> None:
    # graph/reference/deprecated-iris.ttl: organisation:nps was re-minted from its preferred
    # name, "National Probation Service" (README "IRIs"); a link to the old IRI must still work.
    r = client.get("/id/organisation/nps", headers={"Accept": accept})
    assert r.status_code == 308 and r.headers["location"] == "/id/organisation/national-probation-service"
    moved = client.get("/id/programme/pqip?format=turtle", follow_redirects=True)
    assert moved.status_code == 200 and moved.url.path == "/id/training/professional-qualification-in-probation"
    assert "Professional Qualification in Probation" in moved.text and moved.history[0].status_code == 308
    assert client.get("/id/organisation/national-probation-service", headers={"Accept": accept}).status_code == 200


def test_the_web_page_serves_everything_itself(client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "http" not in csp
    assert (
        "//"
        not in page.text.replace("https://w3id.org/", "")
        .replace("http://www.w3.org/", "")
        .replace("http://purl.org/", "")
        .replace("https://schema.org/", "")
        .split("<main>")[0]
        .split("</title>")[1]
    )
    for asset in ("/static/app.js", "/static/style.css"):
        assert client.get(asset).status_code == 200
    assert client.get("/health").json()["status"] == "ok"
