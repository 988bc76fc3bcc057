"""Report layouts: what a layout is (`Parser`), and helpers the layout parsers share.

A layout is the way a kind of report text is laid out: where the ratings
table is, how key questions and recommendations are printed. Each parser
module (`layout_2019`, `layout_2025`) exposes a `PARSER`: a `Parser` with a
name, the framework its reports rate against, `recognise(lines)` (how many of
its markers the text shows) and `parse(report)`. `detection` picks the layout
a text is in; it imports the parser modules, which import this one, never the
other way round.

Patterns here are written so that no line can make them slow: anchored at the
start, no two adjacent quantifiers that can match the same characters, and
splits done with string methods where a pattern would need backtracking.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from probkg.core.errors import InputError
from probkg.ingest.model import BANDS, ParsedReport, Quote
from probkg.ingest.source import ReportText

MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        start=1,
    )
}

NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        (
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        )
    )
}

_NAME = r"[A-Z][\w'’-]*(?: [A-Z][\w'’-]*){1,3}"
LEAD_INSPECTOR = re.compile(r"This inspection was led by HM Inspector (" + _NAME + ")")
PROGRAMME_MANAGER = re.compile(r"The manager responsible for this inspection programme is (" + _NAME + r")\.")
FIELDWORK_BETWEEN = re.compile(r"between (\d{1,2}) ([A-Z][a-z]{2,8}) (\d{4}) and (\d{1,2}) ([A-Z][a-z]{2,8}) (\d{4})")
BULLET = re.compile(r"[-•·]\s+(\S.*)")
LIST_HEADING = re.compile(r"(Strengths|Areas for improvement):?")


@dataclass(frozen=True)
class Parser:
    """One layout: its name, the framework its reports rate against, its markers and its parse function."""

    name: str
    framework: str
    description: str
    markers: Sequence[re.Pattern[str]]
    parse: Callable[[ReportText], ParsedReport]

    def recognise(self, lines: Sequence[str]) -> int:
        """How many of this layout's markers the (stripped) lines show."""
        return count_markers(lines, self.markers)


def count_markers(lines: Sequence[str], markers: Sequence[re.Pattern[str]]) -> int:
    """How many of the markers match at least one (stripped) line."""
    return sum(1 for marker in markers if any(marker.match(line) for line in lines))


def band_at_end(text: str) -> tuple[str, str] | None:
    """Split "Staff Requires improvement" into ("Staff", "band-requires-improvement")."""
    lowered = text.lower()
    for printed, band in BANDS.items():
        if lowered == printed:
            return "", band
        if lowered.endswith(printed) and len(text) > len(printed) and not text[-len(printed) - 1].isalnum():
            return text[: -len(printed)].rstrip(" \t|"), band
    return None


def band_of(text: str) -> str | None:
    """The vocab: band for a cell or line that is exactly a band's name."""
    return BANDS.get(text.strip().lower())


def iso_date(day: str, month: str, year: str) -> str | None:
    """ "28", "July", "2025" to "2025-07-28"; None if that is not a real date."""
    if month not in MONTHS:
        return None
    try:
        return dt.date(int(year), MONTHS[month], int(day)).isoformat()
    except ValueError:
        return None


def year_month(month: str, year: str) -> str | None:
    if month not in MONTHS or not 1900 <= int(year) <= 2200:
        return None
    return f"{int(year):04d}-{MONTHS[month]:02d}"


_STAMP = re.compile(r"Published:?(?:\s+(?:on\s+)?(?:(\d{1,2}) )?([A-Z][a-z]+) (\d{4}))?")
_DATE_LINE = re.compile(r"(?:(\d{1,2}) )?([A-Z][a-z]+) (\d{4})")
_COPYRIGHT = re.compile(r"© ?Crown copyright (\d{4})")


def _stamp_date(day: str | None, month: str, year: str) -> str | None:
    return iso_date(day, month, year) if day else year_month(month, year)


HEAD_LINES = 40
"""How far into a page a date printed alone is read as its publication date (after a blanked stamp)."""


def publication(report: ReportText) -> tuple[str, Quote] | None:
    """When the report says it was published, as precisely as it says it, with the words that say so.

    A "Published" stamp with its date ("Published: 2 May 2025") gives the day or month. The
    inspectorate's web pages print the stamp alone, with the date below it; the boilerplate rules blank
    such a bare stamp, so where one was blanked the first date printed alone near the top of the page
    is taken. Failing both, the copyright line of a report's front matter ("© Crown copyright 2019")
    gives the year, where the quote can be checked: the file itself is the evidence (a plain text);
    the text saved from a PDF or page leaves that line out, with the rest of the licence notice.
    """
    lines = [line.strip() for line in report.lines]
    stamped = any(_STAMP.fullmatch(line) for line in report.boilerplate)
    for i, line in enumerate(lines):
        stamp = _STAMP.fullmatch(line)
        date = stamp if stamp and stamp.group(2) else _DATE_LINE.fullmatch(line) if stamped and i < HEAD_LINES else None
        if date and (found := _stamp_date(date.group(1), date.group(2), date.group(3))) is not None:
            return found, Quote.of(line, i + 1)
    if report.kind == "text" and any(_COPYRIGHT.fullmatch(line) for line in report.boilerplate):
        # the line was blanked as boilerplate: its number is read from the file that holds it
        for number, line in enumerate(report.path.read_text(encoding="utf-8-sig").splitlines(), start=1):
            if copyright_year := _COPYRIGHT.fullmatch(line.strip()):
                return copyright_year.group(1), Quote.of(line, number)
    return None


def sentence_around(line: str, start: int, end: int) -> str:
    """The sentence of `line` that holds the span start:end (ends at the next full stop)."""
    left = line.rfind(". ", 0, start)
    begin = 0 if left < 0 else left + 2
    stop = line.find(".", end)
    return line[begin : len(line) if stop < 0 else stop + 1]


def split_sentences(text: str) -> list[str]:
    """Split a paragraph at whitespace after . ! ? (and a closing quote) before a capital or an opening quote."""
    out: list[str] = []
    start = 0
    for match in re.finditer(r"\s+", text):
        before = text[: match.start()].rstrip('”"’)')
        after = text[match.end() : match.end() + 2]
        if (
            before.endswith((".", "!", "?"))
            and after
            and (after[0].isupper() or after[0] in '“"‘(' or after[0].isdigit())
        ):
            piece = text[start : match.start()].strip()
            if piece:
                out.append(piece)
            start = match.end()
    if text[start:].strip():
        out.append(text[start:].strip())
    return out


def lines_used(out: ParsedReport) -> set[int]:
    """The (1-based) lines some fact of the parse already quotes: the running text leaves them alone."""
    quoted: list[list[Quote]] = [r.quotes for r in out.ratings] + [k.quotes for k in out.key_questions]
    quoted += [r.quotes for r in out.recommendations] + [f.quotes for f in out.findings]
    return {q.line for quotes in quoted for q in quotes}


def table_cells(line: str) -> list[str] | None:
    """The cells of a `| a | b |` row, or None if the line is not one."""
    if len(line) < 3 or not line.startswith("|") or not line.endswith("|"):
        return None
    return [cell.strip() for cell in line[1:-1].split("|")]


def no_ratings_table(report: ReportText, detail: str) -> InputError:
    return InputError(str(report.path), f"no ratings table: {detail}")


def truncated(report: ReportText, detail: str) -> InputError:
    last = len(report.text.rstrip("\n").split("\n"))
    return InputError(str(report.path), f"the report seems truncated: {detail} (the text ends at line {last})")
