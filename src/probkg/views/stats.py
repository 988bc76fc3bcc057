"""Counts that tell a curator what the graph knows: per class and per inspection."""

from __future__ import annotations

from probkg.rdf.store import KnowledgeGraph


def class_counts(kg: KnowledgeGraph) -> list[tuple[str, int]]:
    """Instances per class of our own ontology, most frequent first."""
    rows = kg.select("""
        SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {
          ?s a ?c FILTER(STRSTARTS(STR(?c), STR(pko:)))
        } GROUP BY ?c ORDER BY DESC(?n) ?c""")
    return [(r["c"].rsplit("#", 1)[1], int(r["n"])) for r in rows]


INSPECTION_COUNTS = """
SELECT ?inspection ?label
  (SUM(IF(?kind = "rating", 1, 0)) AS ?ratings)
  (SUM(IF(?kind = "kq", 1, 0)) AS ?key_questions)
  (SUM(IF(?kind = "statistic", 1, 0)) AS ?statistics)
  (SUM(IF(?kind = "recommendation", 1, 0)) AS ?recommendations)
  (SUM(IF(?kind = "strength", 1, 0)) AS ?strengths)
  (SUM(IF(?kind = "afi", 1, 0)) AS ?areas_for_improvement)
  (SUM(IF(?kind = "claim", 1, 0)) AS ?claims)
WHERE {
  ?inspection a pko:Inspection .
  OPTIONAL { ?inspection rdfs:label ?label }
  OPTIONAL {
    ?x pko:inspection ?inspection .
    {
      ?x a pko:Rating . BIND("rating" AS ?kind)
    } UNION {
      ?x a pko:KeyQuestionResult . BIND("kq" AS ?kind)
    } UNION {
      ?x a pko:Statistic . BIND("statistic" AS ?kind)
    } UNION {
      ?x a pko:Recommendation . BIND("recommendation" AS ?kind)
    } UNION {
      ?x a pko:Finding ; pko:polarity ?p .
      BIND(IF(?p = vocab:strength, "strength", "afi") AS ?kind)
    } UNION {
      ?x a pko:Claim . BIND("claim" AS ?kind)
    }
  }
} GROUP BY ?inspection ?label ORDER BY ?inspection
"""


def inspection_counts(kg: KnowledgeGraph) -> list[dict[str, str]]:
    """What the graph holds for each inspection."""
    return kg.select(INSPECTION_COUNTS)
