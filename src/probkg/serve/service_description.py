"""What `/sparql` answers without a query: the SPARQL 1.1 Service Description of this endpoint.

It lists the result formats, the union default graph and every named graph of
the dataset (the graphs a query's `FROM` may name).
"""

from __future__ import annotations

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import Response

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
    named = ",\n".join(f"      [ a sd:NamedGraph ; sd:name <{g}> ]" for g in graphs)
    text = f"""@prefix sd: <{SD}> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<{endpoint}> a sd:Service ;
  dcterms:title "probation-kg SPARQL endpoint (read-only)" ;
  sd:endpoint <{endpoint}> ;
  sd:supportedLanguage sd:SPARQL11Query ;
  sd:feature sd:UnionDefaultGraph ;
  sd:resultFormat {", ".join(f"<http://www.w3.org/ns/formats/{f}>" for f in formats)} ;
  sd:defaultDataset [
    a sd:Dataset ;
    sd:defaultGraph [ a sd:Graph ; void:triples {triples} ] ;
    sd:namedGraph
{named}
  ] .
"""
    try:
        media = fmt.negotiate(
            fmt.parse_accept(request.headers.get("accept")),
            request.query_params.get("format"),
            fmt.GRAPH_TYPES,
            fmt.TURTLE,
        )
    except fmt.NotAcceptable as exc:
        return error(406, str(exc))
    body = (
        text.encode("utf-8")
        if media == fmt.TURTLE
        else fmt.write_graph([q.triple for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)], media)
    )
    return Response(body, 200, media_type=fmt.content_type(media))
