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
    # Every CRC has an owner on a page read: the BBC's 2019 report names PeoplePlus as Warwickshire and West
    # Mercia CRC's, and Russell Webster's 2014 list of confirmed providers names EOS for it.
    assert counts["CRCs with a known owner"] == counts["CRCs with a dated ownership"] == 21
    # The 2018 Napo evidence names eight owners, Interserve's five CRCs recorded through Purple Futures, which
    # it led (3SC), and People Plus placed by the BBC; EOS, confirmed for Warwickshire and West Mercia in 2014
    # (Russell Webster), makes nine.
    assert counts["owners of CRCs"] == 9
    # The inspectorate counted seven NPS areas (its 2018 programme page): Wales (003) and the six its press
    # releases name, the North East and the South East and Eastern among them (2019).
    assert counts["NPS divisions"] == 7
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
    # Pages that count a region's PDUs: London 18 (BBC, 2022), West Midlands 11 (public protection release),
    # Yorkshire and the Humber 11 (Keighley News); the graph holds no more than they count.
    assert 6 <= pdus["Probation Service – London region"] <= 18
    assert 2 <= pdus["Probation Service – West Midlands region"] <= 11
    assert 5 <= pdus["Probation Service – Yorkshire and the Humber region"] <= 11


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
    # London, Midlands, North East and South East and Eastern divisions; the NPS ended at unification in
    # June 2021.
    assert before == {
        "NPS in Wales",
        "NPS North West division",
        "NPS South West and South Central division",
        "NPS London division",
        "NPS Midlands division",
        "NPS North East division",
        "NPS South East and Eastern division",
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
    # Russell Webster lists Working Links among the providers confirmed in December 2014, and Clinks dates the
    # start of the new providers' work to 1 February 2015.
    assert owners["Dorset, Devon and Cornwall CRC"] == [
        ("Working Links", "2015-02-01", "2019-02"),
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
    # The Guardian: Sodexo took over its six contracts on the Sunday before 2 February 2015.
    assert ("Sodexo", "2015-02-01", "2021-06-26") in owners["Northumbria CRC"]
    # The London CRC's own page: ownership passed to MTCnovo on 1 February 2015.
    assert owners["London CRC"] == [("MTCnovo", "2015-02-01", "2021-06-26")]
    # Warwickshire and West Mercia CRC: EOS confirmed as its provider from 2015 (Russell Webster, Clinks),
    # PeoplePlus its owner at the 2019 inspection (BBC); no page dates the change, so neither end nor start.
    assert sorted(owners["Warwickshire and West Mercia CRC"]) == [
        ("EOS", "2015-02-01", ""),
        ("PeoplePlus", "", "2021-06-26"),
    ]
    # What became of them: every English CRC ended at the 2021 unification.
    fates = {r["crcLabel"]: r.get("fateDate") for r in rows}
    assert fates["London CRC"] == fates["Merseyside CRC"] == "2021-06-26"


def test_prisons_the_corpus_names_stand_in_their_places(kg: KnowledgeGraph) -> None:
    rows = kg.select("""
        SELECT ?prison ?place WHERE {
          ?p a pko:Prison ; skos:prefLabel ?prison ; pko:area/skos:prefLabel ?place }""")
    places: dict[str, set[str]] = {}
    for r in rows:
        places.setdefault(r["prison"], set()).add(r["place"])
    # HM Inspectorate of Prisons: Eastwood Park is in Gloucestershire (2017), Styal in Cheshire (2015), Usk and
    # Prescoed in Monmouthshire (2021); the BBC puts Parc in Bridgend, Deeside.com Berwyn in Wrexham (2022).
    assert "Gloucestershire" in places["HMP Eastwood Park"]
    assert "Cheshire" in places["HMP Styal"]
    assert "Monmouthshire" in places["HMP Usk"] & places["HMP Prescoed"]
    assert "Bridgend" in places["HMP Parc"]
    assert "Wrexham" in places["HMP Berwyn"]
    # every prison the corpus names has a place
    assert set(places) >= {
        "HMP Berwyn",
        "HMP Cardiff",
        "HMP Eastwood Park",
        "HMP Parc",
        "HMP Prescoed",
        "HMP Styal",
        "HMP Swansea",
        "HMP Usk",
    }


def test_g4s_runs_parc_since_1997(kg: KnowledgeGraph) -> None:
    rows = kg.select("""
        SELECT ?owner ?start WHERE {
          ?o pko:ownedBody/skos:prefLabel "HMP Parc"@en ; pko:owner/skos:prefLabel ?owner ; schema:startDate ?start }""")
    # businessin.wales: G4S has operated the prison since 1997 (a year, so the date stands for the year).
    assert [(r["owner"], r["start"][:4]) for r in rows] == [("G4S", "1997")]


def test_mcdowells_term_ends_with_his_resignation(kg: KnowledgeGraph) -> None:
    rows = kg.select("""
        SELECT ?end WHERE { ?m org:member/skos:prefLabel "Paul McDowell"@en ; org:role vocab:chief-inspector-of-probation ;
                            schema:endDate ?end }""")
    # The Guardian of 2 February 2015 reports his resignation; the news item quotes him resigning "today (February 2)".
    assert [r["end"] for r in rows] == ["2015-02-02"]
