"""Findings of a report's foreword, summaries and running text, with their polarity read from the words.

The layouts draft the bulleted strengths and areas for improvement, whose
polarity the report prints. Most of a report's judgements are elsewhere: the
foreword, the summary of each domain, the paragraphs under each standard, and
(in web reports) bullets under no "Strengths" heading. This module drafts a
finding from each sentence of that prose that judges one way only
(`polarity.scores`: praise and no concern, or concern and no praise); a
sentence that judges both ways, or joins two judgements with "but",
"however", "although" and the like, is left for the curator, who would split it.

What is not prose to judge is left out by general rules:

* sections that describe rather than judge: background, context, methodology,
  introduction, glossary, annexes, recommendations, further information (a
  section starts at a major heading: one ending "(Back to top)", an "Annex N"
  heading, a numbered domain heading, or one of those names);
* table rows, lines with tabs (ratings and result tables), footnotes, numbered
  or lower-case list items (recommendations), questions, sentences of fewer
  than six words, and sentences that speak of the report's recommendations;
* lines the layout has already drafted.

The line after a standard's heading that prints its band ("1.3. Services
Good") is the framework's wording of the standard, not a finding, and is left
out too. A finding under a standard's heading ("1.2 Staff ...", "| R 2.1 Public
protection | Rating |") gets that standard, if the ratings table rates it.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from probkg.ingest.layouts import split_sentences, table_cells
from probkg.ingest.model import Finding, ParsedReport, Quote
from probkg.ingest.polarity import CONTRASTS, scores, words

_DESCRIBES = re.compile(
    r"(annex|appendix|glossary|background|contextual facts|context|methodology|introduction|recommendations"
    r"|further information|data annexe?|acknowledgements?|contents|ratings|references|progress on previous"
    r"|press release|cymraeg|effective practice|about this|an explanation)\b",
    re.IGNORECASE,
)
_JUDGES = re.compile(r"(foreword|overall findings|executive summary|summary|key findings|findings)\b", re.IGNORECASE)
_DOMAIN = re.compile(r"([1-9])\.\s?[A-Z][\w ,-]{2,60}")
_STANDARD = re.compile(r"(?:[RP] ?)?([1-9])\.(\d)\.?\s+[A-Z]")
_BULLET = re.compile(r"[-•·*]\s+")
_FOOTNOTE = re.compile(r"[\u00b9\u00b2\u00b3\u2070-\u209f]|\[\d+\]")
_NUMBERED_ITEM = re.compile(r"\d{1,2}\.\s")
MIN_WORDS = 6
MIN_LINE = 40


def _major_heading(line: str) -> str | None:
    """The heading's words if the line opens a major section, else None."""
    if line.endswith("(Back to top)"):
        return line.removesuffix("(Back to top)").strip()
    if len(line) > 80 or line.endswith((".", ":", "?")) or "\t" in line:
        return None
    if _DOMAIN.fullmatch(line) or re.match(r"(Annex|Appendix) \d", line) or _DESCRIBES.match(line):
        return line
    if _JUDGES.match(line):
        return line
    return None


_RATING_WORD = re.compile(r"(?<!^)\b(Outstanding|Good|Requires improvement|Inadequate)\b")
"""A band printed as a band mid-sentence ("rated as: Good", "Leadership Good The ..."): a rating, not a finding."""


def _polarity(sentence: str) -> str | None:
    if _RATING_WORD.search(sentence) or CONTRASTS.intersection(words(sentence)):
        return None
    praise, concern = scores(sentence)
    if praise and not concern:
        return "strength"
    if concern and not praise:
        return "area-for-improvement"
    return None


def findings(lines: list[str], out: ParsedReport, drafted: Collection[int]) -> list[Finding]:
    """Findings of the running text; `lines` stripped, `drafted` the 1-based lines the layout already used."""
    rated = {r.code for r in out.ratings}
    found: list[Finding] = []
    # Before the first major heading are the title page and credits; an annex's domain headings stay in it.
    section, describes, standard, in_annex = "the report", True, None, False
    wording_next = False
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        heading = _major_heading(line)
        if heading is not None and not (in_annex and _DOMAIN.fullmatch(heading)):
            section, describes, standard = heading, bool(_DESCRIBES.match(heading)), None
            in_annex = bool(re.match(r"(Annex|Appendix)\b", heading))
            continue
        cells = table_cells(line)
        if cells is not None:
            if len(cells) == 2 and cells[1] == "Rating" and (m := _STANDARD.match(cells[0])):
                standard = f"{m.group(1)}.{m.group(2)}" if f"{m.group(1)}.{m.group(2)}" in rated else None
            continue
        if (m := _STANDARD.match(line)) and "\t" not in line and f"{m.group(1)}.{m.group(2)}" in rated:
            # A heading that prints the standard's band is followed by the framework's wording of the standard.
            standard, wording_next = f"{m.group(1)}.{m.group(2)}", bool(_RATING_WORD.search(line))
            continue
        if wording_next:
            wording_next = False
            continue
        if describes or number in drafted or "\t" in line or len(line) < MIN_LINE or _FOOTNOTE.match(line):
            continue
        bullet = _BULLET.match(line)
        body = line[bullet.end() :] if bullet else line
        if not body or body[0].islower() or _NUMBERED_ITEM.match(body):
            continue
        for sentence in split_sentences(body):
            if len(sentence.split()) < MIN_WORDS or sentence.endswith("?") or "recommendation" in sentence.lower():
                continue
            if _STANDARD.match(sentence) or _FOOTNOTE.search(sentence):
                continue
            polarity = _polarity(sentence)
            if polarity:
                found.append(Finding(polarity, sentence, section, standard, [Quote.of(sentence, number)], prose=True))
    return found
