"""Integration: a real SPARQL server (OpenLink Virtuoso 7, Debian's package) on the remote path.

The test writes a minimal `virtuoso.ini` into a temporary folder, starts
`virtuoso-t` on 127.0.0.1 with free ports, uploads the graph with `probkg load`
(one named graph per file, Graph Store Protocol) and checks that every saved
query returns the same rows there as on the embedded engine. The server is
always stopped, whatever the outcome; every wait is bounded.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from click.testing import CliRunner

from probkg.cli import main
from probkg.core.errors import EXIT_BAD_INPUT, InputError
from probkg.core.paths import layout
from probkg.release.upload import local_counts, remote_counts
from probkg.sparql.catalogue import catalogue
from probkg.sparql.engines import OxigraphEngine, RemoteEngine
from support.virtuoso import config
from test_engines_agree import canonical

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")
START_TIMEOUT = 90.0
SAVED = catalogue(layout().queries)

# Saved queries Virtuoso 7.2.5 (07.20.3229) answers differently from Oxigraph and
# rdflib. Each is a server-side defect or a portability problem of the query,
# diagnosed on this data. They are reported as xfail when they differ.
KNOWN_VIRTUOSO_ERRORS = {
    # A property path from a VALUES-bound IRI beside two grouped sub-selects; Oxigraph, rdflib
    # and the endpoint answer it (tests/code/test_engines_agree.py, tests/code/test_endpoint_agrees.py).
    "bodies-in-region": "SP031: SPARQL compiler: Internal error: ssg_print_rvr_fixed_val",
}
"""Saved queries Virtuoso 7 refuses with an internal error of its own: the message it gives."""

KNOWN_VIRTUOSO_DIFFERENCES = {
    "measure-changes": "Virtuoso writes the boolean of `BOUND(?a) || BOUND(?b)` as the integer 1, where "
    "SPARQL 1.1 gives an xsd:boolean (true)",
    "programme-waiting-lists": "Virtuoso returns no rows for `?x a ?class . ?class rdfs:subClassOf* C` "
    "(the path alone answers correctly); cf. openlink/virtuoso-opensource#704",
    "sources": "Virtuoso drops rows when a grouped sub-select over `a/rdfs:subClassOf*` is joined "
    "with a triple pattern (1 row instead of 6)",
    "nps-vs-crc": "Virtuoso puts CRC units on the NPS side: in a UNION branch, `?b org:subOrganizationOf* "
    "<.../nps>` matches bodies that are not below NPS",
}

pytestmark = [
    pytest.mark.external,
    pytest.mark.slow,
    pytest.mark.skipif(
        VIRTUOSO is None and not os.environ.get("CI"),
        reason="virtuoso-opensource-7-bin is not installed (scripts/setup.sh installs it)",
    ),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ready(endpoint: str) -> bool:
    query = urllib.parse.urlencode({"query": "ASK {}"})
    try:
        with urllib.request.urlopen(f"{endpoint}?{query}", timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """A running Virtuoso: (SPARQL endpoint, Graph Store URL, user, password). Stopped afterwards."""
    if VIRTUOSO is None or ISQL is None:
        pytest.fail("CI must have virtuoso-opensource-7-bin (scripts/apt-packages.txt)")
    folder = tmp_path_factory.mktemp("virtuoso")
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(config(folder, sql_port, http_port), encoding="utf-8")
    log = (folder / "stdout.log").open("wb")
    process = subprocess.Popen(
        [VIRTUOSO, "+foreground", "+configfile", str(ini)],
        cwd=folder,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    endpoint = f"http://127.0.0.1:{http_port}/sparql"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _ready(endpoint):
            if process.poll() is not None or time.monotonic() > deadline:
                text = (
                    (folder / "virtuoso.log").read_text(errors="replace") if (folder / "virtuoso.log").exists() else ""
                )
                pytest.fail(f"Virtuoso did not start (exit {process.poll()}):\n{text[-3000:]}")
            time.sleep(0.5)
        # A fresh database has the well-known dba password: replace it at once.
        password = secrets.token_hex(12)
        done = subprocess.run(
            [ISQL, f"127.0.0.1:{sql_port}", "dba", "dba", f'exec=SET PASSWORD "dba" "{password}";'],
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:  # isql exits 0 on SQL errors
            pytest.fail(f"could not set the dba password: {done.stdout}{done.stderr}")
        yield endpoint, f"http://127.0.0.1:{http_port}/sparql-graph-crud-auth", "dba", password
    finally:
        _stop(process)
        log.close()
        for big in folder.glob("virtuoso*.db"):  # ~90 MB each; keep only the logs
            big.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def loaded(virtuoso):
    endpoint, graph_store, user, password = virtuoso
    result = CliRunner().invoke(
        main,
        ["load", "--endpoint", endpoint, "--graph-store", graph_store, "--user", user],
        env={"PROBKG_ENDPOINT_PASSWORD": password},
    )
    assert result.exit_code == 0, result.output
    assert "the server reports the same counts" in result.output
    return endpoint


def test_load_puts_every_file_in_its_own_named_graph(loaded, lay) -> None:
    expected = local_counts(lay.data_files(), lay)
    assert len(expected) == len(lay.data_files())
    assert remote_counts(loaded, expected) == expected


def test_loading_again_replaces_rather_than_doubles(loaded, virtuoso, lay) -> None:
    endpoint, graph_store, user, password = virtuoso
    result = CliRunner().invoke(
        main,
        ["load", "--endpoint", endpoint, "--graph-store", graph_store, "--user", user],
        env={"PROBKG_ENDPOINT_PASSWORD": password},
    )
    assert result.exit_code == 0, result.output
    expected = local_counts(lay.data_files(), lay)
    assert remote_counts(endpoint, expected) == expected


def test_wrong_password_is_refused_with_exit_2(loaded, virtuoso, lay) -> None:
    endpoint, graph_store, user, _ = virtuoso
    one = [str(lay.graph / "sources" / "documents.ttl")]
    result = CliRunner().invoke(
        main,
        ["load", "--endpoint", endpoint, "--graph-store", graph_store, "--user", user, *one],
        env={"PROBKG_ENDPOINT_PASSWORD": "wrong"},
    )
    assert result.exit_code == EXIT_BAD_INPUT
    assert "HTTP 401" in result.output


@pytest.fixture(scope="module")
def embedded(kg):
    return OxigraphEngine(kg)


@pytest.mark.parametrize("name", sorted(SAVED))
def test_every_saved_query_answers_the_same_on_virtuoso(loaded, embedded, name: str) -> None:
    query = SAVED[name]
    bindings = query.bind({})
    local = embedded.run(query.text, bindings)
    try:
        remote = RemoteEngine(loaded).run(query.text, bindings)
    except InputError as exc:
        if name in KNOWN_VIRTUOSO_ERRORS and KNOWN_VIRTUOSO_ERRORS[name] in str(exc):
            pytest.xfail(f"Virtuoso's own SPARQL compiler fails: {KNOWN_VIRTUOSO_ERRORS[name]}")
        raise
    same = remote.variables == local.variables and canonical(remote) == canonical(local)
    if not same and name in KNOWN_VIRTUOSO_DIFFERENCES:
        # Not a strict xfail: Virtuoso answers some of these right on a fresh server
        # and wrong on one that has run for a while (its plans depend on statistics).
        pytest.xfail(KNOWN_VIRTUOSO_DIFFERENCES[name])
    assert remote.variables == local.variables
    assert canonical(remote) == canonical(local)


def test_query_command_runs_against_the_server(loaded) -> None:
    result = CliRunner().invoke(main, ["query", "inspections", "--endpoint", loaded, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "inspection/2019-nps-wales" in result.output
