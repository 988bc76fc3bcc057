"""Careless paths are bad input (exit 2, one line), never a traceback or a pass (issue 19, item 4)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from probkg.cli import main
from probkg.core.errors import EXIT_BAD_INPUT
from probkg.core.paths import Layout


def run(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), *args])


def one_line_error(result) -> str:
    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


@pytest.fixture()
def loops(tmp_path: Path) -> dict[str, Path]:
    """A file that links to itself, and two links to each other."""
    (tmp_path / "self.ttl").symlink_to("self.ttl")
    (tmp_path / "a.ttl").symlink_to("b.ttl")
    (tmp_path / "b.ttl").symlink_to("a.ttl")
    return {"self": tmp_path / "self.ttl", "pair": tmp_path / "a.ttl"}


@pytest.mark.parametrize("command", ["validate", "lint", "check-evidence"])
@pytest.mark.parametrize("which", ["self", "pair"])
def test_a_symlink_loop_is_named_as_one(lay: Layout, loops: dict[str, Path], command: str, which: str) -> None:
    line = one_line_error(run(lay.root, command, str(loops[which])))
    assert str(loops[which]) in line and "symbolic link loop" in line


def test_a_symlink_loop_inside_the_project_stops_every_command(lay: Layout, tmp_path: Path) -> None:
    root = tmp_path / "project"
    for part in ("ontology", "graph", "shapes"):
        shutil.copytree(lay.root / part, root / part)
    (root / "graph" / "loop.ttl").symlink_to("loop.ttl")
    for command in ("validate", "lint", "check-evidence", "build"):
        line = one_line_error(run(root, command))
        assert "loop.ttl" in line and "symbolic link loop" in line, command


@pytest.mark.parametrize("command", ["validate", "lint"])
def test_a_folder_with_no_rdf_files_is_bad_input_not_a_pass(lay: Layout, tmp_path: Path, command: str) -> None:
    (tmp_path / "notes.txt").write_text("not RDF", encoding="utf-8")
    line = one_line_error(run(lay.root, command, str(tmp_path)))
    assert "no RDF files" in line


@pytest.mark.parametrize("command", [["build"], ["validate"], ["stats"], ["query", "-q", "ASK {}"]])
def test_a_mistyped_root_is_refused_and_nothing_is_created(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "probation-kgg"
    line = one_line_error(run(missing, *command))
    assert str(missing) in line and "not a probation-kg project" in line
    assert not missing.exists()
    (tmp_path / "elsewhere").mkdir()
    one_line_error(run(tmp_path / "elsewhere", *command))
    assert os.listdir(tmp_path / "elsewhere") == []
