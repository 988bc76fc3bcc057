"""`probkg serve` cannot be misused or knocked over: each property tried on loopback.

* read-only: every way of writing is refused with a 4xx and the dataset's hash is unchanged;
* no outbound traffic and no file reads: a canary HTTP server counts zero requests
  for every variant, with the parse-tree guard alone (`--no-network-isolation`)
  and with the guard plus the workers' empty network namespace;
* a hard deadline: a runaway query is killed and answered 503, other clients are
  served meanwhile and the next query is answered at once;
* explicit caps: too many rows is a 422, never a silently shorter result; a large
  body is a 413 and a long URL a 414, before anything is parsed;
* bounded concurrency: beyond the workers and the queue a 429 with Retry-After,
  while /health stays fast;
* a query that needs too much memory ends its worker, not the server.

Time bounds below are generous upper bounds on the deadline mechanism only.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import hashlib
import os
import re
import signal
import socket
import time
from pathlib import Path

import httpx
import pytest

from support.serving import Canary, start_server

pytestmark = pytest.mark.slow

TIMEOUT = 3.0
# Runaways: cross products with ORDER BY. Sorting all 4e8 rows of the first grows by about
# 1 GB a second until the worker's memory cap ends it; the second keeps one count per
# subject and so runs, in 44 MB, far past any deadline.
RUNAWAY_SORT = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f"
RUNAWAY = "SELECT ?a (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f } GROUP BY ?a ORDER BY DESC(?n)"
QUICK = "SELECT ?band WHERE { rating:2025-wales-region-2-6 pko:band/skos:prefLabel ?band }"
DUMP = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    """Two workers, a queue of two, a 3 s deadline; the parse-tree guard is the only network barrier."""
    srv = start_server(
        tmp_path_factory,
        "guarded",
        "--timeout",
        str(TIMEOUT),
        "--workers",
        "2",
        "--queue",
        "2",
        "--max-rows",
        "100000",
        "--worker-memory",
        "1024",
        "--no-network-isolation",
    )
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """Small caps, and the default network isolation of the workers."""
    srv = start_server(tmp_path_factory, "small", "--max-rows", "100", "--max-body", "4096", "--max-url", "2048")
    yield srv
    srv.stop()


def sparql(server, query: str, timeout: float = 30, **params) -> httpx.Response:
    return httpx.post(server.url + "/sparql", data={"query": query, **params}, timeout=timeout)


def quick_ok(server) -> httpx.Response:
    r = sparql(server, QUICK, format="csv")
    # 004: "| R 2.6 Victim work | Good |"
    assert r.status_code == 200 and r.text == "band\r\nGood\r\n", r.text
    return r


def dataset_hash(server) -> str:
    """SHA-256 of every quad the endpoint serves (blank node labels, random per load, masked)."""
    r = sparql(server, DUMP, format="tsv")
    assert r.status_code == 200, r.text
    lines = sorted(re.sub(r"_:\w+", "_:", line) for line in r.text.splitlines()[1:])
    assert len(lines) > 10_000
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def wait_until_idle(server, workers: int = 2, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        health = server.health()
        if health["alive"] == workers and health["idle"] == workers:
            return
        time.sleep(0.2)
    raise AssertionError(f"the pool did not recover: {server.health()}")


# --- read-only ---------------------------------------------------------------------------

WRITES = [
    (
        "POST",
        "/sparql",
        {"Content-Type": "application/sparql-update"},
        b"INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }",
    ),
    (
        "POST",
        "/sparql",
        {"Content-Type": "application/x-www-form-urlencoded"},
        b"update=DELETE%20WHERE%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
    ),
    ("GET", "/sparql?update=DROP%20ALL", {}, None),
    ("POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, b"query=DROP%20ALL"),
    (
        "POST",
        "/sparql",
        {"Content-Type": "application/sparql-query"},
        b"INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> 1 } }",
    ),
    ("POST", "/sparql", {"Content-Type": "application/sparql-query"}, b"CLEAR ALL"),
    ("POST", "/sparql", {"Content-Type": "application/sparql-query"}, b"LOAD <http://127.0.0.1:9/data.ttl>"),
    ("POST", "/sparql", {"Content-Type": "application/sparql-query"}, b"SELECT * WHERE { ?s ?p ?o } ; DROP ALL"),
    ("PUT", "/sparql", {"Content-Type": "text/turtle"}, b"<http://example.org/s> <http://example.org/p> 1 ."),
    (
        "PUT",
        "/sparql?graph=http%3A%2F%2Fexample.org%2Fg",
        {"Content-Type": "text/turtle"},
        b"<http://example.org/s> <http://example.org/p> 1 .",
    ),
    ("POST", "/sparql?default", {"Content-Type": "text/turtle"}, b"<http://example.org/s> <http://example.org/p> 1 ."),
    (
        "POST",
        "/sparql",
        {"Content-Type": "application/n-triples"},
        b"<http://example.org/s> <http://example.org/p> 1 .",
    ),
    ("DELETE", "/sparql", {}, None),
    ("DELETE", "/sparql?graph=https%3A%2F%2Fw3id.org%2Fprobation-kg%2Fgraph%2Fgraph%2Fsources%2Fdocuments", {}, None),
    ("PATCH", "/sparql", {"Content-Type": "application/sparql-update"}, b"CLEAR ALL"),
    ("PUT", "/id/rating/2025-wales-region-2-6", {"Content-Type": "text/turtle"}, b"<a:s> <a:p> 1 ."),
    ("DELETE", "/id/rating/2025-wales-region-2-6", {}, None),
    ("POST", "/api/queries/entity-search", {"Content-Type": "application/json"}, b"{}"),
    ("POST", "/data", {"Content-Type": "text/turtle"}, b"<http://example.org/s> <http://example.org/p> 1 ."),
]


def test_every_way_of_writing_is_refused_and_the_data_is_unchanged(guarded) -> None:
    # Two rounds per worker, so every worker's copy of the dataset is hashed.
    before = {dataset_hash(guarded) for _ in range(4)}
    assert len(before) == 1
    for method, path, headers, body in WRITES:
        r = httpx.request(method, guarded.url + path, headers=headers, content=body, timeout=30)
        assert 400 <= r.status_code < 500, (method, path, r.status_code, r.text)
    after = {dataset_hash(guarded) for _ in range(4)}
    assert after == before


# --- no outbound traffic, no file reads ---------------------------------------------------


def variants(url: str) -> list[dict]:
    """Requests that would make the endpoint reach out if anything let them."""
    q = lambda text: {"query": text}  # noqa: E731
    return [
        q(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"),
        q(f"select * where {{ service silent <{url}sparql> {{ ?s ?p ?o }} }}"),
        q(f"SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}"),
        q(f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}> {{ ?s ?q ?r }} }} }} LIMIT 1"),
        q(f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}"),
        q(f"ASK {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}"),
        q(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"),
        q(f"PREFIX c: <{url}> SELECT * WHERE {{ SERVICE c:sparql {{ ?s ?p ?o }} }}"),
        q(f"BASE <{url}> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}"),
        q(f"SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}"),
        q(f'SELECT * WHERE {{ BIND("\\u0022" AS ?a) SERVICE <{url}> {{ ?s ?p ?o }} BIND("\\u0022" AS ?b) }}'),
        q(f"SELECT * WHERE {{ # a comment\rSERVICE <{url}> {{ ?s ?p ?o }}\n}}"),
        q(f"SELECT * FROM <{url}data.ttl> WHERE {{ ?s ?p ?o }}"),
        q(f"SELECT * FROM NAMED <{url}data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
        q("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"),
        q("SELECT * FROM NAMED <file:///etc/hostname> WHERE { GRAPH ?g { ?s ?p ?o } }"),
        q(f"BASE <{url}> SELECT * FROM <data.ttl> WHERE {{ ?s ?p ?o }}"),
        q(f"DESCRIBE ?s FROM <{url}> WHERE {{ ?s ?p ?o }}"),
        {"query": "ASK { ?s ?p ?o }", "default-graph-uri": f"{url}data.ttl"},
        {"query": "ASK { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": f"{url}data.ttl"},
        {"query": "ASK { ?s ?p ?o }", "default-graph-uri": "file:///etc/passwd"},
        q(f"LOAD <{url}data.ttl>"),
        {"update": f"LOAD <{url}data.ttl>"},
        # Allowed, but still never fetched: DESCRIBE of an outside IRI looks only in the store.
        q(f"DESCRIBE <{url}>"),
    ]


@pytest.mark.parametrize("which", ["guarded", "small"], ids=["guard-only", "guard-and-netns"])
def test_no_request_makes_the_server_reach_out(which: str, request) -> None:
    server = request.getfixturevalue(which)
    with Canary() as canary:
        # The canary counts: one request of our own, then reset.
        assert httpx.get(canary.url + "probe", timeout=5).status_code == 200 and len(canary.hits) == 1
        canary.hits.clear()
        tried = variants(canary.url)
        for data in tried:
            r = httpx.post(server.url + "/sparql", data=data, timeout=30)
            if data.get("query", "").startswith("DESCRIBE <"):
                assert r.status_code == 200
            elif "\\u0022" in data.get("query", ""):
                # Normalised, both parsers see two long strings and no SERVICE: it may run.
                assert r.status_code in (200, 400, 403), r.text
            else:
                assert r.status_code in (400, 403), (data, r.status_code, r.text)
        # The same through the web API: a parameter value is only ever a value.
        r = httpx.get(
            server.url + "/api/queries/entity-search",
            params={"text": f'x" }} SERVICE <{canary.url}> {{ ?s ?p ?o }} #'},
            timeout=30,
        )
        assert r.status_code == 200 and r.json()["results"]["bindings"] == []
        time.sleep(0.5)  # anything in flight would have arrived by now
        assert canary.hits == [], canary.hits
    assert len(tried) >= 20


# --- a hard deadline -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, stopped_by", [(RUNAWAY, "deadlines"), (RUNAWAY_SORT, None)], ids=["deadline", "deadline-or-memory-cap"]
)
def test_a_runaway_query_is_stopped_and_others_are_served_meanwhile(guarded, query, stopped_by) -> None:
    wait_until_idle(guarded)
    before = guarded.health()
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        started = time.monotonic()
        runaway = pool.submit(lambda: (sparql(guarded, query), time.monotonic()))
        time.sleep(0.5)
        meanwhile = quick_ok(guarded)  # served by the other worker while the runaway runs
        served_at = time.monotonic()
        response, answered_at = runaway.result(timeout=TIMEOUT + 30)
    assert meanwhile.status_code == 200 and served_at < answered_at
    assert response.status_code == 503
    assert answered_at - started < TIMEOUT + 5
    nxt = time.monotonic()
    quick_ok(guarded)
    assert time.monotonic() - nxt < 5  # the next query is answered at once, not after a restart
    after = guarded.health()
    if stopped_by == "deadlines":
        assert "time limit" in response.text and after["deadlines"] == before["deadlines"] + 1
    else:
        assert after["deadlines"] + after["deaths"] == before["deadlines"] + before["deaths"] + 1
    wait_until_idle(guarded)  # and the killed worker has been replaced


def children(pid: int) -> list[int]:
    return [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]


def zygote_and_workers(server) -> tuple[int, list[int]]:
    """The server's one worker-module child (the zygote, which loaded the dataset) and its children."""
    (zygote,) = [
        c for c in children(server.proc.pid) if "probkg.serve.zygote" in Path(f"/proc/{c}/cmdline").read_text()
    ]
    return zygote, children(zygote)


def test_workers_are_forks_of_one_loaded_process(guarded) -> None:
    wait_until_idle(guarded)
    _, workers = zygote_and_workers(guarded)
    assert len(workers) == 2


@pytest.fixture(scope="module")
def recycling(tmp_path_factory):
    """--recycle-memory 0: every worker is replaced after answering, whatever it holds."""
    srv = start_server(tmp_path_factory, "recycling", "--recycle-memory", "0")
    yield srv
    srv.stop()


def test_a_worker_is_replaced_by_a_fresh_fork_after_a_long_request(recycling) -> None:
    wait_until_idle(recycling)
    _, before = zygote_and_workers(recycling)
    recycled = recycling.health()["recycled"]
    quick_ok(recycling)
    wait_until_idle(recycling)
    _, after = zygote_and_workers(recycling)
    assert recycling.health()["recycled"] == recycled + 1
    assert len(after) == 2 and len(set(after) - set(before)) == 1


def test_the_pool_recovers_when_the_process_holding_the_dataset_dies(guarded) -> None:
    """Killing the zygote takes its workers with it; the pool starts (and loads) a new one."""
    wait_until_idle(guarded)
    zygote, _ = zygote_and_workers(guarded)
    os.kill(zygote, signal.SIGKILL)
    statuses = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        r = sparql(guarded, QUICK, format="csv")
        statuses.append(r.status_code)
        if r.status_code == 200:
            break
        time.sleep(0.2)
    assert statuses[-1] == 200 and set(statuses[:-1]) <= {503}, statuses
    wait_until_idle(guarded)
    new, workers = zygote_and_workers(guarded)
    assert new != zygote and len(workers) == 2
    quick_ok(guarded)


def test_a_query_that_needs_too_much_memory_ends_its_worker_not_the_server(guarded) -> None:
    wait_until_idle(guarded)
    health = guarded.health()
    # Each BIND doubles a string: 2^34 bytes at the end, far over the 1 GiB worker cap.
    binds = " ".join(f"BIND(CONCAT(?s{i}, ?s{i}) AS ?s{i + 1})" for i in range(31))
    bomb = f'SELECT (STRLEN(?s31) AS ?n) WHERE {{ BIND("xxxxxxxx" AS ?s0) {binds} }}'
    r = sparql(guarded, bomb)
    assert r.status_code == 503
    after = guarded.health()
    assert after["deaths"] + after["deadlines"] == health["deaths"] + health["deadlines"] + 1
    quick_ok(guarded)
    wait_until_idle(guarded)


# --- bounded concurrency ---------------------------------------------------------------------


def test_beyond_the_workers_and_queue_requests_get_429_and_health_stays_fast(guarded) -> None:
    wait_until_idle(guarded)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        runaways = [pool.submit(sparql, guarded, RUNAWAY) for _ in range(6)]
        time.sleep(0.5)
        loaded = []
        for _ in range(5):
            t = time.monotonic()
            health = guarded.health()
            assert time.monotonic() - t < 2, "health was slow under load"
            loaded.append(health)
            time.sleep(0.1)
        responses = [f.result(timeout=TIMEOUT + 30) for f in runaways]
    assert any(h["idle"] == 0 and h["waiting"] > 0 for h in loaded), loaded  # it was measured under load
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {429, 503} and 429 in statuses, statuses
    refused = next(r for r in responses if r.status_code == 429)
    assert refused.headers["retry-after"] == "1"
    wait_until_idle(guarded)
    quick_ok(guarded)


# --- explicit caps ---------------------------------------------------------------------------


def test_a_result_over_max_rows_is_refused_never_cut(small) -> None:
    exactly = sparql(small, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 100", format="csv")
    assert exactly.status_code == 200 and len(exactly.text.splitlines()) == 101
    for query in (
        "SELECT ?s WHERE { ?s ?p ?o } LIMIT 101",
        "SELECT * WHERE { ?s ?p ?o }",
        "CONSTRUCT WHERE { ?s ?p ?o }",
    ):
        for fmt in ("json", "csv", None):
            r = sparql(small, query, **({"format": fmt} if fmt else {}))
            if query.startswith("CONSTRUCT") and fmt:
                continue
            assert r.status_code == 422 and "more than 100" in r.text, (query, fmt, r.text)
            assert r.headers["probkg-limit"] == "max-rows"
    api = httpx.get(small.url + "/api/queries/entity-search", params={"text": "a"}, timeout=30)
    assert api.status_code == 422 and "more than 100" in api.json()["error"]


def test_large_bodies_and_long_urls_are_refused_before_parsing(small) -> None:
    filler = "#" + "x" * 5000 + "\n"
    big = httpx.post(
        small.url + "/sparql",
        content=filler + "ASK {}",
        timeout=30,
        headers={"Content-Type": "application/sparql-query"},
    )
    assert big.status_code == 413

    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(10):
            yield b"#" + b"x" * 1000 + b"\n"
        yield b"ASK {}"

    streamed = httpx.post(
        small.url + "/sparql", content=chunks(), timeout=30, headers={"Content-Type": "application/sparql-query"}
    )
    assert streamed.status_code == 413
    long_url = httpx.get(small.url + "/sparql", params={"query": filler + "ASK {}"}, timeout=30)
    assert long_url.status_code == 414
    # Just under both limits, the same kind of request is fine.
    short = "#" + "x" * 1000 + "\nASK {}"
    assert httpx.get(small.url + "/sparql", params={"query": short}, timeout=30).status_code == 200
    assert (
        httpx.post(
            small.url + "/sparql", content=short, timeout=30, headers={"Content-Type": "application/sparql-query"}
        ).status_code
        == 200
    )


def raw_request(server, head: bytes) -> bytes:
    """Send bytes on a fresh connection and read until the server closes it (or 30 s pass)."""
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            sock.sendall(head)
        received = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := sock.recv(65536):
                received += chunk
    return received


def test_an_endless_request_head_is_cut_off_with_431(small) -> None:
    """The head (request line and headers) is capped at --max-url plus 64 KiB, here 2,048 + 65,536 bytes."""
    start = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Filler: "
    endless = raw_request(small, start + b"a" * 100_000)  # the header never ends
    assert endless.startswith(b"HTTP/1.1 431 "), endless[:200]
    under = raw_request(small, start + b"a" * 60_000 + b"\r\n\r\n")
    assert under.startswith(b"HTTP/1.1 200 "), under[:200]
