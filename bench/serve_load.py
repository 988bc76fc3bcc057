"""Load test of `probkg serve` on loopback: throughput and p50/p99 latency at 1, 4 and 16 clients.

    .venv/bin/python bench/serve_load.py [--seconds 5] [--clients 1,4,16] [--workers 2] [--url URL]
        [--only lookup,...] [--src OTHER_CHECKOUT/src]

Starts `probkg serve` on a free port of 127.0.0.1 (unless --url names a running
one), then for each query and each number of clients runs wrk with that many
keep-alive connections, each sending requests back to back for --seconds (and
at most --max-requests in all), and prints a Markdown table. Every run is
bounded in time and count and stops by itself. `bench/run.py` measures its
serving step with the same `wrk_load`.

The load comes from wrk (Debian's package, in scripts/apt-packages.txt), a C
client on one thread, because client and server share the machine: Python
client threads took about as much CPU per request as the server, so they
measured themselves as much as the server.

The queries:

* lookup: one entity's triples by IRI, through the SPARQL protocol
  (`SELECT ?p ?o WHERE { system:visor ?p ?o }`);
* lookup, every text new: the same, with a different comment after it on each
  request, so no cache of a verdict on the text (the worker's, rdflib's) helps;
* cross-inspection: the saved query `band-changes` through the web API: every
  pair of ratings on comparable standards (skos:closeMatch) across inspections.

Latency is wrk's: from a request's first byte sent to its response's last byte read.
For a server it started, it also reports the CPU time (user and system, from
/proc) the server's whole process tree spent per answered request, and how much
of that was the main process (HTTP, routing, the hop to a worker), and waits
for the tree to go idle before each run, so requests still queued from one run
do not land on the next. `--src` runs the server from another checkout's
`src/` (for before-and-after comparisons on the same machine state).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from peers import cpu_seconds, wait_idle

ROOT = Path(__file__).resolve().parent.parent
LOOKUP = {"query": "SELECT ?p ?o WHERE { system:visor ?p ?o }"}
QUERIES = {  # name: (path, parameters, a new text on each request)
    "lookup": ("/sparql", LOOKUP, False),
    "lookup, every text new": ("/sparql", LOOKUP, True),
    "cross-inspection": ("/api/queries/band-changes", {}, False),
}
RESULTS_JSON = "application/sparql-results+json"

# One wrk thread: its request budget is then the whole run's. `unique` appends "+%23+N"
# to the URL, which ends in the query parameter: " # N", a comment, after the query.
# Past the budget the thread stops sending, though wrk still waits out the duration.
WRK_SCRIPT = """
local budget, unique, sent, fixed = %(budget)d, %(unique)s, 0, nil
init = function(args) fixed = wrk.format() end
request = function()
  sent = sent + 1
  if sent > budget then wrk.thread:stop() end
  if unique then return wrk.format(nil, wrk.path .. "+%%23+" .. sent) end
  return fixed
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"responses": %%d, "seconds": %%.6f, "non2xx": %%d, "socket_errors": %%d, '
    .. '"p50_ms": %%.3f, "p99_ms": %%.3f}\\n', summary.requests, summary.duration / 1e6, e.status,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def wrk_load(
    url: str, clients: int, seconds: float, max_requests: int, unique: bool = False, accept: str = RESULTS_JSON
) -> dict:
    """`clients` keep-alive connections sending GET `url` back to back; counts, req/s and latency (ms).

    `ok` counts 2xx and 3xx responses; `errors` the others and the socket errors.
    `capped` says the run stopped at `max_requests` before its time was up, so its
    throughput (over the whole duration) is an undercount.
    """
    exe = shutil.which("wrk")
    if exe is None:
        raise SystemExit("wrk is not installed: apt-get install wrk (it is in scripts/apt-packages.txt)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT % {"budget": max_requests, "unique": "true" if unique else "false"})
        script.flush()
        done = subprocess.run(
            [
                exe,
                "-t1",
                f"-c{clients}",
                f"-d{seconds:g}s",
                "--timeout",
                "30s",
                "-s",
                script.name,
                "-H",
                f"Accept: {accept}",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 120,
        )
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    r = json.loads(line[4:])
    ok = r["responses"] - r["non2xx"]
    return {
        "requests": r["responses"] + r["socket_errors"],
        "ok": ok,
        "errors": r["non2xx"] + r["socket_errors"],
        "throughput": ok / r["seconds"],
        "p50": r["p50_ms"],
        "p99": r["p99_ms"],
        "capped": r["responses"] >= max_requests,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(workers: int, queue: int, src: Path | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    exe = Path(sys.executable).parent / "probkg"
    proc = subprocess.Popen(
        [
            str(exe),
            "--root",
            str(ROOT),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--queue",
            str(queue),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(src)} if src else None,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            pass
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="duration of each run")
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--max-requests", type=int, default=100_000, help="cap on requests per run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--queue", type=int, default=16)
    parser.add_argument("--url", help="a running server to measure instead of starting one")
    parser.add_argument("--only", help="comma-separated names of the queries to run (default: all)")
    parser.add_argument("--src", type=Path, help="run the server from this src/ folder (another checkout's code)")
    args = parser.parse_args()
    chosen = args.only.split(",") if args.only else list(QUERIES)
    if unknown := set(chosen) - set(QUERIES):
        raise SystemExit(f"unknown queries {sorted(unknown)}; known: {', '.join(QUERIES)}")

    proc = None
    url = args.url
    if url is None:
        proc, url = start(args.workers, args.queue, args.src)
    try:
        targets = {
            name: (url + path + ("?" + urllib.parse.urlencode(params) if params else ""), unique)
            for name, (path, params, unique) in QUERIES.items()
            if name in chosen
        }
        for target, unique in targets.values():  # warm-up: caches, connections
            wrk_load(target, 2, 1.0, 50, unique)
        print(
            f"probkg serve on loopback, {args.workers} workers, queue {args.queue}, {args.seconds:g} s per run, "
            f"wrk (1 thread) as the client, {os.cpu_count()} cores shared by server and client\n"
        )
        print(
            "| query | clients | requests | ok | errors | throughput (req/s) | p50 (ms) | p99 (ms) "
            "| server CPU a request (ms) | of it, main process (ms) |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name, (target, unique) in targets.items():
            for clients in (int(c) for c in args.clients.split(",")):
                if proc is not None:
                    wait_idle(proc.pid, 30)
                    tree0, main0 = cpu_seconds(proc.pid), cpu_seconds(proc.pid, own=True)
                r = wrk_load(target, clients, args.seconds, args.max_requests, unique)
                cpu = main = "n/a"
                if proc is not None and r["ok"]:
                    cpu = f"{(cpu_seconds(proc.pid) - tree0) / r['ok'] * 1000:.3f}"
                    main = f"{(cpu_seconds(proc.pid, own=True) - main0) / r['ok'] * 1000:.3f}"
                capped = " (capped)" if r["capped"] else ""
                print(
                    f"| {name} | {clients} | {r['requests']} | {r['ok']} | {r['errors']} | "
                    f"{r['throughput']:.0f}{capped} | {r['p50']:.1f} | {r['p99']:.1f} | {cpu} | {main} |",
                    flush=True,
                )
    finally:
        if proc is not None:
            stop(proc)


if __name__ == "__main__":
    main()
