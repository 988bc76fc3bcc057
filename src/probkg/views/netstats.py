"""Network statistics of the entities and inspection views (`probkg stats --network`), computed with networkx."""

from __future__ import annotations

import networkx as nx

from probkg.core.tables import table
from probkg.rdf.store import KnowledgeGraph
from probkg.views.graphs import VIEW_ENTITY_KINDS, entities_view, inspection_view, inspections


def most_connected(G: nx.Graph, top: int) -> list[list[object]]:
    """Entities with the most distinct neighbours, with the weighted degree and betweenness centrality."""
    betweenness = nx.betweenness_centrality(G)
    strength = dict(G.degree(weight="weight"))
    ranked = sorted(G, key=lambda n: (-G.degree(n), -strength[n], n))[:top]
    return [
        [G.nodes[n]["label"], G.nodes[n]["kind"], G.degree(n), strength[n], f"{betweenness[n]:.3f}"] for n in ranked
    ]


def most_criticised(G: nx.Graph, top: int) -> list[list[object]]:
    """Entities most often concerned by areas for improvement, with their strengths beside."""
    ranked = sorted(
        (n for n in G if G.nodes[n].get("areas_for_improvement", 0)),
        key=lambda n: (-G.nodes[n]["areas_for_improvement"], G.nodes[n]["strengths"], n),
    )[:top]
    return [
        [
            G.nodes[n]["label"],
            G.nodes[n]["kind"],
            G.nodes[n]["areas_for_improvement"],
            G.nodes[n]["strengths"],
            G.nodes[n]["findings"],
        ]
        for n in ranked
    ]


def criticised_per_inspection(kg: KnowledgeGraph, top: int) -> list[list[object]]:
    """For each inspection with findings, the entities its areas for improvement concern most.

    The inspected bodies are left out: every finding concerns them (docs/curation.md).
    """
    rows: list[list[object]] = []
    for iri, _ in inspections(kg):
        G = inspection_view(kg, iri)
        root = next(n for n, d in G.nodes(data=True) if d.get("iri") == iri)
        inspected = {v for _, v, d in G.out_edges(root, data=True) if d["relation"] == "inspected-body"}
        counts = []
        for n, d in G.nodes(data=True):
            if d["kind"] not in VIEW_ENTITY_KINDS or n in inspected:
                continue
            polarities = [e.get("polarity") for _, _, e in G.in_edges(n, data=True) if e["relation"] == "concerns"]
            if polarities:
                counts.append((polarities.count("area-for-improvement"), polarities.count("strength"), n))
        ranked = sorted(counts, key=lambda c: (-c[0], c[1], c[2]))[:top]
        rows += [
            [root.split(":", 1)[1], G.nodes[n]["label"], G.nodes[n]["kind"], bad, good]
            for bad, good, n in ranked
            if bad
        ]
    return rows


def report(kg: KnowledgeGraph, top: int = 10) -> str:
    """The three tables of `probkg stats --network`, as text."""
    G = entities_view(kg)
    linked = G.subgraph(n for n in G if G.degree(n))
    parts = [
        f"Entities view: {G.number_of_nodes()} entities, {G.number_of_edges()} links, "
        f"{nx.number_connected_components(linked)} linked groups, "
        f"{G.number_of_nodes() - linked.number_of_nodes()} unlinked",
        "",
        "Most connected entities (neighbours; weight = links of structure, delivery and co-mention in findings)",
        table(["entity", "kind", "neighbours", "weight", "betweenness"], most_connected(G, top)),
        "",
        "Entities most often concerned by areas for improvement (AFI), all inspections",
        table(["entity", "kind", "AFI", "strengths", "findings"], most_criticised(G, top)),
        "",
        "Per inspection: entities its areas for improvement concern most (inspected bodies left out)",
        table(["inspection", "entity", "kind", "AFI", "strengths"], criticised_per_inspection(kg, top)),
    ]
    return "\n".join(parts)
