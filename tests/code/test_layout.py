"""Node positions of the HTML export, laid out by Graphviz's sfdp (`views/layout.py`).

The graphs are made here: a path a-b-c-d, a triangle, and two nodes with no link.
"""

from __future__ import annotations

import math

import networkx as nx
import pytest

from probkg.views.layout import EDGE_LENGTH, positions


def small() -> nx.Graph:
    G = nx.Graph()
    G.add_edges_from([("a", "b"), ("b", "c"), ("c", "d"), ("t1", "t2"), ("t2", "t3"), ("t3", "t1")])
    G.add_node("zeta", label="Zeta")
    G.add_node("alpha", label="Alpha")
    G.add_edge("alpha", "alpha")  # a link to itself is no link to another node
    return G


def test_every_node_is_placed_and_linked_nodes_apart() -> None:
    where = positions(small())
    assert set(where) == set(small())
    linked = [where[n] for n in ("a", "b", "c", "d", "t1", "t2", "t3")]
    assert len(set(linked)) == len(linked)
    lengths = sorted(math.dist(where[u], where[v]) for u, v in small().edges() if u != v)
    assert lengths[len(lengths) // 2] == pytest.approx(EDGE_LENGTH, rel=1e-3)


def test_unlinked_nodes_are_shelved_under_the_drawing_in_label_order() -> None:
    where = positions(small())
    bottom = max(where[n][1] for n in ("a", "b", "c", "d", "t1", "t2", "t3"))
    assert where["alpha"][1] > bottom and where["zeta"][1] > bottom
    assert where["alpha"][0] < where["zeta"][0]  # Alpha before Zeta


def test_the_same_view_is_laid_out_the_same_way() -> None:
    assert positions(small()) == positions(small())


def test_a_graph_with_no_link_is_all_shelf() -> None:
    G = nx.Graph()
    G.add_nodes_from(["x", "y"])
    where = positions(G)
    assert set(where) == {"x", "y"} and where["x"] != where["y"]
