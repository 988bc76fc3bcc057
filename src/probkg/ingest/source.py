"""Reading a document: a report text, a saved HTML page or a PDF, refusing what is none of them.

Every check here runs on bytes read with a size limit, so a wrong file costs
nothing: an empty or blank file, a file over the limit, a zip archive (a Word
file), and binary data (NUL bytes, text that is not UTF-8, or mostly control
characters) each get their own message naming the file. A PDF or an HTML page
is turned into text by `formats` first; then the site's and publication's
boilerplate is blanked (`boilerplate`), so every kind of input reaches the
parsers as the same kind of text. Lines over `MAX_LINE` characters are refused:
no report paragraph comes near it, and it bounds the work any later pattern
can do on one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from probkg.core.errors import InputError, LimitError
from probkg.ingest import boilerplate, formats

MAX_BYTES = 4 * 1024 * 1024
"""Default size limit: about forty times the longest report of the corpus (112 KB)."""

MAX_LINE = 50_000
"""Longest line accepted, in characters (the corpus's longest is under 2,000)."""

_HTML = re.compile(rb"^\s*(<!doctype\s+html|<html\b|<head\b|<body\b|<\?xml[^>]*>\s*<html\b)", re.IGNORECASE)
_TAGS = re.compile(
    rb"</?(html|head|body|div|p|span|table|tr|td|h[1-6]|ul|li|a|meta|script|style)\b[^>]{0,200}>", re.IGNORECASE
)


@dataclass(frozen=True)
class ReportText:
    """A document's text after the guards passed: the file, its text (boilerplate blanked) and its lines.

    `kind` is the file's format ("text", "html" or "pdf"); for the last two the
    text is extracted, and `text_name` is the name the extracted text is saved
    under beside the draft, so its quotes can be checked (and the text added to
    the corpus).
    """

    path: Path
    text: str
    kind: str = "text"
    boilerplate: tuple[str, ...] = ()  # the lines blanked as boilerplate
    end_line: int | None = None  # 0-based: where a web page's links to other pages begin (`boilerplate.article_end`)

    @property
    def text_name(self) -> str:
        # "report.html.txt": never the name of a text the user already has beside the page
        return self.path.name if self.kind == "text" else f"{self.path.name}.txt"

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data:
        return True
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > max(8, len(sample) // 100)


def read(path: Path, max_bytes: int = MAX_BYTES) -> ReportText:
    """Read a report text, raising InputError (or LimitError) with a clear message."""
    where = str(path)
    if not path.exists():
        raise InputError(where, "no such file")
    if not path.is_file():
        raise InputError(where, "not a file")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise LimitError(
                f"{where}: {size:,} bytes is over the limit of {max_bytes:,} bytes for a report "
                f"text (raise it with --max-bytes if the file really is one report)"
            )
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(where, f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:  # the file grew while we looked
        raise LimitError(f"{where}: over the limit of {max_bytes:,} bytes for a report text")
    if not data.strip():
        raise InputError(where, "the file is empty" if not data else "the file holds only whitespace")
    kind = "text"
    if b"%PDF-" in data[:1024]:  # the header may follow a little junk
        text, kind = formats.pdf_to_text(data, where), "pdf"
    elif data.startswith(b"PK\x03\x04"):
        raise InputError(
            where, "this is a zip archive (a Word .docx?), not a report text: save the report's text and ingest that"
        )
    elif _HTML.match(data[:4096]) or len(_TAGS.findall(data[:4096])) >= 5:
        text, kind = formats.html_to_text(data, where), "html"
    else:
        text = _decode(data, where)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE:
            raise InputError(
                where,
                f"line is {len(line):,} characters long, over the limit of {MAX_LINE:,}: not a report text",
                number,
            )
    end = boilerplate.article_end(text.split("\n"))
    text, dropped = boilerplate.strip(text)
    if not text.strip():
        raise InputError(where, f"no text is left once the {kind} file's boilerplate is left out")
    return ReportText(path, text, kind, dropped, end)


def _decode(data: bytes, where: str) -> str:
    if _looks_binary(data):
        raise InputError(where, "binary data, not a report text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            where, f"not UTF-8 text (invalid byte at offset {exc.start}); binary data or another encoding"
        ) from None
