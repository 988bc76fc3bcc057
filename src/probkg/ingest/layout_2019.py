"""The 2019 report text layout: the text of an HMI Probation PDF report of 2019.

What it looks like (corpus file 003, the 2019 NPS Wales report):

* a "Contents" list, then "Overall findings";
* the ratings table: "Overall rating", the band on a line of its own, then one
  line per standard, code, name and band separated by tabs
  (`1.2<TAB>Staff<TAB>Requires improvement`) under domain headings;
* "Service: NPS in Wales" and "Fieldwork started: November 2018";
* "Recommendations": addressee lines ending "should:" and numbered lines
  (`- 1. review and actively manage workloads ...`);
* per domain, "Strengths:" and "Areas for improvement:" followed by `- ` bullets;
* "Annex 2: Inspection results": key-question rows, code, question and a
  percentage (`2.1.1.<TAB>Does assessment ...?<TAB>78%`).

Domain-level strength and improvement lists sit under a domain, not one
standard, so their findings get no standard (docs/curation.md: omit it for
findings that span several).
"""

from __future__ import annotations

import re

from probkg.ingest import layouts, running_text
from probkg.ingest.layouts import BULLET, LIST_HEADING, band_at_end, band_of
from probkg.ingest.model import Finding, KeyQuestion, ParsedReport, Person, Quote, Rating, Recommendation
from probkg.ingest.source import ReportText

NAME = "hmip-2019-text"
FRAMEWORK = "hmip-2019"

MARKERS = (
    re.compile(r"Contents$"),
    re.compile(r"Overall rating$"),
    re.compile(r"Fieldwork started: [A-Z][a-z]+ \d{4}$"),
    re.compile(r"Service: \S"),
    re.compile(r"Annex \d+: Inspection results"),
    re.compile(r"\d\.\d\t+[^\t]+\t+(Outstanding|Good|Requires improvement|Inadequate)$"),
)

_STANDARD_CODE = re.compile(r"([1-9])\.(\d)\.?[\t ]")
_KQ_CODE = re.compile(r"([1-9]\.\d)\.(\d)\.?[\t ]")
_PERCENT_AT_END = re.compile(r"(\d{1,3})%$")
_DOMAIN = re.compile(r"([1-9])\. ?([A-Z][A-Za-z -]{2,60})$")
_ITEM = re.compile(r"(?:[-•·]\s*)?(\d{1,2})\.\s+(\S.*)")
_COUNT = re.compile(r"we have made (\w+) recommendations")
_ANNEX_RESULTS = re.compile(r"Annex \d+: Inspection results")
_FIELDWORK = re.compile(r"Fieldwork started: ([A-Z][a-z]+) (\d{4})$")
_CHIEF = re.compile(r"(?:HM )?Chief Inspector of Probation$")
_NEXT_SECTION = ("Background", "Contextual facts")


def _nonblank_after(lines: list[str], index: int, limit: int = 6) -> int | None:
    for j in range(index + 1, min(len(lines), index + 1 + limit)):
        if lines[j]:
            return j
    return None


def _parse(report: ReportText) -> ParsedReport:
    lines = [line.strip() for line in report.lines]
    out = ParsedReport(layout=NAME, framework=FRAMEWORK)
    out.title = next((line for line in lines if line), None)

    _ratings(report, lines, out)
    _inspection(lines, out)
    rec_end = _recommendations(report, lines, out)
    _findings(lines, out)
    _key_questions(report, lines, out, rec_end)
    out.findings += running_text.findings(lines, out, layouts.lines_used(out))
    if (published := layouts.publication(report)) is not None:
        out.published, out.published_quote = published
    return out


def _ratings(report: ReportText, lines: list[str], out: ParsedReport) -> None:
    start = next((i for i, line in enumerate(lines) if line == "Overall rating"), None)
    if start is None:
        raise layouts.no_ratings_table(report, "no 'Overall rating' line, which heads the ratings table in this layout")
    j = _nonblank_after(lines, start)
    band = band_of(lines[j]) if j is not None else None
    if j is None or band is None:
        raise layouts.no_ratings_table(
            report, f"the 'Overall rating' line (line {start + 1}) is not followed by a rating band"
        )
    out.ratings.append(Rating("overall", "", band, [Quote.of(f"{lines[start]} {lines[j]}", start + 1)]))
    seen: dict[str, str] = {}
    for i in range(j + 1, min(len(lines), j + 80)):
        line = lines[i]
        if line == "Recommendations":
            break
        match = _STANDARD_CODE.match(line)
        split = band_at_end(line[match.end() :]) if match else None
        if not match or not split or not split[0].strip():
            continue
        code = f"{match.group(1)}.{match.group(2)}"
        name, band = split[0].strip(), split[1]
        if code in seen:
            if seen[code] != band:
                out.warn(f"standard {code} is rated twice in the ratings table, differently; kept the first", i + 1)
            continue
        seen[code] = band
        out.ratings.append(Rating(code, name, band, [Quote.of(line, i + 1)]))
    if not seen:
        raise layouts.no_ratings_table(report, f"no standard is rated under 'Overall rating' (line {start + 1})")


def _person(out: ParsedReport, pattern: re.Pattern[str], needle: str, lines: list[str]) -> Person | None:
    for i, line in enumerate(lines):
        if needle in line and (match := pattern.search(line)):
            return Person(match.group(1), Quote.of(match.group(0), i + 1))
    return None


def _inspection(lines: list[str], out: ParsedReport) -> None:
    for i, line in enumerate(lines):
        if out.body is None and line.startswith("Service: ") and len(line) < 200:
            out.body = line.removeprefix("Service: ").strip()
            out.body_quote = Quote.of(line, i + 1)
        if out.start is None and (match := _FIELDWORK.match(line)):
            month = layouts.year_month(match.group(1), match.group(2))
            if month:
                out.start = month
                out.date_quotes.append(Quote.of(line, i + 1))
            else:
                out.warn(f"'{line}' is not a month and year", i + 1)
        if out.chief_inspector is None and _CHIEF.match(line) and i > 0:
            k = next((k for k in range(i - 1, max(-1, i - 4), -1) if lines[k]), None)
            if k is not None and 0 < len(lines[k].split()) <= 6:
                out.chief_inspector = Person(lines[k], Quote.of(f"{lines[k]} {line}", k + 1))
    if out.body is None and out.title and out.title.startswith("An inspection of "):
        out.body = out.title.removeprefix("An inspection of ").removeprefix("the ")
        out.body_quote = Quote.of(out.title, lines.index(out.title) + 1)
    out.lead_inspector = _person(out, layouts.LEAD_INSPECTOR, "led by HM Inspector", lines)
    out.programme_manager = _person(out, layouts.PROGRAMME_MANAGER, "inspection programme is", lines)


def _recommendations(report: ReportText, lines: list[str], out: ParsedReport) -> int:
    # The section follows the ratings table; a "Recommendations" entry of the contents list comes before it.
    table = lines.index("Overall rating")
    start = next((i for i in range(table, len(lines)) if lines[i] == "Recommendations"), None)
    if start is None:
        raise layouts.truncated(report, "there is no 'Recommendations' section after the ratings table")
    addressee: tuple[str, Quote] | None = None
    numbers: set[int] = set()
    announced: int | None = None
    end = len(lines)
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if line in _NEXT_SECTION:
            end = i
            break
        if announced is None and "recommendations" in line and (match := _COUNT.search(line)):
            announced = layouts.NUMBER_WORDS.get(match.group(1).lower())
            if announced is None and match.group(1).isdigit():
                announced = int(match.group(1))
        if line.endswith(" should:") and len(line) < 300:
            addressee = (line.removesuffix(" should:").strip(), Quote.of(line, i + 1))
            continue
        match = _ITEM.fullmatch(line)
        if not match:
            continue
        number = int(match.group(1))
        if addressee is None:
            out.warn(f"recommendation {number} comes before any 'X should:' line; left out", i + 1)
            continue
        if number in numbers or number == 0:
            out.warn(f"recommendation number {number} appears twice; kept the first", i + 1)
            continue
        numbers.add(number)
        text = line[line.index(match.group(1)) :]  # "1. review ...", without the bullet
        out.recommendations.append(
            Recommendation(number, match.group(2), addressee[0], [addressee[1], Quote.of(text, i + 1)])
        )
    else:
        raise layouts.truncated(report, f"the 'Recommendations' section (line {start + 1}) never ends")
    if announced is not None and announced != len(out.recommendations):
        out.warn(f"the report says it makes {announced} recommendations; {len(out.recommendations)} were found")
    return end


def _findings(lines: list[str], out: ParsedReport) -> None:
    domain = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        if match := _DOMAIN.fullmatch(line):
            domain = f"{match.group(1)}. {match.group(2)}"
        heading = LIST_HEADING.fullmatch(line)
        i += 1
        if not heading:
            continue
        polarity = "strength" if heading.group(1) == "Strengths" else "area-for-improvement"
        while i < len(lines):
            if not lines[i]:
                i += 1
                continue
            bullet = BULLET.fullmatch(lines[i])
            if not bullet:
                break
            out.findings.append(
                Finding(polarity, bullet.group(1), domain or "the report", None, [Quote.of(bullet.group(1), i + 1)])
            )
            i += 1


def _key_questions(report: ReportText, lines: list[str], out: ParsedReport, after: int) -> None:
    start = next((i for i in range(after, len(lines)) if _ANNEX_RESULTS.match(lines[i])), None)
    if start is None:
        raise layouts.truncated(report, "there is no 'Annex: Inspection results' with the key-question table")
    seen: set[str] = set()
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if line.startswith("Annex ") and i > start:
            break
        match = _KQ_CODE.match(line)
        percent = _PERCENT_AT_END.search(line) if match else None
        if not match or not percent:
            continue
        code = f"{match.group(1)}.{match.group(2)}"
        question = line[match.end() : percent.start()].strip()
        if code in seen:
            out.warn(f"key question {code} appears twice; kept the first", i + 1)
            continue
        value = int(percent.group(1))
        if value > 100:
            out.warn(f"key question {code} has {value}%, over 100; left out", i + 1)
            continue
        seen.add(code)
        out.key_questions.append(KeyQuestion(match.group(1), code, question, value, [Quote.of(line, i + 1)]))
    if not seen:
        raise layouts.truncated(report, f"the key-question table after line {start + 1} has no rows")


PARSER = layouts.Parser(
    NAME, FRAMEWORK, "text of a 2019 HMI Probation PDF report, tab-separated ratings table", MARKERS, _parse
)
