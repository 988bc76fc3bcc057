"""The shapes themselves: valid SHACL, documented, covering every class, written to the project's conventions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import rdflib
from pyshacl.entrypoints import meta_validate
from rdflib.namespace import OWL, RDF, RDFS, SH

from probkg.checks import lint, validate
from probkg.core.paths import Layout
from probkg.rdf.vocab import PKS

CONSTRAINT_PARAMETERS = {
    SH[name]
    for name in (
        "class",
        "datatype",
        "nodeKind",
        "minCount",
        "maxCount",
        "minInclusive",
        "maxInclusive",
        "minExclusive",
        "maxExclusive",
        "minLength",
        "maxLength",
        "pattern",
        "languageIn",
        "uniqueLang",
        "equals",
        "disjoint",
        "lessThan",
        "lessThanOrEquals",
        "not",
        "and",
        "or",
        "xone",
        "node",
        "qualifiedValueShape",
        "closed",
        "hasValue",
        "in",
        "sparql",
    )
}
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def shape_nodes(shapes: validate.Shapes) -> set[rdflib.term.Node]:
    g = shapes.graph
    return set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))


def named_shapes(shapes: validate.Shapes) -> set[rdflib.URIRef]:
    return {s for s in shape_nodes(shapes) if isinstance(s, rdflib.URIRef)}


def test_shapes_conform_to_shacl_for_shacl(shapes: validate.Shapes) -> None:
    """pyshacl's meta-SHACL: the W3C SHACL-for-SHACL shapes, run over our shapes graph."""
    conforms, _, text = meta_validate(shapes.graph, inference="none")
    assert conforms, text


def test_the_meta_check_can_fail(shapes: validate.Shapes) -> None:
    broken = rdflib.Graph() + shapes.graph
    broken.add((rdflib.URIRef(PKS + "Fact-evidence"), SH.minCount, rdflib.Literal("one")))
    conforms, _, _ = meta_validate(broken, inference="none")
    assert not conforms


def test_every_named_shape_has_a_label_and_every_constraint_a_message_and_severity(shapes: validate.Shapes) -> None:
    g = shapes.graph
    problems = []
    for shape in sorted(named_shapes(shapes)):
        if g.value(shape, RDFS.label) is None:
            problems.append(f"{shape}: no rdfs:label")
        parameters = {p for p in g.predicates(shape) if p in CONSTRAINT_PARAMETERS}
        if not parameters:
            continue
        if g.value(shape, SH.severity) is None:
            problems.append(f"{shape}: no sh:severity")
        messages_here = g.value(shape, SH.message) is not None
        sparql_messages = all(g.value(s, SH.message) is not None for s in g.objects(shape, SH.sparql))
        if parameters == {SH.sparql} and not sparql_messages or parameters != {SH.sparql} and not messages_here:
            problems.append(f"{shape}: a constraint without sh:message")
    for node in g.subjects(SH.select):
        if g.value(node, SH.message) is None:
            problems.append(f"{node}: SPARQL constraint without sh:message")
    assert problems == []


def test_severities_are_used_as_documented(shapes: validate.Shapes) -> None:
    used = set(shapes.graph.objects(None, SH.severity))
    assert used == {SH.Violation, SH.Warning, SH.Info}


def test_every_class_of_the_data_has_a_node_shape(real, shapes: validate.Shapes) -> None:
    """Each class instantiated in graph/ is the target of a node shape, itself or through a superclass."""
    union = real.data.union
    targeted = {
        o for s in shapes.graph.subjects(RDF.type, SH.NodeShape) for o in shapes.graph.objects(s, SH.targetClass)
    }
    used = {
        o
        for name in real.data.files
        if not real.data.is_ontology(name)
        for _, p, o in real.data.triples_of(name)
        if p == RDF.type
    }
    uncovered = sorted(str(c) for c in used if not targeted & set(union.transitive_objects(c, RDFS.subClassOf)))
    assert uncovered == []


def test_every_class_of_ours_has_a_node_shape(real, shapes: validate.Shapes) -> None:
    union = real.data.union
    targeted = {
        o for s in shapes.graph.subjects(RDF.type, SH.NodeShape) for o in shapes.graph.objects(s, SH.targetClass)
    }
    ours = {c for c in real.data.ontology().subjects(RDF.type, OWL.Class) if str(c).startswith(lint.PKO)}
    uncovered = sorted(str(c) for c in ours if not targeted & set(union.transitive_objects(c, RDFS.subClassOf)))
    assert uncovered == []


def test_every_term_the_shapes_name_is_declared(real, shapes: validate.Shapes) -> None:
    shapes.check_terms(lint.declared_terms(real.data.ontology()))


@pytest.mark.parametrize("name", sorted(p.name for p in Path(__file__).parents[2].joinpath("shapes").glob("*.ttl")))
def test_shapes_files_follow_the_conventions(lay: Layout, name: str) -> None:
    """Prefixes at the top; one block per shape, `a` first, predicates sorted; pks: shapes."""
    text = (lay.shapes / name).read_text(encoding="utf-8")
    lines = text.splitlines()
    prefixes = [i for i, line in enumerate(lines) if line.startswith("@prefix")]
    assert prefixes == list(range(len(prefixes))), "prefixes must all be at the top"
    declared = [re.match(r"@prefix (\w*):", lines[i]).group(1) for i in prefixes]
    assert declared == sorted(declared), "prefixes in alphabetical order"
    for block in re.split(r"\n\s*\n", text):
        block_lines = [line for line in block.splitlines() if not line.startswith("#")]
        if not block_lines or block_lines[0].startswith("@prefix") or block_lines[0].startswith("<"):
            continue
        subject = block_lines[0]
        assert re.fullmatch(r"pks:[A-Za-z][\w-]*", subject), (
            f"{name}: a shape outside pks: or a stray line: {subject!r}"
        )
        assert block_lines[1].startswith("    a "), f"{name}: {subject}: `a` must come first"
        predicates = [line.split()[0] for line in block_lines[2:] if re.match(r"    [a-z]\w*:", line)]
        assert predicates == sorted(predicates), f"{name}: {subject}: predicates not sorted: {predicates}"
