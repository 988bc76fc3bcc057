"""`probkg query`: the catalogue, every output format, parameters and their safety."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from probkg.cli import main
from probkg.core.errors import EXIT_BAD_INPUT
from probkg.core.paths import Layout
from probkg.sparql.catalogue import catalogue
from probkg.sparql.results import FORMATS


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_the_catalogue_has_at_least_twenty_documented_queries(lay: Layout) -> None:
    saved = catalogue(lay.queries)
    assert len(saved) >= 20
    for query in saved.values():
        assert query.summary and query.description and query.tags, query.name
        assert query.method == "GET", query.name
        for name in query.defaults:
            assert name in {p.name for p in query.params}, (query.name, name)
    listing = run("query", "--list")
    assert listing.exit_code == 0
    assert all(name in listing.output for name in saved)


@pytest.mark.slow  # a CLI run for every saved query in every format
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_saved_query_runs_in_every_format(lay: Layout, fmt: str) -> None:
    for name, query in catalogue(lay.queries).items():
        args = ["query", name, "--format", fmt]
        for param in query.params:
            if not param.optional and param.name not in query.defaults:
                pytest.fail(f"{name}: required parameter {param.name} has no default to test with")
        result = run(*args)
        assert result.exit_code == 0, (name, result.output)
        if fmt == "json":
            assert "head" in json.loads(result.output)
        elif fmt in ("csv", "tsv"):
            header = next(csv.reader(io.StringIO(result.output), delimiter="," if fmt == "csv" else "\t"))
            assert header and all(header), name
        elif fmt == "md":
            assert result.output.startswith("| "), name


def test_unknown_and_missing_parameters_are_bad_input() -> None:
    unknown = run("query", "entity-search", "--param", "colour=red")
    assert unknown.exit_code == EXIT_BAD_INPUT and "unknown parameter colour" in unknown.output
    missing = run("query", "-q", "SELECT ?x WHERE { BIND(?_needed AS ?x) }")
    assert missing.exit_code == EXIT_BAD_INPUT and "missing required parameter needed" in missing.output
    bad_number = run("query", "key-questions-below", "--param", "threshold=fifty")
    assert bad_number.exit_code == EXIT_BAD_INPUT and "not a valid" in bad_number.output
    outside = run("query", "secondary-claims", "--param", "verdict=maybe")
    assert outside.exit_code == EXIT_BAD_INPUT and "must be one of" in outside.output


HOSTILE = 'x" } ; DROP ALL ; #'


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_a_hostile_parameter_value_is_only_ever_a_value(engine: str) -> None:
    before = run("query", "-q", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv").output
    # As a text parameter: searched for literally, matching nothing, changing nothing.
    result = run("query", "entity-search", "--param", f"text={HOSTILE}", "--engine", engine, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["results"]["bindings"] == []
    # Echoed back through a query, the value comes out exactly as it went in.
    echo = run(
        "query",
        "-q",
        "SELECT ?v WHERE { BIND(?_v AS ?v) }",
        "--param",
        f"v={HOSTILE}",
        "--engine",
        engine,
        "--format",
        "json",
    )
    assert echo.exit_code == 0, echo.output
    assert json.loads(echo.output)["results"]["bindings"][0]["v"]["value"] == HOSTILE
    # As an IRI parameter: not a valid IRI, refused before any engine sees it.
    refused = run("query", "statistic-over-time", "--param", f"measure={HOSTILE}", "--engine", engine)
    assert refused.exit_code == EXIT_BAD_INPUT
    after = run("query", "-q", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv").output
    assert before == after


def test_ad_hoc_queries_from_text_and_file(tmp_path) -> None:
    # 003: "Overall, NPS in Wales is rated as: **Good**."
    text = """SELECT ?band WHERE { ?r pko:ratedBody organisation:nps-in-wales ;
        pko:standard framework:hmip-2019-overall ; pko:band/skos:prefLabel ?band }"""
    inline = run("query", "-q", text, "--format", "csv")
    assert inline.exit_code == 0 and inline.output.splitlines() == ["band", "Good"]
    path = tmp_path / "q.rq"
    path.write_text(text)
    from_file = run("query", "--file", str(path), "--format", "csv")
    assert from_file.output == inline.output
    assert run("query", "-q", "SELECT WHERE {").exit_code == EXIT_BAD_INPUT
    assert run("query").exit_code == EXIT_BAD_INPUT


RATING = "https://w3id.org/probation-kg/id/rating/2025-wales-region-2-6"
GOOD = "https://w3id.org/probation-kg/id/vocab/band-good"


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize(
    "fmt, syntax", [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("table", "turtle")]
)
def test_construct_and_describe_write_rdf(engine: str, fmt: str, syntax: str) -> None:
    import rdflib

    # 004: "| R 2.6 Victim work | Good |"
    band = (rdflib.URIRef(RATING), rdflib.URIRef("https://w3id.org/probation-kg/ontology#band"), rdflib.URIRef(GOOD))
    for text in (f"DESCRIBE <{RATING}>", f"CONSTRUCT WHERE {{ <{RATING}> pko:band ?band }}"):
        if engine == "rdflib" and text.startswith("DESCRIBE"):
            continue  # rdflib's DESCRIBE is its own (a concise bounded description); Oxigraph's is tested
        result = run("query", "-q", text, "--format", fmt, "--engine", engine)
        assert result.exit_code == 0, result.output
        assert band in rdflib.Graph().parse(data=result.output, format=syntax)


def test_a_graph_format_fits_only_a_graph_and_a_table_format_only_a_table() -> None:
    select = run("query", "-q", f"SELECT * WHERE {{ <{RATING}> ?p ?o }}", "--format", "nt")
    assert select.exit_code == EXIT_BAD_INPUT and "CONSTRUCT and DESCRIBE" in select.output
    describe = run("query", "-q", f"DESCRIBE <{RATING}>", "--format", "csv")
    assert describe.exit_code == EXIT_BAD_INPUT and "--format turtle" in describe.output
    assert run("query", "--list", "--format", "turtle").exit_code == EXIT_BAD_INPUT
