"""`probkg lint`: the ontology and data QC checks, each shown able to fail.

Each check runs on the real ontology plus a small graph written here, so it is
clear what it catches; test_mutations.py shows the same checks catching
defects seeded into the real graph.
"""

from __future__ import annotations

import json

import pytest
import rdflib
from click.testing import CliRunner

from probkg.checks import lint
from probkg.checks.rdflib_data import DataGraph
from probkg.cli import main
from probkg.core.errors import EXIT_FAILED_CHECK, EXIT_OK
from probkg.core.paths import Layout
from support.mutations import Real

PREFIXES = """\
@prefix organisation: <https://w3id.org/probation-kg/id/organisation/> .
@prefix pko: <https://w3id.org/probation-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""


def check(real: Real, turtle: str, ontology: str = "") -> list:
    """The QC issues of the real ontology (plus `ontology`) and one data file holding `turtle`."""
    parts = {name: real.data.parts[name] for name in real.data.ontology_files}
    if ontology:
        name = sorted(real.data.ontology_files)[0]
        parts[name] = rdflib.Graph().parse(data=PREFIXES + ontology, format="turtle") + parts[name]
    parts["graph/test.ttl"] = rdflib.Graph().parse(data=PREFIXES + turtle, format="turtle")
    return lint.check(DataGraph(parts, real.data.ontology_files))


def test_the_real_graph_passes_every_qc_check(real: Real) -> None:
    assert [f"{i.file}: {i.focus}: {i.message}" for i in lint.check(real.data)] == []


def test_a_misspelt_predicate_or_class_is_an_error(real: Real) -> None:
    issues = check(
        real,
        """
        organisation:a a pko:Teem ; rdfs:label "A"@en .
        organisation:b a pko:Team ; pko:hasEvidense organisation:a ; rdfs:labell "B"@en .
    """,
    )
    found = {
        (i.focus.rsplit("/", 1)[1], i.path.rsplit("#", 1)[1], i.value)
        for i in issues
        if i.check == lint.UNDECLARED_TERM
    }
    assert found == {("a", "type", lint.PKO + "Teem"), ("b", "hasEvidense", None), ("b", "labell", None)}
    assert all(
        i.severity == "violation" and i.file == "graph/test.ttl" for i in issues if i.check == lint.UNDECLARED_TERM
    )


def test_a_term_of_ours_without_label_or_definition_is_an_error(real: Real) -> None:
    issues = check(
        real,
        "",
        ontology="""
        pko:Widget a <http://www.w3.org/2002/07/owl#Class> ; rdfs:label "widget"@en .
        pko:gadget a <http://www.w3.org/2002/07/owl#ObjectProperty> .
    """,
    )
    found = sorted(
        (i.focus.rsplit("#", 1)[1], i.path.rsplit("#", 1)[1]) for i in issues if i.check == lint.UNDOCUMENTED_TERM
    )
    assert found == [("Widget", "definition"), ("gadget", "definition"), ("gadget", "label")]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ('rdfs:label "Wales Victim Unit"@en', 'rdfs:label "Wales victim unit"@en'),
        ('rdfs:label "Children\u2019s services"@en', 'skos:prefLabel "children\'s  services"@en'),
        ('skos:altLabel "WVU"@en', 'skos:altLabel "WVU"@en'),
        ('rdfs:label "WVU"@en', 'skos:altLabel "wvu"@en'),
    ],
)
def test_a_name_shared_by_two_entities_is_a_warning_naming_both(real: Real, first: str, second: str) -> None:
    issues = check(
        real,
        f"""
        organisation:one a pko:Team ; {first} .
        organisation:two a pko:Team ; {second} .
    """,
    )
    (shared,) = [i for i in issues if i.check == lint.SHARED_NAME]
    assert shared.severity == "warning" and shared.focus.endswith("/one") and "organisation:two" in shared.message


def test_one_entity_may_repeat_its_own_name(real: Real) -> None:
    issues = check(
        real,
        """
        organisation:one a pko:Team ; rdfs:label "WVU"@en ; skos:altLabel "WVU"@en ; skos:prefLabel "WVU"@en .
    """,
    )
    assert [i for i in issues if i.check == lint.SHARED_NAME] == []


def test_a_reference_to_an_iri_of_ours_described_nowhere_is_an_error(real: Real) -> None:
    issues = check(
        real,
        """
        organisation:one a pko:Team ; rdfs:label "One"@en ;
            pko:concerns organisation:nowhere, <https://example.org/elsewhere> .
    """,
    )
    (dangling,) = [i for i in issues if i.check == lint.DANGLING_REFERENCE]
    assert dangling.value.endswith("/organisation/nowhere") and dangling.path.endswith("#concerns")


def test_a_node_of_ours_without_a_class_is_an_error(real: Real) -> None:
    issues = check(real, 'organisation:one rdfs:label "One"@en .')
    assert [i.focus.rsplit("/", 1)[1] for i in issues if i.check == lint.UNTYPED_NODE] == ["one"]


def test_the_lint_command_reports_and_fails(lay: Layout, tmp_path) -> None:
    path = tmp_path / "typo.ttl"
    path.write_text(PREFIXES + 'organisation:one a pko:Teem ; rdfs:label "One"@en .\n', encoding="utf-8")
    runner = CliRunner()
    bad = runner.invoke(main, ["--root", str(lay.root), "lint", "--format", "json", str(path)])
    assert bad.exit_code == EXIT_FAILED_CHECK
    assert [r["shape"] for r in json.loads(bad.stdout)["results"]] == [lint.UNDECLARED_TERM]
    good = runner.invoke(main, ["--root", str(lay.root), "lint", str(lay.graph / "reference" / "themes.ttl")])
    assert good.exit_code == EXIT_OK, good.stdout


def test_a_note_saying_undated_beside_a_date_is_a_warning(real: Real) -> None:
    issues = check(
        real,
        """
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        organisation:dated a pko:Team ; rdfs:label "Dated"@en ;
            pko:date "2019-01-01"^^xsd:date ;
            pko:editorialNote "Undated in the corpus: the article says only 'earlier this year'."@en .
        organisation:undated a pko:Team ; rdfs:label "Undated"@en ;
            pko:editorialNote "Undated in the corpus."@en .
        organisation:noted a pko:Team ; rdfs:label "Noted"@en ;
            pko:date "2019-01-01"^^xsd:date ; pko:editorialNote "The report dates it."@en .
    """,
    )
    found = [i for i in issues if i.check == lint.CONTRADICTING_NOTE]
    assert [(i.focus.rsplit("/", 1)[1], i.severity) for i in found] == [("dated", "warning")]
