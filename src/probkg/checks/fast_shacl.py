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

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD

from probkg.checks.report import pick_message, severity_name
from probkg.core.errors import InputError
from probkg.rdf.store import solutions
from probkg.rdf.terms import to_rdflib
from probkg.sparql.engines import where_brace

TARGETS = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
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
NODE_KINDS: dict[rdflib.term.Node, str] = {
    SH.IRI: "isIRI(?value)",
    SH.Literal: "isLiteral(?value)",
    SH.BlankNode: "isBlank(?value)",
    SH.BlankNodeOrIRI: "(isBlank(?value) || isIRI(?value))",
    SH.BlankNodeOrLiteral: "(isBlank(?value) || isLiteral(?value))",
    SH.IRIOrLiteral: "(isIRI(?value) || isLiteral(?value))",
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
    SH.property,
    SH.ignoredProperties,
    SH.flags,
    *TARGETS,
    rdflib.URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
    rdflib.URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
}
"""Predicates of a shape that are not constraints, or are read together with one."""
COMPONENTS = {
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
    SH.closed: SH.ClosedConstraintComponent,
    SH.node: SH.NodeConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH.sparql: SH.SPARQLConstraintComponent,
}
"""The constraint parameters this compiler knows, and the component each reports."""
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


@dataclass(frozen=True)
class Check:
    """One constraint of one shape as a query whose rows are its results.

    Rows bind ?this, and ?value and ?path where the result has them; a SPARQL
    constraint's other variables fill its message.
    """

    shape: rdflib.term.Node
    component: rdflib.URIRef
    severity: str
    path: rdflib.term.Node | None
    """The shape's sh:path, the result path unless a row binds ?path."""
    path_text: str | None
    query: str
    messages: tuple[str, ...]
    """The shape's own sh:message texts."""
    constraint_messages: tuple[str, ...] = ()
    """A SPARQL constraint's sh:message texts, filled from each row."""
    value_is_focus: bool = False
    """A node shape's results name the focus node as the value."""


def _is_true(argument: rdflib.term.Node) -> bool:
    """Whether a constraint's argument is the boolean true (`sh:closed true`)."""
    return isinstance(argument, rdflib.Literal) and argument.toPython() is True


class Compiler:
    """Turns a shapes graph into Checks; one instance per shapes graph."""

    def __init__(self, graph: rdflib.Graph) -> None:
        self.g = graph

    # --- shapes and their focus nodes ---------------------------------------------------

    def checks(self) -> list[Check]:
        out: list[Check] = []
        for shape, targets in self._targeted().items():
            if self._deactivated(shape):
                continue
            out.extend(self._shape_checks(shape, targets))
        return out

    def _deactivated(self, shape: rdflib.term.Node) -> bool:
        return any(v.toPython() is True for v in self.g.objects(shape, SH.deactivated) if isinstance(v, rdflib.Literal))

    def _targeted(self) -> dict[rdflib.term.Node, str]:
        """Each shape that has focus nodes, with a SPARQL group that binds ?this to them."""
        shapes: dict[rdflib.term.Node, list[str]] = {}
        for predicate in TARGETS:
            for shape, target in self.g.subject_objects(predicate):
                shapes.setdefault(shape, []).append(self._target(predicate, target))
        for shape in list(shapes):
            if self.g.value(shape, SH.path) is None:  # a node shape's sh:property shapes share its focus nodes
                for member in self.g.objects(shape, SH.property):
                    shapes.setdefault(member, []).extend(shapes[shape])
        for shape in self.g.subjects(RDF.type, SH.NodeShape):
            if (shape, RDF.type, rdflib.OWL.Class) in self.g or (shape, RDF.type, rdflib.RDFS.Class) in self.g:
                raise Unsupported(f"implicit class target on {shape}")
        return {
            shape: "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(sorted(set(groups))) + " } }"
            for shape, groups in shapes.items()
        }

    @staticmethod
    def _target(predicate: rdflib.URIRef, target: rdflib.term.Node) -> str:
        t = sparql_term(target)
        return {
            SH.targetClass: f"{{ ?this a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* {t} }}",
            SH.targetSubjectsOf: f"{{ ?this {t} ?any }}",
            SH.targetObjectsOf: f"{{ ?any {t} ?this }}",
            SH.targetNode: f"{{ BIND({t} AS ?this) }}",
        }[predicate]

    def path_text(self, path: rdflib.term.Node) -> str:
        """A SHACL path as a SPARQL property path."""
        if isinstance(path, rdflib.URIRef):
            return sparql_term(path)
        if (inverse := self.g.value(path, SH.inversePath)) is not None:
            return f"^({self.path_text(inverse)})"
        if (alternatives := self.g.value(path, SH.alternativePath)) is not None:
            return "(" + "|".join(self.path_text(p) for p in Collection(self.g, alternatives)) + ")"
        for modifier, mark in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            if (inner := self.g.value(path, modifier)) is not None:
                return f"({self.path_text(inner)}){mark}"
        if (path, RDF.first, None) in self.g:
            return "(" + "/".join(self.path_text(p) for p in Collection(self.g, path)) + ")"
        raise Unsupported(f"path {path}")

    # --- one shape --------------------------------------------------------------------

    def _shape_checks(self, shape: rdflib.term.Node, targets: str) -> Iterator[Check]:
        path = self.g.value(shape, SH.path)
        path_text = None if path is None else self.path_text(path)
        messages = tuple(sorted(str(m) for m in self.g.objects(shape, SH.message)))
        severity = severity_name(self.g.value(shape, SH.severity) or SH.Violation)
        keys = {p for p in self.g.predicates(shape, unique=True) if isinstance(p, rdflib.URIRef)}
        unknown = {p for p in keys if p not in SHAPE_KEYS and p not in COMPONENTS}
        if unknown:
            raise Unsupported(f"{shape} uses {sorted(unknown)}")
        parameters = sorted(p for p in keys if p in COMPONENTS)
        if parameters and not messages and parameters != [SH.sparql]:
            raise Unsupported(f"{shape} has no sh:message; pyshacl writes its own")
        values = f"{targets} ?this {path_text} ?value ." if path_text else f"{targets} BIND(?this AS ?value)"
        base = functools.partial(
            Check,
            shape=shape,
            severity=severity,
            path=path,
            path_text=path_text,
            messages=messages,
            value_is_focus=path is None,
        )
        for parameter in parameters:
            for argument in self.g.objects(shape, parameter):
                if parameter == SH.sparql:
                    yield self._sparql(base, path_text, argument, targets)
                    continue
                query = self._query(parameter, argument, shape, targets, path_text, values)
                yield base(component=COMPONENTS[parameter], query=query)

    def _query(
        self,
        parameter: rdflib.URIRef,
        argument: rdflib.term.Node,
        shape: rdflib.term.Node,
        targets: str,
        path_text: str | None,
        values: str,
    ) -> str:
        """The SELECT whose rows are the results of one constraint."""
        per_value = "SELECT ?this ?value WHERE {{ {values} FILTER(!COALESCE({test}, false)) }}"
        if parameter in (SH.minCount, SH.maxCount):
            if path_text is None:
                raise Unsupported("sh:minCount or sh:maxCount on a node shape")
            n = int(str(argument))
            if parameter == SH.minCount:
                return (
                    f"SELECT ?this WHERE {{ {targets} OPTIONAL {{ ?this {path_text} ?value }} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) < {n})"
                )
            return (
                f"SELECT ?this WHERE {{ {targets} ?this {path_text} ?value }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?value) > {n})"
            )
        if parameter == SH.hasValue:
            if path_text is None:
                return f"SELECT ?this WHERE {{ {targets} FILTER(!sameTerm(?this, {sparql_term(argument)})) }}"
            return (
                f"SELECT ?this WHERE {{ {targets} FILTER NOT EXISTS {{ ?this {path_text} {sparql_term(argument)} }} }}"
            )
        if parameter == SH.uniqueLang:
            if path_text is None or not _is_true(argument):
                raise Unsupported("sh:uniqueLang other than true on a property shape")
            return (
                f'SELECT ?this WHERE {{ {values} FILTER(LANG(?value) != "") }} '
                f"GROUP BY ?this (LCASE(LANG(?value))) HAVING (COUNT(DISTINCT ?value) > 1)"
            )
        if parameter == SH.lessThanOrEquals:
            if path_text is None:
                raise Unsupported("sh:lessThanOrEquals on a node shape")
            return (
                f"SELECT ?this ?value WHERE {{ {values} ?this {sparql_term(argument)} ?limit . "
                f"FILTER(!COALESCE(!isBlank(?value) && !isBlank(?limit) && ?value <= ?limit, false)) }}"
            )
        if parameter == SH.closed:
            if not _is_true(argument):
                return "SELECT ?this WHERE { FILTER(false) }"
            allowed = {self.g.value(p, SH.path) for p in self.g.objects(shape, SH.property)}
            ignored = self.g.value(shape, SH.ignoredProperties)
            allowed |= set(Collection(self.g, ignored)) if ignored is not None else set()
            listed = ", ".join(sparql_term(p) for p in sorted(p for p in allowed if isinstance(p, rdflib.URIRef)))
            return (
                f"SELECT ?this ?path ?value WHERE {{ {targets} ?this ?path ?value . FILTER(?path NOT IN ({listed})) }}"
            )
        if parameter == SH.pattern:
            flags = self.g.value(shape, SH.flags)
            test = self.pattern(argument, flags)
            return per_value.format(values=values, test=test)
        return per_value.format(values=values, test=self.value_test(parameter, argument))

    @staticmethod
    def pattern(argument: rdflib.term.Node, flags: rdflib.term.Node | None) -> str:
        flag_text = f", {sparql_string(str(flags))}" if flags is not None else ""
        return f"(!isBlank(?value) && REGEX(STR(?value), {sparql_string(str(argument))}{flag_text}))"

    def value_test(self, parameter: rdflib.term.Node, argument: rdflib.term.Node) -> str:
        """A SPARQL expression over ?value that is true when the value passes the constraint."""
        if parameter == SH["class"]:
            return f"EXISTS {{ ?value a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* {sparql_term(argument)} }}"
        if parameter == SH.datatype:
            return self.datatype_test(argument)
        if parameter == SH.nodeKind:
            if argument not in NODE_KINDS:
                raise Unsupported(f"sh:nodeKind {argument}")
            return NODE_KINDS[argument]
        if parameter in (SH.minLength, SH.maxLength):
            n = int(str(argument))
            if parameter == SH.minLength and n == 0:
                return "true"
            compare = ">=" if parameter == SH.minLength else "<="
            return f"(!isBlank(?value) && STRLEN(STR(?value)) {compare} {n})"
        if parameter == SH["in"]:
            members = list(Collection(self.g, argument))
            return (
                "(" + " || ".join(f"sameTerm(?value, {sparql_term(m)})" for m in members) + ")" if members else "false"
            )
        if parameter == SH.minInclusive:
            if not isinstance(argument, rdflib.Literal) or argument.datatype not in NUMERIC:
                raise Unsupported("sh:minInclusive with a value that is not a number")
            return f"(isNumeric(?value) && ?value >= {sparql_term(argument)})"
        if parameter == SH.node:
            return self.conforms(argument)
        if parameter == SH["or"]:
            members = list(Collection(self.g, argument))
            return (
                "(" + " || ".join(f"COALESCE({self.conforms(m)}, false)" for m in members) + ")" if members else "false"
            )
        raise Unsupported(f"{parameter}")

    @staticmethod
    def datatype_test(datatype: rdflib.term.Node) -> str:
        """pyshacl's reading: the literal has exactly that datatype and a well-formed lexical form."""
        test = f"(isLiteral(?value) && sameTerm(DATATYPE(?value), {sparql_term(datatype)})"
        if datatype in NUMERIC:
            test += " && isNumeric(?value)"
        elif datatype in CHECKED_CASTS:
            test += f" && sameTerm(DATATYPE({sparql_term(datatype)}(STR(?value))), {sparql_term(datatype)})"
        return test + ")"

    def conforms(self, shape: rdflib.term.Node) -> str:
        """A SPARQL expression over ?value: true when the value conforms to a (small) nested shape."""
        tests = []
        path = self.g.value(shape, SH.path)
        for parameter, argument in self.g.predicate_objects(shape):
            if parameter in SHAPE_KEYS - {SH.property}:
                continue
            if parameter == SH.property:
                tests.append(self.conforms(argument))
            elif path is not None and parameter == SH.minCount and int(str(argument)) == 1:
                tests.append(f"EXISTS {{ ?value {self.path_text(path)} ?any }}")
            elif path is not None and parameter == SH.hasValue:
                tests.append(f"EXISTS {{ ?value {self.path_text(path)} {sparql_term(argument)} }}")
            elif path is None and parameter in (SH["class"], SH.datatype, SH.nodeKind):
                tests.append(self.value_test(parameter, argument))
            else:
                raise Unsupported(f"{parameter} in a nested shape")
        return "(" + " && ".join(tests) + ")" if tests else "true"

    # --- SHACL-SPARQL ------------------------------------------------------------------

    def _sparql(
        self, base: Callable[..., Check], path_text: str | None, constraint: rdflib.term.Node, targets: str
    ) -> Check:
        select = self.g.value(constraint, SH.select)
        if select is None or self.g.value(constraint, SH.ask) is not None:
            raise Unsupported("a SPARQL constraint without sh:select")
        if self._deactivated(constraint):
            return base(component=SH.SPARQLConstraintComponent, query="SELECT ?this WHERE { FILTER(false) }")
        text = str(select)
        names = set(_VAR.findall(text))
        if {"currentShape", "shapesGraph", "failure"} & names:
            raise Unsupported("a SPARQL constraint using $currentShape, $shapesGraph or ?failure")
        if "$PATH" in text:
            if path_text is None:
                raise Unsupported("$PATH in a node shape's constraint")
            text = text.replace("$PATH", path_text)
        text = re.sub(r"\$(\w+)", r"?\1", text)
        try:
            at = where_brace(text) + 1
        except InputError:
            raise Unsupported("a SPARQL constraint without a WHERE group") from None
        query = sparql_prologue(self.g, constraint) + text[:at] + " " + targets + " " + text[at:]
        messages = tuple(sorted(str(m) for m in self.g.objects(constraint, SH.message)))
        return base(component=SH.SPARQLConstraintComponent, query=query, constraint_messages=messages)


def sparql_prologue(graph: rdflib.Graph, constraint: rdflib.term.Node) -> str:
    """PREFIX lines for the sh:prefixes declarations a SHACL-SPARQL constraint names."""
    lines = []
    for declarer in graph.objects(constraint, SH.prefixes):
        for declaration in graph.objects(declarer, SH.declare):
            prefix = graph.value(declaration, SH.prefix)
            namespace = graph.value(declaration, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(sorted(lines))


def fill_message(message: str, bindings: dict[str, rdflib.term.Node]) -> str:
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


@dataclass(frozen=True)
class Row:
    """One result row of a Check, in rdflib terms."""

    check: Check
    focus: rdflib.term.Node
    value: rdflib.term.Node | None
    path: rdflib.term.Node | None
    message: str


def run(store: ox.Store, checks: list[Check]) -> Iterator[Row]:
    """Every result of every check over the union of the store's graphs."""
    for check in checks:
        found = solutions(store.query(check.query, use_default_graph_as_union=True))
        names = [v.value for v in found.variables]
        for solution in found:
            bound = {n: to_rdflib(t) for n in names if (t := solution[n]) is not None}
            focus = bound["this"]
            value = bound.get("value")
            path = bound.get("path", check.path)
            if check.component == SH.SPARQLConstraintComponent:
                if value is None and check.value_is_focus:
                    value = focus
                fill: dict[str, rdflib.term.Node] = {
                    k: v for k, v in bound.items() if k not in ("this", "path", "value")
                }
                fill.update({k: bound[k] for k in ("this", "path") if k in bound})
                if value is not None:
                    fill["value"] = value
                messages = [fill_message(m, fill) for m in (*check.messages, *check.constraint_messages)]
                message = pick_message(check.messages, messages)
            else:
                message = pick_message(check.messages, list(check.messages))
            yield Row(check, focus, value, path, message)
