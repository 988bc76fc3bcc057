"""Graphviz, run as a program: the pictures of `plot.py` and the node positions of the HTML export.

The HTML page draws positions computed here by Graphviz's `sfdp`, a multilevel
force-directed layout (Hu's algorithm, with a quadtree for the repulsion) that
lays out the full view of 5,000 nodes in about 3 s, rather than by a layout
written for the page. Graphviz is a Debian package the project installs
(scripts/apt-packages.txt). networkx's own `spring_layout` would need numpy, and
scipy beyond 500 nodes, and costs a pass over every pair of nodes per iteration.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import networkx as nx

from probkg.core.errors import LimitError, ProbkgError

EDGE_LENGTH = 60.0
"""The page's units between linked nodes (its node radii run from 4 to 26)."""
SHELF_SLOT, SHELF_ROW, SHELF_GAP = 240.0, 32.0, 80.0
"""Where nodes without a link go: rows of slots under the drawing, in label order."""


def graphviz(engine: str, args: list[str], dot_source: str, timeout: float) -> bytes:
    """What Graphviz's ENGINE writes on stdout for DOT_SOURCE, or a one-line error."""
    exe = shutil.which(engine)
    if exe is None:
        raise ProbkgError(f"Graphviz's {engine} is not installed (scripts/setup.sh installs Debian's graphviz)")
    try:
        done = subprocess.run(
            [exe, *args], input=dot_source.encode("utf-8"), check=True, capture_output=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise LimitError(f"Graphviz took more than {timeout:.0f} s") from None
    except subprocess.CalledProcessError as exc:
        raise ProbkgError(f"Graphviz failed: {exc.stderr.decode('utf-8', 'replace').strip()}") from None
    return done.stdout


def positions(G: nx.Graph, timeout: float = 300) -> dict[str, tuple[float, float]]:
    """Page coordinates (y down) of every node of G.

    Linked nodes are laid out by sfdp as points (the page draws its own labels, so
    sfdp need not keep them apart), scaled so that the median link is EDGE_LENGTH
    long. Nodes with no link to another node would only spread the picture: they
    are shelved in rows under it, in label order. sfdp starts from a fixed seed, so
    the same view is drawn the same way every time.
    """
    ends = {n for u, v in G.edges() if u != v for n in (u, v)}
    linked = [n for n in G if n in ends]
    index = {n: i for i, n in enumerate(linked)}
    where: dict[str, tuple[float, float]] = {}
    if linked:
        pairs = sorted({tuple(sorted((index[u], index[v]))) for u, v in G.edges() if u != v})
        dot = "graph { graph [overlap=true, outputorder=edgesfirst]; node [shape=point];\n"
        dot += "".join(f"n{i};\n" for i in range(len(linked)))
        dot += "".join(f"n{a} -- n{b};\n" for a, b in pairs)
        laid = json.loads(graphviz("sfdp", ["-Tjson0"], dot + "}\n", timeout))
        points = {int(o["name"][1:]): tuple(map(float, o["pos"].split(","))) for o in laid.get("objects", [])}
        lengths = sorted(
            ((points[a][0] - points[b][0]) ** 2 + (points[a][1] - points[b][1]) ** 2) ** 0.5 for a, b in pairs
        )
        median = lengths[len(lengths) // 2] or 1.0
        scale = EDGE_LENGTH / median
        where = {n: (points[i][0] * scale, -points[i][1] * scale) for n, i in index.items()}
    alone = sorted((n for n in G if n not in where), key=lambda n: str(G.nodes[n].get("label", n)))
    if alone:
        xs = [x for x, _ in where.values()] or [0.0]
        bottom = max((y for _, y in where.values()), default=-SHELF_GAP)
        per_row = max(4, int((max(xs) - min(xs)) // SHELF_SLOT))
        for k, n in enumerate(alone):
            where[n] = (min(xs) + (k % per_row) * SHELF_SLOT, bottom + SHELF_GAP + (k // per_row) * SHELF_ROW)
    return where
