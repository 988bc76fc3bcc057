"""Media types of the SPARQL endpoint: content negotiation and the result serialisations.

SELECT and ASK results are written in the four W3C formats (JSON, XML, CSV,
TSV); CONSTRUCT and DESCRIBE graphs in Turtle, N-Triples, JSON-LD or RDF/XML by
pyoxigraph. JSON goes through `results.ResultSet`, the shape every other part
of the project already uses. The CLI's own `csv`/`tsv` renderings are for
people (TSV there holds plain values); the endpoint's follow the W3C specs
(CSV lines end in CRLF; TSV cells are terms in Turtle syntax), so they are here.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

import mimeparse  # type: ignore[import-untyped]  # ships no type hints
import pyoxigraph as ox

from probkg.rdf.terms import OxTerm, binding
from probkg.rdf.vocab import PREFIXES
from probkg.sparql.results import ResultSet

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


def _term_csv(term: OxTerm | ox.Triple | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def _term_xml(term: OxTerm | ox.Triple) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def _tsv_cell(term: OxTerm | ox.Triple | None) -> str:
    if term is None:
        return ""
    return str(term).replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def write_solutions(variables: list[str], rows: list[list], media: str) -> bytes:
    """SELECT results (rows of pyoxigraph terms or None, in variable order) in one of the W3C formats."""
    if media == JSON:
        result = ResultSet(
            variables, [{v: binding(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows]
        )
        return json.dumps(result.to_json(), ensure_ascii=False).encode("utf-8")
    if media == XML:
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        out.append("</head>\n<results>")
        for row in rows:
            cells = "".join(
                f"<binding name={quoteattr(v)}>{_term_xml(t)}</binding>"
                for v, t in zip(variables, row, strict=True)
                if t is not None
            )
            out.append(f"<result>{cells}</result>")
        out.append("</results>\n</sparql>\n")
        return "\n".join(out).encode("utf-8")
    if media == CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_term_csv(t) for t in row] for row in rows)
        return buffer.getvalue().encode("utf-8")
    if media == TSV:
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join(_tsv_cell(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(media)


def write_boolean(value: bool, media: str) -> bytes:
    if media == XML:
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head/>\n'
            f"<boolean>{'true' if value else 'false'}</boolean>\n</sparql>\n"
        ).encode()
    return json.dumps(ResultSet(boolean=value).to_json()).encode("utf-8")


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
