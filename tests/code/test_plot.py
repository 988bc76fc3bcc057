"""`probkg plot` pictures and `probkg stats --network`, checked against the data.

PNGs are opened by Pillow (valid, of sensible size, not blank); SVGs are
parsed as XML and their text compared with what SPARQL says they must show.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from probkg.cli import main
from support.exportcheck import entity_pairs, labels

SVG = "{http://www.w3.org/2000/svg}"


def run(root: Path, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(main, ["--root", str(root), *args])
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture(scope="module")
def pictures(lay, tmp_path_factory):
    folder = tmp_path_factory.mktemp("pictures")
    for kind in ("ratings", "network"):
        for suffix in (".png", ".svg"):
            run(lay.root, "plot", kind, "-o", str(folder / f"{kind}{suffix}"))
    return folder


def svg_texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


@pytest.mark.parametrize(
    "kind, smallest, largest", [("ratings", (600, 600), (4000, 4000)), ("network", (1500, 1000), (9000, 9000))]
)
def test_png_is_a_valid_picture_of_sensible_size(pictures, kind, smallest, largest):
    path = pictures / f"{kind}.png"
    with Image.open(path) as image:
        image.verify()
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert smallest[0] <= image.width <= largest[0] and smallest[1] <= image.height <= largest[1], image.size
        rgb = image.convert("RGB")
        colours = rgb.getcolors(maxcolors=rgb.width * rgb.height)
        inked = sum(n for n, c in colours if c != (255, 255, 255)) / (rgb.width * rgb.height)
        assert len(colours) > 50 and inked > 0.05, (len(colours), inked)


def test_ratings_picture_shows_every_rating_in_its_band(kg, pictures):
    rows = kg.select("""SELECT ?band (COUNT(?r) AS ?n) WHERE {
        ?r a pko:Rating ; pko:inspection ?i ; pko:standard ?s ; pko:band/skos:prefLabel ?band } GROUP BY ?band""")
    texts = Counter(svg_texts(pictures / "ratings.svg"))
    assert rows
    for r in rows:  # each rating's cell, plus the band's entry in the legend
        assert texts[r["band"]] == int(r["n"]) + 1, r["band"]
    comparable = kg.select("""SELECT (COUNT(*) AS ?n) WHERE {
        ?a skos:closeMatch ?b . ?x pko:standard ?a ; a pko:Rating . ?y pko:standard ?b ; a pko:Rating .
        FILTER(STR(?a) < STR(?b)) }""")
    assert int(comparable[0]["n"]) >= 4, "the 2019 and 2025 frameworks share comparable rated standards"
    assert "Comparable standards" in texts


def test_network_picture_draws_every_linked_entity(kg, pictures):
    root = ET.parse(pictures / "network.svg").getroot()
    nodes = [g for g in root.iter(f"{SVG}g") if g.get("class") == "node"]
    edges = [g for g in root.iter(f"{SVG}g") if g.get("class") == "edge"]
    pairs = entity_pairs(kg)
    linked = {e for pair in pairs for e in pair}
    assert (len(nodes), len(edges)) == (len(linked), len(pairs))
    texts = set(svg_texts(pictures / "network.svg"))
    names = labels(kg)
    assert {names[e] for e in linked} <= texts


def test_plot_refuses_other_suffixes(lay, tmp_path):
    assert "png or .svg" in run(lay.root, "plot", "ratings", "-o", str(tmp_path / "r.gif"), code=2)


def test_plot_network_around_an_entity(lay, tmp_path):
    run(lay.root, "plot", "network", "--around", "ViSOR", "-o", str(tmp_path / "visor.svg"))
    texts = svg_texts(tmp_path / "visor.svg")
    assert "ViSOR" in texts


def test_stats_network(kg, lay):
    out = run(lay.root, "stats", "--network", "--top", "5")
    assert "Most connected entities" in out and "Per inspection" in out
    top = kg.select("""SELECT ?e (COUNT(DISTINCT ?f) AS ?n) WHERE {
        ?f a pko:Finding ; pko:polarity vocab:area-for-improvement ; pko:concerns ?e .
        ?e a/rdfs:subClassOf* ?root .
        VALUES ?root { org:FormalOrganization org:OrganizationalUnit pko:Establishment
          org:OrganizationalCollaboration pko:Programme pko:StaffTraining pko:Service pko:Initiative pko:Contract pko:SystemOrTool }
        } GROUP BY ?e ORDER BY DESC(?n) LIMIT 1""")[0]
    afi_table = out.split("areas for improvement (AFI), all inspections", 1)[1].splitlines()
    first_row = afi_table[3]
    assert first_row.startswith(labels(kg)[top["e"]]) and f"  {top['n']}  " in first_row
