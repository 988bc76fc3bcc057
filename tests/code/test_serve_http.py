"""`probkg serve` follows HTTP's conventions: negotiation (RFC 9110), Vary, gzip, ETags, dumps, VoID,
and believes a reverse proxy's X-Forwarded-Proto only from the addresses it was told to.

Each case runs against a real server on loopback. What a client must get is
what RFC 9110 section 12 says (a media range with `q=0` is "not acceptable";
the most specific range sets a type's quality), what the SPARQL 1.1 Protocol
lists as result types, and what SPARQLWrapper sends for its N3 return format.

Facts relied on, from the 2025 Wales region report (004_7a4ad4ab751c8ea9.txt):
"| R 2.6 Victim work | Good |" (rating:2025-wales-region-2-6).
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess

import httpx
import pyoxigraph as ox
import pytest
import rdflib
from SPARQLWrapper import N3, SPARQLWrapper

from support.serving import PROBKG, ROOT, dataset_copy, start_server

pytestmark = pytest.mark.slow

RATING = "https://w3id.org/probation-kg/id/rating/2025-wales-region-2-6"
BAND = "https://w3id.org/probation-kg/ontology#band"
GOOD = "https://w3id.org/probation-kg/id/vocab/band-good"
SELECT = f"SELECT ?band WHERE {{ <{RATING}> pko:band/skos:prefLabel ?band }}"
CONSTRUCT = f"CONSTRUCT {{ <{RATING}> ?p ?o }} WHERE {{ <{RATING}> ?p ?o }}"
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = start_server(tmp_path_factory, "http", "--timeout", "30")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


def media(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0]


# --- negotiation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept, expected",
    [
        ("application/sparql-results+json;q=0, text/csv", "text/csv"),
        ("application/sparql-results+json;q=0, */*;q=0.5", "application/sparql-results+xml"),
        ("text/*", "text/csv"),
        ("application/xml", "application/sparql-results+xml"),
        ("text/xml", "application/sparql-results+xml"),
        ("text/csv;q=0.2, text/tab-separated-values;q=0.9", "text/tab-separated-values"),
    ],
)
def test_select_negotiation_follows_rfc_9110(client, accept: str, expected: str) -> None:
    r = client.get("/sparql", params={"query": SELECT}, headers={"Accept": accept})
    assert r.status_code == 200 and media(r) == expected, (r.status_code, r.headers)
    assert "Good" in r.text  # 004: "| R 2.6 Victim work | Good |"


def test_a_type_refused_with_q0_is_never_served(client) -> None:
    refused = "application/sparql-results+json;q=0, application/json;q=0"
    r = client.get("/sparql", params={"query": SELECT}, headers={"Accept": refused})
    assert r.status_code == 200 and "json" not in media(r)
    everything = ", ".join(
        f"{t};q=0" for t in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv", "*/*")
    )
    r = client.get("/sparql", params={"query": SELECT}, headers={"Accept": everything})
    assert r.status_code == 406
    r = client.get("/id/rating/2025-wales-region-2-6", headers={"Accept": "text/html;q=0, text/turtle;q=0.5"})
    assert r.status_code == 200 and media(r) == "text/turtle"
    r = client.get("/id/rating/2025-wales-region-2-6", headers={"Accept": "text/html;q=0"})
    assert r.status_code == 200 and media(r) != "text/html"


@pytest.mark.parametrize(
    "accept, expected, parse_as",
    [
        ("application/xml", "application/rdf+xml", "xml"),
        ("text/*", "text/turtle", "turtle"),
        ("text/n3", "text/turtle", "turtle"),
        ("text/turtle;q=0, */*", "application/n-triples", "nt"),
    ],
)
def test_construct_negotiation(client, accept: str, expected: str, parse_as: str) -> None:
    r = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert r.status_code == 200 and media(r) == expected, (r.status_code, r.text)
    graph = rdflib.Graph().parse(data=r.text, format=parse_as)
    assert (rdflib.URIRef(RATING), rdflib.URIRef(BAND), rdflib.URIRef(GOOD)) in graph


def test_sparqlwrapper_n3_return_format(server) -> None:
    # SPARQLWrapper's N3 sends `format=n3` and Accept text/rdf+n3, application/rdf+n3, ...: Turtle is N3.
    client = SPARQLWrapper(server.url + "/sparql")
    client.setReturnFormat(N3)
    client.setTimeout(30)
    client.setQuery(CONSTRUCT)
    graph = rdflib.Graph().parse(data=client.queryAndConvert(), format="n3")
    assert (rdflib.URIRef(RATING), rdflib.URIRef(BAND), rdflib.URIRef(GOOD)) in graph


@pytest.mark.parametrize("fmt, parse_as", [("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld")])
def test_the_pages_graph_download_links_answer(client, fmt: str, parse_as: str) -> None:
    # The web page offers these links in place of "Download CSV" for CONSTRUCT and DESCRIBE.
    r = client.get("/sparql", params={"query": f"DESCRIBE <{RATING}>", "format": fmt})
    assert r.status_code == 200
    graph = rdflib.Graph().parse(data=r.text, format=parse_as)
    assert (rdflib.URIRef(RATING), rdflib.URIRef(BAND), rdflib.URIRef(GOOD)) in graph


# --- Vary, gzip, ETag ------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, params",
    [
        ("/sparql", {"query": SELECT}),
        ("/sparql", {}),
        ("/api/queries/ratings-timeline", {}),
        ("/id/rating/2025-wales-region-2-6", {}),
        ("/void", {}),
        ("/dump", {}),
    ],
)
def test_every_negotiated_answer_varies_on_accept(client, path: str, params: dict) -> None:
    r = client.get(path, params=params, headers={"Accept": "text/turtle"})
    assert r.status_code in (200, 406), r.text
    assert "accept" in [v.strip().lower() for v in r.headers.get("vary", "").split(",")]
    refused = client.get(path, params=params, headers={"Accept": "*/*;q=0"})
    assert "accept" in refused.headers.get("vary", "").lower()


def test_answers_are_gzipped_when_asked(client) -> None:
    with httpx.stream("GET", str(client.base_url) + "/dump.nq", headers={"Accept-Encoding": "gzip"}) as r:
        assert r.headers.get("content-encoding") == "gzip"
        raw = b"".join(r.iter_raw())
    assert f"<{RATING}> <{BAND}> <{GOOD}>".encode() in gzip.decompress(raw)
    plain = client.get("/sparql", params={"query": SELECT}, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers


def test_etag_and_conditional_get(client) -> None:
    first = client.get("/sparql", params={"query": SELECT})
    tag = first.headers["etag"]
    again = client.get("/sparql", params={"query": SELECT}, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
    assert "accept" in again.headers.get("vary", "").lower()
    # another representation of the same resource has another tag, so it is answered in full
    as_csv = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/csv", "If-None-Match": tag})
    assert as_csv.status_code == 200 and as_csv.headers["etag"] != tag and "Good" in as_csv.text
    other = client.get("/sparql", params={"query": SELECT + " LIMIT 1"}, headers={"If-None-Match": tag})
    assert other.status_code == 200
    assert "etag" not in client.get("/health").headers
    assert "etag" not in client.post("/sparql", data={"query": SELECT}).headers


# --- the whole dataset -----------------------------------------------------------------


def test_dump_in_nquads_and_trig_holds_the_whole_dataset(client) -> None:
    served = ox.Dataset(ox.parse(path=str(dataset_copy()), format=ox.RdfFormat.TRIG))
    nq = client.get("/dump.nq")
    assert nq.status_code == 200 and media(nq) == "application/n-quads"
    trig = client.get("/dump", headers={"Accept": "application/trig"})
    assert trig.status_code == 200 and media(trig) == "application/trig"
    by_param = client.get("/dump", params={"format": "nquads"})
    assert media(by_param) == "application/n-quads"
    for body, syntax in ((nq.content, ox.RdfFormat.N_QUADS), (trig.content, ox.RdfFormat.TRIG)):
        dumped = ox.Dataset(ox.parse(body, format=syntax))
        assert len(dumped) == len(served)
        assert (
            ox.Quad(
                ox.NamedNode(RATING),
                ox.NamedNode(BAND),
                ox.NamedNode(GOOD),
                next(iter(q.graph_name for q in served.quads_for_subject(ox.NamedNode(RATING)))),
            )
            in dumped
        )
    assert client.get("/dump", params={"format": "ttl"}).status_code == 400


def test_void_is_linked_from_the_service_description(client, server) -> None:
    sd = rdflib.Graph().parse(data=client.get("/sparql").text, format="turtle")
    void_url = rdflib.URIRef(server.url + "/void")
    assert (rdflib.URIRef(server.url + "/sparql"), rdflib.RDFS.seeAlso, void_url) in sd
    dumps = set(sd.objects(None, VOID.dataDump))
    assert rdflib.URIRef(server.url + "/dump.nq") in dumps
    r = client.get("/void", headers={"Accept": "application/ld+json"})
    assert r.status_code == 200 and media(r) == "application/ld+json"
    void = rdflib.Graph().parse(data=r.text, format="json-ld")
    dataset = rdflib.URIRef("https://w3id.org/probation-kg/dataset")
    assert (dataset, VOID.sparqlEndpoint, rdflib.URIRef(server.url + "/sparql")) in void
    served = ox.Dataset(ox.parse(path=str(dataset_copy()), format=ox.RdfFormat.TRIG))
    assert int(next(void.objects(dataset, VOID.triples))) == len(served)
    assert json.loads(r.text)


def test_probkg_query_writes_an_endpoints_graph(server) -> None:
    from click.testing import CliRunner

    from probkg.cli import main

    result = CliRunner().invoke(
        main, ["query", "-q", f"DESCRIBE <{RATING}>", "--endpoint", server.url + "/sparql", "--format", "nt"]
    )
    assert result.exit_code == 0, result.output
    graph = rdflib.Graph().parse(data=result.output, format="nt")
    assert (rdflib.URIRef(RATING), rdflib.URIRef(BAND), rdflib.URIRef(GOOD)) in graph


# --- behind a reverse proxy (docs/serving.md, "Behind a reverse proxy") -------------------


def endpoints_named(client, headers: dict) -> set:
    """The `sd:endpoint` of the service description the server gives with these headers."""
    return set(rdflib.Graph().parse(data=client.get("/sparql", headers=headers).text).objects(None, SD.endpoint))


def test_the_proxy_on_this_machine_is_believed_about_the_scheme(client, server) -> None:
    """By default the server believes X-Forwarded-Proto from 127.0.0.1 (the recommended proxy ends
    TLS on this machine), so it names its endpoint as the client reached it; the ETag differs too."""
    https = rdflib.URIRef(server.url.replace("http://", "https://", 1) + "/sparql")
    assert endpoints_named(client, {"X-Forwarded-Proto": "https"}) == {https}
    assert endpoints_named(client, {}) == {rdflib.URIRef(server.url + "/sparql")}
    told = client.get("/sparql", headers={"X-Forwarded-Proto": "https"}).headers["etag"]
    assert told != client.get("/sparql").headers["etag"]


@pytest.fixture(scope="module")
def believing_nobody(tmp_path_factory):
    """`--forwarded-allow-ips ''`, started with uvicorn's FORWARDED_ALLOW_IPS=* in its environment."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("FORWARDED_ALLOW_IPS", "*")
        srv = start_server(tmp_path_factory, "no-proxy", "--forwarded-allow-ips", "")
    yield srv
    srv.stop()


def test_forwarded_headers_are_ignored_from_anyone_not_listed(believing_nobody) -> None:
    with httpx.Client(base_url=believing_nobody.url, timeout=30) as c:
        assert endpoints_named(c, {"X-Forwarded-Proto": "https"}) == {rdflib.URIRef(believing_nobody.url + "/sparql")}


def test_a_proxy_address_that_is_not_an_address_is_refused_at_start() -> None:
    done = subprocess.run(
        [*PROBKG, "serve", "--port", "0", "--trig", str(dataset_copy()), "--forwarded-allow-ips", "127.0.0.1,proxy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert done.returncode == 2  # README, "Exit codes": bad input
    assert done.stderr.strip().splitlines() == [
        "error: --forwarded-allow-ips: 'proxy' is not an IP address or network (or '*' alone)"
    ]
