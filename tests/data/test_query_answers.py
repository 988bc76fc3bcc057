"""Each saved query answers its question as the source documents do.

Expected answers were read from the documents in ../shared/sources/ (the quote
is cited beside each), never from running the query.
"""

from __future__ import annotations

import pytest

from probkg.core.paths import layout
from probkg.sparql.catalogue import catalogue
from probkg.sparql.engines import OxigraphEngine
from probkg.sparql.results import ResultSet

SAVED = catalogue(layout().queries)
ID = "https://w3id.org/probation-kg/id/"


@pytest.fixture(scope="module")
def run(kg):
    engine = OxigraphEngine(kg)

    def go(name: str, **params: str) -> list[dict[str, str]]:
        query = SAVED[name]
        result: ResultSet = engine.run(query.text, query.bind(params))
        return [{k: v["value"] for k, v in row.items()} for row in result.rows]

    return go


def test_ratings_timeline_follows_nps_wales_into_the_probation_service(run) -> None:
    rows = run("ratings-timeline", body="organisation:nps-in-wales")
    overall = [(r["inspection"].rsplit("/", 1)[1], r["band"]) for r in rows if r["code"] == "overall"]
    # 003: "Overall, NPS in Wales is rated as: **Good**."; 004: "the overall rating for Wales
    # was 'Requires improvement'". 2019 fieldwork began first, so it comes first.
    assert overall == [("2019-nps-wales", "Good"), ("2025-wales-region", "Requires improvement")]
    assert len(rows) == 11 + 9  # ten standards and overall in 2019; eight and overall in 2025


def test_band_changes_between_2019_and_2025(run) -> None:
    rows = {
        (r["earlierStandard"], r["laterStandard"]): (r["earlierBand"], r["laterBand"], r["change"])
        for r in run("band-changes")
    }
    # 003 ratings: Leadership Good, Staff Requires improvement, Court reports and case allocation
    # Good, Statutory victim work Outstanding, overall Good. 004: Leadership, Staffing and overall
    # Requires improvement, Court work Inadequate, Victim work Good.
    assert rows == {
        ("Overall rating (2019 framework)", "Overall rating (2025 framework)"): (
            "Good",
            "Requires improvement",
            "fell",
        ),
        ("Leadership", "Leadership"): ("Good", "Requires improvement", "fell"),
        ("Staff", "Staffing"): ("Requires improvement", "Requires improvement", "held"),
        ("Court reports and case allocation", "Court work"): ("Good", "Inadequate", "fell"),
        ("Statutory victim work", "Victim work"): ("Outstanding", "Good", "fell"),
    }


def test_information_sharing_is_a_recurring_problem(run) -> None:
    themes = {r["themeLabel"]: int(r["inspections"]) for r in run("recurring-problems")}
    # 003: "Relevant information about individuals subject to supervision was not routinely shared
    # with the prisons or police."; 004: "in far too many the information received was not
    # sufficiently detailed to fully inform an assessment".
    assert themes.get("information sharing", 0) >= 2
    # 003: "Information from child and adult safeguarding agencies was not consistently requested.";
    # 004: "Information on child safeguarding was worse."
    assert themes.get("safeguarding", 0) >= 2


def test_everything_about_visor(run) -> None:
    rows = run("entity-dossier", entity="visor")  # case-insensitive match on the label
    kinds = {r["kind"] for r in rows}
    assert {"finding", "recommendation"} <= kinds
    # 003 recommendation 5: "improve the use of the ViSOR database to share information with police and prisons"
    assert any(r["kind"] == "recommendation" and "ViSOR database" in r["quote"] for r in rows)
    # 003: "Despite good multi-agency working, too often probation information was not shared on ViSOR."
    assert any(r["kind"] == "finding" and r.get("polarity") == "area for improvement" for r in rows)
    assert all(r["document"] for r in rows)


def test_recommendations_to_hmpps(run) -> None:
    rows = run("recommendations-by-addressee", addressee="organisation:hm-prison-and-probation-service")
    # 003: "Her Majesty's Prison and Probation Service (HMPPS) should: 8. recruit sufficient probation staff"
    assert [r.get("number") for r in rows] == ["8"]
    everything = run("recommendations-by-addressee")
    assert len(everything) == 9 + 6  # nine in 2019, six in 2025


def test_programmes_with_waiting_lists(run) -> None:
    programmes = {r["programmeLabel"] for r in run("programme-waiting-lists")}
    # 003: "There were long waiting lists for programmes such as Building Better Relationships and Horizon."
    assert {"Horizon", "Building Better Relationships"} <= programmes


def test_key_questions_below_a_threshold(run) -> None:
    below_50 = sorted(float(r["percent"]) for r in run("key-questions-below", threshold="50"))
    # 004 tables: public protection 35%, 43%, 34%, 42%; desistance 47%; court work 32%; unpaid
    # work 45%. Every 2019 result in 003's Annex 2 is 65% or more.
    assert below_50 == [32, 34, 35, 42, 43, 45, 47]
    below_66 = sorted(float(r["percent"]) for r in run("key-questions-below", threshold="66"))
    # ... plus 2019's "2.3.2 ... 65%" and 2025's "59%", "64%" and "53%".
    assert below_66 == [32, 34, 35, 42, 43, 45, 47, 53, 59, 64, 65]


def test_claims_that_differ_from_the_report(run) -> None:
    rows = run("secondary-claims", verdict="differs")
    assert rows and all(r["verdict"] == "differs" for r in rows)
    # 000: "recommended that the NPS prioritise recruiting sufficient staff" against 003's
    # recommendation 8, addressed to HMPPS.
    assert any(r.get("difference") == "addressee" for r in rows)
    # 001: "almost half of probation officers felt they had workloads that were too high".
    assert any("felt" in r.get("claimedValue", "") for r in rows)
    assert all(r.get("claimedValue") and r.get("reportedValue") for r in rows)


def test_active_victim_cases_over_time(run) -> None:
    rows = run("statistic-over-time", measure="measure:active-victim-cases")
    values = [(r["inspection"], float(r["value"])) for r in rows]
    # 003: "At the time of the inspection NPS in Wales was managing 2,466 active cases."
    # 004: "Overall, the unit was managing 3,620 cases at the end of September 2025."
    assert values[0][1] == 2466
    assert 3620 in [v for _, v in values]
    assert rows[0]["start"] < rows[-1]["start"]


def test_numbers_written_in_words_are_statistics(run) -> None:
    rows = run("statistic-over-time", measure="measure:staff-vacancy-rate")
    # 004: "the region employed a total of 1,418 full-time equivalent staff, with a vacancy rate
    # of seven per cent" (at the announcement, May 2025).
    assert [(float(r["value"]), r["unit"], r.get("referencePeriod")) for r in rows] == [(7, "percent", "2025-05")]
    survey = {float(r["value"]) for r in run("statistic-over-time", measure="measure:staff-share-culture-open")}
    # 004: "Seventy-two per cent of respondents in our regional survey and an aggregate 61 per cent
    # in our PDU surveys said that the culture promoted openness".
    assert {72, 61} <= survey


def test_structure_of_the_region_at_the_2025_inspection(run) -> None:
    units = {r["unitLabel"] for r in run("structure-at-inspection", inspection="inspection:2025-wales-region")}
    # 004: "The region consists of six PDUs: Swansea Neath Port Talbot, Cwm Taf Morgannwg, Dyfed
    # Powys, North Wales, Gwent, and Cardiff and the Vale of Glamorgan."
    pdus = {
        "Swansea Neath Port Talbot PDU",
        "Cwm Taf Morgannwg PDU",
        "Dyfed Powys PDU",
        "North Wales PDU",
        "Gwent PDU",
        "Cardiff and the Vale of Glamorgan PDU",
    }
    assert pdus <= units
    # 004: "In 2023 Wales launched the Wales Victim Unit." - before the 2025 fieldwork, so present.
    assert "Wales Victim Unit" in units


def test_bodies_praised_and_criticised(run) -> None:
    rows = {r["entityLabel"]: r for r in run("strengths-and-weaknesses")}
    # 003 lists "Strengths:" and "Areas for improvement:" for NPS in Wales; 004 does so for the region.
    assert {"NPS in Wales", "Probation Service in Wales"} <= set(rows)
    assert all(int(r["strengths"]) > 0 and int(r["areasForImprovement"]) > 0 for r in rows.values())


def test_evidence_behind_a_finding(kg, run) -> None:
    text = "Due to a shortage of probation officers, workloads are too high in some areas of the division."
    (hit,) = kg.select(f"""SELECT DISTINCT ?f WHERE {{ ?f a pko:Finding ; pko:hasEvidence/oa:hasSelector/oa:exact ?x
        FILTER(CONTAINS(?x, "{text}")) }}""")
    rows = run("finding-evidence", finding=hit["f"])
    # That sentence is in 003's list of areas for improvement for organisational delivery.
    assert any(text in r["quote"] for r in rows)
    assert {r["documentKind"] for r in rows} == {"inspection report"}


def test_league_table(run) -> None:
    rows = {r["year"]: r for r in run("league-table")}
    # 003 ratings: 2 Outstanding (2.4, 3.2), 6 Good, 2 Requires improvement (1.2, 1.4); overall Good.
    assert [rows["2018"][k] for k in ("overall", "outstanding", "good", "requiresImprovement", "inadequate")] == [
        "Good",
        "2",
        "6",
        "2",
        "0",
    ]
    # 004 ratings: 1 Good (2.6), 3 Requires improvement (1.1, 1.2, 2.5), 4 Inadequate; overall RI.
    assert [rows["2025"][k] for k in ("overall", "outstanding", "good", "requiresImprovement", "inadequate")] == [
        "Requires improvement",
        "0",
        "1",
        "3",
        "4",
    ]
    assert list(rows) == ["2018", "2025"]  # better overall band first; 2019's fieldwork began in 2018


def test_nps_against_crc_in_gwent(run) -> None:
    rows = run("nps-vs-crc")
    sides = {(r["side"], r["polarity"]) for r in rows}
    # 002: "Overall, inspectors found that the National Probation Service was performing well" and
    # "Overall the work of the CRC in Gwent was troubling."
    assert ("NPS", "strength") in sides and ("CRC", "area for improvement") in sides
    crc_afi = sum(int(r["findings"]) for r in rows if r["side"] == "CRC" and r["polarity"] == "area for improvement")
    nps_afi = sum(int(r["findings"]) for r in rows if r["side"] == "NPS" and r["polarity"] == "area for improvement")
    assert crc_afi > nps_afi  # 002: "the CRC were performing much less satisfactorily than its NPS counterpart"


def test_key_questions_2019_against_2025(run) -> None:
    rows = {
        r["question"]: (float(r["earlierPercent"]), float(r["laterPercent"]), float(r["change"]))
        for r in run("key-question-comparison")
    }
    assert len(rows) == 12
    # 003 "2.1.3 Does assessment focus sufficiently on keeping other people safe? 79%";
    # 004 "| Does assessment focus sufficiently on keeping other people safe? | 35% |".
    assert rows["Public protection: assessment"] == (79, 35, -44)
    # 003 "3.2.1 ... 82%"; 004 "| Does initial contact with victims encourage engagement ... | 92% |".
    assert rows["Victims: initial contact"] == (82, 92, 10)


def test_workloads_by_inspection(run) -> None:
    rows = {r["inspection"]: r for r in run("findings-by-theme", theme="theme:workloads")}
    by_year = {label[-5:-1]: r for label, r in rows.items()}
    # 003: "Some probation officers' workloads are too high"; 004: "Workloads were not excessive,
    # and most staff found them manageable."
    assert int(by_year["2019"]["areasForImprovement"]) >= 1
    assert int(by_year["2025"]["strengths"]) >= 1


def test_systems_and_tools(run) -> None:
    rows = {(r["systemLabel"], r["inspection"][-5:-1]): r for r in run("systems-and-tools")}
    # 003: "too often probation information was not shared on ViSOR".
    assert int(rows[("ViSOR", "2019")]["areasForImprovement"]) >= 1
    # 004: "the Justice Transcribe artificial intelligence tool was being used to record cases
    # quickly and efficiently".
    assert int(rows[("Justice Transcribe", "2025")]["strengths"]) >= 1


def test_entity_search_by_acronym(run) -> None:
    labels = {r["label"] for r in run("entity-search", text="CRC")}
    # 003 Annex 3: "risk escalation liaison with the Wales CRC".
    assert "Wales Community Rehabilitation Company" in labels


def test_inspections(run) -> None:
    rows = {r["inspection"].rsplit("/", 1)[1]: r for r in run("inspections")}
    # 002 (2017 Gwent), 003 (2019), 004 (2025) and the two 2021 inspections 004 refers to:
    # "since our last inspection in 2021" and "the last inspection of Swansea Neath Port Talbot
    # and Gwent (also in 2021)".
    assert {"2017-gwent", "2019-nps-wales", "2025-wales-region"} <= set(rows)
    assert sum(1 for r in rows.values() if r.get("year") == "2021") == 2
    assert (rows["2025-wales-region"]["start"], rows["2025-wales-region"]["end"]) == ("2025-07-28", "2025-09-26")
    # 003: "Fieldwork started: November 2018" - shown to the month the report gives.
    assert rows["2019-nps-wales"]["start"] == "2018-11"
    # Oldest first, by fieldwork start or else by the report's date: 002 "published earlier today
    # (19 April 2017)", 003 November 2018, 004's two inspections "in 2021", then 004's own 2025 fieldwork.
    order = [r["inspection"].rsplit("/", 1)[1] for r in run("inspections")]
    assert order.index("2017-gwent") < order.index("2019-nps-wales") < order.index("2021-wales-region")
    assert order.index("2021-swansea-neath-port-talbot-and-gwent") < order.index("2025-wales-region")
    assert rows["2017-gwent"]["published"] == "2017-04-19" and rows["2017-gwent"]["year"] == "2017"


def test_sources(run) -> None:
    rows = {r["document"].rsplit("/", 1)[1]: r for r in run("sources")}
    corpus = {
        "hmip-2019-nps-wales",
        "hmip-2025-wales-region",
        "bbc-2019-wales-workloads",
        "blog-2019-nps-wales",
        "blog-2017-gwent",
    }
    assert corpus <= set(rows)
    assert all(int(rows[d]["quotes"]) > 0 for d in corpus)
    # 001: "The BBC is not responsible for the content of external sites."
    assert rows["bbc-2019-wales-workloads"]["publisher"] == "BBC"


def test_statistics_of_the_2019_inspection(run) -> None:
    values = {float(r["value"]) for r in run("inspection-statistics", inspection="inspection:2019-nps-wales")}
    # 003: "there were 235 probation officers in post against a target of 298"; "At the time of
    # the inspection NPS in Wales was managing 2,466 active cases."
    assert {235, 298, 2466} <= values


def test_most_criticised_entities(run) -> None:
    rows = run("most-criticised")
    in_2019 = {r["entityLabel"] for r in rows if r["inspection"].endswith("(2019)")}
    # 003: "Staff absence levels in the team and the lack of available national training to
    # deliver Horizon have resulted in long waiting lists."
    assert "Horizon" in in_2019
    assert "NPS in Wales" not in in_2019  # the inspected body itself is left out


def test_history(run) -> None:
    rows = run("history")
    # 003 glossary: "from 01 April 2017, HMPPS became the single agency ... (the agency that has
    # been replaced by HMPPS)" - NOMS.
    assert any(r.get("from") == "National Offender Management Service" and r.get("date") == "2017-04-01" for r in rows)
    # 003 glossary: the CRCs and the NPS were set up in June 2014 - creations, to the month.
    kinds = {r["label"]: (r["kind"], r.get("date")) for r in rows}
    assert kinds["The National Probation Service comes into being"] == ("creation", "2014-06")
    # 001: "Working Links went into administration" - an administration.
    assert kinds["Working Links goes into administration and hands Wales CRC to Seetec"][0] == "administration"
    # 001: "Working Links went into administration, handing over the responsibility to Seetec." - undated in
    # the corpus; the inspectorate's July 2019 press release dates Seetec's management from February 2019.
    assert any(
        r["kind"] == "ownership"
        and r["label"] == "Seetec takes over Wales CRC from Working Links"
        and r.get("date") == "2019-02"
        for r in rows
    )


def test_claims_about_a_report_outside_the_corpus_cannot_be_checked(run) -> None:
    rows = run("secondary-claims", verdict="not-checkable")
    # 002 reports the 2017 Gwent report ("an inspection report into probation services in Gwent
    # published earlier today (19 April 2017)"), which is not in the corpus: its two claims that
    # no finding echoes ("Contrary to the published performance figures for NPS Wales ..." and
    # "inspectors have found once again that the CRC were performing much less satisfactorily")
    # cannot be checked, rather than being "not in report".
    blog = "Blog post on the 2017 inspection of probation in Gwent"
    assert {r["claim"].rsplit("/", 1)[1] for r in rows if r["source"] == blog} == {
        "blog-2017-gwent-001",
        "blog-2017-gwent-002",
    }
    # The other claims that cannot be checked are about no inspection at all: the dates that the
    # inspectorate's 2022 press releases, WISERD and a journal commentary give for unification.
    assert {r["claim"].rsplit("/", 1)[1] for r in rows if r["source"] != blog} == {
        "hmip-2022-01-swansea-neath-port-talbot-pdu-001",
        "hmip-2022-01-swansea-neath-port-talbot-pdu-002",
        "hmip-2022-02-gwent-pdu-001",
        "hmip-2022-02-gwent-pdu-002",
        "wiserd-towards-a-devolved-probation-service-in-wales-001",
        "sage-devolution-of-probation-in-wales-001",
    }
    not_in_report = run("secondary-claims", verdict="not-in-report")
    assert not any("2017" in r["source"] for r in not_in_report)


def test_which_inspections_a_document_reports_on(run) -> None:
    rows = run("document-inspections", document="document:bbc-2019-wales-workloads")
    # 001 is the BBC's article on the 2019 report: "'High workloads' affect probation officers in Wales".
    assert [r["inspection"].rsplit("/", 1)[1] for r in rows] == ["2019-nps-wales"]
    everything = run("document-inspections")
    by_document = {}
    for r in everything:
        by_document.setdefault(r["document"].rsplit("/", 1)[1], set()).add(r.get("inspection", "").rsplit("/", 1)[-1])
    # 004 reports its own 2025 inspection; the thematic reports 003 cites report on none.
    assert by_document["hmip-2025-wales-region"] == {"2025-wales-region"}
    assert by_document["hmip-2018-probation-supply-chains"] == {""}


def test_latest_rating_of_every_body_of_a_kind(run) -> None:
    regions = {r["bodyLabel"]: r.get("band") for r in run("latest-ratings", kind="pko:Region")}
    # 004: "the overall rating for Wales was 'Requires improvement'".
    assert regions["Probation Service in Wales"] == "Requires improvement"
    divisions = {r["bodyLabel"]: (r.get("band"), r.get("year")) for r in run("latest-ratings", kind="pko:Division")}
    # 003: "Overall, NPS in Wales is rated as: **Good**." (fieldwork from November 2018)
    assert divisions["NPS in Wales"] == ("Good", "2018")


def test_crc_ratings_by_owner(run) -> None:
    # No CRC is rated in the corpus: 003 rates NPS in Wales only ("Overall, NPS in Wales is rated
    # as: **Good**."), and 002 gives the 2017 Gwent inspection no rating. tests/code/test_kinds.py
    # checks the query on a CRC fixture.
    assert run("crc-ratings-by-owner") == []


def test_how_one_measure_moved_between_inspections(run) -> None:
    rows = run("measure-changes", measure="measure:active-victim-cases")
    # 003: "NPS in Wales was managing 2,466 active cases"; 004: "the unit was managing 3,620
    # cases at the end of September 2025" and "over 3,000" (a qualified figure).
    changes = {(float(r["earlierValue"]), float(r["laterValue"])): r for r in rows}
    assert float(changes[(2466, 3620)]["change"]) == 1154
    assert changes[(2466, 3620)]["qualified"] == "false" and changes[(2466, 3000)]["qualified"] == "true"
    assert all(r["earlier"].endswith("(2019)") and r["later"].endswith("(2025)") for r in rows)


def test_a_measure_shared_by_both_inspections(run) -> None:
    rows = run("measure-changes", measure="measure:approved-premises-count")
    # 003: "The division operates from 20 offices, 19 courts, 4 approved premises"; 004: "Across Wales, there are four
    # approved premises" - in words, now a statistic of the same measure.
    assert [(float(r["earlierValue"]), float(r["laterValue"]), float(r["change"])) for r in rows] == [(4, 4, 0)]


def test_delivery_units_followed_across_both_inspections(run) -> None:
    rows = run("measure-changes", measure="measure:delivery-units-count")
    # 003: "There are five geographical local delivery units"; 004: "The region consists of six
    # PDUs" (in words) - the local tier of the body in each case.
    assert [(float(r["earlierValue"]), float(r["laterValue"]), float(r["change"])) for r in rows] == [(5, 6, 1)]


def test_workloads_are_compared_within_one_staff_grade(run) -> None:
    rows = run("measure-changes", measure="measure:workload-tool-level")
    # 003: probation officers "have workloads that take them over 100 (as measured by the tool),
    # with some exceeding 170 per cent"; 004: "from 102 to 97 per cent for POs, 93 to 85 per cent
    # for PSOs, and 88 to 74 per cent for PQiPs". Only the probation officers' figures pair across
    # the two inspections, and the 2019 one is a bound ("exceeding"), so each change is marked.
    assert sorted((float(r["earlierValue"]), float(r["laterValue"])) for r in rows) == [(170, 97), (170, 102)]
    assert {r["qualified"] for r in rows} == {"true"}
    grades = {(r["grade"], float(r["value"])) for r in run("statistic-over-time", measure="measure:average-caseload")}
    # 004: "the average caseload was 33.28 for a probation officer (PO), 39.46 for a probation
    # services officer (PSO), and 27.81 for a Professional Qualification in Probation (PQiP) trainee".
    assert grades == {("probation officer", 33.28), ("probation services officer", 39.46), ("PQiP trainee", 27.81)}


def test_figures_that_count_different_things_are_not_paired(run) -> None:
    # 003: "Around 260,000 adults annually are supervised by probation services" (England and Wales,
    # over a year); 004: "the Wales probation region was managing 13,427 people on probation" (one
    # region, on one date): not one series.
    assert run("measure-changes", measure="measure:people-on-probation") == []
    # 003: "Nearly 200 staff in HMPPS in Wales have been trained in brain injury awareness"; 004:
    # "over 250 line managers had completed the leadership module of the inclusive behaviours
    # programme": two trainings, two measures.
    trained = run("statistic-over-time", measure="measure:staff-trained-in-brain-injury-awareness")
    assert [(float(r["value"]), r["qualifier"]) for r in trained] == [(200, "almost")]
    assert run("measure-changes", measure="measure:staff-completed-training") == []


def test_every_saved_query_has_an_answer_test() -> None:
    tested = {
        "ratings-timeline",
        "band-changes",
        "recurring-problems",
        "entity-dossier",
        "recommendations-by-addressee",
        "programme-waiting-lists",
        "key-questions-below",
        "secondary-claims",
        "statistic-over-time",
        "structure-at-inspection",
        "strengths-and-weaknesses",
        "finding-evidence",
        "league-table",
        "nps-vs-crc",
        "key-question-comparison",
        "findings-by-theme",
        "systems-and-tools",
        "entity-search",
        "inspections",
        "sources",
        "inspection-statistics",
        "most-criticised",
        "history",
        "bodies-in-region",  # tests/data/test_bodies.py
        "crc-owners",  # tests/data/test_bodies.py
        "document-inspections",
        "latest-ratings",
        "crc-ratings-by-owner",
        "measure-changes",
    }
    assert set(SAVED) == tested
