"""The synthetic corpus generator (bench/generate.py): deterministic, with the seeded defects it lists."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from generate import DEFECT_KINDS, generate  # noqa: E402


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted((folder / "graph" / "inspections").glob("syn-*.ttl")):
        h.update(path.name.encode())
        # blank node labels are random; compare the files without them
        h.update(b"".join(sorted(line for line in path.read_bytes().splitlines() if b"_:" not in line)))
    return h.hexdigest()


def test_same_seed_same_corpus_other_seed_other_corpus(tmp_path: Path) -> None:
    a = generate(6, 7, tmp_path / "a")
    b = generate(6, 7, tmp_path / "b")
    c = generate(6, 8, tmp_path / "c")
    assert a == b
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b") != _digest(tmp_path / "c")


def test_every_defect_kind_is_seeded_and_listed(tmp_path: Path) -> None:
    manifest = generate(8, 3, tmp_path / "g")
    assert manifest["files"] == 8
    store = ox.Store()
    for path in (tmp_path / "g" / "graph" / "inspections").glob("syn-*.ttl"):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    assert abs(len(store) / 8 - manifest["triples_per_inspection_target"]) < 150
    pko = "https://w3id.org/probation-kg/ontology#"
    for kind in DEFECT_KINDS:
        assert len(manifest["defects"][kind]) == 1, kind
    band = ox.NamedNode(pko + "band")
    (rating,) = manifest["defects"]["missing-band"]
    assert not list(store.quads_for_pattern(ox.NamedNode(rating), band, None))
    (observation,) = manifest["defects"]["string-value"]
    (value,) = [q.object for q in store.quads_for_pattern(ox.NamedNode(observation), ox.NamedNode(pko + "value"), None)]
    assert value == ox.Literal("85")
