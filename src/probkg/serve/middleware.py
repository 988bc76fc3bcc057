"""ASGI middleware of `probkg serve`: size limits before anything is parsed, and headers on every answer.

* `Limits`: 431 for a request head over `--max-url` plus 64 KiB, 414 for a long
  request target, 413 for a large body (counted as it arrives, so a chunked body
  is capped too), all before routing or parsing.
* `NoSniff`: `X-Content-Type-Options: nosniff` on every answer, and CORS for any
  origin on the endpoint, the API and the entity routes (as Fuseki and Oxigraph do).
"""

from __future__ import annotations

from probkg.serve.responses import plain

REQUEST_LINE = len(" HTTP/1.1\r\n") + 1  # around the method and the target
HEADER_LINE = len(": \r\n")
END_OF_HEAD = len("\r\n")


def head_size(scope: dict) -> int:
    """The size of the request's head as sent: request line, headers and the blank line ending them."""
    target = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") + 1
    headers = sum(len(name) + len(value) + HEADER_LINE for name, value in scope.get("headers") or [])
    return len(scope["method"]) + target + REQUEST_LINE + headers + END_OF_HEAD


class Limits:
    """431, 414 and 413 before any parsing (see the module's docstring)."""

    def __init__(self, app, max_url: int, max_body: int, max_head: int) -> None:
        self.app, self.max_url, self.max_body, self.max_head = app, max_url, max_body, max_head

    async def __call__(self, scope, receive, send) -> None:
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

    def __init__(self, app) -> None:
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
