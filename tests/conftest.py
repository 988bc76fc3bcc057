"""Shared fixtures: the project layout and the graph, loaded once per test session.

For validation: the real graph and the shapes parsed once; every mutation
fixture (tests/support/mutations.py) validated once, in forked worker processes, by
the function `probkg validate` calls, and shared by test_mutations.py and
test_jena.py; the count of defect kinds caught is printed at the end.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

import probkg
from probkg.checks import validate
from probkg.checks.rdflib_data import DataGraph
from probkg.core.paths import Layout, layout
from support.mutations import CAUGHT, MUTATIONS, Applied, Mutation, Real, report, validate_all

FAIL_ON = "warning"
"""How every fixture and the real graph are validated: warnings fail too, so a missing theme counts."""


@pytest.fixture(scope="session")
def lay() -> Layout:
    return layout()


@pytest.fixture(scope="session")
def kg(lay: Layout) -> probkg.KnowledgeGraph:
    return probkg.load(lay=lay)


@dataclass(frozen=True)
class MutationRun:
    mutation: Mutation
    applied: Applied
    report: dict
    """As `probkg validate --format json --fail-on warning` would print it."""


@pytest.fixture(scope="session")
def real(lay: Layout) -> Real:
    return Real(lay.root, DataGraph.read(lay.data_files(), lay.root, lay.ontology))


@pytest.fixture(scope="session")
def shapes(lay: Layout) -> validate.Shapes:
    return validate.Shapes.read(sorted(lay.shapes.glob("*.ttl")), lay.root)


@pytest.fixture(scope="session")
def baseline(real: Real, shapes: validate.Shapes) -> dict:
    """The real graph's report."""
    return report(real.data, shapes, FAIL_ON)


@pytest.fixture(scope="session")
def mutation_runs(real: Real, shapes: validate.Shapes) -> dict[str, MutationRun]:
    """Every mutation applied to the real graph and validated."""
    applied = [m.apply(real) for m in MUTATIONS]
    reports = validate_all(real, shapes, applied, FAIL_ON, workers=os.cpu_count() or 2)
    return {m.id: MutationRun(m, a, r) for m, a, r in zip(MUTATIONS, applied, reports, strict=True)}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if CAUGHT:
        caught = sum(CAUGHT.values())
        missing = "" if len(CAUGHT) == len(MUTATIONS) else f" ({len(MUTATIONS) - len(CAUGHT)} not run)"
        terminalreporter.write_line(
            f"mutation testing: {caught} of {len(MUTATIONS)} kinds of seeded defect caught "
            f"by the shape or check meant for them{missing}"
        )
