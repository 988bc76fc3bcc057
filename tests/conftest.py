"""Shared fixtures: the project layout and the graph, loaded once per test session."""

from __future__ import annotations

import pytest

import probkg
from probkg.paths import Layout, layout


@pytest.fixture(scope="session")
def lay() -> Layout:
    return layout()


@pytest.fixture(scope="session")
def kg(lay: Layout) -> probkg.KnowledgeGraph:
    return probkg.load(lay=lay)
