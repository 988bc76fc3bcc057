"""`probkg query` on the local engines: the endpoint's guard by default, FROM honoured, line ends kept.

Issue 19, items 2, 3 and the CRLF part of 8. The canary is the endpoint tests' own
(an HTTP server on 127.0.0.1 counting requests): a guarded local query must make
it count zero, whichever engine runs it and whether it comes from `-q` or a file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from probkg.cli import main
from probkg.core.errors import EXIT_BAD_INPUT
from probkg.core.paths import Layout
from support.serving import Canary

ENGINES = ["oxigraph", "rdflib"]
FILES = ["ontology/probation-kg.ttl", "graph/inspections/2019-nps-wales.ttl", "graph/sources/documents.ttl"]
ONE_GRAPH = FILES[1]


@pytest.fixture(scope="module")
def small(lay: Layout, tmp_path_factory) -> Path:
    """A project of three of the real files: each run loads it in a moment with either engine."""
    root = tmp_path_factory.mktemp("small-project")
    for name in FILES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(lay.root / name, root / name)
    return root


def run(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), *args])


def hostile(canary_url: str, secret: Path) -> dict[str, str]:
    """Every way out the issue found: a SERVICE call, FROM and FROM NAMED over HTTP, FROM a file."""
    return {
        "service": f"SELECT * WHERE {{ SERVICE <{canary_url}> {{ ?s ?p ?o }} }}",
        "from-http": f"SELECT * FROM <{canary_url}data.ttl> WHERE {{ ?s ?p ?o }}",
        "from-named-http": f"SELECT * FROM NAMED <{canary_url}g.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "from-file": f"SELECT * FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}",
    }


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("how", ["-q", "--file"])
def test_a_local_query_reaches_neither_network_nor_files(small: Path, engine: str, how: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.ttl"
    secret.write_text("<http://example.org/s> <http://example.org/p> 'secret-value' .\n", encoding="utf-8")
    with Canary() as canary:
        for case, text in hostile(canary.url, secret).items():
            if how == "--file":
                path = tmp_path / f"{case}.rq"
                path.write_text(f"#+ summary: {case}\n{text}\n", encoding="utf-8")
                result = run(small, "query", "--engine", engine, "--file", str(path))
            else:
                result = run(small, "query", "--engine", engine, "-q", text)
            assert result.exit_code == EXIT_BAD_INPUT, (case, result.output)
            assert result.stdout == "" and "secret-value" not in result.output, case
            lines = result.stderr.splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: "), (case, result.stderr)
            assert "--allow-network" in lines[0], case
        assert canary.hits == []


@pytest.mark.parametrize("engine", ENGINES)
def test_allow_network_hands_the_query_over_and_a_failure_is_one_line(small: Path, engine: str) -> None:
    with Canary() as canary:
        # The canary answers Turtle, not SPARQL results: the call is made, then fails cleanly.
        result = run(
            small,
            "query",
            "--engine",
            engine,
            "--allow-network",
            "-q",
            f"SELECT * WHERE {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}",
        )
        assert canary.hits, "--allow-network must hand the SERVICE to the engine"
    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert "Traceback" not in result.output and len(result.stderr.splitlines()) == 1, result.stderr


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("allow", [False, True], ids=["guarded", "allow-network"])
def test_from_limits_the_query_to_the_graphs_it_names(small: Path, engine: str, allow: bool) -> None:
    # The oracle: the file's own triples, counted by rdflib's Turtle parser with no SPARQL at all.
    expected = len(rdflib.Graph().parse(small / ONE_GRAPH, format="turtle"))
    name = Layout(small).graph_name(small / ONE_GRAPH)
    args = ["query", "--engine", engine, "--format", "csv", *(["--allow-network"] if allow else [])]
    default = run(small, *args, "-q", f"SELECT (COUNT(*) AS ?n) FROM <{name}> WHERE {{ ?s ?p ?o }}")
    assert default.exit_code == 0, default.output
    assert default.stdout.split() == ["n", str(expected)]
    # FROM NAMED alone: the default graph is empty, the one named graph is all GRAPH ?g sees.
    named = run(
        small,
        *args,
        "-q",
        f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{name}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g",
    )
    assert named.exit_code == 0, named.output
    assert named.stdout.split() == ["g,n", f"{name},{expected}"]
    empty = run(small, *args, "-q", f"ASK FROM NAMED <{name}> WHERE {{ ?s ?p ?o }}")
    assert empty.exit_code == 0 and "false" in empty.stdout.lower(), empty.output


@pytest.mark.parametrize("engine", ENGINES)
def test_a_crlf_inside_a_long_string_stays_two_characters(small: Path, engine: str) -> None:
    # SPARQL 1.1 section 19.7: a long string holds its line ends as written; "a", CR, LF, "b" is 4.
    result = run(
        small, "query", "--engine", engine, "--format", "csv", "-q", 'SELECT (STRLEN("""a\r\nb""") AS ?n) WHERE {}'
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["n", "4"]
