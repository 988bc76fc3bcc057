"""The web page in a real browser: Debian's Chromium driven by Playwright, with no network.

The page must work offline, so every request the browser makes to anything but
the test server is blocked and recorded, and the test fails if there is one.
Screenshots go to the test's temporary folder; with PROBKG_SCREENSHOTS=docs they
are also written to docs/ (docs/screenshot.png is the one the README shows).

Facts relied on, from the 2025 Wales region report (004_7a4ad4ab751c8ea9.txt):
"| R 2.6 Victim work | Good |".
"""

from __future__ import annotations

import os
import shutil
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
    page.goto(server.url + "/")
    page.click("#saved-list button[data-name='ratings-timeline']")
    page.fill("#param-body", "organisation:probation-service-wales")
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
    keep(shot, "screenshot.png")

    # The address now holds the query and its parameter: opening it again shows the same rows.
    shared = page.url
    assert "saved=ratings-timeline" in shared and "probation-service-wales" in shared
    csv_link = page.get_attribute("#saved-csv", "href")
    assert csv_link.startswith("/api/queries/ratings-timeline?") and "format=csv" in csv_link
    page.goto(shared)
    page.wait_for_selector("#results-table tbody tr")
    assert len(rows_of(page)) == len(table)

    # Each IRI of our data links to its page here.
    page.click("#results-table a[href='/id/organisation/probation-service-wales']")
    page.wait_for_selector("#entity-label")
    assert page.url == server.url + "/id/organisation/probation-service-wales"
    assert page.inner_text("#entity-label") == "Probation Service in Wales"
    facts = page.inner_text("#facts")
    assert "2025 Wales region: 2.6 Victim work" in facts and QUOTE in facts
    shot = tmp_path / "entity.png"
    page.locator("#facts h2").scroll_into_view_if_needed()
    page.screenshot(path=str(shot))
    keep(shot, "screenshot-entity.png")


def test_the_sparql_editor(page, server, tmp_path) -> None:
    page.goto(server.url + "/#sparql")
    editor = page.locator("#editor")
    assert "PREFIX pko: <https://w3id.org/probation-kg/ontology#>" in editor.input_value()
    editor.fill("SELECT ?band WHERE { rating:2025-wales-region-2-6 pko:band/skos:prefLabel ?band }")
    editor.press("Control+Enter")
    page.wait_for_selector("#results-table tbody tr")
    assert rows_of(page) == [["Good"]]
    assert "query=" in page.url  # shareable
    assert page.get_attribute("#sparql-csv", "href").startswith("/sparql?query=")

    editor.fill("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    page.click("#run-sparql")
    page.wait_for_selector("#results .error")
    assert "SERVICE is not accepted" in page.inner_text("#results .error")
    assert "403" in page.inner_text("#status")


def test_a_graph_query_offers_rdf_downloads_not_csv(page, server) -> None:
    page.goto(server.url + "/#sparql")
    editor = page.locator("#editor")
    # "select" in a comment and "#" in a prefix IRI must not decide the form
    editor.fill(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n# select the rating\n"
        "DESCRIBE rating:2025-wales-region-2-6"
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
    editor.fill("SELECT ?band WHERE { rating:2025-wales-region-2-6 pko:band/skos:prefLabel ?band }")
    assert page.is_visible("#sparql-csv") and not page.is_visible("#sparql-turtle")
