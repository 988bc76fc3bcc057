"""The `probkg` command line: a thin layer that parses options and calls the package.

Exit codes (also in the README): 0 success, 1 a check found defects,
2 bad input (unreadable or malformed file, unknown option), 3 a limit was hit.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import build as build_mod
from . import engines, evidence, stats as stats_mod
from .errors import EXIT_FAILED_CHECK, InputError, ProbkgError
from .paths import Layout, layout
from .queries import SavedQuery, catalogue, parse_params
from .render import table
from .results import FORMATS, render
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


@main.command()
@click.argument("name", required=False)
@click.option("--list", "list_", is_flag=True, help="List the saved queries with their parameters.")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="A parameter value (repeatable).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--file", "query_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Run the query in this .rq file instead of a saved one.")
@click.option("-q", "query_text", help="Run this query text instead of a saved one.")
@click.option("--endpoint", help="Run against this SPARQL 1.1 endpoint URL instead of the local graph.")
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True,
              help="Local engine (ignored with --endpoint).")
@click.pass_obj
def query(lay: Layout, name: str | None, list_: bool, params: tuple[str, ...], fmt: str,
          query_file: Path | None, query_text: str | None, endpoint: str | None, engine: str) -> None:
    """Run a saved query by NAME, a query file, or query text; or --list the saved queries."""
    saved = catalogue(lay.queries)
    if list_:
        click.echo(table(["name", "summary", "parameters"],
                         [[q.name, q.summary, ", ".join(p.describe() for p in q.params)] for q in saved.values()]))
        return
    if sum(x is not None for x in (name, query_file, query_text)) != 1:
        raise InputError("query", "give exactly one of NAME, --file or -q (or --list)")
    if name is not None:
        if name not in saved:
            raise InputError("query", f"no saved query named {name!r}; see probkg query --list")
        chosen = saved[name]
    elif query_file is not None:
        chosen = SavedQuery.read(query_file)
    else:
        chosen = SavedQuery.parse("-q", query_text or "", Path("-q"))
    bindings = chosen.bind(parse_params(params))
    runner: engines.Engine
    if endpoint:
        runner = engines.RemoteEngine(endpoint)
    elif engine == "rdflib":
        runner = engines.RdflibEngine(lay)
    else:
        runner = engines.OxigraphEngine(load(lay=lay))
    click.echo(render(runner.run(chosen.text, bindings), fmt), nl=False)
