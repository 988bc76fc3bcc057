"""Write a view (`views/graphs.py`) in the formats graph tools open.

| format | file | opens in |
| --- | --- | --- |
| `graphml` | `.graphml` | Gephi, yEd (labels and colours from yFiles node graphics), Cytoscape desktop |
| `gexf` | `.gexf` | Gephi (colours from GEXF viz) |
| `cytoscape` | `.cyjs` | Cytoscape desktop (File > Import > Network from File), Cytoscape.js |
| `dot` | `.dot` | Graphviz (`sfdp -Tsvg`), Gephi |
| `csv` | `-nodes.csv` and `-edges.csv` | Gephi's spreadsheet import, Cytoscape's table import, spreadsheets |
| `jsonld` | `.jsonld` | any JSON-LD or RDF tool (nodes keep their IRIs) |
| `html` | `.html` | any browser, offline: one file with its script and data inside |

Every file is written atomically. Attribute values are strings or integers
(`docs/tool-traps.md`: networkx's GraphML writer refuses RDF term objects).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import json
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement

import networkx as nx
from networkx.readwrite.graphml import GraphMLWriter

from probkg.core.atomic import replace_atomically
from probkg.core.errors import InputError
from probkg.rdf.vocab import PREFIXES
from probkg.views.graphs import KIND_COLOURS, POLARITY_COLOURS, edge_colour, node_colour
from probkg.views.layout import positions

FORMATS = {
    "graphml": ".graphml",
    "gexf": ".gexf",
    "cytoscape": ".cyjs",
    "dot": ".dot",
    "csv": ".csv",
    "jsonld": ".jsonld",
    "html": ".html",
}
"""Format names and their usual file suffix."""

VIEW_VOCAB = "https://w3id.org/probation-kg/view#"
"""Terms of the JSON-LD export that the ontology has no word for: Node, Edge, source, target, ..."""


def write(G: nx.Graph, fmt: str, path: Path, details: tuple[dict, dict] | None = None) -> list[Path]:
    """Write G as FMT to PATH (CSV: two files beside it); return the files written.

    DETAILS are the findings behind the nodes (`views.finding_details`), shown by the HTML page.
    """
    writers = {"graphml": _graphml, "gexf": _gexf, "cytoscape": _cytoscape, "dot": _dot, "jsonld": _jsonld}
    if fmt == "csv":
        return _csv(G, path)
    if fmt == "html":
        text = html_page(G, *(details or ({}, {})))
        _write_text(path, text)
        return [path]
    if fmt not in writers:
        raise InputError("export", f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    replace_atomically(path, lambda tmp: writers[fmt](G, tmp))
    return [path]


def _write_text(path: Path, text: str) -> None:
    replace_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _title(G: nx.Graph) -> str:
    title = f"probation-kg {G.graph.get('view', '')} view"
    if "inspection" in G.graph:
        title += f" of {G.graph['inspection']}"
    if "around" in G.graph:
        title += f" around {G.graph['around']} (depth {G.graph['depth']})"
    return title


# --- GraphML ----------------------------------------------------------------------------------

NS_Y = "http://www.yworks.com/xml/graphml"


class _YedGraphMLWriter(GraphMLWriter):
    """networkx's GraphML plus yFiles node graphics, so yEd shows each node's label and colour.

    Gephi and Cytoscape read the plain `data` keys and ignore the graphics;
    networkx reads the graphics back as the same `label`.
    """

    def __init__(self, graph: nx.Graph):
        super().__init__(encoding="utf-8", prettyprint=True)
        self.xml.set("xmlns:y", NS_Y)
        self.xml.append(Element("key", {"for": "node", "id": "yfiles_node", "yfiles.type": "nodegraphics"}))
        self.add_graph_element(graph)

    def add_nodes(self, G: nx.Graph, graph_element: Element) -> None:
        super().add_nodes(G, graph_element)
        for element, (_, data) in zip(graph_element.findall("node"), G.nodes(data=True), strict=True):
            label = str(data.get("label", ""))
            shape = SubElement(SubElement(element, "data", key="yfiles_node"), "y:ShapeNode")
            SubElement(shape, "y:Geometry", height="30.0", width=f"{max(40, 7 * min(len(label), 60)):.1f}")
            SubElement(shape, "y:Fill", color=node_colour(data).upper(), transparent="false")
            SubElement(shape, "y:NodeLabel").text = label
            SubElement(shape, "y:Shape", type="roundrectangle")


def _graphml(G: nx.Graph, path: Path) -> None:
    if G.is_multigraph():  # networkx writes edge keys as edge ids, which must be unique
        H = G.__class__(**G.graph)
        H.add_nodes_from(G.nodes(data=True))
        H.add_edges_from((u, v, f"e{i}", d) for i, (u, v, d) in enumerate(G.edges(data=True)))
        G = H
    _YedGraphMLWriter(G).dump(str(path))
    # ElementTree writes a CR in element text as it is, and every XML parser reads it back as LF
    # (XML 1.0 section 2.11), so "a\r\nb" came back as "a\nb". As a character reference it survives;
    # the writer's own line ends are LF, so every CR in the file is one of a value.
    path.write_bytes(path.read_bytes().replace(b"\r", b"&#13;"))


# --- GEXF -------------------------------------------------------------------------------------


def _gexf(G: nx.Graph, path: Path) -> None:
    H = G.copy()
    H.graph["name"] = _title(G)
    for _, data in H.nodes(data=True):
        colour = node_colour(data)
        data["viz"] = {
            "color": {"r": int(colour[1:3], 16), "g": int(colour[3:5], 16), "b": int(colour[5:7], 16), "a": 1.0}
        }
    nx.write_gexf(H, str(path))


# --- Cytoscape --------------------------------------------------------------------------------


def cytoscape_json(G: nx.Graph) -> dict:
    """Cytoscape's `.cyjs` document: `name` is the node label column, `interaction` the edge type column."""
    nodes = [
        {"data": {"id": n, "name": d.get("label", n), **d, "colour": node_colour(d)}} for n, d in G.nodes(data=True)
    ]
    edges = [
        {
            "data": {
                "id": f"e{i}",
                "source": u,
                "target": v,
                "interaction": d.get("relation", ""),
                **d,
                "colour": edge_colour(d),
            }
        }
        for i, (u, v, d) in enumerate(G.edges(data=True))
    ]
    return {
        "format_version": "1.0",
        "generated_by": "probation-kg",
        "target_cytoscapejs_version": "~3.0",
        "data": {"name": _title(G), **G.graph, "directed": G.is_directed()},
        "elements": {"nodes": nodes, "edges": edges},
    }


def _cytoscape(G: nx.Graph, path: Path) -> None:
    path.write_text(json.dumps(cytoscape_json(G), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# --- DOT --------------------------------------------------------------------------------------


def dot_quote(value: object) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, newlines as Graphviz's \\n."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n") + '"'


def dot_attrs(attrs: dict) -> str:
    return "[" + ", ".join(f"{dot_quote(k)}={dot_quote(v)}" for k, v in attrs.items()) + "]"


def dot_text(G: nx.Graph) -> str:
    """The view as Graphviz DOT, with every attribute kept and colours by kind and polarity."""
    directed = G.is_directed()
    arrow = "->" if directed else "--"
    lines = [
        f"// {_title(G)}: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges",
        f"{'digraph' if directed else 'graph'} {dot_quote('probation-kg')} {{",
        f"  graph {dot_attrs({'label': _title(G), 'overlap': 'false', 'outputorder': 'edgesfirst'})};",
        '  node [style="filled", fontname="DejaVu Sans", fontsize="10"];',
        '  edge [fontname="DejaVu Sans", fontsize="8"];',
    ]
    for n, d in G.nodes(data=True):
        lines.append(f"  {dot_quote(n)} {dot_attrs({**d, 'fillcolor': node_colour(d)})};")
    for u, v, d in G.edges(data=True):
        lines.append(f"  {dot_quote(u)} {arrow} {dot_quote(v)} {dot_attrs({**d, 'color': edge_colour(d)})};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot(G: nx.Graph, path: Path) -> None:
    path.write_text(dot_text(G), encoding="utf-8")


# --- CSV --------------------------------------------------------------------------------------


def csv_paths(path: Path) -> tuple[Path, Path]:
    """`out.csv` (or `out`) as `out-nodes.csv` and `out-edges.csv`."""
    stem = path.name[: -len(".csv")] if path.name.endswith(".csv") else path.name
    return path.with_name(f"{stem}-nodes.csv"), path.with_name(f"{stem}-edges.csv")


def _csv(G: nx.Graph, path: Path) -> list[Path]:
    """Gephi's spreadsheet columns (Id, Label; Source, Target, Type, Weight) and then every attribute."""
    nodes_path, edges_path = csv_paths(path)
    node_keys = _columns(d for _, d in G.nodes(data=True))
    node_keys.remove("label")
    edge_keys = _columns(d for _, _, d in G.edges(data=True))
    weight = "weight" in edge_keys
    if weight:
        edge_keys.remove("weight")
    kind = "Directed" if G.is_directed() else "Undirected"

    def nodes(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as out:
            w = csv.writer(out)
            w.writerow(["Id", "Label", *node_keys])
            for n, d in G.nodes(data=True):
                w.writerow([n, d.get("label", n), *(d.get(k, "") for k in node_keys)])

    def edges(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as out:
            w = csv.writer(out)
            w.writerow(["Source", "Target", "Type", *(["Weight"] if weight else []), *edge_keys])
            for u, v, d in G.edges(data=True):
                w.writerow([u, v, kind, *([d.get("weight", "")] if weight else []), *(d.get(k, "") for k in edge_keys)])

    replace_atomically(nodes_path, nodes)
    replace_atomically(edges_path, edges)
    return [nodes_path, edges_path]


def _columns(rows: Iterable[dict[str, object]]) -> list[str]:
    seen: dict[str, None] = {}
    for d in rows:
        seen.update(dict.fromkeys(d))
    first = [k for k in ("label", "kind", "iri") if k in seen]
    return first + sorted(k for k in seen if k not in first)


# --- JSON-LD ----------------------------------------------------------------------------------


def jsonld_document(G: nx.Graph) -> dict:
    """The view as JSON-LD: nodes keep their IRIs, edges are `Edge` objects with `source` and `target`.

    Literal attributes of the full view (`pko_statement`) map back to their
    predicates; `label` is `rdfs:label`; the rest are terms of VIEW_VOCAB.
    """
    context: dict[str, object] = {
        "@vocab": VIEW_VOCAB,
        **PREFIXES,
        "label": "rdfs:label",
        "source": {"@type": "@id"},
        "target": {"@type": "@id"},
    }
    for _, d in G.nodes(data=True):
        for k in d:
            prefix, _, local = k.partition("_")
            if local and prefix in PREFIXES and k not in context:
                context[k] = f"{prefix}:{local}"
    nodes = [{"@id": n, "@type": "Node", **{k: v for k, v in d.items() if k != "iri"}} for n, d in G.nodes(data=True)]
    edges = [{"@type": "Edge", "source": u, "target": v, **d} for u, v, d in G.edges(data=True)]
    return {"@context": context, "@graph": nodes + edges}


def _jsonld(G: nx.Graph, path: Path) -> None:
    path.write_text(json.dumps(jsonld_document(G), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# --- HTML -------------------------------------------------------------------------------------


def script_json(data: object) -> str:
    """JSON safe inside an HTML <script> element: no `<`, `>` or `&` can end it or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def page_data(G: nx.Graph, findings: dict, node_findings: dict) -> dict:
    """What the HTML page draws: nodes (placed by `layout.positions`), edges (as node indexes),
    colours, legend and findings."""
    index = {n: i for i, n in enumerate(G.nodes)}
    where = positions(G)
    return {
        "title": _title(G),
        "view": G.graph.get("view", ""),
        "directed": G.is_directed(),
        "nodes": [
            {
                "id": n,
                "label": d.get("label", n),
                "kind": d.get("kind", "other"),
                "colour": node_colour(d),
                "x": round(where[n][0], 1),
                "y": round(where[n][1], 1),
                "attrs": {k: v for k, v in d.items() if k not in ("label", "kind")},
            }
            for n, d in G.nodes(data=True)
        ],
        "edges": [
            {
                "s": index[u],
                "t": index[v],
                "relation": d.get("relation", ""),
                "weight": d.get("weight", 1),
                "colour": edge_colour(d),
                "attrs": {k: v for k, v in d.items() if k not in ("relation",)},
            }
            for u, v, d in G.edges(data=True)
        ],
        "kinds": {k: KIND_COLOURS[k] for k in sorted({d.get("kind", "other") for _, d in G.nodes(data=True)})},
        "polarity": {
            "strength": POLARITY_COLOURS["strength"],
            "area for improvement": POLARITY_COLOURS["area-for-improvement"],
            "no finding": POLARITY_COLOURS[None],
        },
        "findings": findings,
        "nodeFindings": node_findings,
    }


def html_page(G: nx.Graph, findings: dict, node_findings: dict) -> str:
    """One self-contained page: template, style, script and data inline; no request leaves it."""
    assets = resources.files("probkg.views") / "web_export"
    script = (assets / "graph.js").read_text(encoding="utf-8")
    style = (assets / "graph.css").read_text(encoding="utf-8")
    if "</" in script or "</" in style:
        raise AssertionError("web_export assets must not contain '</'")
    template = (assets / "template.html").read_text(encoding="utf-8")
    if "<script>\n{{SCRIPT}}\n</script>" not in template:
        raise AssertionError("the template's script element must be exactly <script>\\n{{SCRIPT}}\\n</script>")
    # The Content-Security-Policy lets only this script run (by its hash) and lets nothing be fetched.
    digest = base64.b64encode(hashlib.sha256(f"\n{script}\n".encode()).digest()).decode("ascii")
    slots = {
        "TITLE": html.escape(_title(G)),
        "STYLE": style,
        "SCRIPT": script,
        "SCRIPT_HASH": f"'sha256-{digest}'",
        "DATA": script_json(page_data(G, findings, node_findings)),
    }
    return re.sub(r"\{\{(TITLE|STYLE|SCRIPT|SCRIPT_HASH|DATA)\}\}", lambda m: slots[m.group(1)], template)
