"""Draft graph data from an article about an inspection: the document, its claims and its figures.

For `--as X`, the draft holds:

* `document:X`, a pko:SourceDocument of the article's kind (blog post, news
  article, press release) with its title, publication date where printed, and
  `pko:reportsOn` the inspection;
* the inspection: the one the graph holds whose inspected bodies (or their
  areas) the article names most and whose year fits the article's date; only
  when none fits is `inspection:X` drafted, with the bodies named in the title
  and opening sentences, the year of publication and the chief inspector;
* `observation:X-NNN`: each figure the article states, a pko:Statistic with its
  sentence as evidence (the measure where one in graph/ is named in the
  sentence; otherwise the curator picks one);
* `claim:X-NNN`: each sentence that judges something (`polarity.judges`),
  with a verdict against the report where the graph holds the report's text:
  `corroborated` (and `pko:echoes`) when most of the sentence's content words are
  in one curated fact's report quotes, or it restates the overall band;
  `differs` (`pko:differenceKind` number) when that fact is a figure and the
  sentence's figures are not its figures; a disagreement of wording is left to
  the curator (a sentence that restates two findings at once carries both
  polarities); `not in report` when no fact
  matches. When the graph has the inspection but not its report's text, the
  claim cannot be checked (`vocab:verdict-not-checkable`).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from probkg.ingest.draft import (
    CORPUS_NAME,
    HMI_PROBATION,
    Draft,
    Fact,
    GraphContext,
    InspectionInfo,
    _Builder,
    add_date,
    body_kind,
    content_words,
    document_date,
    short,
)
from probkg.ingest.model import Figure, ParsedArticle, Quote, Sentence
from probkg.ingest.polarity import judges
from probkg.ingest.source import ReportText
from probkg.ingest.turtle import Block, integer, lang_string, string, typed

CORROBORATES = 0.5
"""Share of a claim's content words that one fact's report quotes must hold for the claim to echo it."""
MIN_SHARED = 3
"""And at least this many content words in common: a short sentence is not matched on one or two words."""
MIN_CLAIM_WORDS = 6
NOT_CHECKABLE = "vocab:verdict-not-checkable"
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _numbers(text: str) -> set[str]:
    return {m.group(0).replace(",", "") for m in _NUMBER.finditer(text)}


class _ArticleBuilder(_Builder):
    """The report builder's evidence and linking helpers, for an article's document, claims and figures."""

    def __init__(self, report: ReportText, parsed: ParsedArticle, x: str, ctx: GraphContext) -> None:
        super().__init__(report, parsed, x, ctx)  # type: ignore[arg-type]
        self.article = parsed
        self.doc = f"document:{x}"
        self.mentions: Counter[str] = Counter()
        self._fact_words: dict[str, frozenset[str]] = {}
        for sentence in [*([parsed.title_quote] if parsed.title_quote else []), *(s.quote for s in parsed.sentences)]:
            linked, _ = ctx.gazetteer.link(sentence.text, self.when)
            self.mentions.update(linked)

    def date(self) -> date | None:
        """The article's date of publication, for dated linking."""
        return document_date(self.parsed.published)

    def fact_words(self, fact: Fact) -> frozenset[str]:
        """The content words of a fact's report quotes, worked out once per fact (claims are many)."""
        if fact.iri not in self._fact_words:
            self._fact_words[fact.iri] = frozenset(content_words(" ".join(fact.quotes)))
        return self._fact_words[fact.iri]

    # -- the inspection --------------------------------------------------------------------
    def match_inspection(self) -> InspectionInfo | None:
        """The graph's inspection this article reports on: most named bodies (then areas), a fitting year."""
        year = int(self.article.published[:4]) if self.article.published else None
        best: tuple[int, str] | None = None
        for info in self.ctx.inspections.values():
            if year is not None and info.years and not any(y in info.years for y in (year, year - 1)):
                continue
            score = 3 * sum(self.mentions[b] for b in info.bodies) + sum(self.mentions[a] for a in info.areas)
            if score and (best is None or (score, info.iri) > best):
                best = (score, info.iri)
        return self.ctx.inspections[best[1]] if best else None

    def bodies(self) -> list[str]:
        """Bodies the article names, most named first (ties by IRI)."""
        found = [iri for iri in self.mentions if (e := self.ctx.gazetteer.entity(iri)) and e.is_body]
        return sorted(found, key=lambda iri: (-self.mentions[iri], iri))

    def unknown_body(self) -> tuple[str, str, Quote] | None:
        """The name of a body the graph lacks that the article names most (first named on a tie), and where.

        Only a name that says its kind of body ("Northmoor PDU", "... Community Rehabilitation Company")
        counts: a run of capitalised words alone may be a person, a place or a programme.
        """
        counts: Counter[str] = Counter()
        first: dict[str, tuple[str, Quote]] = {}  # the class its name says, the sentence first naming it
        for quote in [*([self.article.title_quote] if self.article.title_quote else [])] + [
            s.quote for s in self.article.sentences
        ]:
            for (kind, name), n in self.ctx.gazetteer.candidates(quote.text).items():
                if kind == "name" and (cls := body_kind(name)):
                    counts[name] += n
                    first.setdefault(name, (cls, quote))
        if not counts:
            return None
        name = max(counts, key=lambda k: (counts[k], -list(first).index(k)))
        return name, *first[name]

    def draft_inspection(self) -> tuple[str, str | None]:
        """The drafted inspection and its inspected body (one the graph knows, else drafted, else None)."""
        a = self.article
        iri = f"inspection:{self.x}"
        block = Block(iri, ["pko:Inspection"])
        bodies = self.bodies()
        body: str | None = None
        if bodies:
            top = self.mentions[bodies[0]]
            block.add("pko:inspectedBody", *(short(b) for b in bodies if self.mentions[b] == top))
            body = bodies[0]
        elif (unknown := self.unknown_body()) is not None:
            body = self.draft_body(*unknown)
            block.add("pko:inspectedBody", short(body))
        else:
            self.warn("no body the graph knows is named: add the inspected body to the draft inspection")
        quotes = []
        if (chief := self.person(a.chief_inspector, "chief inspector")) is not None and a.chief_inspector:
            block.add("pko:chiefInspector", short(chief))
            quotes.append(a.chief_inspector.quote)
        if a.published_quote:  # the sentence announcing the report: evidence that the inspection took place
            quotes.append(a.published_quote)
        if HMI_PROBATION in self.ctx.known:
            block.add("prov:wasAssociatedWith", short(HMI_PROBATION))
        block.add("rdfs:label", lang_string(f"Inspection {self.x} (drafted by probkg ingest from an article)"))
        if quotes:
            self.evidence(block, "inspection", self.x, quotes)
        else:
            self.warn("the drafted inspection has no evidence quote: add one from the article or the report")
        self.blocks.append(block)
        self.counts["inspections drafted"] += 1
        return iri, body

    def document(self, inspection: str, info: InspectionInfo | None) -> None:
        a = self.article
        doc = Block(self.doc, ["pko:SourceDocument"])
        doc.add("pko:corpusFile", string(self.report.text_name))
        doc.add("pko:documentKind", f"vocab:{a.document_kind}")
        doc.add("pko:reportsOn", inspection)
        if a.title:
            doc.add("dcterms:title", string(a.title))
        if a.published and a.published_quote:
            add_date(doc, "dcterms:issued", "pko:issuedPrecision", a.published)
            self.evidence(doc, "document", self.x, [a.published_quote])
        if info and info.reports:
            doc.add("prov:hadPrimarySource", *(short(r) for r in sorted(info.reports)))
        kind = a.document_kind.replace("-", " ")
        doc.add("rdfs:label", lang_string(f"{kind.capitalize()} {self.report.text_name} (drafted by probkg ingest)"))
        self.blocks.insert(0, doc)

    # -- figures and claims -------------------------------------------------------------------
    def figures(self, inspection: str, body: str | None) -> None:
        for n, figure in enumerate(self.article.figures, start=1):
            self.statistic(inspection, body, figure, n)

    def statistic(self, inspection: str, body: str | None, figure: Figure, n: int) -> None:
        slug = f"{self.x}-{n:03d}"
        block = Block(f"observation:{slug}", ["pko:Statistic"])
        concerns = [c for c in self.link(figure.sentence.quote.text) if c != body]
        if concerns:
            block.add("pko:concerns", *(short(c) for c in concerns))
        block.add("pko:inspection", inspection)
        value = figure.value.replace(",", "")
        block.add(
            "pko:statement",
            lang_string(f"Draft: a figure the article gives, {figure.value}. Say what it counts, in your own words."),
        )
        block.add("pko:unit", "vocab:unit-percent" if figure.percent else "vocab:unit-count")
        block.add("pko:value", integer(int(value)) if value.isdigit() else typed(value, "xsd:decimal"))
        block.add("rdfs:label", lang_string(f"{self.x}: draft figure {n}"))
        if body:
            block.add("sosa:hasFeatureOfInterest", short(body))
        sentence_words = set(content_words(figure.sentence.quote.text))
        measures = [m for m, label in self.ctx.measures if label and label <= sentence_words]
        if len(measures) == 1:
            block.add("sosa:observedProperty", short(measures[0]))
        else:
            self.warn(f"figure {figure.value}: choose its measure (sosa:observedProperty)", figure.sentence.quote)
        self.evidence(block, "observation", slug, [figure.sentence.quote])
        self.blocks.append(block)
        self.counts["figures"] += 1

    def claims(self, inspection: str, info: InspectionInfo | None, body: str | None) -> None:
        facts = self.ctx.facts.get(info.iri, []) if info else []
        checkable = bool(info and info.report_files)
        overall = next((f for f in facts if f.kind == "Rating" and (f.standard or "").endswith("-overall")), None)
        n = 0
        said: dict[str, list[str]] = {}
        for person in self.article.quoted:
            if (iri := self.person(person, "person quoted")) is not None:
                said.setdefault(person.quote.text, []).append(iri)
        for sentence in self.article.sentences:
            text = sentence.quote.text
            if len(text.split()) < MIN_CLAIM_WORDS or text.endswith("?") or not judges(text):
                continue
            n += 1
            slug = f"{self.x}-{n:03d}"
            block = Block(f"claim:{slug}", ["pko:Claim"])
            concerns = ([body] if body else []) + [c for c in self.link(text) if c != body]
            concerns += said.get(text, [])
            if concerns:
                block.add("pko:concerns", *(short(c) for c in dict.fromkeys(concerns)))
            verdict = self.verdict(block, sentence, facts, overall, checkable)
            block.add("pko:inspection", inspection)
            block.add("pko:statedIn", self.doc)
            block.add(
                "pko:statement",
                lang_string("Draft: a claim the article makes about the inspection. Restate it in your own words."),
            )
            self._themes(block, text)
            block.add("pko:verdict", verdict)
            block.add("rdfs:label", lang_string(f"{self.x}: draft claim {n}"))
            self.evidence(block, "claim", slug, [sentence.quote])
            self.blocks.append(block)
            self.counts["claims"] += 1
            counted = "cannot be checked" if not checkable else verdict.removeprefix("vocab:verdict-").replace("-", " ")
            self.counts[f"claims {counted}"] += 1

    def verdict(
        self,
        block: Block,
        sentence: Sentence,
        facts: list[Fact],
        overall: Fact | None,
        checkable: bool,
    ) -> str:
        text = sentence.quote.text
        if not checkable:
            return NOT_CHECKABLE
        stated = self.article.overall
        if overall and stated and stated[1] is sentence:
            block.add("pko:echoes", short(overall.iri))
            if stated[0] == overall.band:
                return "vocab:verdict-corroborated"
            block.add("pko:claimedValue", string(next(iter(_band_words(text))) if _band_words(text) else text))
            return "vocab:verdict-differs"
        mine = set(content_words(text))
        best: tuple[float, int, str] | None = None
        chosen: Fact | None = None
        for fact in facts:
            if fact.kind == "Rating":
                continue
            theirs = self.fact_words(fact)
            shared = len(mine & theirs)
            score = shared / len(mine) if mine else 0.0
            if shared >= MIN_SHARED and score >= CORROBORATES and (best is None or (score, shared, fact.iri) > best):
                best, chosen = (score, shared, fact.iri), fact
        if chosen is None:
            return "vocab:verdict-not-in-report"
        block.add("pko:echoes", short(chosen.iri))
        claimed, reported = _numbers(text), _numbers(" ".join(chosen.quotes))
        if chosen.kind in ("Statistic", "KeyQuestionResult") and claimed and reported and not claimed & reported:
            block.add("pko:differenceKind", "vocab:difference-number")
            block.add("pko:claimedValue", string(_NUMBER.search(text).group(0)))  # type: ignore[union-attr]
            return "vocab:verdict-differs"
        return "vocab:verdict-corroborated"

    def header(self) -> str:
        corpus = (
            ""
            if CORPUS_NAME.fullmatch(self.report.text_name)
            else "\nThe file name is not a corpus name (NNN_<16 hex digits>.txt): rename the text when you add it "
            "to ../shared/sources/ and change pko:corpusFile to match."
        )
        return (
            f"Draft data for the article {self.x}, drafted by `probkg ingest` from {self.report.path.name}\n"
            f"(layout {self.article.layout}, {self.article.document_kind}). Quotes are verbatim from the article;\n"
            f"statements, labels, verdicts and links are machine drafts: check each against the report and\n"
            f"rewrite them in your own words (docs/curation.md) before moving the claims into graph/claims/.{corpus}"
        )


def _band_words(text: str) -> list[str]:
    return re.findall(r"(?i)\b(?:outstanding|good|requires improvement|requiring improvement|inadequate)\b", text)


def build(report: ReportText, parsed: ParsedArticle, x: str, ctx: GraphContext) -> Draft:
    """Link the article to the graph's inspection (or draft one) and write its document, claims and figures."""
    from probkg.ingest import turtle

    b = _ArticleBuilder(report, parsed, x, ctx)
    info = b.match_inspection()
    if info is None:
        inspection, body = b.draft_inspection()
        b.warn(f"no inspection in graph/ fits the article; drafted {inspection}: check it, or link the article")
    else:
        inspection = short(info.iri)
        body = max(sorted(info.bodies), key=lambda iri: b.mentions[iri], default=None)
        b.counts["inspections linked"] += 1
    b.document(inspection, info)
    b.figures(inspection, body)
    b.claims(inspection, info, body)
    text = turtle.document(b.header(), [*b.blocks, *b.quotes])
    order = (
        "inspections linked",
        "inspections drafted",
        "bodies drafted",
        "claims",
        "claims corroborated",
        "claims differs",
        "claims not in report",
        "claims cannot be checked",
        "figures",
    )
    counts = {k: b.counts.get(k, 0) for k in order}
    counts["evidence quotes"] = len(b.quotes)
    return Draft(text, parsed.layout, x, counts, report, b.candidates, b.ambiguous, b.warnings)
