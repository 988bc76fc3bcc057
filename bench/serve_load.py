"""Load test of `probkg serve` on loopback: throughput and p50/p99 latency at 1, 4 and 16 clients.

    .venv/bin/python bench/serve_load.py [--seconds 5] [--clients 1,4,16] [--workers 2] [--url URL]

Starts `probkg serve` on a free port of 127.0.0.1 (unless --url names a running
one), then for each query and each number of clients runs that many client
threads, each with its own keep-alive connection, sending requests back to back
for --seconds (and at most --max-requests in all), and prints a Markdown table.
Every run is bounded in time and count and stops by itself.

The two queries:

* lookup: one entity's triples by IRI, through the SPARQL protocol
  (`SELECT ?p ?o WHERE { system:visor ?p ?o }`);
* cross-inspection: the saved query `band-changes` through the web API: every
  pair of ratings on comparable standards (skos:closeMatch) across inspections.

Clients and server share the machine (2 cores here), so the client threads'
own CPU is part of what is measured; latency is from request sent to body read.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
QUERIES = {
    "lookup": ("/sparql", {"query": "SELECT ?p ?o WHERE { system:visor ?p ?o }"}),
    "cross-inspection": ("/api/queries/band-changes", {}),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(workers: int, queue: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    exe = Path(sys.executable).parent / "probkg"
    proc = subprocess.Popen([str(exe), "--root", str(ROOT), "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", str(workers), "--queue", str(queue)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    stop(proc)
    raise SystemExit("probkg serve did not start")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def run(url: str, path: str, params: dict, clients: int, seconds: float, max_requests: int) -> dict:
    target = url + path + ("?" + urllib.parse.urlencode(params) if params else "")
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    budget = [max_requests]
    stop_at = time.monotonic() + seconds

    def client() -> None:
        with httpx.Client(timeout=60, headers={"Accept": "application/sparql-results+json"}) as http:
            while time.monotonic() < stop_at:
                with lock:
                    if budget[0] <= 0:
                        return
                    budget[0] -= 1
                t = time.perf_counter()
                try:
                    status = http.get(target).status_code
                except httpx.HTTPError:
                    status = 0
                elapsed = time.perf_counter() - t
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                    if status == 200:
                        latencies.append(elapsed)

    began = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    wall = time.monotonic() - began
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else float("nan")

    return {"requests": sum(statuses.values()), "ok": statuses.get(200, 0), "statuses": statuses,
            "throughput": statuses.get(200, 0) / wall, "p50": pct(0.50), "p99": pct(0.99),
            "mean": statistics.fmean(latencies) * 1000 if latencies else float("nan")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each run")
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--max-requests", type=int, default=20_000, help="cap on requests per run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--queue", type=int, default=16)
    parser.add_argument("--url", help="a running server to measure instead of starting one")
    args = parser.parse_args()

    proc = None
    url = args.url
    if url is None:
        proc, url = start(args.workers, args.queue)
    try:
        for path, params in QUERIES.values():  # warm-up: caches, connections
            run(url, path, params, 2, 1.0, 50)
        print(f"probkg serve on loopback, {args.workers} workers, queue {args.queue}, {args.seconds:g} s per run, "
              f"{os.cpu_count()} cores shared by server and clients\n")
        print("| query | clients | requests | ok | other statuses | throughput (req/s) | p50 (ms) | p99 (ms) |")
        print("|---|---:|---:|---:|---|---:|---:|---:|")
        for name, (path, params) in QUERIES.items():
            for clients in (int(c) for c in args.clients.split(",")):
                r = run(url, path, params, clients, args.seconds, args.max_requests)
                other = ", ".join(f"{k}: {v}" for k, v in sorted(r["statuses"].items()) if k != 200) or "none"
                print(f"| {name} | {clients} | {r['requests']} | {r['ok']} | {other} | {r['throughput']:.0f} | "
                      f"{r['p50']:.1f} | {r['p99']:.1f} |", flush=True)
    finally:
        if proc is not None:
            stop(proc)


if __name__ == "__main__":
    main()
