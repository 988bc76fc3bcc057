"""What describes the service: `/sparql` without a query, and `/void`.

The SPARQL 1.1 Service Description lists the result formats, the union default
graph and every named graph of the dataset (the graphs a query's `FROM` may
name), and links the VoID description and the dumps. `/void` is the build's
VoID (made from the served store) with this server's endpoint and dumps added.
"""

from __future__ import annotations

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

from probkg.release.build import DATASET_IRI
from probkg.serve.responses import error
from probkg.sparql import formats as fmt

SD = "http://www.w3.org/ns/sparql-service-description#"


def service_description(request: Request, endpoint: str, graphs: tuple[str, ...], triples: int) -> Response:
    """The SPARQL 1.1 Service Description of this endpoint, in the RDF syntax the client asked for."""
    formats = [
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
    ]
    site = endpoint.removesuffix("/sparql")
    named = ",\n".join(f"      [ a sd:NamedGraph ; sd:name <{g}> ]" for g in graphs)
    text = f"""@prefix sd: <{SD}> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<{endpoint}> a sd:Service ;
  rdfs:seeAlso <{site}/void> ;
  dcterms:title "probation-kg SPARQL endpoint (read-only)" ;
  sd:endpoint <{endpoint}> ;
  sd:supportedLanguage sd:SPARQL11Query ;
  sd:feature sd:UnionDefaultGraph ;
  sd:resultFormat {", ".join(f"<http://www.w3.org/ns/formats/{f}>" for f in formats)} ;
  sd:defaultDataset [
    a sd:Dataset, void:Dataset ;
    void:dataDump <{site}/dump.nq>, <{site}/dump.trig> ;
    sd:defaultGraph [ a sd:Graph ; void:triples {triples} ] ;
    sd:namedGraph
{named}
  ] .
"""
    return rdf_answer(request, text)


def void(request: Request, endpoint: str, description: str) -> Response:
    """The dataset's VoID description, with where this server offers it: endpoint and dumps."""
    site = endpoint.removesuffix("/sparql")
    served = f"""
<{DATASET_IRI}> void:sparqlEndpoint <{endpoint}> ;
  void:dataDump <{site}/dump.nq>, <{site}/dump.trig> .
"""
    return rdf_answer(request, description + served)


def rdf_answer(request: Request, text: str) -> Response:
    """Turtle `text` in the RDF syntax the request asks for (`format` or `Accept`), Turtle by default."""
    try:
        media = fmt.negotiate(
            request.headers.get("accept"), request.query_params.get("format"), fmt.GRAPH_TYPES, fmt.TURTLE
        )
    except fmt.NotAcceptable as exc:
        return error(406, str(exc))
    body = (
        text.encode("utf-8")
        if media == fmt.TURTLE
        else fmt.write_graph([q.triple for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)], media)
    )
    return Response(body, 200, media_type=fmt.content_type(media))
