"""Press releases, blog posts and news articles about an inspection: the sentences they state.

Such a text has no ratings table; it retells a report. What is drafted from it
(`draft_article`) is the document, the inspection it reports on, and each of its
sentences that restates a finding as a claim to be checked against the report.
This module only reads the text:

* recognised by at least three of: a mention of the probation inspectorate or
  its inspectors, a chief inspector, a verb of saying, a publication, and a
  rating word after "rated", "assessed" or "judged";
* the title is the first line; the document kind comes from the page furniture
  that `boilerplate` left out (image credits and a "Published" stamp mark a news
  site, sharing buttons and a comments box a blog, "press release" or "notes to
  editors" a press office);
* the publication date from "published today (17 April 2019)" and the like;
* the overall rating from a sentence that says "overall" and names a band;
* the chief inspector, and others reported as saying something ("Name, role,
  said"), by pattern; they are linked (or listed) by the draft;
* sentences: paragraphs and list items split at sentence ends, each with the
  heading it sits under; list items broken over lines are joined first;
* figures: numbers with a thousands separator, a percent sign or a plain count,
  but not years, days of a date, or labels such as "band 4".

The text after the page's own end (`ReportText.end_line`: "Related posts",
"Leave a reply") is another page's and is not read.
"""

from __future__ import annotations

import re

from probkg.ingest import layouts
from probkg.ingest.model import BANDS, Figure, ParsedArticle, Person, Quote, Sentence
from probkg.ingest.source import ReportText

NAME = "article-text"

MARKERS = (
    re.compile(
        r".*\b(HMI Probation|[Pp]robation [Ii]nspector(s|ate)?|[Ii]nspectorate of [Pp]robation|[Ii]nspectors)\b"
    ),
    re.compile(r".*\b[Cc]hief [Ii]nspector\b"),
    re.compile(r".*\b(said|says|added|told)\b"),
    re.compile(r".*\b[Pp]ublished\b"),
    re.compile(
        r".*\b(rated|rate|rates|assessed|judged)\b.{0,80}\b(good|outstanding|inadequate|requires? improvement)\b",
        re.IGNORECASE,
    ),
)
MIN_ARTICLE_MARKERS = 3

_BULLET = re.compile(r"[•·*-]\s+")
_PUBLISHED = re.compile(
    r"\b(?:published|released)\b[^.()]{0,40}?\(?(\d{1,2}) ([A-Z][a-z]{2,8}) (\d{4})\)?", re.IGNORECASE
)
_BAND = re.compile(r"\b(outstanding|good|requires improvement|requiring improvement|inadequate)\b", re.IGNORECASE)
_AS_BAND = re.compile(
    r"\bas [‘'\"“]?(outstanding|good|requires improvement|requiring improvement|inadequate)\b", re.IGNORECASE
)
_HONORIFIC = r"(?:(?:Dame|Sir|Dr|Lord|Lady|Professor|Mr|Mrs|Ms|Miss) )?"
_PERSON = _HONORIFIC + r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?: [A-Z][a-z]+(?:[-’'][A-Z]?[a-z]+)?){1,2}"
_CHIEF_BEFORE = re.compile(r"[Cc]hief (?:[Pp]robation )?[Ii]nspector(?: of [Pp]robation)?,? (" + _PERSON + ")")
_CHIEF_AFTER = re.compile(
    "(" + _PERSON + r"),? (?:(?:Her|His) Majesty[’']s |HM |the )?[Cc]hief [Ii]nspector(?: of [Pp]robation)?"
)
_SAYS = re.compile("(" + _PERSON + r")(?:, ([^,]{3,80}),)? (?:said|says|added|told)\b")
_NOT_NAMES = {
    "The",
    "This",
    "These",
    "Inspectors",
    "Inspector",
    "Chief",
    "Probation",
    "National",
    "Service",
    "Her",
    "His",
    "Majesty",
    "Majesty’s",
    "Overall",
    "However",
    "But",
    "And",
    "Staff",
    "Report",
}
_FIGURE = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(%| per ?cent)?(?![\w,]*\d)(?!\.\d)")
_LABEL_BEFORE = re.compile(
    r"\b(band|grade|tier|level|phase|page|section|standard|part|chapter|annex|table|figure|number|no\.?|"
    r"rule|article|schedule|category|stage)\s*$",
    re.IGNORECASE,
)
_ENDS_SENTENCE = (".", "!", "?", ":", "”", '"', "’", ";")


def _is_person(name: str) -> bool:
    words = name.split()
    return not any(w in _NOT_NAMES for w in words)


def _paragraphs(lines: list[str], stop: int) -> list[tuple[str, int, bool]]:
    """Paragraphs and list items: (text, first line number, is a list item).

    A list item broken over lines is joined again: a line that starts in lower case
    right below (no blank line between) one that ends mid-sentence continues it.
    """
    out: list[tuple[str, int, bool]] = []
    previous = -2  # index of the last line read into `out`
    for i in range(min(stop, len(lines))):
        line = lines[i].strip()
        if not line:
            continue
        bullet = _BULLET.match(line)
        body = line[bullet.end() :] if bullet else line
        if not body:
            continue
        follows = previous == i - 1
        previous = i
        if follows and not bullet and not out[-1][0].endswith(_ENDS_SENTENCE) and body[0].islower():
            text, n, was_bullet = out[-1]
            out[-1] = (f"{text} {body}", n, was_bullet)
            continue
        out.append((body, i + 1, bool(bullet)))
    return out


def _is_heading(text: str, bullet: bool) -> bool:
    return not bullet and len(text) <= 80 and not text.endswith((".", "!", "?", "”", '"'))


def document_kind(report: ReportText, head: str) -> str:
    """The kind of page, from the furniture boilerplate took out of it and from the opening lines."""
    furniture = " ".join(report.boilerplate).lower()
    if "press release" in head.lower() or "notes to editors" in report.text.lower():
        return "press-release"
    if "image source" in furniture or "image caption" in furniture or re.search(r"\bpublished\b", furniture):
        return "news-article"
    return "blog-post"


def _parse(report: ReportText) -> ParsedArticle:
    lines = report.lines
    stop = report.end_line if report.end_line is not None else len(lines)
    paragraphs = _paragraphs(lines, stop)
    head = " ".join(p[0] for p in paragraphs[:3])
    out = ParsedArticle(layout=NAME, document_kind=document_kind(report, head))
    if paragraphs:
        out.title = paragraphs[0][0]
        out.title_quote = Quote.of(paragraphs[0][0], paragraphs[0][1])
    heading = ""
    for index, (text, line, bullet) in enumerate(paragraphs):
        if index == 0:
            continue
        if _is_heading(text, bullet):
            heading = text
            continue
        for piece in layouts.split_sentences(text):
            sentence = Sentence(Quote.of(piece, line), heading, bullet)
            out.sentences.append(sentence)
            _read_sentence(out, sentence)
    return out


def _read_sentence(out: ParsedArticle, sentence: Sentence) -> None:
    text = sentence.quote.text
    if out.published is None and (match := _PUBLISHED.search(text)):
        date = layouts.iso_date(match.group(1), match.group(2).capitalize(), match.group(3))
        if date:
            out.published, out.published_quote = date, sentence.quote
    if out.overall is None and "overall" in text.lower():
        bands = {_band(m.group(1)) for m in _BAND.finditer(text)}
        named = _AS_BAND.search(text)  # "assessed as good", "as ‘Good’": the band the verb gives
        if len(bands) == 1 or named:
            out.overall = (_band(named.group(1)) if named else bands.pop(), sentence)
    if out.chief_inspector is None:
        match = _CHIEF_BEFORE.search(text) or _CHIEF_AFTER.search(text)
        if match and _is_person(match.group(1)):
            out.chief_inspector = Person(match.group(1), sentence.quote)
    for match in _SAYS.finditer(text):
        name = match.group(1)
        if _is_person(name) and all(p.name != name for p in out.quoted):
            if not (out.chief_inspector and name in out.chief_inspector.name):
                out.quoted.append(Person(name, sentence.quote))
    for match in _FIGURE.finditer(text):
        value, unit = match.group(1), match.group(2)
        before, after = text[: match.start()], text[match.end() :]
        if _LABEL_BEFORE.search(before) or re.match(r"\s*(st|nd|rd|th)\b", after):
            continue
        if not unit and re.match(
            r"\s+(January|February|March|April|May|June|July|August|September|October|"
            r"November|December)\b",
            after,
        ):
            continue
        if not unit and "," not in value and len(value) == 4 and value[:2] in ("19", "20"):
            continue  # a year
        out.figures.append(Figure(value, bool(unit), sentence))


def _band(printed: str) -> str:
    folded = printed.lower().replace("requiring improvement", "requires improvement")
    return BANDS[folded]


PARSER = layouts.Parser(
    NAME,
    "",
    "a press release, blog post or news article that retells an inspection report",
    MARKERS,
    _parse,  # type: ignore[arg-type]
)
"""Tried only when no report layout is recognised (`detection.detect`)."""
