"""Decide whether a SPARQL request may run on the public endpoint, before anything runs.

The endpoint is read-only and must never reach out: no SPARQL Update, no
`SERVICE` (Oxigraph would make the HTTP call), and no `FROM`/`FROM NAMED` or
protocol dataset naming anything but the dataset's own named graphs. The
decision is made on a parse of the request by rdflib's SPARQL parser, never by
pattern matching on the text, and Oxigraph then evaluates exactly the text that
was parsed.

Two parsers only agree if they see the same text, and rdflib and Oxigraph read
two things differently (both found by probing, both would otherwise let a
`SERVICE` past the check):

* rdflib expands `\\uXXXX` escapes everywhere before parsing, as the SPARQL
  grammar says; Oxigraph only inside IRIs and strings. `"\\u0022"` is a one-
  character string to Oxigraph but closes a string for rdflib, so a `SERVICE`
  between two of them was hidden from rdflib in a long string.
* Oxigraph ends a comment at a carriage return, rdflib only at a line feed, so
  `# x\\rSERVICE ...` was a comment to rdflib and a call to Oxigraph.

So escapes are expanded once here (an escape that survives, made by an escaped
backslash, is refused), and rdflib checks a copy of the text in which every CR is
a LF: that copy ends a comment wherever Oxigraph ends it, and CR and LF are the
same white space to both parsers everywhere else. Oxigraph itself gets the text
with its line ends as written, so a CRLF inside a long string stays two
characters (rewriting them for both made `STRLEN` count 3 where it must be 4). The worker processes that run
queries also have no network at all where the OS allows it (`serve/zygote.py`); this
check is the first line, not the only one.

rdflib's parse costs milliseconds, ten times what Oxigraph needs to answer a
lookup, so `quick_check` lets a short text that contains neither "service" nor
"from" skip it; its docstring says why that is sound. A text it passes goes
straight to Oxigraph, and only if Oxigraph's parser rejects it does the worker
run `check_query` after all, so that an update is still refused as one (403) and
a syntax error still carries rdflib's message.

SHACL-SPARQL constraints run on rdflib (pyshacl), whose engine would itself
fetch a `SERVICE` or a `FROM` graph; `refuse_outbound` stops those, by the same
list of constructs (`OUTBOUND`) and the same walk over rdflib's parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from probkg.core.errors import ProbkgError

if TYPE_CHECKING:
    from rdflib.plugins.sparql.sparql import Query

ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# Longest text `quick_check` passes. Oxigraph's parser and evaluator recurse once per
# level of nesting, and a deep enough query overflows the stack and kills the process
# (measured with pyoxigraph 0.5 on an 8 MiB stack: 2,189 nested `{` with nothing else, the
# costliest of the constructs tried at 3.7 KiB of stack a character). rdflib refuses
# such a query first (RecursionError), so only short texts may skip it: 512 characters
# would need 16 KiB of stack a character to overflow.
QUICK_MAX = 512
FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}
OUTBOUND = {
    "ServiceGraphPattern": "SERVICE (a federated query would reach the network)",
    "DatasetClause": "FROM or FROM NAMED (rdflib would load the named graph from the web or a file)",
}
"""The constructs by which a query reaches outside its dataset, by the names rdflib's parser gives them."""


class Refused(ProbkgError):
    """A request the endpoint will not run; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Checked:
    """A query that may run: the text to evaluate, its form and its own dataset clauses."""

    text: str
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    from_graphs: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()

    @property
    def has_dataset(self) -> bool:
        return bool(self.from_graphs or self.from_named)


def normalise(text: str) -> str:
    """The text both parsers will read: escapes expanded once (line ends as written; see `as_rdflib_reads`)."""

    def expand(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise Refused(f"invalid code point escape {match.group(0)!r}")
        return chr(code)

    text = ESCAPE.sub(expand, text)
    if ESCAPE.search(text):
        raise Refused("a \\u escape that spells another \\u escape is not accepted; write the characters directly")
    return text


def as_rdflib_reads(text: str) -> str:
    """The copy of a normalised text that rdflib checks: every CR a LF, so its comments end where Oxigraph's do."""
    return text.replace("\r", "\n")


def quick_check(text: str) -> str | None:
    """The normalised text if it cannot name a service or a dataset, so rdflib need not parse it; else None.

    Why a text that passes is safe to hand to Oxigraph unparsed:

    * Store.query parses only the four query forms: an update (INSERT, LOAD, DROP,
      ...) is a syntax error to it and never runs, and the worker then runs
      `check_query`, which refuses it as an update.
    * A query can reach outside the dataset only through `SERVICE`, or through
      `FROM` / `FROM NAMED`; the protocol's default-graph-uri and named-graph-uri
      are checked by the worker apart from the text (`check_graphs`).
    * Both are keywords: ASCII words, matched regardless of case, with nothing
      allowed inside them (Oxigraph compares them as ASCII, case-insensitively).
      After `normalise` no escape is left that could spell one, and Oxigraph
      reads these very characters, so any spelling of either makes "service" or
      "from" a substring of the case-folded text (case folding turns every ASCII
      letter to lower case, and a few other letters, like the long s, into ASCII
      ones: it can only add matches). The test looks at the whole text, strings,
      IRIs and comments too ("Probation Service", `service:` names), so it can
      only err towards the full parse.
    * Deep nesting, which rdflib refuses and which would overflow Oxigraph's
      stack, needs more characters than QUICK_MAX allows.

    A passed text that Oxigraph accepts but rdflib would not (SPARQL 1.2 syntax)
    is answered: neither of the two ways out can be in it.
    """
    if len(text) > QUICK_MAX:  # normalising never lengthens a text
        return None
    text = normalise(text)
    folded = text.casefold()
    return None if "service" in folded or "from" in folded else text


def _walk(node: object) -> Iterator[object]:
    """Every node of a parse tree or an algebra (CompValues, ParseResults, lists), depth first."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, CompValue):
            stack.extend(item.values())
        elif isinstance(item, (ParseResults, list, tuple)):
            stack.extend(item)


def node_names(tree: object) -> set[str]:
    """The names of every node of rdflib's parse tree or algebra of a query (`ServiceGraphPattern`, `Minus`, ...)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    return {node.name for node in _walk(tree) if isinstance(node, CompValue)}


def outbound(tree: object) -> list[str]:
    """The constructs (keys of `OUTBOUND`) in rdflib's parse tree or algebra of a query that reach out, sorted."""
    return sorted(node_names(tree) & OUTBOUND.keys())


def refuse_outbound(query: Query) -> None:
    """Refuse a prepared rdflib query that reaches out at all: for SHACL-SPARQL, run over data held in rdflib.

    Unlike the endpoint, which may name its own graphs, such a query has no
    dataset to name, so any `FROM` is refused too.
    """
    found = outbound(query.algebra)
    if found:
        raise Refused(f"the query uses {OUTBOUND[found[0]]}", 403)


def first_line(message: object) -> str:
    """A message (or exception) on one line, for an error that must fit one."""
    return " ".join(str(message).split())


def check_query(text: str, allowed_graphs: frozenset[str]) -> Checked:
    """Parse `text` and refuse anything that is not a self-contained read-only query.

    Raises `Refused` with status 400 for a syntax error (the parser's message), 403
    for an update, a SERVICE call, or a dataset clause naming a graph that is not
    one of `allowed_graphs`.
    """
    checked, query = _parse(text)
    if "ServiceGraphPattern" in outbound(query):
        raise Refused("SERVICE is not accepted: this endpoint makes no outbound requests", 403)
    check_graphs([*checked.from_graphs, *checked.from_named], allowed_graphs, "FROM")
    return checked


def read_query(text: str) -> Checked:
    """A trusted query's form and dataset clauses, refusing nothing but what is not a query.

    What `probkg query --allow-network` needs to give Oxigraph the query's own
    dataset: it refuses no SERVICE and no FROM, so it must never serve the endpoint.
    """
    return _parse(text)[0]


def _parse(text: str) -> tuple[Checked, object]:
    """The normalised text parsed by rdflib: what it is, and the parse tree of the query."""
    from rdflib.plugins.sparql import algebra, parser

    text = normalise(text)
    try:
        parsed = parser.parseQuery(as_rdflib_reads(text))
    except RecursionError:
        raise Refused("the query is nested too deeply to parse") from None
    except Exception as exc:  # pyparsing's ParseException and rdflib's own errors
        try:
            parser.parseUpdate(as_rdflib_reads(text))
        except Exception:
            raise Refused(f"syntax error: {first_line(exc)}") from None
        raise Refused("SPARQL Update is not accepted: this endpoint is read-only", 403) from None
    prologue_node, query = parsed[0], parsed[1]
    form = FORMS.get(getattr(query, "name", ""))
    if form is None:
        raise Refused("not a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    defaults: list[str] = []
    named: list[str] = []
    if "datasetClause" in query:
        try:
            prologue = algebra.translatePrologue(prologue_node, None)
            for clause in query["datasetClause"]:
                if "default" in clause:
                    defaults.append(str(prologue.absolutize(clause["default"])))
                else:
                    named.append(str(prologue.absolutize(clause["named"])))
        except Exception as exc:
            raise Refused(f"syntax error: {first_line(exc)}") from None
    return Checked(text, form, tuple(defaults), tuple(named)), query


def check_graphs(iris: list[str], allowed_graphs: frozenset[str], where: str) -> None:
    """Refuse any graph IRI that is not one of the dataset's own named graphs."""
    for iri in iris:
        if iri not in allowed_graphs:
            raise Refused(
                f"{where} <{iri}> is not accepted: only this dataset's own named graphs can be "
                "named (see the service description); nothing is fetched or read from elsewhere",
                403,
            )
