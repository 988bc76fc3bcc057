"""Guarded reading of RDF files, which may be hostile.

Curators and CI hand `probkg validate` (and `build`) files from anywhere. A 1 KB
RDF/XML "billion laughs" file hangs rdflib for minutes and makes Oxigraph build
a literal of billions of characters; an external entity or a JSON-LD
`@context` URL makes a parser open files or the network
(`docs/tool-traps.md`). So every file is read here first, as bytes,
with a size limit; its format is fixed by its extension (or, failing that,
its first bytes); and the dangerous constructs are refused *before* any parser
sees them: DOCTYPE and ENTITY declarations in XML, non-inline `@context` and
`@import` in JSON-LD. Parsers are then given the checked bytes, never the path,
so what is parsed is exactly what was checked.
"""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib

from probkg.core.errors import InputError, LimitError
from probkg.core.paths import resolve

BOM = b"\xef\xbb\xbf"
MAX_BYTES = 64 * 1024 * 1024
"""Largest file accepted: many times the whole graph, far below what hurts."""


class RdfFormat(enum.Enum):
    """The formats accepted, each with its rdflib parser name and Oxigraph format."""

    TURTLE = ("turtle", ox.RdfFormat.TURTLE)
    N_TRIPLES = ("nt", ox.RdfFormat.N_TRIPLES)
    N_QUADS = ("nquads", ox.RdfFormat.N_QUADS)
    TRIG = ("trig", ox.RdfFormat.TRIG)
    RDF_XML = ("xml", ox.RdfFormat.RDF_XML)
    JSON_LD = ("json-ld", ox.RdfFormat.JSON_LD)

    def __init__(self, rdflib_name: str, oxigraph: ox.RdfFormat) -> None:
        self.rdflib_name = rdflib_name
        self.oxigraph = oxigraph


SUFFIXES = {
    ".ttl": RdfFormat.TURTLE,
    ".turtle": RdfFormat.TURTLE,
    ".nt": RdfFormat.N_TRIPLES,
    ".nq": RdfFormat.N_QUADS,
    ".trig": RdfFormat.TRIG,
    ".rdf": RdfFormat.RDF_XML,
    ".owl": RdfFormat.RDF_XML,
    ".xml": RdfFormat.RDF_XML,
    ".jsonld": RdfFormat.JSON_LD,
    ".json": RdfFormat.JSON_LD,
}


LINE_FORMATS = (RdfFormat.TURTLE, RdfFormat.N_TRIPLES, RdfFormat.N_QUADS, RdfFormat.TRIG)
"""Formats whose syntax errors Oxigraph can place by line and column."""


@dataclass(frozen=True)
class RdfInput:
    """A file's bytes after the guards passed, and the format to parse them as."""

    path: Path
    data: bytes
    format: RdfFormat


_LOCATION = re.compile(r"line (\d+)(?: between columns (\d+)| column (\d+))?")


def syntax_error(path: Path, exc: Exception) -> InputError:
    """Turn a parser's exception into an error naming file, line and column."""
    text = str(exc)
    line = getattr(exc, "lineno", None)
    column = getattr(exc, "offset", None)
    if line is None:
        match = _LOCATION.search(text)
        if match:
            line = int(match.group(1))
            col = match.group(2) or match.group(3)
            column = int(col) if col else None
    message = re.sub(
        r"^Parser error (at line \d+ (between columns \d+ and \d+|column \d+)"
        r"|between line \d+ column \d+ and line \d+ column \d+): ",
        "",
        text,
    )
    message = re.sub(r" \([^()]*, line \d+\)$", "", message)
    return InputError(str(path), message, line, column)


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _sniff(data: bytes) -> RdfFormat:
    """The format of a file whose extension says nothing, from its first bytes."""
    head = data.lstrip(b" \t\r\n")[:64]
    if head.startswith((b"<?xml", b"<!", b"<rdf:RDF")):
        return RdfFormat.RDF_XML
    if head.startswith((b"{", b"[")):
        return RdfFormat.JSON_LD
    return RdfFormat.TURTLE


_XML_ENCODING = re.compile(r"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']+)["']""")
_XML_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _guard_xml(path: Path, data: bytes) -> None:
    """Refuse any DOCTYPE or ENTITY declaration, and any encoding the check cannot read.

    Entity expansion and external entities both need a declaration, so no
    declaration means neither can happen. The text is searched as UTF-8; a file
    in another encoding could hide a declaration from that search, so it is
    refused too.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"RDF/XML must be UTF-8 ({exc.reason} at byte {exc.start})") from None
    declared = _XML_ENCODING.match(text)
    if declared and declared.group(1).strip().lower() not in ("utf-8", "utf8", "us-ascii", "ascii"):
        raise InputError(
            str(path), f"RDF/XML must be UTF-8, not {declared.group(1)}", *_position(text, declared.start(1))
        )
    found = _XML_DECLARATION.search(text)
    if found:
        raise InputError(
            str(path),
            f"refused: XML {found.group(1).upper()} declarations are not accepted "
            "(they allow entity expansion and external entities)",
            *_position(text, found.start()),
        )


def _contexts(document: object) -> list[object]:
    """Every `@context` value anywhere in a JSON document (walked without recursion)."""
    found, stack = [], [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "@context" in node:
                found.append(node["@context"])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


class DuplicateKey(ValueError):
    """A JSON object with a key twice: parsers disagree on which value wins."""


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """Build a JSON object, refusing a repeated key.

    Python's json keeps the last of two `@context` values and another parser may
    keep the first, so the context checked here need not be the one parsed.
    """
    document: dict[str, object] = {}
    for key, value in pairs:
        if key in document:
            raise DuplicateKey(f"the JSON key {key!r} appears twice in one object (parsers disagree on which counts)")
        document[key] = value
    return document


def _guard_jsonld(path: Path, data: bytes) -> None:
    """Refuse JSON-LD whose contexts are not all inline: a context URL is fetched by the parser."""
    try:
        document = json.loads(data.decode("utf-8"), object_pairs_hook=_unique_keys)
    except DuplicateKey as exc:
        raise InputError(str(path), f"refused: {exc}") from None
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"JSON-LD must be UTF-8 ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"not valid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise InputError(str(path), "JSON nested too deeply") from None
    for context in _contexts(document):
        for part in context if isinstance(context, list) else [context]:
            if isinstance(part, str):
                raise InputError(str(path), f"refused: JSON-LD @context {part!r} is not inline (it would be fetched)")
            if isinstance(part, dict) and "@import" in part:
                raise InputError(str(path), "refused: JSON-LD @import in a context (it would be fetched)")


def read(path: Path, max_bytes: int = MAX_BYTES) -> RdfInput:
    """Read one RDF file and pass it through the guards for its format."""
    resolve(path)  # a symbolic link loop is named as one, not as a missing file
    if not path.is_file():
        raise InputError(str(path), "no such file")
    size = path.stat().st_size
    if size > max_bytes:
        raise LimitError(f"{path}: {size} bytes is over the limit of {max_bytes} bytes for one file")
    with path.open("rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # the file grew after stat
        raise LimitError(f"{path}: over the limit of {max_bytes} bytes for one file")
    # A UTF-8 byte order mark (Windows editors write one) is no part of any format's syntax, and
    # Oxigraph's Turtle parser read it as a stray character; every parser gets the text after it.
    data = data.removeprefix(BOM)
    fmt = SUFFIXES.get(path.suffix.lower()) or _sniff(data)
    if fmt is RdfFormat.RDF_XML:
        _guard_xml(path, data)
    elif fmt is RdfFormat.JSON_LD:
        _guard_jsonld(path, data)
    return RdfInput(path, data, fmt)


def streamable(path: Path) -> RdfFormat:
    """The format of a file a parser may read from its path: one of LINE_FORMATS, fixed by its extension.

    These formats have no entities, no contexts and no imports, so nothing in
    their bytes can make a parser expand text or open a file or the network;
    there is nothing to check before parsing but that the file is one of them.
    Only our own built artefacts are read this way (`store.load_artefact`),
    since a file from anywhere also needs the size limit of `read`.
    """
    if not path.is_file():
        raise InputError(str(path), "no such file")
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None or fmt not in LINE_FORMATS:
        raise InputError(str(path), "only Turtle, N-Triples, N-Quads or TriG can be read from a path")
    return fmt


def parse_into(graph: rdflib.Graph, source: RdfInput) -> None:
    """Parse checked bytes with rdflib's own parser into `graph`.

    On a syntax error in a line-based format, Oxigraph re-reads the bytes to
    name the line and column, which rdflib's messages often lack.
    """
    base = resolve(source.path).as_uri()
    try:
        if source.format.oxigraph.supports_datasets:
            # Quads: parse as a dataset and keep the triples; validation works on their union.
            dataset = rdflib.Dataset()
            dataset.parse(data=source.data, format=source.format.rdflib_name, publicID=base)
            for s, p, o, _ in dataset.quads():
                graph.add((s, p, o))
        else:
            graph.parse(data=source.data, format=source.format.rdflib_name, publicID=base)
    except Exception as exc:  # rdflib's parsers raise many unrelated types
        if source.format in LINE_FORMATS:
            try:
                for _ in ox.parse(source.data, format=source.format.oxigraph):
                    pass
            except (SyntaxError, ValueError) as located:
                raise syntax_error(source.path, located) from None
        raise syntax_error(source.path, exc) from None
