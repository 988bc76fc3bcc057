"""Every saved query keeps the rules that keep queries fast and engines in agreement.

The rules and the measurements behind them are in `probkg.query_rules`. A saved
query that breaks one is listed in KNOWN with the reason; it is reported (strict
xfail) rather than rewritten here, so fixing it makes the entry fail until removed.
"""

from __future__ import annotations

import pytest

from probkg.core.paths import layout
from probkg.sparql.rules import check

SAVED = sorted(layout().queries.glob("*.rq"))

KNOWN: dict[tuple[str, str], str] = {}


def _cases():
    for path in SAVED:
        for rule in ("no-exists", "parameter-scope", "no-remote", "no-full-scan"):
            marks = (
                [pytest.mark.xfail(reason=KNOWN[(path.stem, rule)], strict=True)] if (path.stem, rule) in KNOWN else []
            )
            yield pytest.param(path, rule, marks=marks, id=f"{path.stem}-{rule}")


@pytest.mark.parametrize(("path", "rule"), list(_cases()))
def test_saved_query_keeps_the_rule(path, rule) -> None:
    broken = [str(v) for v in check(path.stem, path.read_text(encoding="utf-8")) if v.rule == rule]
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("SELECT ?s WHERE { ?s a ?c . FILTER NOT EXISTS { ?s ?p ?c } }", "no-exists"),
        ("SELECT ?s WHERE { ?s a ?c . FILTER(EXISTS { ?s <p> ?c }) }", "no-exists"),
        ("SELECT ?s WHERE { { BIND(?_x_iri AS ?s) } UNION { ?s <p> ?_x_iri } }", "parameter-scope"),
        ("SELECT ?s WHERE { ?s <p> ?o MINUS { ?s <q> ?v FILTER(?v > ?_n_integer) } }", "parameter-scope"),
        ("SELECT ?s FROM <http://example.org/g> WHERE { ?s <p> ?o }", "no-remote"),
        ("SELECT ?s WHERE { SERVICE <http://example.org/sparql> { ?s <p> ?o } }", "no-remote"),
        ("SELECT ?s WHERE { ?s ?p ?o }", "no-full-scan"),
    ],
)
def test_the_checker_catches_each_rule(text: str, rule: str) -> None:
    assert rule in {v.rule for v in check("example", text)}


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?s WHERE { ?s <p> ?o . FILTER(?o > ?_n_integer) OPTIONAL { ?s <q> ?v FILTER(?v = ?_n_integer) } }",
        "SELECT ?s WHERE { ?s <p> ?o MINUS { ?s <q> ?o } }",
        "SELECT ?s WHERE { ?s ?p ?_x_iri }",
        'SELECT ?s WHERE { ?s <p> "NOT EXISTS { ?a ?b ?c }" }  # FROM <x>',
    ],
)
def test_the_checker_accepts_what_is_allowed(text: str) -> None:
    assert check("example", text) == []
