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
        # serving
        sp, sr = size.get("serve_probkg"), size.get("serve_rdflib-endpoint")
        if sp:

            def srow(label, m):
                if not m or "skipped" in m:
                    return f"| {label} | {(m or {}).get('skipped', 'not run')} | | | | |"
                pss = f"{m['pss_mb']:.0f} MiB" if "pss_mb" in m else "-"
                return (
                    f"| {label} | {m['rps']:.0f} req/s | {_s(m['p50'])} | {_s(m['p99'])} | {m['errors']} | "
                    f"{pss} | {m['rss_mb']:.0f} MiB |"
                )

            after = sp.get("pss_after_queries_mb")
            lines += [
                "### Serving: a lookup query from 16 concurrent clients",
                "",
                "| server | throughput | p50 | p99 | errors | peak memory while serving (Pss) | sum of peak RSS |",
                "|---|---|---|---|---|---|---|",
                srow("`probkg serve` (2 workers)", sp),
                srow("rdflib-endpoint", sr),
                "",
                f"Throughput ratio: {_ratio(sp.get('rps'), (sr or {}).get('rps'), higher_is_better=True)}.",
                "Memory is of the server and all its processes. Pss (sampled twice a second while serving)"
                " counts a page that forked workers share once; the sum of each process's peak RSS counts"
                " it once per process and includes the peak of loading.",
                *(
                    [
                        f"After every saved query had also run once through `/api/queries/`, the Pss of "
                        f"`probkg serve` was {after:.0f} MiB (a worker that ran a long query is replaced by "
                        f"a fresh fork; see docs/serving.md)."
                    ]
                    if after
                    else []
                ),
                "",
            ]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
