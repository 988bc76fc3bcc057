"""Seeded defects: each must be caught by the shape or check meant for it, and only the real graph conforms.

Every mutation (tests/support/mutations.py) is validated by the same function
`probkg validate` calls, over the real graph with the one changed file
(conftest.py). A defect counts as caught when the run fails, the expected
shape or check reports the expected focus node in the expected file, and that
result is not already in the real graph's report. A sample of the fixtures
is also written out as whole projects and run through the command line.
"""

from __future__ import annotations

import pytest

from conftest import FAIL_ON, MutationRun
from probkg.checks.report import shown
from probkg.core.errors import EXIT_FAILED_CHECK
from probkg.rdf.vocab import PKS
from support.mutations import CAUGHT, MUTATIONS, Real, write_fixture
from support.probkg_run import probkg

pytestmark = pytest.mark.slow

CLI_SAMPLE = ("misspelt-predicate", "quote-from-other-inspection", "finding-without-theme")
"""A QC check, a cross-node SHACL-SPARQL rule and a warning; the rest go through the same function in-process."""


def keys(report: dict) -> set[tuple[str, str, str]]:
    return {(r["shape"], r["focus"], r["file"]) for r in report["results"]}


def test_the_library_has_at_least_25_kinds_of_defect() -> None:
    assert len({m.id for m in MUTATIONS}) == len(MUTATIONS) >= 25


def test_only_the_real_graph_conforms(baseline: dict) -> None:
    problems = [f"{r['file']}: {r['focus']}: {r['message']}" for r in baseline["results"] if r["severity"] != "info"]
    assert baseline["conforms"], "\n".join(problems)


@pytest.mark.parametrize("mutation_id", [m.id for m in MUTATIONS])
def test_each_defect_is_reported_by_its_shape(
    mutation_id: str, mutation_runs: dict[str, MutationRun], baseline: dict
) -> None:
    done = mutation_runs[mutation_id]
    CAUGHT[mutation_id] = False
    expected = (PKS + done.mutation.check, done.applied.focus, done.applied.expect_file)
    found = keys(done.report)
    near = sorted(k for k in found if k[0] == expected[0] or k[1] == expected[1])
    assert expected in found, f"{done.mutation.description}: expected {expected}; nearby results: {near}"
    assert expected not in keys(baseline), "the real graph already has this result"
    assert not done.report["conforms"]
    CAUGHT[mutation_id] = True


@pytest.mark.parametrize("mutation_id", CLI_SAMPLE)
def test_the_command_line_fails_on_a_fixture_and_names_shape_and_file(
    mutation_id: str, mutation_runs: dict[str, MutationRun], real: Real, tmp_path
) -> None:
    done = mutation_runs[mutation_id]
    root = write_fixture(real, done.applied, tmp_path)
    run = probkg(root, "validate", "--fail-on", FAIL_ON)
    assert run.code == EXIT_FAILED_CHECK, run.stderr
    shape = shown(PKS + done.mutation.check)
    block = run.stdout[
        run.stdout.index(f"\n{shape} ") if f"\n{shape} " in run.stdout else run.stdout.index(f"{shape} ") :
    ]
    assert shown(done.applied.focus) in block and f"file:    {done.applied.expect_file}" in block, run.stdout
