"""`probkg query NAME --endpoint URL` against `probkg serve` returns the rows of the local run.

Both sides are the real CLI: the local run evaluates the saved query in-process
with Oxigraph; the remote run sends it through SPARQLWrapper (RemoteEngine) to a
server started here, which checks and evaluates it in a worker process.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from probkg.cli import main
from probkg.core.paths import layout
from probkg.sparql.catalogue import catalogue
from support.serving import start_server

pytestmark = pytest.mark.slow

SAVED = sorted(catalogue(layout().queries))


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    srv = start_server(tmp_path_factory, "agrees", "--timeout", "60")
    yield srv.url + "/sparql"
    srv.stop()


def cell(term: dict | None) -> tuple | None:
    """A result term as comparable values: kind, datatype, language and lexical form.

    The order of the parts of a GROUP_CONCAT is left open by SPARQL (and differs between two
    Oxigraph stores loaded in a different order), so a plain string is compared as the sorted
    multiset of its words; blank node labels, random per load, are not compared.
    """
    if term is None:
        return None
    value = term["value"]
    if term["type"] == "bnode":
        value = ""
    elif term["type"] == "literal" and "datatype" not in term:
        value = " ".join(sorted(value.replace(",", " ").replace("|", " ").split()))
    return (term["type"], term.get("datatype"), term.get("xml:lang"), value)


def rows(*args: str) -> tuple[list[str], list[tuple]]:
    result = CliRunner().invoke(main, ["query", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    variables = data["head"]["vars"]
    return variables, [tuple(cell(row.get(v)) for v in variables) for row in data["results"]["bindings"]]


@pytest.mark.parametrize("name", SAVED)
def test_the_endpoint_returns_the_local_rows(endpoint: str, name: str) -> None:
    local_vars, local_rows = rows(name)
    remote_vars, remote_rows = rows(name, "--endpoint", endpoint)
    assert remote_vars == local_vars
    # Same rows, each with the same terms (type, value, datatype, language); the order of
    # rows that tie under ORDER BY is left open by SPARQL, so rows are compared as multisets.
    assert sorted(remote_rows, key=repr) == sorted(local_rows, key=repr)


def test_a_parameter_goes_through_the_endpoint_too(endpoint: str) -> None:
    args = ["ratings-timeline", "--param", "body=organisation:probation-service-in-wales"]
    local = rows(*args)
    remote = rows(*args, "--endpoint", endpoint)
    assert sorted(remote[1], key=repr) == sorted(local[1], key=repr)
    # 004: "| R 2.6 Victim work | Good |"
    standard, band = local[0].index("standard"), local[0].index("band")
    assert any(r[standard][3] == "Victim work" and r[band][3] == "Good" for r in remote[1])
