"""Every kind of inspection and document can be entered: a fixture of each validates, and a defect in each is caught.

The fixtures in tests/fixtures/kinds/ are written by us with placeholder
evidence (their corpus files do not exist), so they are validated with the
shapes and the reference data of graph/, not checked against source texts.
Each seeded defect is a one-place textual change a curator could make; the
shape meant for it must report it on the fixture's file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from probkg.cli import main
from probkg.core.paths import Layout
from probkg.rdf.store import load
from probkg.sparql.catalogue import catalogue
from probkg.sparql.engines import OxigraphEngine

FIXTURES = Path(__file__).parents[1] / "fixtures" / "kinds"

DEFECTS = {
    "pdu-rated-on-the-regional-framework": (
        "pdu.ttl",
        "pko:standard framework:fixture-pdu-1-1",
        "pko:standard framework:hmip-2025-1-1",
        "Fact-standard-framework",
    ),
    "national-rating-of-a-string": (
        "national.ttl",
        "pko:ratedBody organisation:hm-prison-and-probation-service",
        'pko:ratedBody "HMPPS"',
        "Rating-ratedBody",
    ),
    "crc-ownership-ending-before-it-starts": (
        "crc.ttl",
        'schema:endDate "2030-12-01"^^xsd:date',
        'schema:endDate "2029-12-01"^^xsd:date',
        "DatesInOrderShape",
    ),
    "unrated-inspection-given-a-rating": (
        "quality-and-impact.ttl",
        '    rdfs:label "Fixture quality and impact: good NPS work"@en .\n',
        '    rdfs:label "Fixture quality and impact: good NPS work"@en .\n\n'
        "rating:fixture-2016-quality-and-impact-overall a pko:Rating ; pko:band vocab:band-good ;\n"
        "    pko:hasEvidence quote:fixture-2016-quality-and-impact-1 ;\n"
        "    pko:inspection inspection:fixture-2016-quality-and-impact ; pko:ratedBody organisation:nps-in-gwent ;\n"
        '    pko:standard framework:hmip-2019-overall ; rdfs:label "Fixture: a rating no framework gives"@en .\n',
        "Fact-standard-framework",
    ),
    "framework-without-overall-assessment": (
        "framework.ttl",
        "skos:hasTopConcept framework:fixture-2030-domain-1, framework:fixture-2030-overall ;",
        "skos:hasTopConcept framework:fixture-2030-domain-1 ;",
        "RatingFramework-overall",
    ),
    "domain-without-standards": (
        "framework.ttl",
        "    skos:broader framework:fixture-2030-domain-1 ;\n    skos:closeMatch",
        "    skos:closeMatch",
        "Domain-standards",
    ),
    "close-match-without-judgement": (
        "framework.ttl",
        '    pko:matchJudgement "Both rate the leadership of the inspected body."@en ;\n',
        "",
        "CloseMatchJudgedShape",
    ),
    "rename-with-two-later-names": (
        "rename.ttl",
        "    org:resultingOrganization organisation:fixture-new-name-crc ;",
        "    org:resultingOrganization organisation:fixture-new-name-crc, organisation:fixture-old-name-crc ;",
        "RenameShape",
    ),
    "change-event-without-kind": (
        "rename.ttl",
        "    pko:changeKind vocab:change-rename ;\n",
        "",
        "ChangeEvent-kind",
    ),
    "regional-rating-on-a-standard-of-another-framework": (
        "regional.ttl",
        "pko:standard framework:hmip-2025-overall",
        "pko:standard framework:hmip-2019-overall",
        "Fact-standard-framework",
    ),
    "nps-division-result-on-a-question-of-another-framework": (
        "nps-division.ttl",
        "sosa:observedProperty framework:hmip-2019-3-2-1",
        "sosa:observedProperty framework:hmip-2025-2-6-q1",
        "KeyQuestionResult-question",
    ),
    # (fixture, text to replace, replacement, shape that must report it)
    "statistic-of-no-inspection-without-document": (
        "annual-report.ttl",
        "    pko:statedIn document:fixture-2030-annual-report ;\n",
        "",
        "UnattachedStatistic-document",
    ),
    "population-without-definition": (
        "annual-report.ttl",
        '    skos:definition "The probation delivery units the inspectorate inspected in 2030 (a fixture population)."@en .',
        "    .",
        "Population-definition",
    ),
    "claim-of-no-report-marked-not-in-report": (
        "provider-news.ttl",
        "pko:verdict vocab:verdict-not-checkable",
        "pko:verdict vocab:verdict-not-in-report",
        "CheckedClaimShape",
    ),
    "claim-without-its-document": (
        "provider-news.ttl",
        "    pko:statedIn document:fixture-2030-provider-news ;\n",
        "",
        "Claim-document",
    ),
    "money-without-its-unit": (
        "provider-news.ttl",
        "    pko:unit vocab:unit-million-pounds-sterling ;\n",
        "",
        "Observation-unit",
    ),
    "result-for-a-grade-that-is-not-a-grade": (
        "nps-division.ttl",
        "    pko:unit vocab:unit-percent ;\n",
        "    pko:staffGrade vocab:unit-percent ;\n    pko:unit vocab:unit-percent ;\n",
        "Observation-staffGrade",
    ),
    "disputed-event-given-one-sources-date": (
        "disputed-date.ttl",
        "    pko:changeKind vocab:change-merger ;\n",
        '    pko:changeKind vocab:change-merger ;\n    pko:date "2030-03-01"^^xsd:date ;\n'
        "    pko:datePrecision vocab:precision-month ;\n",
        "DisputedDateShape",
    ),
    "dated-claim-naming-no-event": (
        "disputed-date.ttl",
        '    pko:aboutEvent event:fixture-first-and-second-crc-merged ;\n    pko:date "2031-01-01"',
        '    pko:date "2031-01-01"',
        "DatedClaimShape",
    ),
    "dated-claim-citing-another-document": (
        "disputed-date.ttl",
        "    oa:hasSource document:fixture-2031-merger-page .",
        "    oa:hasSource document:fixture-2030-merger-news .",
        "StatedFact-documentQuoted",
    ),
}


def validate(lay: Layout, path: Path) -> dict:
    done = CliRunner().invoke(
        main, ["--root", str(lay.root), "validate", "--format", "json", "--fail-on", "warning", str(path)]
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("*.ttl")))
def test_each_fixture_validates(lay: Layout, fixture: str) -> None:
    report = validate(lay, FIXTURES / fixture)
    assert [r for r in report["results"] if r["severity"] != "info"] == []


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_each_seeded_defect_is_caught(lay: Layout, tmp_path: Path, defect: str) -> None:
    fixture, old, new, shape = DEFECTS[defect]
    text = (FIXTURES / fixture).read_text(encoding="utf-8")
    assert old in text, f"{defect}: the fixture no longer has the text to change"
    path = tmp_path / fixture
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    report = validate(lay, path)
    assert not report["conforms"]
    assert any(r["shape"].endswith("#" + shape) for r in report["results"]), report["results"]


@pytest.fixture(scope="module")
def with_fixtures(lay: Layout) -> OxigraphEngine:
    return OxigraphEngine(load([*lay.data_files(), *sorted(FIXTURES.glob("*.ttl"))], lay))


def run(engine: OxigraphEngine, lay: Layout, name: str, **params: str) -> list[dict[str, str]]:
    query = catalogue(lay.queries)[name]
    return [{k: v["value"] for k, v in row.items()} for row in engine.run(query.text, query.bind(params)).rows]


def test_a_document_reporting_on_many_inspections_is_queried(lay: Layout, with_fixtures: OxigraphEngine) -> None:
    rows = run(with_fixtures, lay, "document-inspections", document="document:fixture-2030-annual-report")
    assert {r["inspection"].rsplit("/", 1)[1] for r in rows} == {"fixture-2030-first-pdu", "fixture-2030-second-pdu"}
    assert {r["unattachedFacts"] for r in rows} == {"1"}  # the count across the year's inspections


def test_a_claim_about_no_inspection_is_queried(lay: Layout, with_fixtures: OxigraphEngine) -> None:
    rows = run(with_fixtures, lay, "secondary-claims", verdict="not-checkable")
    assert "Fixture news article on a provider's collapse" in {r["source"] for r in rows}


def test_an_inspection_with_only_an_overall_rating_is_in_the_league_table(
    lay: Layout, with_fixtures: OxigraphEngine
) -> None:
    rows = {r["inspection"]: r for r in run(with_fixtures, lay, "league-table")}
    row = rows["Fixture inspection of a probation region (2030)"]
    assert (row["overall"], row["good"], row["inadequate"], row["year"]) == ("Good", "0", "0", "2030")


def test_crc_ratings_are_grouped_by_the_owner_at_the_time(lay: Layout, with_fixtures: OxigraphEngine) -> None:
    rows = run(with_fixtures, lay, "crc-ratings-by-owner")
    assert [(r["owner"], r["crc"], r["band"], r["year"]) for r in rows] == [
        ("Working Links", "CRC in Gwent", "Requires improvement", "2030")
    ]


def test_every_kind_of_body_has_its_latest_rating(lay: Layout, with_fixtures: OxigraphEngine) -> None:
    pdus = {
        r["bodyLabel"]: r.get("band")
        for r in run(with_fixtures, lay, "latest-ratings", kind="pko:ProbationDeliveryUnit")
    }
    assert pdus["Gwent PDU"] == "Requires improvement"  # the fixture PDU inspection's overall rating
    assert pdus["North Wales PDU"] is None  # inspected in annual-report.ttl, but never rated there
