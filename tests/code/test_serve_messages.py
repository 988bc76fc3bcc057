"""The typed messages between `probkg serve` and its workers (`serve/protocol.py`), in-process.

Every job type goes through a real worker `Handler` over the dataset and comes
back as the reply type the server expects; framing survives a byte stream cut
anywhere; a message of the wrong type is refused rather than misread.

Facts relied on, from the 2025 Wales region report (004_7a4ad4ab751c8ea9.txt):
"| R 2.6 Victim work | Good |" (rating:2025-wales-region-2-6).
"""

from __future__ import annotations

import io
import json

import pyoxigraph as ox
import pytest

from probkg.core.paths import layout
from probkg.rdf.vocab import ID_BASE
from probkg.serve import protocol as msg
from probkg.serve.handler import Handler
from probkg.sparql import formats as fmt
from probkg.sparql.catalogue import catalogue
from support.serving import dataset_copy

RATING = ID_BASE + "rating/2025-wales-region-2-6"
BAND = "SELECT ?band WHERE { rating:2025-wales-region-2-6 pko:band/skos:prefLabel ?band }"


@pytest.fixture(scope="module")
def handler() -> Handler:
    return Handler(str(dataset_copy()), max_rows=1000, max_bytes=1 << 20, queries=layout().queries)


def test_every_message_survives_its_frame() -> None:
    messages = [
        msg.ZygoteReady(1, "netns", ("urn:g",), 3, "<urn:d> a <urn:c> ."),
        msg.WorkerReady(2),
        msg.SparqlJob(BAND, fmt.JSON, ("csv",), "http://x/sparql", ("urn:g",), None),
        msg.SavedQueryJob("ratings-timeline", (("body", ox.NamedNode(RATING)),), fmt.CSV),
        msg.EntityJob(RATING, "html"),
        msg.Ping(),
        msg.Result(fmt.JSON, b"{}", 0, msg.Outcome(parsed=True, private=4096)),
        msg.Failure(422, "too large", "max-bytes"),
        msg.EntityPage({"label": "x"}),
    ]
    stream = io.BytesIO(b"".join(msg.frame(m) for m in messages))
    read = []
    while (data := msg.read_frame(stream)) is not None:
        read.append(msg.decode(data, object))
    assert read == messages


def test_a_cut_stream_ends_reading_instead_of_misreading() -> None:
    whole = msg.frame(msg.WorkerReady(7))
    for cut in range(len(whole)):
        assert msg.read_frame(io.BytesIO(whole[:cut])) is None


def test_a_message_of_the_wrong_type_is_refused() -> None:
    data = msg.frame(msg.Ping())[msg.HEADER.size :]
    with pytest.raises(msg.ProtocolError):
        msg.decode(data, msg.REPLIES)


def test_a_sparql_job_gets_a_result(handler) -> None:
    reply = handler.handle(msg.SparqlJob(BAND, fmt.JSON))
    assert isinstance(reply, msg.Result) and reply.media == fmt.JSON and reply.count == 1
    assert [b["band"]["value"] for b in json.loads(reply.body)["results"]["bindings"]] == ["Good"]


def test_a_refused_job_gets_a_failure_with_its_status(handler) -> None:
    reply = handler.handle(msg.SparqlJob("SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }"))
    assert isinstance(reply, msg.Failure) and reply.status == 403 and reply.limit is None


def test_an_oversized_result_names_the_cap_it_hit(handler) -> None:
    """--max-rows and the byte cap are both 422s; `limit` says which one refused."""
    small = Handler(str(dataset_copy()), max_rows=1000, max_bytes=200)
    rows = small.handle(msg.SparqlJob("SELECT * WHERE { ?s ?p ?o }"))
    assert isinstance(rows, msg.Failure) and (rows.status, rows.limit) == (422, "max-rows")
    size = small.handle(msg.SparqlJob("SELECT * WHERE { ?s ?p ?o } LIMIT 100"))
    assert isinstance(size, msg.Failure) and (size.status, size.limit) == (422, "max-bytes")


def test_a_saved_query_job_runs_its_precomputed_check(handler) -> None:
    """The zygote's handler checked every saved query when it was made: running one parses nothing."""
    bindings = catalogue(layout().queries)["ratings-timeline"].bind({"body": "organisation:probation-service-in-wales"})
    job = msg.SavedQueryJob("ratings-timeline", tuple(bindings.items()), fmt.CSV)
    reply = handler.handle(job)
    assert isinstance(reply, msg.Result) and reply.media == fmt.CSV and reply.count > 0
    assert reply.outcome.parsed is False
    assert "Good" in reply.body.decode()


def test_an_unknown_saved_query_is_a_404(handler) -> None:
    reply = handler.handle(msg.SavedQueryJob("no-such-query", (), fmt.JSON))
    assert isinstance(reply, msg.Failure) and reply.status == 404


def test_an_entity_job_gets_rdf_or_the_pages_data(handler) -> None:
    page = handler.handle(msg.EntityJob(RATING, "html"))
    assert isinstance(page, msg.EntityPage) and page.data["iri"] == RATING
    turtle = handler.handle(msg.EntityJob(RATING, fmt.TURTLE))
    assert isinstance(turtle, msg.Result) and turtle.media == fmt.TURTLE and turtle.count > 0
    missing = handler.handle(msg.EntityJob(ID_BASE + "rating/none", "html"))
    assert isinstance(missing, msg.Failure) and missing.status == 404


def test_a_ping_is_answered(handler) -> None:
    assert isinstance(handler.handle(msg.Ping()), msg.Result)
