"""Turn a parsed report into draft graph data: mint IRIs, link entities, write Turtle.

IRIs follow docs/curation.md for inspection `X`: `inspection:X`,
`rating:X-1-2` and `rating:X-overall`, `observation:X-kq-2-1-1` (or
`X-kq-2-1-q1`), `observation:X-score`, `recommendation:X-001` (the report's
number where it prints one, else document order), `finding:X-ingest-001`
(document order; `-ingest-` keeps drafts apart from a curator's own
`finding:X-001`), quotes `quote:{kind}-{slug}-{n}`, and the report itself
`document:X-report`, a pko:SourceDocument whose pko:corpusFile is the file's
name, so `probkg check-evidence --sources DIR FILE` can prove every quote.

Statements and labels are placeholders in our words ("Draft: ... restate it"),
never the report's sentences; themes come from theme names found in the quote.
Every link to the graph is checked against it: a standard or key question the
framework lacks, an addressee not in the gazetteer, or an ambiguous name is
reported and left out, never guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from probkg.core.errors import InputError
from probkg.ingest import turtle
from probkg.ingest.gazetteer import Gazetteer, Match
from probkg.ingest.model import ParsedReport, Person, Quote
from probkg.ingest.polarity import words as polarity_words
from probkg.ingest.source import ReportText
from probkg.ingest.turtle import Block, QuoteBlock, integer, lang_string, string, typed
from probkg.rdf import names
from probkg.rdf.names import fold, preferred_label
from probkg.rdf.store import KnowledgeGraph
from probkg.rdf.vocab import ID_BASE, compact

HMI_PROBATION = f"{ID_BASE}organisation/hm-inspectorate-of-probation"
INSPECTION_SCORE = f"{ID_BASE}measure/inspection-score"
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
CORPUS_NAME = re.compile(r"[0-9]{3}_[0-9a-f]{16}\.txt")
_NUMBERS = re.compile(r"\d[\d.]*")  # statements carry no figure that is not in their quotes
_SERVICES_IN = re.compile(
    r"^(?:the )?(?:probation services?|probation work|probation) (?:in|for|of|across) (?:the )?", re.I
)
_PDU_SUFFIX = re.compile(r"\s+(?:PDU|probation delivery unit)$", re.IGNORECASE)
_BODY_KINDS = (
    (re.compile(r"\b(PDU|probation delivery unit)\b", re.IGNORECASE), "pko:ProbationDeliveryUnit"),
    (re.compile(r"\b(CRC|community rehabilitation company)\b", re.IGNORECASE), "pko:CommunityRehabilitationCompany"),
    (re.compile(r"\b(NPS|national probation service)\b|\bdivision\b", re.IGNORECASE), "pko:Division"),
    (re.compile(r"\bregion\b", re.IGNORECASE), "pko:Region"),
)
"""The kind of body a report's title names, most specific first ("Wales region PDU" is a PDU)."""


def body_kind(name: str) -> str | None:
    """The class of body a name says it is ("Northmoor PDU": a PDU), or None when it says no kind."""
    return next((cls for pattern, cls in _BODY_KINDS if pattern.search(name)), None)


_FOOTNOTE_MARKS = re.compile(r"[\u00b9\u00b2\u00b3\u2070-\u209f*]+")


def short(iri: str) -> str:
    """An IRI as the draft's Turtle writes it: a prefixed name by the one rule (`rdf.vocab.compact`), else `<iri>`."""
    name = compact(iri)
    return f"<{iri}>" if name == iri else name


@dataclass(frozen=True)
class Concept:
    iri: str
    kind: str  # "Standard", "KeyQuestion", "OverallAssessment", ...
    labels: frozenset[str]  # lower-cased, apostrophes folded
    quotes: tuple[str, ...]  # lower-cased, apostrophes folded
    name: str  # the preferred label as written (`preferred_label`), for draft labels


@dataclass(frozen=True)
class InspectionInfo:
    """An inspection the graph holds, as an article is matched to it: bodies, their areas, years, report texts."""

    iri: str
    bodies: frozenset[str]
    areas: frozenset[str]
    years: frozenset[int]
    reports: frozenset[str]  # the inspection-report documents that report on it
    report_files: frozenset[str]  # their corpus files: empty when the report is not in the corpus


@dataclass(frozen=True)
class Fact:
    """A curated fact of an inspection, with the quotes from its report text an article's claim is checked against."""

    iri: str
    kind: str  # "Finding", "Recommendation", "Rating", "Statistic", "KeyQuestionResult"
    polarity: str | None
    band: str | None  # vocab: local name, for a rating
    standard: str | None
    quotes: tuple[str, ...]


@dataclass
class GraphContext:
    """What ingest needs from the graph: the gazetteer, frameworks, bands, themes, measures, inspections, facts."""

    gazetteer: Gazetteer
    concepts: dict[str, Concept]  # IRI -> concept, for every framework
    known: set[str]  # every IRI that is typed in the graph
    themes: list[tuple[re.Pattern[str], str]]
    inspections: dict[str, InspectionInfo] = field(default_factory=dict)
    facts: dict[str, list[Fact]] = field(default_factory=dict)  # inspection IRI -> its facts with report quotes
    measures: list[tuple[str, frozenset[str]]] = field(default_factory=list)  # measure IRI, its label's words
    pdus: list[tuple[str, str]] = field(default_factory=list)  # PDU IRI, each of its labels

    @classmethod
    def from_graph(cls, kg: KnowledgeGraph) -> GraphContext:
        concepts: dict[str, dict] = {}
        for row in kg.select("""
            SELECT ?c ?type ?p ?label ?lang ?exact WHERE {
              ?c skos:inScheme ?scheme . ?scheme a pko:RatingFramework . ?c a ?type .
              OPTIONAL { VALUES ?p { skos:prefLabel rdfs:label skos:altLabel } ?c ?p ?label BIND(LANG(?label) AS ?lang) }
              OPTIONAL { ?c pko:hasEvidence/oa:hasSelector/oa:exact ?exact }
            }"""):
            entry = concepts.setdefault(row["c"], {"kind": set(), "labels": set(), "quotes": set(), "names": set()})
            entry["kind"].add(row["type"].rsplit("#", 1)[-1])
            if "label" in row:
                entry["labels"].add(fold(row["label"]))
                entry["names"].add((row["p"], row["label"], row.get("lang")))
            if "exact" in row:
                entry["quotes"].add(fold(row["exact"]))
        kinds = ("Standard", "KeyQuestion", "OverallAssessment", "Domain")
        built = {
            iri: Concept(
                iri,
                next((k for k in kinds if k in e["kind"]), min(e["kind"])),
                frozenset(e["labels"]),
                tuple(sorted(e["quotes"])),
                preferred_label(e["names"]) or iri.rsplit("/", 1)[-1],
            )
            for iri, e in concepts.items()
        }
        known = {r["s"] for r in kg.select("SELECT DISTINCT ?s WHERE { ?s a ?t FILTER(isIRI(?s)) }")}
        themes = []
        for row in kg.select("SELECT ?t ?l WHERE { ?t skos:inScheme theme:scheme ; skos:prefLabel ?l }"):
            label = row["l"].lower()
            stem = label[:-1] if label.endswith("s") and not label.endswith("ss") else label
            words = r"[\s-]".join(re.escape(w) for w in stem.split())
            themes.append((re.compile(rf"\b{words}s?\b", re.IGNORECASE), row["t"]))
        return cls(
            Gazetteer.from_graph(kg),
            built,
            known,
            sorted(themes, key=lambda t: t[1]),
            _inspections(kg),
            _facts(kg),
            sorted(
                (r["m"], frozenset(content_words(r["l"])))
                for r in kg.select("SELECT ?m ?l WHERE { ?m a pko:Measure ; skos:prefLabel ?l }")
            ),
            sorted(
                (r["s"], r["l"])
                for r in kg.select(
                    "SELECT ?s ?l WHERE { ?s a pko:ProbationDeliveryUnit ; rdfs:label|skos:prefLabel|skos:altLabel ?l }"
                )
            ),
        )


def _inspections(kg: KnowledgeGraph) -> dict[str, InspectionInfo]:
    found: dict[str, dict[str, set]] = {}
    for row in kg.select("""
        SELECT ?i ?b ?area ?y ?start ?doc ?issued ?file WHERE {
          ?i a pko:Inspection .
          OPTIONAL { ?i pko:inspectedBody ?b OPTIONAL { ?b pko:area ?area } }
          OPTIONAL { ?i pko:year ?y }
          OPTIONAL { ?i schema:startDate ?start }
          OPTIONAL { ?doc pko:reportsOn ?i ; pko:documentKind vocab:inspection-report .
                     OPTIONAL { ?doc dcterms:issued ?issued } OPTIONAL { ?doc pko:corpusFile ?file } }
        }"""):
        entry = found.setdefault(row["i"], {k: set() for k in ("bodies", "areas", "years", "reports", "files")})
        for key, column in (("bodies", "b"), ("areas", "area"), ("reports", "doc"), ("files", "file")):
            if column in row:
                entry[key].add(row[column])
        for column in ("y", "start", "issued"):
            if row.get(column, "")[:4].isdigit():
                entry["years"].add(int(row[column][:4]))
    return {
        iri: InspectionInfo(
            iri,
            frozenset(e["bodies"]),
            frozenset(e["areas"]),
            frozenset(e["years"]),
            frozenset(e["reports"]),
            frozenset(e["files"]),
        )
        for iri, e in found.items()
    }


def _facts(kg: KnowledgeGraph) -> dict[str, list[Fact]]:
    found: dict[tuple[str, str], dict] = {}
    for row in kg.select("""
        SELECT ?i ?f ?cls ?pol ?band ?std ?exact WHERE {
          VALUES ?cls { pko:Finding pko:Recommendation pko:Rating pko:Statistic pko:KeyQuestionResult }
          ?f a ?cls ; pko:inspection ?i ; pko:hasEvidence ?q .
          ?q oa:hasSelector/oa:exact ?exact ; oa:hasSource ?doc .
          ?doc pko:documentKind vocab:inspection-report ; pko:corpusFile ?file .
          OPTIONAL { ?f pko:polarity ?pol } OPTIONAL { ?f pko:band ?band } OPTIONAL { ?f pko:standard ?std }
        }"""):
        entry = found.setdefault((row["i"], row["f"]), {"row": row, "quotes": set()})
        entry["quotes"].add(row["exact"])
    out: dict[str, list[Fact]] = {}
    for (inspection, iri), entry in sorted(found.items()):
        row = entry["row"]
        out.setdefault(inspection, []).append(
            Fact(
                iri,
                row["cls"].rsplit("#", 1)[-1],
                row["pol"].rsplit("/", 1)[-1] if "pol" in row else None,
                row["band"].rsplit("/", 1)[-1] if "band" in row else None,
                row.get("std"),
                tuple(sorted(entry["quotes"])),
            )
        )
    return out


_STOP = frozenset(
    """
    the and for with that this these those was were are is be been being has have had its their his her
    our from into onto than then there which who whom whose what when where while also but not all any
    some most more many much such very can could would should will may might must did does done
    they them she him you your about after before over under between across through within without
    other others only just each every both either neither nor out off per upon
    """.split()
)


def content_words(text: str) -> list[str]:
    """The words that carry a sentence's content, lightly stemmed: how a claim is matched to a fact."""
    out = []
    for word in polarity_words(text):
        if len(word) < 3 or word in _STOP:
            continue
        for suffix in ("ies", "es", "s", "ed", "ing", "ly"):
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
        out.append(word)
    return out


@dataclass
class Draft:
    """The draft file and what the curator needs to know about it."""

    turtle: str
    layout: str
    inspection: str
    counts: dict[str, int]
    report: ReportText
    candidates: Counter[tuple[str, str]] = field(default_factory=Counter)
    ambiguous: dict[str, tuple[str, ...]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


class _Builder:
    def __init__(self, report: ReportText, parsed: ParsedReport, inspection_id: str, ctx: GraphContext) -> None:
        self.report, self.parsed, self.x, self.ctx = report, parsed, inspection_id, ctx
        self.blocks: list[Block] = []
        self.quotes: list[QuoteBlock] = []
        self.quote_ids: set[str] = set()
        self.doc = f"document:{inspection_id}-report"
        self.warnings = list(parsed.warnings)
        self.candidates: Counter[tuple[str, str]] = Counter()
        self.ambiguous: dict[str, tuple[str, ...]] = {}
        self.counts: Counter[str] = Counter()
        self.when = self.date()

    def date(self) -> date | None:
        """The report's date for dated linking: published, else its fieldwork's end or start."""
        p = self.parsed
        return document_date(p.published, p.end, p.start)

    # -- helpers ---------------------------------------------------------------------------
    def warn(self, message: str, quote: Quote | None = None) -> None:
        self.warnings.append(f"line {quote.line}: {message}" if quote else message)

    def evidence(self, block: Block, kind: str, slug: str, quotes: list[Quote]) -> None:
        n = 0
        texts: set[str] = set()
        for quote in (part for whole in quotes for part in _chunks(whole)):
            if not quote.text or quote.text in texts:
                continue
            texts.add(quote.text)
            n += 1
            subject = f"quote:{kind}-{slug}-{n}"
            if subject in self.quote_ids:
                continue
            self.quote_ids.add(subject)
            self.quotes.append(QuoteBlock(subject, quote.text, self.doc))
            block.add("pko:hasEvidence", subject)

    def link(self, text: str) -> list[str]:
        """The entities a text names, as at the document's date (a name links only to bodies existing then)."""
        linked, ambiguous = self.ctx.gazetteer.link(text, self.when)
        self._note_ambiguous(ambiguous)
        self.candidates.update(self.ctx.gazetteer.candidates(text))
        return linked

    def _note_ambiguous(self, matches: list[Match]) -> None:
        for match in matches:
            self.ambiguous[match.text] = match.entities

    def concept(self, local: str, kind: str) -> str | None:
        iri = f"{ID_BASE}framework/{local}"
        found = self.ctx.concepts.get(iri)
        return iri if found and found.kind == kind else None

    # -- the inspection and its document ----------------------------------------------------
    def body(self) -> str:
        """The inspected body: linked by its printed name, or a PDU by the leading words of its name, else drafted."""
        p = self.parsed
        if not p.body:
            raise InputError(
                str(self.report.path),
                "cannot find the inspected body: no 'Service:' line and no title 'An inspection of ...'",
            )
        line = p.body_quote.line if p.body_quote else None
        name = _SERVICES_IN.sub("", p.body).strip()
        for printed in dict.fromkeys((p.body, name)):
            # The head of a name is its last word: a body counts only if its label ends the name
            # ("the Probation Service in Northmoor region" is not the Probation Service).
            end = len(printed.rstrip(" .,;:"))
            matches = [m for m in self.ctx.gazetteer.find(printed, self.when) if m.end >= end]
            if any(m.ambiguous for m in matches):
                raise InputError(
                    str(self.report.path),
                    f"the inspected body '{p.body}' is ambiguous in the gazetteer ({', '.join(matches[0].entities)})",
                    line,
                )
            bodies = [m.entities[0] for m in matches if (e := self.ctx.gazetteer.entity(m.entities[0])) and e.is_body]
            if len(bodies) == 1:
                return bodies[0]
        if (pdu := self._pdu_by_leading_words(name)) is not None:
            return pdu
        if (kind := body_kind(name)) is None:
            raise InputError(
                str(self.report.path),
                f"the inspected body '{name}' is not a body in graph/ and its name says no kind of body "
                f"(PDU, region, CRC, NPS division): add it, with its name as a label or altLabel, to "
                f"graph/reference/organisations.ttl and ingest again",
                line,
            )
        return self.draft_body(name, kind, p.body_quote)

    def _pdu_by_leading_words(self, name: str) -> str | None:
        """ "Cardiff and the Vale PDU": the one PDU whose name begins with "Cardiff and the Vale"."""
        match = _PDU_SUFFIX.search(name)
        if not match:
            return None
        lead = fold(name[: match.start()])
        found = {iri for iri, label in self.ctx.pdus if fold(label).startswith(lead + " ") or fold(label) == lead}
        if len(found) != 1:
            return None
        iri = found.pop()
        self.warn(
            f"the inspected body '{name}' is taken to be {short(iri)}, the one PDU whose name begins so: "
            f"check it, and add '{name}' as its skos:altLabel"
        )
        return iri

    def draft_body(self, name: str, kind: str, quote: Quote | None) -> str:
        """A body the graph lacks, of the class its name says (`body_kind`), drafted and flagged for the curator."""
        slug = names.slug(name) or "body"
        if f"{ID_BASE}organisation/{slug}" in self.ctx.known:  # a body of that slug under another name
            slug += "-draft"
        iri = f"organisation:{slug}"
        block = Block(iri, [kind])
        block.add("rdfs:label", lang_string(name))
        block.add(
            "skos:definition", lang_string("Draft: a body drafted by probkg ingest. Define it in your own words.")
        )
        block.add("skos:prefLabel", lang_string(name))
        if quote:
            self.evidence(block, "organisation", slug, [quote])
        self.blocks.append(block)
        self.counts["bodies drafted"] += 1
        self.warn(
            f"the inspected body '{name}' is not in graph/: drafted {iri} ({kind}); check it, give it its parent "
            f"(org:subOrganizationOf) and area, and move it to graph/reference/organisations.ttl"
        )
        return f"{ID_BASE}{iri.replace(':', '/', 1)}"

    def person(self, name_quote: Person | None, role: str) -> str | None:
        if name_quote is None:
            return None
        linked, _ = self.ctx.gazetteer.link(name_quote.name)
        people = [iri for iri in linked if (e := self.ctx.gazetteer.entity(iri)) and e.is_person]
        if len(people) == 1:
            return people[0]
        self.candidates[("person", name_quote.name)] += 1
        self.warn(f"{role} '{name_quote.name}' is not a person in graph/; left out", name_quote.quote)
        return None

    def inspection(self, body: str) -> None:
        p, x = self.parsed, self.x
        doc = Block(self.doc, ["pko:SourceDocument"])
        doc.add("pko:corpusFile", string(self.report.text_name))
        doc.add("pko:documentKind", "vocab:inspection-report")
        doc.add("pko:reportsOn", f"inspection:{x}")
        if p.title:
            doc.add("dcterms:title", string(p.title))
        if p.published and p.published_quote:
            add_date(doc, "dcterms:issued", "pko:issuedPrecision", p.published)
            self.evidence(doc, "document", f"{x}-report", [p.published_quote])
        if HMI_PROBATION in self.ctx.known:
            doc.add("dcterms:publisher", short(HMI_PROBATION))
        doc.add("rdfs:label", lang_string(f"Report text {self.report.text_name} (drafted by probkg ingest)"))
        self.blocks.append(doc)

        block = Block(f"inspection:{x}", ["pko:Inspection"])
        block.add("pko:inspectedBody", short(body))
        block.add("pko:usesFramework", f"framework:{p.framework}")
        block.add("rdfs:label", lang_string(f"Inspection {x} (drafted by probkg ingest)"))
        if HMI_PROBATION in self.ctx.known:
            block.add("prov:wasAssociatedWith", short(HMI_PROBATION))
        quotes = [p.body_quote] if p.body_quote else []
        for role, prop, found in (
            ("lead inspector", "pko:leadInspector", p.lead_inspector),
            ("chief inspector", "pko:chiefInspector", p.chief_inspector),
            ("programme manager", "pko:programmeManager", p.programme_manager),
        ):
            if found is not None and (iri := self.person(found, role)) is not None:
                block.add(prop, short(iri))
                quotes.append(found.quote)
        for prop, precision, value in (
            ("schema:startDate", "pko:startDatePrecision", p.start),
            ("schema:endDate", "pko:endDatePrecision", p.end),
        ):
            if value:
                add_date(block, prop, precision, value)
        quotes += p.date_quotes
        self.evidence(block, "inspection", x, quotes)
        self.blocks.append(block)

    # -- results --------------------------------------------------------------------------
    def framework(self) -> str:
        """The framework whose standards' codes and names the ratings table prints (the layout's, on a tie).

        A table whose standards no framework of graph/ has in full is refused with the codes and names
        seen, so the curator can add the framework, rather than drafting ratings against the wrong one.
        """
        p = self.parsed
        printed = [r for r in p.ratings if r.code != "overall"]
        fits: list[tuple[int, bool, str]] = []
        for fw in sorted(
            c.iri.removeprefix(f"{ID_BASE}framework/").removesuffix("-overall")
            for c in self.ctx.concepts.values()
            if c.kind == "OverallAssessment"
        ):
            matched = sum(
                1
                for r in printed
                if (c := self.concept(f"{fw}-{r.code.replace('.', '-')}", "Standard")) and self._names_match(c, r.name)
            )
            fits.append((matched, fw == p.framework, fw))
        best = max(fits, default=(0, False, p.framework))
        if printed and best[0] < len(printed):
            seen = "; ".join(f"{r.code} '{r.name}'" for r in printed)
            raise InputError(
                str(self.report.path),
                f"the ratings table rates standards that no framework in graph/ has under those codes and "
                f"names (seen: {seen}; the closest, {best[2]}, has {best[0]} of them): add the framework, a "
                f"pko:RatingFramework with a concept per standard (code and name) and its overall assessment, "
                f"to graph/reference/frameworks.ttl and ingest again",
                printed[0].quotes[0].line,
            )
        return best[2]

    def ratings(self, body: str) -> None:
        p, x = self.parsed, self.x
        # A standard's IRI is the framework's and its numeric code: a prefix test alone would take
        # the standards of a framework whose name extends this one's (hmip-2019-crc of hmip-2019).
        own = re.compile(rf"{re.escape(ID_BASE)}framework/{re.escape(p.framework)}-\d+(?:-\d+)*")
        standards = {c.iri for c in self.ctx.concepts.values() if c.kind == "Standard" and own.fullmatch(c.iri)}
        printed = {r.code for r in p.ratings if r.code != "overall"}
        if len(printed) < len(standards):
            missing = sorted(
                short(s).removeprefix(f"framework:{p.framework}-").replace("-", ".")
                for s in standards
                if short(s).removeprefix(f"framework:{p.framework}-").replace("-", ".") not in printed
            )
            raise InputError(
                str(self.report.path),
                f"the ratings table rates {len(printed)} of the {len(standards)} standards of "
                f"framework {p.framework} (none for {', '.join(missing)}): the report seems "
                f"truncated or damaged",
            )
        for rating in p.ratings:
            if rating.code == "overall":
                suffix, label = "overall", "overall rating"
                concept = self.concept(f"{p.framework}-overall", "OverallAssessment")
            else:
                suffix = rating.code.replace(".", "-")
                concept = self.concept(f"{p.framework}-{suffix}", "Standard")  # its name checked by framework()
                label = f"{rating.code} {self._label(concept)}" if concept else ""
            if concept is None:
                self.warn(f"{p.framework} has no standard {rating.code}; rating left out", rating.quotes[0])
                continue
            block = Block(f"rating:{x}-{suffix}", ["pko:Rating"])
            block.add("pko:band", f"vocab:{rating.band}")
            block.add("pko:inspection", f"inspection:{x}")
            block.add("pko:ratedBody", short(body))
            block.add("pko:standard", short(concept))
            block.add("rdfs:label", lang_string(f"{x}: {label}"))
            self.evidence(block, "rating", f"{x}-{suffix}", rating.quotes)
            self.blocks.append(block)
            self.counts["ratings"] += 1

        if p.score is not None:
            value, of, quote = p.score
            if INSPECTION_SCORE not in self.ctx.known:
                self.warn("measure:inspection-score is not in graph/; score left out", quote)
            else:
                block = Block(f"observation:{x}-score", ["pko:Statistic"])
                block.add("pko:denominator", integer(of))
                block.add("pko:inspection", f"inspection:{x}")
                block.add(
                    "pko:statement",
                    lang_string(f"Draft: the inspection score the report gives, {value} points out of {of}."),
                )
                block.add("pko:unit", "vocab:unit-score-points")
                block.add("pko:value", integer(value))
                block.add("rdfs:label", lang_string(f"{x}: inspection score"))
                block.add("sosa:hasFeatureOfInterest", short(body))
                block.add("sosa:observedProperty", short(INSPECTION_SCORE))
                self.evidence(block, "observation", f"{x}-score", [quote])
                self.blocks.append(block)
                self.counts["score"] += 1

    def _names_match(self, concept: str, printed: str) -> bool:
        found = self.ctx.concepts[concept]
        name = fold(printed)
        return not name or name in found.labels or any(name in q for q in found.quotes)

    def _label(self, concept: str) -> str:
        return self.ctx.concepts[concept].name

    def key_questions(self, body: str) -> None:
        p, x = self.parsed, self.x
        for kq in p.key_questions:
            suffix = kq.code.replace(".", "-") if kq.code[0].isdigit() else f"{kq.standard.replace('.', '-')}-{kq.code}"
            concept = self.concept(f"{p.framework}-{suffix}", "KeyQuestion")
            if concept is None:
                self.warn(
                    f"{p.framework} has no key question {kq.standard} {kq.code} ('{kq.question[:60]}'); left out",
                    kq.quotes[0],
                )
                continue
            question = fold(_FOOTNOTE_MARKS.sub("", kq.question))
            if question and not any(question in q for q in self.ctx.concepts[concept].quotes):
                self.warn(
                    f"key question {kq.standard} {kq.code} is worded '{kq.question[:60]}', unlike "
                    f"{short(concept)}: check the mapping",
                    kq.quotes[0],
                )
            block = Block(f"observation:{x}-kq-{suffix}", ["pko:KeyQuestionResult"])
            block.add("pko:inspection", f"inspection:{x}")
            block.add("pko:unit", "vocab:unit-percent")
            block.add("pko:value", integer(kq.value))
            block.add(
                "rdfs:label",
                lang_string(f"{x}: {kq.code if kq.code[0].isdigit() else kq.standard} {self._label(concept)}"),
            )
            block.add("sosa:hasFeatureOfInterest", short(body))
            block.add("sosa:observedProperty", short(concept))
            self.evidence(block, "observation", f"{x}-kq-{suffix}", kq.quotes)
            self.blocks.append(block)
            self.counts["key-question results"] += 1

    def recommendations(self) -> None:
        p, x = self.parsed, self.x
        order = 0
        for rec in p.recommendations:
            order += 1
            number = rec.number if rec.number is not None else order
            slug = f"{x}-{number:03d}"
            addressees = [
                iri for iri in self.link(rec.addressee) if (e := self.ctx.gazetteer.entity(iri)) and e.is_body
            ]
            if not addressees:
                self.candidates[("addressee", rec.addressee)] += 1
                self.warn(
                    f"recommendation {number}: addressee '{rec.addressee}' is not a body in graph/; "
                    f"left out (add the body and ingest again)",
                    rec.quotes[0],
                )
                continue
            block = Block(f"recommendation:{slug}", ["pko:Recommendation"])
            block.add("pko:addressee", *(short(a) for a in addressees))
            concerns = [iri for iri in self.link(rec.text) if iri not in addressees]
            if concerns:
                block.add("pko:concerns", *(short(c) for c in concerns))
            block.add("pko:inspection", f"inspection:{x}")
            if rec.number is not None:
                block.add("pko:number", integer(rec.number))
            names = " and ".join(self.ctx.gazetteer.entities[a].label for a in addressees)
            which = f"recommendation {rec.number}" if rec.number is not None else f"unnumbered recommendation {order}"
            block.add(
                "pko:statement",
                lang_string(f"Draft: a recommendation of the report to {names}. Restate it in your own words."),
            )
            self._themes(block, rec.text)
            block.add("rdfs:label", lang_string(f"{x}: {which}"))
            self.evidence(block, "recommendation", slug, rec.quotes)
            self.blocks.append(block)
            self.counts["recommendations"] += 1

    def findings(self, body: str) -> None:
        p, x = self.parsed, self.x
        seen: set[tuple[str, str]] = set()
        n = 0
        for finding in p.findings:
            if (finding.polarity, finding.text) in seen:
                self.warn("the same finding is listed twice; kept the first", finding.quotes[0])
                continue
            seen.add((finding.polarity, finding.text))
            n += 1
            slug = f"{x}-ingest-{n:03d}"
            block = Block(f"finding:{slug}", ["pko:Finding"])
            concerns = [body] + [iri for iri in self.link(finding.text) if iri != body]
            block.add("pko:concerns", *(short(c) for c in concerns))
            block.add("pko:inspection", f"inspection:{x}")
            block.add("pko:polarity", f"vocab:{finding.polarity}")
            if finding.standard:
                concept = self.concept(f"{p.framework}-{finding.standard.replace('.', '-')}", "Standard")
                if concept:
                    block.add("pko:standard", short(concept))
            kind = "strength" if finding.polarity == "strength" else "area for improvement"
            section = _NUMBERS.sub("", finding.section).strip(" .") or "the report"
            where = "states in" if finding.prose else "lists under"
            block.add(
                "pko:statement",
                lang_string(
                    f"Draft: {_article(kind)} {kind} the report {where} {section}. Restate it in your own words."
                ),
            )
            self._themes(block, finding.text, finding.section)
            block.add("rdfs:label", lang_string(f"{x}: draft {kind} {n}"))
            self.evidence(block, "finding", slug, finding.quotes)
            self.blocks.append(block)
            listed = "strengths" if finding.polarity == "strength" else "areas for improvement"
            self.counts[f"{listed} in running text" if finding.prose else listed] += 1
            self.counts["entity links"] += len(concerns)

    def _themes(self, block: Block, text: str, section: str = "") -> None:
        """Themes whose name the text uses; failing that, those the section's name uses."""
        for words in (text, section):
            found = [short(iri) for pattern, iri in self.ctx.themes if pattern.search(words)]
            if found:
                block.add("pko:theme", *found)
                return

    def header(self) -> str:
        corpus = (
            ""
            if CORPUS_NAME.fullmatch(self.report.text_name)
            else (
                "\nThe file name is not a corpus name (NNN_<16 hex digits>.txt): rename the text when you add it "
                "to ../shared/sources/ and change pko:corpusFile to match."
            )
        )
        return (
            f"Draft data for inspection {self.x}, drafted by `probkg ingest` from {self.report.path.name}\n"
            f"(layout {self.parsed.layout}). Quotes are verbatim from the report; statements, labels and\n"
            f"themes are machine drafts and every entity link needs checking. Rewrite them in your own\n"
            f"words (docs/curation.md) before moving this file into graph/inspections/.{corpus}"
        )


def add_date(block: Block, prop: str, precision: str, value: str) -> None:
    """The one date model: an xsd:date, padded to the first day, beside the precision the text gives."""
    block.add(prop, typed(value + "0000-01-01"[len(value) :], "xsd:date"))
    block.add(precision, "vocab:precision-" + {10: "day", 7: "month", 4: "year"}[len(value)])


def document_date(*stated: str | None) -> date | None:
    """The date a document speaks from, for dated linking: the first date stated (ISO, to day, month or year).

    A report's publication date, else its fieldwork's end or start; a month or year stands for its first day.
    """
    value = next((v for v in stated if v), None)
    return date.fromisoformat(value + "0000-01-01"[len(value) :]) if value else None


MAX_QUOTE = 500
"""The shapes advise quotes of at most 500 characters; longer bullets are quoted sentence by sentence."""
_SENTENCE_END = re.compile(r"(?<=[.!?]) (?=[A-Z‘“'\"(])")


def _chunks(quote: Quote) -> list[Quote]:
    """A long quote as consecutive runs of whole sentences of at most MAX_QUOTE characters."""
    if len(quote.text) <= MAX_QUOTE:
        return [quote]
    parts: list[str] = []
    for sentence in _SENTENCE_END.split(quote.text):
        if parts and len(parts[-1]) + 1 + len(sentence) <= MAX_QUOTE:
            parts[-1] += " " + sentence
        else:
            parts.append(sentence)
    return [Quote(part, quote.line) for part in parts]


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def build(report: ReportText, parsed: ParsedReport, inspection_id: str, ctx: GraphContext) -> Draft:
    """Link the parsed report to the graph and write the draft Turtle."""
    b = _Builder(report, parsed, inspection_id, ctx)
    if f"{ID_BASE}inspection/{inspection_id}" in ctx.known:
        b.warn(
            f"inspection:{inspection_id} is already in graph/: this draft's IRIs would clash with the "
            f"curated ones; use a new --as to keep it beside them"
        )
    parsed.framework = b.framework()
    body = b.body()
    b.inspection(body)
    b.ratings(body)
    b.key_questions(body)
    b.recommendations()
    b.findings(body)
    text = turtle.document(b.header(), [*b.blocks, *b.quotes])
    counts = {
        k: b.counts.get(k, 0)
        for k in (
            "ratings",
            "score",
            "key-question results",
            "recommendations",
            "strengths",
            "areas for improvement",
            "strengths in running text",
            "areas for improvement in running text",
            "entity links",
        )
    }
    counts["evidence quotes"] = len(b.quotes)
    return Draft(text, parsed.layout, inspection_id, counts, report, b.candidates, b.ambiguous, b.warnings)
