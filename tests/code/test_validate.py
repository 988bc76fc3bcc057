"""`probkg validate`: output formats, exit codes, broken shapes, limits and hostile input.

The canary tests run a small HTTP server on 127.0.0.1 that records every
request; a hostile file or shapes file that made rdflib, pyshacl or Oxigraph
fetch anything would show up there.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner, Result
from rdflib.namespace import RDF, SH

from probkg.checks.report import JSON_FORMAT
from probkg.cli import main
from probkg.core.errors import EXIT_BAD_INPUT, EXIT_FAILED_CHECK, EXIT_LIMIT, EXIT_OK, InputError, LimitError
from probkg.core.paths import Layout
from probkg.rdf import inputs
from probkg.rdf.store import load as load_graph
from support.probkg_run import probkg

PREFIXES = """\
@prefix document: <https://w3id.org/probation-kg/id/document/> .
@prefix finding: <https://w3id.org/probation-kg/id/finding/> .
@prefix inspection: <https://w3id.org/probation-kg/id/inspection/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix organisation: <https://w3id.org/probation-kg/id/organisation/> .
@prefix pko: <https://w3id.org/probation-kg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix quote: <https://w3id.org/probation-kg/id/quote/> .
@prefix recommendation: <https://w3id.org/probation-kg/id/recommendation/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix theme: <https://w3id.org/probation-kg/id/theme/> .
@prefix vocab: <https://w3id.org/probation-kg/id/vocab/> .
"""

INSPECTION = (
    PREFIXES
    + """
inspection:2030-example
    a pko:Inspection ;
    pko:hasEvidence quote:inspection-2030-example-1 ;
    pko:inspectedBody organisation:nps-in-wales ;
    prov:wasAssociatedWith organisation:hm-inspectorate-of-probation ;
    rdfs:label "An example inspection for the tests (2030)"@en .

document:hmip-2030-example
    a pko:SourceDocument ;
    pko:corpusFile "999_0123456789abcdef.txt" ;
    pko:documentKind vocab:inspection-report ;
    pko:reportsOn inspection:2030-example ;
    rdfs:label "An example inspection report for the tests"@en .

quote:inspection-2030-example-1
    a pko:EvidenceQuote ;
    oa:hasSelector [
        a oa:TextQuoteSelector ;
        oa:exact "An inspection of probation services"
    ] ;
    oa:hasSource document:hmip-2030-example .
"""
)
"""A self-contained inspection, so that the files below can be validated alone (with the reference data)."""

INVALID = (
    INSPECTION
    + """
finding:2030-example-001
    a pko:Finding ;
    pko:concerns organisation:nps-in-wales ;
    pko:inspection inspection:2030-example ;
    pko:polarity vocab:band-good ;
    pko:statement "Curators typed a band where a polarity belongs, and gave no quote."@en ;
    pko:theme theme:workloads ;
    rdfs:label "A finding with the wrong polarity"@en .

recommendation:2030-example-001
    a pko:Recommendation ;
    pko:addressee "NPS in Wales" ;
    pko:hasEvidence quote:recommendation-2030-example-001-1 ;
    pko:inspection inspection:2030-example ;
    pko:statement "Addressed to a string instead of the body."@en ;
    pko:theme theme:workloads ;
    rdfs:label "A recommendation addressed to a string"@en .

quote:recommendation-2030-example-001-1
    a pko:EvidenceQuote ;
    oa:hasSelector [
        a oa:TextQuoteSelector ;
        oa:exact "NPS in Wales should:"
    ] ;
    oa:hasSource document:hmip-2030-example .
"""
)

WARNING_ONLY = (
    INSPECTION
    + """
finding:2030-example-002
    a pko:Finding ;
    pko:concerns organisation:nps-in-wales ;
    pko:hasEvidence quote:inspection-2030-example-1 ;
    pko:inspection inspection:2030-example ;
    pko:polarity vocab:strength ;
    pko:statement "A finding complete but for its theme."@en ;
    rdfs:label "A finding with no theme"@en .
"""
)


def run(lay: Layout, *args: str) -> Result:
    """The CLI in this process (fast); the child-process runs are in test_mutations.py and below."""
    return CliRunner().invoke(main, ["--root", str(lay.root), *args], catch_exceptions=False)


@pytest.fixture()
def invalid(tmp_path: Path) -> Path:
    path = tmp_path / "invalid.ttl"
    path.write_text(INVALID, encoding="utf-8")
    return path


# The real graph and the three formats


def test_the_real_graph_conforms(lay: Layout) -> None:
    done = probkg(lay.root, "validate")
    assert done.code == EXIT_OK, done.stdout[-3000:] + done.stderr


def test_text_output_groups_by_shape_and_names_label_iri_file_path_value_message(lay: Layout, invalid: Path) -> None:
    result = run(lay, "validate", str(invalid))
    assert result.exit_code == EXIT_FAILED_CHECK, result.stderr
    text = result.stdout
    polarity = text[text.index("pks:Finding-polarity  finding: polarity  [violation, 1 result]") :]
    assert polarity.splitlines()[1:6] == [
        '  finding:2030-example-001  "A finding with the wrong polarity"',
        f"    file:    {invalid}",
        "    path:    pko:polarity",
        "    value:   vocab:band-good",
        "    message: A finding needs exactly one polarity (pko:polarity): vocab:strength or vocab:area-for-improvement.",
    ]
    addressee = text[text.index("pks:Recommendation-addressee") :]
    assert "value:   NPS in Wales" in addressee and "is not a body" in addressee
    assert "pks:Fact-evidence  fact: evidence  [violation, 1 result]" in text  # the finding has no quote
    assert text.rstrip().endswith("does not conform (failing on violation)")


def test_the_documented_example_is_real_output(lay: Layout, tmp_path: Path) -> None:
    """docs/validation.md shows the output for INVALID saved as a new inspection file; it must stay true."""
    for part in ("ontology", "graph", "shapes"):
        shutil.copytree(lay.root / part, tmp_path / part)
    (tmp_path / "graph" / "inspections" / "2030-example.ttl").write_text(INVALID, encoding="utf-8")
    copy = Layout(tmp_path)
    result = run(copy, "validate", str(copy.graph / "inspections" / "2030-example.ttl"))
    documented = (lay.root / "docs" / "validation.md").read_text(encoding="utf-8")
    example = documented[documented.index("```text\n") + len("```text\n") :]
    assert result.exit_code == EXIT_FAILED_CHECK and result.stdout == example[: example.index("```")]


def test_json_output_is_stable_and_as_documented(lay: Layout, invalid: Path) -> None:
    first, second = (run(lay, "validate", "--format", "json", str(invalid)) for _ in range(2))
    assert first.stdout == second.stdout
    report = json.loads(first.stdout)
    assert list(report) == ["format", "conforms", "fail_on", "counts", "files", "results", "engine"]
    assert report["engine"] == "fast"  # every shape of shapes/ compiles
    assert report["format"] == JSON_FORMAT and report["conforms"] is False and report["fail_on"] == "violation"
    assert list(report["counts"]) == ["violation", "warning", "info"]
    assert report["files"] == [str(invalid)]
    fields = [
        "severity",
        "shape",
        "shape_label",
        "component",
        "focus",
        "focus_label",
        "file",
        "path",
        "value",
        "message",
    ]
    assert all(list(r) == fields for r in report["results"])
    assert {r["file"] for r in report["results"]} == {str(invalid)}
    documented = (lay.root / "docs" / "validation.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in documented for name in [*report, *fields])


def test_turtle_output_is_the_shacl_validation_report(lay: Layout, invalid: Path) -> None:
    turtle = run(lay, "validate", "--format", "turtle", str(invalid))
    as_json = json.loads(run(lay, "validate", "--format", "json", str(invalid)).stdout)
    graph = rdflib.Graph().parse(data=turtle.stdout, format="turtle")
    (report,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(report, SH.conforms).toPython() is False
    results = list(graph.objects(report, SH.result))
    assert len(results) == len(as_json["results"])
    assert all(graph.value(r, SH.focusNode) is not None and graph.value(r, SH.sourceShape) is not None for r in results)


def test_given_files_are_checked_with_the_reference_data_and_only_their_results_shown(
    lay: Layout, invalid: Path
) -> None:
    report = json.loads(run(lay, "validate", "--format", "json", str(invalid)).stdout)
    # Found only because the reference data is loaded: the band is a concept of another scheme.
    assert any(r["shape"].endswith("#Finding-polarity") for r in report["results"])
    assert {r["file"] for r in report["results"]} == {str(invalid)}


def test_fail_on_warning_makes_a_warning_fail(lay: Layout, tmp_path: Path) -> None:
    path = tmp_path / "warning.ttl"
    path.write_text(WARNING_ONLY, encoding="utf-8")
    default = json.loads(run(lay, "validate", "--format", "json", str(path)).stdout)
    assert [r["shape"].split("#")[1] for r in default["results"]] == ["ThemedFact-theme"] and default["conforms"]
    assert run(lay, "validate", str(path)).exit_code == EXIT_OK
    assert run(lay, "validate", "--fail-on", "warning", str(path)).exit_code == EXIT_FAILED_CHECK


# Exit 2: bad input and bad shapes


def test_malformed_turtle_names_file_line_and_column(lay: Layout, tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text(PREFIXES + '\nfinding:x a pko:Finding ;\n    rdfs:label "unterminated .\n', encoding="utf-8")
    line = PREFIXES.count("\n") + 3  # the line of the unterminated string
    done = probkg(lay.root, "validate", str(path))
    assert done.code == EXIT_BAD_INPUT
    assert re.search(rf"^error: {re.escape(str(path))}:{line}:\d+: \w", done.stderr), done.stderr


def test_a_missing_file_is_bad_input(lay: Layout, tmp_path: Path) -> None:
    result = run(lay, "validate", str(tmp_path / "nowhere.ttl"))
    assert result.exit_code == EXIT_BAD_INPUT and "no such file" in result.stderr


def broken_shapes(lay: Layout, tmp_path: Path, old: str, new: str) -> Path:
    """A copy of shapes/results.ttl with one change (the only shapes file given with --shapes)."""
    text = (lay.shapes / "results.ttl").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "results.ttl"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    common = tmp_path / "common.ttl"
    shutil.copy(lay.shapes / "common.ttl", common)
    return path


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ("FILTER (isNumeric(?value) && ?value > 100)", "FILTER (isNumeric(?value) && ?value > 100", "not valid SPARQL"),
        (
            "FILTER (isNumeric(?value) && ?value > 100)",
            "FILTER (isNumeric(?value) && ?value > 100) VALUES ?x { 1 }",
            "uses VALUES",
        ),
        ("$this pko:unit vocab:unit-percent ;", "GRAPH ?g { $this pko:unit vocab:unit-percent } . $this", "uses GRAPH"),
        ("sh:path pko:numerator ;", "sh:path pko:numerator_typo ;", "which the ontology does not declare"),
    ],
)
def test_broken_shapes_are_bad_input_not_failed_data(
    lay: Layout, tmp_path: Path, invalid: Path, old: str, new: str, said: str
) -> None:
    shapes = broken_shapes(lay, tmp_path, old, new)
    result = run(lay, "validate", "--shapes", str(tmp_path / "common.ttl"), "--shapes", str(shapes), str(invalid))
    assert result.exit_code == EXIT_BAD_INPUT, result.stdout[-2000:] + result.stderr
    assert "results.ttl" in result.stderr and said in result.stderr


def test_a_broken_select_ends_the_real_command_with_exit_2(lay: Layout, tmp_path: Path, invalid: Path) -> None:
    """pyshacl's own CLI exits 1 here, the code for data that does not conform."""
    shapes = broken_shapes(lay, tmp_path, "?value > 100)", "?value > 100")
    done = probkg(lay.root, "validate", "--shapes", str(tmp_path / "common.ttl"), "--shapes", str(shapes), str(invalid))
    assert done.code == EXIT_BAD_INPUT and "is not valid SPARQL" in done.stderr, done.stderr


# Exit 3: limits


def test_a_run_over_its_time_limit_exits_3(lay: Layout) -> None:
    # In a fresh process: the deadline is a timer signal on the main thread, which
    # an in-process run shares with whatever earlier tests left behind.
    result = probkg(lay.root, "validate", "--timeout", "0.05")
    assert result.code == EXIT_LIMIT and "longer than 0.05 seconds" in result.stderr


def test_shapes_nested_past_the_depth_limit_exit_3(lay: Layout, tmp_path: Path) -> None:
    lines = [
        "@prefix ex: <http://example.org/> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix sh: <http://www.w3.org/ns/shacl#> .",
        'ex:S0 a sh:NodeShape ; rdfs:label "link 0" ; sh:property ex:P0 ; sh:targetNode ex:n0 .',
    ]
    for i in range(1, 15):
        lines.append(f"ex:P{i - 1} a sh:PropertyShape ; sh:node ex:S{i} ; sh:path ex:next ; sh:severity sh:Violation .")
        lines.append(f'ex:S{i} a sh:NodeShape ; rdfs:label "link {i}" ; sh:property ex:P{i} .')
    lines.append("ex:P14 a sh:PropertyShape ; sh:minCount 1 ; sh:path ex:next ; sh:severity sh:Violation .")
    (tmp_path / "deep.ttl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    chain = "@prefix ex: <http://example.org/> .\n" + "".join(f"ex:n{i} ex:next ex:n{i + 1} .\n" for i in range(20))
    (tmp_path / "chain.ttl").write_text(chain, encoding="utf-8")
    result = run(lay, "validate", "--shapes", str(tmp_path / "deep.ttl"), str(tmp_path / "chain.ttl"))
    assert result.exit_code == EXIT_LIMIT and "deeper than" in result.stderr


def test_recursive_shapes_are_bad_shapes(lay: Layout, tmp_path: Path) -> None:
    (tmp_path / "loop.ttl").write_text(
        "@prefix ex: <http://example.org/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        'ex:S a sh:NodeShape ; rdfs:label "loop" ; sh:property ex:P ; sh:targetNode ex:n0 .\n'
        "ex:P a sh:PropertyShape ; sh:node ex:S ; sh:path ex:next ; sh:severity sh:Violation .\n",
        encoding="utf-8",
    )
    chain = "@prefix ex: <http://example.org/> .\n" + "".join(f"ex:n{i} ex:next ex:n{i + 1} .\n" for i in range(30))
    (tmp_path / "chain.ttl").write_text(chain, encoding="utf-8")
    result = run(lay, "validate", "--shapes", str(tmp_path / "loop.ttl"), str(tmp_path / "chain.ttl"))
    assert result.exit_code == EXIT_BAD_INPUT and "refers back to itself" in result.stderr


def test_an_oversized_file_is_a_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.ttl"
    path.write_text("<https://example.org/s> <https://example.org/p> 1 .\n" * 100, encoding="utf-8")
    with pytest.raises(LimitError) as caught:
        inputs.read(path, max_bytes=1000)
    assert caught.value.exit_code == EXIT_LIMIT


# Hostile input: refused before any parser or network is reached


_WATCHED: dict[str, list[str]] = {}


def _audit(event: str, args: tuple) -> None:
    if event == "open" and args and str(args[0]) in _WATCHED:
        _WATCHED[str(args[0])].append(event)


sys.addaudithook(_audit)  # audit hooks cannot be removed; this one only records opens of watched paths


def watch_opens(path: Path) -> list[str]:
    """A list that fills with an entry each time this process opens `path`."""
    return _WATCHED.setdefault(str(path), [])


class Canary(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        Canary.requests.append(self.path)
        body = b'{"@context": {"ex": "http://example.org/"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def canary() -> Iterator[str]:
    """The base URL of a server that must see no request; the test fails if it does."""
    Canary.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Canary)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
    assert Canary.requests == [], f"the canary was reached: {Canary.requests}"


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [
  <!ENTITY a "ha">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
  <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
  <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
  <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
  <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/s"><ex:p>&i;</ex:p></rdf:Description>
</rdf:RDF>
"""

RDF_XML_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY secret SYSTEM "{target}"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">
  <rdf:Description rdf:about="http://example.org/s"><ex:p>&secret;</ex:p></rdf:Description>
</rdf:RDF>
"""

RDF_XML_PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY % remote SYSTEM "{target}"> %remote; ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>
"""


def hostile_files(url: str, secret: Path) -> dict[str, tuple[str, bytes, str]]:
    """name -> (file name, bytes, what the refusal says)."""
    return {
        "billion laughs": ("laughs.rdf", BILLION_LAUGHS.encode(), "DOCTYPE"),
        "external entity (http)": ("http.rdf", RDF_XML_ENTITY.format(target=f"{url}/entity").encode(), "DOCTYPE"),
        "external entity (file)": ("file.rdf", RDF_XML_ENTITY.format(target=secret.as_uri()).encode(), "DOCTYPE"),
        "parameter entity": ("param.rdf", RDF_XML_PARAMETER_ENTITY.format(target=f"{url}/dtd").encode(), "DOCTYPE"),
        "entity in a .ttl-less file": ("data", BILLION_LAUGHS.encode(), "DOCTYPE"),
        "UTF-16 RDF/XML": ("utf16.owl", BILLION_LAUGHS.encode("utf-16"), "must be UTF-8"),
        "remote JSON-LD context": (
            "remote.jsonld",
            json.dumps({"@context": f"{url}/context.jsonld", "@id": "http://example.org/s", "ex:p": "o"}).encode(),
            "not inline",
        ),
        "remote context in a list": (
            "list.jsonld",
            json.dumps({"@context": [{"ex": "http://example.org/"}, f"{url}/c"], "@id": "ex:s"}).encode(),
            "not inline",
        ),
        "nested remote context": (
            "nested.json",
            json.dumps(
                {"@context": {"ex": "http://example.org/"}, "@graph": [{"@context": f"{url}/n", "@id": "ex:s"}]}
            ).encode(),
            "not inline",
        ),
        # Two @context keys: Python's json keeps the inline one, a parser keeping the first would fetch.
        "duplicate JSON-LD @context": (
            "twice.jsonld",
            (
                f'{{"@context": "{url}/context.jsonld", "@context": {{"ex": "http://example.org/"}}, '
                '"@id": "ex:s", "ex:p": "o"}'
            ).encode(),
            "appears twice",
        ),
        "JSON-LD @import": (
            "import.jsonld",
            json.dumps({"@context": {"@import": f"{url}/i", "ex": "http://example.org/"}, "@id": "ex:s"}).encode(),
            "@import",
        ),
    }


@pytest.mark.parametrize("case", list(hostile_files("http://x", Path("/x"))))
def test_hostile_input_is_refused_without_network_or_file_access(
    lay: Layout, tmp_path: Path, canary: str, case: str
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read", encoding="utf-8")
    name, data, said = hostile_files(canary, secret)[case]
    path = tmp_path / name
    path.write_bytes(data)
    opened = watch_opens(secret)
    result = run(lay, "validate", str(path))  # in this process, so that the audit hook sees every open
    assert result.exit_code == EXIT_BAD_INPUT and said in result.stderr and str(path) in result.stderr, result.stderr
    assert opened == [], "the validator opened a file it was not given"


def test_a_hostile_file_ends_the_real_command_with_exit_2(lay: Layout, tmp_path: Path) -> None:
    path = tmp_path / "laughs.rdf"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    done = probkg(lay.root, "validate", str(path), timeout=120)  # the timeout only guards against a hang
    assert done.code == EXIT_BAD_INPUT and f"{path}:2:1: refused: XML DOCTYPE" in done.stderr, done.stderr


def test_the_same_guards_protect_the_store_layer(lay: Layout, tmp_path: Path) -> None:
    """`build`, `check-evidence` and the query engine load through store.load, which reads via inputs."""
    path = tmp_path / "laughs.rdf"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    result = run(lay, "check-evidence", str(path))
    assert result.exit_code == EXIT_BAD_INPUT and "DOCTYPE" in result.stderr


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (
            "FILTER (isNumeric(?value) && ?value > 100)",
            "FILTER (isNumeric(?value) && ?value > 100) SERVICE <{url}/sparql> {{ ?s ?p ?o }}",
            "SERVICE",
        ),
        ("SELECT $this ?value\n            WHERE", "SELECT $this ?value\n            FROM <{url}/from> WHERE", "FROM"),
    ],
)
def test_a_shapes_file_cannot_make_the_validator_fetch(
    lay: Layout, tmp_path: Path, invalid: Path, canary: str, old: str, new: str, said: str
) -> None:
    shapes = broken_shapes(lay, tmp_path, old, new.format(url=canary))
    result = run(lay, "validate", "--shapes", str(tmp_path / "common.ttl"), "--shapes", str(shapes), str(invalid))
    assert result.exit_code == EXIT_BAD_INPUT and said in result.stderr and "refused" in result.stderr, result.stderr


def test_owl_imports_in_shapes_or_data_are_not_followed(
    lay: Layout, tmp_path: Path, invalid: Path, canary: str
) -> None:
    imports = "<http://www.w3.org/2002/07/owl#imports>"
    shapes = broken_shapes(
        lay,
        tmp_path,
        "#################################################################\n# Ratings",
        f"<https://w3id.org/probation-kg/shapes> {imports} <{canary}/shapes> .\n\n"
        "#################################################################\n# Ratings",
    )
    data = tmp_path / "imports.ttl"
    data.write_text(INVALID + f"\n<https://w3id.org/probation-kg/id/x> {imports} <{canary}/data> .\n", encoding="utf-8")
    result = run(lay, "validate", "--shapes", str(tmp_path / "common.ttl"), "--shapes", str(shapes), str(data))
    assert result.exit_code == EXIT_FAILED_CHECK, result.stderr


def test_benign_rdf_xml_and_json_ld_are_read(lay: Layout, tmp_path: Path) -> None:
    graph = rdflib.Graph().parse(data=INVALID, format="turtle")
    xml, jsonld = tmp_path / "data.rdf", tmp_path / "data.jsonld"
    graph.serialize(xml, format="xml")
    graph.serialize(jsonld, format="json-ld", context={"pko": "https://w3id.org/probation-kg/ontology#"})
    for path in (xml, jsonld):
        report = json.loads(run(lay, "validate", "--format", "json", str(path)).stdout)
        assert any(r["shape"].endswith("#Finding-polarity") for r in report["results"]), path


def test_input_errors_carry_their_place() -> None:
    error = InputError("graph/x.ttl", "bad", 3, 7)
    assert str(error) == "graph/x.ttl:3:7: bad" and error.exit_code == EXIT_BAD_INPUT


@pytest.mark.parametrize("suffix", [".ttl", ".nt", ".rdf", ".jsonld"])
def test_a_utf8_byte_order_mark_is_accepted(lay: Layout, tmp_path: Path, suffix: str) -> None:
    # Windows editors start UTF-8 files with a BOM; it is no part of the document (RFC 3629 section 6).
    graph = rdflib.Graph().parse(data=INVALID, format="turtle")
    plain = tmp_path / f"plain{suffix}"
    graph.serialize(plain, format=inputs.SUFFIXES[suffix].rdflib_name, encoding="utf-8")
    marked = tmp_path / f"marked{suffix}"
    marked.write_bytes(inputs.BOM + plain.read_bytes())
    reports = [json.loads(run(lay, "validate", "--format", "json", str(p)).stdout)["results"] for p in (plain, marked)]
    assert reports[0] and [r["shape"] for r in reports[1]] == [r["shape"] for r in reports[0]]
    loaded = load_graph([marked], lay)  # the store layer, which `build` and `query` read through
    assert len(loaded) == len(graph)
