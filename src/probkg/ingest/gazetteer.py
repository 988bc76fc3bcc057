"""Entity linking: find the graph's named entities in a text by their labels.

The gazetteer is built from every rdfs:label, skos:prefLabel and
skos:altLabel of the named entities in graph/ (organisations, people, places,
programmes, services, initiatives, contracts, systems, arrangements,
legislation). Matching works on word tokens, so a name never matches inside a
longer word:

* longest match first: every label occurrence is found, then the longest are
  kept and anything overlapping them dropped ("NPS in Wales" wins over "NPS"
  and "Wales");
* acronyms are matched case-sensitively: a token of a label with two or more
  capitals ("HMPPS", "ViSOR", "MoJ") must appear exactly so; other words are
  compared as `probkg.rdf.names.fold` compares every name, so case, accents
  and curly or straight apostrophes do not matter ("children’s services",
  "The Probation Service");
* a name is a sequence of words, and the fold makes "&" the word "and" and
  erases commas, so a comma between words is optional ("Kent, Surrey & Sussex
  CRC" is "Kent Surrey and Sussex CRC"); a possessive "'s" is its own token, so
  "the CRC's staff" still names the CRC;
* the inspectorate's interchangeable spellings are one name: "HM", "Her
  Majesty's" and "His Majesty's"; "PDU" and "Probation Delivery Unit"; "CRC"
  and "Community Rehabilitation Company" (`name_variants`);
* given the date of a document, a name links only to a body that existed by
  then (`Lifespan`): in a 2019 text "probation service in Wales" is not the
  region created at unification in 2021. A body that had already ended may
  still be named (a 2019 article recalls Working Links after its collapse),
  but where one name fits several bodies, those existing at the date win;
* a label that names two entities is ambiguous: the match is reported, not
  linked.

`candidates` lists what looks like a name but is not in the gazetteer:
unknown acronyms and runs of capitalised words, for a curator to add.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from probkg.rdf.names import Label, fold, preferred_label, straight_apostrophes
from probkg.rdf.store import KnowledgeGraph
from probkg.rdf.vocab import ENTITY_KINDS, ID_BASE

_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
_CONNECTORS = {"of", "and", "for", "the", "in", "on", "&"}
_STARTERS = {
    "The",
    "A",
    "An",
    "This",
    "These",
    "That",
    "Those",
    "In",
    "At",
    "Of",
    "For",
    "By",
    "On",
    "As",
    "Our",
    "We",
    "It",
    "Its",
    "All",
    "Some",
    "Most",
    "Many",
    "There",
    "Both",
    "Across",
    "While",
    "Although",
    "However",
    "Despite",
    "Each",
    "Every",
    "Senior",
    "Staff",
    "Leaders",
}
STOP_ACRONYMS = {"HM", "CBE", "OK", "UK"}
"""Capitalised tokens that are titles or honours, not names of entities, never reported."""


def is_acronym(token: str) -> bool:
    """Two or more capital letters in one word: HMPPS, ViSOR, MoJ, PQiP, SEEDS2."""
    return sum(1 for c in token if c.isupper()) >= 2 and token[0].isalpha()


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


_POSSESSIVE = "'s"


def _optional(token: str) -> bool:
    """A token the fold erases (a comma), which a name may carry or leave out: "Kent, Surrey" is "Kent Surrey"."""
    return not fold(token)


def tokens(text: str) -> list[Token]:
    """Word and punctuation tokens; a possessive "'s" is split off its word ("CRC's" is "CRC" + "'s")."""
    folded = straight_apostrophes(text)
    out = []
    for m in _TOKEN.finditer(folded):
        word, start, end = m.group(0), m.start(), m.end()
        if len(word) > 2 and word[-2:].lower() == _POSSESSIVE:
            out += [Token(word[:-2], start, end - 2), Token(word[-2:], end - 2, end)]
        else:
            out.append(Token(word, start, end))
    return out


_HEADS = ("HM ", "Her Majesty's ", "His Majesty's ")
_TAILS = ((" PDU", " Probation Delivery Unit"), (" CRC", " Community Rehabilitation Company"))


def name_variants(label: str) -> set[str]:
    """A label and the spellings the inspectorate uses for it interchangeably.

    "HM Inspectorate of Probation" is also "Her Majesty's ..." and "His
    Majesty's ..." (the title changed with the monarch in 2022); a name ending
    "PDU" or "CRC" is also spelled out, and the other way round.
    """
    names = {straight_apostrophes(label)}
    for head in _HEADS:
        for name in list(names):
            if name.startswith(head):
                names |= {other + name[len(head) :] for other in _HEADS}
    for short, long in _TAILS:
        for name in list(names):
            if name.endswith(short):
                names.add(name[: -len(short)] + long)
            elif name.endswith(long):
                names.add(name[: -len(long)] + short)
    return names


def _day(lexical: str, last: bool, precision: str | None = None) -> date:
    """The first (or last) day of a date given to year, month or day precision ("2019", "2019-02", "2019-02-15").

    A `precision` ("year", "month", "day") widens a full date that stands for a month or a year.
    """
    parts = [int(p) for p in lexical[:10].split("-")]
    if precision == "year":
        parts = parts[:1]
    elif precision == "month":
        parts = parts[:2]
    year, month, day = (parts + [0, 0])[:3]
    if not month:
        return date(year, 12, 31) if last else date(year, 1, 1)
    if not day:
        return date(year, month, calendar.monthrange(year, month)[1]) if last else date(year, month, 1)
    return date(year, month, day)


@dataclass(frozen=True)
class Lifespan:
    """When a body existed, as far as the graph's change events date it: None is unknown (no limit)."""

    start: date | None = None
    end: date | None = None

    def begun(self, when: date) -> bool:
        """True unless the body is known to have begun after `when`: a text cannot name a body yet to come."""
        return self.start is None or self.start <= when

    def covers(self, when: date) -> bool:
        """True unless the body is known to have begun after `when` or ended before it."""
        return self.begun(when) and (self.end is None or when <= self.end)


@dataclass(frozen=True)
class Entity:
    iri: str
    label: str  # preferred label, for messages
    is_body: bool  # an organisation, unit or arrangement: may be an addressee or a rated body
    is_person: bool


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    text: str
    entities: tuple[str, ...]  # one IRI, or several when ambiguous

    @property
    def ambiguous(self) -> bool:
        return len(self.entities) > 1


@dataclass
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    # label tokens as written, and the entities with that label
    ends: dict[tuple[str, ...], set[str]] = field(default_factory=dict)


class Gazetteer:
    """Labels of the graph's named entities, matched longest first."""

    def __init__(
        self,
        labels: list[tuple[str, str]],
        entities: dict[str, Entity],
        known_terms: set[str] | None = None,
        lifespans: dict[str, Lifespan] | None = None,
    ) -> None:
        self.entities = entities
        self.lifespans = lifespans or {}
        self.root = _Node()
        self.acronyms: set[str] = set(known_terms or ())
        self.size = 0
        for iri, label in labels:
            for name in name_variants(label):
                toks = tuple(t.text for t in tokens(name) if not _optional(t.text))
                if not toks:
                    continue
                node = self.root
                for tok in toks:
                    node = node.children.setdefault(fold(tok), _Node())
                node.ends.setdefault(toks, set()).add(iri)
                self.size += 1
                self.acronyms.update(t for t in toks if is_acronym(t))

    @classmethod
    def from_graph(cls, kg: KnowledgeGraph) -> Gazetteer:
        kinds = " ".join(f"<{ID_BASE}{k}/>" for k in ENTITY_KINDS)
        rows = kg.select(f"""
            SELECT ?s ?label WHERE {{
              VALUES ?base {{ {kinds} }}
              ?s rdfs:label|skos:prefLabel|skos:altLabel ?label .
              FILTER(isIRI(?s) && STRSTARTS(STR(?s), STR(?base)))
              FILTER NOT EXISTS {{ ?s owl:deprecated true }}  # a former IRI: text links to its replacement
            }}""")
        labels = [(r["s"], r["label"]) for r in rows]
        bodies = {
            r["s"]
            for r in kg.select("""
            SELECT DISTINCT ?s WHERE {
              ?s a/rdfs:subClassOf* ?c .
              VALUES ?c { org:Organization org:FormalOrganization org:OrganizationalUnit
                          org:OrganizationalCollaboration }
            }""")
        }
        people = {r["s"] for r in kg.select("SELECT DISTINCT ?s WHERE { ?s a/rdfs:subClassOf* pko:Person }")}
        candidates: dict[str, list[Label]] = defaultdict(list)
        for r in kg.select(
            "SELECT ?s ?p ?x (LANG(?x) AS ?lang) WHERE { VALUES ?p { skos:prefLabel rdfs:label } ?s ?p ?x }"
        ):
            candidates[r["s"]].append((r["p"], r["x"], r.get("lang")))
        preferred = {iri: preferred_label(found) for iri, found in candidates.items()}
        entities = {
            iri: Entity(iri, preferred.get(iri, iri.rsplit("/", 1)[-1]), iri in bodies, iri in people)
            for iri, _ in labels
        }
        # Acronyms the ontology gives classes ("PDU", "CRC") are known words, not unknown names.
        known = {
            t.text
            for r in kg.select("""
                    SELECT ?l WHERE { ?c a owl:Class ; skos:altLabel|rdfs:label ?l }""")
            for t in tokens(r["l"])
            if is_acronym(t.text)
        }
        return cls(labels, entities, known, lifespans(kg))

    def find(self, text: str, when: date | None = None) -> list[Match]:
        """Every label occurrence kept by longest-match-first, in text order; with `when`, only bodies existing then."""
        return [match for match, _ in self._find(tokens(text), text, when)]

    def _find(self, toks: list[Token], text: str, when: date | None = None) -> list[tuple[Match, range]]:
        found: list[tuple[Match, range]] = []
        words = [k for k, t in enumerate(toks) if not _optional(t.text)]
        for i in range(len(words)):
            node = self.root
            j = i
            while j < len(words) and (child := node.children.get(fold(toks[words[j]].text))) is not None:
                node = child
                j += 1
                iris: set[str] = set()
                for label_toks, label_iris in node.ends.items():
                    if all(
                        a == b or (not is_acronym(a) and fold(a) == fold(b))
                        for a, b in zip(label_toks, (toks[k].text for k in words[i:j]), strict=True)
                    ):
                        iris |= label_iris
                if when is not None:
                    iris = self._at(iris, when)
                if iris:
                    first, last = words[i], words[j - 1]
                    start, end = toks[first].start, toks[last].end
                    found.append((Match(start, end, text[start:end], tuple(sorted(iris))), range(first, last + 1)))
        found.sort(key=lambda f: (-(f[0].end - f[0].start), f[0].start))
        used = [False] * len(toks)
        kept: list[tuple[Match, range]] = []
        for match, span in found:
            if not any(used[k] for k in span):
                kept.append((match, span))
                for k in span:
                    used[k] = True
        return sorted(kept, key=lambda f: f[0].start)

    def _at(self, iris: set[str], when: date) -> set[str]:
        """The bodies a name can mean in a text of date `when`: begun by then, and among several the living."""
        spans = {iri: self.lifespans.get(iri, Lifespan()) for iri in iris}
        begun = {iri for iri in iris if spans[iri].begun(when)}
        living = {iri for iri in begun if spans[iri].covers(when)}
        return living if len(begun) > 1 and living else begun

    def link(self, text: str, when: date | None = None) -> tuple[list[str], list[Match]]:
        """The entities a text names (in order, once each) and its ambiguous matches; `when` as for `find`."""
        linked: list[str] = []
        ambiguous: list[Match] = []
        for match in self.find(text, when):
            if match.ambiguous:
                ambiguous.append(match)
            elif match.entities[0] not in linked:
                linked.append(match.entities[0])
        return linked, ambiguous

    def candidates(self, text: str) -> Counter[tuple[str, str]]:
        """Unlinked names in a text: ("acronym", "PSO") and ("name", "Building Choices") with counts."""
        toks = tokens(text)
        folded = straight_apostrophes(text)
        covered = [False] * len(toks)
        for _, span in self._find(toks, text):
            for k in span:
                covered[k] = True

        out: Counter[tuple[str, str]] = Counter()
        run: list[Token] = []

        def flush() -> None:
            while run and run[-1].text.lower() in _CONNECTORS:
                run.pop()
            while run and run[0].text in _STARTERS:
                run.pop(0)
            capitals = [t for t in run if t.text[:1].isupper()]
            if len(capitals) >= 2 and not all(is_acronym(t.text) for t in capitals):
                out[("name", folded[run[0].start : run[-1].end])] += 1
            run.clear()

        for k, tok in enumerate(toks):
            word = tok.text
            free = not covered[k]
            if is_acronym(word) and free:
                bare = word[:-1] if word.endswith("s") and is_acronym(word[:-1]) else word
                if bare not in self.acronyms and word not in self.acronyms and bare not in STOP_ACRONYMS:
                    out[("acronym", word)] += 1
            capital = word[:1].isupper() and word[:1].isalpha()
            if free and (capital or (run and word.lower() in _CONNECTORS)):
                sentence_start = k == 0 or toks[k - 1].text in {".", ":", ";", "!", "?", "(", "-", "–", "•"}
                if capital and sentence_start and not run and word in _STARTERS:
                    continue
                run.append(tok)
            else:
                flush()
        flush()
        return out

    def entity(self, iri: str) -> Entity | None:
        return self.entities.get(iri)


def lifespans(kg: KnowledgeGraph) -> dict[str, Lifespan]:
    """When each body began and ended, from the dated change events that create or replace it.

    A unit can neither predate nor outlive the bodies it is part of
    (org:subOrganizationOf, to any depth): its start is the latest start along
    the chain and its end the earliest end, so the PDUs of a region begin with
    the region and the teams of an NPS division end with the NPS. The saved
    query `bodies-in-region` applies the same rule in SPARQL.
    """
    start: dict[str, date] = {}
    end: dict[str, date] = {}
    for r in kg.select("""
        SELECT ?s ?role ?d ?precision WHERE {
          ?e a org:ChangeEvent ; pko:date ?d .
          OPTIONAL { ?e pko:datePrecision ?p BIND(REPLACE(STR(?p), "^.*precision-", "") AS ?precision) }
          { ?e org:resultingOrganization ?s BIND("start" AS ?role) } UNION { ?e org:originalOrganization ?s BIND("end" AS ?role) }
        }"""):
        if r["role"] == "start":
            day = _day(r["d"], last=False, precision=r.get("precision"))
            start[r["s"]] = min(day, start.get(r["s"], day))
        else:
            day = _day(r["d"], last=True, precision=r.get("precision"))
            end[r["s"]] = max(day, end.get(r["s"], day))
    parents: dict[str, list[str]] = {}
    for r in kg.select("SELECT ?s ?parent WHERE { ?s org:subOrganizationOf ?parent }"):
        parents.setdefault(r["s"], []).append(r["parent"])

    def along(
        iri: str, own: dict[str, date], pick: Callable[[list[date]], date], seen: frozenset[str] = frozenset()
    ) -> date | None:
        found = [own[iri]] if iri in own else []
        found += [d for p in parents.get(iri, ()) if p not in seen if (d := along(p, own, pick, seen | {iri}))]
        return pick(found) if found else None

    bodies = set(start) | set(end) | set(parents)
    spans = {iri: Lifespan(along(iri, start, max), along(iri, end, min)) for iri in bodies}
    return {iri: span for iri, span in spans.items() if span != Lifespan()}
