"""The synthetic corpus generator (bench/generate.py): deterministic, with the seeded defects it lists,
and with synthetic bodies that follow its documented renaming rules."""

from __future__ import annotations

import hashlib
import re
import sys
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from generate import DEFECT_KINDS, GROUP_SIZE, generate  # noqa: E402
from probkg.checks import lint  # noqa: E402
from probkg.checks.rdflib_data import DataGraph  # noqa: E402
from probkg.core.paths import Layout  # noqa: E402
from probkg.rdf.store import load  # noqa: E402

pytestmark = pytest.mark.slow

PKO = "https://w3id.org/probation-kg/ontology#"
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
NAMES = {RDFS_LABEL, *(ox.NamedNode("http://www.w3.org/2004/02/skos/core#" + p) for p in ("prefLabel", "altLabel"))}
INSPECTED = ox.NamedNode(PKO + "inspectedBody")
AREA = ox.NamedNode(PKO + "area")
COPY = re.compile(r"-syn-g(\d{4,})$")
"""A copied subject: the real IRI with the group appended (the generator's documented rule)."""
N, SEED = 9, 5


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted((folder / "graph" / "inspections").glob("syn-*.ttl")):
        h.update(path.name.encode())
        # blank node labels are random; compare the files without them
        h.update(b"".join(sorted(line for line in path.read_bytes().splitlines() if b"_:" not in line)))
    return h.hexdigest()


def _synthetic(folder: Path) -> ox.Store:
    """The generated files, each in a named graph of its own (so we can tell which file says what)."""
    store = ox.Store()
    for path in (folder / "graph" / "inspections").glob("syn-*.ttl"):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("file:" + path.name))
    return store


def _copies(store: ox.Store) -> set[ox.NamedNode]:
    return {q.subject for q in store if isinstance(q.subject, ox.NamedNode) and COPY.search(q.subject.value)}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, ox.Store]:
    out = tmp_path_factory.mktemp("corpus") / "g"
    manifest = generate(N, SEED, out)
    return out, manifest, _synthetic(out)


@pytest.fixture(scope="module")
def real() -> ox.Store:
    return load().store


def test_same_seed_same_corpus_other_seed_other_corpus(tmp_path: Path) -> None:
    a = generate(6, 7, tmp_path / "a")
    b = generate(6, 7, tmp_path / "b")
    generate(6, 8, tmp_path / "c")
    assert a == b
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b") != _digest(tmp_path / "c")


def test_every_defect_kind_is_seeded_and_listed(tmp_path: Path) -> None:
    manifest = generate(8, 3, tmp_path / "g")
    assert manifest["files"] == 8
    store = _synthetic(tmp_path / "g")
    # the facts budget is per inspection; the group's body copies come on top
    copied = {q for c in _copies(store) for q in store.quads_for_pattern(c, None, None)}
    copied |= {
        s for q in copied if isinstance(q.object, ox.BlankNode) for s in store.quads_for_pattern(q.object, None, None)
    }
    assert copied
    assert abs((len(store) - len(copied)) / 8 - manifest["triples_per_inspection_target"]) < 150
    for kind in DEFECT_KINDS:
        assert len(manifest["defects"][kind]) == 1, kind
    band = ox.NamedNode(PKO + "band")
    (rating,) = manifest["defects"]["missing-band"]
    assert not list(store.quads_for_pattern(ox.NamedNode(rating), band, None))
    (observation,) = manifest["defects"]["string-value"]
    (value,) = [q.object for q in store.quads_for_pattern(ox.NamedNode(observation), ox.NamedNode(PKO + "value"), None)]
    assert value == ox.Literal("85")


def test_each_inspection_inspects_its_groups_copies_of_its_templates_bodies(corpus, real: ox.Store) -> None:
    _, manifest, store = corpus
    assert manifest["groups"] == max(1, N // GROUP_SIZE)
    # a synthetic inspection keeps its template's label, which names the real inspection
    template = {
        q.object: q.subject for q in real.quads_for_pattern(None, RDFS_LABEL, None) if "/inspection/" in q.subject.value
    }
    inspections = {q.subject for q in store.quads_for_pattern(None, INSPECTED, None)}
    assert len(inspections) == N
    for inspection in inspections:
        bodies = [q.object for q in store.quads_for_pattern(inspection, INSPECTED, None)]
        groups = {COPY.search(b.value).group(1) for b in bodies}
        assert len(groups) == 1 and int(*groups) < manifest["groups"], inspection
        suffix = f"-syn-g{groups.pop()}"
        (label,) = [q.object for q in store.quads_for_pattern(inspection, RDFS_LABEL, None)]
        real_bodies = {q.object.value for q in real.quads_for_pattern(template[label], INSPECTED, None)}
        assert {b.value.removesuffix(suffix) for b in bodies} == real_bodies
        for body in bodies:
            real_areas = {
                q.object.value + suffix
                for q in real.quads_for_pattern(ox.NamedNode(body.value.removesuffix(suffix)), AREA, None)
            }
            assert {q.object.value for q in store.quads_for_pattern(body, AREA, None)} == real_areas
            assert real_areas, body  # every body the real rated inspections inspect has an area


def test_copies_follow_the_renaming_rules_and_are_written_once(corpus, real: ox.Store) -> None:
    _, _, store = corpus
    copies = _copies(store)
    kinds = {c.value.split("/id/", 1)[1].split("/", 1)[0] for c in copies}
    assert {"organisation", "place", "quote"} <= kinds

    def blank_descriptions(s, node):  # a selector, as what it says
        return Counter(
            frozenset((q.predicate, q.object) for q in s.quads_for_pattern(b, None, None))
            for b in {q.object for q in s.quads_for_pattern(node, None, None) if isinstance(q.object, ox.BlankNode)}
        )

    for copy in copies:
        assert len({q.graph_name for q in store.quads_for_pattern(copy, None, None)}) == 1, copy
        group = COPY.search(copy.value).group(1)
        original = ox.NamedNode(copy.value[: -len(f"-syn-g{group}")])
        expected = set()
        for q in real.quads_for_pattern(original, None, None):
            o = q.object
            if q.predicate in NAMES:
                text = f"{o.value} (synthetic group {group})"
                o = ox.Literal(text, language=o.language) if o.language else ox.Literal(text, datatype=o.datatype)
            elif isinstance(o, ox.NamedNode) and ox.NamedNode(f"{o.value}-syn-g{group}") in copies:
                o = ox.NamedNode(f"{o.value}-syn-g{group}")
            if not isinstance(o, ox.BlankNode):
                expected.add((q.predicate, o))
        found = {
            (q.predicate, q.object)
            for q in store.quads_for_pattern(copy, None, None)
            if not isinstance(q.object, ox.BlankNode)
        }
        assert found == expected, copy
        # selectors, quote texts included, are copied verbatim, once
        assert blank_descriptions(store, copy) == blank_descriptions(real, original), copy


def test_the_corpus_passes_every_qc_check(corpus) -> None:
    # names unique across entities, every link of a copy resolves, nothing untyped or undeclared
    root = corpus[0]
    lay = Layout(root)
    issues = lint.check(DataGraph.read(lay.data_files(), root, lay.ontology))
    assert [f"{i.file}: {i.focus}: {i.message}" for i in issues] == []
