"""The worker pool of `probkg serve` keeps the truth about its workers and keeps what they learned.

* A worker that dies while idle (killed from outside) is noticed at once:
  `/health` stops counting it, a fresh fork takes its place, and no request is
  sent to the dead one (issue 19, item 5: each used to get a 503).
* Recycling is decided by the memory a worker holds, never by how long a request
  took, and a fresh fork still holds every saved query's check, made in the
  zygote before any fork (issue 21: "the recycle trap"). Nothing here is timed.

Facts relied on, from the 2025 Wales region report (004_7a4ad4ab751c8ea9.txt):
"| R 2.6 Victim work | Good |" (rating:2025-wales-region-2-6).
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from support.serving import start_server

pytestmark = pytest.mark.slow

QUICK = "SELECT ?band WHERE { rating:2025-wales-region-2-6 pko:band/skos:prefLabel ?band }"
HEAVY = "band-changes"  # pairs of ratings across inspections: the heaviest saved query (docs/performance.md)
# A self-join over every triple: tens of milliseconds of CPU, so a few of them make a worker read
# what it holds (it does once its requests have used 50 times what the last reading cost).
SCAN = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?s ?q ?r }"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = start_server(tmp_path_factory, "pool")
    yield srv
    srv.stop()


def lookup_ok(server) -> None:
    r = httpx.post(server.url + "/sparql", data={"query": QUICK, "format": "csv"}, timeout=30)
    # 004: "| R 2.6 Victim work | Good |"
    assert r.status_code == 200 and r.text == "band\r\nGood\r\n", r.text


def heavy_ok(server) -> None:
    r = httpx.get(server.url + f"/api/queries/{HEAVY}", timeout=30)
    assert r.status_code == 200 and r.json()["results"]["bindings"], r.text


def workers(server) -> list[int]:
    """The pids of the zygote's children: the workers."""

    def children(pid: int) -> list[int]:
        return [int(c) for t in Path(f"/proc/{pid}/task").iterdir() for c in (t / "children").read_text().split()]

    (zygote,) = [
        c for c in children(server.proc.pid) if "probkg.serve.zygote" in Path(f"/proc/{c}/cmdline").read_text()
    ]
    return children(zygote)


def health_until(server, ready, limit: float = 30) -> dict:
    """/health once `ready(health)` holds, polling at most `limit` seconds (a bound, not a measure)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        health = server.health()
        if ready(health):
            return health
        time.sleep(0.1)
    raise AssertionError(f"not reached: {server.health()}")


def test_workers_that_die_idle_are_replaced_and_health_tells_the_truth(server) -> None:
    health_until(server, lambda h: h["idle"] == 2)
    before = server.health()
    killed = workers(server)
    assert len(killed) == 2
    for pid in killed:
        os.kill(pid, signal.SIGKILL)
    health = health_until(server, lambda h: h["idle_deaths"] == before["idle_deaths"] + 2 and h["idle"] == 2)
    assert health["alive"] == 2 and health["restarts"] == before["restarts"] + 2
    assert not set(workers(server)) & set(killed)
    for _ in range(4):  # every worker, twice: none of them is a dead one
        lookup_ok(server)
    assert server.health()["deaths"] == before["deaths"]


def test_heavy_requests_do_not_recycle_and_the_check_cache_survives(server) -> None:
    """50 heavy requests in a row, then a lookup: at the default --recycle-memory (256 MiB) none is
    recycled on this dataset, and no request needs rdflib's parse (the saved query's check came
    from the zygote; the lookup takes the quick path)."""
    before = server.health()
    for _ in range(50):
        heavy_ok(server)
    lookup_ok(server)
    after = server.health()
    assert after["recycled"] == before["recycled"]
    assert after["parsed"] == before["parsed"]
    assert after["served"] == before["served"] + 51


@pytest.fixture(scope="module")
def recycling(tmp_path_factory):
    """--recycle-memory 0: every worker is replaced after every request, whatever it holds."""
    srv = start_server(tmp_path_factory, "recycle-always", "--recycle-memory", "0")
    yield srv
    srv.stop()


def test_a_fresh_fork_still_holds_every_saved_querys_check(recycling) -> None:
    health_until(recycling, lambda h: h["idle"] == 2)
    before = recycling.health()
    for _ in range(10):
        heavy_ok(recycling)
        health_until(recycling, lambda h: h["idle"] == 2)
    after = recycling.health()
    assert after["recycled"] == before["recycled"] + 10  # exactly as configured: one per request
    assert after["parsed"] == before["parsed"]  # ten fresh forks, not one parse


@pytest.fixture(scope="module")
def frugal(tmp_path_factory):
    """--recycle-memory 1: a worker holding more than 1 MiB of its own is replaced."""
    srv = start_server(tmp_path_factory, "recycle-frugal", "--recycle-memory", "1")
    yield srv
    srv.stop()


def test_a_worker_is_recycled_for_what_it_holds_not_for_how_long_it_took(frugal) -> None:
    health_until(frugal, lambda h: h["idle"] == 2)
    before = frugal.health()
    for _ in range(20):  # cheap: too little work to be measured, so never recycled, however slow the machine
        lookup_ok(frugal)
    assert frugal.health()["recycled"] == before["recycled"]
    for _ in range(40):  # scans until one worker has worked enough to read its memory (bounded)
        r = httpx.post(frugal.url + "/sparql", data={"query": SCAN}, timeout=60)
        assert r.status_code == 200, r.text
        if frugal.health()["recycled"] > before["recycled"]:
            break
    assert health_until(frugal, lambda h: h["idle"] == 2)["recycled"] == before["recycled"] + 1


def zygote_of(server) -> int:
    (parent,) = {int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]) for pid in workers(server)}
    return parent


def test_a_worker_that_fails_to_start_is_counted_and_retried(server) -> None:
    """The fork in progress when the zygote dies fails ("0 bytes read": its socket closes before the
    worker says it is ready); /health counts that failure, and the pool retries until it is whole."""
    health_until(server, lambda h: h["idle"] == 2)
    before = server.health()
    zygote = zygote_of(server)
    os.kill(zygote, signal.SIGSTOP)  # it takes the next fork request but cannot answer it
    try:
        os.kill(workers(server)[0], signal.SIGKILL)
        # noticed, and the replacement asked for (it counts as alive while it starts)
        health_until(server, lambda h: h["idle_deaths"] == before["idle_deaths"] + 1 and h["idle"] == 1)
    finally:
        os.kill(zygote, signal.SIGKILL)  # the fork request dies with it, unanswered
    health = health_until(server, lambda h: h["alive"] == 2 and h["idle"] == 2, limit=90)
    assert health["start_failures"] > before["start_failures"]
    assert health["restarts"] >= before["restarts"] + 2  # the killed worker's and its sibling's
    lookup_ok(server)
