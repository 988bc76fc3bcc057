"""`probkg ingest`: from a new report's text to draft graph data, with measured accuracy.

The pipeline, each step its own module:

1. `source.read` refuses what is not a report text (empty, binary, PDF, HTML,
   too large, absurdly long lines) before anything is parsed;
2. `layouts.detect` decides which known layout the text is in (or none);
3. that layout's parser (`layout_2019`, `layout_2025`) extracts the inspected
   body, dates, ratings, score, key-question results, recommendations and the
   strength and improvement bullets, each with verbatim quotes;
4. `draft.build` links them to the graph (frameworks, bands, the gazetteer of
   entity labels in `gazetteer`) and writes Turtle in the project's style;
5. `self_check` proves the draft's quotes against the report with the same
   evidence checker as `probkg check-evidence`, so a draft that would fail it
   is never written;
6. `write` replaces the output file atomically, never an existing one
   unless asked; `compare` measures the draft against the curated graph.

See docs/ingest.md.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from probkg.checks.evidence import check
from probkg.core.atomic import replace_atomically
from probkg.core.errors import EXIT_FAILED_CHECK, InputError, OutputExistsError, ProbkgError
from probkg.core.paths import Layout
from probkg.ingest import layouts, source
from probkg.ingest.compare import Comparison, compare
from probkg.ingest.draft import SLUG, Draft, GraphContext, build
from probkg.ingest.model import ParsedReport
from probkg.rdf.store import KnowledgeGraph, load
from probkg.rdf.vocab import ID_BASE

__all__ = [
    "Comparison",
    "Draft",
    "GraphContext",
    "IngestCheckError",
    "compare_with_curated",
    "draft_graph",
    "ingest",
    "parse",
    "self_check",
    "summary",
    "write",
]


class IngestCheckError(ProbkgError):
    """The draft failed its own evidence check: a bug in ingest, reported rather than written."""

    exit_code = EXIT_FAILED_CHECK


def parse(path: Path, max_bytes: int = source.MAX_BYTES) -> tuple[source.ReportText, ParsedReport]:
    """Read and parse a report; raises InputError, LayoutError or LimitError on bad input."""
    report = source.read(path, max_bytes)
    parser = layouts.detect(report)
    return report, parser.parse(report)


def ingest(
    path: Path,
    inspection_id: str,
    lay: Layout,
    *,
    max_bytes: int = source.MAX_BYTES,
    kg: KnowledgeGraph | None = None,
    ctx: GraphContext | None = None,
) -> Draft:
    """Parse a report and build its draft; nothing is written here."""
    if not SLUG.fullmatch(inspection_id):
        raise InputError(
            "--as",
            f"'{inspection_id}' is not an inspection slug: lower-case letters and digits "
            f"in hyphen-separated words, like 2026-north-east-region",
        )
    report, parsed = parse(path, max_bytes)
    if ctx is None:
        ctx = GraphContext.from_graph(kg or load(lay=lay))
    draft = build(report, parsed, inspection_id, ctx)
    self_check(draft, report.path, lay)
    return draft


def draft_graph(draft: Draft, lay: Layout) -> KnowledgeGraph:
    """The draft loaded beside the ontology (for the evidence checker's class queries)."""
    store = ox.Store()
    for path in sorted(lay.ontology.rglob("*.ttl")):
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(lay.graph_name(path)))
    try:
        store.bulk_load(
            input=draft.turtle.encode("utf-8"),
            format=ox.RdfFormat.TURTLE,
            to_graph=ox.NamedNode(f"{lay.graph_name(lay.root / 'ingest' / draft.inspection)}"),
        )
    except (SyntaxError, ValueError) as exc:
        raise IngestCheckError(f"{draft.report.path}: internal error: the draft is not valid Turtle ({exc})") from None
    return KnowledgeGraph(store, [], lay)


def self_check(draft: Draft, report_path: Path, lay: Layout) -> None:
    """Prove every quote of the draft against the report itself, as check-evidence would."""
    failures = check(draft_graph(draft, lay), report_path.resolve().parent)
    if failures:
        listed = "; ".join(str(f) for f in failures[:5])
        raise IngestCheckError(
            f"{report_path}: internal error: the draft fails its own evidence check, so nothing was "
            f"written ({len(failures)} failures: {listed})"
        )


def write(draft: Draft, out: Path, force: bool = False) -> None:
    """Write the draft to `out` atomically; refuse to replace an existing file unless `force`."""
    if out.exists() and not force:
        raise OutputExistsError(str(out))
    if out.exists() and not out.is_file():
        raise InputError(str(out), "exists and is not a file")
    if not out.parent.is_dir():
        raise InputError(str(out), "its folder does not exist")
    replace_atomically(out, lambda tmp: tmp.write_text(draft.turtle, encoding="utf-8"))


def compare_with_curated(draft: Draft, lay: Layout, curated: KnowledgeGraph) -> Comparison:
    """Precision and recall of the draft against the curated graph's facts of the same inspection."""
    return compare(
        draft_graph(draft, lay), f"{ID_BASE}inspection/{draft.inspection}", curated, draft.report, draft.inspection
    )


def summary(draft: Draft) -> str:
    """The printed report: counts per kind, then what the curator must look at."""
    lines = [f"layout {draft.layout}, inspection {draft.inspection}"]
    width = max(len(k) for k in draft.counts)
    lines += [f"  {kind.ljust(width)}  {n:>4}" for kind, n in draft.counts.items()]
    if draft.candidates:
        lines.append("not linked (add to graph/reference/ with a label or altLabel if they are entities):")
        for (kind, name), n in sorted(draft.candidates.items(), key=lambda t: (t[0][0], t[0][1].lower())):
            lines.append(f"  {kind:<9} {name}" + (f"  ({n}x)" if n > 1 else ""))
    if draft.ambiguous:
        lines.append("ambiguous names (not linked; give each entity its own label):")
        for name, iris in sorted(draft.ambiguous.items()):
            lines.append(f"  '{name}': " + ", ".join(i.rsplit("/id/", 1)[-1] for i in iris))
    if draft.warnings:
        lines.append("warnings:")
        lines += [f"  {w}" for w in draft.warnings]
    return "\n".join(lines)
