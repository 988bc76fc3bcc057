"""Synthetic corpus generator: N inspections shaped by the real graph, deterministic by seed.

Each synthetic inspection is cut from one of the real inspections (chosen by the
seeded random generator): the inspection node, its report document and, in the
real graph's proportions, its facts (ratings, key-question results, statistics,
findings, recommendations) with their evidence quotes and selectors, renamed to
`syn-NNNNN` and written to `graph/inspections/syn-NNNNN.ttl`. Links into the
reference data (frameworks, standards, themes, measures, vocabularies, and the
bodies that facts such as ratings name) are kept, so the synthetic graph has the
real graph's classes, links and shapes; facts are sampled to about
TRIPLES_PER_INSPECTION triples an inspection (the issue's figure: 1,000
inspections is about 375,000 triples). Bands are redrawn at random so the
queries see varied data.

Inspected bodies are synthetic, so that N inspections cover many places as real
ones would (and queries that pair inspections of the same place see realistic
pairs, not every inspection against every other). The N inspections fall into
max(1, N // GROUP_SIZE) groups, each inspection's group drawn by the seeded
generator; think of a group as one area's bodies, inspected about GROUP_SIZE
times. For each group, every body a member's template inspection names as
`pko:inspectedBody` is copied once, with its `pko:area` place: their triples and
their evidence quotes with selectors (fresh blank nodes). A copy is written into
the file of the group's first inspection that needs it (a triple is never
written twice for one group). Renaming rules, for group g:

* every copied subject IRI (body, place, quote) gets `-syn-gNNNN` appended (g in
  four or more digits), and an object that is a subject copied for the same
  group points to that copy (a PDU's `org:subOrganizationOf` its region, a
  body's `pko:area`); every other object stays real;
* each `rdfs:label`, `skos:prefLabel` and `skos:altLabel` of a copied subject
  gets ` (synthetic group NNNN)` appended, language tag kept, so no two entities
  share a name; quote texts stay verbatim, since they quote real documents;
* every link from the inspection or its facts to a body it inspected
  (`pko:inspectedBody`, a rating's `pko:ratedBody`, ...) points to the group's copy.

Seeded defects, a known number of each kind (DEFECTS_PER_KIND per 100
inspections, at least one), are written into the files and listed with their
focus nodes in `manifest.json`:

* `missing-band`: a rating loses `pko:band` (sh:minCount).
* `missing-theme`: a finding loses `pko:theme` (sh:minCount).
* `string-value`: an observation's `pko:value` becomes the string "85" (datatype; the
  rdflib `"85" > 100` trap).
* `missing-evidence`: a fact loses every `pko:hasEvidence` (sh:minCount).

The output folder is a project root (`probkg --root OUT ...` works on it):
ontology/, graph/, shapes/ and queries/ are copied from the real project (so the
real corpus, which validates clean, is part of every synthetic one) and
graph/inspections/ gains the synthetic files.

    python bench/generate.py --inspections 1000 --seed 1 --out bench/out/n1000
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from probkg.core.paths import Layout  # noqa: E402
from probkg.rdf.store import load  # noqa: E402
from probkg.rdf.vocab import ID_BASE, PREFIXES  # noqa: E402

TRIPLES_PER_INSPECTION = 375
DEFECTS_PER_KIND = 1  # per 100 inspections
GROUP_SIZE = 3  # inspections per group of synthetic bodies, on average
PKO = PREFIXES["pko"]
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
NAME_PREDICATES = frozenset(
    ox.NamedNode(iri)
    for iri in (
        "http://www.w3.org/2000/01/rdf-schema#label",
        PREFIXES["skos"] + "prefLabel",
        PREFIXES["skos"] + "altLabel",
    )
)
BANDS = [
    ox.NamedNode(PREFIXES["vocab"] + b)
    for b in ("band-outstanding", "band-good", "band-requires-improvement", "band-inadequate")
]
DEFECT_KINDS = ("missing-band", "missing-theme", "string-value", "missing-evidence")


def _p(local: str) -> ox.NamedNode:
    return ox.NamedNode(PKO + local)


class Template:
    """One real inspection cut into units: the core (inspection, report) and one unit per fact."""

    def __init__(self, store: ox.Store, inspection: str) -> None:
        self.iri = inspection
        self.slug = inspection.rsplit("/", 1)[1]
        node = ox.NamedNode(inspection)
        reports = [
            q.subject
            for q in store.quads_for_pattern(None, _p("reportsOn"), node)
            if any(
                True
                for _ in store.quads_for_pattern(
                    q.subject, _p("documentKind"), ox.NamedNode(PREFIXES["vocab"] + "inspection-report")
                )
            )
        ]
        self.report = reports[0]
        self.core = _closure(store, [node, self.report])
        facts = sorted(
            {
                q.subject
                for q in store.quads_for_pattern(None, _p("inspection"), node)
                if not any(True for _ in store.quads_for_pattern(q.subject, RDF_TYPE, _p("Claim")))
            },
            key=lambda t: t.value,
        )
        self.units = {f: _closure(store, [f]) for f in facts}
        self.kind = {f: next(store.quads_for_pattern(f, RDF_TYPE, None)).object.value.rsplit("#", 1)[1] for f in facts}
        bodies = sorted(
            {q.object for q in store.quads_for_pattern(node, _p("inspectedBody"), None)}, key=lambda b: b.value
        )
        areas = sorted(
            {q.object for b in bodies for q in store.quads_for_pattern(b, _p("area"), None)}, key=lambda a: a.value
        )
        # what a group copies for this template: each inspected body and each of their areas
        self.bodies_described = [tr for root in bodies + areas for tr in _closure(store, [root])]
        self.inspected = {b.value for b in bodies}
        self.copied = {tr.subject.value for tr in self.bodies_described if isinstance(tr.subject, ox.NamedNode)}


def _closure(store: ox.Store, roots: list) -> list[ox.Triple]:
    """The roots' triples plus those of their quotes and blank nodes (selectors)."""
    out, todo, seen = [], list(roots), set()
    while todo:
        s = todo.pop()
        if s in seen:
            continue
        seen.add(s)
        for q in store.quads_for_pattern(s, None, None):
            out.append(ox.Triple(q.subject, q.predicate, q.object))
            o = q.object
            if isinstance(o, ox.BlankNode) or (isinstance(o, ox.NamedNode) and o.value.startswith(ID_BASE + "quote/")):
                todo.append(o)
    return out


class GroupBodies:
    """The groups' synthetic bodies: renamed copies of real ones, each triple written once per group."""

    def __init__(self, plan: list[tuple[Template, int]]) -> None:
        self.copied: dict[int, set[str]] = defaultdict(set)  # real IRIs each group copies
        for t, g in plan:
            self.copied[g] |= t.copied
        self.written: dict[int, set[ox.Triple]] = defaultdict(set)
        self.bnodes: dict[int, dict[str, ox.BlankNode]] = defaultdict(dict)

    @staticmethod
    def iri(real: ox.NamedNode, g: int) -> ox.NamedNode:
        """Group g's copy of a real body, place or quote."""
        return ox.NamedNode(f"{real.value}-syn-g{g:04d}")

    def new_for(self, t: Template, g: int) -> list[ox.Triple]:
        """The copies t's inspection needs that no earlier member of group g has written."""
        fresh = [tr for tr in t.bodies_described if tr not in self.written[g]]
        self.written[g].update(fresh)
        return [self._rename(tr, g) for tr in fresh]

    def _rename(self, tr: ox.Triple, g: int) -> ox.Triple:
        def term(x: ox.NamedNode | ox.BlankNode | ox.Literal) -> ox.NamedNode | ox.BlankNode | ox.Literal:
            if isinstance(x, ox.BlankNode):
                return self.bnodes[g].setdefault(x.value, ox.BlankNode())
            if isinstance(x, ox.NamedNode) and x.value in self.copied[g]:
                return self.iri(x, g)
            return x

        o = tr.object
        if tr.predicate in NAME_PREDICATES and isinstance(o, ox.Literal):
            text = f"{o.value} (synthetic group {g:04d})"
            o = ox.Literal(text, language=o.language) if o.language else ox.Literal(text, datatype=o.datatype)
        return ox.Triple(term(tr.subject), tr.predicate, term(o))


def _rename(term, slug: str, new: str, report: str, new_report: str, bnodes: dict):
    if isinstance(term, ox.BlankNode):
        return bnodes.setdefault(term.value, ox.BlankNode())
    if isinstance(term, ox.NamedNode):
        v = term.value
        if v == report:
            return ox.NamedNode(new_report)
        if v.startswith(ID_BASE) and slug in v and not v.startswith(ID_BASE + "document/"):
            return ox.NamedNode(v.replace(slug, new))
    return term


def generate(n: int, seed: int, out: Path, real: Layout | None = None) -> dict:
    real = real or Layout(ROOT)
    rng = random.Random(seed)
    kg = load(lay=real)
    store = kg.store
    rated = sorted(
        {
            q.object.value
            for q in store.quads_for_pattern(None, _p("inspection"), None)
            if any(True for _ in store.quads_for_pattern(q.subject, RDF_TYPE, _p("Rating")))
        }
    )
    templates = [Template(store, i) for i in rated]

    if out.exists():
        shutil.rmtree(out)
    for folder in ("ontology", "shapes", "queries"):
        shutil.copytree(real.root / folder, out / folder)
    shutil.copytree(real.graph, out / "graph")  # the real corpus is part of every synthetic one

    defects_per_kind = max(1, n * DEFECTS_PER_KIND // 100)
    defect_slots = {kind: set(rng.sample(range(n), defects_per_kind)) for kind in DEFECT_KINDS}
    groups = max(1, n // GROUP_SIZE)
    manifest = {
        "inspections": n,
        "seed": seed,
        "triples_per_inspection_target": TRIPLES_PER_INSPECTION,
        "groups": groups,
        "defects": {kind: [] for kind in DEFECT_KINDS},
        "files": 0,
        "triples": 0,
    }
    # each inspection's template and group are drawn up front: a group's copies must know every body
    # the group copies, so that a link between two of them points to the copy
    plan = [(rng.choice(templates), rng.randrange(groups)) for _ in range(n)]
    bodies = GroupBodies(plan)
    for k, (t, g) in enumerate(plan):
        new = f"syn-{k:05d}"
        new_report = f"{ID_BASE}document/{new}-report"
        bnodes: dict = {}
        ren = lambda x: _rename(x, t.slug, new, t.report.value, new_report, bnodes)  # noqa: E731
        triples = list(t.core)
        budget = TRIPLES_PER_INSPECTION - len(triples)
        # ratings first (every query about bands needs them), then a sample of the other facts
        by_kind = defaultdict(list)
        for f in t.units:
            by_kind[t.kind[f]].append(f)
        chosen = list(by_kind.pop("Rating", []))
        rest = [f for fs in by_kind.values() for f in fs]
        rng.shuffle(rest)
        chosen += rest
        picked = []
        for f in chosen:
            if budget <= 0:
                break
            picked.append(f)
            budget -= len(t.units[f])
        band = {f: rng.choice(BANDS) for f in picked if t.kind[f] == "Rating"}

        # every link to a body the inspection inspected (pko:inspectedBody, a rating's pko:ratedBody, ...)
        # goes to the group's copy, so a question about one body stays about one group
        def link(o):
            return bodies.iri(o, g) if isinstance(o, ox.NamedNode) and o.value in t.inspected else ren(o)

        out_triples = [ox.Triple(ren(s.subject), s.predicate, link(s.object)) for s in triples]
        for f in picked:
            for tr in t.units[f]:
                o = band[f] if (tr.subject == f and tr.predicate == _p("band")) else tr.object
                out_triples.append(ox.Triple(ren(tr.subject), tr.predicate, link(o)))
        out_triples = _seed_defects(out_triples, k, new, defect_slots, manifest, t, picked, ren)
        out_triples += bodies.new_for(t, g)
        path = out / "graph" / "inspections" / f"{new}.ttl"
        path.write_bytes(ox.serialize(out_triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES))
        manifest["files"] += 1
        manifest["triples"] += len(out_triples)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def _seed_defects(triples, k, new, slots, manifest, t, picked, ren):
    def first(kind):
        return next((ren(f) for f in picked if t.kind[f] == kind), None)

    for kind in DEFECT_KINDS:
        if k not in slots[kind]:
            continue
        if kind == "missing-band" and (f := first("Rating")):
            triples = [x for x in triples if not (x.subject == f and x.predicate == _p("band"))]
        elif kind == "missing-theme" and (f := first("Finding")):
            triples = [x for x in triples if not (x.subject == f and x.predicate == _p("theme"))]
        elif kind == "string-value" and (f := first("KeyQuestionResult") or first("Statistic")):
            triples = [
                ox.Triple(x.subject, x.predicate, ox.Literal("85"))
                if (x.subject == f and x.predicate == _p("value"))
                else x
                for x in triples
            ]
        elif kind == "missing-evidence" and (f := first("Finding") or first("Rating")):
            triples = [x for x in triples if not (x.subject == f and x.predicate == _p("hasEvidence"))]
        else:
            continue
        manifest["defects"][kind].append(f.value)
    return triples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--inspections", "-n", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    m = generate(args.inspections, args.seed, args.out)
    print(
        f"{m['files']} inspection files, {m['triples']} triples, defects: "
        + ", ".join(f"{k} {len(v)}" for k, v in m["defects"].items())
    )


if __name__ == "__main__":
    main()
