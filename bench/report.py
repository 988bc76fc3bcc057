"""Write bench/RESULTS.md from the benchmark's JSON (bench/out/results.json)."""

from __future__ import annotations

from pathlib import Path


def _s(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x * 1000:.1f} ms" if x < 1 else f"{x:.2f} s"


def _ratio(a: float | None, b: float | None, higher_is_better: bool = False) -> str:
    if not a or not b:
        return "-"
    r = (a / b) if higher_is_better else (b / a)
    return f"{r:.1f}x"


def _usage(m: dict) -> str:
    if not m or "skipped" in m:
        return (m or {}).get("skipped", "not run")
    if m.get("timeout"):
        return "timed out"
    return f"wall {m['wall']:.2f} s, CPU {m['cpu']:.2f} s, peak RSS {m['rss_mb']:.0f} MiB"


def _op(m: dict, key: str = "seconds") -> float | None:
    return ((m or {}).get("data") or {}).get(key)


def write_markdown(data: dict, out: Path) -> None:
    mc = data["machine"]
    lines = [
        "# Benchmark results",
        "",
        "Produced by `.venv/bin/python bench/run.py` (see `bench/run.py` for what each figure is and",
        "`docs/performance.md` for what follows from them). Every measurement ran in its own child",
        "process; CPU is user + system seconds of that process, memory its peak resident set.",
        "Ratios are *baseline / ours* for times (above 1x: we are faster) and *ours / baseline* for throughput.",
        "",
        "## Machine",
        "",
        f"* CPU: {mc['cpu']} ({mc['cores']} cores), memory {mc['memory_gb']} GiB",
        f"* {mc['os']}, Python {mc['python']}",
        f"* rdflib {mc['rdflib']}, pyoxigraph {mc['pyoxigraph']}, pyshacl {mc['pyshacl']}; Apache Jena 4.5.0 (Debian)",
        f"* run on {mc['date']}; the machine was shared with other work, so wall times carry noise:",
        "  CPU seconds are the steadier figure.",
        "",
    ]
    for size in data["sizes"]:
        n, man = size["n"], size["manifest"]
        lines += [f"## N = {n:,} inspections ({size.get('triples') or man['triples']:,} triples)", ""]
        lines += [
            f"Synthetic corpus: seed {man['seed']}, {man['files']} generated files "
            f"({man['triples']:,} triples) plus the real graph; seeded defects: "
            + ", ".join(f"{k} {len(v)}" for k, v in man["defects"].items())
            + ".",
            "",
        ]
        # build
        b, o, r = size.get("build_probkg", {}), size.get("build_oxigraph", {}), size.get("build_rdflib", {})
        lines += [
            "### Build (load every file into its named graph)",
            "",
            "| what | load time | CPU (process) | process | ratio |",
            "|---|---|---|---|---|",
        ]
        for label, m, base in (
            ("probkg `load()` (pyoxigraph)", b, None),
            ("pyoxigraph bulk_load, same files", o, b),
            ("rdflib default store (Dataset)", r, b),
        ):
            ratio = "" if base is None else (f"probkg is {_ratio(_op(b), _op(m))} the speed" if _op(m) else "-")
            lines.append(f"| {label} | {_s(_op(m))} | {_s(_op(m, 'cpu'))} | {_usage(m)} | {ratio} |")
        lines.append("")
        # queries
        qo = (size.get("queries_oxigraph") or {}).get("queries", {})
        qr = (size.get("queries_rdflib") or {}).get("queries", {})
        lines += [
            "### Saved queries (p50 / p99 over repeats)",
            "",
            f"Oxigraph process: {_usage(size.get('queries_oxigraph'))}; "
            f"rdflib process: {_usage(size.get('queries_rdflib'))} (includes loading).",
            "",
            "| query | rows | Oxigraph p50 | Oxigraph p99 | rdflib p50 | rdflib p99 | speed-up (p50) |",
            "|---|---|---|---|---|---|---|",
        ]
        for name in sorted(set(qo) | set(qr)):
            a, z = qo.get(name, {}), qr.get(name, {})
            ao = f"> {a['timeout']:.0f} s (killed)" if "timeout" in a else _s(a.get("p50"))
            zr = (f"> {z['timeout']:.0f} s (killed)" if "timeout" in z else _s(z.get("p50"))) if z else "not run"
            speed = (
                _ratio(a.get("p50"), z.get("p50"))
                if "timeout" not in a and "timeout" not in z and z
                else (f"> {z['timeout'] / a['p50']:.0f}x" if "timeout" in z and "p50" in a else "-")
            )
            lines.append(
                f"| {name} | {a.get('rows', '-')} | {ao} | {_s(a.get('p99'))} | {zr} | "
                f"{_s(z.get('p99')) if z else '-'} | {speed} |"
            )
        lines.append("")
        # validation
        vp, vs, vj = size.get("validate_probkg"), size.get("validate_pyshacl"), size.get("validate_jena")
        vr, v1 = size.get("validate_reference"), size.get("revalidate_one")
        if vp:
            seeded = {f for fs in man["defects"].values() for f in fs}

            def found(m: dict | None) -> str:
                if not m:
                    return "-"
                focus = set(m.get("focus") or (m.get("data") or {}).get("focus") or [])
                return f"{len(seeded & focus)}/{len(seeded)}"

            def viol(m: dict | None):
                return (m or {}).get("violations", ((m or {}).get("data") or {}).get("violations", "-"))

            lines += [
                "### Validation",
                "",
                "| what | process | violations | seeded defects reported (any severity) | ratio (wall) |",
                "|---|---|---|---|---|",
                f"| `probkg validate` (engine: {vp.get('engine', 'pyshacl')}, with the QC checks) | {_usage(vp)} | "
                f"{viol(vp)} | {found(vp)} | |",
                *(
                    [
                        f"| `probkg validate --engine pyshacl` (the reference) | {_usage(vr)} | {viol(vr)} | {found(vr)} | "
                        f"{_ratio(vp.get('wall'), vr.get('wall'))} |"
                    ]
                    if vr
                    else []
                ),
                f"| plain pyshacl, same files and shapes | {_usage(vs)}"
                f"{' after ' + format((vs or {}).get('wall', 0), '.0f') + ' s' if (vs or {}).get('timeout') else ''}"
                f" | {viol(vs)} | {found(vs) if not (vs or {}).get('timeout') else '-'} | "
                f"{'> ' if (vs or {}).get('timeout') else ''}{_ratio(vp.get('wall'), (vs or {}).get('wall'))} |",
                f"| Apache Jena SHACL (whole process) | {_usage(vj)} | {viol(vj)} | {found(vj)} | "
                f"{_ratio(vp.get('wall'), (vj or {}).get('wall'))} |",
                "",
                *(
                    [
                        f"Re-validating one inspection's file (`probkg validate graph/inspections/syn-00042.ttl`, "
                        f"with the ontology, reference data and sources): {_usage(v1)}.",
                        "",
                    ]
                    if v1
                    else []
                ),
            ]
        lines += peers_lines(size)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


PEER_LABELS = {
    "probkg": "`probkg serve` (2 workers)",
    "oxigraph-memory": "Oxigraph server, in memory",
    "oxigraph-disk": "Oxigraph server, on disk",
    "virtuoso": "Virtuoso 7",
    "rdflib-endpoint": "rdflib-endpoint",
}
QUERY_LABELS = {"lookup": "a lookup", "mid": "`recurring-problems` (mid)", "heavy": "`band-changes` (heavy)"}


def _median(values: list[float | None]) -> float | None:
    """The median of the values that exist (a cell with no answer has no CPU a request)."""
    xs = sorted(x for x in values if x is not None)
    return (xs[(len(xs) - 1) // 2] + xs[len(xs) // 2]) / 2 if xs else None


def _ms(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f} ms"


def peer_summary(cells: list[dict]) -> dict:
    """Medians over a contender's cells for one query (req/s, p99, CPU a request), and the req/s range."""
    return {
        "rps": _median([c["rps"] for c in cells]),
        "rps_min": min(c["rps"] for c in cells),
        "rps_max": max(c["rps"] for c in cells),
        "p99": _median([c["p99"] for c in cells]),
        "cpu_ms": _median([c["cpu_ms"] if (c["cpu_ms"] or 0) >= 0 else None for c in cells]),
        "main_cpu_ms": _median([c["main_cpu_ms"] for c in cells]),
        "errors": sum(c["errors"] for c in cells),
        "answers": _median([c["ok"] for c in cells]),
    }


# Fewer answers than this in a contender's median cell and its req/s is a count of stragglers, not a rate:
# 16 connections each waiting on a query of several seconds may finish none within a 10 s cell.
MIN_ANSWERS = 5


def _verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("met" if ok else "missed")


def judge(size: dict) -> list[tuple[str, str, str]]:
    """Issue 21's targets for one size: (target, what was measured and why, met / missed / not measured)."""
    peers = size.get("serve_peers") or {}
    s = {k: {n: peer_summary(c) for n, c in v.items() if c} for k, v in (peers.get("cells") or {}).items()}
    n = size["n"]

    def cpu(kind: str, name: str) -> str:
        m = s.get(kind, {}).get(name)
        return _ms(m["cpu_ms"]) if m else "-"

    out = []
    lk, ox = s.get("lookup", {}).get("probkg"), s.get("lookup", {}).get("oxigraph-memory")
    ratio = lk["rps"] / ox["rps"] if lk and ox else None
    out.append(
        (
            "lookup throughput at least half of Oxigraph's in-memory server's",
            f"{lk['rps']:.0f} against {ox['rps']:.0f} req/s ({ratio:.2f}x); CPU a request {cpu('lookup', 'probkg')} "
            f"(the main process {_ms(lk['main_cpu_ms'])}) against {cpu('lookup', 'oxigraph-memory')}"
            if ratio is not None
            else "-",
            _verdict(None if ratio is None else ratio >= 0.5),
        )
    )
    out.append(
        (
            "lookup p99 under 10 ms at 16 connections",
            f"p99 {lk['p99'] * 1000:.1f} ms (median over rounds)" if lk else "-",
            _verdict(None if not lk else lk["p99"] < 0.010),
        )
    )
    for kind in ("mid", "heavy"):
        a, b = s.get(kind, {}).get("probkg"), s.get(kind, {}).get("oxigraph-memory")
        few = [x for x in (a, b) if x and x["answers"] < MIN_ANSWERS]
        r = b["rps"] / a["rps"] if a and b and a["rps"] and not few else None
        if few:
            measured = (
                f"{a['rps'] if a else 0:.1f} against {b['rps'] if b else 0:.1f} req/s, but a median cell held "
                f"fewer than {MIN_ANSWERS} answers, too few for a rate (cells longer than the query are needed)"
            )
        elif r is not None:
            measured = (
                f"{a['rps']:.1f} against {b['rps']:.1f} req/s (Oxigraph {r:.2f}x); CPU a request "
                f"{cpu(kind, 'probkg')} against {cpu(kind, 'oxigraph-memory')}"
            )
        else:
            measured = "-"
        out.append(
            (
                f"{QUERY_LABELS[kind]} within 1.25x of Oxigraph's server",
                measured,
                _verdict(None if r is None else r <= 1.25),
            )
        )
    rd = s.get("lookup", {}).get("rdflib-endpoint")
    r = lk["rps"] / rd["rps"] if lk and rd else None
    out.append(
        (
            "lookups at least 5x rdflib-endpoint",
            f"{r:.1f}x; CPU a request {cpu('lookup', 'probkg')} against {cpu('lookup', 'rdflib-endpoint')}"
            if r is not None
            else "-",
            _verdict(None if r is None else r >= 5),
        )
    )
    if n >= 5000:
        qo = (size.get("queries_oxigraph") or {}).get("queries") or {}
        slow = {k: v for k, v in qo.items() if "p50" not in v or v["p50"] >= 1}
        worst = max(qo, key=lambda k: qo[k].get("p50", float("inf")), default=None)
        out.append(
            (
                "every saved query p50 under 1 s at N = 5,000 (in process, the queries step)",
                f"slowest: {worst} {_s(qo[worst].get('p50'))}"
                + (f"; over 1 s: {', '.join(sorted(slow))}" if slow else "")
                if worst
                else "-",
                _verdict(None if not qo else not slow),
            )
        )
        after = peers.get("pss_after_queries_mb")
        out.append(
            (
                "Pss under 1.5 GB at N = 5,000 after every saved query has run once",
                f"{after:.0f} MiB" if after else "-",
                _verdict(None if not after else after * 1024**2 < 1.5e9),
            )
        )
    return out


def peers_lines(size: dict) -> list[str]:
    """The side-by-side serving tables of one size, and the targets judged on them."""
    peers = size.get("serve_peers")
    if not peers:
        return []
    lines = [
        f"### Serving side by side: {peers['clients']} wrk connections, {peers['seconds']:g} s a cell, "
        f"{peers['repeats']} interleaved round(s)",
        "",
        "Medians over the rounds (req/s with its range). CPU a request is the server's whole process tree,"
        " from a cell's start until the tree was idle again, over the answered requests. The ratio is"
        " `probkg serve`'s req/s over the contender's (above 1x: probkg is faster).",
        "",
    ]
    for kind, label in QUERY_LABELS.items():
        cells = (peers.get("cells") or {}).get(kind) or {}
        ours = peer_summary(cells["probkg"]) if cells.get("probkg") else None
        lines += [
            f"**{label}**",
            "",
            "| server | req/s (range) | p99 | errors | CPU a request | rows | probkg / this |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, info in (peers.get("contenders") or {}).items():
            if "skipped" in info:
                lines.append(f"| {PEER_LABELS[name]} | not run: {info['skipped'].splitlines()[-1]} | | | | | |")
                continue
            if not cells.get(name):
                lines.append(f"| {PEER_LABELS[name]} | {info['probe'].get(kind, '-')} | | | | | |")
                continue
            m = peer_summary(cells[name])
            ratio = f"{ours['rps'] / m['rps']:.2f}x" if ours and m["rps"] else "-"
            rate = (
                f"{m['rps']:.1f} ({m['rps_min']:.1f} to {m['rps_max']:.1f})"
                if m["rps_max"]
                else f"no answer within a {peers['seconds']:g} s cell"
            )
            lines.append(
                f"| {PEER_LABELS[name]} | {rate} | {_s(m['p99']) if m['rps_max'] else '-'} | {m['errors']} | "
                f"{_ms(m['cpu_ms'])} | {info['rows'].get(kind, '-')} | {ratio} |"
            )
        lines.append("")
    lines += [
        "**Memory** (MiB; Pss of each server's process tree, peak sampled twice a second; a restart,"
        " after a probe with no answer or a cell that left the server busy, starts a fresh process)",
        "",
        "| server | startup with load | peak Pss | Pss at the end | sum of peak RSS | restarts |",
        "|---|---|---|---|---|---|",
    ]
    for name, info in (peers.get("contenders") or {}).items():
        if "pss_mb" in info:
            lines.append(
                f"| {PEER_LABELS[name]} | {info['startup']:.1f} s | {info['pss_mb']:.0f} | {info['pss_end_mb']:.0f} | "
                f"{info['rss_mb']:.0f} | {info.get('restarts', 0)} |"
            )
    after = peers.get("pss_after_queries_mb")
    if after:
        lines += ["", f"`probkg serve` after every saved query had run once through `/api/queries/`: {after:.0f} MiB."]
    health = ((peers.get("contenders") or {}).get("probkg") or {}).get("health")
    if isinstance(health, dict):
        pool = ", ".join(f"{k} {v}" for k, v in sorted(health.items()) if isinstance(v, int | float | str))
        lines += ["", f"`probkg serve`'s `/health` at the end: {pool}."]
    lines += ["", "**Targets of issue 21**", "", "| target | measured | verdict |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {v} |" for t, m, v in judge(size)]
    return lines + [""]
