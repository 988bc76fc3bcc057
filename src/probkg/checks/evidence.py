"""Check that every fact in the graph is backed by words its source really contains.

The rule, stated once: a quote matches its document when, after both are
normalised by `normalise`, the quote is a substring of the document. Only
whitespace is normalised; case, punctuation and spelling must match exactly.
On top of that, every number an observation reports must appear, in digits or
(up to 999) in English words, in one of its quotes, and a claim that differs from the report must quote both
the value it claims and the value the report gives.

A fact read outside the corpus cites the public page instead: its evidence is a
quote node whose source is a page (a pko:SourceDocument with a schema:url and
no pko:corpusFile) and which has no selector, since no sentence of a page is
copied into the project. Such citations cannot be checked offline, so they are
counted apart (`counts`) rather than verified; a fact with neither a
verified quote nor a cited page is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from probkg.rdf.store import KnowledgeGraph
from probkg.rdf.vocab import EVIDENCED_KINDS, ID_BASE


def normalise(text: str) -> str:
    """Fold every run of whitespace to one space and trim the ends."""
    return " ".join(text.split())


UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
    " seventeen eighteen nineteen"
).split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(whole: int) -> list[str]:
    """How a whole number from 0 to 999 is written in English words: 72 as "seventy-two" or "seventy two".

    Sources write small numbers as words ("a vacancy rate of seven per cent",
    "Seventy-two per cent of respondents"); these are the forms the check accepts.
    """
    if not 0 <= whole < 1000:
        return []
    if whole < 20:
        return [UNITS[whole]]
    if whole < 100:
        tens, unit = divmod(whole, 10)
        return [TENS[tens]] if unit == 0 else [f"{TENS[tens]}-{UNITS[unit]}", f"{TENS[tens]} {UNITS[unit]}"]
    hundreds, rest = divmod(whole, 100)
    head = f"{UNITS[hundreds]} hundred"
    if rest == 0:
        return [head, "a hundred"] if hundreds == 1 else [head]
    return [f"{head} and {tail}" for tail in number_words(rest)]


def number_forms(value: str) -> list[str]:
    """How a number may be written in a source in digits: `2466` as 2466 or 2,466."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return [value]
    if number == number.to_integral_value():
        whole = int(number)
        return list(dict.fromkeys([str(whole), f"{whole:,}"]))
    text = format(number.normalize(), "f")
    return [text]


def _as_words(value: str) -> list[str]:
    try:
        number = Decimal(value)
    except InvalidOperation:
        return []
    return number_words(int(number)) if number == number.to_integral_value() else []


# A number word must stand alone: "two" is not read in "twenty-two", nor "seventy" in
# "seventy-two" or "seven hundred".
WORD_BEFORE = r"(?<![\w-])"
WORD_AFTER = r"(?![\w-]|\s+(?:and\s+)?(?:hundred|thousand|million)\b)"


def contains_number(text: str, value: str) -> bool:
    """True when `value` appears in `text` as a whole number, in digits or in words, not inside another."""
    for form in number_forms(value):
        if re.search(rf"(?<![\d.,]){re.escape(form)}(?![\d]|[.,]\d)", text):
            return True
    for words in _as_words(value):
        pattern = re.escape(words).replace(r"\ ", r"\s+")
        if re.search(rf"{WORD_BEFORE}{pattern}{WORD_AFTER}", text, re.IGNORECASE):
            return True
    return False


@dataclass(frozen=True)
class Failure:
    """One broken rule: which node, what is wrong, and the file it is in."""

    node: str
    problem: str
    file: str

    def __str__(self) -> str:
        return f"{self.file}: {self.node}: {self.problem}"


def _file_of(kg: KnowledgeGraph, graph: str | None) -> str:
    return kg.layout.file_of_graph(graph) if graph else "?"


def _short(iri: str) -> str:
    return iri.removeprefix(ID_BASE)


class SourceTexts:
    """The corpus, read once and normalised, keyed by file name."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._texts: dict[str, str | None] = {}

    def get(self, name: str) -> str | None:
        if name not in self._texts:
            path = self.folder / name
            self._texts[name] = normalise(path.read_text(encoding="utf-8")) if path.is_file() else None
        return self._texts[name]


def check(kg: KnowledgeGraph, sources: Path) -> list[Failure]:
    """Return every evidence failure in the graph; an empty list means all is proven."""
    texts = SourceTexts(sources)
    failures: list[Failure] = []
    quote_ok: dict[str, str] = {}  # quote IRI -> normalised exact text, if it checks out

    rows = kg.solutions("""
        SELECT ?q ?g ?doc ?file ?url ?sel ?exact ?prefix ?suffix WHERE {
          GRAPH ?g { ?q a pko:EvidenceQuote }
          OPTIONAL { ?q oa:hasSource ?doc OPTIONAL { ?doc pko:corpusFile ?file } OPTIONAL { ?doc schema:url ?url } }
          OPTIONAL { ?q oa:hasSelector ?sel OPTIONAL { ?sel oa:exact ?exact }
                     OPTIONAL { ?sel oa:prefix ?prefix } OPTIONAL { ?sel oa:suffix ?suffix } }
        }""")
    for row in rows:
        q, g = row["q"].value, _file_of(kg, row["g"].value)
        node = _short(q)
        if row["doc"] is None:
            failures.append(Failure(node, "quote has no oa:hasSource document", g))
            continue
        if row["file"] is None:
            doc = _short(row["doc"].value)
            if row["url"] is None:
                failures.append(
                    Failure(
                        node, f"source {doc} is neither a corpus document (pko:corpusFile) nor a page (schema:url)", g
                    )
                )
            elif row["sel"] is not None:
                failures.append(Failure(node, f"source {doc} is a page outside the corpus: cite it, never quote it", g))
            else:
                quote_ok[q] = ""  # a cited page: accepted, but nothing to check its words against
            continue
        if row["exact"] is None:
            failures.append(Failure(node, "quote has no oa:exact text", g))
            continue
        text = texts.get(row["file"].value)
        if text is None:
            failures.append(Failure(node, f"corpus file {row['file'].value} not found in {sources}", g))
            continue
        exact = normalise(row["exact"].value)
        if not exact:
            failures.append(Failure(node, "quote is empty", g))
            continue
        if exact not in text:
            failures.append(Failure(node, f'quote not found verbatim in {row["file"].value}: "{exact[:80]}"', g))
            continue
        for part in ("prefix", "suffix"):
            if row[part] is None:
                continue
            pieces = (row[part].value, exact) if part == "prefix" else (exact, row[part].value)
            if not any(normalise(sep.join(pieces)) in text for sep in ("", " ")):
                failures.append(Failure(node, f"oa:{part} does not adjoin the quote in {row['file'].value}", g))
        quote_ok[q] = exact

    kinds = " ".join(f"<{ID_BASE}{k}/>" for k in EVIDENCED_KINDS)
    rows = kg.solutions(f"""
        SELECT DISTINCT ?s ?g WHERE {{
          GRAPH ?g {{ ?s a ?type }}
          VALUES ?base {{ {kinds} }}
          FILTER(isIRI(?s) && STRSTARTS(STR(?s), STR(?base)))
          MINUS {{ ?s pko:hasEvidence ?q }}
          MINUS {{ ?s a pko:SourceDocument }}
        }}""")
    for row in rows:
        failures.append(Failure(_short(row["s"].value), "has no pko:hasEvidence quote", _file_of(kg, row["g"].value)))

    rows = kg.solutions("""
        SELECT DISTINCT ?s ?g ?q WHERE { GRAPH ?g { ?s pko:hasEvidence ?q } FILTER NOT EXISTS { ?q a pko:EvidenceQuote } }""")
    for row in rows:
        failures.append(
            Failure(
                _short(row["s"].value),
                f"evidence {_short(row['q'].value)} is not a declared pko:EvidenceQuote",
                _file_of(kg, row["g"].value),
            )
        )

    unsupported: dict[str, str] = {}
    for row in kg.solutions("SELECT DISTINCT ?s ?g ?q WHERE { GRAPH ?g { ?s pko:hasEvidence ?q } }"):
        s = row["s"].value
        if row["q"].value in quote_ok:
            unsupported[s] = ""
        else:
            unsupported.setdefault(s, _file_of(kg, row["g"].value))
    for s, file in unsupported.items():
        if file:
            failures.append(Failure(_short(s), "has neither a verified quote nor a cited page", file))

    failures += _check_numbers(kg, quote_ok)
    failures += _check_statement_numbers(kg, quote_ok)
    failures += _check_claims(kg, quote_ok)
    return failures


def _values_in_quotes(
    kg: KnowledgeGraph,
    quote_ok: dict[str, str],
    cls: str | None,
    props: tuple[str, ...],
) -> list[tuple[str, str, list[str], list[tuple[str, str]]]]:
    """For each instance of `cls` (of any class if None): its file, verified quote texts and values of `props`.

    Instances whose evidence is missing or broken are skipped: that is reported already.
    """
    quotes: dict[str, tuple[str, list[str]]] = {}
    of_class = f"?c rdfs:subClassOf* {cls}" if cls else ""
    for row in kg.solutions(f"""SELECT ?s ?g ?q WHERE {{
            GRAPH ?g {{ ?s a ?c }} {of_class}
            OPTIONAL {{ ?s pko:hasEvidence ?q }} }}"""):
        file, texts = quotes.setdefault(row["s"].value, (_file_of(kg, row["g"].value), []))
        if row["q"] is not None and quote_ok.get(row["q"].value):
            texts.append(quote_ok[row["q"].value])
    values: dict[str, list[tuple[str, str]]] = {}
    for row in kg.solutions(f"SELECT ?s ?p ?v WHERE {{ ?s ?p ?v VALUES ?p {{ {' '.join(props)} }} }}"):
        values.setdefault(row["s"].value, []).append(("pko:" + row["p"].value.rsplit("#", 1)[1], row["v"].value))
    return [(s, file, texts, values.get(s, [])) for s, (file, texts) in quotes.items() if texts]


def _check_numbers(kg: KnowledgeGraph, quote_ok: dict[str, str]) -> list[Failure]:
    """Every number an observation reports appears, in digits or words, in one of its quotes."""
    failures = []
    for s, file, texts, values in _values_in_quotes(
        kg, quote_ok, "pko:Observation", ("pko:value", "pko:numerator", "pko:denominator")
    ):
        if not any(p == "pko:value" for p, _ in values):
            failures.append(Failure(_short(s), "observation has no pko:value", file))
        for prop, value in values:
            if not any(contains_number(t, value) for t in texts):
                failures.append(Failure(_short(s), f"{prop} {value} does not appear in any of its quotes", file))
    return failures


STATEMENT_NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")


def _check_statement_numbers(kg: KnowledgeGraph, quote_ok: dict[str, str]) -> list[Failure]:
    """A number written in digits in a statement of ours appears in one of the fact's quotes.

    Statements are our own words, but a figure in them is a fact: it must come
    from the evidence, never from inference (a year worked out from "last year").
    """
    failures = []
    for s, file, texts, values in _values_in_quotes(kg, quote_ok, None, ("pko:statement",)):
        for _, statement in values:
            for number in STATEMENT_NUMBER.findall(statement):
                number = number.rstrip(",")
                if not any(contains_number(t, number.replace(",", "")) or number in t for t in texts):
                    failures.append(
                        Failure(_short(s), f"the number {number} in its statement is in none of its quotes", file)
                    )
    return failures


def _check_claims(kg: KnowledgeGraph, quote_ok: dict[str, str]) -> list[Failure]:
    """A claim's claimed and reported values each occur in one of its quotes."""
    failures = []
    for s, file, texts, values in _values_in_quotes(
        kg, quote_ok, "pko:Claim", ("pko:claimedValue", "pko:reportedValue")
    ):
        for prop, value in values:
            if not any(normalise(value) in t for t in texts):
                failures.append(Failure(_short(s), f'{prop} "{value[:60]}" does not occur in any of its quotes', file))
    return failures


def counts(kg: KnowledgeGraph) -> tuple[int, int]:
    """Quotes of corpus words (checkable here), and facts that cite pages outside the corpus (not checkable offline)."""
    quoted = kg.select("SELECT (COUNT(DISTINCT ?q) AS ?n) WHERE { ?q a pko:EvidenceQuote ; oa:hasSelector ?sel }")
    cited = kg.select("""
        SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {
          ?s pko:hasEvidence ?q . ?q oa:hasSource ?doc . ?doc schema:url ?url
          FILTER NOT EXISTS { ?doc pko:corpusFile ?file }
        }""")
    return int(quoted[0]["n"]), int(cited[0]["n"])
