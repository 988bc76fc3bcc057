"""`probkg export`: every format of every view, written by the CLI and read back by another tool.

Expected node and edge counts come from SPARQL written from the view
definitions (tests/exportcheck.py), not from the exporter. A fixture project
whose labels hold quotes, ampersands, angle brackets, </script>, backslashes
and Welsh letters checks that every label survives every format intact.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from click.testing import CliRunner

import probkg
from probkg.cli import main
from probkg.rdf.vocab import compact
from probkg.views.export import FORMATS, VIEW_VOCAB
from support.exportcheck import (
    AFI_PAIRS,
    HOSTILE,
    HOSTILE_QUOTE,
    HOSTILE_STATEMENT,
    count,
    entity_pairs,
    expected_counts,
    html_data,
    labels,
    make_hostile_project,
    read_back,
)

INSPECTION = "https://w3id.org/probation-kg/id/inspection/2025-wales-region"
VIEW_ARGS = {
    "full": ["--view", "full"],
    "entities": ["--view", "entities"],
    "inspection": ["--inspection", "2025-wales-region"],
}


def run(root: Path, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, ["--root", str(root), *args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def out_file(folder: Path, view: str, fmt: str) -> Path:
    return folder / f"{view}{'.csv' if fmt == 'csv' else FORMATS[fmt]}"


@pytest.fixture(scope="module")
def exports(lay, tmp_path_factory):
    """Every view of the real graph in every format, written once through the CLI."""
    folder = tmp_path_factory.mktemp("exports")
    for view, args in VIEW_ARGS.items():
        for fmt in FORMATS:
            run(lay.root, "export", fmt, "-o", str(out_file(folder, view, fmt)), *args)
    return folder


@pytest.fixture(scope="module")
def hostile(lay, tmp_path_factory):
    """The fixture project, loaded, and every view of it in every format."""
    root = tmp_path_factory.mktemp("hostile")
    fixture_lay = make_hostile_project(root, lay.ontology)
    folder = root / "out"
    folder.mkdir()
    for view, args in {"full": ["--view", "full"], "entities": [], "inspection": ["--inspection", "hostile"]}.items():
        for fmt in FORMATS:
            run(root, "export", fmt, "-o", str(out_file(folder, view, fmt)), *args)
    return probkg.load(lay=fixture_lay), folder


@pytest.mark.slow  # the `exports` fixture: every view in every format, a CLI run each
@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("view", list(VIEW_ARGS))
def test_export_reads_back_with_the_views_counts(kg, exports, view, fmt):
    nodes, edges = expected_counts(kg, view, INSPECTION)
    labels_too = not (view == "full" and fmt == "dot")  # Graphviz would lay out 4,500 nodes to print them
    _, node_count, edge_count = read_back(fmt, out_file(exports, view, fmt), with_labels=labels_too)
    assert (node_count, edge_count) == (nodes, edges)


def test_views_have_sensible_sizes(kg):
    """A guard for the SPARQL expectations themselves: the counts describe a real graph."""
    full, entities, inspection = (expected_counts(kg, v, INSPECTION) for v in VIEW_ARGS)
    assert full[0] > 3000 and full[1] > full[0]
    assert 100 < entities[0] < full[0] and entities[1] > entities[0]
    assert inspection[0] > 150 and inspection[1] > inspection[0]


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("view", ["full", "entities", "inspection"])
def test_hostile_labels_survive(hostile, view, fmt):
    kg, folder = hostile
    expected_nodes, expected_edges = expected_counts(kg, view, "https://w3id.org/probation-kg/id/inspection/hostile")
    nodes, node_count, edge_count = read_back(fmt, out_file(folder, view, fmt))
    assert (node_count, edge_count) == (expected_nodes, expected_edges)
    want = {compact(iri): label for iri, label in labels(kg).items() if compact(iri) in nodes}
    assert want, "the fixture's labelled resources should be in every view"
    assert {k: nodes[k] for k in want} == want
    for key, label in HOSTILE.items():
        if key in nodes:
            assert nodes[key] == label


def test_hostile_views_hold_what_they_should(hostile):
    kg, folder = hostile
    entities, _, _ = read_back("graphml", out_file(folder, "entities", "graphml"))
    assert set(entities) == {
        "organisation:hostile-body",
        "organisation:hostile-unit",
        "system:hostile-system",
        "programme:hostile-programme",
        "arrangement:hostile-alone",
    }
    inspection, _, _ = read_back("cytoscape", out_file(folder, "inspection", "cytoscape"))
    assert {"inspection:hostile", "rating:hostile-1-1", "finding:hostile-001", "finding:hostile-002"} <= set(inspection)


def test_hostile_quote_and_statement_survive_the_html(hostile):
    kg, folder = hostile
    page = out_file(folder, "entities", "html")
    text = page.read_text(encoding="utf-8")
    assert text.lower().count("</script") == 2, "only the page's own two scripts may close"
    assert "<!--" not in text.split('id="graph-data">', 1)[1].split("</script>", 1)[0]
    data, scripts = html_data(page)
    assert scripts == 2
    assert data["findings"]["finding:hostile-001"]["quotes"] == [HOSTILE_QUOTE]
    assert data["findings"]["finding:hostile-001"]["statement"] == HOSTILE_STATEMENT
    assert data["nodeFindings"]["system:hostile-system"] == ["finding:hostile-001", "finding:hostile-002"]
    assert "Content-Security-Policy" in text
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", text), "nothing may be loaded from elsewhere"


def test_hostile_jsonld_is_linked_data(hostile):
    """An RDF parser reads the JSON-LD: the nodes keep their IRIs and labels, edges are view:Edge."""
    kg, folder = hostile
    g = rdflib.Dataset()
    g.parse(out_file(folder, "entities", "jsonld"), format="json-ld")
    body = rdflib.URIRef("https://w3id.org/probation-kg/id/organisation/hostile-body")
    assert str(g.value(body, rdflib.RDFS.label)) == HOSTILE["organisation:hostile-body"]
    edges = set(g.subjects(rdflib.RDF.type, rdflib.URIRef(VIEW_VOCAB + "Edge")))
    assert len(edges) == expected_counts(kg, "entities")[1]


@pytest.mark.slow
def test_entities_edges_count_strengths_and_areas_for_improvement(kg, exports):
    G = nx.read_graphml(out_file(exports, "entities", "graphml"))
    assert sum(d["areas_for_improvement"] for _, _, d in G.edges(data=True)) == count(kg, AFI_PAIRS)
    for _, _, d in G.edges(data=True):
        assert d["weight"] == d["structure"] + d["delivery"] + d["co_mentions"]
        assert d["strengths"] + d["areas_for_improvement"] <= d["co_mentions"]
    afi = {
        compact(r["e"]): int(r["n"])
        for r in kg.select("""
        SELECT ?e (COUNT(DISTINCT ?f) AS ?n) WHERE {
          ?f a pko:Finding ; pko:polarity vocab:area-for-improvement ; pko:concerns ?e } GROUP BY ?e""")
    }
    for n, d in G.nodes(data=True):
        assert d["areas_for_improvement"] == afi.get(n, 0), n


@pytest.mark.slow
def test_cytoscape_and_csv_carry_the_tools_columns(exports):
    doc = json.loads(out_file(exports, "entities", "cytoscape").read_text(encoding="utf-8"))
    node = doc["elements"]["nodes"][0]["data"]
    assert {"id", "name", "label", "kind", "iri"} <= set(node)
    edge = doc["elements"]["edges"][0]["data"]
    assert {"id", "source", "target", "interaction", "weight"} <= set(edge)
    header = (exports / "entities-edges.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:4] == ["Source", "Target", "Type", "Weight"]
    assert (exports / "entities-nodes.csv").read_text(encoding="utf-8").startswith("Id,Label,kind,iri")


@pytest.mark.slow
def test_exports_are_the_same_twice(lay, tmp_path):
    """Blank nodes get stable keys, so the same data exports to the same bytes."""
    first, again = tmp_path / "first.graphml", tmp_path / "again.graphml"
    for path in (first, again):
        run(lay.root, "export", "graphml", "--view", "full", "-o", str(path))
    assert again.read_bytes() == first.read_bytes()


@pytest.mark.parametrize(
    "entity",
    [
        "HMPPS",
        "https://w3id.org/probation-kg/id/organisation/hm-prison-and-probation-service",
        "organisation:hm-prison-and-probation-service",
        "hmpps",
    ],
)
def test_around_an_entity_by_iri_label_or_acronym(kg, lay, tmp_path, entity):
    iri = "https://w3id.org/probation-kg/id/organisation/hm-prison-and-probation-service"
    pairs = entity_pairs(kg)
    near = {iri} | {b if a == iri else a for a, b in pairs if iri in (a, b)}
    inner = {(a, b) for a, b in pairs if a in near and b in near}
    path = tmp_path / "around.gexf"
    run(lay.root, "export", "gexf", "--around", entity, "--depth", "1", "-o", str(path))
    nodes, node_count, edge_count = read_back("gexf", path)
    assert set(nodes) == {compact(x) for x in near}
    assert (node_count, edge_count) == (len(near), len(inner))


def test_around_by_acronym_in_the_fixture(hostile, tmp_path):
    kg, folder = hostile
    root = folder.parent
    path = tmp_path / "around.json"
    run(root, "export", "cytoscape", "--around", "h&q", "--depth", "0", "-o", str(path))
    assert read_back("cytoscape", path)[0] == {"organisation:hostile-body": HOSTILE["organisation:hostile-body"]}
    run(root, "export", "html", "--inspection", HOSTILE["inspection:hostile"], "-o", str(tmp_path / "i.html"))


@pytest.mark.parametrize(
    "args, message",
    [
        (["--around", "no such thing"], "nothing in the entities view"),
        (["--depth", "2"], "--depth needs --around"),
        (["--view", "inspection"], "needs --inspection"),
        (["--inspection", "1999-nowhere"], "no inspection"),
        (["--view", "full", "--inspection", "2019-nps-wales"], "only the inspection view"),
        (["--around", "Inspection of the Probation Service in Wales region (2025)"], "is not in the entities view"),
    ],
)
def test_bad_choices_exit_2(lay, tmp_path, args, message):
    result = CliRunner().invoke(main, ["--root", str(lay.root), "export", "dot", "-o", str(tmp_path / "x.dot"), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "x.dot").exists()


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_the_streamed_full_view_is_the_view_held_in_memory(kg, tmp_path, fmt):
    """`export` streams the full view from the store (graphs.FullView); written from the networkx view
    instead, the file must read back as the same graph, every attribute included."""
    from probkg.views import export, graphs

    streamed, held = tmp_path / f"streamed.{fmt}", tmp_path / f"held.{fmt}"
    export.write(graphs.FullView(kg), fmt, streamed)
    export.write(graphs.full_view(kg), fmt, held)
    read = nx.read_graphml if fmt == "graphml" else nx.read_gexf
    a, b = read(streamed), read(held)
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))

    def edges(G: nx.Graph) -> list[str]:  # GEXF numbers edges in the order written, which may differ
        return sorted(repr((u, v, {k: x for k, x in d.items() if k != "id"})) for u, v, d in G.edges(data=True))

    assert edges(a) == edges(b)
    assert a.number_of_nodes() == expected_counts(kg, "full", INSPECTION)[0]


def test_graphml_gives_yed_each_label_and_colour(exports):
    """yEd draws a node from its yFiles graphics: the label there is the node's own."""
    import xml.etree.ElementTree as ET

    root = ET.parse(out_file(exports, "entities", "graphml")).getroot()
    ns = {"g": "http://graphml.graphdrawing.org/xmlns", "y": "http://www.yworks.com/xml/graphml"}
    label_key = next(k.get("id") for k in root.findall("g:key", ns) if k.get("attr.name") == "label")
    nodes = root.findall("g:graph/g:node", ns)
    assert nodes
    for node in nodes:
        label = next(d.text for d in node.findall("g:data", ns) if d.get("key") == label_key)
        assert node.find(".//y:ShapeNode/y:NodeLabel", ns).text == label
        assert re.fullmatch(r"#[0-9A-F]{6}", node.find(".//y:ShapeNode/y:Fill", ns).get("color"))
