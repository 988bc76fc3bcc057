"""Serving side by side: `probkg serve` against Oxigraph's server, Virtuoso and rdflib-endpoint.

Called by `bench/run.py` (its serve step) for each `--serve-at` size. Every
contender is started on 127.0.0.1 with the same data (the loaded store written
once as N-Quads, each file in its named graph, the default graph their union):

* `probkg serve` (2 workers), queries at `/sparql`;
* Oxigraph's own server (the `oxigraph` package's CLI) in memory, the dataset
  POSTed to its Graph Store endpoint, and on disk (`oxigraph load` into a
  RocksDB folder, then `oxigraph serve-read-only`), both with
  `--union-default-graph`;
* OpenLink Virtuoso 7 (`virtuoso-t`, Debian's package), loaded with its bulk
  loader into one graph (Virtuoso's default graph is the union of all graphs);
* rdflib-endpoint over the N-Triples.

Then three queries, the same SPARQL text to every server (GET, results as JSON):
a lookup, a mid saved query (`recurring-problems`) and a heavy one
(`band-changes`). Each pair of contender and query is first probed once, with a
time limit: a contender that gives no answer in time is restarted (a server
cannot be told to drop a query) and left out of that query's cells. Then
`repeats` rounds: in each, for each query, every contender in turn (the order
rotated from round to round, so no contender always follows the same one) gets
one wrk cell of `seconds` with `clients` keep-alive connections. After a cell
the harness waits until the contender's process tree is idle again (a server
still busy after a minute is restarted), so work left queued by one cell is
not paid by the next contender; the CPU time of the
tree from the cell's start to that point, over the answered requests, is its
CPU a request. Each tree's proportional set size (Pss) is sampled twice a
second all along; for `probkg serve`, also after every saved query has run once
through `/api/queries/`. Nothing is asserted: bench/report.py writes the
tables and judges the targets of issue 21.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
CONTENDERS = ("probkg", "oxigraph-memory", "oxigraph-disk", "virtuoso", "rdflib-endpoint")
SAVED = {"mid": "recurring-problems", "heavy": "band-changes"}
CLK = os.sysconf("SC_CLK_TCK")
START_TIMEOUT = 900.0
DRAIN_LIMIT = 60.0
"""Seconds a server may stay busy after a cell; past it, it is restarted before the next cell."""


# ------------------------------------------------------------ process trees


def tree(pid: int) -> list[int]:
    """The process and all its descendants (`probkg serve`'s workers are its grandchildren)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def _proc_kib(pid: int, name: str, field_name: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_memory(pid: int) -> dict:
    """MiB of a process tree: the sum of each process's peak RSS (VmHWM), which counts a page
    shared by forked processes once per process, and the sum of their proportional set size
    (Pss) now, which counts it once in all."""
    pids = tree(pid)
    return {
        "hwm_mb": sum(_proc_kib(p, "status", "VmHWM") for p in pids) / 1024,
        "pss_mb": sum(_proc_kib(p, "smaps_rollup", "Pss") for p in pids) / 1024,
    }


def cpu_seconds(pid: int, own: bool = False) -> float:
    """CPU (user + system) of a process tree, including its reaped children (a recycled worker's
    time stays in its parent's cutime/cstime, so nothing is counted twice); `own`: the root alone."""
    total = 0
    for p in [pid] if own else tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(x) for x in fields[11 : 13 if own else 15])  # utime stime [cutime cstime]
    return total / CLK


def wait_idle(pid: int, limit: float, busy: float = 0.05) -> float:
    """Wait (at most `limit` s) until the tree uses under `busy` of a core over 0.25 s; the seconds waited."""
    t0 = time.monotonic()
    last = cpu_seconds(pid)
    while time.monotonic() - t0 < limit:
        time.sleep(0.25)
        now = cpu_seconds(pid)
        if now - last < busy * 0.25:
            break
        last = now
    return time.monotonic() - t0


class PeakPss(threading.Thread):
    """Samples a process tree's Pss twice a second; the kernel keeps no peak of it."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.5):
            self.peak = max(self.peak, tree_memory(self.pid)["pss_mb"])


# --------------------------------------------------------------- contenders


def get(url: str, timeout: float, accept: str = "application/sparql-results+json") -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_http(url: str, deadline: float, proc: subprocess.Popen) -> bool:
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if get(url, 5)[0] == 200:
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


@dataclass
class Server:
    """One running contender: its process group, query URL and log."""

    name: str
    proc: subprocess.Popen
    url: str
    log: Path
    startup: float
    stops: list[Callable[[], None]] = field(default_factory=list)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        for f in self.stops:
            f()


def dump(root: Path, work: Path) -> tuple[Path, Path]:
    """The loaded store as N-Quads (named graphs) and as N-Triples (one graph), written once."""
    nq, nt = work / "all.nq", work / "all.nt"
    if not (nq.exists() and nt.exists()):
        import pyoxigraph as ox

        sys.path.insert(0, str(ROOT / "src"))
        from probkg.core.paths import Layout
        from probkg.rdf.store import load

        store = load(lay=Layout(root)).store
        nq.write_bytes(ox.serialize(store, format=ox.RdfFormat.N_QUADS) or b"")
        nt.write_bytes(
            ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in store], format=ox.RdfFormat.N_TRIPLES)
            or b""
        )
    return nq, nt


def start(
    name: str, root: Path, work: Path, spawn: Callable[..., subprocess.Popen], free_port: Callable[[], int]
) -> Server:
    """Start one contender, loaded and answering; raises RuntimeError if it does not come up."""
    port = free_port()
    nq, nt = dump(root, work)
    log = work / f"serve-{name}.log"
    out = log.open("wb")
    host = f"127.0.0.1:{port}"
    after: Callable[[], None] | None = None
    stops: list[Callable[[], None]] = []
    t0 = time.monotonic()
    if name == "probkg":
        argv = [str(BIN / "probkg"), "--root", str(root), "serve", "--port", str(port)]
        argv += ["--workers", "2", "--queue", "64", "--max-rows", "1000000", "--timeout", "120"]
        url = f"http://{host}/sparql"
    elif name.startswith("oxigraph"):
        exe = BIN / "oxigraph"
        if not exe.exists():
            raise RuntimeError("the oxigraph CLI is not installed (pip install -e '.[bench]')")
        url = f"http://{host}/query"
        if name == "oxigraph-memory":
            argv = [str(exe), "serve", "--bind", host, "--union-default-graph"]

            def after() -> None:
                request = urllib.request.Request(
                    f"http://{host}/store", data=nq.read_bytes(), headers={"Content-Type": "application/n-quads"}
                )
                with urllib.request.urlopen(request, timeout=START_TIMEOUT) as r:
                    r.read()
        else:
            db = work / "oxigraph-db"
            if not db.exists():
                subprocess.run(
                    [str(exe), "load", "--location", str(db), "--file", str(nq)],
                    check=True,
                    capture_output=True,
                    timeout=START_TIMEOUT,
                )
            argv = [str(exe), "serve-read-only", "--location", str(db), "--bind", host, "--union-default-graph"]
    elif name == "virtuoso":
        virtuoso, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
        if virtuoso is None or isql is None:
            raise RuntimeError("virtuoso-opensource-7-bin is not installed")
        folder = work / "virtuoso"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        shutil.copy(nt, folder / "all.nt")
        sql_port = free_port()
        while sql_port == port:
            sql_port = free_port()
        buffers = max(20_000, nt.stat().st_size // 8192 * 2)  # about twice the N-Triples' size in pages
        sys.path.insert(0, str(ROOT / "tests"))  # one writer of virtuoso.ini for the test and the benchmark
        from support.virtuoso import config

        (folder / "virtuoso.ini").write_text(config(folder, sql_port, port, buffers, 32), encoding="utf-8")
        argv = [virtuoso, "+foreground", "+configfile", str(folder / "virtuoso.ini")]
        url = f"http://{host}/sparql"

        def after() -> None:
            password = secrets.token_hex(12)
            script = (
                f"ld_dir('{folder}', 'all.nt', 'urn:probkg:bench'); rdf_loader_run(); checkpoint; "
                f'SET PASSWORD "dba" "{password}";'
            )
            done = subprocess.run(
                [isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={script}"],
                capture_output=True,
                text=True,
                timeout=START_TIMEOUT,
                stdin=subprocess.DEVNULL,
            )
            if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:  # isql exits 0 on SQL errors
                raise RuntimeError(f"Virtuoso's bulk load failed: {done.stdout[-500:]}{done.stderr[-500:]}")

        stops.append(lambda: shutil.rmtree(folder, ignore_errors=True))
    else:
        exe = BIN / "rdflib-endpoint"
        if not exe.exists():
            raise RuntimeError("rdflib-endpoint is not installed (pip install -e '.[bench]')")
        argv = [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port), str(nt)]
        url = f"http://{host}/"  # rdflib-endpoint answers SPARQL at its root
    proc = spawn(argv, stdout=out, stderr=subprocess.STDOUT, cwd=work)
    out.close()
    server = Server(name, proc, url, log, 0.0, stops)
    probe = f"{url}?{urllib.parse.urlencode({'query': 'ASK {}'})}"
    if not wait_http(probe, time.monotonic() + START_TIMEOUT, proc):
        server.stop()
        raise RuntimeError(f"{name} did not come up; see {log}")
    if after is not None:
        try:
            after()
        except Exception:
            server.stop()
            raise
    server.startup = time.monotonic() - t0
    return server


# ------------------------------------------------------------------ measuring


def query_texts(root: Path) -> dict[str, str]:
    """The three queries as full SPARQL texts: prologue added and defaults bound as the remote path does."""
    sys.path.insert(0, str(ROOT / "src"))
    from probkg.sparql.catalogue import catalogue
    from probkg.sparql.engines import inline_values, with_prologue

    saved = catalogue(root / "queries")
    from run import LOOKUP

    texts = {"lookup": LOOKUP}
    for kind, name in SAVED.items():
        q = saved[name]
        texts[kind] = inline_values(with_prologue(q.text), q.bind({}))
    return texts


def rows(body: bytes) -> int | None:
    try:
        return len(json.loads(body)["results"]["bindings"])
    except (ValueError, KeyError, TypeError):
        return None


def cell(server: Server, text: str, clients: int, seconds: float) -> dict:
    """One wrk run against `server`, with the tree's CPU a request and the wait for it to go idle."""
    from serve_load import wrk_load

    pid = server.proc.pid
    c0, own0 = cpu_seconds(pid), cpu_seconds(pid, own=True)
    r = wrk_load(f"{server.url}?{urllib.parse.urlencode({'query': text})}", clients, seconds, int(seconds * 50_000))
    drained = wait_idle(pid, DRAIN_LIMIT)
    cpu, own = cpu_seconds(pid) - c0, cpu_seconds(pid, own=True) - own0
    ok = r["ok"] or None  # no answer within the cell: no CPU a request either
    return {
        "rps": r["throughput"],
        "p50": r["p50"] / 1000,
        "p99": r["p99"] / 1000,
        "ok": r["ok"],
        "errors": r["errors"],
        # A worker that left the tree unreaped took its CPU time along: below zero is no figure at all.
        "cpu_ms": cpu / ok * 1000 if ok and cpu >= 0 else None,
        "main_cpu_ms": own / ok * 1000 if ok and cpu >= 0 else None,
        "drain_s": drained,
    }


def compare(
    root: Path,
    work: Path,
    spawn: Callable[..., subprocess.Popen],
    free_port: Callable[[], int],
    clients: int = 16,
    seconds: float = 10.0,
    repeats: int = 3,
    probe_timeout: float = 60.0,
    say: Callable[[str], None] = print,
) -> dict:
    """Every contender, every query, `repeats` interleaved rounds; see the module's docstring."""
    texts = query_texts(root)
    servers: dict[str, Server] = {}
    samplers: dict[str, PeakPss] = {}
    out: dict = {"clients": clients, "seconds": seconds, "repeats": repeats, "contenders": {}, "cells": {}}

    def up(name: str) -> None:
        servers[name] = start(name, root, work, spawn, free_port)
        samplers[name] = PeakPss(servers[name].proc.pid)
        samplers[name].start()

    def restart(name: str, why: str) -> None:
        """A server still busy with work nobody waits for: only a fresh one stops it taking the others' CPU."""
        say(f"{name}: {why}; restarting it")
        samplers[name].stop.set()
        peak = samplers.pop(name).peak
        servers.pop(name).stop()
        up(name)
        samplers[name].peak = peak
        out["contenders"][name]["restarts"] = out["contenders"][name].get("restarts", 0) + 1

    try:
        for name in CONTENDERS:
            say(f"start {name}")
            try:
                up(name)
                out["contenders"][name] = {"startup": servers[name].startup, "rows": {}, "probe": {}}
            except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
                out["contenders"][name] = {"skipped": str(exc)[-600:]}
        # the probe: one request each, bounded; a contender with no answer in time is restarted
        left_out: set[tuple[str, str]] = set()
        for kind, text in texts.items():
            for name in list(servers):
                info = out["contenders"][name]
                t0 = time.monotonic()
                try:
                    status, body = get(f"{servers[name].url}?{urllib.parse.urlencode({'query': text})}", probe_timeout)
                    info["probe"][kind] = time.monotonic() - t0
                    info["rows"][kind] = rows(body) if status == 200 else f"HTTP {status}"
                    if status != 200:
                        left_out.add((name, kind))
                except (OSError, TimeoutError):
                    info["probe"][kind] = f"no answer in {probe_timeout:.0f} s"
                    left_out.add((name, kind))
                    restart(name, f"no answer to {kind} in {probe_timeout:.0f} s")
        from serve_load import wrk_load

        for server in servers.values():  # warm-up: connections, caches, the workers' first requests
            wrk_load(f"{server.url}?{urllib.parse.urlencode({'query': texts['lookup']})}", 2, 1.0, 20_000)
            wait_idle(server.proc.pid, DRAIN_LIMIT)
        for round_ in range(repeats):
            order = [n for n in CONTENDERS if n in servers]
            order = order[round_ % len(order) :] + order[: round_ % len(order)] if order else order
            for kind, text in texts.items():
                for name in order:
                    if (name, kind) in left_out:
                        continue
                    say(f"round {round_ + 1}/{repeats}: {kind} on {name}")
                    result = cell(servers[name], text, clients, seconds)
                    out["cells"].setdefault(kind, {}).setdefault(name, []).append(result)
                    if result["drain_s"] >= DRAIN_LIMIT:
                        restart(name, f"still busy {DRAIN_LIMIT:.0f} s after a {kind} cell")
        if "probkg" in servers:  # every saved query once: the workers' pages that a full scan touches
            from probkg.sparql.catalogue import catalogue

            base = servers["probkg"].url.removesuffix("/sparql")
            for name in catalogue(root / "queries"):
                get(f"{base}/api/queries/{name}", 300)  # a 422 past --max-rows still ran the query
            out["pss_after_queries_mb"] = tree_memory(servers["probkg"].proc.pid)["pss_mb"]
            status, body = get(f"{base}/health", 30, "application/json")  # the pool: deaths, restarts, recycles
            out["contenders"]["probkg"]["health"] = json.loads(body) if status == 200 else f"HTTP {status}"
        for name, server in servers.items():
            memory = tree_memory(server.proc.pid)
            samplers[name].stop.set()
            out["contenders"][name].update(
                pss_mb=max(samplers[name].peak, memory["pss_mb"]), pss_end_mb=memory["pss_mb"], rss_mb=memory["hwm_mb"]
            )
    finally:
        for server in servers.values():
            server.stop()
    return out
