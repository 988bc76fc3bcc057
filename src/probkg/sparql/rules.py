"""Rules that keep saved queries fast and give the same rows on every engine.

Checked over `queries/*.rq` by `tests/code/test_query_rules.py`; each rule comes from a
measurement or a disagreement seen on this project's engines
(`docs/tool-traps.md`, `bench/RESULTS.md`, `tests/code/test_virtuoso.py`):

* `no-exists`: no `EXISTS` / `NOT EXISTS`. They are evaluated once per row
  (correlated), which is quadratic in rdflib and Oxigraph alike; a `MINUS`, or a
  sub-select joined with `MINUS`, returned the same rows hundreds of times faster.
* `parameter-scope`: a parameter must not be used in a `BIND` or `FILTER` inside
  a `UNION` branch, a `MINUS` or a nested group. Parameters reach Oxigraph and
  remote servers as a `VALUES` block joined at the top of the WHERE group, and
  rdflib as initial bindings: in SPARQL's bottom-up evaluation an expression
  inside a nested group does not see the outer `VALUES`, so engines disagree
  (Virtuoso returned 9 rows of 20). Use the parameter in a triple pattern there,
  or in a `FILTER`/`BIND` at the top level (or in an `OPTIONAL`, whose filter
  sees the outer bindings).
* `no-remote`: no `SERVICE`, `FROM`, `FROM NAMED` or `LOAD`. They fetch from the
  network or read files in rdflib, and `FROM` changes which graphs a query sees
  (every engine here queries the union of the named graphs).
* `no-full-scan`: no triple pattern whose subject, predicate and object are all
  variables: it touches every triple of the store, so its cost grows with the
  whole graph, not with the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from probkg.sparql.catalogue import TOKEN as _TOKEN

_PARAM = re.compile(r"[?$]__?[A-Za-z]")
_VAR = re.compile(r"[?$]\w+")


@dataclass(frozen=True)
class Violation:
    rule: str
    query: str
    message: str

    def __str__(self) -> str:
        return f"{self.query}: [{self.rule}] {self.message}"


def _tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text) if not t.startswith("#")]


def check(name: str, text: str) -> list[Violation]:
    """Every rule this query breaks (an empty list when it keeps them all)."""
    tokens = _tokens(text)
    upper = [t.upper() for t in tokens]
    out: list[Violation] = []

    for i, t in enumerate(upper):
        if t == "EXISTS":
            negated = i > 0 and upper[i - 1] == "NOT"
            out.append(
                Violation(
                    "no-exists",
                    name,
                    f"{'NOT ' if negated else ''}EXISTS is evaluated per row "
                    "(quadratic); use MINUS or a sub-select with MINUS",
                )
            )
        if t in ("SERVICE", "LOAD") or (t == "FROM" and i + 1 < len(upper)):
            out.append(Violation("no-remote", name, f"{tokens[i]} reaches outside the store or changes its graphs"))

    # parameter-scope: track the kind of every open group and every open BIND/FILTER.
    kinds: list[str] = []  # "where", "optional", "nested" (union branch, MINUS, plain group, sub-select)
    exprs: list[int] = []  # paren depth at which an open BIND/FILTER expression started
    paren = 0
    for i, t in enumerate(upper):
        if t == "{":
            before = upper[i - 1] if i else ""
            if not kinds:
                kinds.append("where")
            elif before == "OPTIONAL":
                kinds.append("optional")
            elif before in ("GRAPH",) or (i >= 2 and upper[i - 2] == "GRAPH"):
                kinds.append(kinds[-1])
            else:
                kinds.append("nested")
        elif t == "}":
            if kinds:
                kinds.pop()
        elif t == "(":
            if i and upper[i - 1] in ("BIND", "FILTER"):
                exprs.append(paren)
            paren += 1
        elif t == ")":
            paren -= 1
            if exprs and exprs[-1] == paren:
                exprs.pop()
        elif _PARAM.match(tokens[i]) and exprs and kinds and kinds[-1] == "nested":
            out.append(
                Violation(
                    "parameter-scope",
                    name,
                    f"parameter {tokens[i]} is used in a BIND or FILTER "
                    "inside a nested group (UNION branch, MINUS or group); engines disagree there",
                )
            )

    # no-full-scan: a triple pattern of three variables (subject given explicitly).
    for i in range(len(tokens) - 3):
        a, b, c, d = tokens[i : i + 4]
        if (
            (upper[i - 1] if i else "{") in ("{", ".", "}")
            and all(_VAR.fullmatch(x) and not _PARAM.match(x) for x in (a, b, c))
            and d in (".", "}", ";", ",")
        ):
            out.append(Violation("no-full-scan", name, f"the pattern {a} {b} {c} reads every triple in the store"))
    return out
