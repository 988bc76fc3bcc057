"""The web page in a real browser: Debian's Chromium driven by Playwright, with no network.

The page must work offline, so every request the browser makes to anything but
the test server is blocked and recorded, and the test fails if there is one.
Screenshots go to the test's temporary folder; with PROBKG_SCREENSHOTS=docs they
are also written to docs/ (docs/screenshot.png, the home page, is the one the README shows).

Facts relied on, from the 2025 Wales region report (004_7a4ad4ab751c8ea9.txt):
"| R 2.6 Victim work | Good |" and "| Overall rating | Requires improvement |"; from the
2019 NPS in Wales report (003_696e1b8b1646501d.txt): "NPS in Wales is coterminous with
Wales Community Rehabilitation Company (CRC)."

The table tests page, sort and filter a result made by the query itself (`VALUES` of
the numbers 1 to 250), so their expected rows follow from arithmetic, not from the page.
"""

from __future__ import annotations

import json
import os
import shutil
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from support.chromium import FLAGS, executable
from support.serving import ROOT, start_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUOTE = "| R 2.6 Victim work | Good |"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = start_server(tmp_path_factory, "browser", "--timeout", "30")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Playwright gives every launch a new, empty profile (user data dir).
        browser = playwright.chromium.launch(executable_path=executable(), headless=True, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(30_000)
    outside, errors = [], []

    def route(route):
        if route.request.url.startswith(server.url + "/") or route.request.url == server.url:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert outside == [], f"the page asked for something outside the server: {outside}"
    assert errors == [], f"JavaScript errors: {errors}"


def keep(shot: Path, name: str) -> None:
    if os.environ.get("PROBKG_SCREENSHOTS") == "docs":
        shutil.copyfile(shot, ROOT / "docs" / name)


def rows_of(page) -> list[list[str]]:
    return page.eval_on_selector_all(
        "#results-table tbody tr", "trs => trs.map(tr => [...tr.cells].map(td => td.textContent))"
    )


def test_run_a_saved_query_with_a_parameter_then_open_an_entity(page, server, tmp_path) -> None:
    page.goto(server.url + "/#saved")
    page.click("#saved-list button[data-name='ratings-timeline']")
    # The IRI parameter looks entities up by name: typing part of one offers its IRI.
    page.fill("#param-body", "Probation Service in W")
    page.wait_for_selector("#lookup-body option[value='organisation:probation-service-in-wales']", state="attached")
    page.fill("#param-body", "organisation:probation-service-in-wales")
    page.click("#run-saved")
    page.wait_for_selector("#results-table tbody tr")
    header = page.eval_on_selector_all("#results-table thead th", "ths => ths.map(th => th.textContent)")
    table = [dict(zip(header, row, strict=True)) for row in rows_of(page)]
    # 004: "| R 2.6 Victim work | Good |"
    assert {"code": "2.6", "standard": "Victim work", "band": "Good"}.items() <= next(
        r for r in table if r["code"] == "2.6" and r["inspection"].endswith("2025-wales-region")
    ).items()
    assert "rows" in page.inner_text("#status")
    shot = tmp_path / "saved-query.png"
    page.screenshot(path=str(shot))
    keep(shot, "screenshot-query.png")

    # The address now holds the query and its parameter: opening it again shows the same rows.
    shared = page.url
    assert "saved=ratings-timeline" in shared and "probation-service-in-wales" in shared
    csv_link = page.get_attribute("#saved-csv", "href")
    assert csv_link.startswith("/api/queries/ratings-timeline?") and "format=csv" in csv_link
    page.goto(shared)
    page.wait_for_selector("#results-table tbody tr")
    assert len(rows_of(page)) == len(table)

    # Each IRI of our data links to its page here.
    page.click("#results-table a[href='/id/organisation/probation-service-in-wales']")
    page.wait_for_selector("#entity-label")
    assert page.url == server.url + "/id/organisation/probation-service-in-wales"
    assert page.inner_text("#entity-label") == "Probation Service in Wales"
    facts = page.inner_text("#facts")
    assert "2025 Wales region: 2.6 Victim work" in facts and QUOTE in facts
    shot = tmp_path / "entity.png"
    page.locator("#facts h2").scroll_into_view_if_needed()
    page.screenshot(path=str(shot))
    keep(shot, "screenshot-entity.png")


def open_editor(page, server, codemirror: bool = True) -> None:
    """The SPARQL tab, once the page has settled on CodeMirror or, without its bundle, the textarea."""
    page.goto(server.url + "/#sparql")
    page.wait_for_selector("body[data-editor]")
    assert page.get_attribute("body", "data-editor") == ("codemirror" if codemirror else "textarea"), (
        "the editor bundle is missing: scripts/setup.sh builds it (scripts/setup.d/editor.sh)"
    )


def write_query(page, text: str) -> None:
    """Replace the editor's text, as a user selecting all and pasting would."""
    page.click(".cm-content")
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)


def test_the_sparql_editor(page, server, tmp_path) -> None:
    open_editor(page, server)
    assert page.locator("#editor").is_hidden()
    content = page.locator(".cm-content")
    assert "PREFIX pko: <https://w3id.org/probation-kg/ontology#>" in content.inner_text()
    # SPARQL highlighting: the mode marks PREFIX as a keyword, in a styled span of its own.
    assert page.locator(".cm-line span", has_text="PREFIX").count() > 0
    write_query(page, "SELECT ?band WHERE { rating:2025-wales-region-2-6 pko:band/skos:prefLabel ?band }")
    content.press("Control+Enter")
    page.wait_for_selector("#results-table tbody tr")
    assert rows_of(page) == [["Good"]]
    assert "query=" in page.url  # shareable
    assert page.get_attribute("#sparql-csv", "href").startswith("/sparql?query=")

    # A graph is downloaded as Turtle (CSV would be a 406), whatever the prologue and comments say.
    write_query(
        page, "# SELECT in a comment\nPREFIX x: <http://example.org/SELECT#>\nDESCRIBE rating:2025-wales-region-2-6"
    )
    download = page.get_attribute("#sparql-turtle", "href")
    assert "format=turtle" in download and page.is_visible("#sparql-turtle")
    with urllib.request.urlopen(server.url + download, timeout=30) as response:
        assert response.headers["Content-Type"].startswith("text/turtle")
        assert b"2025-wales-region-2-6" in response.read()

    write_query(page, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert "format=csv" in page.get_attribute("#sparql-csv", "href")
    page.click("#run-sparql")
    page.wait_for_selector("#results .error")
    assert "SERVICE is not accepted" in page.inner_text("#results .error")
    assert "403" in page.inner_text("#status")

    # A prefix nobody declared is named, with its place and the prefixes that exist.
    write_query(page, "SELECT * WHERE {\n  ?s foo:bar ?o }")
    page.click("#run-sparql")
    page.wait_for_selector("#results .error")
    message = page.inner_text("#results .error")
    assert "unknown prefix 'foo:' at line 2" in message and "pko:" in message
    assert "\\u{" not in message  # not the parser's list of Unicode ranges


def test_the_editor_completes_prefixes_and_terms(page, server, tmp_path) -> None:
    open_editor(page, server)
    write_query(page, "SELECT * WHERE { ?i a ")
    page.keyboard.type("pko:Inspect")
    options = page.locator(".cm-tooltip-autocomplete li")
    options.first.wait_for()
    labels = options.all_inner_texts()
    assert any(label.startswith("pko:Inspection") for label in labels), labels
    page.keyboard.press("Escape")
    page.keyboard.type(" ; ?p organis")
    # Clicked, not Enter: on a busy machine Enter can land before the option list settles.
    page.click(".cm-tooltip-autocomplete li:has-text('organisation:')")
    assert "?p organisation:" in page.inner_text(".cm-content")
    shot = tmp_path / "editor.png"
    page.screenshot(path=str(shot))
    keep(shot, "screenshot-editor.png")


def test_without_the_editor_bundle_the_textarea_serves(page, server) -> None:
    page.route("**/static/vendor/editor.js", lambda route: route.fulfill(status=404, body="not built"))
    open_editor(page, server, codemirror=False)
    editor = page.locator("#editor")
    editor.fill("SELECT ?band WHERE { rating:2025-wales-region-2-6 pko:band/skos:prefLabel ?band }")
    editor.press("Control+Enter")
    page.wait_for_selector("#results-table tbody tr")
    assert rows_of(page) == [["Good"]]


_ONE_TO_250 = " ".join(str(n) for n in range(1, 251))
NUMBERS = f"SELECT ?n ?word WHERE {{ VALUES ?n {{ {_ONE_TO_250} }} BIND(CONCAT('n', STR(?n)) AS ?word) }}"


def first_column(page) -> list[str]:
    return [row[0] for row in rows_of(page)]


def test_results_are_paged_sorted_filtered_and_shared(page, server) -> None:
    open_editor(page, server)
    write_query(page, NUMBERS)
    page.click("#run-sparql")
    page.wait_for_selector("#results-table tbody tr")
    assert first_column(page) == [str(n) for n in range(1, 101)]  # one page of 100, never all 250
    assert "Page 1 of 3" in page.inner_text("#page-info")
    page.click("#page-next")
    assert first_column(page) == [str(n) for n in range(101, 201)]
    assert "_page=2" in page.url

    # Sorting compares numbers as numbers: descending starts at 250, not at "99".
    page.click("#results-table th[data-var='n']")
    page.click("#results-table th[data-var='n']")
    assert first_column(page)[:3] == ["250", "249", "248"]
    assert page.get_attribute("#results-table th[data-var='n']", "aria-sort") == "descending"
    assert "Page 1 of 3" in page.inner_text("#page-info")

    # Of 1..250 the numbers whose text holds "25" are 25, 125, 225 and 250.
    page.fill("#filter", "25")
    assert first_column(page) == ["250", "225", "125", "25"]
    assert "4 matching" in page.inner_text("#status")

    # The address holds query, sort, order and filter: opening it shows the same view.
    shared = page.url
    assert "_sort=n" in shared and "_desc=1" in shared and "_filter=25" in shared
    page.goto(shared)
    page.wait_for_selector("#results-table tbody tr")
    assert first_column(page) == ["250", "225", "125", "25"]
    assert page.input_value("#filter") == "25"

    # A shared page number is kept too.
    page.fill("#filter", "")
    page.click("#page-next")
    page.goto(page.url)
    page.wait_for_selector("#results-table tbody tr")
    assert first_column(page)[0] == "150"


def test_the_home_page_searches_and_gives_an_overview(page, server, tmp_path) -> None:
    page.goto(server.url + "/")
    # 004: "| Overall rating | Requires improvement |" for the Probation Service in Wales in 2025.
    page.wait_for_selector("#ratings-by-body tbody tr")
    ratings = page.eval_on_selector_all(
        "#ratings-by-body tbody tr", "trs => trs.map(tr => [...tr.cells].map(td => td.textContent))"
    )
    assert ["Probation Service in Wales", "2025", "Requires improvement"] in [r[:3] for r in ratings]
    page.wait_for_selector("#inspections-by-year li")
    years = page.eval_on_selector_all("#inspections-by-year .bar-label", "els => els.map(e => e.textContent)")
    assert "2025" in years and years == sorted(years)
    page.wait_for_selector("#most-criticised li")
    assert page.locator("#most-criticised li").count() <= 10
    # 004: "| R 2.6 Victim work | Good |": standard 2.6 has at least that Good; every count
    # equals the test's own count of the ratings, asked through the protocol.
    page.wait_for_selector("#ratings-by-standard tbody tr")
    bands = page.eval_on_selector_all("#ratings-by-standard thead th", "ths => ths.map(th => th.textContent)")[2:]
    by_standard = {
        (row[0], row[1]): dict(zip(bands, row[2:], strict=True))
        for row in page.eval_on_selector_all(
            "#ratings-by-standard tbody tr", "trs => trs.map(tr => [...tr.cells].map(td => td.textContent))"
        )
    }
    victim_work = [counts for (_, name), counts in by_standard.items() if name == "2.6 Victim work"]
    assert any(int(counts.get("Good") or 0) >= 1 for counts in victim_work)
    counted = select(
        server,
        "SELECT ?framework ?code ?label ?band (COUNT(*) AS ?n) WHERE { ?r a pko:Rating ; pko:standard ?s ; "
        "pko:band ?b . ?b skos:prefLabel ?band . ?s skos:inScheme/skos:prefLabel ?framework ; skos:notation ?code ; "
        "skos:prefLabel ?label } GROUP BY ?framework ?code ?label ?band",
    )
    assert counted
    assert all(by_standard[(r["framework"], f"{r['code']} {r['label']}")][r["band"]] == r["n"] for r in counted)
    shot = tmp_path / "home.png"
    page.screenshot(path=str(shot))
    keep(shot, "screenshot.png")

    # 003: "NPS in Wales is coterminous with Wales Community Rehabilitation Company (CRC)."
    page.fill("#search", "CRC")
    page.press("#search", "Enter")
    link = page.locator("#search-results a", has_text="Wales Community Rehabilitation Company")
    link.wait_for()
    assert "search=CRC" in page.url
    link.click()
    page.wait_for_selector("#entity-label")
    assert page.inner_text("#entity-label") == "Wales Community Rehabilitation Company"


def select(server, query: str) -> list[dict[str, str]]:
    """A SELECT through the protocol, as plain values: the test's own count of what the page shows."""
    with urllib.request.urlopen(f"{server.url}/sparql?{urllib.parse.urlencode({'query': query})}", timeout=30) as r:
        rows = json.load(r)["results"]["bindings"]
    return [{k: b["value"] for k, b in row.items()} for row in rows]


CHARTED = "SELECT ?name ?n ?note WHERE { VALUES (?name ?n ?note) { ('a' 1 'x') ('b' 4 'y') ('c' -2 'z') } }"


def test_a_numeric_column_can_be_charted_and_shared(page, server, tmp_path) -> None:
    open_editor(page, server)
    write_query(page, CHARTED)
    page.click("#run-sparql")
    page.wait_for_selector("#results-table tbody tr")
    # only ?n holds numbers
    options = page.eval_on_selector_all("#chart option", "os => os.map(o => o.value)")
    assert options == ["", "n"]
    page.select_option("#chart", "n")
    labels = page.eval_on_selector_all("#results-chart .bar-label", "els => els.map(e => e.textContent)")
    counts = page.eval_on_selector_all("#results-chart .bar-count", "els => els.map(e => e.textContent)")
    assert (labels, counts) == (["a", "b", "c"], ["1", "4", "-2"])
    # widths by magnitude: 1, 4 and 2 of the largest, 4
    widths = page.eval_on_selector_all("#results-chart .bar", "els => els.map(e => e.style.width)")
    assert widths == ["25%", "100%", "50%"]
    assert page.locator("#results-chart .bar.negative").count() == 1
    # the chart follows the table's sort, and the address keeps it
    page.click("#results-table th[data-var='n']")
    assert page.eval_on_selector_all("#results-chart .bar-label", "els => els.map(e => e.textContent)") == [
        "c",
        "a",
        "b",
    ]
    assert "_chart=n" in page.url
    page.goto(page.url)
    page.wait_for_selector("#results-chart li")
    assert page.input_value("#chart") == "n"
    shot = tmp_path / "chart.png"
    page.locator("#results").screenshot(path=str(shot))
    keep(shot, "screenshot-chart.png")


def test_ontology_terms_have_local_pages(page, server) -> None:
    open_editor(page, server)
    write_query(page, "SELECT ?term WHERE { VALUES ?term { pko:inspectedBody } }")
    page.click("#run-sparql")
    page.click("#results-table a[href='/ontology/inspectedBody']")
    page.wait_for_selector("#term-label")
    # ontology/probation-kg.ttl: pko:inspectedBody has the label "inspected body" and domain pko:Inspection.
    assert page.inner_text("#term-label") == "inspected body"
    assert page.inner_text("#term-domain") == "pko:Inspection"
    assert page.inner_text("#term-definition")
    # How often it is used, counted here by a query of the test's own through the protocol.
    query = urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s pko:inspectedBody ?o }"})
    with urllib.request.urlopen(f"{server.url}/sparql?{query}", timeout=30) as response:
        count = json.load(response)["results"]["bindings"][0]["n"]["value"]
    assert page.inner_text("#term-uses") == f"{count} times"
    page.click("#term-domain a")
    page.wait_for_selector("#term-label")
    assert page.url == server.url + "/ontology/Inspection"
    assert page.inner_text("#term-label") == "inspection"


def test_a_graph_query_offers_rdf_downloads_not_csv(page, server) -> None:
    open_editor(page, server)
    # "select" in a comment and "#" in a prefix IRI must not decide the form
    write_query(
        page,
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n# select the rating\n"
        "DESCRIBE rating:2025-wales-region-2-6",
    )
    assert not page.is_visible("#sparql-csv") and page.is_visible("#sparql-turtle")
    for fmt, media in (
        ("turtle", "text/turtle"),
        ("ntriples", "application/n-triples"),
        ("jsonld", "application/ld+json"),
    ):
        href = page.get_attribute(f"#sparql-{fmt}", "href")
        response = page.request.get(server.url + href)
        assert response.status == 200 and response.headers["content-type"].startswith(media)
        assert "band-good" in response.text()  # 004: "| R 2.6 Victim work | Good |"
    write_query(page, "SELECT ?band WHERE { rating:2025-wales-region-2-6 pko:band/skos:prefLabel ?band }")
    assert page.is_visible("#sparql-csv") and not page.is_visible("#sparql-turtle")
