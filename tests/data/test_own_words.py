"""The project's own words: definitions, statements and notes are not copied from the sources.

Sentences from the sources belong only in evidence quotes (`oa:exact`). A run of
ten or more consecutive words shared with a source document is treated as
copying; shorter runs are names and set phrases ("the probation planning,
assurance and implementation team") that any paraphrase keeps.
"""

from __future__ import annotations

import re

from probkg import KnowledgeGraph
from probkg.core.paths import Layout

RUN = 10
WORD = re.compile(r"[\w’'-]+")


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def test_no_definition_statement_or_note_copies_a_source(kg: KnowledgeGraph, lay: Layout) -> None:
    corpus = (
        " " + " ".join(" ".join(words(p.read_text(encoding="utf-8"))) for p in sorted(lay.sources.glob("*.txt"))) + " "
    )
    rows = kg.select("""SELECT ?s ?p ?o WHERE {
        ?s ?p ?o VALUES ?p { skos:definition pko:statement pko:targetGroup pko:editorialNote rdfs:comment } }""")
    assert len(rows) > 1000
    copied = []
    for row in rows:
        w = words(row["o"])
        for i in range(len(w) - RUN + 1):
            if f" {' '.join(w[i : i + RUN])} " in corpus:
                copied.append(f"{row['s']} {row['p'].rsplit('#', 1)[1]}: ...{' '.join(w[i : i + RUN])}...")
                break
    assert copied == []
