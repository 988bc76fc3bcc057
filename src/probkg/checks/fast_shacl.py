"""SHACL compiled to SPARQL and run by Oxigraph: the fast path of `probkg validate`.

pyshacl is the reference engine, but it is pure Python: at 1,000 inspections
(400,000 triples) it spent a minute and a half, most of it running each
SHACL-SPARQL constraint once per focus node. Here every constraint of every
shape becomes one SPARQL query over all its focus nodes at once, which Oxigraph
answers in milliseconds.

The compiler covers the SHACL features the project's shapes use, with
pyshacl's reading of each where the specification leaves room (a blank node
fails sh:pattern and sh:minLength; an ill-formed literal fails sh:datatype; a
string never passes a numeric sh:minInclusive). Anything else (a component it
does not know, a shape without sh:message, whose text pyshacl would make up)
raises `Unsupported`, and `validate` then runs pyshacl instead, so a new shape
is never checked wrongly, only slowly. `tests/code/test_validate_fast.py` proves
that both engines report the same results on the real graph and on every
seeded defect.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD

from probkg.checks.report import pick_message, severity_name
from probkg.rdf.store import solutions
from probkg.rdf.terms import to_rdflib
from probkg.sparql.catalogue import TOKEN

TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
RDFS_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
NUMERIC = {
    XSD.integer,
    XSD.decimal,
    XSD.float,
    XSD.double,
    XSD.int,
    XSD.long,
    XSD.short,
    XSD.byte,
    XSD.nonNegativeInteger,
    XSD.positiveInteger,
    XSD.negativeInteger,
    XSD.nonPositiveInteger,
    XSD.unsignedInt,
    XSD.unsignedLong,
    XSD.unsignedShort,
    XSD.unsignedByte,
}
"""Datatypes whose ill-formed literals (e.g. "abc"^^xsd:integer) Oxigraph's isNumeric rejects."""
CHECKED_CASTS = {XSD.date, XSD.dateTime, XSD.time, XSD.boolean}
"""Other datatypes whose ill-formed literals pyshacl rejects; a failed cast finds them."""
_ZONE = "(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
LEXICAL_PATTERNS: dict[rdflib.term.Node, str] = {
    XSD.gYear: f"^-?([1-9][0-9]{{4,}}|[0-9]{{4}}){_ZONE}$",
    XSD.gYearMonth: f"^-?([1-9][0-9]{{4,}}|[0-9]{{4}})-(0[1-9]|1[0-2]){_ZONE}$",
}
"""Datatypes Oxigraph cannot cast to, checked by their lexical space (XSD 1.1) instead."""
NODE_KINDS: dict[rdflib.term.Node, str] = {
    SH.IRI: "isIRI({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNode: "isBlank({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
SHAPE_KEYS = {
    RDF.type,
    SH.severity,
    SH.message,
    SH.path,
    SH.deactivated,
    SH.name,
    SH.description,
    SH.order,
    SH.group,
    SH.defaultValue,
    SH.property,
    SH.ignoredProperties,
    SH.flags,
    SH.qualifiedValueShape,
    SH.qualifiedValueShapesDisjoint,
    SH.prefixes,
    SH.declare,
    SH.targetClass,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.targetNode,
    rdflib.OWL.imports,
    rdflib.URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
    rdflib.URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
    rdflib.URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"),
    rdflib.URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso"),
    rdflib.URIRef("http://www.w3.org/2000/01/rdf-schema#isDefinedBy"),
}
"""Predicates of a shape that are not constraints, or are read together with one."""
_C: dict[str, rdflib.term.Node] = {
    name: rdflib.URIRef(f"{SH}{'SPARQL' if name == 'sparql' else name[0].upper() + name[1:]}ConstraintComponent")
    for name in (
        "class datatype nodeKind minCount maxCount minExclusive minInclusive maxExclusive maxInclusive minLength "
        "maxLength pattern languageIn uniqueLang equals disjoint lessThan lessThanOrEquals not and or xone node "
        "qualifiedMinCount qualifiedMaxCount closed hasValue in sparql"
    ).split()
}
COMPONENTS: dict[rdflib.term.Node, rdflib.term.Node] = {SH[name]: component for name, component in _C.items()}
"""Every constraint parameter of SHACL Core and SHACL-SPARQL, and the component each reports."""
PER_VALUE = {SH[n] for n in "class datatype nodeKind minExclusive minInclusive maxExclusive maxInclusive".split()} | {
    SH[n] for n in "minLength maxLength pattern languageIn not and or xone node in".split()
}
"""Constraints that test each value node on its own: one result per failing value."""
COMPARISONS: dict[rdflib.term.Node, str] = {
    SH.minExclusive: ">",
    SH.minInclusive: ">=",
    SH.maxExclusive: "<",
    SH.maxInclusive: "<=",
}
MAX_DEPTH = 10
"""How deep shapes may nest (as for pyshacl, `validate.MAX_VALIDATION_DEPTH`)."""
MAX_NESTED_COUNT = 5
"""A count inside a nested shape is written as that many distinct values; more is not compiled."""
TRUE = rdflib.Literal("true", datatype=XSD.boolean)
_VAR = re.compile(r"[?$](\w+)")


class Unsupported(Exception):
    """The shapes use something this compiler does not translate; pyshacl must run them."""


def sparql_term(term: rdflib.term.Node) -> str:
    """An rdflib term written as SPARQL (through Oxigraph's own serialisation, so escapes are right)."""
    if isinstance(term, rdflib.URIRef):
        return str(ox.NamedNode(str(term)))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return str(ox.Literal(str(term), language=term.language))
        return str(ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string))))
    raise Unsupported(f"a blank node where a constraint needs a value: {term}")


def sparql_string(text: str) -> str:
    return str(ox.Literal(text))


def is_true(term: rdflib.term.Node | None) -> bool:
    """SHACL's `true`: the literal true itself ("1"^^xsd:boolean does not switch a constraint on)."""
    return term == TRUE


def shape_nodes(graph: rdflib.Graph) -> set[rdflib.term.Node]:
    """The shapes of a shapes graph, by SHACL's definition (2.1): typed, targeted, or referred to as one.

    Node shapes need no `a sh:NodeShape`: a subject of a target, a value of
    sh:node, sh:property, sh:not or sh:qualifiedValueShape, or a member of an
    sh:and, sh:or or sh:xone list is a shape too.
    """
    found: set[rdflib.term.Node] = set()
    for kind in (SH.NodeShape, SH.PropertyShape):
        found.update(graph.subjects(RDF.type, kind))
    for predicate in TARGETS:
        found.update(graph.subjects(predicate, None))
    for predicate in (SH.node, SH.property, SH["not"], SH.qualifiedValueShape):
        found.update(graph.objects(None, predicate))
    for predicate in (SH["and"], SH["or"], SH.xone):
        for members in graph.objects(None, predicate):
            found.update(Collection(graph, members))
    return {s for s in found if not isinstance(s, rdflib.Literal)}


@dataclass(frozen=True)
class Check:
    """One constraint of one shape as a query whose rows are its results.

    Rows bind ?this, and ?value and ?path where the result has them; a SPARQL
    constraint's other variables fill its message.
    """

    shape: rdflib.term.Node
    component: rdflib.term.Node
    severity: str
    path: rdflib.term.Node | None
    """The shape's sh:path, the result path unless a row binds ?path."""
    path_text: str | None
    query: str
    messages: tuple[rdflib.Literal, ...]
    """The shape's own sh:message texts."""
    constraint_messages: tuple[rdflib.Literal, ...] = ()
    """A SPARQL constraint's sh:message texts, filled from each row."""
    value_is_focus: bool = False
    """A node shape's results name the focus node as the value."""
    severity_iri: rdflib.term.Node = SH.Violation
    """The shape's sh:severity as written: a severity of the shapes' own is reported as it is."""
    has_value: bool = True
    """Whether results of this component carry a value (sh:minCount, sh:hasValue ... do not)."""


class Compiler:
    """Turns a shapes graph into Checks; one instance per shapes graph."""

    def __init__(self, graph: rdflib.Graph) -> None:
        self.g = graph
        self._count = 0
        self._custom = {graph.value(parameter, SH.path) for parameter in graph.objects(None, SH.parameter)}
        """Parameters of the custom constraint components the shapes graph declares (of any subclass)."""
        self._parents: dict[rdflib.term.Node, list[rdflib.term.Node]] = {}
        for parent, member in graph.subject_objects(SH.property):
            self._parents.setdefault(member, []).append(parent)

    def fresh(self, name: str) -> str:
        self._count += 1
        return f"?{name}_{self._count}"

    # --- shapes and their focus nodes ---------------------------------------------------

    def checks(self) -> list[Check]:
        out: list[Check] = []
        for shape in sorted(shape_nodes(self.g), key=str):
            if self._deactivated(shape):
                continue
            found = self.focus_group(shape, "?this", 0)
            if found is not None:
                out.extend(self._shape_checks(shape, *found))
        return out

    def _deactivated(self, shape: rdflib.term.Node) -> bool:
        return any(is_true(v) for v in self.g.objects(shape, SH.deactivated))

    def _explicit_targets(self, shape: rdflib.term.Node, var: str) -> list[str]:
        groups = []
        for predicate in TARGETS:
            for target in self.g.objects(shape, predicate):
                groups.append(self._target(predicate, target, var))
        is_class = any((shape, RDF.type, c) in self.g for c in (rdflib.RDFS.Class, rdflib.OWL.Class))
        if is_class and isinstance(shape, rdflib.URIRef):  # an implicit class target (2.1.3.3)
            groups.append(self._target(SH.targetClass, shape, var))
        return groups

    def focus_group(self, shape: rdflib.term.Node, var: str, depth: int) -> tuple[str, tuple[str, ...]] | None:
        """A SPARQL group binding `var` to the shape's focus nodes, and the route variables; None if it has none.

        Focus nodes come from the shape's targets and, for a shape reached
        through sh:property, from the value nodes of the shape above it, at
        any depth (a property shape inside a property shape validates the
        values of the outer path). A node reached from two focus nodes above
        is validated once for each, as SHACL says, so each such route keeps
        the focus node above it in a route variable (unbound for targets).
        """
        if depth > MAX_DEPTH:
            raise Unsupported(f"shapes nest more than {MAX_DEPTH} deep under {shape}")
        groups = self._explicit_targets(shape, var)
        routes: list[str] = []
        for parent in self._parents.get(shape, []):
            if self._deactivated(parent):
                continue
            path = self.g.value(parent, SH.path)
            if path is None:
                found = self.focus_group(parent, var, depth + 1)
                if found is not None:
                    groups.append(found[0])
                    routes.extend(found[1])
                continue
            up, down = self.fresh("up"), self.fresh("down")
            found = self.focus_group(parent, up, depth + 1)
            if found is None:
                continue
            outer, above = found
            projected = " ".join((up, *above))
            groups.append(
                f"{{ SELECT DISTINCT {projected} ({down} AS {var}) "
                f"WHERE {{ {outer} {up} {self.path_text(path)} {down} }} }}"
            )
            routes.extend((up, *above))
        if not groups:
            return None
        projected = " ".join((var, *routes))
        return f"{{ SELECT DISTINCT {projected} WHERE {{ " + " UNION ".join(sorted(set(groups))) + " } }", tuple(routes)

    @staticmethod
    def _target(predicate: rdflib.URIRef, target: rdflib.term.Node, var: str) -> str:
        t = sparql_term(target)
        return {
            SH.targetClass: f"{{ {var} a/{RDFS_SUBCLASS}* {t} }}",
            SH.targetSubjectsOf: f"{{ {var} {t} [] }}",
            SH.targetObjectsOf: f"{{ [] {t} {var} }}",
            SH.targetNode: f"{{ BIND({t} AS {var}) }}",
        }[predicate]

    def path_text(self, path: rdflib.term.Node) -> str:
        """A SHACL path as a SPARQL property path; an ill-formed one (two kinds at once) is not compiled."""
        if isinstance(path, rdflib.URIRef):
            return sparql_term(path)
        if isinstance(path, rdflib.Literal):
            raise Unsupported(f"a literal as a path: {path}")
        kinds = [
            (p, o)
            for p, o in self.g.predicate_objects(path)
            if p in (SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)
        ]
        is_list = (path, RDF.first, None) in self.g
        if not is_list and len(kinds) != 1:
            raise Unsupported(f"an ill-formed path {path}")
        if is_list:  # a list that is also, say, an inverse path is read as the list (the suite's path-strange)
            members = list(Collection(self.g, path))
            if len(members) < 2:
                raise Unsupported(f"a sequence path of fewer than two members: {path}")
            return "(" + "/".join(self.path_text(p) for p in members) + ")"
        kind, inner = kinds[0]
        if kind == SH.inversePath:
            return f"^({self.path_text(inner)})"
        if kind == SH.alternativePath:
            members = list(Collection(self.g, inner))
            if len(members) < 2:
                raise Unsupported(f"an alternative path of fewer than two members: {path}")
            return "(" + "|".join(self.path_text(p) for p in members) + ")"
        marks: dict[rdflib.term.Node, str] = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}
        mark = marks[kind]
        return f"({self.path_text(inner)}){mark}"

    # --- one shape --------------------------------------------------------------------

    def constraints(self, shape: rdflib.term.Node) -> list[tuple[rdflib.term.Node, rdflib.term.Node]]:
        """The shape's constraint parameters and their values.

        Other predicates mean nothing to SHACL and are ignored, as by pyshacl,
        except a parameter of a constraint component the shapes graph declares
        (SHACL-SPARQL's custom components), which pyshacl must run.
        """
        custom = {p for p in self.g.predicates(shape, unique=True) if p in self._custom}
        if custom:
            raise Unsupported(f"{shape} uses the custom constraint parameters {sorted(map(str, custom))}")
        return sorted(((p, o) for p, o in self.g.predicate_objects(shape) if p in COMPONENTS), key=str)

    def _shape_checks(self, shape: rdflib.term.Node, focus: str, routes: tuple[str, ...]) -> Iterator[Check]:
        path = self.g.value(shape, SH.path)
        path_text = None if path is None else self.path_text(path)
        messages = tuple(sorted(m for m in self.g.objects(shape, SH.message) if isinstance(m, rdflib.Literal)))
        severity_iri = self.g.value(shape, SH.severity) or SH.Violation
        base: dict[str, Any] = dict(
            shape=shape,
            severity=severity_name(severity_iri),
            severity_iri=severity_iri,
            path=path,
            path_text=path_text,
            messages=messages,
            value_is_focus=path is None,
        )
        for parameter, argument in self.constraints(shape):
            if parameter == SH.sparql:
                yield self._sparql(base, argument, focus)
                continue
            has_value = parameter in PER_VALUE or parameter in (
                SH.equals,
                SH.disjoint,
                SH.lessThan,
                SH.lessThanOrEquals,
                SH.closed,
            )
            for query in self._query(parameter, argument, shape, focus, routes, path_text):
                yield Check(component=COMPONENTS[parameter], query=query, has_value=has_value, **base)

    def _query(
        self,
        parameter: rdflib.term.Node,
        argument: rdflib.term.Node,
        shape: rdflib.term.Node,
        focus: str,
        routes: tuple[str, ...],
        path_text: str | None,
    ) -> list[str]:
        """The SELECTs whose rows are the results of one constraint over all focus nodes (none: it checks nothing)."""
        group = " ".join(("?this", *routes))
        if (
            parameter in (SH.qualifiedMinCount, SH.qualifiedMaxCount)
            and self.g.value(shape, SH.qualifiedValueShape) is None
        ):
            return []  # a count of nothing: SHACL ignores it
        if parameter in (SH.minCount, SH.maxCount, SH.qualifiedMinCount, SH.qualifiedMaxCount):
            if path_text is None:
                raise Unsupported(f"{parameter} on a node shape")
            n = int(str(argument))
            counted = f"?this {path_text} ?value"
            if parameter in (SH.qualifiedMinCount, SH.qualifiedMaxCount):
                counted += f" FILTER(COALESCE({self.qualified(shape, '?value', 0)}, false))"
            if parameter in (SH.minCount, SH.qualifiedMinCount):
                if n == 0:
                    return []
                return [
                    f"SELECT {group} WHERE {{ {focus} OPTIONAL {{ {counted} }} }} "
                    f"GROUP BY {group} HAVING (COUNT(DISTINCT ?value) < {n})"
                ]
            return [
                f"SELECT {group} WHERE {{ {focus} {counted} }} GROUP BY {group} HAVING (COUNT(DISTINCT ?value) > {n})"
            ]
        if parameter == SH.uniqueLang and path_text is not None:
            if not is_true(argument):
                return []
            return [  # one result per language that has two values
                f'SELECT {group} ?language WHERE {{ {focus} ?this {path_text} ?value FILTER(LANG(?value) != "") }} '
                f"GROUP BY {group} (LCASE(LANG(?value)) AS ?language) HAVING (COUNT(DISTINCT ?value) > 1)"
            ]
        patterns = self.violation(shape, parameter, argument, "?this", "?value", path_text, 0)
        return [f"SELECT * WHERE {{ {focus} {pattern} }}" for pattern in patterns]

    def violation(
        self,
        shape: rdflib.term.Node,
        parameter: rdflib.term.Node,
        argument: rdflib.term.Node,
        focus: str,
        value: str,
        path_text: str | None,
        depth: int,
    ) -> list[str]:
        """Group patterns, with `focus` bound, that have rows exactly when the constraint is violated.

        Rows bind `value` where the component's results have a value (and
        ?path for sh:closed); on a node shape the value is the focus node
        itself. Each pattern is evaluated with `focus` already bound (no
        UNION, whose branches would see it unbound). None: the constraint
        checks nothing (sh:closed false, sh:minCount 0).
        """
        if path_text is None:
            value = focus
        values = f"{focus} {path_text} {value} ." if path_text else ""
        if parameter in PER_VALUE:
            return [f"{values} FILTER(!COALESCE({self.value_test(parameter, argument, value, depth)}, false))"]
        if parameter == SH.hasValue:
            if path_text is None:
                return [f"FILTER(!sameTerm({focus}, {sparql_term(argument)}))"]
            return [f"FILTER NOT EXISTS {{ {focus} {path_text} {sparql_term(argument)} }}"]
        if (
            parameter in (SH.qualifiedMinCount, SH.qualifiedMaxCount)
            and self.g.value(shape, SH.qualifiedValueShape) is None
        ):
            return []
        if parameter in (SH.minCount, SH.maxCount, SH.qualifiedMinCount, SH.qualifiedMaxCount):
            n = int(str(argument)) + (parameter in (SH.maxCount, SH.qualifiedMaxCount))
            if n > MAX_NESTED_COUNT or path_text is None:
                raise Unsupported(f"{parameter} {argument} in a nested shape")
            if n == 0:
                return []
            names = [self.fresh("n") for _ in range(n)]
            test = (
                f" FILTER(COALESCE({' && '.join(self.qualified(shape, v, depth) for v in names)}, false))"
                if parameter in (SH.qualifiedMinCount, SH.qualifiedMaxCount)
                else ""
            )
            distinct = " && ".join(f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1 :])
            group = " ".join(f"{focus} {path_text} {v} ." for v in names) + test
            group += f" FILTER({distinct})" if distinct else ""
            return [f"FILTER NOT EXISTS {{ {group} }}" if parameter in (SH.minCount, SH.qualifiedMinCount) else group]
        if parameter == SH.uniqueLang:
            if not is_true(argument) or path_text is None:
                return []
            other = self.fresh("other")
            return [
                f"FILTER EXISTS {{ {focus} {path_text} {value} , {other} . "
                f'FILTER(!sameTerm({value}, {other}) && LANG({value}) != "" '
                f"&& LCASE(LANG({value})) = LCASE(LANG({other}))) }}"
            ]
        if parameter in (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals):
            if not isinstance(argument, rdflib.URIRef):
                raise Unsupported(f"{parameter} with a value that is not an IRI")
            other = sparql_term(argument)
            if parameter == SH.equals:
                if path_text is None:
                    each = self.fresh("other")
                    return [
                        f"FILTER NOT EXISTS {{ {focus} {other} {focus} }}",
                        f"{focus} {other} {each} . FILTER(!sameTerm({each}, {focus})) BIND({each} AS ?value)",
                    ]
                return [
                    f"{values} FILTER NOT EXISTS {{ {focus} {other} {value} }}",
                    f"{focus} {other} {value} . FILTER NOT EXISTS {{ {values} }}",
                ]
            if parameter == SH.disjoint:
                return [f"{values} {focus} {other} {value} ."]
            limit, op = self.fresh("limit"), "<" if parameter == SH.lessThan else "<="
            return [
                f"{values} {focus} {other} {limit} . "
                f"FILTER(!COALESCE(!isBlank({value}) && !isBlank({limit}) && {value} {op} {limit}, false))"
            ]
        if parameter == SH.closed:
            if not is_true(argument):
                return []
            if path_text is not None:
                raise Unsupported("sh:closed on a property shape")
            allowed = {self.g.value(p, SH.path) for p in self.g.objects(shape, SH.property)}
            ignored = self.g.value(shape, SH.ignoredProperties)
            allowed |= set(Collection(self.g, ignored)) if ignored is not None else set()
            listed = ", ".join(sparql_term(p) for p in sorted(p for p in allowed if isinstance(p, rdflib.URIRef)))
            path = self.fresh("path") if depth else "?path"
            seen = self.fresh("seen") if depth else "?value"
            return [f"{focus} {path} {seen} . " + (f"FILTER({path} NOT IN ({listed}))" if listed else "")]
        if parameter == SH.sparql:
            raise Unsupported("sh:sparql in a nested shape")
        raise Unsupported(f"{parameter}")

    def qualified(self, shape: rdflib.term.Node, value: str, depth: int) -> str:
        """True when `value` counts for the shape's sh:qualifiedValueShape (and, if disjoint, for no sibling's)."""
        own = self.g.value(shape, SH.qualifiedValueShape)
        if own is None:
            raise Unsupported(f"{shape}: a qualified count without sh:qualifiedValueShape")
        test = self.conforms(own, value, depth + 1)
        if is_true(self.g.value(shape, SH.qualifiedValueShapesDisjoint)):
            siblings = {
                other
                for parent in self._parents.get(shape, [])
                for member in self.g.objects(parent, SH.property)
                if member != shape and (other := self.g.value(member, SH.qualifiedValueShape)) is not None
            }
            for sibling in sorted(siblings, key=str):
                test += f" && !COALESCE({self.conforms(sibling, value, depth + 1)}, false)"
        return f"({test})"

    @staticmethod
    def pattern(argument: rdflib.term.Node, flags: rdflib.term.Node | None, value: str = "?value") -> str:
        flag_text = f", {sparql_string(str(flags))}" if flags is not None else ""
        return f"(!isBlank({value}) && REGEX(STR({value}), {sparql_string(str(argument))}{flag_text}))"

    def value_test(self, parameter: rdflib.term.Node, argument: rdflib.term.Node, value: str, depth: int) -> str:
        """A SPARQL expression over `value` that is true when the value passes the constraint."""
        if parameter == SH["class"]:
            return f"EXISTS {{ {value} a/{RDFS_SUBCLASS}* {sparql_term(argument)} }}"
        if parameter == SH.datatype:
            return self.datatype_test(argument, value)
        if parameter == SH.nodeKind:
            if argument not in NODE_KINDS:
                raise Unsupported(f"sh:nodeKind {argument}")
            return NODE_KINDS[argument].format(v=value)
        if parameter in (SH.minLength, SH.maxLength):
            n = int(str(argument))
            if parameter == SH.minLength and n == 0:
                return "true"
            compare = ">=" if parameter == SH.minLength else "<="
            return f"(!isBlank({value}) && STRLEN(STR({value})) {compare} {n})"
        if parameter == SH.pattern:
            shape = next(self.g.subjects(SH.pattern, argument))
            return self.pattern(argument, self.g.value(shape, SH.flags), value)
        if parameter == SH.languageIn:
            tags = [str(t) for t in Collection(self.g, argument)]
            any_tag = " || ".join(f"LANGMATCHES(LANG({value}), {sparql_string(t)})" for t in tags)
            return f"(isLiteral({value}) && ({any_tag}))" if tags else "false"
        if parameter == SH["in"]:
            members = list(Collection(self.g, argument))
            return (
                "(" + " || ".join(f"sameTerm({value}, {sparql_term(m)})" for m in members) + ")" if members else "false"
            )
        if parameter in COMPARISONS:
            if not isinstance(argument, rdflib.Literal):
                raise Unsupported(f"{parameter} with a value that is not a literal")
            return f"(isLiteral({value}) && {value} {COMPARISONS[parameter]} {sparql_term(argument)})"
        if parameter == SH.node:
            return self.conforms(argument, value, depth + 1)
        if parameter == SH["not"]:
            return f"!COALESCE({self.conforms(argument, value, depth + 1)}, false)"
        shapes = list(Collection(self.g, argument))
        tests = [f"COALESCE({self.conforms(m, value, depth + 1)}, false)" for m in shapes]
        if parameter == SH["and"]:
            return "(" + " && ".join(tests) + ")" if tests else "true"
        if parameter == SH["or"]:
            return "(" + " || ".join(tests) + ")" if tests else "false"
        if parameter == SH.xone:
            return "((" + " + ".join(f"IF({t}, 1, 0)" for t in tests) + ") = 1)" if tests else "false"
        raise Unsupported(f"{parameter}")

    @staticmethod
    def datatype_test(datatype: rdflib.term.Node, value: str = "?value") -> str:
        """pyshacl's reading: the literal has exactly that datatype and a well-formed lexical form."""
        test = f"(isLiteral({value}) && sameTerm(DATATYPE({value}), {sparql_term(datatype)})"
        if datatype in NUMERIC:
            test += f" && isNumeric({value})"
        elif datatype in CHECKED_CASTS:
            test += f" && sameTerm(DATATYPE({sparql_term(datatype)}(STR({value}))), {sparql_term(datatype)})"
        elif datatype in LEXICAL_PATTERNS:
            test += f" && REGEX(STR({value}), {sparql_string(LEXICAL_PATTERNS[datatype])})"
        return test + ")"

    def conforms(self, shape: rdflib.term.Node, value: str, depth: int) -> str:
        """A SPARQL expression: true when the node bound to `value` conforms to the shape (its sh:property shapes too)."""
        if depth > MAX_DEPTH:
            raise Unsupported(f"shapes nest more than {MAX_DEPTH} deep at {shape}")
        if self._deactivated(shape):
            return "true"
        path = self.g.value(shape, SH.path)
        path_text = None if path is None else self.path_text(path)
        tests = []
        for parameter, argument in self.constraints(shape):
            for pattern in self.violation(shape, parameter, argument, value, self.fresh("v"), path_text, depth):
                tests.append(f"NOT EXISTS {{ {pattern} }}")
        for member in self.g.objects(shape, SH.property):
            if path_text is None:
                tests.append(f"COALESCE({self.conforms(member, value, depth + 1)}, false)")
            else:
                each = self.fresh("m")
                inner = self.conforms(member, each, depth + 1)
                tests.append(f"NOT EXISTS {{ {value} {path_text} {each} . FILTER(!COALESCE({inner}, false)) }}")
        return "(" + " && ".join(tests) + ")" if tests else "true"

    # --- SHACL-SPARQL ------------------------------------------------------------------

    def _sparql(self, base: dict, constraint: rdflib.term.Node, targets: str) -> Check:
        select = self.g.value(constraint, SH.select)
        if select is None or self.g.value(constraint, SH.ask) is not None:
            raise Unsupported("a SPARQL constraint without sh:select")
        if self._deactivated(constraint):
            return Check(component=SH.SPARQLConstraintComponent, query="SELECT ?this WHERE { FILTER(false) }", **base)
        text = str(select)
        names = set(_VAR.findall(text))
        if {"shapesGraph", "failure"} & names:
            raise Unsupported("a SPARQL constraint using $shapesGraph or ?failure")
        if "currentShape" in names:
            if not isinstance(base["shape"], rdflib.URIRef):
                raise Unsupported("$currentShape of a blank node shape")
            text = re.sub(r"[?$]currentShape\b", sparql_term(base["shape"]), text)
        if "$PATH" in text:
            if base["path_text"] is None:
                raise Unsupported("$PATH in a node shape's constraint")
            text = text.replace("$PATH", base["path_text"])
        text = re.sub(r"\$(\w+)", r"?\1", text)
        query = sparql_prologue(self.g, constraint) + prebind_this(text, targets)
        messages = tuple(sorted(m for m in self.g.objects(constraint, SH.message) if isinstance(m, rdflib.Literal)))
        return Check(component=SH.SPARQLConstraintComponent, query=query, constraint_messages=messages, **base)


def rebinds_prebound(text: str, also_value: bool = False) -> str | None:
    """The pre-bound variable a query binds again with `AS` (SHACL-SPARQL forbids it, 5.2.1), if any.

    $this, $currentShape and $shapesGraph are pre-bound in every query;
    $value too in an ASK validator.
    """
    prebound = {"this", "currentShape", "shapesGraph", *(("value",) if also_value else ())}
    tokens = [m.group() for m in TOKEN.finditer(text)]
    for token, following in zip(tokens, tokens[1:], strict=False):
        if token.upper() == "AS" and following[:1] in "?$" and following[1:] in prebound:
            return following[1:]
    return None


def subquery_without_this(text: str) -> bool:
    """Whether a subquery fails to return $this, which SHACL-SPARQL forbids (5.2.1); `SELECT *` does not name it."""
    tokens = [m.group() for m in TOKEN.finditer(text)]
    for i, token in enumerate(tokens):
        if token == "{" and i + 1 < len(tokens) and tokens[i + 1].upper() == "SELECT":
            projection = []
            for following in tokens[i + 2 :]:
                if following.upper() == "WHERE" or following == "{":
                    break
                projection.append(following)
            if "?this" not in projection and "$this" not in projection:
                return True
    return False


def prebind_this(text: str, targets: str) -> str:
    """The query with ?this bound to the focus nodes in every group that mentions it.

    SHACL pre-binds $this: it has its value everywhere in the query, also in
    a UNION branch, an inner group or a subquery, where a FILTER on it would
    see it unbound if the focus nodes were only joined at the top. Each such
    group gets the focus nodes as its first member (joining them again below
    the top changes no answer). Groups of EXISTS are left alone: Oxigraph
    evaluates them with the outer row's ?this already in place.
    """
    tokens = list(TOKEN.finditer(text))
    inserts: list[int] = []
    stack: list[tuple[int, bool, bool]] = []  # (insert position, eligible, mentions ?this)
    previous = ""
    for i, match in enumerate(tokens):
        token = match.group()
        if token == "{":
            following = tokens[i + 1].group().upper() if i + 1 < len(tokens) else ""
            eligible = previous.upper() not in ("EXISTS",) and following != "SELECT"
            stack.append((match.end(), eligible, False))
        elif token == "}" and stack:
            position, eligible, mentions = stack.pop()
            if eligible and (mentions or not stack):
                inserts.append(position)
        elif token in ("?this", "$this") and stack:
            position, eligible, _ = stack[-1]
            stack[-1] = (position, eligible, True)
        previous = token
    for position in sorted(inserts, reverse=True):
        text = text[:position] + " " + targets + " " + text[position:]
    return text


def sparql_prologue(graph: rdflib.Graph, constraint: rdflib.term.Node) -> str:
    """PREFIX lines for the sh:prefixes declarations a SHACL-SPARQL constraint names.

    A node named by sh:prefixes declares its own prefixes and those of every
    node it reaches through owl:imports within the shapes graph (SHACL 5.2.1);
    nothing outside the shapes graph is fetched.
    """
    lines, seen = set(), set()
    stack = list(graph.objects(constraint, SH.prefixes))
    while stack:
        declarer = stack.pop()
        if declarer in seen:
            continue
        seen.add(declarer)
        for declaration in graph.objects(declarer, SH.declare):
            prefix = graph.value(declaration, SH.prefix)
            namespace = graph.value(declaration, SH.namespace)
            lines.add(f"PREFIX {prefix}: <{namespace}>\n")
        stack.extend(graph.objects(declarer, rdflib.OWL.imports))
    return "".join(sorted(lines))


def fill_message(message: str, bindings: Mapping[str, rdflib.term.Node]) -> str:
    """A SPARQL constraint's message with {?var} and {$var} replaced by the row's values, as pyshacl does."""
    for name, value in bindings.items():
        message = re.sub(f"{{[?$]{name}}}", str(value), message)
    return message


def compile_shapes(graph: rdflib.Graph) -> list[Check]:
    """Every constraint of the shapes graph as a Check; `Unsupported` if any cannot be compiled."""
    checks = Compiler(graph).checks()
    for check in checks:
        try:
            ox.Store().query(check.query)
        except SyntaxError as exc:
            raise Unsupported(f"{check.shape}: the compiled query does not parse: {exc}") from None
    return checks


XSD_NS = str(XSD)


@dataclass(frozen=True)
class Rewrite:
    """A literal the store keeps in another form than the file writes it (Oxigraph normalises on load)."""

    file: str
    subject: rdflib.term.Node
    predicate: rdflib.URIRef
    written: str
    """As the file writes it, in N-Triples (rdflib would normalise it too)."""
    stored: str
    """As the store holds it, and as exports and the endpoint serve it."""


def rewrites(triples: Iterator[tuple[str, ox.Triple]]) -> list[Rewrite]:
    """Those of (file, triple) whose typed literal Oxigraph would store changed.

    Oxigraph stores "5"^^xsd:int as "5"^^xsd:integer and "024"^^xsd:nonNegativeInteger
    as "24"^^xsd:integer (its issue 526): a datatype check over the store
    would see the changed copy. Each XSD-typed literal goes once through a
    scratch store, which says what the real one keeps.
    """
    found: dict[ox.Literal, list[tuple[str, ox.Triple]]] = {}
    for name, quad in triples:
        o = quad.object
        if isinstance(o, ox.Literal) and o.datatype.value.startswith(XSD_NS) and o.datatype.value != str(XSD.string):
            found.setdefault(o, []).append((name, quad))
    literals = list(found)
    scratch = ox.Store()
    scratch.extend(ox.Quad(ox.NamedNode(f"urn:probkg:literal:{i}"), RDF_VALUE, lit) for i, lit in enumerate(literals))
    out = []
    for quad in scratch:
        written = literals[int(quad.subject.value.rsplit(":", 1)[1])]
        if quad.object != written:
            for name, original in found[written]:
                out.append(
                    Rewrite(
                        name,
                        to_rdflib(original.subject),
                        rdflib.URIRef(original.predicate.value),
                        str(written),
                        str(quad.object),
                    )
                )
    return sorted(out, key=lambda r: (r.file, str(r.subject), str(r.predicate), r.written))


RDF_VALUE = ox.NamedNode(str(RDF.value))


def sees_rewrites(checks: list[Check], found: list[Rewrite]) -> bool:
    """Whether a check could read one of the changed literals: its predicate is in the check, or any predicate is."""
    if not found:
        return False
    open_ended = {SH.SPARQLConstraintComponent, SH.ClosedConstraintComponent}
    predicates = {f"<{r.predicate}>" for r in found}
    return any(c.component in open_ended or any(p in c.query for p in predicates) for c in checks)


@dataclass(frozen=True)
class Row:
    """One result row of a Check, in rdflib terms."""

    check: Check
    focus: rdflib.term.Node
    value: rdflib.term.Node | None
    path: rdflib.term.Node | None
    message: rdflib.Literal
    key: str = ""
    """Everything the row bound, so that two results of one check (two routes, two limits) stay two."""


def default_message(check: Check) -> rdflib.Literal:
    """The message of a shape that gives none: which constraint failed (pyshacl words its own differently)."""
    name = str(check.component).removeprefix(str(SH)).removesuffix("ConstraintComponent")
    return rdflib.Literal(f"The value does not satisfy the sh:{name[0].lower() + name[1:]} constraint.")


def choose_message(general: tuple[rdflib.Literal, ...], candidates: list[rdflib.Literal]) -> rdflib.Literal:
    """`pick_message` over literals, keeping the chosen message's language tag."""
    text = pick_message(tuple(str(m) for m in general), [str(m) for m in candidates])
    return next(m for m in candidates if str(m) == text)


def run(store: ox.Store, checks: list[Check]) -> Iterator[Row]:
    """Every result of every check over the union of the store's graphs."""
    for number, check in enumerate(checks):
        rows = solutions(store.query(check.query, use_default_graph_as_union=True))
        names = [v.value for v in rows.variables]
        for solution in rows:
            bound = {n: to_rdflib(t) for n in names if (t := solution[n]) is not None}
            focus = bound["this"]
            value = bound.get("value") if check.has_value else None
            if value is None and check.has_value and check.value_is_focus:
                value = focus
            path = bound.get("path", check.path)
            if check.component == SH.SPARQLConstraintComponent:
                if value is None and check.value_is_focus:
                    value = focus
                fill = {k: v for k, v in bound.items() if k not in ("this", "path", "value")}
                fill.update({k: bound[k] for k in ("this", "path") if k in bound})
                if value is not None:
                    fill["value"] = value
                candidates = [
                    rdflib.Literal(fill_message(str(m), fill), lang=m.language)
                    for m in (*check.messages, *check.constraint_messages)
                ]
                message = choose_message(check.messages, candidates) if candidates else default_message(check)
            else:
                message = (
                    choose_message(check.messages, list(check.messages)) if check.messages else default_message(check)
                )
            key = " ".join(f"{n}={solution[n]}" for n in sorted(names) if solution[n] is not None)
            yield Row(check, focus, value, path, message, f"{number} {key}")
