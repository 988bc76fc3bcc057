"""The fast engine's defects of issue 18, each on the W3C SHACL suite's own test (expected reports from the suite).

Each case here was answered wrongly, refused, or handed to pyshacl before
the fix named beside it; now the fast engine answers it itself and the
answer is the suite's (`tests/w3c/shacl_suite.py` states the rule). The
project's own case (a literal the store rewrites) and the Turtle report's
language tags are checked on small files written here, against what SHACL
and the shapes file themselves say.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pytest

from probkg.checks import fast_shacl, lint, validate
from probkg.core.paths import Layout

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "w3c"))
import shacl_suite  # noqa: E402

logging.getLogger("rdflib").setLevel(logging.CRITICAL)  # the suite's ill-formed literals, on purpose

DEFECTS = {
    # 1. a sh:property nested in a property shape, reached twice
    "property/property-001": "nested property shape",
    "validation-reports/shared": "nested property shape reached through two routes",
    # 2. $this pre-bound in a UNION branch, an inner group, a subquery
    "pre-binding/pre-binding-002": "FILTER on $this in a UNION branch",
    "pre-binding/pre-binding-003": "FILTER on $this in an inner group",
    "pre-binding/pre-binding-005": "bound($this) in an inner group",
    "pre-binding/pre-binding-007": "FILTER on $this in a subquery",
    # 3. forbidden SPARQL refused
    "pre-binding/pre-binding-006": "a subquery that does not return $this",
    "pre-binding/unsupported-sparql-004": "a subquery that does not return $this",
    "pre-binding/unsupported-sparql-005": "BIND ... AS $this",
    # 5. latent defects
    "misc/deactivated-001": "a deactivated node shape's property shapes",
    "property/uniqueLang-002": 'sh:uniqueLang "1"^^xsd:boolean is not true',
    "misc/severity-002": "a severity of the shapes' own",
    "path/path-strange-001": "a path that is both a list and an inverse path",
    # in both engines: implicit node shapes, prefixes through owl:imports, de-duplication, relative IRIs
    "path/path-sequence-001": "a shape with no `a sh:NodeShape`",
    "node/prefixes-001": "sh:declare reached through owl:imports",
    "node/class-003": "two results that differ only in the constraint",
    "property/lessThan-002": "one value against two limits",
    "property/uniqueLang-001": "one result per repeated language",
    "targets/targetNode-001": "relative IRIs in the test file",
}


@pytest.fixture(scope="module")
def cases() -> dict[str, shacl_suite.Case]:
    return {case.name: case for case in shacl_suite.cases() if case.name in DEFECTS}


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_the_fast_engine_answers_the_suite_itself(name: str, cases: dict, tmp_path: Path) -> None:
    for folder in ("ontology", "graph"):
        (tmp_path / folder).mkdir()
    outcome = shacl_suite.run_case(cases[name], "fast", tmp_path)
    assert (outcome.verdict, outcome.native) == ("correct", True), f"{DEFECTS[name]}: {outcome.detail}"


def _project(tmp_path: Path, shapes: str, data: str) -> tuple[Layout, Path, Path]:
    for folder in ("ontology", "graph"):
        (tmp_path / folder).mkdir(exist_ok=True)
    prefixes = (
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        "@prefix ex: <http://example.org/> .\n"
    )
    (tmp_path / "shapes.ttl").write_text(prefixes + shapes, encoding="utf-8")
    (tmp_path / "graph" / "data.ttl").write_text(prefixes + data, encoding="utf-8")
    return Layout(tmp_path), tmp_path / "shapes.ttl", tmp_path / "graph" / "data.ttl"


INTEGER_SHAPE = (
    "ex:S a sh:NodeShape ; sh:targetClass ex:Observation ; sh:property ex:S-value .\n"
    'ex:S-value sh:path ex:value ; sh:datatype xsd:integer ; sh:message "An integer, please."@en .\n'
)


@pytest.mark.parametrize("written", ['"5"^^xsd:int', '"024"^^xsd:nonNegativeInteger', '"20x"^^xsd:integer'])
def test_a_datatype_is_checked_as_the_file_writes_it(written: str, tmp_path: Path) -> None:
    """4. sh:datatype xsd:integer: a value typed xsd:int is not an xsd:integer literal (SHACL 4.1.2), whatever the store keeps."""
    lay, shapes, data = _project(tmp_path, INTEGER_SHAPE, f"ex:o a ex:Observation ; ex:value {written} .\n")
    report = validate.validate(lay, [], shapes_paths=[shapes], timeout=None, engine="fast", qc=False)
    assert [(i.component, i.focus) for i in report.issues] == [
        (str(fast_shacl.SH.DatatypeConstraintComponent), "http://example.org/o")
    ]


def test_the_message_keeps_its_language_tag_in_turtle(tmp_path: Path) -> None:
    """6. The shapes file writes the message as "An integer, please."@en; the Turtle report says the same."""
    lay, shapes, _ = _project(tmp_path, INTEGER_SHAPE, 'ex:o a ex:Observation ; ex:value "five" .\n')
    report = validate.validate(lay, [], shapes_paths=[shapes], timeout=None, engine="fast", qc=False)
    assert report.engine == "fast"
    assert '"An integer, please."@en' in report.render("turtle")


@pytest.mark.parametrize(
    ("bad", "good"),
    [
        ('"20x"^^xsd:gYear', '"2020"^^xsd:gYear'),
        ('"99"^^xsd:gYear', '"2020"^^xsd:gYear'),
        ('"2020-13"^^xsd:gYearMonth', '"2020-12"^^xsd:gYearMonth'),
    ],
)
def test_ill_formed_years_fail_their_datatype(bad: str, good: str, tmp_path: Path) -> None:
    """XSD 1.1: a gYear has at least four digits; a gYearMonth's month runs from 01 to 12."""
    shape = (
        "ex:S a sh:NodeShape ; sh:targetClass ex:Inspection ; sh:property ex:S-date .\n"
        f"ex:S-date sh:path ex:date ; sh:datatype {bad.split('^^')[1]} .\n"
    )
    lay, shapes, _ = _project(tmp_path, shape, f"ex:i a ex:Inspection ; ex:date {bad}, {good} .\n")
    report = validate.validate(lay, [], shapes_paths=[shapes], timeout=None, engine="fast", qc=False)
    assert report.engine == "fast" and [i.value for i in report.issues] == [bad.split('"')[1]]


def test_results_differing_only_in_datatype_stay_two(tmp_path: Path) -> None:
    """sh:in ( "x" ): the plain "5" and "5"^^xsd:int are two values, so two results (the report shows both as 5)."""
    shape = 'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:in ( "x" ) ] .\n'
    lay, shapes, _ = _project(tmp_path, shape, 'ex:a ex:p "5", "5"^^xsd:string, "5"@en .\n')
    report = validate.validate(lay, [], shapes_paths=[shapes], timeout=None, engine="fast", qc=False)
    assert len(report.issues) == 2 and {i.value for i in report.issues} == {"5"}  # "5" is "5"^^xsd:string


def test_lint_warns_of_a_literal_the_store_rewrites(tmp_path: Path) -> None:
    """Oxigraph keeps "024"^^xsd:nonNegativeInteger as "24"^^xsd:integer (its issue 526): the curator is told."""
    lay, _, data = _project(tmp_path, "", 'ex:o ex:value "024"^^xsd:nonNegativeInteger, 24 .\n')
    report = validate.lint_only(lay, [], timeout=None)
    found = [i for i in report.issues if i.check == lint.REWRITTEN_LITERAL]
    assert [(i.severity, i.focus, i.path) for i in found] == [
        ("warning", "http://example.org/o", "http://example.org/value")
    ]
    assert '"24"^^<http://www.w3.org/2001/XMLSchema#integer>' in found[0].message
    assert json.loads(report.json())["counts"]["warning"] >= 1
