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
import io
import json
import re
import shutil
import tempfile
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element, ElementTree, SubElement, tostring

import networkx as nx
from lxml import etree as lxml_etree  # type: ignore[import-untyped]  # lxml ships no type hints
from networkx.readwrite.gexf import GEXFWriter
from networkx.readwrite.graphml import GraphMLWriterLxml

from probkg.core.atomic import replace_atomically
from probkg.core.errors import InputError
from probkg.core.progress import steps
from probkg.rdf.vocab import PREFIXES
from probkg.views.graphs import KIND_COLOURS, POLARITY_COLOURS, FullView, edge_colour, node_colour
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


STREAMED = ("graphml", "gexf")
"""Formats written node by node, so a `FullView` goes to the file without being held in memory."""


def write(G: nx.Graph | FullView, fmt: str, path: Path, details: tuple[dict, dict] | None = None) -> list[Path]:
    """Write G as FMT to PATH (CSV: two files beside it); return the files written.

    DETAILS are the findings behind the nodes (`views.finding_details`), shown by the HTML page.
    """
    if fmt in STREAMED:
        replace_atomically(path, lambda tmp: (_graphml if fmt == "graphml" else _gexf)(G, tmp))
        return [path]
    if isinstance(G, FullView):
        G = G.networkx()
    writers = {"cytoscape": _cytoscape, "dot": _dot, "jsonld": _jsonld}
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


class _YedGraphMLWriter(GraphMLWriterLxml):
    """networkx's streaming GraphML writer plus yFiles node graphics, so yEd shows each node's label and colour.

    lxml writes each node and edge to the file as soon as it is made, so memory
    stays flat whatever the view's size (the full view at 1,000 inspections; see
    docs/exports.md). Gephi and Cytoscape read the plain `data` keys and ignore
    the graphics; networkx reads the graphics back as the same `label`. Each
    node's graphics declare the yFiles namespace themselves, since networkx
    writes the root element before a subclass can add to it. lxml writes a CR in
    a value as `&#13;`, which every XML parser reads back as CR (a raw CR would
    come back as LF, XML 1.0 section 2.11).
    """

    def __init__(self, path: Path) -> None:
        super().__init__(str(path), encoding="utf-8", prettyprint=True)
        self.xml.append(self.myElement("key", {"for": "node", "id": "yfiles_node", "yfiles.type": "nodegraphics"}))

    def add_nodes(self, G: nx.Graph, graph_element: Any) -> None:
        for node, data in steps(G.nodes(data=True), "writing nodes", G.number_of_nodes()):
            element = self.myElement("node", id=str(node))
            self.add_attributes("node", element, data, {})
            label = str(data.get("label", ""))
            graphics = lxml_etree.SubElement(element, "data", key="yfiles_node")
            shape = lxml_etree.SubElement(graphics, f"{{{NS_Y}}}ShapeNode", nsmap={"y": NS_Y})
            width = f"{max(40, 7 * min(len(label), 60)):.1f}"
            lxml_etree.SubElement(shape, f"{{{NS_Y}}}Geometry", height="30.0", width=width)
            lxml_etree.SubElement(shape, f"{{{NS_Y}}}Fill", color=node_colour(data).upper(), transparent="false")
            lxml_etree.SubElement(shape, f"{{{NS_Y}}}NodeLabel").text = label
            lxml_etree.SubElement(shape, f"{{{NS_Y}}}Shape", type="roundrectangle")
            graph_element.append(element)

    def add_edges(self, G: nx.Graph, graph_element: Any) -> None:
        """Edges numbered `e0`, `e1`, ... in a multigraph: networkx would use the edge keys, which repeat."""
        multi = G.is_multigraph()
        for i, (u, v, data) in enumerate(steps(G.edges(data=True), "writing edges")):
            ids = {"id": f"e{i}"} if multi else {}
            element = self.myElement("edge", source=str(u), target=str(v), **ids)
            self.add_attributes("edge", element, data, {})
            graph_element.append(element)


def _graphml(G: nx.Graph | FullView, path: Path) -> None:
    writer = _YedGraphMLWriter(path)
    writer.add_graph_element(G)
    writer.dump()


# --- GEXF -------------------------------------------------------------------------------------


def _viz(data: dict) -> dict:
    """A node's kind colour as GEXF viz data, which Gephi draws."""
    colour = node_colour(data)
    return {"color": {"r": int(colour[1:3], 16), "g": int(colour[3:5], 16), "b": int(colour[5:7], 16), "a": 1.0}}


class _One:
    """A graph of one node or one edge, as much of one as networkx's GEXF writer asks of it."""

    def __init__(self, G: Any, node: tuple | None = None, edge: tuple | None = None) -> None:
        self.graph, self._node, self._edge, self._multi = G.graph, node, edge, G.is_multigraph()
        self.nodes = _OneNode(node)

    def is_multigraph(self) -> bool:
        return self._multi

    def edges(self, data: bool = False, keys: bool = False) -> list[tuple]:
        return [self._edge] if self._edge else []


class _OneNode:
    def __init__(self, node: tuple | None) -> None:
        self._node = node

    def __call__(self, data: bool = False) -> list[tuple]:
        return [self._node] if self._node else []

    def __getitem__(self, node: str) -> dict:
        return {}  # no node of ours has an `id` attribute: GEXF ids are the node keys


class _StreamingGEXFWriter(GEXFWriter):
    """networkx's GEXF writer made to stream: each node and edge goes to a spool file once made.

    networkx builds the whole document in memory (1.7 GB for the full view at
    1,000 inspections). Here its own `add_nodes` and `add_edges` make one element
    at a time, which is written to a temporary file beside the output at once;
    the attribute declarations, which GEXF puts before the nodes, are known only at
    the end, so the document is then put together: its head, the nodes, the edges.
    """

    MARK = "probkg-spooled-{}"

    def write_graph(self, G: Any, path: Path) -> None:
        default = "directed" if G.is_directed() else "undirected"
        self.graph_element = Element("graph", defaultedgetype=default, mode="static", name=_title(G))
        with tempfile.TemporaryFile(dir=path.parent) as nodes, tempfile.TemporaryFile(dir=path.parent) as edges:
            for node, data in steps(G.nodes(data=True), "writing nodes", G.number_of_nodes()):
                self._spool(self.add_nodes, _One(G, node=(node, {**data, "viz": _viz(data)})), nodes)
            for edge in steps(
                G.edges(keys=True, data=True) if G.is_multigraph() else G.edges(data=True), "writing edges"
            ):
                self._spool(self.add_edges, _One(G, edge=edge), edges)
            for name in ("nodes", "edges"):
                SubElement(self.graph_element, name).text = self.MARK.format(name)
            self.xml.append(self.graph_element)
            self.indent(self.xml)
            skeleton = io.BytesIO()
            ElementTree(self.xml).write(skeleton, encoding=self.encoding, xml_declaration=True)
            head, rest = skeleton.getvalue().split(self.MARK.format("nodes").encode())
            middle, tail = rest.split(self.MARK.format("edges").encode())
            with path.open("wb") as out:
                for part in (head, nodes, middle, edges, tail):
                    if isinstance(part, bytes):
                        out.write(part)
                    else:
                        part.seek(0)
                        shutil.copyfileobj(part, out)

    def _spool(self, add: Any, one: _One, spool: IO[bytes]) -> None:
        holder = Element("holder")
        add(one, holder)
        for element in holder[0]:
            self.indent(element, 3)
            spool.write(b"\n      " + tostring(element, encoding="unicode").strip().encode(self.encoding))


def _gexf(G: nx.Graph | FullView, path: Path) -> None:
    _StreamingGEXFWriter().write_graph(G, path)


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
