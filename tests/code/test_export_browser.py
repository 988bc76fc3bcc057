"""The HTML export in a real browser: Debian's Chromium, headless, driven by Playwright, offline.

The page is opened from a file; any request for anything else is refused and
fails the test. The page's own count of the nodes it drew must equal the
view's count (from SPARQL, tests/exportcheck.py), the drawing must not be
blank, and the fixture's hostile labels must show as text in the panel without
running a script or adding an element. (The page's Content-Security-Policy
also lets only its own script run, by hash: a second line of defence that the
escaping tests do not rely on.)
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from probkg.cli import main
from support.chromium import FLAGS, executable
from support.exportcheck import HOSTILE, HOSTILE_QUOTE, HOSTILE_STATEMENT, expected_counts, make_hostile_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]

INSPECTION = "https://w3id.org/probation-kg/id/inspection/2025-wales-region"


def export_html(root: Path, out: Path, *args: str) -> Path:
    result = CliRunner().invoke(main, ["--root", str(root), "export", "html", "-o", str(out), *args])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Chromium with a fresh, empty profile (user data dir) and the flags for a closed network."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=executable(),
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 820},
        )
        yield context
        context.close()


@pytest.fixture()
def open_page(browser):
    """Open a file and wait for the layout to finish; fail on script errors, dialogs and outside requests."""
    pages, problems = [], []

    def opener(path: Path, timeout_s: float = 20):
        page = browser.new_page()
        page.set_default_timeout(timeout_s * 1000)
        page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
        page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))

        def route(r):
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                problems.append(f"request: {r.request.url}")
                r.abort()

        page.route("**/*", route)
        page.goto(path.as_uri())
        page.wait_for_selector("html[data-layout=done]", state="attached")
        pages.append(page)
        return page

    yield opener, problems
    for page in pages:
        page.close()
    assert problems == []


def not_blank(png: bytes) -> None:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=image.width * image.height)
    inked = sum(n for n, rgb in colours if rgb != (255, 255, 255)) / (image.width * image.height)
    assert len(colours) > 20 and inked > 0.02, (len(colours), inked)


@pytest.mark.parametrize(
    "view, args",
    [("entities", []), ("inspection", ["--inspection", "2025-wales-region"]), ("full", ["--view", "full"])],
)
def test_page_draws_every_node_of_the_view(kg, lay, tmp_path, open_page, view, args):
    opener, _ = open_page
    nodes, edges = expected_counts(kg, view, INSPECTION)
    page = opener(export_html(lay.root, tmp_path / f"{view}.html", *args), 90 if view == "full" else 20)
    assert page.text_content("#node-count") == str(nodes)
    assert page.text_content("#edge-count") == str(edges)
    not_blank(page.locator("#canvas").screenshot())


def test_hostile_labels_are_text_not_markup(lay, tmp_path, open_page):
    opener, _ = open_page
    root = tmp_path / "project"
    root.mkdir()
    make_hostile_project(root, lay.ontology)
    page = opener(export_html(root, tmp_path / "hostile.html"))
    assert page.text_content("#node-count") == "5"
    assert page.title() == "probation-kg entities view"
    assert page.locator("script").count() == 2
    assert page.locator("img").count() == 0

    # click the node where the page drew it
    x, y = page.evaluate("() => window.probkgGraph.screenPosition('organisation:hostile-body')")
    page.mouse.click(x, y)
    assert page.text_content("#panel-label") == HOSTILE["organisation:hostile-body"]
    assert page.text_content("#panel-kind") == "body"
    findings = page.locator("#panel-findings .finding")
    assert findings.count() == 2
    assert page.locator("#panel-findings blockquote").all_text_contents() == [HOSTILE_QUOTE]
    assert HOSTILE_STATEMENT in page.locator("#panel-findings").text_content()
    assert page.locator("#panel img, #panel b, #panel script").count() == 0
    not_blank(page.locator("#canvas").screenshot())

    # find a node by its acronym
    page.fill("#search", "H&Q")
    page.press("#search", "Enter")
    assert page.text_content("#panel-label") == HOSTILE["organisation:hostile-body"]
    page.fill("#search", HOSTILE["system:hostile-system"])
    page.press("#search", "Enter")
    assert page.text_content("#panel-label") == HOSTILE["system:hostile-system"]
    # the search box folds names as probkg.rdf.names.fold does: "&" is "and", case and apostrophes folded
    page.fill("#search", "lonely \u201ccurly\u201d and \u2019single\u2019 ARRANGEMENT")
    page.press("#search", "Enter")
    assert page.text_content("#panel-label") == HOSTILE["arrangement:hostile-alone"]
    assert page.locator("#panel img, #panel b, #panel script").count() == 0
