"""uvicorn's httptools protocol with a cap on the size of a request's head.

httptools (llhttp, in C) parses HTTP in a fraction of the CPU time of h11, the
pure-Python parser, which was more than half of the server's own cost per
lookup. But uvicorn sets no limit on a request's head under httptools, and
httptools keeps a header that has not ended yet in memory: without a cap, one
client sending an endless header line could fill the server's memory. h11 has
that cap (`h11_max_incomplete_event_size`); this class adds the same to httptools.

The count is of bytes received while a request's head is unfinished, whole
chunks at a time, so it can only over-count (by the start of a body that shares
a chunk with the end of the head; the cap leaves room for that), and what is
held in memory is never more than the cap plus one chunk.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

MESSAGE = b"request head (URL and headers) too large\n"
TOO_LARGE = (
    STATUS_LINE[431]
    + b"content-type: text/plain; charset=utf-8\r\n"
    + b"content-length: %d\r\nconnection: close\r\n\r\n" % len(MESSAGE)
    + MESSAGE
)


class CappedHead(HttpToolsProtocol):
    """Answers 431 and closes the connection once a request's unfinished head passes `max_head` bytes."""

    def __init__(self, *args: Any, max_head: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_head = max_head
        self.head_bytes = 0
        self.in_head = True

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

    def on_headers_complete(self) -> None:
        self.in_head = False
        super().on_headers_complete()
