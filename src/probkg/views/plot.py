"""Pictures of the graph, drawn by Graphviz (Debian's `graphviz`): PNG or SVG, by the file's suffix.

* `ratings`: a table of every rated standard against the inspections that
  rated it, one row per group of comparable standards (joined by
  `skos:closeMatch` between the 2019 and 2025 frameworks), each cell coloured
  by its band (`pko:band`, ordered by `pko:rank`) and labelled with the band's
  `skos:prefLabel` and the standard's code.
* `network`: the entities view (`views/graphs.py`) without its unlinked nodes, laid
  out by `neato` with overlap removal so that no two labels overlap: nodes
  coloured by kind, edges by the share of areas for improvement among the
  findings that mention both ends, thicker for more links.

Graphviz was chosen over matplotlib because its layouts keep labels apart
(overlap removal acts on the labelled node boxes), its HTML-like tables make
the ratings grid without a plotting library, and it renders DOT, which the
`dot` export already writes.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import networkx as nx

from probkg.core.atomic import replace_atomically
from probkg.core.errors import InputError
from probkg.rdf.store import KnowledgeGraph
from probkg.rdf.vocab import compact
from probkg.views.export import dot_quote
from probkg.views.graphs import KIND_COLOURS, POLARITY_COLOURS, edge_colour, node_colour
from probkg.views.layout import graphviz

PICTURE_FORMATS = {".png": "png", ".svg": "svg"}
FONT = "DejaVu Sans"
BAND_COLOURS = {
    4: ("#1b7837", "#ffffff"),
    3: ("#7fbf7b", "#000000"),
    2: ("#fdb863", "#000000"),
    1: ("#d73027", "#ffffff"),
}
"""Fill and text colour of a band by its rank (4 best)."""
EMPTY = ("#f0f0f0", "#777777")


def render(dot_source: str, path: Path, engine: str = "dot", timeout: float = 300) -> None:
    """Run a Graphviz ENGINE on DOT_SOURCE and write PATH (PNG or SVG by its suffix) atomically."""
    fmt = PICTURE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(str(path), f"write pictures as {' or '.join(PICTURE_FORMATS)}")
    if not path.parent.is_dir():
        raise InputError(str(path), "no such folder")
    replace_atomically(path, lambda tmp: graphviz(engine, [f"-T{fmt}", "-o", str(tmp)], dot_source, timeout))


def _h(text: object) -> str:
    """Text for a Graphviz HTML-like label."""
    return html.escape(str(text), quote=True)


# --- ratings ------------------------------------------------------------------------------------

RATINGS = """
SELECT ?inspection ?ilabel ?when ?standard ?code ?slabel ?band ?blabel ?rank WHERE {
  ?r a pko:Rating ; pko:inspection ?inspection ; pko:standard ?standard ; pko:band ?band .
  ?band pko:rank ?rank .
  OPTIONAL { ?band skos:prefLabel ?blabel }
  OPTIONAL { ?standard skos:notation ?code }
  OPTIONAL { ?standard skos:prefLabel ?slabel }
  OPTIONAL { ?inspection rdfs:label ?ilabel }
  OPTIONAL { ?inspection schema:startDate ?start }
  OPTIONAL { ?report pko:reportsOn ?inspection ; pko:documentKind vocab:inspection-report ; dcterms:issued ?published }
  BIND(COALESCE(STR(?start), STR(?published), "") AS ?when)
}"""


def ratings_table(kg: KnowledgeGraph) -> dict:
    """Inspections (columns), groups of comparable standards (rows) and the rating in each cell."""
    rows = kg.select(RATINGS)
    columns = sorted({(r["when"], r["inspection"], r.get("ilabel", compact(r["inspection"]))) for r in rows})
    rated = {r["standard"] for r in rows}
    comparable = nx.Graph()
    comparable.add_nodes_from(rated)
    for m in kg.select("SELECT ?a ?b WHERE { ?a skos:closeMatch ?b }"):
        if m["a"] in rated and m["b"] in rated:
            comparable.add_edge(m["a"], m["b"])
    column_of = {c[1]: i for i, c in enumerate(columns)}
    cells: dict[tuple[int, str], list[dict]] = {}
    standards: dict[str, dict] = {}
    for r in rows:
        standards[r["standard"]] = {
            "code": r.get("code", ""),
            "label": r.get("slabel", compact(r["standard"])),
            "column": column_of[r["inspection"]],
        }
        cells.setdefault((column_of[r["inspection"]], r["standard"]), []).append(
            {"band": r.get("blabel", compact(r["band"])), "rank": int(r["rank"]), "code": r.get("code", "")}
        )

    def code_key(code: str) -> tuple:
        return tuple(int(p) if p.isdigit() else 0 for p in code.split(".")) if code else (0,)

    def group_key(group: set[str]) -> tuple:
        first = min(group, key=lambda s: (standards[s]["column"], code_key(standards[s]["code"])))
        return (
            0 if any(not standards[s]["code"] for s in group) else 1,
            len(group) < 2,
            standards[first]["column"] if len(group) < 2 else 0,
            code_key(standards[first]["code"]),
        )

    groups = sorted((set(g) for g in nx.connected_components(comparable)), key=group_key)
    bands = sorted({(c["rank"], c["band"]) for cs in cells.values() for c in cs}, reverse=True)
    table_rows = []
    for group in groups:
        members = sorted(group, key=lambda s: (standards[s]["column"], code_key(standards[s]["code"])))
        table_rows.append(
            {
                "comparable": len({standards[s]["column"] for s in group}) > 1,
                "standards": [standards[s] for s in members],
                "cells": [[c for s in members for c in cells.get((i, s), [])] for i in range(len(columns))],
            }
        )
    return {
        "columns": [{"when": w, "iri": i, "label": lab} for w, i, lab in columns],
        "rows": table_rows,
        "bands": bands,
    }


def ratings_dot(kg: KnowledgeGraph) -> str:
    """The ratings grid as one Graphviz HTML-like table."""
    data = ratings_table(kg)
    ncols = len(data["columns"])
    out = [
        '<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="8" COLOR="#ffffff">',
        f'<TR><TD COLSPAN="{ncols + 1}" BORDER="0" ALIGN="LEFT"><FONT POINT-SIZE="18"><B>'
        'Ratings by standard and inspection</B></FONT><BR ALIGN="LEFT"/><FONT POINT-SIZE="11" COLOR="#444444">'
        "Each row pairs standards that the frameworks mark as comparable (skos:closeMatch); "
        'cells give the band and the standard&#39;s code.</FONT><BR ALIGN="LEFT"/></TD></TR>',
        '<TR><TD BGCOLOR="#ffffff" BORDER="0" ALIGN="LEFT"><B>Standard</B></TD>',
    ]
    for c in data["columns"]:
        out.append(
            f'<TD BGCOLOR="#e8e8e8" WIDTH="190"><B>{_wrap(c["label"], 30)}</B><BR/>'
            f'<FONT POINT-SIZE="9" COLOR="#555555">{_h(compact(c["iri"]))}</FONT></TD>'
        )
    out.append("</TR>")
    section = None
    for row in data["rows"]:
        title = "Comparable standards" if row["comparable"] else "Standards without a counterpart"
        if title != section:
            section = title
            out.append(f'<TR><TD COLSPAN="{ncols + 1}" BORDER="0" ALIGN="LEFT"><BR/><B>{title}</B></TD></TR>')
        names = []
        for s in row["standards"]:
            name = f"{_h(s['code'])} {_h(s['label'])}" if s["code"] else _h(s["label"])
            if name not in names:
                names.append(name)
        header = '<BR ALIGN="LEFT"/>'.join(names)
        out.append(f'<TR><TD ALIGN="LEFT" BGCOLOR="#fafafa">{header}<BR ALIGN="LEFT"/></TD>')
        for cell in row["cells"]:
            if not cell:
                out.append(f'<TD BGCOLOR="{EMPTY[0]}"><FONT COLOR="{EMPTY[1]}">no comparable standard</FONT></TD>')
                continue
            fill, ink = BAND_COLOURS.get(cell[0]["rank"], EMPTY)
            text = "<BR/>".join(
                f'<B>{_h(c["band"])}</B><BR/><FONT POINT-SIZE="9">{_h(c["code"] or "overall")}</FONT>' for c in cell
            )
            out.append(f'<TD BGCOLOR="{fill}"><FONT COLOR="{ink}">{text}</FONT></TD>')
        out.append("</TR>")
    legend = "".join(
        f'<TD BGCOLOR="{fill}"><FONT COLOR="{ink}">{_h(label)}</FONT></TD>'
        for rank, label in data["bands"]
        for fill, ink in [BAND_COLOURS.get(rank, EMPTY)]
    )
    out.append(
        f'<TR><TD COLSPAN="{ncols + 1}" BORDER="0"><TABLE BORDER="0" CELLBORDER="1" CELLSPACING="4" '
        f'CELLPADDING="5" COLOR="#ffffff"><TR><TD BORDER="0">Bands:</TD>{legend}</TR></TABLE></TD></TR>'
    )
    out.append("</TABLE>")
    return (
        "\n".join(
            [
                "digraph ratings {",
                f'  graph [bgcolor="white", pad="0.3", fontname="{FONT}"];',
                f'  node [shape=plaintext, fontname="{FONT}", fontsize="12"];',
                f"  grid [label=<{''.join(out)}>];",
                "}",
            ]
        )
        + "\n"
    )


def _wrap(text: str, width: int) -> str:
    """Escaped text broken into lines of about WIDTH characters."""
    lines, line = [], ""
    for word in str(text).split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<BR/>".join(_h(x) for x in lines)


# --- network -----------------------------------------------------------------------------------


def network_dot(G: nx.Graph) -> str:
    """The entities view for neato: labelled boxes that never overlap, coloured edges, a legend."""
    H = G.subgraph(n for n in G if G.degree(n) > 0)
    most = max((d.get("findings", 0) for _, d in H.nodes(data=True)), default=0) or 1
    lines = [
        "graph network {",
        f'  graph [layout=neato, overlap=prism, overlap_scaling=-4, sep="+6", splines=false, outputorder=edgesfirst, '
        f'bgcolor="white", pad="0.4", fontname="{FONT}", labelloc=t, fontsize="34", label=<{_network_title(G, H)}>];',
        f'  node [shape=box, style="rounded,filled", penwidth=0.6, color="#555555", fontname="{FONT}", '
        'margin="0.06,0.03"];',
        "  edge [penwidth=1];",
    ]
    for n, d in H.nodes(data=True):
        findings = int(d.get("findings", 0))
        size = 11 + 9 * math.sqrt(findings / most)
        label = f"<B>{_h(d.get('label', n))}</B>"
        if findings:
            label += (
                f'<BR/><FONT POINT-SIZE="{max(8, size * 0.6):.1f}">{int(d.get("areas_for_improvement", 0))} AFI, '
                f"{int(d.get('strengths', 0))} S</FONT>"
            )
        lines.append(
            f"  {dot_quote(n)} [label=<{label}>, fillcolor={dot_quote(node_colour(d))}, "
            f"fontsize={size:.1f}, fontcolor={dot_quote(_ink(node_colour(d)))}];"
        )
    for u, v, d in H.edges(data=True):
        width = 0.6 + 1.2 * math.log2(1 + int(d.get("weight", 1)))
        lines.append(
            f"  {dot_quote(u)} -- {dot_quote(v)} [color={dot_quote(edge_colour(d) + 'b0')}, penwidth={width:.2f}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _ink(fill: str) -> str:
    """Black or white text, whichever reads better on FILL."""
    r, g, b = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#ffffff"


def _network_title(G: nx.Graph, H: nx.Graph) -> str:
    kinds = sorted({d.get("kind", "other") for _, d in H.nodes(data=True)})
    swatches = "".join(
        f'<TD BGCOLOR="{KIND_COLOURS[k]}"><FONT COLOR="{_ink(KIND_COLOURS[k])}" POINT-SIZE="18">{_h(k)}</FONT></TD>'
        for k in kinds
    )
    edges = "".join(
        f'<TD><FONT COLOR="{c}" POINT-SIZE="18"><B>&#8212;&#8212;</B> {_h(t)}</FONT></TD>'
        for t, c in (
            ("strengths", POLARITY_COLOURS["strength"]),
            ("areas for improvement (AFI)", POLARITY_COLOURS["area-for-improvement"]),
            ("structure or delivery only", POLARITY_COLOURS[None]),
        )
    )
    left = G.number_of_nodes() - H.number_of_nodes()
    where = f" around {_h(G.graph['around'])}" if "around" in G.graph else ""
    return (
        '<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="2">'
        f"<TR><TD><B>Who is linked to whom{where}</B></TD></TR>"
        f'<TR><TD><FONT POINT-SIZE="20">{H.number_of_nodes()} entities linked by structure, delivery or '
        f"findings that mention both ({left} with no link left out); text grows with the number of findings "
        "about an entity; edges are thicker for more links.</FONT></TD></TR>"
        f'<TR><TD><TABLE BORDER="0" CELLSPACING="4" CELLPADDING="6"><TR>{swatches}</TR></TABLE></TD></TR>'
        f'<TR><TD><TABLE BORDER="0" CELLSPACING="3"><TR>{edges}</TR></TABLE></TD></TR></TABLE>'
    )
