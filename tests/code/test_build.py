"""`probkg build`: one named graph per file, VoID counts, and no damage on failure.

Issue 19 item 6: it validates before it publishes, fsyncs, keeps the earlier
generations, removes a killed build's temporary files; item 7: the umask's mode.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from probkg.cli import main
from probkg.core import atomic
from probkg.core.errors import EXIT_BAD_INPUT, EXIT_FAILED_CHECK
from probkg.core.paths import Layout
from test_validate import INVALID


@pytest.fixture()
def copy(tmp_path: Path, lay: Layout) -> Layout:
    root = tmp_path / "project"
    for part in ("ontology", "graph", "shapes"):
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


def test_data_that_does_not_conform_is_not_published(copy: Layout) -> None:
    assert run(copy, "build").exit_code == 0
    before = (copy.build / "probation.trig").read_bytes()
    (copy.graph / "inspections" / "2030-example.ttl").write_text(INVALID, encoding="utf-8")
    result = run(copy, "build")
    assert result.exit_code == EXIT_FAILED_CHECK, result.output
    assert "2030-example" in result.stderr and "last good build is kept" in result.stderr
    assert (copy.build / "probation.trig").read_bytes() == before
    assert not (copy.build / "probation.trig.1").exists()
    skipped = run(copy, "build", "--no-validate")  # the curator's own decision
    assert skipped.exit_code == 0, skipped.output
    assert b"2030-example" in (copy.build / "probation.trig").read_bytes()
    assert (copy.build / "probation.trig.1").read_bytes() == before


def test_the_three_builds_before_the_last_are_kept(copy: Layout) -> None:
    marker = copy.graph / "reference" / "build-marker.ttl"
    artefacts = []
    for n in range(5):  # each build differs by one literal, so each generation can be told apart
        marker.write_text(f'<https://w3id.org/probation-kg/id/test/marker> <urn:x:n> "{n}" .\n', encoding="utf-8")
        assert run(copy, "build", "--no-validate").exit_code == 0
        artefacts.append((copy.build / "probation.trig").read_bytes())
        assert f'"{n}"'.encode() in artefacts[-1]
    kept = sorted(p.name for p in copy.build.iterdir())
    assert kept == [
        "probation.trig",
        "probation.trig.1",
        "probation.trig.2",
        "probation.trig.3",
        "void.ttl",
        "void.ttl.1",
        "void.ttl.2",
        "void.ttl.3",
    ]
    for n in (1, 2, 3):
        assert (copy.build / f"probation.trig.{n}").read_bytes() == artefacts[-1 - n]


def test_a_killed_builds_temporary_files_are_removed(copy: Layout) -> None:
    copy.build.mkdir()
    left = [copy.build / ".probation.trig.k1ll3d", copy.build / ".void.ttl.abc123"]
    for path in left:
        path.write_text("half a build", encoding="utf-8")
    unrelated = copy.build / ".keep-me"
    unrelated.write_text("not ours", encoding="utf-8")
    assert run(copy, "build", "--no-validate").exit_code == 0
    assert not any(path.exists() for path in left)
    assert unrelated.exists()


def test_the_build_and_its_folder_are_fsynced(copy: Layout, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    assert run(copy, "build", "--no-validate").exit_code == 0
    assert str(copy.build) in synced  # the folder, after the rename
    assert any(Path(p).name.startswith(".probation.trig.") for p in synced)  # the file, before it


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_files_get_the_umasks_mode(copy: Layout, tmp_path: Path, umask: int) -> None:
    previous = os.umask(umask)
    try:
        assert run(copy, "build", "--no-validate").exit_code == 0
        exported = tmp_path / "entities.dot"
        assert run(copy, "export", "dot", "-o", str(exported)).exit_code == 0
        written = [copy.build / "probation.trig", copy.build / "void.ttl", exported]
        atomic.replace_atomically(tmp_path / "plain.txt", lambda p: p.write_text("x", encoding="utf-8"))
        written.append(tmp_path / "plain.txt")
    finally:
        os.umask(previous)
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask, path
