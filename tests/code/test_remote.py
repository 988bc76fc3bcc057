"""`probkg load` without a server: what it refuses before sending anything, and its Digest header."""

from __future__ import annotations

import hashlib
from pathlib import Path

from click.testing import CliRunner

from probkg.cli import main
from probkg.core.errors import EXIT_BAD_INPUT
from probkg.release.upload import _Auth, graph_url


def test_a_malformed_file_stops_the_upload_before_anything_is_sent(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    # port 9 on loopback: nothing listens there, so any request would fail with a different message
    result = CliRunner().invoke(main, ["load", "--endpoint", "http://127.0.0.1:9/sparql", str(bad)])
    assert result.exit_code == EXIT_BAD_INPUT
    assert "bad.ttl:2" in result.output


def test_graph_urls_use_indirect_identification() -> None:
    assert (
        graph_url("http://h/store", "https://w3id.org/probation-kg/graph/a b")
        == "http://h/store?graph=https%3A%2F%2Fw3id.org%2Fprobation-kg%2Fgraph%2Fa+b"
    )
    assert graph_url("http://h/crud?x=1", "g").startswith("http://h/crud?x=1&graph=")


def test_digest_response_follows_rfc_7616() -> None:
    auth = _Auth("dba", "secret")
    auth.challenge('Digest realm="SPARQL", nonce="abc", opaque="xyz", qop="auth", algorithm="MD5"')
    header = auth.header("PUT", "http://h/sparql-graph-crud-auth?graph=g")
    fields = dict(part.split("=", 1) for part in header.removeprefix("Digest ").split(", "))
    fields = {k: v.strip('"') for k, v in fields.items()}
    md5 = lambda s: hashlib.md5(s.encode()).hexdigest()  # noqa: E731
    ha1, ha2 = md5("dba:SPARQL:secret"), md5("PUT:/sparql-graph-crud-auth?graph=g")
    assert fields["uri"] == "/sparql-graph-crud-auth?graph=g" and fields["nc"] == "00000001"
    assert fields["response"] == md5(f"{ha1}:abc:{fields['nc']}:{fields['cnonce']}:auth:{ha2}")
    assert fields["opaque"] == "xyz"
