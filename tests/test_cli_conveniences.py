"""What sqlite-utils and Datasette users expect of a CLI: -h, --version, and a suggestion for a mistyped name."""

from __future__ import annotations

import tomllib

import pytest
from click.testing import CliRunner

from probkg.cli import main
from probkg.core.errors import EXIT_BAD_INPUT
from probkg.core.paths import layout


def test_version_is_the_one_in_pyproject() -> None:
    declared = tomllib.loads((layout().root / "pyproject.toml").read_text())["project"]["version"]
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"probkg, version {declared}"


@pytest.mark.parametrize("args", [["-h"], ["query", "-h"], ["validate", "-h"]])
def test_dash_h_is_help(args: list[str]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0
    assert result.output.startswith("Usage: ")


def test_a_mistyped_saved_query_gets_a_suggestion() -> None:
    result = CliRunner().invoke(main, ["query", "leage-table"])
    assert result.exit_code == EXIT_BAD_INPUT
    assert "did you mean 'league-table'?" in result.output


def test_a_mistyped_parameter_gets_a_suggestion() -> None:
    result = CliRunner().invoke(main, ["query", "entity-search", "--param", "txt=CRC"])
    assert result.exit_code == EXIT_BAD_INPUT
    assert "did you mean 'text'?" in result.output


def test_no_suggestion_for_a_name_like_nothing() -> None:
    result = CliRunner().invoke(main, ["query", "zzzzzz"])
    assert result.exit_code == EXIT_BAD_INPUT
    assert "did you mean" not in result.output
