"""Benchmark `probkg ingest`: one full report against the 5 s target, a folder of 100 documents against 2 minutes.

Run: `.venv/bin/python bench/ingest.py [--repeats N] [--folder-size N]`. Not a test: it
prints a Markdown table and asserts nothing.

What is timed (wall seconds, median of `--repeats` runs, CPU of this process beside it):

* the graph read once (`load` + `GraphContext.from_graph`), which a folder run pays once;
* each full document of the corpus (the 2019 report text 003, the 2025 web report text
  004, the three articles), and the 2019 report as a PDF built from its text with fpdf2,
  each through the whole of `ingest()`: read, parse, link, draft and the self-check
  of every quote, the graph already read;
* a folder of `--folder-size` documents (the corpus and the test fixtures, copied round
  robin under new names) through `ingest_folder`, writing every draft, graph read included.

The ratio column is target / measured: above 1x the target is met with that margin.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # support.pdf: the fixture PDF writer the tests use

from probkg.core.paths import layout  # noqa: E402
from probkg.ingest import GraphContext, ingest, ingest_folder  # noqa: E402
from probkg.rdf.store import load  # noqa: E402

REPORT_TARGET = 5.0
FOLDER_TARGET = 120.0
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"


def timed(fn) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, value


def median_of(repeats: int, fn) -> tuple[float, float, object]:
    runs = [timed(fn) for _ in range(repeats)]
    return (
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        runs[-1][2],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--folder-size", type=int, default=100)
    args = parser.parse_args()
    lay = layout()
    rows: list[tuple[str, str, float, float, float]] = []

    wall, cpu, ctx = median_of(args.repeats, lambda: GraphContext.from_graph(load(lay=lay)))
    rows.append(("graph read (load + context)", "", wall, cpu, REPORT_TARGET))

    work = Path(tempfile.mkdtemp(prefix="probkg-bench-ingest-"))
    try:
        from support.pdf import pdf_from_text

        pdf = pdf_from_text((lay.sources / "003_696e1b8b1646501d.txt").read_text(encoding="utf-8"), work / "003.pdf")
        documents = sorted(lay.sources.glob("*.txt")) + [pdf]
        for path in documents:
            wall, cpu, draft = median_of(args.repeats, lambda p=path: ingest(p, "bench", lay, ctx=ctx))
            facts = sum(v for k, v in draft.counts.items() if k != "evidence quotes")
            rows.append((f"{path.name} ({draft.layout})", f"{facts} counted items", wall, cpu, REPORT_TARGET))

        folder, out = work / "folder", work / "out"
        folder.mkdir()
        out.mkdir()
        pool = sorted(lay.sources.glob("*.txt")) + sorted(FIXTURES.iterdir()) + [pdf]
        for n in range(args.folder_size):
            source = pool[n % len(pool)]
            shutil.copyfile(source, folder / f"{n:03d}-{source.name}")

        def run_folder():
            return ingest_folder(folder, lay, out, force=True)

        wall, cpu, results = timed(run_folder)
        failed = sum(1 for r in results if r.error)
        rows.append(
            (f"folder of {args.folder_size} documents", f"{failed} failed", wall, cpu, FOLDER_TARGET),
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"Ingest benchmark, {os.cpu_count()} CPUs, median of {args.repeats} runs (folder: one run)\n")
    print("| what | note | wall | CPU | target | target / wall |")
    print("|---|---|---:|---:|---:|---:|")
    for what, note, wall, cpu, target in rows:
        print(f"| {what} | {note} | {wall:.2f} s | {cpu:.2f} s | {target:.0f} s | {target / wall:.1f}x |")


if __name__ == "__main__":
    main()
