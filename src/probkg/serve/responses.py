"""The server's error answers: one shape for Starlette handlers and one for ASGI middleware.

`/sparql` and the pages answer errors as `text/plain`, the API as JSON
`{"error": ..., "status": ...}`; the middleware, which runs before any routing,
answers plain text and closes the connection.
"""

from __future__ import annotations

from starlette.responses import JSONResponse, Response
from starlette.types import Send


def error(status: int, message: str, as_json: bool = False, headers: dict | None = None) -> Response:
    if as_json:
        return JSONResponse({"error": message, "status": status}, status, headers=headers)
    return Response(message + "\n", status, headers=headers, media_type="text/plain; charset=utf-8")


async def plain(send: Send, status: int, text: str) -> None:
    """Answer `status` with `text` on a raw ASGI `send`, and ask for the connection to be closed."""
    body = (text + "\n").encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
