"""`probkg build`: one named graph per file, VoID counts, and no damage on failure."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from probkg.cli import main
from probkg.core.errors import EXIT_BAD_INPUT
from probkg.core.paths import Layout


@pytest.fixture()
def copy(tmp_path: Path, lay: Layout) -> Layout:
    root = tmp_path / "project"
    for part in ("ontology", "graph"):
        shutil.copytree(lay.root / part, root / part)
    return Layout(root)


def run(lay: Layout, *args: str):
    return CliRunner().invoke(main, ["--root", str(lay.root), *args])


def test_build_writes_one_named_graph_per_file(copy: Layout) -> None:
    result = run(copy, "build")
    assert result.exit_code == 0, result.output
    store = ox.Store()
    store.bulk_load(path=str(copy.build / "probation.trig"), format=ox.RdfFormat.TRIG)
    graphs = {g.value for g in store.named_graphs()}
    expected = {copy.graph_name(p) for p in copy.data_files()}
    assert graphs == expected
    assert len(expected) == len(list(copy.graph.rglob("*.ttl"))) + len(list(copy.ontology.rglob("*.ttl")))


def test_void_counts_match_the_artefact(copy: Layout) -> None:
    assert run(copy, "build").exit_code == 0
    store = ox.Store()
    store.bulk_load(path=str(copy.build / "probation.trig"), format=ox.RdfFormat.TRIG)
    void = ox.Store()
    void.bulk_load(path=str(copy.build / "void.ttl"), format=ox.RdfFormat.TURTLE)
    (row,) = void.query(
        "SELECT ?n WHERE { <https://w3id.org/probation-kg/dataset> <http://rdfs.org/ns/void#triples> ?n }"
    )
    assert int(row["n"].value) == len(store)


def test_syntax_error_names_file_line_and_column_and_keeps_last_build(copy: Layout) -> None:
    assert run(copy, "build").exit_code == 0
    before = (copy.build / "probation.trig").read_bytes()
    bad = copy.graph / "sources" / "documents.ttl"
    lines = bad.read_text().splitlines()
    # Line 20 becomes a statement with no final dot before the next subject.
    lines.insert(19, "document:broken a pko:Document")
    bad.write_text("\n".join(lines) + "\n")
    result = run(copy, "build")
    assert result.exit_code == EXIT_BAD_INPUT
    assert "documents.ttl:2" in result.output  # file and a line in the twenties
    message = result.output.strip().splitlines()[-1]
    file_line_col = message.split(": ")[1]
    assert file_line_col.count(":") == 2, message  # path:line:column
    assert (copy.build / "probation.trig").read_bytes() == before
    assert not [p for p in copy.build.iterdir() if p.name.startswith(".")]  # no temp files left


def test_missing_file_is_bad_input(copy: Layout, tmp_path: Path) -> None:
    result = run(copy, "check-evidence", str(tmp_path / "nope.ttl"))
    assert result.exit_code == EXIT_BAD_INPUT
    assert "nope.ttl: no such file" in result.output
