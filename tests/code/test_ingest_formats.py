"""`probkg ingest` on saved web pages, PDF reports and articles about an inspection.

The fixtures in tests/fixtures/ingest/ are written for these tests (every name,
figure and finding in them is invented); expected values are read off the
fixture lines quoted beside each assertion. The corpus articles (000, 001, 002)
are checked against the curated graph with the words of the article and report.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from probkg.cli import main
from probkg.core.errors import EXIT_BAD_INPUT, EXIT_NO_TEXT, EXIT_OK, EXIT_SOME_FAILED
from probkg.core.paths import Layout
from probkg.ingest import GraphContext, draft_graph, ingest, source
from probkg.ingest.boilerplate import boilerplate_lines
from probkg.ingest.draft import _Builder
from probkg.ingest.model import ParsedReport, Quote
from probkg.rdf.store import KnowledgeGraph, load
from probkg.rdf.vocab import ID_BASE
from support.pdf import pdf_from_text, pdf_without_text

FIXTURES = Path(__file__).parents[1] / "fixtures" / "ingest"
HTML = FIXTURES / "northmoor-pdu-2025.html"
TEXT_2019 = FIXTURES / "northmoor-nps-2019.txt"
PRESS = FIXTURES / "northmoor-press-release.txt"


@pytest.fixture(scope="module")
def ctx(kg: KnowledgeGraph) -> GraphContext:
    return GraphContext.from_graph(kg)


def run(lay: Layout, *args: str):
    return CliRunner().invoke(main, ["--root", str(lay.root), "ingest", *args])


def facts(lay: Layout, draft) -> dict[str, set[tuple[str, ...]]]:
    """Ratings, key-question results and recommendations of a draft, by meaning (no IRIs of the draft)."""
    kg = draft_graph(draft, lay)
    return {
        "ratings": {
            (r["s"], r["b"])
            for r in kg.select("SELECT ?s ?b WHERE { ?r a pko:Rating ; pko:standard ?s ; pko:band ?b }")
        },
        "key questions": {
            (r["q"], r["v"])
            for r in kg.select(
                "SELECT ?q ?v WHERE { ?o a pko:KeyQuestionResult ; sosa:observedProperty ?q ; pko:value ?v }"
            )
        },
        "recommendations": {
            (r["n"], r["a"])
            for r in kg.select("SELECT ?n ?a WHERE { ?r a pko:Recommendation ; pko:number ?n ; pko:addressee ?a }")
        },
    }


def checked_and_filled(lay: Layout, out: Path, text: Path, beside: tuple[Path, ...] = ()) -> dict:
    """check-evidence on a written draft, then what its header and warnings ask a curator to fill, then validate.

    The curator's part: a corpus name for the text, each drafted body's parent (here the parent of a
    body of the same class the reference data holds) and the measure of each figure that has none (a
    measure of the reference data, which `validate` reads beside a draft). `beside`: the graph files
    the draft links into (an article's inspection). Returns `probkg validate --format json`'s report.
    """
    sources = out.parent / "sources"
    sources.mkdir()
    for corpus in [*lay.sources.glob("*.txt"), text]:  # the graph's own quotes are checked too
        (sources / corpus.name).write_bytes(corpus.read_bytes())
    checked = CliRunner().invoke(main, ["--root", str(lay.root), "check-evidence", "--sources", str(sources), str(out)])
    assert checked.exit_code == EXIT_OK, checked.output
    reference = load(sorted((lay.graph / "reference").rglob("*.ttl")), lay)
    draft = draft_graph_of(lay, out)
    drafted = draft.select("SELECT ?b ?c WHERE { ?b a ?c ; skos:definition ?d FILTER(STRSTARTS(STR(?d), 'Draft:')) }")
    figures = draft.select("SELECT ?o WHERE { ?o a pko:Statistic FILTER NOT EXISTS { ?o sosa:observedProperty ?m } }")
    filled = out.read_text(encoding="utf-8").replace(f'"{text.name}"', '"901_0123456789abcdef.txt"')
    for row in drafted:
        parent = reference.select(f"SELECT ?p WHERE {{ ?u a <{row['c']}> ; org:subOrganizationOf ?p }} LIMIT 1")
        filled += f"\n<{row['b']}> <http://www.w3.org/ns/org#subOrganizationOf> <{parent[0]['p']}> .\n"
    measure = reference.select("SELECT ?m WHERE { ?m a pko:Measure } ORDER BY ?m LIMIT 1")
    for figure in figures:
        filled += f"<{figure['o']}> <http://www.w3.org/ns/sosa/observedProperty> <{measure[0]['m']}> .\n"
    out.write_text(filled, encoding="utf-8")
    validated = CliRunner().invoke(
        main, ["--root", str(lay.root), "validate", "--format", "json", str(out), *map(str, beside)]
    )
    return json.loads(validated.output)


def draft_graph_of(lay: Layout, path: Path) -> KnowledgeGraph:
    """A written draft loaded beside the ontology."""
    return load([*sorted(lay.ontology.rglob("*.ttl")), path], lay)


# -- saved HTML pages -------------------------------------------------------------------------------------


def test_html_page_is_read_without_the_sites_boilerplate(lay: Layout, tmp_path: Path) -> None:
    out = tmp_path / "northmoor.ttl"
    result = run(lay, str(HTML), "--as", "northmoor-2025", "-o", str(out))
    assert result.exit_code == EXIT_OK, result.output
    # The fixture's ratings table: "Overall rating | Requires improvement" and eight standard rows;
    # two key-question rows (41%, 38%); two bullets under "The Probation Service should:"; "Score 10/24".
    counts = dict(re.findall(r"^  ([a-z -]+?)\s+(\d+)$", result.output, re.MULTILINE))
    assert (counts["ratings"], counts["key-question results"], counts["recommendations"]) == ("9", "2", "2")
    assert counts["score"] == "1"
    # The bullets under "Strengths" (one) and "Areas for improvement:" (two), and in the running text
    # "Leaders had built strong and effective links ..." (praise) and "Too many people waited weeks ..." (concern).
    assert (counts["strengths"], counts["areas for improvement"]) == ("1", "2")
    assert (counts["strengths in running text"], counts["areas for improvement in running text"]) == ("1", "1")
    # The page's skip link, cookie banner, licence notice and the archive's address are not names to link.
    for noise in ("Skip to content", "Information Policy Team", "National Archives", "TW9", "Kew", "cookies"):
        assert noise not in result.output
    saved = tmp_path / "northmoor-pdu-2025.html.txt"  # the text the quotes come from, saved beside the draft
    text = saved.read_text(encoding="utf-8")
    assert text.lstrip().startswith("An inspection of probation services in Northmoor PDU")  # skip link blanked
    for noise in ("Skip to content", "Information Policy Team", "TW9 4DU", "Open Government Licence", "Accept all"):
        assert noise not in text
    # The body is in no graph file: drafted, typed from "PDU" in the title, and flagged.
    assert "drafted organisation:northmoor-pdu (pko:ProbationDeliveryUnit)" in result.output
    # Once the curator fills the placeholders the shapes require (the PDU's parent, a corpus name for the
    # saved text, as the draft's header asks), it validates.
    report = checked_and_filled(lay, out, saved)
    assert report["counts"]["violation"] == 0, report


def test_boilerplate_rules_are_about_kinds_of_line() -> None:
    lines = [
        "Skip to main content",  # navigation
        "An inspection of probation services",  # kept
        "We use cookies to understand how the site is used.",  # cookie banner
        "Share on email",  # sharing
        "Work to keep people safe was good, and licence conditions were enforced.",  # kept: a finding
        "You may re-use this information under the terms of the Open Government Licence.",  # licence
        "Records Office",  # an address block's lines around its postcode
        "Anytown AB1 2CD",
    ]
    assert boilerplate_lines(lines) == {0, 2, 3, 5, 6, 7}


# -- PDF reports ------------------------------------------------------------------------------------------


def test_a_pdf_gives_the_facts_of_the_text_it_was_built_from(lay: Layout, ctx: GraphContext, tmp_path: Path) -> None:
    pdf = pdf_from_text(TEXT_2019.read_text(encoding="utf-8"), tmp_path / "northmoor.pdf")
    from_text = ingest(TEXT_2019, "northmoor-text", lay, ctx=ctx)
    from_pdf = ingest(pdf, "northmoor-pdf", lay, ctx=ctx)
    assert from_pdf.report.kind == "pdf"
    mine, theirs = facts(lay, from_pdf), facts(lay, from_text)
    assert mine == theirs
    # "Overall rating" / "Good" plus the ten standard rows 1.1 to 3.2; "2.4<TAB>Reviewing<TAB>Outstanding".
    assert len(mine["ratings"]) == 11
    assert (f"{ID_BASE}framework/hmip-2019-2-4", f"{ID_BASE}vocab/band-outstanding") in mine["ratings"]
    # Annex 2: "2.1.1. ... 81%", "2.2.1. ... 77%", "2.4.1. ... 90%"; three numbered recommendations.
    assert {v for _, v in mine["key questions"]} == {"81", "77", "90"}
    assert {n for n, _ in mine["recommendations"]} == {"1", "2", "3"}


@pytest.mark.parametrize("as_pdf", [False, True])
def test_a_2019_draft_validates_once_its_placeholders_are_filled(lay: Layout, tmp_path: Path, as_pdf: bool) -> None:
    source_file = (
        pdf_from_text(TEXT_2019.read_text(encoding="utf-8"), tmp_path / "northmoor.pdf") if as_pdf else TEXT_2019
    )
    out = tmp_path / "drafts" / "northmoor.ttl"
    out.parent.mkdir()
    result = run(lay, str(source_file), "--as", "northmoor-2019", "-o", str(out))
    assert result.exit_code == EXIT_OK, result.output
    # "Service: NPS Northmoor": a division the graph lacks, drafted and flagged.
    assert "drafted organisation:nps-northmoor (pko:Division)" in result.output
    text = out.parent / "northmoor.pdf.txt" if as_pdf else TEXT_2019
    report = checked_and_filled(lay, out, text)
    assert report["counts"]["violation"] == 0, report


def test_a_pdf_without_a_text_layer_is_refused(lay: Layout, tmp_path: Path) -> None:
    path = pdf_without_text(tmp_path / "scan.pdf")
    out = tmp_path / "scan.ttl"
    result = run(lay, str(path), "--as", "scan", "-o", str(out))
    assert result.exit_code == EXIT_NO_TEXT, result.output
    assert "no text layer" in result.output and "OCR" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scan.pdf"]


def test_a_damaged_pdf_is_bad_input(lay: Layout, tmp_path: Path) -> None:
    path = tmp_path / "cut.pdf"
    whole = pdf_from_text(TEXT_2019.read_text(encoding="utf-8"), tmp_path / "whole.pdf").read_bytes()
    path.write_bytes(whole[: len(whole) // 3])
    result = run(lay, str(path), "--as", "cut", "-o", str(tmp_path / "cut.ttl"))
    assert result.exit_code in (EXIT_BAD_INPUT, EXIT_NO_TEXT), result.output
    assert result.output.startswith("error: ") and not (tmp_path / "cut.ttl").exists()


# -- report kinds and bodies -------------------------------------------------------------------------------


def test_a_framework_the_graph_lacks_names_the_codes_seen(lay: Layout, tmp_path: Path) -> None:
    text = TEXT_2019.read_text(encoding="utf-8").replace(
        "3.1\tCourt reports and case allocation\tGood", "3.1\tUnpaid work\tGood"
    )
    report = tmp_path / "crc.txt"
    report.write_text(text, encoding="utf-8")
    result = run(lay, str(report), "--as", "crc", "-o", str(tmp_path / "crc.ttl"))
    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert "no framework in graph/" in result.output and "3.1 'Unpaid work'" in result.output
    assert "graph/reference/frameworks.ttl" in result.output and "truncated" not in result.output


def test_a_framework_is_found_from_the_graphs_data_alone(lay: Layout, tmp_path: Path) -> None:
    """A framework added to the graph (here a test file beside graph/) is found by its codes and names, no code."""
    standards = {
        "1.1": "Leadership",
        "1.2": "Staff",
        "1.3": "Services",
        "1.4": "Information and facilities",
        "2.1": "Assessment",
        "2.2": "Planning",
        "2.3": "Implementation and delivery",
        "2.4": "Reviewing",
        "3.1": "Unpaid work",
        "3.2": "Statutory victim work",
    }
    lines = [
        "@prefix pko: <https://w3id.org/probation-kg/ontology#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        f"@prefix framework: <{ID_BASE}framework/> .",
        'framework:test-unpaid a pko:RatingFramework ; rdfs:label "A framework written for the test"@en .',
        "framework:test-unpaid-overall a pko:OverallAssessment ; skos:inScheme framework:test-unpaid ;",
        '    rdfs:label "overall rating"@en .',
    ]
    for code, name in standards.items():
        lines.append(
            f"framework:test-unpaid-{code.replace('.', '-')} a pko:Standard ; skos:inScheme framework:test-unpaid ;"
        )
        lines.append(f'    rdfs:label "{name}"@en ; skos:notation "{code}" .')
    extra = tmp_path / "test-framework.ttl"
    extra.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ctx = GraphContext.from_graph(load([*lay.data_files(), extra], lay))
    # The fixture's table with "3.1<TAB>Unpaid work<TAB>Good" in place of court reports: only the new framework fits.
    report = tmp_path / "unpaid.txt"
    report.write_text(
        TEXT_2019.read_text(encoding="utf-8").replace(
            "3.1\tCourt reports and case allocation\tGood", "3.1\tUnpaid work\tGood"
        ),
        encoding="utf-8",
    )
    kg = draft_graph(ingest(report, "unpaid", lay, ctx=ctx), lay)
    used = kg.select("SELECT ?f WHERE { ?i a pko:Inspection ; pko:usesFramework ?f }")
    assert [r["f"] for r in used] == [f"{ID_BASE}framework/test-unpaid"]
    rated = kg.select("SELECT ?s WHERE { ?r a pko:Rating ; pko:standard ?s }")
    assert f"{ID_BASE}framework/test-unpaid-3-1" in {r["s"] for r in rated} and len(rated) == 11


def test_a_crc_report_is_rated_against_the_crc_framework(lay: Layout, ctx: GraphContext, tmp_path: Path) -> None:
    """graph/reference/frameworks-crc.ttl: the CRC form of 2018-2020 rates 4.1 "Unpaid work" and 4.2 "Through the Gate"."""
    text = TEXT_2019.read_text(encoding="utf-8").replace("Service: NPS Northmoor", "Service: Northmoor CRC")
    text = text.replace(
        "3. NPS-specific work\n3.1\tCourt reports and case allocation\tGood\n3.2\tStatutory victim work\tGood",
        "4. Unpaid work and Through the Gate\n4.1\tUnpaid work\tGood\n4.2\tThrough the Gate\tRequires improvement",
    )
    report = tmp_path / "northmoor-crc.txt"
    report.write_text(text, encoding="utf-8")
    draft = ingest(report, "northmoor-crc", lay, ctx=ctx)
    kg = draft_graph(draft, lay)
    used = kg.select("SELECT ?f WHERE { ?i a pko:Inspection ; pko:usesFramework ?f }")
    assert [r["f"] for r in used] == [f"{ID_BASE}framework/hmip-2019-crc"]
    bands = {
        r["s"]: r["b"] for r in kg.select("SELECT ?s ?b WHERE { ?r a pko:Rating ; pko:standard ?s ; pko:band ?b }")
    }
    assert bands[f"{ID_BASE}framework/hmip-2019-crc-4-2"] == f"{ID_BASE}vocab/band-requires-improvement"
    assert len(bands) == 11  # the overall rating and the ten standards of the table
    # "Service: Northmoor CRC": a CRC the graph lacks, drafted as one.
    assert any("(pko:CommunityRehabilitationCompany)" in w for w in draft.warnings)


def _body_of(ctx: GraphContext, title: str) -> tuple[str, list[str]]:
    parsed = ParsedReport(layout="test", framework="hmip-2025", body=title, body_quote=Quote(title, 1))
    builder = _Builder(source.ReportText(Path("t.txt"), title), parsed, "t", ctx)
    return builder.body(), builder.warnings


def test_a_pdu_title_resolves_to_its_body(ctx: GraphContext) -> None:
    # The example title: "Cardiff and the Vale PDU" is the PDU's altLabel in graph/.
    body, warnings = _body_of(ctx, "probation services in Cardiff and the Vale PDU")
    assert body == f"{ID_BASE}organisation/cardiff-and-the-vale-of-glamorgan-pdu" and not warnings
    # A PDU named by the leading words of its name only ("Swansea Neath Port Talbot PDU" in graph/).
    body, warnings = _body_of(ctx, "probation services in Swansea Neath PDU")
    assert body == f"{ID_BASE}organisation/swansea-neath-port-talbot-pdu"
    assert "add 'Swansea Neath PDU' as its skos:altLabel" in warnings[-1]


# -- articles ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "corpus_file", ["000_566a97b06d88bcad.txt", "001_7c520cd12679e250.txt", "002_96b587899a4ca5e3.txt"]
)
def test_corpus_articles_ingest(lay: Layout, tmp_path: Path, corpus_file: str) -> None:
    out = tmp_path / "article.ttl"
    result = run(lay, str(lay.sources / corpus_file), "--as", "article", "-o", str(out))
    assert result.exit_code == EXIT_OK, result.output
    assert re.search(r"^  inspections linked\s+1$", result.output, re.MULTILINE)
    # Its quotes check; beside the graph's inspections it links into, it validates once each figure has its
    # measure.
    beside = (*sorted((lay.graph / "inspections").glob("*.ttl")), *sorted((lay.graph / "sources").glob("*.ttl")))
    report = checked_and_filled(lay, out, lay.sources / corpus_file, beside)
    assert report["counts"]["violation"] == 0, report


def test_blog_claims_get_verdicts_against_the_report(lay: Layout, ctx: GraphContext) -> None:
    draft = ingest(lay.sources / "000_566a97b06d88bcad.txt", "blog", lay, ctx=ctx)
    kg = draft_graph(draft, lay)
    rows = kg.select(
        "SELECT ?v ?e ?x WHERE { ?c a pko:Claim ; pko:verdict ?v ; pko:hasEvidence/oa:hasSelector/oa:exact ?x "
        "OPTIONAL { ?c pko:echoes ?e } }"
    )
    by_quote = {r["x"]: r for r in rows}
    # The blog: "Inspectors assessed NPS Wales as ‘Good’ overall, the second-highest rating."
    # The report (003): "Overall rating" then "Good".
    overall = by_quote["Inspectors assessed NPS Wales as ‘Good’ overall, the second-highest rating."]
    assert overall["v"] == f"{ID_BASE}vocab/verdict-corroborated"
    assert overall["e"] == f"{ID_BASE}rating/2019-nps-wales-overall"
    # It reports on the graph's inspection, and names the report as its primary source.
    doc = kg.select("SELECT ?i ?k ?d WHERE { ?d pko:reportsOn ?i ; pko:documentKind ?k ; dcterms:issued ?t }")
    assert {(r["i"], r["k"]) for r in doc} == {(f"{ID_BASE}inspection/2019-nps-wales", f"{ID_BASE}vocab/blog-post")}


def test_claims_about_a_report_outside_the_corpus_cannot_be_checked(lay: Layout, ctx: GraphContext) -> None:
    # 002 retells the 2017 Gwent report, which graph/sources/documents.ttl lists with no corpus file.
    draft = ingest(lay.sources / "002_96b587899a4ca5e3.txt", "gwent-blog", lay, ctx=ctx)
    assert draft.counts["claims"] == draft.counts["claims cannot be checked"] > 0
    assert "inspection:2017-gwent" in draft.turtle


def test_a_press_release_about_an_inspection_the_graph_lacks(lay: Layout, ctx: GraphContext) -> None:
    draft = ingest(PRESS, "northmoor-press", lay, ctx=ctx)
    kg = draft_graph(draft, lay)
    # "Press release: ..." and "Notes to editors"; "published today (2 May 2025)".
    kinds = kg.select("SELECT ?k ?t WHERE { ?d pko:documentKind ?k ; dcterms:issued ?t }")
    assert [(r["k"], r["t"]) for r in kinds] == [(f"{ID_BASE}vocab/press-release", "2025-05-02")]
    assert draft.counts["inspections drafted"] == 1
    # "The unit supervises 1,240 people, and 41% of assessments ...": two figures.
    values = {r["v"] for r in kg.select("SELECT ?v WHERE { ?o a pko:Statistic ; pko:value ?v }")}
    assert values == {"1240", "41"}


def test_an_article_draft_validates_once_its_placeholders_are_filled(lay: Layout, tmp_path: Path) -> None:
    out = tmp_path / "northmoor-press.ttl"
    result = run(lay, str(PRESS), "--as", "northmoor-press", "-o", str(out))
    assert result.exit_code == EXIT_OK, result.output
    # "rated probation services in Northmoor PDU": a body the graph lacks, drafted as its name says and flagged.
    assert "drafted organisation:northmoor-pdu (pko:ProbationDeliveryUnit)" in result.output
    inspected = draft_graph_of(lay, out).select("SELECT ?b WHERE { ?i a pko:Inspection ; pko:inspectedBody ?b }")
    assert [r["b"] for r in inspected] == [f"{ID_BASE}organisation/northmoor-pdu"]
    report = checked_and_filled(lay, out, PRESS)
    assert report["counts"]["violation"] == 0, report


PRESS_2020 = FIXTURES / "northmoor-press-release-2020.txt"


def test_an_articles_date_decides_what_its_names_link_to(lay: Layout, ctx: GraphContext, tmp_path: Path) -> None:
    """graph/ dates the Probation Service from unification on 26 June 2021 (event:probation-services-unified-2021).

    The fixture, "Published 3 March 2020", names "the probation service in Northmoor": in 2020 that is
    not the Probation Service of 2021. The same text published in 2022 names it.
    """

    def linked(path: Path) -> set[str]:
        kg = draft_graph(ingest(path, "dated", lay, ctx=ctx), lay)
        return {r["e"] for r in kg.select("SELECT ?e WHERE { ?c a pko:Claim ; pko:concerns ?e }")}

    later = tmp_path / "northmoor-press-release-2022.txt"
    later.write_text(PRESS_2020.read_text(encoding="utf-8").replace("2020", "2022"), encoding="utf-8")
    service = f"{ID_BASE}organisation/probation-service"
    assert service not in linked(PRESS_2020)
    assert service in linked(later)


def test_a_reports_publication_date_is_drafted_where_it_states_one(lay: Layout, ctx: GraphContext) -> None:
    def issued(path: Path) -> list[tuple[str, str]]:
        kg = draft_graph(ingest(path, "published", lay, ctx=ctx), lay)
        rows = kg.select(
            "SELECT ?t ?p WHERE { ?d pko:documentKind vocab:inspection-report ; dcterms:issued ?t ; "
            "pko:issuedPrecision ?p }"
        )
        return [(r["t"], r["p"].rsplit("/", 1)[-1]) for r in rows]

    # 003's front matter: "© Crown copyright 2019" (a year; the day is in the blog post, 000).
    assert issued(lay.sources / "003_696e1b8b1646501d.txt") == [("2019-01-01", "precision-year")]
    # 004, as saved, prints no date of publication.
    assert issued(lay.sources / "004_7a4ad4ab751c8ea9.txt") == []
    # The fixture page's stamp: "Published:" and then "14 July 2025".
    assert issued(HTML) == [("2025-07-14", "precision-day")]


# -- a folder at once --------------------------------------------------------------------------------------


def test_a_folder_is_drafted_file_by_file_past_a_bad_one(lay: Layout, tmp_path: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    out.mkdir()
    for path in (HTML, PRESS, lay.sources / "003_696e1b8b1646501d.txt"):
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    result = CliRunner().invoke(main, ["--root", str(lay.root), "ingest", str(folder), "-o", str(out)])
    assert result.exit_code == EXIT_SOME_FAILED, result.output
    assert "[1/4] 003_696e1b8b1646501d.txt: drafted (hmip-2019-text" in result.output
    assert "[2/4] broken.pdf: failed (exit 2)" in result.output
    assert "4 files, 3 drafted, 1 failed" in result.output
    rows = {line.split()[0]: line.split()[1] for line in result.output.splitlines() if line.startswith(("0", "n"))}
    assert rows["northmoor-press-release.txt"] == "article-text"
    assert rows["northmoor-pdu-2025.html"] == "hmip-2025-web-text"
    assert sorted(p.name for p in out.iterdir()) == [
        "003-696e1b8b1646501d.ttl",
        "northmoor-pdu-2025.html.txt",  # the page's text, which the draft's quotes are checked against
        "northmoor-pdu-2025.ttl",
        "northmoor-press-release.ttl",
    ]
    # A folder where every file drafts exits 0.
    (folder / "broken.pdf").unlink()
    result = CliRunner().invoke(main, ["--root", str(lay.root), "ingest", str(folder), "--dry-run"])
    assert result.exit_code == EXIT_OK, result.output


def test_json_output_for_one_file(lay: Layout, tmp_path: Path) -> None:
    out = tmp_path / "northmoor.ttl"
    result = CliRunner().invoke(
        main, ["--root", str(lay.root), "ingest", str(HTML), "--as", "northmoor", "-o", str(out), "--format", "json"]
    )
    assert result.exit_code == EXIT_OK, result.output
    report = json.loads(result.stdout)
    # The fixture's ratings table: the overall rating and eight standards; its two recommendations.
    assert (report["layout"], report["counts"]["ratings"], report["counts"]["recommendations"]) == (
        "hmip-2025-web-text",
        9,
        2,
    )
    assert report["written"] == str(out) and report["text"] == str(tmp_path / "northmoor-pdu-2025.html.txt")
    assert all(set(item) == {"kind", "name", "count"} for item in report["not_linked"])
    assert any("drafted organisation:northmoor-pdu" in w for w in report["warnings"])
    # --compare adds the table as rows of numbers; 003's ratings are the curated ones ("Overall rating" Good
    # and ten standards).
    result = CliRunner().invoke(
        main,
        ["--root", str(lay.root), "ingest", str(lay.sources / "003_696e1b8b1646501d.txt"), "--as", "x"]
        + ["--dry-run", "--compare", "--format", "json"],
    )
    report = json.loads(result.stdout)
    assert report["written"] is None
    rows = {row["kind"]: row for row in report["comparison"]["rows"]}
    assert (rows["ratings"]["draft"], rows["ratings"]["precision"], rows["ratings"]["recall"]) == (11, 1.0, 1.0)


def test_json_output_for_a_folder(lay: Layout, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / PRESS.name).write_bytes(PRESS.read_bytes())
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    result = CliRunner().invoke(main, ["--root", str(lay.root), "ingest", str(folder), "--dry-run", "--format", "json"])
    assert result.exit_code == EXIT_SOME_FAILED
    report = json.loads(result.stdout)
    assert (report["drafted"], report["failed"]) == (1, 1)
    files = {f["file"]: f for f in report["files"]}
    assert files["broken.pdf"]["exit_code"] == EXIT_BAD_INPUT and files["broken.pdf"]["kind"] is None
    assert files[PRESS.name]["kind"] == "article-text" and files[PRESS.name]["error"] is None


# -- findings of the running text --------------------------------------------------------------------------


def test_running_text_findings_against_the_curated_ones(lay: Layout, kg: KnowledgeGraph, ctx: GraphContext) -> None:
    """The issue's target, recall at least 0.6 at precision at least 0.9, on both reports of the corpus."""
    from probkg.ingest.compare import compare

    def findings(corpus_file: str):
        path = lay.sources / corpus_file
        draft = ingest(path, "running", lay, ctx=ctx)
        result = compare(draft_graph(draft, lay), f"{ID_BASE}inspection/running", kg, source.read(path), "running")
        return result.row("findings")

    row = findings("004_7a4ad4ab751c8ea9.txt")
    assert row.precision >= 0.9 and row.recall >= 0.6, row
    row = findings("003_696e1b8b1646501d.txt")
    assert row.precision >= 0.9 and row.recall >= 0.6, row


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Word senses: the verb of offending, "about", "most important", a group of people, a verb of contact.
        ("Nearly a third of the people supervised had committed violent offences.", (0, 0)),
        ("Staff were committed to their work with people on probation.", (1, 0)),
        ("Managers met monthly to settle questions concerning the estate.", (0, 0)),
        ("The state of the waiting rooms was particularly concerning.", (0, 1)),
        ("Plans named the needs of each person and dealt with the most critical first.", (0, 0)),
        ("Sentencers were critical of the reports sent to court.", (0, 1)),
        ("The team ran groups for minority ethnic women in two towns.", (0, 0)),
        ("A minority of plans set out how risks to children would be managed.", (0, 1)),
        ("Officers spent the first week engaging with local partners.", (0, 0)),
        # A condition, "as well as", and a problem that is the object of a remedy judge nothing.
        ("Where appropriate, officers shared the plan with the police.", (0, 0)),
        ("The team visits homes as well as offices across the county.", (0, 0)),
        ("Leaders set up a scheme to fill vacancies across the county.", (0, 0)),
        # What should have happened is a concern.
        ("In a few cases the police could have been told sooner.", (0, 1)),
    ],
)
def test_words_judge_by_their_grammar(sentence: str, expected: tuple[int, int]) -> None:
    """Each sentence is written for the test; the expected counts are the rules of ingest/polarity.py's docstring."""
    from probkg.ingest.polarity import scores

    assert scores(sentence) == expected


def test_where_a_sentence_sits_tells_judgement_from_description() -> None:
    """A chapter written for the test: each expectation is the rule of running_text.py's docstring it shows."""
    from probkg.ingest.model import Rating
    from probkg.ingest.running_text import findings

    lines = [
        "Summary",
        "The division runs four offices and a central team. Its case records were accessible to every officer.",
        "1. Delivery",
        "The division runs four offices and a central team. Each office keeps a register accessible to all staff.",
        "The division runs four offices and a central team. We found the registers were kept well in each office.",
        "The division runs four offices and a central team. The registers of the offices were poor.",
        "Leaders were effective and visible to staff. Staff in every office said that morale was good.",
        "The division will open a fifth office next year, which leaders see as a good step.",
        "However, some plans were poor and did not name the risks to children.",
        "Although the offices were busy, supervision of the officers was insufficient.",
        "Reports were thorough, but some were sent to court late.",
        "1.4. Facilities",
        "Good",
        "Premises are safe, accessible and appropriate for all who use them.",
        "Interview rooms were appropriate and were kept in good order.",
    ]
    out = ParsedReport("test", "test", ratings=[Rating("1.4", "Facilities", "band-good", [])])
    found = [(f.polarity, f.text) for f in findings(lines, out, set())]
    assert found == [
        # A summary judges throughout: its one-word later sentence stays.
        ("strength", "Its case records were accessible to every officer."),
        # A paragraph that opens by describing: its one-word later sentence goes, unless the inspectors say it ...
        ("strength", "We found the registers were kept well in each office."),
        # ... or its one word is a verdict in itself.
        ("area-for-improvement", "The registers of the offices were poor."),
        # A paragraph that opens with a judgement goes on judging.
        ("strength", "Leaders were effective and visible to staff."),
        ("strength", "Staff in every office said that morale was good."),
        # The plan goes; a linking "However," and a conceded "Although ..." leave one judgement; "but" joins two.
        ("area-for-improvement", "However, some plans were poor and did not name the risks to children."),
        ("area-for-improvement", "Although the offices were busy, supervision of the officers was insufficient."),
        # The line after a standard's heading and its band is the framework's wording of the standard.
        ("strength", "Interview rooms were appropriate and were kept in good order."),
    ]
