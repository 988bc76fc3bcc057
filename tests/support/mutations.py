"""A library of seeded defects: each a small change to a copy of the real graph.

Every mutation names the shape or QC check meant to catch it and the node it
must be reported on. The node is chosen from the real data when the mutation
is applied (the first node of the right kind, in IRI order), so the library
keeps working while curators add data. RDF edits change one file's parsed
graph and write it back as Turtle; textual edits change one subject block of
a file the way a curator's typo would.
"""

from __future__ import annotations

import json
import multiprocessing
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib.namespace import DCTERMS, ORG, RDF, RDFS, SKOS, XSD

from probkg.checks import validate
from probkg.checks.rdflib_data import DataGraph
from probkg.checks.report import Report
from probkg.rdf.vocab import ID_BASE, PREFIXES

PKO = rdflib.Namespace(PREFIXES["pko"])
OA = rdflib.Namespace(PREFIXES["oa"])
SCHEMA = rdflib.Namespace(PREFIXES["schema"])
SOSA = rdflib.Namespace(PREFIXES["sosa"])
VOCAB = rdflib.Namespace(PREFIXES["vocab"])
PROJECT_PARTS = ("ontology", "graph", "shapes")


@dataclass(frozen=True)
class Applied:
    """A mutation applied: the file it rewrote, its new text, and what must be reported."""

    file: str
    text: str
    focus: str
    expect_file: str


@dataclass(frozen=True)
class Mutation:
    id: str
    description: str
    check: str
    """Local name (in the shapes namespace) of the shape or QC check that must report it."""
    apply: Callable[[Real], Applied]


@dataclass(frozen=True)
class Real:
    """The real project: its folder and its files, parsed once."""

    root: Path
    data: DataGraph

    def first(self, cls: rdflib.URIRef, where: Callable[[rdflib.URIRef], bool] = lambda n: True) -> rdflib.URIRef:
        """The first instance of a class or its subclasses (in IRI order) that passes `where`."""
        classes = set(self.data.union.transitive_subjects(RDFS.subClassOf, cls))
        for node in sorted({n for c in classes for n in self.data.union.subjects(RDF.type, c)}):
            if isinstance(node, rdflib.URIRef) and where(node):
                return node
        raise LookupError(f"no {cls} in the real graph fits this mutation")

    def value(self, node: rdflib.term.Node, predicate: rdflib.URIRef) -> rdflib.term.Node | None:
        return self.data.union.value(node, predicate)

    def edit_graph(
        self, node: rdflib.URIRef, change: Callable[[rdflib.Graph], None], focus: rdflib.URIRef | None = None
    ) -> Applied:
        """Apply `change` to a copy of the graph of the file describing `node`."""
        file = self.data.file_of(node)
        graph = rdflib.Graph()
        for prefix, namespace in self.data.parts[file].namespaces():
            graph.bind(prefix, namespace)
        graph += self.data.parts[file]
        change(graph)
        focus = focus if focus is not None else node
        return Applied(file, graph.serialize(format="turtle"), str(focus), self.data.file_of(focus) or file)

    def edit_text(self, node: rdflib.URIRef, pattern: str, replacement: str) -> Applied:
        """Replace the first match of `pattern` inside the subject block of `node` in its file."""
        file = self.data.file_of(node)
        text = (self.root / file).read_text(encoding="utf-8")
        curie = next(
            f"{p}:{str(node)[len(ns) :]}" for p, ns in PREFIXES.items() if str(node).startswith(ns) and "/id/" in ns
        )
        start = re.search(rf"^{re.escape(curie)}\n", text, flags=re.M)
        assert start, f"no block for {curie} in {file}"
        end = text.find("\n\n", start.end())
        end = len(text) if end < 0 else end
        block, count = re.subn(pattern, replacement, text[start.start() : end], count=1)
        assert count == 1, f"{pattern!r} not found in the block of {curie}"
        return Applied(file, text[: start.start()] + block + text[end:], str(node), file)


def _in_file_of(real: Real, node: rdflib.URIRef) -> Callable[[rdflib.URIRef], bool]:
    file = real.data.file_of(node)
    return lambda other: real.data.file_of(other) == file


def _framework_of(real: Real, fact: rdflib.URIRef) -> rdflib.term.Node | None:
    return real.value(real.value(fact, PKO.inspection), PKO.usesFramework)


def _has_framework(real: Real) -> Callable[[rdflib.URIRef], bool]:
    return lambda fact: _framework_of(real, fact) is not None


def finding_without_evidence(real: Real) -> Applied:
    finding = real.first(PKO.Finding)
    return real.edit_graph(finding, lambda g: g.remove((finding, PKO.hasEvidence, None)))


def band_outside_scheme(real: Real) -> Applied:
    rating = real.first(PKO.Rating)
    return real.edit_graph(rating, lambda g: g.set((rating, PKO.band, VOCAB.strength)))


def percentage_of_140(real: Real) -> Applied:
    result = real.first(PKO.KeyQuestionResult)
    return real.edit_graph(result, lambda g: g.set((result, PKO.value, rdflib.Literal(140))))


def pdu_without_region(real: Real) -> Applied:
    pdu = real.first(PKO.ProbationDeliveryUnit)
    return real.edit_graph(pdu, lambda g: g.remove((pdu, ORG.subOrganizationOf, None)))


def pdu_parent_not_a_body(real: Real) -> Applied:
    pdu = real.first(PKO.ProbationDeliveryUnit, lambda n: real.value(n, PKO.area) is not None)
    place = real.value(pdu, PKO.area)
    return real.edit_graph(pdu, lambda g: g.set((pdu, ORG.subOrganizationOf, place)))


def quote_from_other_inspection(real: Real) -> Applied:
    finding = real.first(PKO.Finding)
    inspection = real.value(finding, PKO.inspection)
    quote = min(real.data.union.objects(finding, PKO.hasEvidence))
    other = real.first(PKO.SourceDocument, lambda d: (d, PKO.reportsOn, inspection) not in real.data.union)
    return real.edit_graph(quote, lambda g: g.set((quote, OA.hasSource, other)), focus=finding)


def quote_source_outside_corpus(real: Real) -> Applied:
    quote = real.first(PKO.EvidenceQuote)
    document = real.first(PKO.Document, lambda d: (d, RDF.type, PKO.SourceDocument) not in real.data.union)
    return real.edit_graph(quote, lambda g: g.set((quote, OA.hasSource, document)))


def quote_without_source(real: Real) -> Applied:
    quote = real.first(PKO.EvidenceQuote)
    return real.edit_graph(quote, lambda g: g.remove((quote, OA.hasSource, None)))


def misspelt_predicate(real: Real) -> Applied:
    return real.edit_text(real.first(PKO.Finding), r"pko:hasEvidence\b", "pko:hasEvidense")


def misspelt_class(real: Real) -> Applied:
    return real.edit_text(real.first(PKO.Finding), r"\ba pko:Finding\b", "a pko:Findng")


def statement_without_language(real: Real) -> Applied:
    return real.edit_text(real.first(PKO.Finding), r'(pko:statement "(?:[^"\\]|\\.)*")@en', r"\1")


def number_as_text(real: Real) -> Applied:
    return real.edit_text(real.first(PKO.Statistic), r"pko:value (\d+(?:\.\d+)?) ;", r'pko:value "\1" ;')


def set_date(real: Real, node: rdflib.URIRef, prop: rdflib.URIRef, value: str, precision: str) -> Applied:
    """Give `node` the date `value` on `prop`, with the precision property that goes with it (one date model)."""
    precision_prop = PKO[prop.rsplit("/", 1)[-1] + "Precision"]

    def edit(g: rdflib.Graph) -> None:
        g.set((node, prop, rdflib.Literal(value, datatype=XSD.date)))
        g.set((node, precision_prop, VOCAB[f"precision-{precision}"]))

    return real.edit_graph(node, edit)


def fieldwork_ends_before_start(real: Real) -> Applied:
    inspection = real.first(PKO.Inspection, lambda i: real.value(i, SCHEMA.startDate) is not None)
    year = int(str(real.value(inspection, SCHEMA.startDate))[:4]) - 1
    return set_date(real, inspection, SCHEMA.endDate, f"{year}-01-01", "day")


def fieldwork_after_publication(real: Real) -> Applied:
    def published(inspection: rdflib.URIRef) -> rdflib.term.Node | None:
        return next(
            (
                real.value(d, DCTERMS.issued)
                for d in real.data.union.subjects(PKO.reportsOn, inspection)
                if real.value(d, DCTERMS.issued) is not None
            ),
            None,
        )

    inspection = real.first(PKO.Inspection, lambda i: published(i) is not None)
    return set_date(real, inspection, SCHEMA.startDate, f"{int(str(published(inspection))[:4]) + 1}-01-01", "month")


def month_date_not_on_the_first(real: Real) -> Applied:
    """A month-precision date written with a day: 2018-11-15 cannot stand for "November 2018"."""
    inspection = real.first(PKO.Inspection, lambda i: real.value(i, PKO.startDatePrecision) == VOCAB["precision-month"])
    start = rdflib.Literal(str(real.value(inspection, SCHEMA.startDate))[:8] + "15", datatype=XSD.date)
    return real.edit_graph(inspection, lambda g: g.set((inspection, SCHEMA.startDate, start)))


def date_without_precision(real: Real) -> Applied:
    document = real.first(PKO.Document, lambda d: real.value(d, PKO.issuedPrecision) is not None)
    return real.edit_graph(document, lambda g: g.remove((document, PKO.issuedPrecision, None)))


def claim_without_document(real: Real) -> Applied:
    claim = real.first(PKO.Claim)
    return real.edit_graph(claim, lambda g: g.remove((claim, PKO.statedIn, None)))


def unchecked_claim_marked_not_in_report(real: Real) -> Applied:
    """The 2017 claims rest on a report the corpus does not hold: "not in report" would claim it was read."""
    claim = real.first(PKO.Claim, lambda c: real.value(c, PKO.verdict) == VOCAB["verdict-not-checkable"])
    return real.edit_graph(claim, lambda g: g.set((claim, PKO.verdict, VOCAB["verdict-not-in-report"])))


def addressee_is_a_string(real: Real) -> Applied:
    recommendation = real.first(PKO.Recommendation)
    return real.edit_graph(
        recommendation, lambda g: g.set((recommendation, PKO.addressee, rdflib.Literal("NPS in Wales")))
    )


def _entity_names(real: Real, entity: rdflib.term.Node) -> set[str]:
    return {
        str(o).casefold()
        for p in (RDFS.label, SKOS.prefLabel, SKOS.altLabel)
        for o in real.data.union.objects(entity, p)
    }


def duplicated_acronym(real: Real) -> Applied:
    holder = real.first(ORG.FormalOrganization, lambda n: real.value(n, SKOS.altLabel) is not None)
    acronym = min(real.data.union.objects(holder, SKOS.altLabel))
    other = real.first(PKO.Team, lambda n: str(acronym).casefold() not in _entity_names(real, n))
    applied = real.edit_graph(other, lambda g: g.add((other, SKOS.altLabel, acronym)), focus=min(holder, other))
    return Applied(applied.file, applied.text, applied.focus, real.data.file_of(min(holder, other)))


def shared_label(real: Real) -> Applied:
    first = real.first(PKO.Team)
    second = real.first(PKO.Team, lambda n: n != first)
    label = real.value(first, RDFS.label)

    def change(g: rdflib.Graph) -> None:
        g.set((second, RDFS.label, label))
        g.set((second, SKOS.prefLabel, label))

    return real.edit_graph(second, change, focus=first)


def second_english_label(real: Real) -> Applied:
    team = real.first(PKO.Team)
    return real.edit_graph(team, lambda g: g.add((team, RDFS.label, rdflib.Literal("Another name", lang="en"))))


def dangling_reference(real: Real) -> Applied:
    finding = real.first(PKO.Finding)
    typo = rdflib.URIRef(ID_BASE + "organisation/nps-walse")
    return real.edit_graph(finding, lambda g: g.add((finding, PKO.concerns, typo)))


def node_without_class(real: Real) -> Applied:
    finding = real.first(PKO.Finding)
    return real.edit_graph(finding, lambda g: g.remove((finding, RDF.type, None)))


def finding_without_theme(real: Real) -> Applied:
    finding = real.first(PKO.Finding)
    return real.edit_graph(finding, lambda g: g.remove((finding, PKO.theme, None)))


def theme_from_wrong_scheme(real: Real) -> Applied:
    finding = real.first(PKO.Finding)
    measure = real.first(PKO.Measure)
    return real.edit_graph(finding, lambda g: g.add((finding, PKO.theme, measure)))


def two_polarities(real: Real) -> Applied:
    finding = real.first(PKO.Finding)
    other = VOCAB.strength if real.value(finding, PKO.polarity) != VOCAB.strength else VOCAB["area-for-improvement"]
    return real.edit_graph(finding, lambda g: g.add((finding, PKO.polarity, other)))


def key_question_from_other_framework(real: Real) -> Applied:
    result = real.first(PKO.KeyQuestionResult, _has_framework(real))
    framework = _framework_of(real, result)
    question = real.first(PKO.KeyQuestion, lambda q: (q, SKOS.inScheme, framework) not in real.data.union)
    return real.edit_graph(result, lambda g: g.set((result, SOSA.observedProperty, question)))


def rating_standard_from_other_framework(real: Real) -> Applied:
    rating = real.first(PKO.Rating, _has_framework(real))
    framework = _framework_of(real, rating)
    standard = real.first(PKO.Standard, lambda s: (s, SKOS.inScheme, framework) not in real.data.union)
    return real.edit_graph(rating, lambda g: g.set((rating, PKO.standard, standard)))


def differing_claim_without_values(real: Real) -> Applied:
    claim = real.first(PKO.Claim)

    def change(g: rdflib.Graph) -> None:
        g.set((claim, PKO.verdict, VOCAB["verdict-differs"]))
        for predicate in (PKO.claimedValue, PKO.reportedValue, PKO.differenceKind):
            g.remove((claim, predicate, None))

    return real.edit_graph(claim, change)


def numerator_above_denominator(real: Real) -> Applied:
    observation = real.first(
        PKO.Observation,
        lambda o: real.value(o, PKO.numerator) is not None and real.value(o, PKO.denominator) is not None,
    )
    too_many = rdflib.Literal(int(real.value(observation, PKO.denominator)) + 1)
    return real.edit_graph(observation, lambda g: g.set((observation, PKO.numerator, too_many)))


def negative_count(real: Real) -> Applied:
    statistic = real.first(PKO.Statistic, lambda s: real.value(s, PKO.unit) == VOCAB["unit-count"])
    return real.edit_graph(statistic, lambda g: g.set((statistic, PKO.value, rdflib.Literal(-5))))


def finding_iri_of_wrong_kind(real: Real) -> Applied:
    finding = real.first(PKO.Finding)
    renamed = rdflib.URIRef(str(finding).replace("/id/finding/", "/id/rating/"))

    def change(g: rdflib.Graph) -> None:
        for s, p, o in list(g):
            if finding in (s, o):
                g.remove((s, p, o))
                g.add((renamed if s == finding else s, p, renamed if o == finding else o))

    applied = real.edit_graph(finding, change)
    return Applied(applied.file, applied.text, str(renamed), applied.file)


def entity_without_evidence(real: Real) -> Applied:
    body = real.first(PKO.ProbationDeliveryUnit)
    return real.edit_graph(body, lambda g: g.remove((body, PKO.hasEvidence, None)))


def change_event_without_bodies(real: Real) -> Applied:
    event = real.first(ORG.ChangeEvent)

    def change(g: rdflib.Graph) -> None:
        g.remove((event, ORG.originalOrganization, None))
        g.remove((event, ORG.resultingOrganization, None))

    return real.edit_graph(event, change)


def band_without_rank(real: Real) -> Applied:
    band = real.first(PKO.RatingBand)
    return real.edit_graph(band, lambda g: g.remove((band, PKO.rank, None)))


def undocumented_term(real: Real) -> Applied:
    term = PKO.Board
    return real.edit_graph(term, lambda g: g.remove((term, SKOS.definition, None)))


def shared_measure_without_its_reason(real: Real) -> Applied:
    def shared(measure: rdflib.URIRef) -> bool:
        stats = real.data.union.subjects(SOSA.observedProperty, measure)
        return len({real.value(o, PKO.inspection) for o in stats} - {None}) > 1

    measure = real.first(PKO.Measure, lambda m: real.value(m, SKOS.scopeNote) is not None and shared(m))
    return real.edit_graph(measure, lambda g: g.remove((measure, SKOS.scopeNote, None)))


def event_dated_against_its_sources(real: Real) -> Applied:
    def disputed(event: rdflib.URIRef) -> bool:
        dates = {real.value(c, PKO.date) for c in real.data.union.subjects(PKO.aboutEvent, event)} - {None}
        return real.value(event, PKO.date) is None and len(dates) > 1

    event = real.first(ORG.ChangeEvent, disputed)

    def date(g: rdflib.Graph) -> None:
        g.add((event, PKO.date, rdflib.Literal("2019-12-01", datatype=XSD.date)))
        g.add((event, PKO.datePrecision, VOCAB["precision-month"]))

    return real.edit_graph(event, date)


MUTATIONS = [
    Mutation("finding-without-evidence", "a finding with no evidence quote", "Fact-evidence", finding_without_evidence),
    Mutation(
        "band-outside-scheme",
        "a rating whose band is a polarity, not a rating band",
        "Rating-band",
        band_outside_scheme,
    ),
    Mutation("percentage-of-140", "a key-question result of 140 per cent", "Observation-percent", percentage_of_140),
    Mutation("pdu-without-region", "a PDU with no parent region", "DeliveryUnit-parent", pdu_without_region),
    Mutation(
        "pdu-parent-not-a-body",
        "a PDU whose parent is a place, not a body",
        "Organisation-parent",
        pdu_parent_not_a_body,
    ),
    Mutation(
        "quote-from-other-inspection",
        "a finding's quote taken from a document about another inspection",
        "Fact-evidence-source",
        quote_from_other_inspection,
    ),
    Mutation(
        "quote-source-outside-corpus",
        "a quote whose source is a document not in the corpus",
        "EvidenceQuote-source",
        quote_source_outside_corpus,
    ),
    Mutation("quote-without-source", "a quote with no source document", "EvidenceQuote-source", quote_without_source),
    Mutation(
        "misspelt-predicate", "pko:hasEvidense typed for pko:hasEvidence", "UndeclaredTermCheck", misspelt_predicate
    ),
    Mutation("misspelt-class", "pko:Findng typed for pko:Finding", "UndeclaredTermCheck", misspelt_class),
    Mutation(
        "statement-without-language",
        "a finding's statement without its @en tag",
        "Fact-statement",
        statement_without_language,
    ),
    Mutation("number-as-text", 'a statistic\'s value written "78" instead of 78', "Observation-value", number_as_text),
    Mutation(
        "fieldwork-ends-before-start",
        "fieldwork that ends a year before it starts",
        "DatesInOrderShape",
        fieldwork_ends_before_start,
    ),
    Mutation(
        "fieldwork-after-publication",
        "fieldwork that starts after the report is published",
        "DatesInOrderShape",
        fieldwork_after_publication,
    ),
    Mutation(
        "month-date-not-on-the-first",
        "a date at month precision that names a day other than the first",
        "DatedShape",
        month_date_not_on_the_first,
    ),
    Mutation(
        "date-without-precision", "a document's date of issue with no precision", "DatedShape", date_without_precision
    ),
    Mutation(
        "claim-without-document", "a claim that does not name its document", "Claim-document", claim_without_document
    ),
    Mutation(
        "unchecked-claim-marked-not-in-report",
        "a claim about a report outside the corpus marked as not in the report",
        "CheckedClaimShape",
        unchecked_claim_marked_not_in_report,
    ),
    Mutation(
        "addressee-is-a-string",
        "a recommendation addressed to a string",
        "Recommendation-addressee",
        addressee_is_a_string,
    ),
    Mutation("duplicated-acronym", "one acronym given to two entities", "SharedNameCheck", duplicated_acronym),
    Mutation("shared-label", "two entities with the same label", "SharedNameCheck", shared_label),
    Mutation("second-english-label", "an entity with two English labels", "NamedEntity-label", second_english_label),
    Mutation(
        "dangling-reference",
        "a finding that concerns a misspelt organisation IRI",
        "DanglingReferenceCheck",
        dangling_reference,
    ),
    Mutation("node-without-class", "a finding whose rdf:type was deleted", "UntypedNodeCheck", node_without_class),
    Mutation("finding-without-theme", "a finding with no theme (a warning)", "ThemedFact-theme", finding_without_theme),
    Mutation("theme-from-wrong-scheme", "a finding whose theme is a measure", "Fact-theme", theme_from_wrong_scheme),
    Mutation(
        "two-polarities",
        "a finding that is both a strength and an area for improvement",
        "Finding-polarity",
        two_polarities,
    ),
    Mutation(
        "key-question-from-other-framework",
        "a key-question result measured against another framework's question",
        "KeyQuestionResult-question",
        key_question_from_other_framework,
    ),
    Mutation(
        "rating-standard-from-other-framework",
        "a rating on a standard of another framework",
        "Fact-standard-framework",
        rating_standard_from_other_framework,
    ),
    Mutation(
        "differing-claim-without-values",
        "a claim marked as differing that gives neither value",
        "DifferingClaimShape",
        differing_claim_without_values,
    ),
    Mutation(
        "numerator-above-denominator",
        "x of y with x greater than y",
        "Observation-numerator",
        numerator_above_denominator,
    ),
    Mutation("negative-count", "a count of -5", "Observation-value", negative_count),
    Mutation(
        "finding-iri-of-wrong-kind", "a finding minted under /id/rating/", "FindingShape", finding_iri_of_wrong_kind
    ),
    Mutation(
        "entity-without-evidence", "a PDU with no evidence quote", "NamedEntity-evidence", entity_without_evidence
    ),
    Mutation(
        "change-event-without-bodies",
        "a change event with neither original nor resulting body",
        "ChangeEventShape",
        change_event_without_bodies,
    ),
    Mutation("band-without-rank", "a rating band with no rank", "RatingBand-rank", band_without_rank),
    Mutation(
        "undocumented-term",
        "an ontology class whose definition was deleted",
        "UndocumentedTermCheck",
        undocumented_term,
    ),
    Mutation(
        "shared-measure-without-reason",
        "a measure two inspections share, its scope note deleted (a warning)",
        "SharedMeasureShape",
        shared_measure_without_its_reason,
    ),
    Mutation(
        "event-dated-against-its-sources",
        "an event whose sources disagree on its date given one of their dates",
        "DisputedDateShape",
        event_dated_against_its_sources,
    ),
]


def write_fixture(real: Real, applied: Applied, folder: Path) -> Path:
    """A copy of the project's ontology, graph and shapes with the one changed file; returns its root."""
    for part in PROJECT_PARTS:
        shutil.copytree(real.root / part, folder / part)
    (folder / applied.file).write_text(applied.text, encoding="utf-8")
    return folder


def mutated(real: Real, applied: Applied) -> DataGraph:
    """The real files with the changed one parsed from its new text: no other file is read again."""
    graph = rdflib.Graph()
    graph.parse(data=applied.text, format="turtle")
    return DataGraph({**real.data.parts, applied.file: graph}, real.data.ontology_files)


def report(data: DataGraph, shapes: validate.Shapes, fail_on: str) -> dict:
    """What `probkg validate --format json` prints for this data."""
    return json.loads(Report(validate.check(data, shapes, fail_on), sorted(data.parts), fail_on).json())


_SHARED: tuple[Real, validate.Shapes, str] | None = None
"""Set before the worker processes fork, so they inherit the parsed graph instead of re-reading it."""


def _validate_one(applied: Applied) -> dict:
    assert _SHARED is not None
    real, shapes, fail_on = _SHARED
    return report(mutated(real, applied), shapes, fail_on)


def validate_all(real: Real, shapes: validate.Shapes, applied: list[Applied], fail_on: str, workers: int) -> list[dict]:
    """Validate every fixture, in forked worker processes that share the graph parsed once."""
    global _SHARED
    _SHARED = (real, shapes, fail_on)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(_validate_one, applied, chunksize=1)
    finally:
        _SHARED = None


CAUGHT: dict[str, bool] = {}
"""Filled by test_mutations.py (mutation id -> caught), printed at the end of the run by conftest.py."""
