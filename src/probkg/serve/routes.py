"""The routes of `probkg serve` and what each answers: the Starlette application.

No query runs in this process: every SPARQL check and evaluation is a job
(`serve/protocol.py`) for the pool of worker processes (`serve/pool.py`) that
can be killed at a deadline. This process parses HTTP, enforces the size limits,
renders pages and hands bytes back, so `/health` stays fast however busy the
workers are.

* `/sparql`: SPARQL 1.1 Protocol (GET, POST form, POST application/sparql-query);
  a service description when there is no query.
* `/api/queries`, `/api/queries/{name}`: the saved queries as a web API;
  `/api/openapi.json` describes it.
* `/id/{kind}/{slug}`: each entity of the data, as HTML, Turtle or JSON-LD; a former IRI redirects (308) to its replacement.
* `/dump`, `/dump.nq`, `/dump.trig`: the whole dataset, streamed; `/void`: its VoID.
* `/`: the web page (saved-query forms, SPARQL editor); `/static/`: its files.
* `/health`: liveness and pool state.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from importlib.metadata import version
from pathlib import Path

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from probkg.core.errors import InputError
from probkg.rdf.store import artefact_quads
from probkg.rdf.vocab import ID_BASE
from probkg.serve import protocol as msg
from probkg.serve.config import ServeConfig
from probkg.serve.connection import ConnectionStats
from probkg.serve.middleware import Caching, Compression, Limits, NoSniff
from probkg.serve.negotiation import HTML, NQUADS, BadFormat, dump_media, entity_media, saved_query_media
from probkg.serve.openapi import describe_query, openapi_document
from probkg.serve.pages import Pages, local_path
from probkg.serve.pool import Deadline, Overloaded, PoolConfig, WorkerDied, WorkerPool
from probkg.serve.responses import error
from probkg.serve.service_description import service_description, void
from probkg.serve.sparql_request import protocol_params
from probkg.serve.terms import ONTOLOGY, TERM_NAME, TERMS_QUERY, term_page_data, term_queries, terms_from_results
from probkg.sparql import formats as fmt
from probkg.sparql.catalogue import catalogue

WEB = Path(__file__).parent / "web"
CHUNK = 1 << 16
NQUADS_BATCH = 4096  # quads serialised at a time while streaming N-Quads


@functools.lru_cache(maxsize=64)
def endpoint_address(
    scheme: str, server: tuple[str, int] | None, host: str | None, root_path: str, path: str
) -> str | None:
    """The address of the resource at `path` as a client with this Host header names it, if it is
    a valid IRI. Kept for the few names clients use: building and checking it took about as long
    as reading the rest of a lookup's request."""
    headers = [(b"host", host.encode("latin-1"))] if host is not None else []
    address = str(
        URL(
            scope={
                "type": "http",
                "scheme": scheme,
                "server": server,
                "root_path": root_path,
                "path": path,
                "headers": headers,
            }
        )
    )
    try:
        ox.NamedNode(address)
    except ValueError:
        return None
    return address


class Artefact:
    """The served TriG file, opened once at start, so the dumps and the ETags stay those of
    the loaded build even if a rebuild replaces the file at its path meanwhile."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_RDONLY)
        self.size = os.fstat(self.fd).st_size
        digest = hashlib.blake2b(digest_size=16)
        for chunk in self.chunks():
            digest.update(chunk)
        self.digest = digest.hexdigest()

    def open(self):
        """A reader of its own (its own offset), on the file opened at start (Linux's /proc/self/fd)."""
        return open(f"/proc/self/fd/{self.fd}", "rb")

    def chunks(self) -> Iterator[bytes]:
        with self.open() as f:
            while chunk := f.read(CHUNK):
                yield chunk

    def nquads(self) -> Iterator[bytes]:
        """The dataset as N-Quads, converted as it is read: memory holds one batch, not the dataset."""
        with self.open() as f:
            batch: list[ox.Quad] = []
            for quad in artefact_quads(f):
                batch.append(quad)
                if len(batch) == NQUADS_BATCH:
                    yield ox.serialize(batch, format=ox.RdfFormat.N_QUADS) or b""
                    batch = []
            if batch:
                yield ox.serialize(batch, format=ox.RdfFormat.N_QUADS) or b""


class App:
    """The server's state (config, pool, catalogue, pages) and its request handlers."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.pool = WorkerPool(
            PoolConfig(
                trig=str(config.trig),
                queries=str(config.queries),
                size=config.workers,
                queue=config.queue,
                max_rows=config.max_rows,
                max_bytes=config.max_bytes,
                memory_mb=config.memory_mb,
                recycle_memory_mb=config.recycle_memory_mb,
                isolate=config.isolate,
            )
        )
        self.saved = catalogue(config.queries)
        self.connections = ConnectionStats()
        self.pages = Pages()
        self.started = time.time()
        self.terms: list[dict[str, str]] | None = None
        self.artefact = Artefact(config.trig)
        # What every answer to a GET depends on besides the request: the ETags' base.
        settings = (version("probation-kg"), repr(config), *(q.text for q in self.saved.values()))
        self.build_tag = hashlib.blake2b(
            "\0".join((self.artefact.digest, *settings)).encode(), digest_size=16
        ).hexdigest()

    # --- running jobs --------------------------------------------------------------------

    async def run(self, job: msg.Job, as_json: bool = False) -> msg.Result | msg.EntityPage | msg.Moved | Response:
        """A job's reply, or the error response for a refused, late or failed one."""
        try:
            reply = await self.pool.run(job, self.config.timeout)
        except Overloaded:
            return error(429, "too many requests in progress; try again shortly", as_json, {"Retry-After": "1"})
        except Deadline:
            return error(
                503,
                f"the query did not finish within the server's time limit of {self.config.timeout:g} s and was stopped",
                as_json,
            )
        except WorkerDied:
            return error(
                503,
                "the query stopped its worker process (it may have needed more memory "
                "than a worker may use) and was abandoned",
                as_json,
            )
        if isinstance(reply, msg.Failure):
            headers = {"Probkg-Limit": reply.limit} if reply.limit else None
            return error(reply.status, reply.error, as_json, headers)
        return reply

    @staticmethod
    def body(reply: msg.Result, headers: dict | None = None) -> Response:
        return Response(reply.body, 200, headers=headers, media_type=fmt.content_type(reply.media))

    # --- /sparql -------------------------------------------------------------------------

    async def sparql(self, request: Request) -> Response:
        values = await protocol_params(request)
        if isinstance(values, Response):
            return values
        endpoint = self.endpoint(request)
        if endpoint is None:
            return error(400, "the Host header does not make a valid IRI")
        queries = values.get("query", [])
        if len(queries) > 1:
            return error(400, "more than one query parameter")
        if not queries:
            if request.method == "POST":
                return error(400, "no query: send query=... or an application/sparql-query body")
            info = self.pool.info
            return service_description(request, endpoint, info.graphs if info else (), info.triples if info else 0)
        fmt_name = values.get("format") or values.get("output")
        defaults, named = values.get("default-graph-uri"), values.get("named-graph-uri")
        job = msg.SparqlJob(
            query=queries[0],
            accept=request.headers.get("accept"),
            format=tuple(fmt_name) if fmt_name else None,
            base=endpoint,
            default_graphs=tuple(defaults) if defaults is not None else None,
            named_graphs=tuple(named) if named is not None else None,
        )
        reply = await self.run(job)
        if isinstance(reply, Response):
            return reply
        assert isinstance(reply, msg.Result)
        headers = {}
        if reply.media == fmt.CSV and fmt_name:
            headers["Content-Disposition"] = 'attachment; filename="results.csv"'
        return self.body(reply, headers)

    @staticmethod
    def endpoint(request: Request) -> str | None:
        """This endpoint's address as the client named it (the Host header), if it is a valid IRI."""
        scope = request.scope
        return endpoint_address(
            scope["scheme"], scope.get("server"), request.headers.get("host"), scope.get("root_path", ""), scope["path"]
        )

    async def not_allowed(self, request: Request) -> Response:
        return error(
            405,
            f"{request.method} is not allowed: this endpoint is read-only (GET or POST a query)",
            headers={"Allow": "GET, POST"},
        )

    # --- saved queries -------------------------------------------------------------------

    async def list_queries(self, request: Request) -> Response:
        return JSONResponse({"queries": [describe_query(q) for q in self.saved.values()]})

    async def run_query(self, request: Request) -> Response:
        name = request.path_params["name"]
        as_csv = name.endswith(".csv")
        name = name.removesuffix(".csv")
        query = self.saved.get(name)
        if query is None:
            return error(404, f"no saved query named {name!r}; see /api/queries", True)
        try:
            media = saved_query_media(request, as_csv)
        except BadFormat as exc:
            return error(400, str(exc), True)
        except fmt.NotAcceptable as exc:
            return error(406, str(exc), True)
        given: dict[str, str] = {}
        optional = {p.name for p in query.params if p.optional}
        for key, value in request.query_params.multi_items():
            if key == "format":
                continue
            if key in given:
                return error(400, f"parameter {key} given more than once", True)
            if value != "" or key not in optional:
                given[key] = value
        try:
            bindings = query.bind(given)
        except InputError as exc:
            return error(400, exc.message, True)
        reply = await self.run(msg.SavedQueryJob(name, tuple(bindings.items()), media), as_json=True)
        if isinstance(reply, Response):
            return reply
        assert isinstance(reply, msg.Result)
        headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'} if media == fmt.CSV else None
        return self.body(reply, headers)

    async def list_terms(self, request: Request) -> Response:
        """The ontology's classes and properties (`serve/terms.py`), read once from the dataset."""
        if self.terms is None:
            reply = await self.run(msg.SparqlJob(query=TERMS_QUERY, format=("json",)), as_json=True)
            if isinstance(reply, Response):
                return reply
            assert isinstance(reply, msg.Result)
            self.terms = terms_from_results(reply.body)
        return JSONResponse({"terms": self.terms})

    async def term(self, request: Request) -> Response:
        """A local page for an ontology term: definition, domain, range, and how often the data uses it."""
        name = request.path_params["name"]
        iri = ONTOLOGY + name
        if not TERM_NAME.fullmatch(name):
            return self.pages.not_found(f"not a term of the ontology: {iri}")
        replies = []
        for query in term_queries(iri):
            reply = await self.run(msg.SparqlJob(query=query, format=("json",)))
            if isinstance(reply, Response):
                return reply
            assert isinstance(reply, msg.Result)
            replies.append(reply.body)
        data = term_page_data(iri, *replies)
        if data is None:
            return self.pages.not_found(f"the ontology has no term {iri}")
        return self.pages.term(data)

    async def openapi(self, request: Request) -> Response:
        return JSONResponse(openapi_document(self.saved))

    # --- linked data ---------------------------------------------------------------------

    async def entity(self, request: Request) -> Response:
        kind, slug = request.path_params["kind"], request.path_params["slug"]
        iri = f"{ID_BASE}{kind}/{slug}"
        try:
            ox.NamedNode(iri)
        except ValueError:
            return error(404, f"not an IRI of this dataset: {iri}")
        try:
            media = entity_media(request)
        except BadFormat as exc:
            return error(400, str(exc))
        except fmt.NotAcceptable as exc:
            return error(406, str(exc))
        reply = await self.run(msg.EntityJob(iri, media))
        if isinstance(reply, msg.Moved):
            # 308 (permanent, method kept): the IRI was re-minted; links and caches follow it.
            target = local_path(reply.iri) or reply.iri
            query = request.url.query
            return RedirectResponse(f"{target}?{query}" if query else target, status_code=308)
        if isinstance(reply, Response):
            if media == HTML and reply.status_code == 404:
                return self.pages.not_found(bytes(reply.body).decode().strip())
            return reply
        if isinstance(reply, msg.EntityPage):
            return self.pages.entity(reply.data)
        return self.body(reply)

    # --- the whole dataset ------------------------------------------------------------------

    async def dump(self, request: Request) -> Response:
        try:
            media = dump_media(request, request.path_params.get("suffix"))
        except BadFormat as exc:
            return error(400, str(exc))
        except fmt.NotAcceptable as exc:
            return error(406, str(exc))
        name = "probation.nq" if media == NQUADS else "probation.trig"
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        if media == NQUADS:
            return StreamingResponse(self.artefact.nquads(), media_type=media, headers=headers)
        headers["Content-Length"] = str(self.artefact.size)
        return StreamingResponse(self.artefact.chunks(), media_type=media, headers=headers)

    async def void(self, request: Request) -> Response:
        endpoint = self.endpoint(request)
        if endpoint is None:
            return error(400, "the Host header does not make a valid IRI")
        info = self.pool.info
        return void(request, endpoint.removesuffix("/void") + "/sparql", info.void if info else "")

    # --- the web page and health -----------------------------------------------------------

    async def index(self, request: Request) -> Response:
        queries = [describe_query(q) for q in self.saved.values()]
        return self.pages.index(queries, self.config.max_rows, self.config.timeout)

    async def health(self, request: Request) -> Response:
        info = self.pool.info
        return JSONResponse(
            {
                "status": "ok",
                "uptime": round(time.time() - self.started, 1),
                "triples": info.triples if info else None,
                "network": info.isolation if info else None,
                **self.pool.status(),
                "send_timeouts": self.connections.send_timeouts,
            }
        )

    # --- the application -------------------------------------------------------------------

    def asgi(self, on_ready: Callable[[msg.ZygoteReady], None]) -> ASGIApp:
        """The ASGI application; `on_ready` is called once every worker is up, before serving starts."""

        @contextlib.asynccontextmanager
        async def lifespan(app):
            await self.pool.start()
            assert self.pool.info is not None
            on_ready(self.pool.info)
            try:
                yield
            finally:
                await self.pool.close()

        routes = [
            Route("/", self.index, methods=["GET"]),
            Route("/sparql", self.sparql, methods=["GET", "POST"]),
            Route("/sparql", self.not_allowed, methods=["PUT", "DELETE", "PATCH"]),
            Route("/api/queries", self.list_queries, methods=["GET"]),
            Route("/api/queries/{name}", self.run_query, methods=["GET"]),
            Route("/api/openapi.json", self.openapi, methods=["GET"]),
            Route("/api/terms", self.list_terms, methods=["GET"]),
            Route("/ontology/{name}", self.term, methods=["GET"]),
            Route("/id/{kind}/{slug}", self.entity, methods=["GET"]),
            Route("/dump", self.dump, methods=["GET"]),
            Route("/dump.{suffix:str}", self.dump, methods=["GET"]),
            Route("/void", self.void, methods=["GET"]),
            Route("/health", self.health, methods=["GET"]),
            Mount("/static", StaticFiles(directory=WEB / "static"), name="static"),
        ]
        app = Starlette(routes=routes, lifespan=lifespan)
        compressed = Compression(app, minimum_size=1024)
        return Limits(
            NoSniff(Caching(compressed, self.build_tag)),
            self.config.max_url,
            self.config.max_body,
            self.config.max_head,
        )
