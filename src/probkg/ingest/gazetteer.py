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
* a label that names two entities is ambiguous: the match is reported, not
  linked.

`candidates` lists what looks like a name but is not in the gazetteer:
unknown acronyms and runs of capitalised words, for a curator to add.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

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


def tokens(text: str) -> list[Token]:
    folded = straight_apostrophes(text)
    return [Token(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(folded)]


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
        self, labels: list[tuple[str, str]], entities: dict[str, Entity], known_terms: set[str] | None = None
    ) -> None:
        self.entities = entities
        self.root = _Node()
        self.acronyms: set[str] = set(known_terms or ())
        self.size = 0
        for iri, label in labels:
            toks = tuple(t.text for t in tokens(label))
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
        return cls(labels, entities, known)

    def find(self, text: str) -> list[Match]:
        """Every label occurrence kept by longest-match-first, in text order."""
        return [match for match, _ in self._find(tokens(text), text)]

    def _find(self, toks: list[Token], text: str) -> list[tuple[Match, range]]:
        found: list[tuple[Match, range]] = []
        for i in range(len(toks)):
            node = self.root
            j = i
            while j < len(toks) and (node := node.children.get(fold(toks[j].text))) is not None:
                j += 1
                iris: set[str] = set()
                for label_toks, label_iris in node.ends.items():
                    if all(
                        a == b or (not is_acronym(a) and fold(a) == fold(b))
                        for a, b in zip(label_toks, (t.text for t in toks[i:j]), strict=True)
                    ):
                        iris |= label_iris
                if iris:
                    start, end = toks[i].start, toks[j - 1].end
                    found.append((Match(start, end, text[start:end], tuple(sorted(iris))), range(i, j)))
        found.sort(key=lambda f: (-(f[0].end - f[0].start), f[0].start))
        used = [False] * len(toks)
        kept: list[tuple[Match, range]] = []
        for match, span in found:
            if not any(used[k] for k in span):
                kept.append((match, span))
                for k in span:
                    used[k] = True
        return sorted(kept, key=lambda f: f[0].start)

    def link(self, text: str) -> tuple[list[str], list[Match]]:
        """The entities a text names (in order, once each) and its ambiguous matches."""
        linked: list[str] = []
        ambiguous: list[Match] = []
        for match in self.find(text):
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
