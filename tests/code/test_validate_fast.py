"""The fast validation path reports exactly what pyshacl reports.

pyshacl is the reference: its results on the real graph and on every seeded
defect (tests/support/mutations.py, validated once per session in conftest.py) are
the ground truth. The same projects are validated again by `probkg validate`'s
default engine (the shapes compiled to SPARQL for Oxigraph, `fastshacl`), and
every result must match in every field a report shows. Blank nodes (a quote's
selector, a shape's inverse path) have fresh ids in every parse, so they are
compared by what reports call them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import MutationRun
from probkg.checks import fast_shacl as fastshacl
from probkg.checks import validate
from probkg.core.paths import Layout
from support.mutations import MUTATIONS, Real, write_fixture

pytestmark = pytest.mark.slow

FIELDS = ("severity", "shape_label", "component", "focus", "file", "path", "value", "message", "focus_label")


def results(report: dict) -> set[tuple]:
    """The results of a JSON report as comparable tuples (blank nodes by their label)."""
    out = set()
    for r in report["results"]:
        row = dict(r)
        if row["focus"].startswith("_:"):
            row["focus"] = "_:" + row["focus_label"]
        if row["value"] and row["value"].startswith("_:"):
            row["value"] = "_:"
        row["shape_label"] = row["shape_label"] or ("_:" if row["shape"].startswith("_:") else row["shape"])
        out.add(tuple(row[f] for f in FIELDS))
    return out


def fast_report(root: Path) -> dict:
    report = validate.validate(Layout(root), [], fail_on="warning", timeout=None, engine="fast")
    assert report.engine == "fast", "the project's shapes must all compile; a new feature needs the compiler"
    return json.loads(report.json())


def test_the_real_graph_gets_the_same_results(lay: Layout, baseline: dict) -> None:
    assert results(fast_report(lay.root)) == results(baseline)


@pytest.mark.parametrize("mutation_id", [m.id for m in MUTATIONS])
def test_each_seeded_defect_gets_the_same_results(
    mutation_id: str, mutation_runs: dict[str, MutationRun], real: Real, tmp_path: Path
) -> None:
    done = mutation_runs[mutation_id]
    fast = fast_report(write_fixture(real, done.applied, tmp_path))
    reference = results(done.report)
    assert reference, "the mutation must produce results, or the comparison proves nothing"
    extra, missing = results(fast) - reference, reference - results(fast)
    assert not extra and not missing, f"only fast: {sorted(extra)}\nonly pyshacl: {sorted(missing)}"


def test_a_shape_the_compiler_does_not_know_runs_on_pyshacl(lay: Layout, tmp_path: Path) -> None:
    """A custom constraint component (SHACL-SPARQL 6) is not compiled: the run falls back to pyshacl, and says so."""
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix pko: <https://w3id.org/probation-kg/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "<urn:x:Language> a sh:ConstraintComponent ; sh:parameter [ sh:path <http://example.org/x#language> ] ;\n"
        '  sh:validator [ a sh:SPARQLAskValidator ; sh:message "Labels in {$language} only." ;\n'
        '    sh:ask "ASK { FILTER (langMatches(lang($value), $language)) }" ] .\n'
        "<urn:x:Inspection> a sh:NodeShape ; sh:targetClass pko:Inspection ; sh:property <urn:x:LabelLanguage> .\n"
        '<urn:x:LabelLanguage> a sh:PropertyShape ; sh:path rdfs:label ; <http://example.org/x#language> "fr" .\n',
        encoding="utf-8",
    )
    with pytest.raises(fastshacl.Unsupported):
        fastshacl.compile_shapes(validate.Shapes.read([shapes], tmp_path).graph)
    report = validate.validate(lay, [], shapes_paths=[shapes], timeout=None, engine="fast")
    assert report.engine == "pyshacl"
