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


def test_an_iri_the_graph_does_not_hold_is_bad_input_not_an_empty_answer() -> None:
    result = CliRunner().invoke(main, ["query", "structure-at-inspection", "--param", "inspection=inspection:nosuch"])
    assert result.exit_code == EXIT_BAD_INPUT
    assert "holds nothing about <https://w3id.org/probation-kg/id/inspection/nosuch>" in result.output


def test_an_iri_the_graph_holds_still_answers() -> None:
    # graph/inspections/2025-wales-region.ttl describes this inspection
    args = ["query", "structure-at-inspection", "--param", "inspection=inspection:2025-wales-region"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_saved_query_listing_follows_format(fmt: str) -> None:
    result = CliRunner().invoke(main, ["query", "--list", "--format", fmt])
    assert result.exit_code == 0
    names = sorted(p.stem for p in layout().queries.glob("*.rq"))
    if fmt == "json":
        import json

        listed = [row["name"]["value"] for row in json.loads(result.output)["results"]["bindings"]]
    else:
        listed = [line.split(",")[0] for line in result.output.splitlines()[1:]]
    assert sorted(listed) == names
