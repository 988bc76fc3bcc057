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
* runs of whitespace are one space, and none at either end.

SPARQL has no Unicode normalisation, so `SPARQL_FOLD` (used by
`queries/entity-search.rq`) folds apostrophes and case only; a test checks that
the two agree on every label in the graph.
"""

from __future__ import annotations

import unicodedata

APOSTROPHES = "\u2018\u2019\u02bc"
"""Characters read as the straight apostrophe: left and right single quotation marks, modifier letter apostrophe."""

_TO_STRAIGHT = str.maketrans(dict.fromkeys(APOSTROPHES, "'"))

SPARQL_FOLD = f'LCASE(REPLACE(STR({{}}), "[{APOSTROPHES}]", "\'"))'
"""The part of `fold` a SPARQL query can do (apostrophes, then case), with `{}` for the expression folded."""


def straight_apostrophes(text: str) -> str:
    """Curly apostrophes made straight, character for character, so offsets into the text stay valid."""
    return text.translate(_TO_STRAIGHT)


def fold(name: str) -> str:
    """A name as every comparison of names sees it: apostrophes, accents, case and spacing folded."""
    decomposed = unicodedata.normalize("NFKD", straight_apostrophes(name).casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())
