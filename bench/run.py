"""The benchmark: one command measures build, queries, validation and serving at each N.

    .venv/bin/python bench/run.py --regenerate    # N = 100, 1,000 and 5,000; about an hour

(`--sizes`, `--only`, `--skip-*` narrow a run; `--regenerate` rebuilds the corpora,
which keep their own copies of shapes/ and queries/ from when they were made.)

For each size it generates the synthetic corpus (`bench/generate.py`, seed 1)
and runs every measurement in a fresh child process, so wall time, CPU time
(user + system, from the kernel's accounting of the child) and peak resident
memory (ru_maxrss) belong to that measurement alone. Every figure is printed
next to its baseline as a ratio:

* build: `probkg.store.load` (named graphs) against pyoxigraph's own bulk load of
  the same files, and against rdflib's default store (a Dataset, one graph per file);
* queries: every saved query, p50 and p99 over repeats, Oxigraph (the default
  engine) against rdflib's default store, each query bounded by a time limit
  (pyoxigraph ignores signals, so an over-long query's process is killed);
* validation: `probkg validate` against a plain pyshacl run over the same files and
  shapes, and against Apache Jena's SHACL (Debian's package, scripts/setup.d/jena.sh);
  with the seeded defects found by each;
* serving (at the `--serve-at` sizes, 1,000 and 5,000; `bench/peers.py`): `probkg serve`
  side by side with Oxigraph's own server (in memory and on disk), Virtuoso and
  rdflib-endpoint (`pip install -e '.[bench]'` brings the Oxigraph CLI and
  rdflib-endpoint), a lookup, `recurring-problems` and `band-changes` from 16 wrk
  connections, interleaved and repeated (`--serve-repeats`), with the CPU a request
  and the memory (Pss) of each server's process tree.

`--quick` checks the whole harness in a few minutes (N = 100, serving included,
3 s cells, one round); its figures say nothing about the targets.

Nothing here asserts a time: the figures go to bench/RESULTS.md and the targets
are judged there.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable
sys.path.insert(0, str(ROOT / "src"))

LOOKUP = (
    "SELECT ?label ?band WHERE { <https://w3id.org/probation-kg/id/rating/syn-00042-1-1> "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label ; "
    "<https://w3id.org/probation-kg/ontology#band>/<http://www.w3.org/2004/02/skos/core#prefLabel> ?band }"
)


# ---------------------------------------------------------------- child tasks


def _files(root: Path) -> list[Path]:
    from probkg.core.paths import Layout

    return Layout(root).data_files()


def task_build(root: Path, how: str) -> dict:
    from probkg.core.paths import Layout

    lay = Layout(root)
    files = lay.data_files()
    for f in files:  # the same warm page cache for every contender, whichever runs first
        f.read_bytes()
    t0, c0 = time.perf_counter(), time.process_time()
    if how == "probkg":
        from probkg.rdf.store import load

        n = len(load(files, lay))
    elif how == "oxigraph":
        import pyoxigraph as ox

        store = ox.Store()
        for f in files:
            store.bulk_load(path=str(f), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(lay.graph_name(f)))
        n = len(store)
    else:
        import rdflib

        ds = rdflib.Dataset(default_union=True)
        for f in files:
            ds.graph(rdflib.URIRef(lay.graph_name(f))).parse(str(f), format="turtle")
        n = len(ds)
    return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0, "triples": n}


def task_queries(root: Path, engine: str, repeats: int, per_query: float) -> dict:
    """Load once, then run each saved query in a forked child that is killed at `per_query` seconds.

    pyoxigraph ignores signals, so only ending a process stops a query; forking
    after the load means a killed query costs no reload (rdflib takes minutes to
    load N = 5,000), and every query still sees the same loaded data.
    """
    from probkg.core.paths import Layout
    from probkg.rdf.store import load
    from probkg.sparql.catalogue import catalogue
    from probkg.sparql.engines import OxigraphEngine, RdflibEngine

    lay = Layout(root)
    runner = OxigraphEngine(load(lay=lay)) if engine == "oxigraph" else RdflibEngine(lay)
    # gc.freeze() keeps a forked child's collector off the loaded objects: a full collection
    # writes to every one of rdflib's millions, so the child copied the pages holding them and
    # rdflib's queries measured 1.5x to 2x slower than with it kept off (N = 100).
    gc.freeze()
    out: dict = {}
    for name, q in catalogue(lay.queries).items():
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never back into this loop, whatever happens
            reply: dict = {"error": "interrupted"}
            try:
                os.close(read_end)
                bindings = q.bind({})
                times, rows = [], 0
                for _ in range(repeats):
                    t0 = time.perf_counter()
                    rows = len(runner.run(q.text, bindings).rows)
                    times.append(time.perf_counter() - t0)
                reply = {"times": times, "rows": rows}
            except Exception as exc:  # reported as an error, not mistaken for a timeout
                reply = {"error": str(exc)}
            finally:
                os.write(write_end, json.dumps(reply).encode())
                os._exit(0)
        os.close(write_end)
        deadline = time.monotonic() + per_query
        while not os.waitpid(pid, os.WNOHANG)[0]:
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                break
            time.sleep(0.02)
        with os.fdopen(read_end, "rb") as reply:
            data = reply.read()
        if not data:
            out[name] = {"timeout": per_query}
            continue
        e = json.loads(data)
        if "error" in e:
            out[name] = e
            continue
        ts = sorted(e["times"])
        out[name] = {
            "p50": statistics.median(ts),
            "p99": ts[min(len(ts) - 1, int(round(0.99 * (len(ts) - 1))))],
            "rows": e["rows"],
        }
    return out


def task_pyshacl(root: Path) -> dict:
    import pyshacl
    import rdflib

    data = rdflib.Graph()
    for f in _files(root):
        data.parse(str(f), format="turtle")
    shapes = rdflib.Graph()
    for f in sorted((root / "shapes").glob("*.ttl")):
        shapes.parse(str(f), format="turtle")
    t0, c0 = time.perf_counter(), time.process_time()
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    results = [
        (str(report.value(r, sh.focusNode)), str(report.value(r, sh.resultSeverity)).rsplit("#", 1)[1])
        for r in report.subjects(rdflib.RDF.type, sh.ValidationResult)
    ]
    return {
        "seconds": time.perf_counter() - t0,
        "cpu": time.process_time() - c0,
        "violations": sum(1 for _, s in results if s == "Violation"),
        "focus": sorted({f for f, _ in results}),
    }


# --------------------------------------------------------------- measurement

_CHILDREN: set[int] = set()
"""Process groups of running children: killed if the benchmark itself is stopped."""


def _stop_children(signum=None, frame=None) -> None:
    for pgid in list(_CHILDREN):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except OSError:
            pass
    if signum is not None:
        sys.exit(128 + signum)


def _spawn(argv: list[str], **kw) -> subprocess.Popen:
    proc = subprocess.Popen(argv, start_new_session=True, **kw)
    _CHILDREN.add(proc.pid)
    return proc


def measure(argv: list[str], timeout: float, env: dict | None = None, cwd: Path | None = None) -> dict:
    """Run a child; its wall time, CPU (user+sys) and peak RSS, plus the JSON it prints last (if any)."""
    t0 = time.perf_counter()
    proc = _spawn(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd, env={**os.environ, **(env or {})})
    timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
    timer.start()
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    timer.cancel()
    _CHILDREN.discard(proc.pid)
    proc.returncode = os.waitstatus_to_exitcode(status)
    result = {
        "wall": time.perf_counter() - t0,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss_mb": usage.ru_maxrss / 1024,
        "exit": proc.returncode,
        "timeout": proc.returncode == -signal.SIGKILL,
    }
    lines = [line for line in out.decode("utf-8", "replace").splitlines() if line.startswith("{")]
    if lines:
        try:
            result["data"] = json.loads(lines[-1])
        except json.JSONDecodeError:
            pass
    if proc.returncode not in (0, 1) and not result["timeout"]:
        result["stderr"] = err.decode("utf-8", "replace")[-1500:]
    return result


def child(task: str, *args: str) -> list[str]:
    return [PY, str(Path(__file__).resolve()), "--task", task, *args]


def run_queries(root: Path, engine: str, repeats: int, per_query: float, timeout: float) -> dict:
    """Every saved query, p50 and p99 over `repeats`; one over `per_query` seconds is marked as timed out."""
    m = measure(child("queries", str(root), engine, str(repeats), str(per_query)), timeout)
    return {
        "queries": m.get("data") or {},
        "cpu": m["cpu"],
        "rss_mb": m["rss_mb"],
        "wall": m["wall"],
        **({"error": m.get("stderr") or "no result"} if "data" not in m else {}),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def jena_validate(root: Path, work: Path, timeout: float) -> dict:
    cp_file = ROOT / ".cache" / "jena" / "classpath"
    if not cp_file.exists():
        return {"skipped": "Jena classpath missing (scripts/setup.d/jena.sh)"}
    import pyoxigraph as ox

    from probkg.core.paths import Layout
    from probkg.rdf.store import load

    data = work / "jena-data.nt"
    shapes = work / "jena-shapes.nt"
    kg = load(lay=Layout(root))
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in kg.store]
    data.write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    shape_triples = [
        t for f in sorted((root / "shapes").glob("*.ttl")) for t in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE)
    ]
    shapes.write_bytes(ox.serialize(shape_triples, format=ox.RdfFormat.N_TRIPLES))
    report = work / "jena-report.ttl"
    argv = [
        "sh",
        "-c",
        f'exec java -cp "$(cat {cp_file})" shacl.shacl validate --shapes {shapes} --data {data} > {report}',
    ]
    result = measure(argv, timeout)
    if report.exists() and report.stat().st_size:
        rep = ox.Store()
        rep.load(path=str(report), format=ox.RdfFormat.TURTLE)
        rows = list(
            rep.query(
                "PREFIX sh: <http://www.w3.org/ns/shacl#> SELECT ?f ?s WHERE "
                "{ ?r a sh:ValidationResult ; sh:resultSeverity ?s ; sh:focusNode ?f }"
            )
        )
        result["violations"] = sum(1 for r in rows if r["s"].value.endswith("#Violation"))
        result["focus"] = sorted({r["f"].value for r in rows})
    return result


# ------------------------------------------------------------------- driver


def probkg_validate(root: Path, work: Path, extra: list[str], timeout: float) -> dict:
    """One `probkg validate` process, with the violations and focus nodes of its JSON report."""
    report = work / "probkg-validate.json"
    probkg = ROOT / ".venv" / "bin" / "probkg"
    args = " ".join(f'"{a}"' for a in extra)
    v = measure(
        ["sh", "-c", f'exec "{probkg}" --root "{root}" validate {args} --format json --timeout {timeout} > "{report}"'],
        timeout + 60,
    )
    if report.exists() and report.stat().st_size:
        document = json.loads(report.read_text())
        v["violations"] = sum(1 for r in document["results"] if r["severity"] == "violation")
        v["focus"] = sorted({r["focus"] for r in document["results"]})  # any severity: a missing theme is a warning
        v["engine"] = document.get("engine")
    return v


def bench_size(n: int, args) -> dict:
    root = HERE / "out" / f"n{n}"
    work = root / ".bench"
    if not (root / "manifest.json").exists() or args.regenerate:
        from generate import generate

        generate(n, args.seed, root)
    work.mkdir(exist_ok=True)
    manifest = json.loads((root / "manifest.json").read_text())
    res: dict = {"n": n, "triples": None, "manifest": manifest}
    big = n >= 5000

    def say(msg: str) -> None:
        print(f"[n={n}] {msg}", flush=True)

    steps = set(args.only.split(",")) if args.only else {"build", "queries", "validate", "serve"}
    for how in ("probkg", "oxigraph", "rdflib") if "build" in steps else ():
        if how == "rdflib" and big and args.skip_rdflib_at_5000:
            res[f"build_{how}"] = {"skipped": "rdflib build at N=5,000 not run (--skip-rdflib-at-5000)"}
            continue
        say(f"build {how}")
        res[f"build_{how}"] = measure(child("build", str(root), how), args.timeout)
    res["triples"] = (res.get("build_probkg", {}).get("data") or {}).get("triples")

    if "queries" in steps:
        say("queries oxigraph")
        res["queries_oxigraph"] = run_queries(root, "oxigraph", args.repeats, args.query_timeout, args.timeout)
    if "queries" in steps and (not big or not args.skip_rdflib_at_5000):
        say("queries rdflib")
        res["queries_rdflib"] = run_queries(root, "rdflib", max(3, args.repeats // 5), args.query_timeout, args.timeout)

    if "validate" in steps and not args.skip_validation and (not big or args.validate_at_5000):
        for key, extra in (
            ("validate_probkg", []),
            ("validate_reference", ["--engine", "pyshacl"]),
            ("revalidate_one", [str(root / "graph" / "inspections" / "syn-00042.ttl")]),
        ):
            say(f"probkg validate {' '.join(extra)}")
            res[key] = probkg_validate(root, work, extra, args.timeout)
        say("pyshacl (plain)")
        res["validate_pyshacl"] = measure(child("pyshacl", str(root)), args.pyshacl_timeout)
        say("jena")
        res["validate_jena"] = jena_validate(root, work, args.timeout)

    if "serve" in steps and not args.skip_serve and n in {int(x) for x in args.serve_at.split(",")}:
        from peers import compare

        res["serve_peers"] = compare(
            root, work, _spawn, free_port, 16, args.serve_seconds, args.serve_repeats, args.probe_timeout, say
        )
    return res


def main() -> None:
    parser = argparse.ArgumentParser(description="probation-kg benchmark")
    parser.add_argument("--task")
    parser.add_argument("rest", nargs="*")
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=1800.0, help="Seconds any one step may take.")
    parser.add_argument("--query-timeout", type=float, default=60.0, help="Seconds one query may take.")
    parser.add_argument(
        "--serve-at",
        default="1000,5000",
        help="Comma-separated sizes at which to measure serving (throughput, and peak memory).",
    )
    parser.add_argument("--serve-seconds", type=float, default=10.0, help="Seconds of each wrk cell.")
    parser.add_argument("--serve-repeats", type=int, default=3, help="Interleaved rounds of the serving cells.")
    parser.add_argument(
        "--probe-timeout",
        type=float,
        default=90.0,
        help="Seconds a server may take to answer a query once before it is left out of that query's cells.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="A small check of the whole harness: N = 100 only, serving there too, 3 s cells, one round.",
    )
    parser.add_argument("--skip-validation", action="store_true")
    parser.add_argument(
        "--pyshacl-timeout",
        type=float,
        default=600.0,
        help="Seconds the plain pyshacl baseline may take (547 s at N=1,000).",
    )
    parser.add_argument("--skip-serve", action="store_true")
    parser.add_argument("--validate-at-5000", action="store_true")
    parser.add_argument(
        "--skip-rdflib-at-5000",
        action="store_true",
        help="Leave out the rdflib baseline at N=5,000 (its build and queries take about 15 minutes).",
    )
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument(
        "--only",
        help="Comma-separated steps to (re)run: build,queries,validate,serve; "
        "other figures for that size are kept from the previous results.",
    )
    parser.add_argument("--json", type=Path, default=HERE / "out" / "results.json")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.serve_at, args.serve_seconds, args.serve_repeats = "100", "100", 3.0, 1

    if args.task:
        r = args.rest
        if args.task == "build":
            print(json.dumps(task_build(Path(r[0]), r[1])))
        elif args.task == "queries":
            print(json.dumps(task_queries(Path(r[0]), r[1], int(r[2]), float(r[3]))))
        elif args.task == "pyshacl":
            print(json.dumps(task_pyshacl(Path(r[0]))))
        return

    sys.path.insert(0, str(HERE))
    signal.signal(signal.SIGTERM, _stop_children)
    signal.signal(signal.SIGINT, _stop_children)
    results = {"machine": machine(), "sizes": []}
    previous = json.loads(args.json.read_text()) if args.json.exists() else {"sizes": []}
    for n in [int(x) for x in args.sizes.split(",")]:
        results["sizes"].append(bench_size(n, args))
        args.json.parent.mkdir(parents=True, exist_ok=True)
        if args.only:  # merge the re-run steps into the stored figures for this size
            old = next((s for s in previous.get("sizes", []) if s["n"] == results["sizes"][-1]["n"]), {})
            results["sizes"][-1] = {
                **old,
                **{k: v for k, v in results["sizes"][-1].items() if v is not None or k not in old},
            }
        keep = [s for s in previous.get("sizes", []) if s["n"] not in {x["n"] for x in results["sizes"]}]
        args.json.write_text(
            json.dumps({**results, "sizes": sorted(keep + results["sizes"], key=lambda s: s["n"])}, indent=1)
        )
    merged = json.loads(args.json.read_text())
    from report import write_markdown

    write_markdown(merged, args.out)
    print(f"wrote {args.out}")


def machine() -> dict:
    mem = next(
        (line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "?"
    )
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    import pyoxigraph
    import pyshacl
    import rdflib

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(int(mem) / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "rdflib": rdflib.__version__,
        "pyoxigraph": pyoxigraph.__version__,
        "pyshacl": pyshacl.__version__,
        "date": time.strftime("%Y-%m-%d"),
    }


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    main()
