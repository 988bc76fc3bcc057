"""ASGI middleware of `probkg serve`: size limits before anything is parsed, and headers on every answer.

* `Limits`: 431 for a request head over `--max-url` plus 64 KiB, 414 for a long
  request target, 413 for a large body (counted as it arrives, so a chunked body
  is capped too), all before routing or parsing.
* `NoSniff`: `X-Content-Type-Options: nosniff` on every answer, and CORS for any
  origin on the endpoint, the API and the entity routes (as Fuseki and Oxigraph do).
* `Caching`: `Vary: Accept` where the answer is negotiated, ETags and 304 over the
  immutable build.
* `Compression`: gzip for a client that accepts it (Starlette's), the answer
  untouched for one that does not.
"""

from __future__ import annotations

import hashlib

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from probkg.serve.responses import plain

REQUEST_LINE = len(" HTTP/1.1\r\n") + 1  # around the method and the target
HEADER_LINE = len(": \r\n")
END_OF_HEAD = len("\r\n")


def head_size(scope: Scope) -> int:
    """The size of the request's head as sent: request line, headers and the blank line ending them."""
    target = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") + 1
    headers = sum(len(name) + len(value) + HEADER_LINE for name, value in scope.get("headers") or [])
    return len(scope["method"]) + target + REQUEST_LINE + headers + END_OF_HEAD


class Limits:
    """431, 414 and 413 before any parsing (see the module's docstring)."""

    def __init__(self, app: ASGIApp, max_url: int, max_body: int, max_head: int) -> None:
        self.app, self.max_url, self.max_body, self.max_head = app, max_url, max_body, max_head

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        # The connection (`serve/connection.py`) caps a head that is still arriving; a head that
        # arrived whole in one read is measured here.
        if head_size(scope) > self.max_head:
            return await plain(send, 431, "request head (URL and headers) too large")
        if len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") > self.max_url:
            return await plain(
                send, 414, f"request target longer than {self.max_url} bytes; send the query in a POST body instead"
            )
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_body
            except ValueError:
                return await plain(send, 400, "bad Content-Length")
            if too_big:
                return await plain(send, 413, f"request body larger than {self.max_body} bytes")
        if scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        # Read the whole body here, counting as it arrives (a chunked body has no length to check).
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return await plain(send, 413, f"request body larger than {self.max_body} bytes")
            chunks.append(chunk)
            more = message.get("more_body", False)
        body, replayed = b"".join(chunks), False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class NoSniff:
    """Adds `X-Content-Type-Options: nosniff` and, for the endpoint and API, CORS for any origin."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        cors = path == "/sparql" or path.startswith(("/api/", "/id/"))

        async def wrapped(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                if cors:
                    headers.append((b"access-control-allow-origin", b"*"))
                message = {**message, "headers": headers}
            await send(message)

        if cors and scope["method"] == "OPTIONS":
            await send(
                {
                    "type": "http.response.start",
                    "status": 204,
                    "headers": [
                        (b"access-control-allow-origin", b"*"),
                        (b"access-control-allow-methods", b"GET, POST"),
                        (b"access-control-allow-headers", b"Content-Type, Accept"),
                        (b"access-control-max-age", b"600"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        await self.app(scope, receive, wrapped)


NEGOTIATED = ("/sparql", "/api/queries/", "/id/", "/dump", "/void")
"""Paths whose answer depends on the request's `Accept` header."""
UNCACHED = ("/health", "/static/")
"""Paths with no ETag here: `/health` changes on every call; StaticFiles tags its own files."""


def negotiated(path: str) -> bool:
    return path.startswith(NEGOTIATED)


def add_vary(headers: list[tuple[bytes, bytes]], name: bytes) -> list[tuple[bytes, bytes]]:
    """`headers` with `name` in their `Vary` header, merged into one that is there already."""
    for i, (key, value) in enumerate(headers):
        if key.lower() == b"vary":
            if name.lower() in (v.strip().lower() for v in value.split(b",")):
                return headers
            return [*headers[:i], (key, value + b", " + name), *headers[i + 1 :]]
    return [*headers, (b"vary", name)]


def matches(if_none_match: str, tag: str) -> bool:
    """RFC 9110 weak comparison of an `If-None-Match` header with the tag an answer would carry."""
    opaque = tag.removeprefix("W/")
    return any(t.strip() == "*" or t.strip().removeprefix("W/") == opaque for t in if_none_match.split(","))


class Caching:
    """`Vary: Accept` on every negotiated answer; an ETag on every GET answered 200, and 304 for it.

    The server answers from one immutable build, so a GET's answer is a function of
    the build, the server's settings (`build_tag`), the request target, `Host` and
    the scheme (the endpoint's address appears in some answers) and `Accept`: the tag is a digest of
    them, known before anything runs, and a matching `If-None-Match` is answered 304
    without running the query. The tag is weak: gzip changes the bytes, and blank
    node labels may differ between loads, but never the meaning.
    """

    def __init__(self, app: ASGIApp, build_tag: str) -> None:
        self.app, self.build_tag = app, build_tag

    def tag(self, scope: Scope, headers: dict[bytes, bytes]) -> str:
        key = [self.build_tag.encode(), scope.get("raw_path") or b"", scope.get("query_string") or b""]
        key += [headers.get(b"host", b""), headers.get(b"accept", b"") if negotiated(scope["path"]) else b""]
        key.append(scope.get("scheme", "http").encode())  # set from X-Forwarded-Proto by a trusted proxy
        return 'W/"' + hashlib.blake2b(b"\0".join(key), digest_size=16).hexdigest() + '"'

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        vary = negotiated(path)
        headers = dict(scope.get("headers") or [])
        tag = None
        if scope["method"] in ("GET", "HEAD") and not path.startswith(UNCACHED):
            tag = self.tag(scope, headers)
            condition = headers.get(b"if-none-match")
            if condition is not None and matches(condition.decode("latin-1"), tag):
                answer = [(b"etag", tag.encode())]
                await send(
                    {
                        "type": "http.response.start",
                        "status": 304,
                        "headers": add_vary(answer, b"Accept") if vary else answer,
                    }
                )
                await send({"type": "http.response.body", "body": b""})
                return

        async def wrapped(message):
            if message["type"] == "http.response.start":
                out = list(message.get("headers", []))
                if vary:
                    out = add_vary(out, b"Accept")
                if tag is not None and message["status"] == 200:
                    out.append((b"etag", tag.encode()))
                message = {**message, "headers": out}
            await send(message)

        await self.app(scope, receive, wrapped)


class Compression(GZipMiddleware):
    """Starlette's gzip, entered only by a request that accepts gzip.

    Starlette wraps every answer in a responder that reads its headers and copies
    its messages even when it compresses nothing, at about a tenth of this
    process's Python time on a lookup from a client that sends no
    `Accept-Encoding` (wrk, SPARQLWrapper, curl). Such an answer passes straight
    through here, with the `Vary: Accept-Encoding` Starlette would have added.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or any(
            name == b"accept-encoding" and b"gzip" in value for name, value in scope.get("headers") or []
        ):
            return await super().__call__(scope, receive, send)

        async def varied(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": add_vary(list(message.get("headers", [])), b"Accept-Encoding")}
            await send(message)

        await self.app(scope, receive, varied)
