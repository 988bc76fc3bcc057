"""Measure a draft against the curated graph for the same inspection.

Both sides are read with the same SPARQL from RDF (the draft as written, the
curated graph as loaded), and compared by meaning, never by IRI:

* ratings: (standard or overall concept, band);
* key-question results: (key question concept, value);
* score: (value, out of);
* recommendations: one to one, same number (or both unnumbered), same
  addressees, and quotes that cover the same words of the report;
* findings: same polarity and quotes that cover the same words: the report
  spans their quotes select overlap by at least half of the shorter (many to
  many, since curators split a bullet that judges two things);
* entity links: pko:concerns of matched findings, each side against the union
  of its matches; also counted without the inspected body, which the
  curation rule puts on every finding.

Precision is the share of the draft's items that match, recall the share of
the curated items matched. "The same inspection" is the one the curated
graph's document with the same pko:corpusFile reports on (else the inspection
with the draft's ID).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from probkg.checks.evidence import normalise
from probkg.core.errors import InputError
from probkg.ingest.source import ReportText
from probkg.rdf.store import KnowledgeGraph
from probkg.rdf.vocab import ID_BASE

MIN_OVERLAP = 0.5


@dataclass
class Row:
    kind: str
    extracted: int
    curated: int
    correct: int  # draft items that match a curated one
    found: int  # curated items matched by the draft

    @property
    def precision(self) -> float | None:
        return self.correct / self.extracted if self.extracted else None

    @property
    def recall(self) -> float | None:
        return self.found / self.curated if self.curated else None


@dataclass
class Comparison:
    curated_inspection: str
    rows: list[Row]
    differences: list[str] = field(default_factory=list)

    def row(self, kind: str) -> Row:
        return next(r for r in self.rows if r.kind == kind)

    def as_json(self) -> dict[str, object]:
        """The table for programs: one object per row, precision and recall as numbers (null where undefined)."""
        return {
            "curated_inspection": self.curated_inspection,
            "rows": [
                {
                    "kind": r.kind,
                    "draft": r.extracted,
                    "curated": r.curated,
                    "correct": r.correct,
                    "found": r.found,
                    "precision": r.precision,
                    "recall": r.recall,
                }
                for r in self.rows
            ],
            "differences": self.differences,
        }

    def table(self, markdown: bool = False) -> str:
        head = ["kind", "draft", "curated", "correct", "found", "precision", "recall"]

        def fmt(value: float | None) -> str:
            return "n/a" if value is None else f"{value:.2f}"

        body = [
            [r.kind, str(r.extracted), str(r.curated), str(r.correct), str(r.found), fmt(r.precision), fmt(r.recall)]
            for r in self.rows
        ]
        if markdown:
            lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(["---"] + ["---:"] * 6) + " |"]
            lines += ["| " + " | ".join(row) + " |" for row in body]
            return "\n".join(lines)
        widths = [max(len(x[i]) for x in [head, *body]) for i in range(len(head))]
        out = [
            "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(x, widths, strict=True)))
            for x in [head, *body]
        ]
        return "\n".join(out)


# -- reading one side --------------------------------------------------------------------------


def _rows(kg: KnowledgeGraph, sparql: str) -> list[dict[str, str]]:
    return kg.select(sparql)


def _quotes(kg: KnowledgeGraph, inspection: str, cls: str, corpus_file: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in _rows(
        kg,
        f"""
        SELECT ?s ?exact WHERE {{
          ?s a {cls} ; pko:inspection <{inspection}> .
          OPTIONAL {{ ?s pko:hasEvidence ?q . ?q oa:hasSource/pko:corpusFile {_literal(corpus_file)} ;
                         oa:hasSelector/oa:exact ?exact }}
        }}""",
    ):
        texts = out.setdefault(row["s"], [])
        if "exact" in row:
            texts.append(row["exact"])
    return out


def _literal(text: str) -> str:
    """A SPARQL string literal for any text (a file name may hold quotes or line breaks)."""
    escapes = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return '"' + "".join(escapes.get(c, c) for c in text) + '"'


def _multi(kg: KnowledgeGraph, inspection: str, cls: str, prop: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for row in _rows(
        kg,
        f"""SELECT ?s ?o WHERE {{ ?s a {cls} ; pko:inspection <{inspection}> .
                                                 OPTIONAL {{ ?s {prop} ?o }} }}""",
    ):
        values = out.setdefault(row["s"], set())
        if "o" in row:
            values.add(row["o"])
    return out


class _Spans:
    """Where quotes sit in the report, as character intervals of its normalised text."""

    def __init__(self, report: ReportText) -> None:
        self.text = normalise(report.text)
        self._cache: dict[str, list[tuple[int, int]]] = {}

    def of(self, quotes: Iterable[str]) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for quote in quotes:
            q = normalise(quote)
            if q not in self._cache:
                found, start = [], self.text.find(q) if q else -1
                while start >= 0:
                    found.append((start, start + len(q)))
                    start = self.text.find(q, start + 1)
                self._cache[q] = found
            spans += self._cache[q]
        return _union(spans)


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _length(spans: list[tuple[int, int]]) -> int:
    return sum(e - s for s, e in spans)


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    total, i, j = 0, 0, 0
    while i < len(a) and j < len(b):
        total += max(0, min(a[i][1], b[j][1]) - max(a[i][0], b[j][0]))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def _same_words(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    """The overlap if it covers at least half of the shorter side, else 0."""
    shorter = min(_length(a), _length(b))
    shared = _overlap(a, b)
    return shared if shorter and shared >= MIN_OVERLAP * shorter else 0


@dataclass
class _Side:
    inspection: str
    bodies: set[str]
    ratings: set[tuple[str, str]]
    key_questions: set[tuple[str, Decimal]]
    score: set[tuple[Decimal, Decimal]]
    recommendations: dict[str, tuple[str | None, frozenset[str], list[tuple[int, int]]]]
    findings: dict[str, tuple[str, list[tuple[int, int]], set[str]]]


def _side(kg: KnowledgeGraph, inspection: str, spans: _Spans, corpus_file: str) -> _Side:
    ratings = {
        (r["std"], r["band"])
        for r in _rows(
            kg,
            f"""
        SELECT ?std ?band WHERE {{ ?r a pko:Rating ; pko:inspection <{inspection}> ;
                                     pko:standard ?std ; pko:band ?band }}""",
        )
    }
    kqs = {
        (r["kq"], Decimal(r["v"]))
        for r in _rows(
            kg,
            f"""
        SELECT ?kq ?v WHERE {{ ?o a pko:KeyQuestionResult ; pko:inspection <{inspection}> ;
                                 sosa:observedProperty ?kq ; pko:value ?v }}""",
        )
    }
    score = {
        (Decimal(r["v"]), Decimal(r.get("d", "0")))
        for r in _rows(
            kg,
            f"""
        SELECT ?v ?d WHERE {{ ?o pko:inspection <{inspection}> ; sosa:observedProperty measure:inspection-score ;
                                pko:value ?v OPTIONAL {{ ?o pko:denominator ?d }} }}""",
        )
    }
    bodies = {r["b"] for r in _rows(kg, f"SELECT ?b WHERE {{ <{inspection}> pko:inspectedBody ?b }}")}

    rec_quotes = _quotes(kg, inspection, "pko:Recommendation", corpus_file)
    addressees = _multi(kg, inspection, "pko:Recommendation", "pko:addressee")
    numbers = _multi(kg, inspection, "pko:Recommendation", "pko:number")
    recs = {
        s: (min(numbers[s], key=str) if numbers.get(s) else None, frozenset(addressees.get(s, ())), spans.of(q))
        for s, q in rec_quotes.items()
    }
    finding_quotes = _quotes(kg, inspection, "pko:Finding", corpus_file)
    polarity = _multi(kg, inspection, "pko:Finding", "pko:polarity")
    concerns = _multi(kg, inspection, "pko:Finding", "pko:concerns")
    findings = {
        s: (min(polarity.get(s) or {""}), spans.of(q), concerns.get(s, set())) for s, q in finding_quotes.items()
    }
    return _Side(inspection, bodies, ratings, kqs, score, recs, findings)


def curated_inspection(kg: KnowledgeGraph, corpus_file: str, inspection_id: str) -> str:
    rows = _rows(
        kg,
        f"""
        SELECT DISTINCT ?i WHERE {{ ?d pko:corpusFile {_literal(corpus_file)} ; pko:reportsOn ?i .
                                    ?i a pko:Inspection . ?r pko:inspection ?i }} ORDER BY ?i""",
    )
    if len(rows) == 1:
        return rows[0]["i"]
    fallback = f"{ID_BASE}inspection/{inspection_id}"
    if _rows(kg, f"SELECT ?t WHERE {{ <{fallback}> a ?t }}"):
        return fallback
    if len(rows) > 1:
        raise InputError(
            corpus_file,
            "the curated graph has several inspections reported by this file: " + ", ".join(r["i"] for r in rows),
        )
    raise InputError(
        corpus_file,
        "the curated graph has no inspection reported by this file (no document with "
        "this pko:corpusFile) and none with the --as ID: nothing to compare with",
    )


def _set_row(kind: str, draft: set, curated: set) -> Row:
    shared = len(draft & curated)
    return Row(kind, len(draft), len(curated), shared, shared)


def compare(
    draft_kg: KnowledgeGraph, draft_inspection: str, curated_kg: KnowledgeGraph, report: ReportText, inspection_id: str
) -> Comparison:
    corpus_file = report.text_name
    spans = _Spans(report)
    curated_iri = curated_inspection(curated_kg, corpus_file, inspection_id)
    d = _side(draft_kg, draft_inspection, spans, corpus_file)
    c = _side(curated_kg, curated_iri, spans, corpus_file)
    result = Comparison(curated_iri, [])
    differences = result.differences

    result.rows.append(_set_row("ratings", d.ratings, c.ratings))
    result.rows.append(_set_row("key-question results", d.key_questions, c.key_questions))
    if d.score or c.score:
        result.rows.append(_set_row("score", d.score, c.score))
    for label, mine, theirs in (
        ("rating", d.ratings, c.ratings),
        ("key-question result", d.key_questions, c.key_questions),
    ):
        differences += [f"{label} only in the draft: {_show(x)}" for x in sorted(mine - theirs, key=str)]
        differences += [f"{label} only in the curated graph: {_show(x)}" for x in sorted(theirs - mine, key=str)]

    # Recommendations: one to one, greedy by the words they share.
    pairs = []
    for ds, (dn, da, dsp) in d.recommendations.items():
        for cs, (cn, ca, csp) in c.recommendations.items():
            if dn == cn and da == ca and (shared := _same_words(dsp, csp)):
                pairs.append((shared, ds, cs))
    used_d: set[str] = set()
    used_c: set[str] = set()
    for _, ds, cs in sorted(pairs, key=lambda t: (-t[0], t[1], t[2])):
        if ds not in used_d and cs not in used_c:
            used_d.add(ds)
            used_c.add(cs)
    result.rows.append(Row("recommendations", len(d.recommendations), len(c.recommendations), len(used_d), len(used_c)))
    differences += [f"recommendation only in the draft: {_short(s)}" for s in sorted(set(d.recommendations) - used_d)]
    differences += [
        f"recommendation only in the curated graph: {_short(s)}" for s in sorted(set(c.recommendations) - used_c)
    ]

    # Findings: many to many by shared words and the same polarity.
    matches: dict[str, set[str]] = {s: set() for s in d.findings}
    matched_by: dict[str, set[str]] = {s: set() for s in c.findings}
    for ds, (dp, dsp, _) in d.findings.items():
        for cs, (cp, csp, _) in c.findings.items():
            if dp == cp and _same_words(dsp, csp):
                matches[ds].add(cs)
                matched_by[cs].add(ds)
    result.rows.append(
        Row(
            "findings",
            len(d.findings),
            len(c.findings),
            sum(1 for v in matches.values() if v),
            sum(1 for v in matched_by.values() if v),
        )
    )

    for kind, drop in (("entity links", set()), ("entity links (without the inspected body)", d.bodies | c.bodies)):
        extracted = curated = correct = found = 0
        for ds, cs_set in matches.items():
            if cs_set:
                ours = d.findings[ds][2] - drop
                curated_links = set().union(*(c.findings[cs][2] for cs in cs_set)) - drop
                extracted += len(ours)
                correct += len(ours & curated_links)
        for cs, ds_set in matched_by.items():
            if ds_set:
                curated_links = c.findings[cs][2] - drop
                ours = set().union(*(d.findings[ds][2] for ds in ds_set)) - drop
                curated += len(curated_links)
                found += len(curated_links & ours)
        result.rows.append(Row(kind, extracted, curated, correct, found))
    return result


def _short(iri: str) -> str:
    return iri.removeprefix(ID_BASE)


def _show(item: tuple) -> str:
    return " ".join(_short(str(x)) for x in item)


def _claims(
    kg: KnowledgeGraph, corpus_file: str, spans: _Spans, cls: str = "pko:Claim"
) -> dict[str, tuple[str, list[tuple[int, int]]]]:
    """Claims (or findings) quoted from the article (by its corpus file): verdict and the spans of their quotes."""
    quotes: dict[str, list[str]] = {}
    verdicts: dict[str, str] = {}
    for row in _rows(
        kg,
        f"""
        SELECT ?c ?exact ?verdict WHERE {{
          ?c a {cls} ; pko:hasEvidence ?q .
          ?q oa:hasSource/pko:corpusFile {_literal(corpus_file)} ; oa:hasSelector/oa:exact ?exact .
          OPTIONAL {{ ?c pko:verdict ?verdict }}
        }}""",
    ):
        quotes.setdefault(row["c"], []).append(row["exact"])
        verdicts[row["c"]] = row.get("verdict", "")
    return {c: (verdicts[c], spans.of(q)) for c, q in quotes.items()}


def compare_article(draft_kg: KnowledgeGraph, curated_kg: KnowledgeGraph, report: ReportText) -> Comparison:
    """An article's drafted claims against the curated claims quoted from the same article.

    Claims match (many to many) when their article quotes overlap by half the
    shorter; the verdict row counts, of the matched pairs, those with the same verdict.
    Where curators recorded the article's sentences as findings of the inspection
    (its report is not in the corpus), a third row matches the claims to those.
    """
    corpus_file = report.text_name
    spans = _Spans(report)
    mine, theirs = _claims(draft_kg, corpus_file, spans), _claims(curated_kg, corpus_file, spans)
    docs = _rows(curated_kg, f"SELECT ?i WHERE {{ ?d pko:corpusFile {_literal(corpus_file)} ; pko:reportsOn ?i }}")
    result = Comparison(docs[0]["i"] if docs else "", [])
    pairs = [(d, c) for d, (_, ds) in mine.items() for c, (_, cs) in theirs.items() if _same_words(ds, cs)]
    matched_d, matched_c = {d for d, _ in pairs}, {c for _, c in pairs}
    result.rows.append(Row("claims", len(mine), len(theirs), len(matched_d), len(matched_c)))
    agree_d = {d for d, c in pairs if mine[d][0] == theirs[c][0]}
    agree_c = {c for d, c in pairs if mine[d][0] == theirs[c][0]}
    result.rows.append(
        Row("claim verdicts (of matched claims)", len(matched_d), len(matched_c), len(agree_d), len(agree_c))
    )
    findings = _claims(curated_kg, corpus_file, spans, "pko:Finding")
    if findings:
        as_findings = [(d, f) for d, (_, ds) in mine.items() for f, (_, fs) in findings.items() if _same_words(ds, fs)]
        result.rows.append(
            Row(
                "claims against curated findings from the article",
                len(mine),
                len(findings),
                len({d for d, _ in as_findings}),
                len({f for _, f in as_findings}),
            )
        )
        matched_d |= {d for d, _ in as_findings}
    result.differences += [f"claim only in the draft: {_short(d)}" for d in sorted(set(mine) - matched_d)]
    result.differences += [f"claim only in the curated graph: {_short(c)}" for c in sorted(set(theirs) - matched_c)]
    result.differences += [
        f"verdict differs: {_short(d)} {_short(mine[d][0])} against {_short(c)} {_short(theirs[c][0])}"
        for d, c in sorted(pairs)
        if mine[d][0] != theirs[c][0]
    ]
    return result
