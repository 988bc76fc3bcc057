"""RDF terms between the three forms the project holds them in: Oxigraph, rdflib, SPARQL JSON bindings.

Oxigraph answers queries, rdflib feeds pyshacl and is the reference SPARQL
engine, and results travel as W3C SPARQL 1.1 Query Results JSON bindings
(`{"type": "uri", "value": ...}`). A term must come out the same whichever way
it went, in particular a plain string: Oxigraph types it `xsd:string`, rdflib
parsing Turtle leaves it untyped, and a binding gives no datatype for it. So
every conversion lives here, once.
"""

from __future__ import annotations

import pyoxigraph as ox
import rdflib

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

Binding = dict[str, str]
"""One term as a SPARQL JSON results binding."""

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal


def to_rdflib(term: OxTerm | ox.Triple) -> rdflib.URIRef | rdflib.BNode | rdflib.Literal:
    """An Oxigraph term as rdflib holds the same term parsed from Turtle (plain strings stay plain).

    A quoted triple (RDF 1.2) has no rdflib form; the project's data has none.
    """
    if isinstance(term, ox.Triple):
        raise TypeError(f"a quoted triple has no rdflib term: {term}")
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return rdflib.Literal(term.value, datatype=None if datatype == XSD_STRING else rdflib.URIRef(datatype))


def to_oxigraph(term: rdflib.term.Node) -> OxTerm:
    """An rdflib term as Oxigraph holds it (an untyped literal becomes `xsd:string`, as in RDF 1.1)."""
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if not isinstance(term, rdflib.Literal):
        raise TypeError(f"not an RDF term: {term!r}")
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)


def binding(term: OxTerm | ox.Triple) -> Binding:
    """An Oxigraph term as a SPARQL JSON binding."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def rdflib_binding(term: rdflib.term.Node) -> Binding:
    """An rdflib term (a result of rdflib's SPARQL engine) as a SPARQL JSON binding, the same as `binding` gives."""
    if isinstance(term, rdflib.URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, rdflib.BNode):
        return {"type": "bnode", "value": str(term)}
    if not isinstance(term, rdflib.Literal):
        raise TypeError(f"not an RDF term: {term!r}")
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and str(term.datatype) != XSD_STRING:
        out["datatype"] = str(term.datatype)
    return out
