"""Findings of a report's foreword, summaries and running text, with their polarity read from the words.

The layouts draft the bulleted strengths and areas for improvement, whose
polarity the report prints. Most of a report's judgements are elsewhere: the
foreword, the summary of each domain, the paragraphs under each standard, and
(in web reports) bullets under no "Strengths" heading. This module drafts a
finding from each sentence of that prose that judges one way only
(`polarity.scores`: praise and no concern, or concern and no praise); a
sentence that judges both ways, or joins two judgements with "but" and the
like, is left for the curator, who would split it. A contrast that only links
a sentence to its neighbours ("However, ...", "We found, however, that ...")
or concedes a point before the judgement ("Despite this, ...", "Although X,
Y") is set aside, and the rest of the sentence judged (`main_clause`).

Where a sentence sits tells judgement from description:

* the foreword and the summaries judge throughout;
* in a chapter's running text, a paragraph that opens with a judgement goes
  on judging, but one that opens by describing (how the division is
  organised, what a scheme is) goes on describing: there, a later sentence
  whose one word of praise or concern is all the judging it does, is not a
  verdict in itself ("accessible", "comprehensive", unlike "good" or "poor":
  `polarity.VERDICTS`), and is not in the inspectors' own voice ("we found",
  "our casework"), is taken as description ("Case files are accessible to
  every officer on the shared drive") and left out;
* a plan, an aim or an expectation ("will", "the objective is to", "we
  expect") says what is meant to happen, not what was found, and is left out.

What is not prose to judge is left out by general rules:

* sections that describe rather than judge: background, context, methodology,
  introduction, glossary, annexes, recommendations, further information (a
  section starts at a major heading: one ending "(Back to top)", an "Annex N"
  heading, a numbered domain heading, or one of those names);
* table rows, lines with tabs (ratings and result tables), footnotes, numbered
  or lower-case list items (recommendations), questions, sentences of fewer
  than six words, and sentences that speak of the report's recommendations;
* lines the layout has already drafted.

A standard's heading ("1.3. Services Good", "1.4. Information and facilities"
with its band on the next line) is followed by the framework's wording of the
standard, which is not a finding and is left out too: the first line of text
after the heading and its band, unless the heading already holds a whole
sentence after the standard's name (then what follows is the report's own
text), and only a line that begins with what the heading holds when the
heading breaks off mid-sentence. A finding under a standard's heading ("1.2
Staff ...", "| R 2.1 Public protection | Rating |") gets that standard, if the
ratings table rates it.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from probkg.ingest.layouts import split_sentences, table_cells
from probkg.ingest.model import BANDS, Finding, ParsedReport, Quote
from probkg.ingest.polarity import CONTRASTS, VERDICTS, scores, words

_DESCRIBES = re.compile(
    r"(annex|appendix|glossary|background|contextual facts|context|methodology|introduction|recommendations"
    r"|further information|data annexe?|acknowledgements?|contents|ratings|references|progress on previous"
    r"|press release|cymraeg|effective practice|about this|an explanation)\b",
    re.IGNORECASE,
)
_JUDGES = re.compile(r"(foreword|overall findings|executive summary|summary|key findings|findings)\b", re.IGNORECASE)
_INSPECTORS_VOICE = re.compile(r"\b(?:we|our|us|inspectors?)\b", re.IGNORECASE)
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


_BAND = r"(Outstanding|Good|Requires improvement|Inadequate)"
_RATING_WORD = re.compile(rf"(?<!^)\b{_BAND}\b")
"""A band printed as a band mid-sentence ("rated as: Good", "Leadership Good The ..."): a rating, not a finding."""
_BAND_AT_START = re.compile(rf"{_BAND}\b\s*")
_BAND_AT_END = re.compile(rf"\s*\b{_BAND}$")


def _heading_band(heading: str, code_end: int, name: str) -> tuple[bool, str]:
    """Whether a standard's heading prints its band, and the text it holds besides code, name and band."""
    rest = " ".join(heading[code_end:].split())
    if name and rest.lower().startswith(name.lower()):
        rest = rest[len(name) :].strip()
    if band := _BAND_AT_START.match(rest):
        return True, rest[band.end() :]
    if band := _BAND_AT_END.search(rest):
        return True, rest[: band.start()]
    return False, rest


def _wording(heading_text: str) -> str | None:
    """What the framework's wording after a banded heading begins with.

    All of it ("") when the heading holds nothing more, the heading's broken-off sentence, or None when
    the heading holds a whole sentence (what follows is then the report's own text).
    """
    return None if heading_text.endswith((".", "!", "?")) else heading_text


_INTENDS = re.compile(
    r"\bwill\b|\b(?:aim|objective|purpose|intention)s?\b[^.;]*?\b(?:is|are|was|were) to\b"
    r"|\b(?:we|they|it is|is|was|are|were) (?:expect|expected|anticipated|hope|hoped)\b|\bhoped that\b",
    re.IGNORECASE,
)
"""A plan, an aim or an expectation ("will", "the objective is to", "we expect", "it is anticipated"): what is
meant to happen, where a finding says what the inspectors found."""


_LINKING_CONTRAST = re.compile(r"^(?:however|nevertheless|nonetheless|yet|but),\s*|,\s*(?:however|nevertheless),", re.I)
_CONCESSION = re.compile(r"^(?:despite|although|though|while|whilst|albeit)\b[^,;]*,\s*", re.I)


def main_clause(sentence: str) -> str:
    """The part of a sentence that carries its judgement, where a contrast only links it to its neighbours.

    "However, ...", "We found, however, that ..." set the sentence against the one before and judge
    one way; "Despite this, ..." and "Although X, Y" concede X and judge by Y. A contrast left after
    these (", but ...") joins two judgements in the sentence itself.
    """
    return _CONCESSION.sub("", _LINKING_CONTRAST.sub(" ", sentence).strip(), count=1)


def _polarity(sentence: str) -> str | None:
    if _RATING_WORD.search(sentence) or _INTENDS.search(sentence):
        return None
    sentence = main_clause(sentence)
    if CONTRASTS.intersection(words(sentence)):
        return None
    praise, concern = scores(sentence)
    if praise and not concern:
        return "strength"
    if concern and not praise:
        return "area-for-improvement"
    return None


def _describes(sentence: str) -> bool:
    """A sentence whose one judging word, not a verdict in itself, is all it judges, not in the inspectors' voice."""
    main = main_clause(sentence)
    return sum(scores(main)) == 1 and not VERDICTS.intersection(words(main)) and not _INSPECTORS_VOICE.search(sentence)


def findings(lines: list[str], out: ParsedReport, drafted: Collection[int]) -> list[Finding]:
    """Findings of the running text; `lines` stripped, `drafted` the 1-based lines the layout already used."""
    names = {r.code: r.name for r in out.ratings}
    found: list[Finding] = []
    # Before the first major heading are the title page and credits; an annex's domain headings stay in it.
    section, describes, standard, in_annex = "the report", True, None, False
    summary = False  # the foreword or a summary, which judge throughout
    wording: str | None = None  # what the standard's wording begins with, while it is still to come
    band_next = False  # a standard's heading without its band: the band may follow on a line of its own
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        heading = _major_heading(line)
        if heading is not None and not (in_annex and _DOMAIN.fullmatch(heading)):
            section, describes, standard = heading, bool(_DESCRIBES.match(heading)), None
            summary = bool(_JUDGES.match(heading))
            in_annex = bool(re.match(r"(Annex|Appendix)\b", heading))
            continue
        cells = table_cells(line)
        if cells is not None:
            if len(cells) == 2 and cells[1] == "Rating" and (m := _STANDARD.match(cells[0])):
                standard = f"{m.group(1)}.{m.group(2)}" if f"{m.group(1)}.{m.group(2)}" in names else None
            continue
        # A heading, not a ratings-table row: no tab between the code and the name (a tab before the band is one).
        if (m := _STANDARD.match(line)) and "\t" not in line[: m.end()] and f"{m.group(1)}.{m.group(2)}" in names:
            standard = f"{m.group(1)}.{m.group(2)}"
            banded, held = _heading_band(line, m.end() - 1, names[standard])
            wording, band_next = (_wording(held) if banded else None), not banded
            continue
        if band_next:
            band_next = False
            if line.lower() in BANDS:
                wording = ""
                continue
        if wording is not None:
            is_wording, wording = line.startswith(wording), None
            if is_wording:
                continue
        if describes or number in drafted or "\t" in line or len(line) < MIN_LINE or _FOOTNOTE.match(line):
            continue
        bullet = _BULLET.match(line)
        body = line[bullet.end() :] if bullet else line
        if not body or body[0].islower() or _NUMBERED_ITEM.match(body):
            continue
        sentences = split_sentences(body)
        describing = not summary and not any(scores(sentences[0])) if sentences else False
        for index, sentence in enumerate(sentences):
            if len(sentence.split()) < MIN_WORDS or sentence.endswith("?") or "recommendation" in sentence.lower():
                continue
            if _STANDARD.match(sentence) or _FOOTNOTE.search(sentence):
                continue
            polarity = _polarity(sentence)
            if polarity and index and describing and _describes(sentence):
                continue
            if polarity:
                found.append(Finding(polarity, sentence, section, standard, [Quote.of(sentence, number)], prose=True))
    return found
