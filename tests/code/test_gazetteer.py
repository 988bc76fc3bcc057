"""Entity linking on names as the inspectorate and the press write them, and with regard to dates.

Each expected entity comes from the reference data and the page or quote cited
beside the case; the names are spelled as those sources spell them.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from probkg.ingest.gazetteer import Entity, Gazetteer, Lifespan, lifespans, name_variants, tokens
from probkg.rdf.store import KnowledgeGraph
from probkg.rdf.vocab import ID_BASE


def org(slug: str) -> str:
    return f"{ID_BASE}organisation/{slug}"


@pytest.fixture(scope="module")
def gaz(kg: KnowledgeGraph) -> Gazetteer:
    return Gazetteer.from_graph(kg)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Names with commas (as Civil Service World and the inspectorate print them) must not be cut after a comma.
        ("the work went to Kent, Surrey and Sussex CRC, a Seetec company", ["kent-surrey-and-sussex-crc", "seetec"]),
        (
            "Bristol, Gloucestershire, Somerset and Wiltshire CRC",
            ["bristol-gloucestershire-somerset-and-wiltshire-crc"],
        ),
        # The inspectorate's 2018 programme writes "&" for "and"; without commas it is the same name.
        ("Dorset, Devon & Cornwall CRC", ["dorset-devon-and-cornwall-crc"]),
        ("Dorset Devon and Cornwall CRC", ["dorset-devon-and-cornwall-crc"]),
        # Possessives: the name before "'s" is still the name.
        ("Kent, Surrey and Sussex CRC's staff", ["kent-surrey-and-sussex-crc"]),
        ("West Kent PDU’s leadership team", ["west-kent-pdu"]),
        # "Probation Delivery Unit" spelled out, as the inspectorate's press releases write it.
        ("inspectors rated Gwent Probation Delivery Unit", ["gwent-pdu"]),
        ("staff of Cardiff and the Vale Probation Delivery Unit", ["cardiff-and-the-vale-of-glamorgan-pdu"]),
        ("Cardiff and the Vale PDU", ["cardiff-and-the-vale-of-glamorgan-pdu"]),
        # "Community Rehabilitation Company" in the singular, as the 2019 press releases write it.
        (
            "a visit to Warwickshire and West Mercia Community Rehabilitation Company",
            ["warwickshire-and-west-mercia-crc"],
        ),
        # The inspectorate's title with either monarch, curly or straight apostrophe.
        ("an inspection by His Majesty’s Inspectorate of Probation", ["hm-inspectorate-of-probation"]),
        ("an inspection by Her Majesty's Inspectorate of Probation", ["hm-inspectorate-of-probation"]),
        ("His Majesty's Prison and Probation Service", ["hm-prison-and-probation-service"]),
    ],
)
def test_names_as_printed_link_whole(gaz: Gazetteer, text: str, expected: list[str]) -> None:
    assert gaz.link(text)[0] == [org(s) for s in expected]


def test_variants_are_the_inspectorates_interchangeable_spellings() -> None:
    assert name_variants("HM Inspectorate of Probation") == {
        "HM Inspectorate of Probation",
        "Her Majesty's Inspectorate of Probation",
        "His Majesty's Inspectorate of Probation",
    }
    assert name_variants("Gwent PDU") == {"Gwent PDU", "Gwent Probation Delivery Unit"}
    assert name_variants("Wales Community Rehabilitation Company") == {
        "Wales Community Rehabilitation Company",
        "Wales CRC",
    }
    assert name_variants("CRC in Gwent") == {"CRC in Gwent"}  # only a trailing CRC is a short form


def test_possessive_is_its_own_token() -> None:
    assert [t.text for t in tokens("the CRC's staff")] == ["the", "CRC", "'s", "staff"]


def test_a_text_cannot_name_a_body_yet_to_come(gaz: Gazetteer) -> None:
    # BBC (2019): "It is the work of the privatised probation service which has repeatedly been criticised and
    # earlier this year Working Links went into administration, handing over the responsibility to Seetec."
    text = "the privatised probation service which has repeatedly been criticised and earlier this year Working Links"
    in_2019 = gaz.link(text, date(2019, 4, 17))[0]
    assert org("probation-service") not in in_2019  # the unified service began on 26 June 2021
    assert org("working-links") in in_2019  # ended in February 2019, but a later text may still recall it
    assert org("probation-service") in gaz.link(text)[0]  # with no date given nothing is ruled out
    # The Wales region of the unified service does not exist yet in 2019; in 2025 it does.
    assert org("probation-service-in-wales") not in gaz.link("a probation service in Wales", date(2019, 4, 17))[0]
    assert gaz.link("The Probation Service in Wales", date(2025, 6, 1))[0] == [org("probation-service-in-wales")]


def test_lifespans_come_from_dated_events_and_parents(kg: KnowledgeGraph) -> None:
    spans = lifespans(kg)
    # gov.uk: "On 26 June 2021, the Probation Services unified" (regions-and-pdus.ttl).
    assert spans[org("probation-service")].start == date(2021, 6, 26)
    assert spans[org("national-probation-service")].end == date(2021, 6, 26)
    # A PDU no event dates begins with its region, which begins at unification.
    assert spans[org("bolton-pdu")].start == date(2021, 6, 26)
    # Working Links went into administration in February 2019 (month precision: to the month's last day).
    assert spans[org("working-links")] == Lifespan(None, date(2019, 2, 28))


def test_where_one_name_fits_several_bodies_the_living_win() -> None:
    old, new = org("old-board"), org("new-board")
    entities = {iri: Entity(iri, iri, True, False) for iri in (old, new)}
    g = Gazetteer(
        [(old, "Safety Board"), (new, "Safety Board")],
        entities,
        lifespans={old: Lifespan(end=date(2015, 1, 1)), new: Lifespan(start=date(2015, 1, 2))},
    )
    assert g.link("the Safety Board", date(2014, 5, 1))[0] == [old]
    assert g.link("the Safety Board", date(2020, 5, 1))[0] == [new]
    assert g.link("the Safety Board")[1][0].entities == (new, old)  # undated: ambiguous, reported


FIXTURES = Path(__file__).parents[1] / "fixtures" / "linking"


@pytest.mark.parametrize(
    "name", ["english-pdu-report.txt", "english-crc-press-release.txt", "english-divisions-press-release.txt"]
)
def test_fixtures_link_every_body_they_name(gaz: Gazetteer, name: str) -> None:
    # gold.json lists by hand every entity each fixture names; the fixtures are written in our own words.
    spec = json.loads((FIXTURES / "gold.json").read_text())[name]
    gold = {ID_BASE + n for n in spec["names"]}
    text = (FIXTURES / name).read_text(encoding="utf-8")
    linked = set(gaz.link(text, date.fromisoformat(spec["date"]))[0])
    assert gold <= linked
    # The only extra: "three community rehabilitation companies" (or "the CRCs") read as the CRCs taken together.
    assert linked - gold <= {org("community-rehabilitation-companies")}


def test_the_press_release_of_2019_names_no_body_of_2021(gaz: Gazetteer) -> None:
    # The fixture dated March 2019 speaks of "the probation service in the South West": the unified
    # Probation Service began in June 2021, so only an undated reading links it.
    text = (FIXTURES / "english-crc-press-release.txt").read_text(encoding="utf-8")
    assert org("probation-service") not in gaz.link(text, date(2019, 3, 1))[0]
    assert org("probation-service") in gaz.link(text)[0]


def test_a_press_release_of_2019_names_no_region_of_2021(gaz: Gazetteer) -> None:
    # The fixture dated September 2019 speaks of "the probation service in the North East": the Probation
    # Service and its regions began in June 2021, so only an undated reading links the service.
    text = (FIXTURES / "english-divisions-press-release.txt").read_text(encoding="utf-8")
    dated, undated = set(gaz.link(text, date(2019, 9, 30))[0]), set(gaz.link(text)[0])
    assert org("probation-service") not in dated and org("probation-service") in undated
