"""One HTTP connection of `probkg serve`: uvicorn's httptools protocol with the guards a public server needs.

httptools (llhttp, in C) parses HTTP in a fraction of the CPU time of h11, the
pure-Python parser, which was more than half of the server's own cost per
lookup. uvicorn adds no guard against slow or silent clients under it, so:

* **A cap on the head still arriving.** httptools keeps a header that has not
  ended yet in memory: one client sending an endless header line could fill the
  server's memory. Once an unfinished head passes `max_head` bytes the answer is
  431 and the connection is closed. The count is of whole chunks received while
  the head is unfinished, so what is held is never more than the cap plus one
  chunk; a head that arrives whole is measured exactly by `middleware.Limits`.
* **A deadline for the client.** A connection must deliver a whole request (head
  and body) within `client_timeout` seconds of opening, or of the first byte of
  its next request; otherwise it gets 408 (if its head is unfinished) and is
  closed. A kept-alive connection between requests is closed by uvicorn's own
  keep-alive timeout.
* **A cap on connections that evicts the idle, not the newcomer.** uvicorn's
  `limit_concurrency` counts connections, so 256 clients that connected and sent
  nothing made every other request a 503, `/health` included. Instead, at most
  `max_connections` are open; one more closes the connection that has waited
  longest on its client (silent, trickling its request, or idle between
  requests), and only when every open connection has a request in progress is
  the newcomer refused with 503. A request being answered is never dropped.
* **A bound on an answer left unread.** A client that asks for a large result
  and never reads it used to keep the whole answer (up to `--max-bytes`) in
  memory for as long as it stayed connected: on loopback the kernel's send
  buffer, which Linux grows by itself up to `tcp_wmem`'s maximum (4 MiB here),
  took a 2.7 MB answer whole, and the transport keeps whatever the socket
  cannot take. So each connection's send buffer is fixed at `SEND_BUFFER`
  (which also stops the kernel growing it), and what does not fit waits in the
  transport; once that passes the transport's high-water mark the transport
  pauses us, and if it has not drained below its low-water mark
  `send_timeout` seconds later the connection is aborted, which drops the
  buffer, and `ConnectionStats` counts it (`/health`, `send_timeouts`).
"""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol


def _answer(status: int, message: bytes) -> bytes:
    return (
        STATUS_LINE[status]
        + b"content-type: text/plain; charset=utf-8\r\n"
        + b"content-length: %d\r\nconnection: close\r\n\r\n" % len(message)
        + message
    )


TOO_LARGE = _answer(431, b"request head (URL and headers) too large\n")
TOO_SLOW = _answer(408, b"the request did not arrive in time\n")
FULL = _answer(503, b"too many connections; try again shortly\n")
SEND_BUFFER = 256 * 1024
"""SO_SNDBUF of each connection (Linux doubles it for its own bookkeeping): at 100 ms of round trip
a client can still take 5 MB a second, and a client behind a proxy on this machine far more."""


@dataclass
class ConnectionStats:
    """What the connections of one server did that `/health` reports (one instance per server)."""

    send_timeouts: int = 0  # connections aborted because their client left an answer unread


class GuardedConnection(HttpToolsProtocol):
    """See the module's docstring; `max_head` in bytes, `client_timeout` and `send_timeout` in seconds."""

    def __init__(
        self,
        *args: Any,
        max_head: int,
        client_timeout: float,
        send_timeout: float,
        max_connections: int,
        stats: ConnectionStats,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.max_head = max_head
        self.client_timeout = client_timeout
        self.send_timeout = send_timeout
        self.max_connections = max_connections
        self.stats = stats
        self.head_bytes = 0
        self.in_head = True
        self.deadline: asyncio.TimerHandle | None = None  # armed while a request is arriving
        self.unread: asyncio.TimerHandle | None = None  # armed while the transport's buffer is full
        self.waiting_since = 0.0  # since when this connection has been waiting on its client

    # --- the deadline ------------------------------------------------------------------

    def _await_request(self) -> None:
        if self.deadline is None:
            self.waiting_since = self.loop.time()
            self.deadline = self.loop.call_later(self.client_timeout, self._too_slow)

    def _request_arrived(self) -> None:
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def _too_slow(self) -> None:
        self.deadline = None
        if not self.transport.is_closing():
            if self.in_head:
                self.transport.write(TOO_SLOW)
            self.transport.close()  # a request whose body is late sees a disconnect

    @property
    def waiting_on_client(self) -> bool:
        """Whether this connection's client owes us something: a request, or the rest of one."""
        return self.deadline is not None or self.timeout_keep_alive_task is not None

    # --- an answer left unread -----------------------------------------------------------

    def pause_writing(self) -> None:
        super().pause_writing()
        if self.unread is None:
            self.unread = self.loop.call_later(self.send_timeout, self._left_unread)

    def resume_writing(self) -> None:
        super().resume_writing()
        self._reading_again()

    def _reading_again(self) -> None:
        if self.unread is not None:
            self.unread.cancel()
            self.unread = None

    def _left_unread(self) -> None:
        self.unread = None
        self.stats.send_timeouts += 1
        # abort, not close: a closing transport still waits for its buffer to drain (as one does
        # after an answer with `Connection: close`), so this runs whether or not it is closing
        self.transport.abort()

    # --- the connection cap --------------------------------------------------------------

    def _make_room(self) -> None:
        waiting = [
            c
            for c in self.connections
            if c is not self
            and isinstance(c, GuardedConnection)
            and c.waiting_on_client
            and not c.transport.is_closing()
        ]
        if waiting:
            min(waiting, key=lambda c: c.waiting_since).transport.close()
        else:
            self.transport.write(FULL)
            self.transport.close()

    # --- uvicorn's protocol ----------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        self._await_request()
        if len(self.connections) > self.max_connections:
            self._make_room()

    def connection_lost(self, exc: Exception | None) -> None:
        self._request_arrived()
        self._reading_again()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.in_head and not self.transport.is_closing():
            self.head_bytes += len(data)
            if self.head_bytes > self.max_head:
                self.transport.write(TOO_LARGE)
                self.transport.close()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.in_head, self.head_bytes = True, 0
        self._await_request()

    def on_headers_complete(self) -> None:
        self.in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._request_arrived()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self.waiting_since = self.loop.time()  # idle until the next request (uvicorn's keep-alive timeout)
