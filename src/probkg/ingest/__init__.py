"""`probkg ingest`: from a new report's text to draft graph data, with measured accuracy.

The pipeline, each step its own module:

1. `source.read` refuses what is not a report text (empty, binary, PDF, HTML,
   too large, absurdly long lines) before anything is parsed;
2. `detection.detect` decides which known layout the text is in (or none);
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

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from probkg.checks.evidence import check
from probkg.core.atomic import replace_atomically
from probkg.core.errors import EXIT_FAILED_CHECK, InputError, OutputExistsError, ProbkgError
from probkg.core.paths import Layout
from probkg.core.tables import table
from probkg.ingest import detection, draft_article, source
from probkg.ingest.compare import Comparison, compare, compare_article
from probkg.ingest.draft import SLUG, Draft, GraphContext, build
from probkg.ingest.model import ParsedArticle, ParsedReport
from probkg.rdf import names
from probkg.rdf.store import KnowledgeGraph, load
from probkg.rdf.vocab import ID_BASE

__all__ = [
    "Comparison",
    "Draft",
    "GraphContext",
    "IngestCheckError",
    "compare_with_curated",
    "draft_graph",
    "folder_json",
    "ingest",
    "parse",
    "self_check",
    "summary",
    "summary_json",
    "write",
]


class IngestCheckError(ProbkgError):
    """The draft failed its own evidence check: a bug in ingest, reported rather than written."""

    exit_code = EXIT_FAILED_CHECK


def parse(path: Path, max_bytes: int = source.MAX_BYTES) -> tuple[source.ReportText, ParsedReport | ParsedArticle]:
    """Read and parse a report; raises InputError, LayoutError or LimitError on bad input."""
    report = source.read(path, max_bytes)
    parser = detection.detect(report)
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
    if isinstance(parsed, ParsedArticle):
        draft = draft_article.build(report, parsed, inspection_id, ctx)
    else:
        draft = build(report, parsed, inspection_id, ctx)
    self_check(draft, lay)
    return draft


def draft_graph(draft: Draft, lay: Layout) -> KnowledgeGraph:
    """The draft loaded beside the ontology (for the evidence checker's class queries)."""
    store = load(sorted(lay.ontology.rglob("*.ttl")), lay).store
    try:
        store.bulk_load(
            input=draft.turtle.encode("utf-8"),
            format=ox.RdfFormat.TURTLE,
            to_graph=ox.NamedNode(f"{lay.graph_name(lay.root / 'ingest' / draft.inspection)}"),
        )
    except (SyntaxError, ValueError) as exc:
        raise IngestCheckError(f"{draft.report.path}: internal error: the draft is not valid Turtle ({exc})") from None
    return KnowledgeGraph(store, [], lay)


def self_check(draft: Draft, lay: Layout) -> None:
    """Prove every quote of the draft against the report itself, as check-evidence would.

    A plain text is checked where it lies; the text extracted from a PDF or an
    HTML page is checked as the file `write` saves beside the draft.
    """
    report = draft.report
    report_path = report.path
    if report.kind == "text":
        failures = check(draft_graph(draft, lay), report_path.resolve().parent)
    else:
        with tempfile.TemporaryDirectory(prefix="probkg-ingest-") as folder:
            (Path(folder) / report.text_name).write_text(report.text, encoding="utf-8")
            failures = check(draft_graph(draft, lay), Path(folder))
    if failures:
        listed = "; ".join(str(f) for f in failures[:5])
        raise IngestCheckError(
            f"{report_path}: internal error: the draft fails its own evidence check, so nothing was "
            f"written ({len(failures)} failures: {listed})"
        )


def text_beside(draft: Draft, out: Path) -> Path | None:
    """Where the text extracted from a PDF or HTML page is saved: beside the draft, under its pko:corpusFile."""
    return None if draft.report.kind == "text" else out.parent / draft.report.text_name


def write(draft: Draft, out: Path, force: bool = False) -> None:
    """Write the draft to `out` atomically; refuse to replace an existing file unless `force`.

    A draft of a PDF or HTML page is written with the text it quotes (`text_beside`),
    so `probkg check-evidence --sources FOLDER` can prove it; both are checked
    before either is written.
    """
    text_out = text_beside(draft, out)
    targets = [out] + ([text_out] if text_out is not None and text_out != draft.report.path else [])
    for target in targets:
        if target.exists() and not force:
            raise OutputExistsError(str(target))
        if target.exists() and not target.is_file():
            raise InputError(str(target), "exists and is not a file")
    if not out.parent.is_dir():
        raise InputError(str(out), "its folder does not exist")
    if len(targets) > 1:
        replace_atomically(targets[1], lambda tmp: tmp.write_text(draft.report.text, encoding="utf-8"))
    replace_atomically(out, lambda tmp: tmp.write_text(draft.turtle, encoding="utf-8"))


@dataclass
class FileResult:
    """One file of a folder run: what it was read as, how much was drafted, and its error if it failed."""

    path: Path
    kind: str  # the layout it was read in ("" if it failed before)
    facts: int
    unlinked: int
    error: str | None = None
    exit_code: int = 0

    @property
    def outcome(self) -> str:
        if self.error:
            return f"failed (exit {self.exit_code}): {self.error}"
        return f"drafted ({self.kind}, {self.facts} facts, {self.unlinked} names not linked)"


_NOT_FACTS = {"evidence quotes", "entity links", "inspections linked"}


def ingest_folder(
    folder: Path,
    lay: Layout,
    out_dir: Path,
    *,
    prefix: str | None = None,
    force: bool = False,
    dry_run: bool = False,
    kg: KnowledgeGraph | None = None,
    max_bytes: int = source.MAX_BYTES,
    progress: Callable[[int, int, FileResult], None] | None = None,
) -> list[FileResult]:
    """Draft every file of a folder (not its subfolders or hidden files), going on past a file that fails.

    Each draft's slug is made from its file name (`PREFIX-` before it if given); the
    graph is read once for all. A failed file writes nothing, as for one file.
    """
    if not out_dir.is_dir():
        raise InputError(str(out_dir), "the output folder does not exist")
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    ctx = GraphContext.from_graph(kg or load(lay=lay))
    results: list[FileResult] = []
    for n, path in enumerate(files, start=1):
        slug = names.slug(path.stem) or "document"
        slug = f"{prefix}-{slug}" if prefix else slug
        try:
            draft = ingest(path, slug, lay, max_bytes=max_bytes, ctx=ctx)
            if not dry_run:
                write(draft, out_dir / f"{slug}.ttl", force)
            facts = sum(v for k, v in draft.counts.items() if k not in _NOT_FACTS and not k.startswith("claims "))
            result = FileResult(path, draft.layout, facts, len(draft.candidates))
        except ProbkgError as exc:
            message = str(exc).removeprefix(f"{path}: ")
            result = FileResult(path, "", 0, 0, message, exc.exit_code)
        results.append(result)
        if progress:
            progress(n, len(files), result)
    return results


def _short_error(message: str, width: int = 100) -> str:
    """An error's first clause, cut to fit a table cell (the progress line above it has it whole)."""
    first = message.split(" (", 1)[0]
    return first if len(first) <= width else first[: width - 1] + "…"


def folder_table(results: list[FileResult]) -> str:
    """The closing table of a folder run: one row per file, then how many failed."""
    rows = [
        (
            r.path.name,
            r.kind or "-",
            r.facts,
            r.unlinked,
            f"exit {r.exit_code}: {_short_error(r.error)}" if r.error else "",
        )
        for r in results
    ]
    failed = sum(1 for r in results if r.error)
    return (
        table(["file", "kind", "facts drafted", "names not linked", "error"], rows)
        + f"\n{len(results)} files, {len(results) - failed} drafted, {failed} failed"
    )


def compare_with_curated(draft: Draft, lay: Layout, curated: KnowledgeGraph) -> Comparison:
    """Precision and recall of the draft against the curated graph's facts of the same inspection (or article)."""
    if draft.layout == "article-text":
        return compare_article(draft_graph(draft, lay), curated, draft.report)
    return compare(
        draft_graph(draft, lay), f"{ID_BASE}inspection/{draft.inspection}", curated, draft.report, draft.inspection
    )


def summary_json(draft: Draft) -> dict[str, object]:
    """`summary` for programs: the counts, the names not linked, the ambiguous names and the warnings."""
    return {
        "file": draft.report.path.name,
        "layout": draft.layout,
        "inspection": draft.inspection,
        "counts": draft.counts,
        "not_linked": [
            {"kind": kind, "name": name, "count": n}
            for (kind, name), n in sorted(draft.candidates.items(), key=lambda t: (t[0][0], t[0][1].lower()))
        ],
        "ambiguous": [{"name": name, "entities": list(iris)} for name, iris in sorted(draft.ambiguous.items())],
        "warnings": draft.warnings,
    }


def folder_json(results: list[FileResult]) -> dict[str, object]:
    """`folder_table` for programs: one object per file, then how many were drafted and how many failed."""
    failed = sum(1 for r in results if r.error)
    return {
        "files": [
            {
                "file": r.path.name,
                "kind": r.kind or None,
                "facts": r.facts,
                "not_linked": r.unlinked,
                "error": r.error,
                "exit_code": r.exit_code,
            }
            for r in results
        ],
        "drafted": len(results) - failed,
        "failed": failed,
    }


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
