"""Reading a SPARQL 1.1 Protocol query request: its parameters from the query string and the body.

GET with `query=...`, POST form-encoded, or POST `application/sparql-query` (the
query as the body), all UTF-8. An update in any of these shapes is refused
here with 403, and anything that is not a query (data, another encoding) with
415, so only a query operation ever reaches a worker.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response

from probkg.serve.responses import error

FORM = "application/x-www-form-urlencoded"
READ_ONLY = "SPARQL Update is not accepted: this endpoint is read-only"


async def protocol_params(request: Request) -> dict[str, list[str]] | Response:
    """Every parameter of the request, by name in the order given, or the error response to answer."""
    try:  # from the raw query string: building `request.url` for it cost more than the parsing
        query = request.scope.get("query_string", b"").decode("utf-8")
        params = parse_qsl(query, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return error(400, "the query string is not UTF-8")
    if request.method == "POST":
        media, _, rest = (request.headers.get("content-type") or "").partition(";")
        media = media.strip().lower()
        charset = next(
            (
                v.strip().strip('"').lower()
                for k, _, v in (p.partition("=") for p in rest.split(";"))
                if k.strip().lower() == "charset"
            ),
            None,
        )
        if charset not in (None, "utf-8", "utf8"):
            return error(415, f"only UTF-8 is accepted, not {charset}")
        raw = await request.body()
        try:
            text = raw.decode("utf-8", errors="strict")
        except UnicodeDecodeError:
            return error(400, "the request body is not UTF-8")
        if media == FORM:
            try:
                params += parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
            except UnicodeDecodeError:
                return error(400, "the form is not UTF-8")
        elif media == "application/sparql-query":
            params.append(("query", text))
        elif media == "application/sparql-update":
            return error(403, READ_ONLY)
        else:
            return error(
                415,
                "POST a query as application/x-www-form-urlencoded (query=...) or as "
                "application/sparql-query; this endpoint accepts no data",
            )
    values: dict[str, list[str]] = {}
    for key, value in params:
        values.setdefault(key, []).append(value)
    if "update" in values:
        return error(403, READ_ONLY)
    return values
