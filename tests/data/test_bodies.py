"""The bodies of probation in England and Wales: counts, evidence, and the two saved queries about them.

Expected values come from the pages cited in graph/sources/pages.ttl (named in
each comment) and from the corpus where it says the same; none is taken from
running the code under test.
"""

from __future__ import annotations

import pytest

from probkg.core.paths import Layout, layout
from probkg.rdf.store import KnowledgeGraph
from probkg.sparql.catalogue import catalogue
from probkg.sparql.engines import OxigraphEngine
from probkg.views import stats

SAVED = catalogue(layout().queries)
FILES = ("regions-and-pdus", "crcs", "nps-divisions", "inspectorate")


@pytest.fixture(scope="module")
def run(kg: KnowledgeGraph):
    engine = OxigraphEngine(kg)

    def go(name: str, **params: str) -> list[dict[str, str]]:
        query = SAVED[name]
        return [{k: v["value"] for k, v in row.items()} for row in engine.run(query.text, query.bind(params)).rows]

    return go


def test_counts_of_the_bodies(kg: KnowledgeGraph) -> None:
    counts = dict(stats.body_counts(kg))
    # gov.uk regional maps: eleven probation regions in England and one in Wales.
    assert counts["regions of the Probation Service"] == 12
    # 003: "21 CRCs were set up in June 2014"; the inspectorate's 2018 programme page counts 21 as well.
    assert counts["community rehabilitation companies"] == 21
    # Every CRC but Warwickshire and West Mercia has an owner on a page read (its owner was not found).
    assert counts["CRCs with a known owner"] == counts["CRCs with a dated ownership"] == 20
    # The 2018 Napo evidence names eight owners; Interserve's five are recorded through Purple Futures, which
    # it led (3SC), and the eighth, People Plus, is named without its CRC, so it owns nothing here.
    assert counts["owners of CRCs"] == 7
    # The inspectorate counted seven NPS areas; Wales (003) and the four named on its pages are held.
    assert counts["NPS divisions"] == 5
    # McDowell (appointed November 2013), Stacey (from 1 March 2016), Russell (from June 2019),
    # McAllister (interim from 01 October 2023), Jones (from March 2024).
    assert counts["chief inspectors of probation since 2014"] == 5


def test_pdus_of_each_region(kg: KnowledgeGraph) -> None:
    pdus = dict(stats.pdus_per_region(kg))
    assert len(pdus) == 12
    # 004: "The region consists of six PDUs".
    assert pdus["Probation Service in Wales"] == 6
    # The South West public protection press release lists nine PDUs; the Greater Manchester one lists eight,
    # and the 2023 Manchester North release names Tameside PDU, which the later list does not.
    assert pdus["Probation Service – South West region"] == 9
    assert pdus["Probation Service – Greater Manchester region"] == 8 + 1


def test_no_new_body_lacks_a_label_a_definition_or_evidence(kg: KnowledgeGraph, lay: Layout) -> None:
    graphs = " ".join(f"<{lay.graph_name(lay.graph / 'reference' / (f + '.ttl'))}>" for f in FILES)
    missing = kg.select(f"""
        SELECT ?s WHERE {{
          VALUES ?g {{ {graphs} }}
          GRAPH ?g {{ ?s a ?class }}
          FILTER(STRSTARTS(STR(?s), "https://w3id.org/probation-kg/id/organisation/")
              || STRSTARTS(STR(?s), "https://w3id.org/probation-kg/id/person/"))
          MINUS {{ ?s pko:hasEvidence ?q ; skos:definition ?d ; skos:prefLabel ?l ; rdfs:label ?r }}
        }}""")
    assert missing == []
    held = kg.select(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s a ?c }} }}")
    assert int(held[0]["n"]) > 100  # the check looked at the new files, not at nothing


def test_pdus_of_the_south_west_in_2025(run) -> None:
    rows = run("bodies-in-region")
    # The South West public protection press release: the region covers nine PDUs, named there.
    assert {r["unitLabel"] for r in rows} == {
        "Cornwall and Isles of Scilly PDU",
        "Devon and Torbay PDU",
        "Dorset PDU",
        "Plymouth PDU",
        "Bath and North Somerset PDU",
        "Bristol and South Gloucestershire PDU",
        "Gloucestershire PDU",
        "Somerset PDU",
        "Swindon and Wiltshire PDU",
    }


def test_no_pdus_before_unification(run) -> None:
    # gov.uk: the Probation Services unified on 26 June 2021; in April 2019 (003's date) the Wales region
    # and its PDUs did not exist, and the day after unification they did.
    wales = "organisation:probation-service-in-wales"
    assert run("bodies-in-region", region=wales, date="2019-04-17") == []
    assert len(run("bodies-in-region", region=wales, date="2021-06-27")) >= 6


def test_nps_divisions_while_the_nps_existed(run) -> None:
    before = {
        r["unitLabel"]
        for r in run(
            "bodies-in-region", region="organisation:national-probation-service", kind="pko:Division", date="2019-04-17"
        )
    }
    # 003 (NPS in Wales) and the inspectorate's pages on the North West, South West and South Central,
    # London and Midlands divisions; the NPS ended at unification in June 2021.
    assert before == {
        "NPS in Wales",
        "NPS North West division",
        "NPS South West and South Central division",
        "NPS London division",
        "NPS Midlands division",
    }
    assert (
        run(
            "bodies-in-region", region="organisation:national-probation-service", kind="pko:Division", date="2022-01-01"
        )
        == []
    )


def test_each_crc_with_its_owners_over_time(run) -> None:
    rows = run("crc-owners")
    owners: dict[str, list[tuple[str, str, str]]] = {}
    for r in rows:
        owners.setdefault(r["crcLabel"], []).append((r.get("ownerLabel", ""), r.get("from", ""), r.get("until", "")))
    # Civil Service World: the three Working Links CRCs passed to Seetec; the BBC dates the administration
    # 15 February 2019 and the inspectorate's July 2019 release has Seetec managing the Welsh CRC since February.
    assert owners["Dorset, Devon and Cornwall CRC"] == [
        ("Working Links", "", "2019-02"),
        ("Seetec", "2019-02", "2021-06-26"),
    ]
    assert ("Seetec", "2019-02", "") in owners["Wales Community Rehabilitation Company"]
    # Civil Service World: Kent, Surrey and Sussex CRC is Seetec's subsidiary; unified on 26 June 2021 (gov.uk).
    assert owners["Kent, Surrey and Sussex CRC"] == [("Seetec", "", "2021-06-26")]
    # The 2018 Napo evidence lists Sodexo's six CRCs.
    sodexo = {crc for crc, rows in owners.items() if any(o == "Sodexo" for o, _, _ in rows)}
    assert sodexo == {
        "Northumbria CRC",
        "South Yorkshire CRC",
        "Cumbria and Lancashire CRC",
        "Essex CRC",
        "BeNCH CRC",
        "Norfolk and Suffolk CRC",
    }
    # No page read names the owner of Warwickshire and West Mercia CRC: one row, no owner.
    assert owners["Warwickshire and West Mercia CRC"] == [("", "", "")]
    # What became of them: every English CRC ended at the 2021 unification.
    fates = {r["crcLabel"]: r.get("fateDate") for r in rows}
    assert fates["London CRC"] == fates["Merseyside CRC"] == "2021-06-26"
