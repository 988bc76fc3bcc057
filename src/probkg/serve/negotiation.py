"""Which representation a request asks for, on the routes that choose one before any query runs.

`/sparql` leaves the choice to the worker, which alone knows the query's form
(`sparql/formats.negotiate`); an entity, a saved query and the dump are chosen
here, from a `format` parameter first (for browsers and links) and the `Accept`
header next, by the same RFC 9110 matching (`formats.negotiate`).
"""

from __future__ import annotations

from starlette.requests import Request

from probkg.sparql import formats as fmt

HTML = "html"
PAGE = "text/html"
ENTITY_TYPES = {PAGE: PAGE, "application/xhtml+xml": PAGE, **fmt.GRAPH_TYPES}
"""What an entity page answers, HTML first: a browser, curl (`*/*`) and `text/*` get the page."""
SAVED_QUERY_TYPES = {fmt.JSON: fmt.JSON, "application/json": fmt.JSON, fmt.CSV: fmt.CSV}
NQUADS = "application/n-quads"
TRIG = "application/trig"
DUMP_TYPES = {TRIG: TRIG, NQUADS: NQUADS, "text/x-nquads": NQUADS}
DUMP_NAMES = {"trig": TRIG, "nquads": NQUADS, "nq": NQUADS}


class BadFormat(ValueError):
    """A `format` parameter that names no representation the route has."""


def entity_media(request: Request) -> str:
    """`html`, or the RDF media type an entity is asked for in; `BadFormat` for an unknown `format`,
    `formats.NotAcceptable` when Accept refuses every representation."""
    name = request.query_params.get("format")
    if name:
        media = HTML if name.lower() == HTML else fmt.FORMAT_NAMES.get(name.lower())
        if media is None or (media != HTML and media not in fmt.GRAPH_TYPES.values()):
            raise BadFormat("format must be html, turtle, ntriples, jsonld or rdfxml")
        return media
    media = fmt.negotiate(request.headers.get("accept"), None, ENTITY_TYPES, PAGE)
    return HTML if media == PAGE else media


def saved_query_media(request: Request, as_csv: bool) -> str:
    """JSON results, or CSV when the name ends in `.csv`, `format=csv` or `Accept` prefers it."""
    names = request.query_params.getlist("format")
    if any(name not in ("json", "csv") for name in names):
        raise BadFormat("format must be json or csv")
    if as_csv or "csv" in names:
        return fmt.CSV
    if names:
        return fmt.JSON
    return fmt.negotiate(request.headers.get("accept"), None, SAVED_QUERY_TYPES, fmt.JSON)


def dump_media(request: Request, suffix: str | None) -> str:
    """TriG (the build artefact as it is) or N-Quads: by the path's suffix, `format`, or `Accept`."""
    name = suffix or request.query_params.get("format")
    if name:
        if name.lower() not in DUMP_NAMES:
            raise BadFormat("format must be trig or nquads")
        return DUMP_NAMES[name.lower()]
    return fmt.negotiate(request.headers.get("accept"), None, DUMP_TYPES, TRIG)
