"""What a layout parser extracts from a report, before any IRI is minted.

Every extracted fact carries the quotes that support it: spans of the report
text, whitespace-normalised, so each is verbatim from the source up to
whitespace (the evidence rule of docs/curation.md). Parsers fill these
classes; `release/build.py` links them to the graph and `turtle.py` writes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from probkg.checks.evidence import normalise

BANDS = {
    "outstanding": "band-outstanding",
    "good": "band-good",
    "requires improvement": "band-requires-improvement",
    "inadequate": "band-inadequate",
}
"""Printed band (lower-cased) to the local name of its vocab: concept."""


@dataclass(frozen=True)
class Quote:
    """A span of the report: its words with whitespace folded, and the line it starts on."""

    text: str
    line: int

    @staticmethod
    def of(text: str, line: int) -> Quote:
        return Quote(normalise(text), line)


@dataclass
class Rating:
    code: str  # "1.2", or "overall"
    name: str  # the standard's name as printed ("" for overall)
    band: str  # vocab: local name, e.g. "band-good"
    quotes: list[Quote]


@dataclass
class KeyQuestion:
    standard: str  # the standard's code, "2.1"
    code: str  # the key question's code as printed ("2.1.1"), or "q1", "q2"... in table order
    question: str  # as printed
    value: int  # percent
    quotes: list[Quote]


@dataclass
class Recommendation:
    number: int | None  # as printed, or None where the report does not number them
    text: str
    addressee: str  # the words before "should:"
    quotes: list[Quote]  # the addressee line, then the recommendation itself


@dataclass
class Finding:
    polarity: str  # "strength" or "area-for-improvement"
    text: str
    section: str  # where the list sits, in the report's words, for the draft label
    standard: str | None  # the standard's code where the list sits under one
    quotes: list[Quote]
    prose: bool = False  # read from running text (polarity from its words), not from a labelled list


@dataclass
class Person:
    name: str
    quote: Quote


@dataclass
class ParsedReport:
    """Everything a layout parser found in one report."""

    layout: str
    framework: str  # local name of the framework: concept, e.g. "hmip-2019"
    title: str | None = None
    body: str | None = None  # the inspected body's name as printed
    body_quote: Quote | None = None
    start: str | None = None  # ISO date text: "2018-11" or "2025-07-28"
    end: str | None = None
    date_quotes: list[Quote] = field(default_factory=list)
    published: str | None = None  # ISO date text as precise as the report states it: "2019", "2025-05-02"
    published_quote: Quote | None = None
    lead_inspector: Person | None = None
    chief_inspector: Person | None = None
    programme_manager: Person | None = None
    score: tuple[int, int, Quote] | None = None  # value, out of, quote
    ratings: list[Rating] = field(default_factory=list)
    key_questions: list[KeyQuestion] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str, line: int | None = None) -> None:
        self.warnings.append(f"line {line}: {message}" if line else message)


@dataclass
class Sentence:
    """One sentence of an article, with where it sits: the heading above it, and whether it is a list item."""

    quote: Quote
    heading: str
    bullet: bool


@dataclass
class Figure:
    """A number an article states, as printed, with the sentence that states it."""

    value: str  # as printed: "7,000", "20%", "2,466"
    percent: bool
    sentence: Sentence


@dataclass
class ParsedArticle:
    """What the article parser found in a press release, blog post or news article about an inspection."""

    layout: str
    document_kind: str  # local name of a vocab: document kind, e.g. "blog-post"
    title: str | None = None
    title_quote: Quote | None = None
    published: str | None = None  # ISO date
    published_quote: Quote | None = None
    overall: tuple[str, Sentence] | None = None  # band local name, the sentence that states it
    chief_inspector: Person | None = None
    quoted: list[Person] = field(default_factory=list)  # others the article quotes or reports as saying
    sentences: list[Sentence] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str, line: int | None = None) -> None:
        self.warnings.append(f"line {line}: {message}" if line else message)
