"""The `probkg` command line: a thin layer that parses options and calls the package.

Exit codes (also in the README): 0 success, 1 a check found defects,
2 bad input (unreadable or malformed file, unknown option), 3 a limit was hit.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import build as build_mod
from . import evidence, stats as stats_mod
from .errors import EXIT_FAILED_CHECK, ProbkgError
from .paths import Layout, layout
from .render import table
from .store import load


class ProbkgGroup(click.Group):
    """Maps the package's errors to a one-line message and the documented exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ProbkgError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=ProbkgGroup)
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project folder (default: found from the current folder).")
@click.pass_context
def main(ctx: click.Context, root: Path | None) -> None:
    """probation-kg: build, check and query the probation inspection knowledge graph."""
    ctx.obj = Layout(root.resolve()) if root else layout()


@main.command()
@click.pass_obj
def build(lay: Layout) -> None:
    """Load the ontology and graph/ and write build/probation.trig and build/void.ttl."""
    result = build_mod.build(lay)
    click.echo(f"built {result.artefact.relative_to(lay.root)}: {result.triples} triples in {result.graphs} named graphs")
    click.echo(f"wrote {result.void.relative_to(lay.root)}")


@main.command()
@click.pass_obj
def stats(lay: Layout) -> None:
    """Count instances per class and, per inspection, what the graph knows."""
    kg = load(lay=lay)
    click.echo(table(["class", "instances"], stats_mod.class_counts(kg)))
    click.echo()
    rows = stats_mod.inspection_counts(kg)
    cols = ["ratings", "key_questions", "statistics", "recommendations", "strengths", "areas_for_improvement", "claims"]
    click.echo(table(["inspection", *cols],
                     [[r["inspection"].rsplit("/", 1)[1], *(r.get(c, "0") for c in cols)] for r in rows]))


@main.command("check-evidence")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--sources", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of corpus documents (default: ../shared/sources beside the project).")
@click.pass_obj
def check_evidence(lay: Layout, files: tuple[Path, ...], sources: Path | None) -> None:
    """Prove every quote is verbatim in its source and every number is in its quote.

    With FILES, check only those (with the ontology and the document list beside them).
    """
    kg = load(lay.core_files() + [f for f in files if f.resolve() not in lay.core_files()] if files else None, lay)
    failures = evidence.check(kg, sources or lay.sources)
    quotes = kg.select("SELECT (COUNT(?q) AS ?n) WHERE { ?q a pko:EvidenceQuote }")[0]["n"]
    for failure in sorted(failures, key=str):
        click.echo(str(failure))
    if failures:
        click.echo(f"{len(failures)} evidence failures ({quotes} quotes checked)", err=True)
        sys.exit(EXIT_FAILED_CHECK)
    click.echo(f"all {quotes} quotes verified against {sources or lay.sources}")
