"""One rule folds names (`probkg.rdf.names`), and every comparison of names follows it.

Lint's shared-name check, the gazetteer, ingest's heading matching, the graph
views and the saved query `entity-search` all compare names; these tests show
that they agree with the rule and with each other.
"""

from __future__ import annotations

import pytest

from probkg.core.paths import layout
from probkg.ingest.gazetteer import Entity, Gazetteer
from probkg.rdf.names import APOSTROPHES, SPARQL_FOLD, fold, slug, straight_apostrophes
from probkg.sparql.catalogue import catalogue
from probkg.sparql.engines import OxigraphEngine, RdflibEngine

SAVED = catalogue(layout().queries)
HMI = "https://w3id.org/probation-kg/id/organisation/hm-inspectorate-of-probation"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Her Majesty\u2019s Inspectorate", "Her Majesty's Inspectorate"),
        ("Her Majesty\u2018s Inspectorate", "her majesty's inspectorate"),
        ("Her Majesty\u02bcs Inspectorate", "HER MAJESTY'S INSPECTORATE"),
        ("  Wales   Victim\tUnit ", "Wales Victim Unit"),
        ("Caf\u00e9 Team", "cafe team"),
        ("\ufb01nance team", "finance team"),
        ("Stra\u00dfe", "STRASSE"),
        # the inspectorate's Greater Manchester press release (graph/sources/pages.ttl) prints "Bury & Rochdale"
        ("Bury & Rochdale PDU", "Bury and Rochdale PDU"),
        ("Bury&Rochdale", "bury and rochdale"),
        # the inspectorate's "Kent, Surrey and Sussex", and the comma left out as issue 16's users type it
        ("Kent, Surrey and Sussex CRC", "Kent Surrey and Sussex CRC"),
        ("Birmingham North , East and Solihull", "Birmingham North, East & Solihull"),
    ],
)
def test_spellings_of_one_name_fold_alike(one: str, other: str) -> None:
    assert fold(one) == fold(other)


def test_different_names_stay_different() -> None:
    assert fold("Wales Victim Unit") != fold("Wales Victims Unit")
    assert fold("HMPPS") != fold("HMPS")
    assert fold("Kent, Surrey") != fold("Kent and Surrey")
    assert fold("Bury & Rochdale") != fold("Bury Rochdale")


def test_straightening_apostrophes_keeps_every_offset() -> None:
    text = "Her Majesty\u2019s Inspectorate and children\u2018s services"
    straight = straight_apostrophes(text)
    assert len(straight) == len(text) and "\u2019" not in straight and straight.count("'") == 2


def test_a_name_lint_warns_about_is_one_linking_cannot_place() -> None:
    """Two entities named alike after folding: the gazetteer reports the match ambiguous, not linked."""
    one, two = "https://example.org/one", "https://example.org/two"
    entities = {iri: Entity(iri, iri, True, False) for iri in (one, two)}
    gazetteer = Gazetteer([(one, "Children\u2019s Services"), (two, "children's services")], entities)
    linked, ambiguous = gazetteer.link("working with children\u2019s services in Wales")
    assert linked == [] and [m.entities for m in ambiguous] == [(one, two)]
    assert fold("Children\u2019s Services") == fold("children's services")


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def engine(request, kg, lay):
    return OxigraphEngine(kg) if request.param == "oxigraph" else RdflibEngine(lay)


def found(engine, text: str, column: str) -> set[str]:
    query = SAVED["entity-search"]
    return {row[column]["value"] for row in engine.run(query.text, query.bind({"text": text})).rows}


@pytest.fixture(scope="module")
def search(engine):
    return lambda text: found(engine, text, "entity")


def test_entity_search_finds_a_name_written_with_a_curly_apostrophe(search) -> None:
    # graph/reference/organisations.ttl gives HM Inspectorate of Probation the variant
    # "Her Majesty's Inspectorate of Probation" (straight apostrophe); issue 16's users type the curly one.
    assert HMI in search("Her Majesty\u2019s Inspectorate")
    assert HMI in search("her majesty's inspectorate")
    assert HMI not in search("Her Majestys Inspectorate")


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        # The labels are the names as the pages of graph/sources/pages.ttl print them: "Kent, Surrey and Sussex
        # CRC" (Civil Service World on Working Links), "Birmingham North, East and Solihull" (the inspectorate's
        # 2022 press release), "Bury & Rochdale" (its Greater Manchester press release).
        ("Kent Surrey and Sussex", "Kent, Surrey and Sussex CRC"),
        ("kent, surrey & sussex crc", "Kent, Surrey and Sussex CRC"),
        ("Birmingham North, East & Solihull", "Birmingham North, East and Solihull PDU"),
        ("Birmingham North East and Solihull", "Birmingham North, East and Solihull PDU"),
        ("Bury & Rochdale", "Bury and Rochdale PDU"),
        ("  bury and  rochdale ", "Bury and Rochdale PDU"),
    ],
)
def test_entity_search_reads_ampersands_as_and_and_commas_as_optional(engine, typed: str, label: str) -> None:
    assert label in found(engine, typed, "label")


def test_entity_search_does_not_join_what_the_fold_keeps_apart(engine) -> None:
    assert "Kent, Surrey and Sussex CRC" not in found(engine, "Kent and Surrey", "label")
    assert "Bury and Rochdale PDU" not in found(engine, "Bury Rochdale", "label")


def dossier(engine, name: str) -> list[tuple[str, ...]]:
    query = SAVED["entity-dossier"]
    rows = engine.run(query.text, query.bind({"entity": name})).rows
    return sorted(tuple(sorted((k, v["value"]) for k, v in row.items())) for row in rows)


@pytest.mark.parametrize(
    ("printed", "typed"),
    [
        # the 2025 report prints "HM Prison & Probation Service in Wales" (graph/reference/organisations.ttl)
        ("HM Prison & Probation Service in Wales", "hm prison and probation service in wales"),
        # the graph's label with a straight apostrophe, typed with the curly one the inspectorate prints
        ("Her Majesty's Prison and Probation Service", "Her Majesty\u2019s Prison and Probation Service"),
        # the 2025 report's "probation planning, assurance and implementation team", typed without commas
        (
            "probation planning, assurance and implementation team",
            "Probation planning assurance and implementation team",
        ),
    ],
)
def test_entity_dossier_finds_an_entity_by_any_spelling_of_its_name(kg, printed: str, typed: str) -> None:
    """The dossier folds names as entity-search does, so a spelling variant finds the same facts.

    On Oxigraph only: rdflib takes tens of seconds over this query (test_engines_agree's SLOW_ON_RDFLIB),
    and the fold is the same SPARQL text on both."""
    engine = OxigraphEngine(kg)
    found = dossier(engine, printed)
    assert found, f"no dossier for {printed!r}"
    assert dossier(engine, typed) == found


def sparql_can_fold(label: str) -> bool:
    """Labels whose folding needs no Unicode normalisation, which SPARQL lacks: ASCII, bar curly apostrophes."""
    return all(ord(c) < 128 or c in APOSTROPHES for c in label)


def test_entity_search_folds_as_the_python_rule_does_on_every_label_of_the_graph(kg) -> None:
    """Where SPARQL can fold (all but accents and compatibility forms), it gives what `fold` gives, on every
    name in the graph; on the rest, folding its answer again gives `fold`'s."""
    text = SAVED["entity-search"].text
    assert SPARQL_FOLD.format("?matched") in text and SPARQL_FOLD.format("?_text") in text
    dossier_text = SAVED["entity-dossier"].text
    assert SPARQL_FOLD.format("?name") in dossier_text and SPARQL_FOLD.format("?_entity") in dossier_text
    rows = kg.select(f"""SELECT ?l (({SPARQL_FOLD.format("?l")}) AS ?folded) WHERE {{
        ?s rdfs:label|skos:prefLabel|skos:altLabel ?l FILTER(isLiteral(?l)) }}""")
    assert len(rows) > 500
    for marks in ("\u2018\u2019", "&", ","):
        assert any(c in r["l"] for r in rows for c in marks), f"the graph has names with {marks}"
    disagree = {r["l"]: r["folded"] for r in rows if sparql_can_fold(r["l"]) and r["folded"] != fold(r["l"])}
    assert disagree == {}
    assert all(fold(r["folded"]) == fold(r["l"]) for r in rows)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # README "IRIs" and docs/curation.md "IRIs" give the first; the others apply each clause of the rule.
        ("Cardiff and the Vale of Glamorgan PDU", "cardiff-and-the-vale-of-glamorgan-pdu"),
        ("Dorset, Devon & Cornwall CRC", "dorset-devon-and-cornwall-crc"),  # "&" written "and"
        ("women’s centres", "womens-centres"),  # apostrophes dropped, curly ones too
        ("Ynys Môn", "ynys-mon"),  # accents folded
        ("start right – end right", "start-right-end-right"),  # a run of punctuation and spaces is one hyphen
        ("  SEEDS2 ", "seeds2"),  # no hyphen at either end
    ],
)
def test_slug_follows_the_documented_rule(name: str, expected: str) -> None:
    assert slug(name) == expected
