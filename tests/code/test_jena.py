"""A second opinion: Apache Jena's SHACL validator must agree with ours.

On the real graph and on every mutation fixture, Jena and pyshacl (through
`probkg validate`) must agree on conformance and on the set of results, each
stated as (focus node, shape, severity). Messages are not compared: Jena
writes its own. The QC checks of `lint` are ours alone and are left out.
Documented exceptions, where the engines read the standard differently, are
listed in EXCEPTIONS with the reason (none so far; see docs/validation.md).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import rdflib

from conftest import MutationRun
from probkg.checks import validate
from probkg.checks.rdflib_data import DataGraph
from probkg.core.paths import Layout
from support import jena
from support.mutations import MUTATIONS, Real

pytestmark = [pytest.mark.external, pytest.mark.slow]

EXCEPTIONS: dict[str, set[jena.Key]] = {}
"""Fixture id -> results only one engine reports, because the engines differ on the standard."""


@pytest.fixture(scope="session")
def classpath(lay: Layout) -> str:
    cp = jena.classpath(lay.root)
    assert cp, f"{jena.CLASSPATH} or {jena.BATCH} is missing: run bash scripts/setup.sh (it builds both)"
    return cp


@pytest.fixture(scope="session")
def jena_results(
    classpath: str,
    real: Real,
    shapes: validate.Shapes,
    mutation_runs: dict[str, MutationRun],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[set[jena.Key], bool]]:
    """Jena's results and verdict for the real graph ("real") and every fixture, all in one JVM.

    The real files are written once; a fixture's job lists them with its one
    changed file (parsed and serialised again) in place of the original.
    """
    folder = tmp_path_factory.mktemp("jena")
    shapes_file = folder / "shapes.nt"
    shapes.graph.serialize(shapes_file, format="nt", encoding="utf-8")
    real_files = {name: folder / f"real-{i}.nt" for i, name in enumerate(real.data.parts)}
    for name, path in real_files.items():
        path.write_bytes(jena.ntriples(real.data.parts[name]))
    jobs, changed = {"real": list(real_files.values())}, {}
    for i, (name, run) in enumerate(mutation_runs.items()):
        changed[name] = rdflib.Graph().parse(data=run.applied.text, format="turtle")
        path = folder / f"changed-{i}.nt"
        path.write_bytes(jena.ntriples(changed[name]))
        jobs[name] = [path if file == run.applied.file else real_path for file, real_path in real_files.items()]
    reports = jena.run(classpath, shapes_file, jobs, folder)

    def data(name: str) -> Callable[[], DataGraph]:
        if name == "real":
            return lambda: real.data
        file = mutation_runs[name].applied.file
        return lambda: DataGraph({**real.data.parts, file: changed[name]}, real.data.ontology_files)

    return {name: (jena.jena_keys(data(name), report), jena.jena_conforms(report)) for name, report in reports.items()}


def agree(name: str, ours: dict, theirs: set[jena.Key], jena_conforms: bool) -> None:
    mine = jena.our_keys(ours["results"])
    assert (mine ^ theirs) == EXCEPTIONS.get(name, set()), (
        f"only pyshacl: {sorted(mine - theirs)}\nonly Jena: {sorted(theirs - mine)}"
    )
    assert jena_conforms == (not mine), "Jena and pyshacl disagree on conformance"


def test_jena_agrees_on_the_real_graph(jena_results: dict, baseline: dict) -> None:
    agree("real", baseline, *jena_results["real"])


@pytest.mark.parametrize("mutation_id", [m.id for m in MUTATIONS])
def test_jena_agrees_on_each_fixture(
    mutation_id: str, jena_results: dict, mutation_runs: dict[str, MutationRun]
) -> None:
    agree(mutation_id, mutation_runs[mutation_id].report, *jena_results[mutation_id])
