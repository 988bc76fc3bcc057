"""The 2025 web report text layout: the text of an HMI Probation report web page.

What it looks like (corpus file 004, the 2025 Wales region report):

* the title on the first line ("An inspection of Probation Services – Wales region");
* section headings ending "(Back to top)";
* under "Ratings (Back to top)", a table of `| a | b |` rows:
  `| Fieldwork started July 2025 | Score 5/24 |`, `| Overall rating | Requires improvement |`,
  then one row per standard, `| R 1.1 Leadership | Requires improvement |`;
* "Recommendations (Back to top)": an addressee line ending "should:" and
  unnumbered `- ` bullets;
* per standard, a heading row `| R 2.1 Public Protection | Rating |`, the
  standard's own rating row, a key-question table
  (`| Key question | Percentage ‘Yes’ |` then `| Does ...? | 35% |`), and
  "Strengths" / "Areas for improvement:" lists of `- ` bullets.

The report prints no codes for key questions, so they are numbered in table
order within their standard (q1, q2, ...), as docs/curation.md fixes.
"""

from __future__ import annotations

import re

from probkg.ingest import layouts, running_text
from probkg.ingest.layouts import BULLET, LIST_HEADING, band_of, table_cells
from probkg.ingest.model import Finding, KeyQuestion, ParsedReport, Person, Quote, Rating, Recommendation
from probkg.ingest.source import ReportText

BACK_TO_TOP = "(Back to top)"

NAME = "hmip-2025-web-text"
FRAMEWORK = "hmip-2025"

MARKERS = (
    re.compile(r".*\(Back to top\)$"),
    re.compile(r"\| ?Fieldwork started [A-Z][a-z]+ \d{4} ?\|"),
    re.compile(r"\| ?Overall rating ?\|"),
    re.compile(r"\| ?Key question ?\|"),
    re.compile(r"\| ?[RP] ?\d\.\d"),
)

_STANDARD = re.compile(r"[RP] ?([1-9])\.(\d)\.? +(\S.*)")
_FIELDWORK = re.compile(r"Fieldwork started ([A-Z][a-z]+) (\d{4})")
_SCORE = re.compile(r"Score (\d{1,3}) ?/ ?(\d{1,3})")
_PERCENT = re.compile(r"(\d{1,3})%")
_REQUIRED_AFTER_RATINGS = ("Recommendations", "Further information")


def _heading(line: str) -> str | None:
    """ "Recommendations (Back to top)" -> "Recommendations"."""
    if line.endswith(BACK_TO_TOP):
        return line[: -len(BACK_TO_TOP)].strip()
    return None


def _parse(report: ReportText) -> ParsedReport:
    lines = [line.strip() for line in report.lines]
    out = ParsedReport(layout=NAME, framework=FRAMEWORK)
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is not None:
        out.title = lines[first]
        if out.title.startswith("An inspection of "):
            out.body = out.title.removeprefix("An inspection of ").removeprefix("the ")
            out.body_quote = Quote.of(out.title, first + 1)

    headings = {i: h for i, line in enumerate(lines) if (h := _heading(line)) is not None}
    ratings_at = next((i for i, h in headings.items() if h == "Ratings"), None)
    if ratings_at is None:
        raise layouts.no_ratings_table(report, "no 'Ratings (Back to top)' section")
    for name in _REQUIRED_AFTER_RATINGS:
        if not any(h == name and i > ratings_at for i, h in headings.items()):
            raise layouts.truncated(report, f"there is no '{name} {BACK_TO_TOP}' section after the ratings table")

    _ratings(report, lines, ratings_at, out)
    _sections(lines, out)
    _recommendations(lines, headings, out)
    _people_and_dates(lines, out)
    out.findings += running_text.findings(lines, out, layouts.lines_used(out))
    if (published := layouts.publication(report)) is not None:
        out.published, out.published_quote = published
    return out


def _ratings(report: ReportText, lines: list[str], start: int, out: ParsedReport) -> None:
    seen: dict[str, str] = {}
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if _heading(line) is not None:
            break
        cells = table_cells(line)
        if not cells or len(cells) != 2:
            continue
        left, right = cells
        if (fieldwork := _FIELDWORK.fullmatch(left)) and out.start is None:
            month = layouts.year_month(fieldwork.group(1), fieldwork.group(2))
            if month:
                out.start = month
                out.date_quotes.append(Quote.of(line, i + 1))
            if (score := _SCORE.fullmatch(right)) and out.score is None:
                value, of = int(score.group(1)), int(score.group(2))
                if 0 < of and value <= of:
                    out.score = (value, of, Quote.of(line, i + 1))
                else:
                    out.warn(f"score {value}/{of} is not a score out of a positive total", i + 1)
            continue
        band = band_of(right)
        if band is None:
            continue
        if left == "Overall rating":
            code, name = "overall", ""
        elif standard := _STANDARD.fullmatch(left):
            code, name = f"{standard.group(1)}.{standard.group(2)}", standard.group(3).strip()
        else:
            continue
        if code in seen:
            if seen[code] != band:
                out.warn(f"{code} is rated twice in the ratings table, differently; kept the first", i + 1)
            continue
        seen[code] = band
        out.ratings.append(Rating(code, name, band, [Quote.of(line, i + 1)]))
    if "overall" not in seen:
        raise layouts.no_ratings_table(
            report, f"the 'Ratings' section (line {start + 1}) has no '| Overall rating | ... |' row"
        )
    if len(seen) == 1:
        raise layouts.no_ratings_table(report, f"the 'Ratings' section (line {start + 1}) rates no standard")


def _sections(lines: list[str], out: ParsedReport) -> None:
    """Standard headings, their own rating rows, key-question tables and strength/improvement lists."""
    summary = {r.code: r for r in out.ratings}
    standard: str | None = None
    section = ""
    in_questions = False
    numbered: dict[str, int] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        if (heading := _heading(line)) is not None:
            standard, section, in_questions = None, heading, False
            i += 1
            continue
        cells = table_cells(line)
        if cells and len(cells) == 2:
            left, right = cells
            if right == "Rating" and (match := _STANDARD.fullmatch(left)):
                standard = f"{match.group(1)}.{match.group(2)}"
                section = f"{standard} {match.group(3).strip()}"
                in_questions = False
                # The next row is the standard's own rating: a second quote, checked against the summary.
                nxt = table_cells(lines[i + 1]) if i + 1 < len(lines) else None
                if nxt and len(nxt) == 2 and (band := band_of(nxt[1])) and standard in summary:
                    rating = summary[standard]
                    if rating.band != band:
                        out.warn(
                            f"standard {standard} is rated {band} here but {rating.band} in the ratings "
                            f"table; kept the ratings table's",
                            i + 2,
                        )
                    elif len(rating.quotes) == 1:
                        rating.quotes.append(Quote.of(lines[i + 1], i + 2))
                i += 1
                continue
            if left == "Key question":
                in_questions = True
                i += 1
                continue
            if in_questions and standard and (percent := _PERCENT.fullmatch(right)):
                value = int(percent.group(1))
                n = numbered.get(standard, 0) + 1
                if value > 100:
                    out.warn(f"key question {standard} q{n} has {value}%, over 100; left out", i + 1)
                else:
                    numbered[standard] = n
                    out.key_questions.append(KeyQuestion(standard, f"q{n}", left, value, [Quote.of(line, i + 1)]))
                i += 1
                continue
        elif line:
            in_questions = False
        if list_heading := LIST_HEADING.fullmatch(line):
            polarity = "strength" if list_heading.group(1) == "Strengths" else "area-for-improvement"
            i += 1
            while i < len(lines):
                if not lines[i]:
                    i += 1
                    continue
                bullet = BULLET.fullmatch(lines[i])
                if not bullet:
                    break
                out.findings.append(
                    Finding(
                        polarity, bullet.group(1), section or "the report", standard, [Quote.of(bullet.group(1), i + 1)]
                    )
                )
                i += 1
            continue
        i += 1


def _recommendations(lines: list[str], headings: dict[int, str], out: ParsedReport) -> None:
    start = next(i for i, h in headings.items() if h == "Recommendations")
    addressee: tuple[str, Quote] | None = None
    seen: set[str] = set()
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if i in headings:
            break
        if line.endswith(" should:") and len(line) < 300:
            addressee = (line.removesuffix(" should:").strip(), Quote.of(line, i + 1))
            continue
        bullet = BULLET.fullmatch(line)
        if not bullet:
            continue
        if addressee is None:
            out.warn("a recommendation comes before any 'X should:' line; left out", i + 1)
            continue
        text = bullet.group(1)
        if text in seen:
            out.warn("the same recommendation appears twice; kept the first", i + 1)
            continue
        seen.add(text)
        out.recommendations.append(Recommendation(None, text, addressee[0], [addressee[1], Quote.of(text, i + 1)]))


def _people_and_dates(lines: list[str], out: ParsedReport) -> None:
    for i, line in enumerate(lines):
        if out.lead_inspector is None and "led by HM Inspector" in line:
            if match := layouts.LEAD_INSPECTOR.search(line):
                out.lead_inspector = Person(match.group(1), Quote.of(match.group(0), i + 1))
        if out.chief_inspector is None and line == "HM Chief Inspector of Probation" and i > 0 and lines[i - 1]:
            if 0 < len(lines[i - 1].split()) <= 6:
                out.chief_inspector = Person(lines[i - 1], Quote.of(f"{lines[i - 1]} {line}", i))
        if "fieldwork" in line and "between" in line and (match := layouts.FIELDWORK_BETWEEN.search(line)):
            start = layouts.iso_date(match.group(1), match.group(2), match.group(3))
            end = layouts.iso_date(match.group(4), match.group(5), match.group(6))
            if start and end and start <= end and (out.start is None or start.startswith(out.start)):
                if out.end is None:
                    out.start, out.end = start, end
                    sentence = layouts.sentence_around(line, match.start(), match.end())
                    out.date_quotes.append(Quote.of(sentence, i + 1))
            else:
                out.warn(
                    f"fieldwork dates '{match.group(0)}' are not two real dates in order that agree "
                    f"with the ratings table; left out",
                    i + 1,
                )


PARSER = layouts.Parser(
    NAME,
    FRAMEWORK,
    "text of a 2025 HMI Probation web report, '| a | b |' tables and '(Back to top)' headings",
    MARKERS,
    _parse,
)
