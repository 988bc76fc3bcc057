"""Saved web pages and PDF reports turned into the report text the layout parsers read.

Each format goes through a well-kept library for it, never through our own
regular expressions over markup or PDF operators:

* HTML: BeautifulSoup (``beautifulsoup4``) over the ``lxml`` parser. lxml is a
  C parser that recovers from broken markup the way browsers do, quickly; BeautifulSoup
  gives a stable tree API over it. The page is rendered to the web report's
  text layout (``layout_2025``): headings, paragraphs and list items on lines of
  their own, ``- `` before a list item, ``| a | b |`` for a table row. The
  page's own scaffolding (``script``, ``style``, ``nav``, ``header``, ``footer``,
  ``aside``, ``form``, elements whose ARIA role is navigation, banner or
  contentinfo, and anything whose class or id names a cookie banner or a skip
  link) is dropped before rendering.
* PDF: ``pypdf``, a pure-Python reader maintained by the py-pdf project: no
  native code to crash on a hostile file, and its page text keeps reading order
  for the single-column reports the inspectorate publishes. A PDF whose pages
  give no text (a scan with no text layer) is refused with `NoTextLayerError`
  (exit 7): it needs OCR first, which ingest does not do.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from probkg.core.errors import InputError, NoTextLayerError

if TYPE_CHECKING:  # pypdf itself is imported only when a PDF is read
    from pypdf import PdfReader

MAX_PAGES = 2_000
"""A PDF report longer than this is refused (the longest inspection reports run to about 100 pages)."""

_DROP_TAGS = (
    "head",
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "iframe",
    "select",
)
_DROP_ROLES = {"navigation", "banner", "contentinfo", "search", "dialog", "alertdialog"}
_DROP_NAMES = re.compile(r"cookie|skip[-_]?link|breadcrumb|share|social", re.IGNORECASE)
_BLOCKS = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "figure",
    "figcaption",
    "caption",
    "address",
    "hr",
    "body",
    "html",
    "table",
    "thead",
    "tbody",
    "tfoot",
}
_SPACE = re.compile(r"\s+")


def html_to_text(data: bytes, where: str) -> str:
    """The page's text in the web report layout, without the site's scaffolding."""
    from bs4 import BeautifulSoup
    from bs4.element import NavigableString, Tag

    try:
        soup = BeautifulSoup(data, "lxml")
    except Exception as exc:  # lxml raises its own error kinds on a hostile page
        raise InputError(where, f"cannot be read as an HTML page ({type(exc).__name__})") from None
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        role = str(tag.get("role") or "").lower()
        names = " ".join([str(tag.get("id") or ""), *(tag.get("class") or [])])
        if role in _DROP_ROLES or (names.strip() and _DROP_NAMES.search(names)) or tag.get("hidden") is not None:
            tag.decompose()

    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = _SPACE.sub(" ", "".join(current)).strip()
        current.clear()
        if text:
            lines.append(text)

    def cell_text(cell: Tag) -> str:
        return _SPACE.sub(" ", cell.get_text(" ")).strip().replace("|", "/")

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not a comment, CDATA or doctype
                    current.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name == "br":
                flush()
            elif name == "tr":
                flush()
                cells = [cell_text(c) for c in child.find_all(["td", "th"], recursive=False)]
                if any(cells):
                    lines.append("| " + " | ".join(cells) + " |")
            elif name == "pre":  # preformatted: its own line breaks are the text's
                flush()
                lines.extend(t for line in child.get_text().split("\n") if (t := _SPACE.sub(" ", line).strip()))
            elif name == "li":
                flush()
                current.append("- ")
                walk(child)
                flush()
            elif name in _BLOCKS:
                flush()
                walk(child)
                flush()
            else:
                walk(child)

    try:
        walk(soup)
    except RecursionError:
        raise InputError(where, "the HTML page is nested too deeply to be a report page") from None
    flush()
    return "\n".join(lines) + "\n"


def pdf_to_text(data: bytes, where: str) -> str:
    """The text layer of a PDF, page after page; refuses a damaged, locked or image-only PDF."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its recoverable-damage warnings are not ours to print
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(where, "the PDF is encrypted with a password; save an unlocked copy and ingest that")
        count = len(reader.pages)
        if count > MAX_PAGES:
            raise InputError(where, f"the PDF has {count:,} pages, over the {MAX_PAGES:,} a report could have")
        pages = list(_pages(reader))
    except InputError:
        raise
    except Exception as exc:  # a damaged file makes pypdf raise many kinds (filters, zlib, KeyError...)
        kind = "PdfError" if isinstance(exc, PyPdfError) else type(exc).__name__
        raise InputError(where, f"this PDF is damaged and cannot be read ({kind}: {str(exc)[:200]})") from None
    if not count:
        raise InputError(where, "the PDF has no pages")
    if not any(page.strip() for page in pages):
        raise NoTextLayerError(
            where,
            f"the PDF's {count} page(s) have no text layer (a scan or images of text): run OCR on it "
            f"(for example ocrmypdf) and ingest the result",
        )
    return "\n".join(pages)


def _pages(reader: PdfReader) -> Iterator[str]:
    for page in reader.pages:
        yield page.extract_text() or ""
