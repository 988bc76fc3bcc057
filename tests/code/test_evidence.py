"""The evidence rule: quotes verbatim up to whitespace, numbers present in their quotes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from probkg.checks import evidence
from probkg.cli import main
from probkg.core.errors import EXIT_FAILED_CHECK
from probkg.core.paths import Layout
from probkg.rdf.store import load


def test_normalise_folds_every_kind_of_whitespace() -> None:
    assert evidence.normalise(" a\tb\n\nc\u00a0d  ") == "a b c d"


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        ("manage a total of 2,466 active cases", "2466", True),
        ("manage a total of 12,466 active cases", "2466", False),
        ("the average caseload was 33.28 for a probation officer", "33.28", True),
        ("the average caseload was 33.28 for a probation officer", "3.28", False),
        ("| Score 5/24 |", "5", True),
        ("| Score 5/24 |", "24", True),
        ("just over half (52 per cent) said", "52", True),
        ("152 cases", "52", False),
        ("a standdown rate of 1.25 per cent", "1.25", True),
        ("1,418 full-time equivalent staff", "1418.0", True),
        # Numbers written as words (004: "with a vacancy rate of seven per cent"; "Seventy-two per
        # cent of respondents in our regional survey").
        ("with a vacancy rate of seven per cent.", "7", True),
        ("Seventy-two per cent of respondents", "72", True),
        ("Seventy two per cent of respondents", "72", True),
        ("Seventy-two per cent of respondents", "70", False),
        ("Seventy-two per cent of respondents", "2", False),
        ("seven hundred staff", "7", False),
        ("seven hundred staff", "700", True),
        ("one hundred and five cases", "105", True),
        ("eleven PDUs", "7", False),
        ("seventeen staff", "7", False),
        ("a vacancy rate of seven per cent", "7.5", False),
    ],
)
def test_numbers_are_matched_whole(text: str, value: str, expected: bool) -> None:
    assert evidence.contains_number(text, value) is expected


DOC = """@prefix document: <https://w3id.org/probation-kg/id/document/> .
@prefix pko: <https://w3id.org/probation-kg/ontology#> .
@prefix schema: <https://schema.org/> .
document:t a pko:SourceDocument ; pko:corpusFile "t.txt" .
document:cited a pko:Document .
document:page a pko:SourceDocument ; schema:url <https://example.org/a-public-page> .
"""

FACTS = """@prefix document: <https://w3id.org/probation-kg/id/document/> .
@prefix finding: <https://w3id.org/probation-kg/id/finding/> .
@prefix observation: <https://w3id.org/probation-kg/id/observation/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix pko: <https://w3id.org/probation-kg/ontology#> .
@prefix quote: <https://w3id.org/probation-kg/id/quote/> .
finding:ok a pko:Finding ; pko:hasEvidence quote:ok .
quote:ok a pko:EvidenceQuote ; oa:hasSource document:t ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "The division has five dedicated   Victim Contact Units" ] .
finding:altered a pko:Finding ; pko:hasEvidence quote:altered .
quote:altered a pko:EvidenceQuote ; oa:hasSource document:t ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "The division has six dedicated Victim Contact Units" ] .
finding:bare a pko:Finding .
finding:anchored a pko:Finding ; pko:hasEvidence quote:anchored, quote:misplaced .
quote:anchored a pko:EvidenceQuote ; oa:hasSource document:t ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:prefix "The division has" ; oa:exact "five dedicated" ] .
quote:misplaced a pko:EvidenceQuote ; oa:hasSource document:t ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "five dedicated" ; oa:suffix "probation offices" ] .
finding:invented a pko:Finding ; pko:hasEvidence quote:ok ; pko:statement "In 2019 there were five units."@en .
observation:wrong a pko:Statistic ; pko:value 2467 ; pko:hasEvidence quote:num .
quote:num a pko:EvidenceQuote ; oa:hasSource document:t ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "manage a total of 2,466 active cases" ] .
finding:read-on-a-page a pko:Finding ; pko:hasEvidence quote:cite .
quote:cite a pko:EvidenceQuote ; oa:hasSource document:page .
finding:copied a pko:Finding ; pko:hasEvidence quote:copied .
quote:copied a pko:EvidenceQuote ; oa:hasSource document:page ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "a sentence copied from the page" ] .
finding:nowhere a pko:Finding ; pko:hasEvidence quote:nowhere .
quote:nowhere a pko:EvidenceQuote ; oa:hasSource document:cited .
"""

SOURCE = "The division has five dedicated\nVictim Contact Units which manage a total of 2,466 active cases.\n"


@pytest.fixture()
def tiny_project(tmp_path: Path, lay: Layout) -> tuple[Layout, Path]:
    """A project with the real ontology, one document, and facts good and bad."""
    root = tmp_path / "project"
    shutil.copytree(lay.ontology, root / "ontology")
    (root / "graph" / "sources").mkdir(parents=True)
    (root / "graph" / "sources" / "documents.ttl").write_text(DOC)
    (root / "graph" / "facts.ttl").write_text(FACTS)
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "t.txt").write_text(SOURCE)
    return Layout(root), sources


def test_checker_reports_each_broken_rule(tiny_project: tuple[Layout, Path]) -> None:
    tiny, sources = tiny_project
    failures = {(f.node, f.problem.split(" ")[0]) for f in evidence.check(load(lay=tiny), sources)}
    assert ("quote/altered", "quote") in failures  # one word changed: not verbatim
    assert ("finding/bare", "has") in failures  # no evidence at all
    assert ("quote/misplaced", "oa:suffix") in failures  # the suffix is not what follows the quote
    assert not any(node == "quote/anchored" for node, _ in failures)  # its prefix is what precedes it
    assert ("document/cited", "has") in failures  # a cited document needs a quote; a corpus one does not
    assert not any(node == "document/t" for node, _ in failures)
    assert ("observation/wrong", "pko:value") in failures  # 2467 is not in its quote
    assert ("finding/invented", "the") in failures  # a year the quote does not give
    assert not any(node in ("quote/ok", "finding/ok") for node, _ in failures)
    # A fact read on a public page cites it (a quote node without words) and is accepted unchecked;
    # copying the page's words, or citing a document that is neither in the corpus nor a page, is refused.
    assert not any(node in ("quote/cite", "finding/read-on-a-page") for node, _ in failures)
    assert ("quote/copied", "source") in failures and ("finding/copied", "has") in failures
    assert ("quote/nowhere", "source") in failures and ("finding/nowhere", "has") in failures
    assert ("finding/altered", "has") in failures  # its only quote is broken: neither quoted nor cited


def test_cited_facts_are_counted_apart(tiny_project: tuple[Layout, Path]) -> None:
    tiny, sources = tiny_project
    result = CliRunner().invoke(main, ["--root", str(tiny.root), "check-evidence", "--sources", str(sources)])
    assert "quotes checked" in result.output
    quoted, cited = evidence.counts(load(lay=tiny))
    assert cited == 2  # finding:read-on-a-page and finding:copied both point at the page
    assert quoted == 6  # the quotes with words; the two citations without words are not counted as quotes


def test_cli_exits_1_and_lists_failures(tiny_project: tuple[Layout, Path]) -> None:
    tiny, sources = tiny_project
    result = CliRunner().invoke(main, ["--root", str(tiny.root), "check-evidence", "--sources", str(sources)])
    assert result.exit_code == EXIT_FAILED_CHECK
    assert "quote/altered" in result.output and "graph/facts.ttl" in result.output
