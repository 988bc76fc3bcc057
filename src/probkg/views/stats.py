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


BODY_COUNTS = {
    "regions of the Probation Service": """
        SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a pko:Region ; org:subOrganizationOf organisation:probation-service }""",
    "probation delivery units": """
        SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a pko:ProbationDeliveryUnit }""",
    "PDUs whose region no page names": """
        SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {
          ?x a pko:ProbationDeliveryUnit ; org:subOrganizationOf organisation:probation-service }""",
    "community rehabilitation companies": """
        SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {
          ?x a pko:CommunityRehabilitationCompany
          MINUS { ?x org:subOrganizationOf ?crc . ?crc a pko:CommunityRehabilitationCompany } }""",
    "CRCs with a known owner": """
        SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {
          ?x a pko:CommunityRehabilitationCompany . ?o pko:ownedBody ?x ; pko:owner ?owner
          MINUS { ?x org:subOrganizationOf ?crc . ?crc a pko:CommunityRehabilitationCompany } }""",
    "CRCs with a dated ownership": """
        SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {
          ?x a pko:CommunityRehabilitationCompany . ?o pko:ownedBody ?x ; schema:startDate|schema:endDate ?d
          MINUS { ?x org:subOrganizationOf ?crc . ?crc a pko:CommunityRehabilitationCompany } }""",
    "owners of CRCs": """
        SELECT (COUNT(DISTINCT ?owner) AS ?n) WHERE { ?o pko:ownedBody/a pko:CommunityRehabilitationCompany ; pko:owner ?owner }""",
    "NPS divisions": """
        SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a pko:Division ; org:subOrganizationOf organisation:national-probation-service }""",
    "chief inspectors of probation since 2014": """
        SELECT (COUNT(DISTINCT ?person) AS ?n) WHERE {
          ?m org:role vocab:chief-inspector-of-probation ; org:member ?person .
          OPTIONAL { ?m schema:endDate ?end }
          FILTER(!BOUND(?end) || SUBSTR(STR(?end), 1, 4) >= "2014") }""",
}
"""What the reference data knows of the bodies of probation in England and Wales, by question."""


def body_counts(kg: KnowledgeGraph) -> list[tuple[str, int]]:
    """How many regions, PDUs, CRCs (with owners), NPS divisions and chief inspectors the graph holds."""
    return [(what, int(kg.select(query)[0]["n"])) for what, query in BODY_COUNTS.items()]


PDUS_PER_REGION = """
SELECT ?region (COUNT(DISTINCT ?pdu) AS ?pdus) WHERE {
  ?r a pko:Region ; org:subOrganizationOf organisation:probation-service ; skos:prefLabel ?region .
  OPTIONAL { ?pdu a pko:ProbationDeliveryUnit ; org:subOrganizationOf ?r }
} GROUP BY ?region ORDER BY ?region
"""


def pdus_per_region(kg: KnowledgeGraph) -> list[tuple[str, int]]:
    """The PDUs the graph places in each region (0 where no page read names one)."""
    return [(r["region"], int(r["pdus"])) for r in kg.select(PDUS_PER_REGION)]
