"""How names are compared: the one folding rule for labels, acronyms and what users type.

Lint's shared-name check warns when entity linking will be ambiguous, the
gazetteer links names in report text, ingest matches printed headings to
framework labels, the graph views resolve what a user types, and the saved
query `entity-search` finds entities by name. They must all treat two
spellings of a name as the same or all as different, or lint passes a name
that linking then cannot place. So the rule lives here, once:

* the curly apostrophes (‘ ’, and the modifier letter ʼ that some word
  processors insert) are the straight one, so "Her Majesty’s Inspectorate" and
  "Her Majesty's Inspectorate" are one name;
* compatibility forms are decomposed and accents dropped (NFKD without
  combining marks: "ﬁ" is "fi", "é" is "e");
* case is folded (`str.casefold`);
* "&" is the word "and", and a comma is a space: the inspectorate prints
  "Bury & Rochdale" beside "Bury and Rochdale", and "Kent, Surrey and Sussex"
  beside "Kent Surrey and Sussex";
* runs of whitespace are one space, and none at either end.

IRIs are minted from the same folded name (`slug`: README "IRIs",
`docs/curation.md`), so a curator, ingest and the test over every IRI in
`graph/` derive one slug from one name.

SPARQL has no Unicode normalisation, so `SPARQL_FOLD` (used by
`queries/entity-search.rq`) does every step but the accents and compatibility
forms; a test checks that the two agree on every label in the graph.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

APOSTROPHES = "\u2018\u2019\u02bc"
"""Characters read as the straight apostrophe: left and right single quotation marks, modifier letter apostrophe."""

_TO_STRAIGHT = str.maketrans(dict.fromkeys(APOSTROPHES, "'"))

_SPARQL_STRAIGHT = f'REPLACE(STR({{}}), "[{APOSTROPHES}]", "\'")'
_SPARQL_AND = f'REPLACE({_SPARQL_STRAIGHT}, "&", " and ")'
_SPARQL_SPACES = f'REPLACE({_SPARQL_AND}, "[\\\\s,]+", " ")'
SPARQL_FOLD = f'LCASE(REPLACE({_SPARQL_SPACES}, "^ | $", ""))'
"""The part of `fold` a SPARQL query can do (apostrophes, "&", commas and spacing, then case), with `{}` for the
expression folded."""


def straight_apostrophes(text: str) -> str:
    """Curly apostrophes made straight, character for character, so offsets into the text stay valid."""
    return text.translate(_TO_STRAIGHT)


def fold(name: str) -> str:
    """A name as every comparison of names sees it: apostrophes, accents, case, "&", commas and spacing folded."""
    decomposed = unicodedata.normalize("NFKD", straight_apostrophes(name).casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("&", " and ").replace(",", " ").split())


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(name: str) -> str:
    """The slug of a named thing's IRI: its name folded (`fold`, which reads `&` as "and"),
    apostrophes dropped, and every other run of characters other than a-z and 0-9 one hyphen,
    none at either end ("Women's Centres & Hubs" is `womens-centres-and-hubs`)."""
    folded = fold(name).replace("'", "")
    return _NOT_SLUG.sub("-", folded).strip("-")


LABEL_PREDICATES = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
)
"""The predicates a display label is taken from, the preferred first."""

Label = tuple[str, str, str | None]
"""A candidate label: the predicate's IRI, the text, and its language tag (None for none)."""


def label_rank(label: Label) -> tuple[int, bool, str, str]:
    """Orders candidate labels, best first: `skos:prefLabel` before `rdfs:label`, English
    (or untagged) before other languages, then by text, so every store picks the same one
    whatever order it lists them in."""
    predicate, text, language = label
    return (LABEL_PREDICATES.index(predicate), language not in (None, "", "en"), text, language or "")


def preferred_label(labels: Iterable[Label]) -> str:
    """The label people see for a node, from its candidate labels (`label_rank`); "" when it has none."""
    best = min((label for label in labels if label[0] in LABEL_PREDICATES), key=label_rank, default=None)
    return "" if best is None else best[1]
