"""The export benchmark: the full view as GraphML and GEXF at N inspections, time and peak memory.

    .venv/bin/python bench/export.py -n 1000                 # makes the corpus (bench/generate.py, seed 1)
    .venv/bin/python bench/export.py --root CORPUS --code OLD_CHECKOUT   # another version's code, same corpus

Each contender runs in a fresh child process, so its wall time, CPU time (user +
system) and peak resident memory (ru_maxrss, from `os.wait4`) are its own:

* `probkg`: `probkg export FORMAT --view full`, as a user runs it (the streamed
  writers of `views/export.py`, which read the view from the store as they write);
* `networkx`: the same view built in memory (`graphs.full_view`) and written by
  networkx's own writer (`write_graphml_xml`, ElementTree, and `write_graphml_lxml`
  for GraphML; `write_gexf` for GEXF), the peers the streamed writers replaced.

Every figure is printed with its ratio to `probkg`; the output size is the file's.
Nothing here asserts a time or a size: docs/exports.md records the figures.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

PEER = """
import sys
from pathlib import Path
import networkx as nx
from probkg.core.paths import Layout
from probkg.rdf.store import load
from probkg.views import graphs
root, writer, out = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
G = graphs.full_view(load(lay=Layout(root)))
{"graphml_xml": nx.write_graphml_xml, "graphml_lxml": nx.write_graphml_lxml, "gexf": nx.write_gexf}[writer](G, out)
"""


def measure(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    err = child.stderr.read().decode("utf-8", "replace") if child.stderr else ""
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{err}")
    return {"seconds": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--inspections", "-n", type=int, default=1000)
    parser.add_argument("--root", type=Path, help="an existing corpus (else one is generated)")
    parser.add_argument("--code", type=Path, help="run this checkout's src/ instead (a before/after comparison)")
    parser.add_argument("--formats", default="graphml,gexf")
    parser.add_argument("--no-peers", action="store_true", help="only `probkg export`")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="probkg-export-bench-"))
    root = args.root
    if root is None:
        sys.path.insert(0, str(HERE))
        from generate import generate

        root = scratch / "corpus"
        generate(args.inspections, 1, root)
    env = {**os.environ, "PYTHONPATH": str((args.code or ROOT) / "src")}
    python = sys.executable
    rows = []
    for fmt in args.formats.split(","):
        out = scratch / f"full.{fmt}"
        cli = [python, "-c", "from probkg.cli import main; main(prog_name='probkg')"]
        contenders = {"probkg": [*cli, "--root", str(root), "--no-progress", "export", fmt]}
        contenders["probkg"] += ["--view", "full", "-o", str(out)]
        if not args.no_peers:
            for writer in ("graphml_xml", "graphml_lxml") if fmt == "graphml" else ("gexf",):
                contenders[f"networkx {writer}"] = [python, "-c", PEER, str(root), writer, str(scratch / f"peer.{fmt}")]
        base = None
        for name, command in contenders.items():
            figures = measure(command, env)
            written = out if name == "probkg" else scratch / f"peer.{fmt}"
            figures["size_mb"] = written.stat().st_size / 1e6
            base = base or figures
            rows.append((fmt, name, figures, base))
    print(f"| format | writer | wall s | CPU s | peak RSS MB | output MB | peak vs probkg |  (root {root})")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for fmt, name, f, base in rows:
        ratio = f["peak_mb"] / base["peak_mb"]
        print(
            f"| {fmt} | {name} | {f['seconds']:.1f} | {f['cpu']:.1f} | {f['peak_mb']:.0f} | {f['size_mb']:.0f} | {ratio:.2f} |"
        )


if __name__ == "__main__":
    main()
