"""The `probkg` command line: a thin layer that parses options and calls the package.

Exit codes (also in the README): 0 success, 1 a check found defects,
2 bad input (unreadable or malformed file, unknown option), 3 a limit was hit.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import click

from probkg.checks import evidence
from probkg.checks import validate as validate_mod
from probkg.core.errors import EXIT_FAILED_CHECK, EXIT_SOME_FAILED, InputError, ProbkgError, did_you_mean
from probkg.core.paths import Layout, layout, resolve
from probkg.core.progress import reporting
from probkg.core.tables import table
from probkg.rdf.store import KnowledgeGraph, load
from probkg.release import build as build_mod
from probkg.serve.config import ServeConfig
from probkg.sparql import engines, formats
from probkg.sparql.catalogue import SavedQuery, catalogue, parse_params
from probkg.sparql.results import FORMATS, GRAPH_FORMATS, ResultSet, render
from probkg.views import export as export_mod
from probkg.views import graphs as views
from probkg.views import netstats
from probkg.views import plot as plot_mod
from probkg.views import stats as stats_mod

REPORT_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help='text for people; json for programs (one JSON object on stdout; README, "Output for programs").',
)


def echo_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


class ProbkgGroup(click.Group):
    """Maps the package's errors to a one-line message and the documented exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ProbkgError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=ProbkgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="probation-kg", prog_name="probkg")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Project folder (default: found from the current folder).",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bars on stderr for loading and uploading (default: when stderr is a terminal).",
)
@click.pass_context
def main(ctx: click.Context, root: Path | None, progress: bool | None) -> None:
    """probation-kg: build, check and query the probation inspection knowledge graph."""
    ctx.obj = layout(root)
    if progress if progress is not None else sys.stderr.isatty():
        ctx.with_resource(reporting(progress_bar))


def progress_bar(items: Iterable, label: str, length: int | None) -> AbstractContextManager[Iterable]:
    return click.progressbar(items, length=length, label=label, file=sys.stderr)


@main.command()
@click.option(
    "--validate/--no-validate",
    "check",
    default=True,
    show_default=True,
    help="Validate the data as `probkg validate` does first; if it does not conform, print the report, "
    "keep the last good build and exit 1.",
)
@REPORT_FORMAT
@click.pass_obj
def build(lay: Layout, check: bool, fmt: str) -> None:
    """Load the ontology and graph/ and write build/probation.trig and build/void.ttl.

    The three builds before it are kept as build/probation.trig.1 (the last) to .3.
    """
    if check:
        report = validate_mod.validate(lay, [])
        if not report.conforms:
            if fmt == "json":
                echo_json({"built": False, "report": json.loads(report.render("json"))})
            else:
                click.echo(report.render("text"), nl=False, err=True)
            click.echo("not built: the data does not conform; the last good build is kept", err=True)
            sys.exit(EXIT_FAILED_CHECK)
    result = build_mod.build(lay)
    if fmt == "json":
        artefacts = {
            "artefact": str(result.artefact.relative_to(lay.root)),
            "void": str(result.void.relative_to(lay.root)),
        }
        return echo_json({"built": True, **artefacts, "triples": result.triples, "graphs": result.graphs})
    click.echo(
        f"built {result.artefact.relative_to(lay.root)}: {result.triples} triples in {result.graphs} named graphs"
    )
    click.echo(f"wrote {result.void.relative_to(lay.root)}")


@main.command()
@click.option(
    "--network",
    is_flag=True,
    help="Instead: the most connected entities and those most often concerned by areas for improvement, "
    "overall and per inspection (networkx over the entities view).",
)
@click.option("--top", type=click.IntRange(1), default=10, show_default=True, help="Rows per --network table.")
@REPORT_FORMAT
@click.pass_obj
def stats(lay: Layout, network: bool, top: int, fmt: str) -> None:
    """Count instances per class and, per inspection, what the graph knows."""
    if network and fmt == "json":
        raise InputError("stats", "--network writes text only; --format json gives the counts")
    kg = load(lay=lay)
    if network:
        click.echo(netstats.report(kg, top))
        return
    classes, bodies, regions = stats_mod.class_counts(kg), stats_mod.body_counts(kg), stats_mod.pdus_per_region(kg)
    rows = stats_mod.inspection_counts(kg)
    cols = ["ratings", "key_questions", "statistics", "recommendations", "strengths", "areas_for_improvement", "claims"]
    per_inspection = [[r["inspection"].rsplit("/", 1)[1], *(r.get(c, "0") for c in cols)] for r in rows]
    if fmt == "json":
        return echo_json(
            {
                "classes": [{"class": name, "instances": n} for name, n in classes],
                "bodies": [{"bodies": what, "count": n} for what, n in bodies],
                "regions": [{"region": region, "pdus": n} for region, n in regions],
                "inspections": [
                    {"inspection": r[0], **dict(zip(cols, map(int, r[1:]), strict=True))} for r in per_inspection
                ],
            }
        )
    click.echo(table(["class", "instances"], classes))
    click.echo()
    click.echo(table(["bodies", "count"], bodies))
    click.echo()
    click.echo(table(["region", "PDUs"], regions))
    click.echo()
    click.echo(table(["inspection", *cols], per_inspection))


@main.command("check-evidence")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--sources",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder of corpus documents (default: ../shared/sources beside the project).",
)
@REPORT_FORMAT
@click.pass_obj
def check_evidence(lay: Layout, files: tuple[Path, ...], sources: Path | None, fmt: str) -> None:
    """Prove every quote is verbatim in its source and every number is in its quote.

    With FILES, check only those (with the ontology and the document list beside them).
    """
    kg = load(lay.core_files() + [f for f in files if resolve(f) not in lay.core_files()] if files else None, lay)
    failures = evidence.check(kg, sources or lay.sources)
    quotes, cited = evidence.counts(kg)
    if fmt == "json":
        found = [dataclasses.asdict(f) for f in sorted(failures, key=str)]
        echo_json({"quotes": quotes, "cited": cited, "sources": str(sources or lay.sources), "failures": found})
        if failures:
            sys.exit(EXIT_FAILED_CHECK)
        return
    for failure in sorted(failures, key=str):
        click.echo(str(failure))
    if failures:
        click.echo(f"{len(failures)} evidence failures ({quotes} quotes checked)", err=True)
        sys.exit(EXIT_FAILED_CHECK)
    click.echo(f"all {quotes} quotes verified against {sources or lay.sources}")
    if cited:
        click.echo(f"{cited} facts cite pages outside the corpus; not checkable offline")


def complete_saved_query(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion of a saved query's name (`_PROBKG_COMPLETE`, see the README)."""
    try:
        saved = catalogue(layout(ctx.find_root().params.get("root")).queries)
    except ProbkgError:
        return []
    return [name for name in saved if name.startswith(incomplete)]


@main.command()
@click.argument("name", required=False, shell_complete=complete_saved_query)
@click.option("--list", "list_", is_flag=True, help="List the saved queries with their parameters.")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="A parameter value (repeatable).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS + GRAPH_FORMATS),
    default="table",
    show_default=True,
    help="SELECT and ASK: table, csv, tsv, json, md; CONSTRUCT and DESCRIBE: turtle (the default), nt, jsonld.",
)
@click.option(
    "--file",
    "query_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Run the query in this .rq file instead of a saved one.",
)
@click.option("-q", "query_text", help="Run this query text instead of a saved one.")
@click.option("--endpoint", help="Run against this SPARQL 1.1 endpoint URL instead of the local graph.")
@click.option(
    "--engine",
    type=click.Choice(["oxigraph", "rdflib"]),
    default="oxigraph",
    show_default=True,
    help="Local engine (ignored with --endpoint).",
)
@click.option(
    "--allow-network",
    is_flag=True,
    help="Hand a trusted query to the local engine as it is. Without it, a local query gets the endpoint's "
    "guard: SERVICE, updates, and FROM / FROM NAMED naming anything but the graph's own named graphs are "
    "refused (exit 2), so nothing is fetched or read from elsewhere.",
)
@click.pass_obj
def query(
    lay: Layout,
    name: str | None,
    list_: bool,
    params: tuple[str, ...],
    fmt: str,
    query_file: Path | None,
    query_text: str | None,
    endpoint: str | None,
    engine: str,
    allow_network: bool,
) -> None:
    """Run a saved query by NAME, a query file, or query text; or --list the saved queries."""
    saved = catalogue(lay.queries)
    if list_ and fmt in GRAPH_FORMATS:
        raise InputError("query", f"--list is a table; --format {fmt} is for CONSTRUCT and DESCRIBE results")
    if list_:
        listing = [
            {"name": q.name, "summary": q.summary, "parameters": ", ".join(p.describe() for p in q.params)}
            for q in saved.values()
        ]
        click.echo(render(ResultSet.of_strings(["name", "summary", "parameters"], listing), fmt), nl=False)
        return
    if sum(x is not None for x in (name, query_file, query_text)) != 1:
        raise InputError("query", "give exactly one of NAME, --file or -q (or --list)")
    if name is not None:
        if name not in saved:
            raise InputError(
                "query", f"no saved query named {name!r}{did_you_mean(name, saved)}; see probkg query --list"
            )
        chosen = saved[name]
    elif query_file is not None:
        chosen = SavedQuery.read(query_file)
    else:
        chosen = SavedQuery.parse("-q", query_text or "", Path("-q"))
    graph = engines.query_form(chosen.text) in ("CONSTRUCT", "DESCRIBE")
    if graph != (fmt in GRAPH_FORMATS) and fmt != "table":
        raise InputError("query", engines.NOT_A_TABLE if graph else engines.NOT_A_GRAPH)
    bindings = chosen.bind(parse_params(params))
    runner: engines.Engine
    if endpoint:
        runner = engines.RemoteEngine(endpoint)
    elif engine == "rdflib":
        runner = engines.RdflibEngine(lay, guarded=not allow_network)
    else:
        runner = engines.OxigraphEngine(load(lay=lay), guarded=not allow_network)
    absent = engines.absent_iris(runner, bindings)
    if absent:
        raise InputError(
            "query", f"the graph holds nothing about <{absent[0]}>; check the IRI (entity-search finds one by name)"
        )
    if graph:
        media = formats.FORMAT_NAMES["turtle" if fmt == "table" else fmt]
        text = formats.write_graph(runner.graph(chosen.text, bindings), media).decode("utf-8")
        click.echo(text, nl=not text.endswith("\n"))
    else:
        click.echo(render(runner.run(chosen.text, bindings), fmt), nl=False)


@main.command("load")
@click.option("--endpoint", required=True, help="The server's SPARQL query endpoint (used to check the upload).")
@click.option("--graph-store", help="The server's Graph Store Protocol URL (default: the endpoint URL).")
@click.option(
    "--user",
    help="User name for HTTP Basic or Digest authentication; the password is read from "
    "the PROBKG_ENDPOINT_PASSWORD environment variable.",
)
@click.option("--workers", type=click.IntRange(1, 16), default=4, show_default=True, help="Uploads at once.")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def load_remote(
    lay: Layout, endpoint: str, graph_store: str | None, user: str | None, workers: int, files: tuple[Path, ...]
) -> None:
    """Upload the graph to a SPARQL server, one named graph per file, and check the server's counts.

    With FILES, upload only those. See docs/performance.md for Virtuoso and Fuseki.
    """
    import os

    from probkg.release.upload import upload

    result = upload(
        lay,
        endpoint,
        graph_store,
        list(files) or None,
        user=user,
        password=os.environ.get("PROBKG_ENDPOINT_PASSWORD"),
        workers=workers,
    )
    click.echo(
        f"loaded {result.triples} triples in {len(result.graphs)} named graphs; the server reports the same counts"
    )


def _serve_option(flag: str, field: str, kind: click.ParamType, text: str) -> Callable[[Any], Any]:
    """One `probkg serve` option, stored under its `ServeConfig` field and defaulting to that field's
    default, so each default is written once (in `serve/config.py`) and shown in `--help`."""
    default = ServeConfig.__dataclass_fields__[field].default
    return click.option(flag, field, default=default, show_default=True, type=kind, help=text)


SERVE_OPTIONS = (
    ("--host", "host", click.STRING, "Address to listen on."),
    ("--port", "port", click.IntRange(0, 65535), "Port to listen on (0: any free port, announced when ready)."),
    (
        "--timeout",
        "timeout",
        click.FloatRange(0.1, 3600),
        "Seconds a request may take; a query still running then is stopped and answered 503.",
    ),
    (
        "--max-rows",
        "max_rows",
        click.IntRange(1),
        "Results with more rows (or triples) are refused with 422, never cut short.",
    ),
    (
        "--workers",
        "workers",
        click.IntRange(1, 64),
        "Query worker processes, forked from one process that holds the dataset.",
    ),
    ("--queue", "queue", click.IntRange(0), "Requests that may wait for a worker; beyond them the answer is 429."),
    ("--max-body", "max_body", click.IntRange(1), "Largest request body in bytes (413 beyond)."),
    (
        "--max-url",
        "max_url",
        click.IntRange(256),
        "Longest request target (path and query string) in bytes (414 beyond).",
    ),
    ("--worker-memory", "memory_mb", click.IntRange(0), "Address-space cap of each worker in MiB (0: none)."),
    (
        "--recycle-memory",
        "recycle_memory_mb",
        click.IntRange(0),
        "A worker holding more private memory than this many MiB (pages a query stopped sharing "
        "with the loaded process) is replaced by a fresh fork after answering.",
    ),
    (
        "--max-bytes",
        "max_bytes",
        click.IntRange(1),
        "Results larger than this many bytes once serialised are refused with 422, never cut short.",
    ),
    (
        "--client-timeout",
        "client_timeout",
        click.FloatRange(0.1, 3600),
        "Seconds a connection has to send a whole request (head and body); 408 and closed after.",
    ),
    (
        "--send-timeout",
        "send_timeout",
        click.FloatRange(0.1, 3600),
        "Seconds a client may leave an answer unread (nothing of it taken in that time) before its "
        "connection is closed and the answer dropped.",
    ),
    (
        "--max-connections",
        "max_connections",
        click.IntRange(1),
        "Open connections; one more closes the one waiting longest on its client.",
    ),
    (
        "--forwarded-allow-ips",
        "forwarded_allow_ips",
        click.STRING,
        "Comma-separated addresses (or networks) of the reverse proxies whose X-Forwarded-Proto and "
        "X-Forwarded-For are believed; '' believes nobody's, '*' everybody's.",
    ),
)


def serve_options(command: Callable[..., None]) -> Callable[..., None]:
    for spec in reversed(SERVE_OPTIONS):
        command = _serve_option(*spec)(command)
    return command


@main.command()
@serve_options
@click.option(
    "--trig",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Serve this TriG file. Default: build/probation.trig, rebuilt first if missing or "
    "older than the ontology or graph files.",
)
@click.option(
    "--network-isolation/--no-network-isolation",
    "isolate",
    default=True,
    show_default=True,
    help="Run workers in an empty network namespace where the OS allows it.",
)
@click.option("--access-log", is_flag=True, help="Log every request.")
@click.pass_obj
def serve(lay: Layout, /, trig: Path | None, **options: Any) -> None:
    """Serve the graph: SPARQL endpoint at /sparql, saved-query API, entity pages and a web page at /."""
    from probkg.serve import server as serve_mod

    if trig is None:
        trig = lay.build / build_mod.ARTEFACT
        if serve_mod.artefact_is_stale(trig, lay.data_files()):
            result = build_mod.build(lay)
            click.echo(f"built {result.artefact.relative_to(lay.root)}: {result.triples} triples", err=True)
    serve_mod.run(ServeConfig(trig=trig.resolve(), queries=lay.queries, **options))


_REPORT_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="text for people, json for programs, turtle for the SHACL report.",
)
_FAIL_ON = click.option(
    "--fail-on",
    type=click.Choice(["violation", "warning"]),
    default="violation",
    show_default=True,
    help="The least serious result that makes the run fail (exit 1).",
)
_TIMEOUT = click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=validate_mod.DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds before the run stops with exit 3.",
)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_REPORT_FORMAT
@_FAIL_ON
@_TIMEOUT
@click.option(
    "--shapes",
    "shapes",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Shapes file to use instead of shapes/*.ttl (repeatable).",
)
@click.option(
    "--engine",
    type=click.Choice(validate_mod.ENGINES),
    default="fast",
    show_default=True,
    help="fast: the shapes compiled to SPARQL for Oxigraph (pyshacl runs any it cannot compile); "
    "pyshacl: the reference engine.",
)
@click.pass_obj
def validate(
    lay: Layout, paths: tuple[Path, ...], fmt: str, fail_on: str, timeout: float, shapes: tuple[Path, ...], engine: str
) -> None:
    """Check the graph against the SHACL shapes and the QC checks of `lint`.

    With PATHs, check those files (or folders) together with the ontology and the
    reference data. Exit 0 conforms, 1 does not conform, 2 bad input or bad
    shapes, 3 time or resource limit. See docs/validation.md.
    """
    report = validate_mod.validate(
        lay, list(paths), shapes_paths=list(shapes) or None, fail_on=fail_on, timeout=timeout, engine=engine
    )
    click.echo(report.render(fmt), nl=False)
    sys.exit(0 if report.conforms else EXIT_FAILED_CHECK)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_REPORT_FORMAT
@_FAIL_ON
@_TIMEOUT
@click.pass_obj
def lint(lay: Layout, paths: tuple[Path, ...], fmt: str, fail_on: str, timeout: float) -> None:
    """Ontology and data QC: undeclared or undocumented terms, shared names, dangling references.

    `validate` runs these checks too. Exit codes as for `validate`.
    """
    report = validate_mod.lint_only(lay, list(paths), fail_on=fail_on, timeout=timeout)
    click.echo(report.render(fmt), nl=False)
    sys.exit(0 if report.conforms else EXIT_FAILED_CHECK)


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--as",
    "inspection_id",
    default=None,
    metavar="ID",
    help="The slug every IRI of the draft is minted from (e.g. 2026-north-east-region); required for one file. "
    "For a folder, each draft's slug is made from its file name (after ID- if given).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Draft Turtle file to write (default: ID.ttl in the current folder); for a folder, the folder to write "
    "the drafts into (default: the current folder).",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option(
    "--compare", is_flag=True, help="Also print precision and recall against the curated graph for the same inspection."
)
@click.option("--markdown", is_flag=True, help="Print the comparison as a Markdown table.")
@click.option("--dry-run", is_flag=True, help="Extract, check and report, but write nothing.")
@click.option(
    "--max-bytes", type=click.IntRange(1), default=None, help="Largest report text accepted, in bytes (default: 4 MiB)."
)
@REPORT_FORMAT
@click.pass_obj
def ingest(
    lay: Layout,
    path: Path,
    inspection_id: str | None,
    output: Path | None,
    force: bool,
    compare: bool,
    markdown: bool,
    dry_run: bool,
    max_bytes: int | None,
    fmt: str,
) -> None:
    """Draft graph data from a report (text, saved web page or PDF) or an article about one, or a folder of them.

    Exit 0 written, 1 the draft failed its own evidence check (nothing written),
    2 bad input, 3 file over the size limit, 4 a text in no known layout,
    5 output exists (give --force), 7 a PDF with no text layer; for a folder,
    0 every file drafted, 8 some failed (the table says which). With --format json
    the summary (or the folder's table) is one JSON object. See docs/ingest.md.
    """
    from probkg import ingest as ingest_mod

    kg = load(lay=lay)
    limit = max_bytes or ingest_mod.source.MAX_BYTES
    if path.is_dir():
        if compare:
            raise InputError("--compare", "compares one file with the curated graph, not a folder")
        results = ingest_mod.ingest_folder(
            path,
            lay,
            output or Path("."),
            prefix=inspection_id,
            force=force,
            dry_run=dry_run,
            kg=kg,
            progress=lambda n, total, r: click.echo(f"[{n}/{total}] {r.path.name}: {r.outcome}", err=True),
            max_bytes=limit,
        )
        if fmt == "json":
            echo_json(ingest_mod.folder_json(results))
        else:
            click.echo(ingest_mod.folder_table(results))
        sys.exit(EXIT_SOME_FAILED if any(r.error for r in results) else 0)
    if inspection_id is None:
        raise InputError("--as", "give the draft's slug (--as ID) when ingesting one file")
    draft = ingest_mod.ingest(path, inspection_id, lay, kg=kg, max_bytes=limit)
    out = output or Path(f"{inspection_id}.ttl")
    report = ingest_mod.summary_json(draft) | {"written": None, "text": None}
    if fmt == "text":
        click.echo(f"{path.name}: {ingest_mod.summary(draft)}")
    if not dry_run:
        ingest_mod.write(draft, out, force)
        text = ingest_mod.text_beside(draft, out)
        report |= {"written": str(out), "text": str(text) if text else None}
        sources = text.parent if text else path.resolve().parent
        # an article linked to the graph's inspection is validated beside the files that describe it
        beside = (
            f" {lay.graph / 'inspections'} {lay.graph / 'sources'}" if draft.counts.get("inspections linked") else ""
        )
        if fmt == "text":
            click.echo(
                f"wrote {out} ({draft.counts['evidence quotes']} quotes, each verified against {text or path.name}); "
                f"next: probkg check-evidence --sources {sources} {out} && probkg validate {out}{beside}"
            )
    if compare:
        result = ingest_mod.compare_with_curated(draft, lay, kg)
        report["comparison"] = result.as_json()
        if fmt == "text":
            click.echo(f"compared with the curated {result.curated_inspection.rsplit('/id/', 1)[-1]}:")
            click.echo(result.table(markdown=markdown))
            for line in result.differences:
                click.echo(f"  {line}")
    if fmt == "json":
        echo_json(report)


def _view_options(func):
    """--around and --depth, shared by `export` and `plot network`."""
    func = click.option(
        "--depth", type=click.IntRange(0), default=None, help="Links from --around to keep (default 1)."
    )(func)
    func = click.option(
        "--around",
        "around_entity",
        metavar="ENTITY",
        help="Keep only what is within --depth links of ENTITY (an IRI, label or acronym).",
    )(func)
    return func


def _view(
    lay: Layout, view: str, inspection: str | None, around_entity: str | None, depth: int | None, stream: bool = False
) -> tuple[KnowledgeGraph, Any]:
    """Load the graph and build the view the options ask for (`views.build`; `stream` for a `FullView`)."""
    if inspection is not None and view != "inspection":
        raise InputError("--inspection", f"only the inspection view takes --inspection (not --view {view})")
    if depth is not None and around_entity is None:
        raise InputError("--depth", "--depth needs --around")
    kg = load(lay=lay)
    return kg, views.build(kg, view, inspection, around_entity, 1 if depth is None else depth, stream)


@main.command("export")
@click.argument("fmt", metavar="FORMAT", type=click.Choice(list(export_mod.FORMATS)))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write (csv: FILE-nodes.csv and FILE-edges.csv beside it).",
)
@click.option(
    "--view",
    type=click.Choice(views.VIEWS),
    default=None,
    help="full: every resource; entities: who is linked to whom; inspection: one inspection's ratings, "
    "findings and what they concern. Default: entities, or inspection with --inspection.",
)
@click.option("--inspection", metavar="ID", help="The inspection view's inspection (slug, IRI or label).")
@_view_options
@click.pass_obj
def export_graph(
    lay: Layout,
    fmt: str,
    output: Path,
    view: str | None,
    inspection: str | None,
    around_entity: str | None,
    depth: int | None,
) -> None:
    """Write a view of the graph as FORMAT for Gephi, yEd, Cytoscape, Graphviz, JSON-LD tools or a browser.

    See docs/exports.md for which tool opens which format.
    """
    if not output.parent.is_dir():
        raise InputError(str(output), "no such folder")
    streamed = fmt in export_mod.STREAMED
    kg, G = _view(lay, view or ("inspection" if inspection else "entities"), inspection, around_entity, depth, streamed)
    details = views.finding_details(kg, G) if fmt == "html" else None
    for path in export_mod.write(G, fmt, output, details):
        click.echo(f"wrote {path}: {G.graph['view']} view, {G.number_of_nodes()} nodes, {G.number_of_edges()} edges")


@main.group()
def plot() -> None:
    """Draw pictures of the graph with Graphviz: PNG or SVG, chosen by the output file's suffix."""


@plot.command("ratings")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="ratings.png or ratings.svg"
)
@click.pass_obj
def plot_ratings(lay: Layout, output: Path) -> None:
    """Comparable standards (skos:closeMatch) against inspections, each cell coloured by band and labelled."""
    plot_mod.render(plot_mod.ratings_dot(load(lay=lay)), output)
    click.echo(f"wrote {output}")


@plot.command("network")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="network.png or network.svg"
)
@_view_options
@click.pass_obj
def plot_network(lay: Layout, output: Path, around_entity: str | None, depth: int | None) -> None:
    """The entities view laid out with non-overlapping labels (Graphviz neato), unlinked entities left out."""
    _, G = _view(lay, "entities", None, around_entity, depth)
    plot_mod.render(plot_mod.network_dot(G), output, engine="neato")
    click.echo(f"wrote {output}")
