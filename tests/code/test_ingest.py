"""`probkg ingest`: report text to draft graph data, checked against the curated graph.

Expected values come from the two reports of the corpus; each is cited with the
words of the report that give it. Drafts are written only to pytest's tmp dirs.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from probkg.cli import main
from probkg.core.errors import (
    EXIT_BAD_INPUT,
    EXIT_FAILED_CHECK,
    EXIT_LIMIT,
    EXIT_NO_TEXT,
    EXIT_OK,
    EXIT_OUTPUT_EXISTS,
    EXIT_SOME_FAILED,
    EXIT_UNKNOWN_LAYOUT,
)
from probkg.core.paths import Layout
from probkg.ingest import GraphContext, draft_graph, ingest, source, write
from probkg.ingest.compare import compare
from probkg.ingest.gazetteer import Entity, Gazetteer
from probkg.rdf.store import KnowledgeGraph
from probkg.rdf.vocab import ID_BASE

R2019 = "003_696e1b8b1646501d.txt"
R2025 = "004_7a4ad4ab751c8ea9.txt"


def iri(kind: str, slug: str) -> str:
    return f"{ID_BASE}{kind}/{slug}"


@pytest.fixture(scope="module")
def ctx(kg: KnowledgeGraph) -> GraphContext:
    return GraphContext.from_graph(kg)


def run(lay: Layout, *args: str):
    return CliRunner().invoke(main, ["--root", str(lay.root), "ingest", *args])


def draft_rows(lay: Layout, turtle_draft, sparql: str) -> list[dict[str, str]]:
    return draft_graph(turtle_draft, lay).select(sparql)


# -- 003 and 004 reproduce the curated ratings, key-question results and recommendations ----------


@pytest.mark.parametrize(
    ("corpus_file", "inspection", "curated", "counts"),
    [
        # 2019: "Overall rating Good" plus "We inspect against ten standards." (1.1 to 3.2);
        # Annex 2 prints 18 key questions (2.1.1 ... 3.2.4);
        # "As a result of our inspection findings we have made nine recommendations".
        (R2019, "draft-2019", "2019-nps-wales", {"ratings": 11, "key-question results": 18, "recommendations": 9}),
        # 2025: "| Overall rating | Requires improvement |" plus eight standards (R 1.1 ... R 2.6);
        # key-question tables of 4 + 4 + 1 + 4 + 1 + 3 rows; six "- " bullets after
        # "The Probation Service in Wales should:"; "| Fieldwork started July 2025 | Score 5/24 |".
        (
            R2025,
            "draft-2025",
            "2025-wales-region",
            {"ratings": 9, "key-question results": 17, "recommendations": 6, "score": 1},
        ),
    ],
)
def test_ingest_reproduces_the_curated_results_exactly(
    lay: Layout,
    kg: KnowledgeGraph,
    ctx: GraphContext,
    corpus_file: str,
    inspection: str,
    curated: str,
    counts: dict[str, int],
) -> None:
    path = lay.sources / corpus_file
    draft = ingest(path, inspection, lay, ctx=ctx)
    result = compare(draft_graph(draft, lay), iri("inspection", inspection), kg, source.read(path), inspection)
    assert result.curated_inspection == iri("inspection", curated)
    for kind, expected in counts.items():
        row = result.row(kind)
        assert (row.extracted, row.curated, row.correct, row.found) == (expected,) * 4, (kind, result.differences)
        assert row.precision == row.recall == 1.0
    assert not [d for d in result.differences if not d.startswith(("finding",))]


def test_2019_facts(lay: Layout, ctx: GraphContext) -> None:
    draft = ingest(lay.sources / R2019, "draft-2019", lay, ctx=ctx)
    ratings = {
        r["std"].rsplit("/", 1)[1]: r["band"].rsplit("/", 1)[1]
        for r in draft_rows(
            lay,
            draft,
            """
        SELECT ?std ?band WHERE { ?r a pko:Rating ; pko:standard ?std ; pko:band ?band }""",
        )
    }
    # "Overall rating\n\nGood", "1.2\tStaff\tRequires improvement", "2.4\tReviewing\tOutstanding"
    assert ratings["hmip-2019-overall"] == "band-good"
    assert ratings["hmip-2019-1-2"] == "band-requires-improvement"
    assert ratings["hmip-2019-2-4"] == "band-outstanding"
    kqs = {
        r["kq"].rsplit("/", 1)[1]: int(r["v"])
        for r in draft_rows(
            lay,
            draft,
            """
        SELECT ?kq ?v WHERE { ?o a pko:KeyQuestionResult ; sosa:observedProperty ?kq ; pko:value ?v }""",
        )
    }
    # "2.1.1.\tDoes assessment focus sufficiently on engaging the service user?\t78%"
    # "3.2.4.\tIs there good communication between offender management and victim liaison ...?\t80%"
    assert kqs["hmip-2019-2-1-1"] == 78 and kqs["hmip-2019-3-2-4"] == 80
    recs = {
        int(r["n"]): r["a"].rsplit("/", 1)[1]
        for r in draft_rows(
            lay,
            draft,
            """
        SELECT ?n ?a WHERE { ?r a pko:Recommendation ; pko:number ?n ; pko:addressee ?a }""",
        )
    }
    # "NPS in Wales should:" 1-7; "Her Majesty's Prison and Probation Service (HMPPS) should: 8. recruit ...";
    # "The Ministry of Justice should: 9. ensure that the process for reviewing work orders ..."
    assert recs == {
        **{n: "nps-in-wales" for n in range(1, 8)},
        8: "hm-prison-and-probation-service",
        9: "ministry-of-justice",
    }
    inspection = draft_rows(
        lay,
        draft,
        """
        SELECT ?body ?start ?precision ?lead ?chief WHERE { ?i a pko:Inspection ; pko:inspectedBody ?body ;
            schema:startDate ?start ; pko:startDatePrecision ?precision ;
            pko:leadInspector ?lead ; pko:chiefInspector ?chief }""",
    )[0]
    # "Service: NPS in Wales", "Fieldwork started: November 2018",
    # "This inspection was led by HM Inspector Yvette Howson", "Dame Glenys Stacey / Chief Inspector of Probation"
    assert inspection["body"] == iri("organisation", "nps-in-wales")
    assert (inspection["start"], inspection["precision"]) == ("2018-11-01", iri("vocab", "precision-month"))
    assert inspection["lead"] == iri("person", "yvette-howson")
    assert inspection["chief"] == iri("person", "dame-glenys-stacey")
    # Three lists of strengths (6 + 6 + 2 bullets) and three of areas for improvement (3 + 4 + 3).
    assert draft.counts["strengths"] == 14 and draft.counts["areas for improvement"] == 10
    # An unknown acronym is one no label of the graph has.
    assert not {name for kind, name in draft.candidates if kind == "acronym"} & ctx.gazetteer.acronyms


def test_2025_facts(lay: Layout, ctx: GraphContext) -> None:
    draft = ingest(lay.sources / R2025, "draft-2025", lay, ctx=ctx)
    inspection = draft_rows(
        lay,
        draft,
        """
        SELECT ?body ?start ?end ?lead ?chief WHERE { ?i a pko:Inspection ; pko:inspectedBody ?body ;
            schema:startDate ?start ; schema:endDate ?end ; pko:leadInspector ?lead ; pko:chiefInspector ?chief }""",
    )[0]
    # "An inspection of Probation Services – Wales region";
    # "We conducted fieldwork in each PDU across Wales between 28 July 2025 and 26 September 2025."
    assert inspection["body"] == iri("organisation", "probation-service-in-wales")
    assert (inspection["start"], inspection["end"]) == ("2025-07-28", "2025-09-26")
    assert inspection["lead"] == iri("person", "keith-mcinnis")  # "led by HM Inspector Keith McInnis"
    # "Martin Jones CBE / HM Chief Inspector of Probation"
    assert inspection["chief"] == iri("person", "martin-jones-cbe")
    score = draft_rows(
        lay,
        draft,
        """SELECT ?v ?d WHERE { ?o sosa:observedProperty measure:inspection-score ;
                                                            pko:value ?v ; pko:denominator ?d }""",
    )
    assert [(int(s["v"]), int(s["d"])) for s in score] == [(5, 24)]  # "| Score 5/24 |"
    kqs = {
        r["kq"].rsplit("/", 1)[1]: int(r["v"])
        for r in draft_rows(
            lay,
            draft,
            """
        SELECT ?kq ?v WHERE { ?o a pko:KeyQuestionResult ; sosa:observedProperty ?kq ; pko:value ?v }""",
        )
    }
    # "| Does assessment focus sufficiently on keeping other people safe? | 35% |" (first row under R2.1)
    # "| Is resettlement timely, personalised, and coordinated, ...? | 53% |" (the one row under R2.5)
    assert kqs["hmip-2025-2-1-q1"] == 35 and kqs["hmip-2025-2-5-q1"] == 53 and kqs["hmip-2025-2-6-q3"] == 81
    recs = draft_rows(lay, draft, "SELECT ?r ?a WHERE { ?r a pko:Recommendation ; pko:addressee ?a }")
    # "The Probation Service in Wales should:" then six unnumbered bullets.
    assert {r["a"] for r in recs} == {iri("organisation", "probation-service-in-wales")} and len(recs) == 6
    standards = {
        r["f"].rsplit("/", 1)[1]: r["s"].rsplit("/", 1)[1]
        for r in draft_rows(
            lay,
            draft,
            """
        SELECT ?f ?s WHERE { ?f a pko:Finding ; pko:standard ?s }""",
        )
    }
    # The first bullet under "| R 1.1. Leadership | Rating |" ... "Strengths" sits under standard 1.1.
    assert standards["draft-2025-ingest-001"] == "hmip-2025-1-1"


def test_written_draft_passes_check_evidence_and_validate(lay: Layout, tmp_path: Path) -> None:
    outputs = []
    for corpus_file, inspection in ((R2019, "draft-2019"), (R2025, "draft-2025")):
        out = tmp_path / f"{inspection}.ttl"
        result = run(lay, str(lay.sources / corpus_file), "--as", inspection, "-o", str(out))
        assert result.exit_code == EXIT_OK, result.output
        assert "wrote" in result.output and out.is_file()
        outputs.append(str(out))
    result = CliRunner().invoke(
        main, ["--root", str(lay.root), "check-evidence", "--sources", str(lay.sources), *outputs]
    )
    assert result.exit_code == EXIT_OK, result.output
    result = CliRunner().invoke(main, ["--root", str(lay.root), "validate", "--format", "json", *outputs])
    assert result.exit_code == EXIT_OK, result.output
    report = json.loads(result.output)
    assert report["conforms"] and report["counts"]["violation"] == 0 and report["counts"]["info"] == 0
    # The only warnings: drafts whose words name no theme (a curator picks one).
    assert {r["shape"].rsplit("#", 1)[1] for r in report["results"]} <= {"ThemedFact-theme"}


def test_compare_prints_precision_and_recall(lay: Layout) -> None:
    result = run(lay, str(lay.sources / R2019), "--as", "draft-2019", "--dry-run", "--compare", "--markdown")
    assert result.exit_code == EXIT_OK, result.output
    assert "| ratings | 11 | 11 | 11 | 11 | 1.00 | 1.00 |" in result.output
    assert "| findings |" in result.output and "| entity links |" in result.output
    assert "wrote" not in result.output


def test_docs_table_agrees_with_the_command(lay: Layout) -> None:
    """docs/ingest.md holds the command's table; the exact rows and the findings row are the same there."""
    docs = (lay.root / "docs" / "ingest.md").read_text(encoding="utf-8")
    for corpus_file, inspection in ((R2019, "draft-2019"), (R2025, "draft-2025")):
        result = run(lay, str(lay.sources / corpus_file), "--as", inspection, "--dry-run", "--compare", "--markdown")
        for line in result.output.splitlines():
            if re.match(r"\| (ratings|key-question results|recommendations|score|findings) \|", line):
                assert line in docs, line
    # The articles' claim rows too (000, 001, 002).
    for corpus_file in ("000_566a97b06d88bcad.txt", "001_7c520cd12679e250.txt", "002_96b587899a4ca5e3.txt"):
        result = run(
            lay, str(lay.sources / corpus_file), "--as", "draft-article", "--dry-run", "--compare", "--markdown"
        )
        rows = [line for line in result.output.splitlines() if line.startswith("| claim")]
        assert rows and all(row in docs for row in rows), rows


# -- writing ---------------------------------------------------------------------------------------------


def test_never_overwrites_without_force(lay: Layout, tmp_path: Path) -> None:
    out = tmp_path / "draft.ttl"
    out.write_text("a curator's edits\n", encoding="utf-8")
    result = run(lay, str(lay.sources / R2025), "--as", "draft-2025", "-o", str(out))
    assert result.exit_code == EXIT_OUTPUT_EXISTS
    assert "already exists" in result.output and "--force" in result.output
    assert out.read_text(encoding="utf-8") == "a curator's edits\n"
    result = run(lay, str(lay.sources / R2025), "--as", "draft-2025", "-o", str(out), "--force")
    assert result.exit_code == EXIT_OK, result.output
    assert "inspection:draft-2025" in out.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draft.ttl"]  # no temporary file left behind


def test_a_failed_write_leaves_the_old_file(
    lay: Layout, ctx: GraphContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "draft.ttl"
    out.write_text("old\n", encoding="utf-8")
    draft = ingest(lay.sources / R2025, "draft-2025", lay, ctx=ctx)

    def broken(self: Path, *args: object, **kwargs: object) -> int:
        Path.write_bytes(self, b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(Path, "write_text", broken)
    with pytest.raises(OSError):
        write(draft, out, force=True)
    monkeypatch.undo()
    assert out.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["draft.ttl"]


def test_inspection_id_must_be_a_slug(lay: Layout, tmp_path: Path) -> None:
    result = run(lay, str(lay.sources / R2025), "--as", "Wales Region!", "-o", str(tmp_path / "x.ttl"))
    assert result.exit_code == EXIT_BAD_INPUT and "not an inspection slug" in result.output
    assert not (tmp_path / "x.ttl").exists()


# -- bad input: a clear error, a documented exit code, nothing written --------------------------------------


def _lines(lay: Layout, corpus_file: str) -> list[str]:
    return (lay.sources / corpus_file).read_text(encoding="utf-8").split("\n")


def _without(lines: list[str], predicate) -> str:
    return "\n".join(line for line in lines if not predicate(line.strip()))


def bad_inputs(lay: Layout) -> dict[str, tuple[bytes, int, str]]:
    r2019, r2025 = _lines(lay, R2019), _lines(lay, R2025)
    ratings_2019 = re.compile(r"(Overall rating|Good|\d\.\d\t.*)$")
    start = r2025.index("Ratings (Back to top)")
    end = r2025.index("Executive summary (Back to top)")
    older_layout = (
        "Quality & Impact inspection\nProbation work in Anytown\n\nSummary\nImpact\n"
        "Assessment and sentence planning: 71%\nDelivery of interventions: 68%\n\n"
        "Recommendations\n1. Anytown should improve assessments.\n"
    )
    return {
        "empty": (b"", EXIT_BAD_INPUT, "the file is empty"),
        "blank": (b" \n\t\n\n", EXIT_BAD_INPUT, "only whitespace"),
        "binary": (bytes(range(256)) * 8, EXIT_BAD_INPUT, "binary data"),
        "not utf-8": ("Rapport d'inspection: évaluation".encode("latin-1") * 40, EXIT_BAD_INPUT, "not UTF-8"),
        # A PDF header and a catalogue, but no cross-reference table and no pages.
        "damaged pdf": (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
            EXIT_BAD_INPUT,
            "PDF",
        ),
        "word document": (
            b"PK\x03\x04\x14\x00\x06\x00" + b"[Content_Types].xml" + bytes(64),
            EXIT_BAD_INPUT,
            "zip archive",
        ),
        # A saved web page that is no report: read as HTML, then in no layout.
        "html page of another kind": (
            (
                b"<!DOCTYPE html>\n<html><head><title>Opening hours</title></head><body><nav><a href='/'>Home</a>"
                b"</nav><main><h1>Opening hours</h1><p>The office opens at nine.</p><ul><li>Monday</li>"
                b"<li>Friday</li></ul></main></body></html>\n"
            ),
            EXIT_UNKNOWN_LAYOUT,
            "not a report in a layout",
        ),
        # A plain text that is neither a report nor an article about an inspection.
        "recipe": (
            b"Lentil soup\n\nRinse the lentils. Fry an onion, add the lentils and stock, and simmer.\n",
            EXIT_UNKNOWN_LAYOUT,
            "not a report in a layout",
        ),
        "older layout": (older_layout.encode(), EXIT_UNKNOWN_LAYOUT, "not a report in a layout"),
        # 003 without its ratings table ("Overall rating", "Good", "1.1\tLeadership\tGood" ...).
        "2019 without ratings": (_without(r2019, ratings_2019.fullmatch).encode(), EXIT_BAD_INPUT, "no ratings table"),
        # 004 without "Ratings (Back to top)" and its rows.
        "2025 without ratings": ("\n".join(r2025[:start] + r2025[end:]).encode(), EXIT_BAD_INPUT, "no ratings table"),
        # 003 cut in half: no Recommendations' end, no Annex 2.
        "2019 truncated": ("\n".join(r2019[: len(r2019) // 2]).encode(), EXIT_BAD_INPUT, "truncated"),
        # 004 cut before its Recommendations.
        "2025 truncated": (
            "\n".join(r2025[: r2025.index("Recommendations (Back to top)")]).encode(),
            EXIT_BAD_INPUT,
            "truncated",
        ),
        # 004 cut inside its ratings table, after "| R 2.2 Desistance | Inadequate |".
        "2025 cut in the ratings table": ("\n".join(r2025[:20]).encode(), EXIT_BAD_INPUT, "truncated"),
        # 004 with one row of its ratings table lost: "| R 2.3 Court work | Inadequate |".
        "2025 ratings row missing": (
            _without(r2025, lambda line: line == "| R 2.3 Court work | Inadequate |").encode(),
            EXIT_BAD_INPUT,
            "rates 7 of the 8 standards",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "empty",
        "blank",
        "binary",
        "not utf-8",
        "damaged pdf",
        "word document",
        "html page of another kind",
        "recipe",
        "older layout",
        "2019 without ratings",
        "2025 without ratings",
        "2019 truncated",
        "2025 truncated",
        "2025 cut in the ratings table",
        "2025 ratings row missing",
    ],
)
def test_bad_input_is_refused_and_nothing_written(lay: Layout, tmp_path: Path, case: str) -> None:
    data, code, message = bad_inputs(lay)[case]
    report = tmp_path / "report.txt"
    report.write_bytes(data)
    out = tmp_path / "draft.ttl"
    result = run(lay, str(report), "--as", "draft", "-o", str(out))
    assert result.exit_code == code, result.output
    assert message in result.output
    assert result.output.startswith("error: ") and str(report) in result.output
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]


def test_file_over_the_size_limit(lay: Layout, tmp_path: Path) -> None:
    report = tmp_path / "huge.txt"
    with report.open("wb") as handle:  # sparse: 4 MiB + 1 byte on disk costs nothing
        handle.truncate(source.MAX_BYTES + 1)
    out = tmp_path / "draft.ttl"
    result = run(lay, str(report), "--as", "draft", "-o", str(out))
    assert result.exit_code == EXIT_LIMIT and "over the limit" in result.output
    # A real report over a smaller limit is refused the same way.
    result = run(lay, str(lay.sources / R2019), "--as", "draft", "-o", str(out), "--max-bytes", "50000")
    assert result.exit_code == EXIT_LIMIT and "over the limit of 50,000 bytes" in result.output
    assert not out.exists()


def test_missing_file_and_folder(lay: Layout, tmp_path: Path) -> None:
    for path in (tmp_path / "nothing.txt", tmp_path):
        result = run(lay, str(path), "--as", "draft", "-o", str(tmp_path / "draft.ttl"))
        assert result.exit_code == EXIT_BAD_INPUT
    assert not (tmp_path / "draft.ttl").exists()


def test_exit_codes_are_distinct_and_documented(lay: Layout) -> None:
    codes = [
        EXIT_OK,
        EXIT_FAILED_CHECK,
        EXIT_BAD_INPUT,
        EXIT_LIMIT,
        EXIT_UNKNOWN_LAYOUT,
        EXIT_OUTPUT_EXISTS,
        EXIT_NO_TEXT,
        EXIT_SOME_FAILED,
    ]
    assert len(set(codes)) == len(codes)
    for doc in (lay.root / "docs" / "ingest.md", lay.root / "README.md"):
        text = doc.read_text(encoding="utf-8")
        for code in codes:
            assert re.search(rf"^\| {code} \|", text, re.MULTILINE), (doc.name, code)


# -- the gazetteer -------------------------------------------------------------------------------------------


def test_longest_match_first(ctx: GraphContext) -> None:
    g = ctx.gazetteer
    # "The Probation Service in Wales should:" (004): the whole name, not "the Probation Service" + "Wales".
    linked, _ = g.link("The Probation Service in Wales should:")
    assert linked == [iri("organisation", "probation-service-in-wales")]
    # "Her Majesty's Prison and Probation Service (HMPPS) should:" (003): one body, named twice.
    linked, _ = g.link("Her Majesty's Prison and Probation Service (HMPPS) should:")
    assert linked == [iri("organisation", "hm-prison-and-probation-service")]
    # "NPS in Wales" wins over "NPS" and "Wales".
    assert g.link("NPS in Wales should:")[0] == [iri("organisation", "nps-in-wales")]


def test_acronyms_match_case_sensitively(ctx: GraphContext) -> None:
    g = ctx.gazetteer
    # "too often probation information was not shared on ViSOR." (003)
    assert g.link("information was not shared on ViSOR.")[0] == [iri("system", "visor")]
    assert g.link("information was not shared on visor.")[0] == []
    assert g.link("information was not shared on VISOR.")[0] == []
    # Ordinary words of a name match in any case: "children’s services" with a curly apostrophe.
    assert iri("organisation", "childrens-services-in-wales") in g.link("both the police and children’s services")[0]


def test_ambiguous_names_are_reported_not_guessed() -> None:
    a, b = iri("organisation", "a-board"), iri("organisation", "b-board")
    g = Gazetteer(
        [(a, "Safety Board"), (b, "Safety Board"), (a, "ASB")],
        {a: Entity(a, "A board", True, False), b: Entity(b, "B board", True, False)},
    )
    linked, ambiguous = g.link("The Safety Board met the ASB.")
    assert linked == [a]
    assert [m.text for m in ambiguous] == ["Safety Board"] and set(ambiguous[0].entities) == {a, b}


def test_candidates_are_unknown_acronyms_and_names(ctx: GraphContext) -> None:
    found = ctx.gazetteer.candidates("The Quality Circle met the XYZQ panel and HMPPS in Wales.")
    assert ("acronym", "XYZQ") in found and ("name", "Quality Circle") in found
    assert not any(name in ("HMPPS", "HMPPS in Wales") for _, name in found)


def test_draft_statements_are_not_the_reports_words(lay: Layout, ctx: GraphContext) -> None:
    draft = ingest(lay.sources / R2019, "draft-2019", lay, ctx=ctx)
    text = " ".join((lay.sources / R2019).read_text(encoding="utf-8").split())
    for row in draft_rows(lay, draft, "SELECT ?s WHERE { ?x pko:statement ?s }"):
        assert row["s"].startswith("Draft: ") and row["s"] not in text
        assert not re.search(r"\d", row["s"]) or "score" in row["s"]


def test_default_output_is_the_id_in_the_current_folder(
    lay: Layout, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default output is INSPECTION-ID.ttl in the current folder (here a tmp dir)."""
    monkeypatch.chdir(tmp_path)
    result = run(lay, str(lay.sources / R2025), "--as", "draft-2025")
    assert result.exit_code == EXIT_OK, result.output
    assert (tmp_path / "draft-2025.ttl").is_file()
    assert os.listdir(tmp_path) == ["draft-2025.ttl"]


def test_an_id_the_graph_already_has_is_flagged(lay: Layout, ctx: GraphContext) -> None:
    draft = ingest(lay.sources / R2025, "2025-wales-region", lay, ctx=ctx)
    assert any("already in graph/" in w for w in draft.warnings)
