"""Media types of the SPARQL endpoint: content negotiation and the result serialisations.

SELECT and ASK results are written in the four W3C formats (JSON, XML, CSV,
TSV), and CONSTRUCT and DESCRIBE graphs in Turtle, N-Triples, JSON-LD or
RDF/XML, all by pyoxigraph's writers. The CLI's own `csv`/`tsv` renderings are
for people (TSV there holds plain values); the endpoint's follow the W3C specs
(CSV lines end in CRLF; TSV cells are terms in Turtle syntax), so they are here.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import IO, cast

import mimeparse  # type: ignore[import-untyped]  # ships no type hints
import pyoxigraph as ox

from probkg.rdf.vocab import PREFIXES

JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
NTRIPLES = "application/n-triples"
JSONLD = "application/ld+json"
RDFXML = "application/rdf+xml"

RESULT_TYPES = {
    JSON: JSON,
    "application/json": JSON,
    XML: XML,
    "application/xml": XML,
    CSV: CSV,
    TSV: TSV,
    "text/xml": XML,
}
"""Accepted media types for SELECT results, and the type answered for each, most wanted first:
on a tie (`*/*`, `text/*`) the earlier one is answered."""
BOOLEAN_TYPES = {JSON: JSON, "application/json": JSON, XML: XML, "application/xml": XML, "text/xml": XML}
GRAPH_TYPES = {
    TURTLE: TURTLE,
    "application/x-turtle": TURTLE,
    "application/turtle": TURTLE,
    # Turtle is a subset of N3, so it answers N3 clients (SPARQLWrapper's N3 return format)
    "text/n3": TURTLE,
    "text/rdf+n3": TURTLE,
    "application/rdf+n3": TURTLE,
    NTRIPLES: NTRIPLES,
    "text/plain": NTRIPLES,
    JSONLD: JSONLD,
    RDFXML: RDFXML,
    "application/xml": RDFXML,
    "text/xml": RDFXML,
    "application/json": JSONLD,
}
FORMAT_NAMES = {
    "json": "application/json",  # results JSON, or JSON-LD for a graph
    "srj": JSON,
    "xml": "application/xml",  # results XML, or RDF/XML for a graph
    "srx": XML,
    "csv": CSV,
    "tsv": TSV,
    "turtle": TURTLE,
    "ttl": TURTLE,
    "n3": "text/n3",
    "nt": NTRIPLES,
    "ntriples": NTRIPLES,
    "n-triples": NTRIPLES,
    "jsonld": JSONLD,
    "json-ld": JSONLD,
    "rdfxml": RDFXML,
    "rdf": RDFXML,
}
"""Values of the `format` parameter (for browsers, which cannot set Accept)."""
RDF_FORMATS = {
    TURTLE: ox.RdfFormat.TURTLE,
    NTRIPLES: ox.RdfFormat.N_TRIPLES,
    JSONLD: ox.RdfFormat.JSON_LD,
    RDFXML: ox.RdfFormat.RDF_XML,
}


class NotAcceptable(ValueError):
    """A `format` parameter that names no format this kind of result has."""


def negotiate(accept: str | None, fmt: str | Sequence[str] | None, offered: dict[str, str], default: str) -> str:
    """The media type to answer with: the `format` parameter, else the best Accept match, else `default`.

    `format` may be given several times, as a name (`json`, `turtle`) or a media type
    (SPARQLWrapper sends both, and lists of media types); the first one offered wins.
    `Accept` is matched by python-mimeparse as RFC 9110 says (the most specific range
    sets a type's quality; ties go to the earlier type of `offered`). A client whose
    Accept header matches nothing gets the default rather than a 406 (SPARQL clients
    send long lists and are better served by a standard format), unless it refused
    the default with `q=0`: then another type it did not refuse, or `NotAcceptable`.
    """
    names = [fmt] if isinstance(fmt, str) else list(fmt or [])
    candidates = [piece.split(";")[0].strip().lower() for name in names for piece in name.split(",") if piece.strip()]
    if candidates:
        for candidate in candidates:
            chosen = FORMAT_NAMES.get(candidate, candidate)
            if chosen in offered:
                return offered[chosen]
        raise NotAcceptable(
            f"format {', '.join(names)!r} is not available for this result; use one of: "
            + ", ".join(sorted({k for k, v in FORMAT_NAMES.items() if v in offered}))
        )
    if not accept or not accept.strip():
        return default
    try:
        ranges = [mimeparse.parse_media_range(r) for r in accept.lower().split(",") if r.strip()]
    except (mimeparse.MimeTypeParseException, ValueError):
        return default  # an Accept header that cannot be read asks for nothing

    def quality(media: str) -> tuple[float, float]:
        """The quality the client gives `media` and how specific the range that gave it (-1: none)."""
        return mimeparse.quality_and_fitness_parsed(media, ranges)

    def mentioned(media: str) -> bool:
        return quality(media)[1] >= 0

    best, best_q = None, 0.0
    for accepted, answered in offered.items():
        q = quality(accepted)[0]
        # an alias (application/json) never brings back a type refused by name
        if q > best_q and not (mentioned(answered) and quality(answered)[0] == 0):
            best, best_q = answered, q
    if best is not None:
        return best
    # Nothing asked for is offered: the default, or failing that any type the client did not refuse.
    for accepted in sorted(offered, key=lambda key: offered[key] != default):
        if not mentioned(accepted) and not mentioned(offered[accepted]):
            return offered[accepted]
    raise NotAcceptable(
        "every format this result has was refused by the Accept header: " + ", ".join(sorted(set(offered.values())))
    )


RESULT_FORMATS = {
    JSON: ox.QueryResultsFormat.JSON,
    XML: ox.QueryResultsFormat.XML,
    CSV: ox.QueryResultsFormat.CSV,
    TSV: ox.QueryResultsFormat.TSV,
}
_ESCAPED = re.compile(rb"\\.", re.DOTALL)
_QUOTED = {b'"': re.compile(rb'"[^"]*"')}
"""A quoted value, once escapes are gone (JSON) or as CSV doubles a quote (`""` is two values, both dropped)."""


class OverCap(ValueError):
    """A result that passed a cap while it was being written; `limit` is `max-rows` or `max-bytes`."""

    def __init__(self, limit: str) -> None:
        super().__init__(limit)
        self.limit = limit


@dataclasses.dataclass
class RowCounter:
    """Counts the solutions a W3C results writer has written so far, from its bytes alone.

    Each format marks a solution with bytes that no value can hold: TSV writes one
    line per solution with its terms escaped as in N-Triples, so a line break is a
    mark; XML escapes `<` in text, so `<result>` is one; CSV quotes a value that holds
    a line break, so a line break outside quotes is one; JSON escapes `"` inside
    strings and writes no spaces, so outside strings an object that opens an array
    element (`[{` or `,{`) is one, since only the bindings array holds objects.
    Writes arrive in pieces of about 8 KiB, so state (inside quotes or not, a
    trailing backslash, the last bytes of a mark) carries over from one to the next.
    """

    marks: tuple[bytes, ...]
    header: int = 0
    """Marks before the first solution (the header line of CSV and TSV)."""
    quote: bytes | None = None
    escapes: bool = False
    """Whether a backslash escapes the next byte (JSON strings)."""
    seen: int = 0
    _quoted: bool = False
    _pending: bytes = b""
    _keep: bytes = b""

    @property
    def rows(self) -> int:
        return max(self.seen - self.header, 0)

    def feed(self, data: bytes) -> None:
        """Count the marks in one write, outside quotes only.

        Every step is one call into C (`bytes.find`, `count`, a regular expression):
        a Python loop over the pieces between quotes cost a third of the CPU of
        writing a 3,627-row answer.
        """
        if self.escapes:
            data = _ESCAPED.sub(b"", self._pending + data)
            # a backslash left over can only be the last byte: the byte it escapes comes next
            self._pending = b"\\" if data.endswith(b"\\") else b""
            data = data[: len(data) - len(self._pending)]
        if self.quote and self._quoted:  # inside a value since the last write: skip to its end
            end = data.find(self.quote)
            if end < 0:
                return
            data, self._quoted, self._keep = data[end + 1 :], False, b""
        if self.quote:
            if data.count(self.quote) % 2:  # a value opens here and goes on past this write
                data, self._quoted = data[: data.rfind(self.quote)], True
            data = _QUOTED[self.quote].sub(b"", data)  # values out, so marks inside them vanish
        text = self._keep + data
        self.seen += sum(text.count(mark) for mark in self.marks)
        width = max(map(len, self.marks)) - 1  # bytes of a mark that may end in the next write
        # no mark holds a quote, so none spans the start of a value: nothing is kept across one
        self._keep = b"" if self._quoted else text[max(len(text) - width, 0) :] if width else b""


def row_counter(media: str) -> RowCounter:
    """A counter of the solutions written in `media` (one of `RESULT_FORMATS`)."""
    if media == TSV:
        return RowCounter((b"\n",), header=1)
    if media == CSV:
        return RowCounter((b"\n",), header=1, quote=b'"')
    if media == XML:
        return RowCounter((b"<result>",))
    return RowCounter((b"[{", b",{"), quote=b'"', escapes=True)


class _CappedBody:
    """The file pyoxigraph writes results into: it keeps the bytes and counts the solutions.

    Past `max_rows` solutions, `write` raises `OverCap`, which stops the writer and with
    it the query's evaluation (at most one buffer, about 8 KiB of output, late). Past
    `max_bytes` it drops what it kept but goes on counting, so that a result over both
    caps is refused for its rows, as it would be if the rows were counted first, and
    the work stays bounded by `max_rows`.
    """

    def __init__(self, media: str, max_rows: int | None, max_bytes: int | None) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.counter = row_counter(media)
        self.max_rows, self.max_bytes = max_rows, max_bytes

    @property
    def over_bytes(self) -> bool:
        return self.max_bytes is not None and self.size > self.max_bytes

    def write(self, data: bytes) -> int:
        data = bytes(data)
        self.size += len(data)
        self.counter.feed(data)
        if self.max_rows is not None and self.counter.rows > self.max_rows:
            raise OverCap("max-rows")
        if self.over_bytes:
            self.parts.clear()
        else:
            self.parts.append(data)
        return len(data)

    def flush(self) -> None:
        """pyoxigraph flushes the file it wrote into; the bytes are already kept."""


def write_results(
    result: ox.QuerySolutions | ox.QueryBoolean, media: str, max_rows: int | None = None, max_bytes: int | None = None
) -> tuple[bytes, int]:
    """SELECT or ASK results in one of the W3C formats, by pyoxigraph's writers, and how many solutions.

    The solutions are written as they are evaluated, from the live iterator, and
    `OverCap` refuses a result of more than `max_rows` solutions or `max_bytes` bytes,
    never cuts it. An ASK answer counts as one solution.
    """
    body = _CappedBody(media, max_rows, max_bytes)
    result.serialize(cast("IO[bytes]", body), format=RESULT_FORMATS[media])  # only `write` and `flush` are called
    if body.over_bytes:
        raise OverCap("max-bytes")
    return b"".join(body.parts), 1 if isinstance(result, ox.QueryBoolean) else body.counter.rows


def write_graph(triples: list, media: str) -> bytes:
    """Triples in an RDF syntax; Turtle and RDF/XML declare the project's prefixes they use."""
    fmt = RDF_FORMATS[media]
    prefixes = None
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        iris = {
            t.value
            for triple in triples
            for t in (triple.subject, triple.predicate, triple.object)
            if isinstance(t, ox.NamedNode)
        }
        prefixes = {p: base for p, base in PREFIXES.items() if any(i.startswith(base) for i in iris)}
    return ox.serialize(triples, format=fmt, prefixes=prefixes) or b""


def content_type(media: str) -> str:
    """The Content-Type header value: every text format here is UTF-8."""
    return f"{media}; charset=utf-8"
