"""Which representation a request asks for, on the routes that choose one before any query runs.

`/sparql` leaves the choice to the worker, which alone knows the query's form
(`sparql/formats.negotiate`); an entity and a saved query are chosen here, from
a `format` parameter first (for browsers and links) and the `Accept` header next.
"""

from __future__ import annotations

from starlette.requests import Request

from probkg.sparql import formats as fmt

HTML = "html"
BROWSER_TYPES = ("text/html", "application/xhtml+xml", "*/*", "text/*")


class BadFormat(ValueError):
    """A `format` parameter that names no representation the route has."""


def entity_media(request: Request) -> str:
    """`html`, or the RDF media type an entity is asked for in; `BadFormat` for an unknown `format`."""
    name = request.query_params.get("format")
    if name:
        media = HTML if name.lower() == HTML else fmt.FORMAT_NAMES.get(name.lower())
        if media is None or (media != HTML and media not in fmt.GRAPH_TYPES.values()):
            raise BadFormat("format must be html, turtle, ntriples, jsonld or rdfxml")
        return media
    for candidate in fmt.parse_accept(request.headers.get("accept")):
        if candidate in BROWSER_TYPES:
            return HTML
        if candidate in fmt.GRAPH_TYPES:
            return fmt.GRAPH_TYPES[candidate]
    return HTML


def saved_query_media(request: Request, as_csv: bool) -> str:
    """JSON results, or CSV when the name ends in `.csv`, `format=csv` or `Accept` prefers it."""
    names = request.query_params.getlist("format")
    if any(name not in ("json", "csv") for name in names):
        raise BadFormat("format must be json or csv")
    if not names and not as_csv:
        accept = fmt.parse_accept(request.headers.get("accept"))
        as_csv = bool(accept) and accept[0] == fmt.CSV
    return fmt.CSV if as_csv or "csv" in names else fmt.JSON
