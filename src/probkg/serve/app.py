"""`probkg serve`: the SPARQL endpoint, the saved-query API, linked-data pages and the web page.

Starlette (routing, requests, responses) on uvicorn (the HTTP server). No query
runs in this process: SPARQL is checked and evaluated in a pool of worker
processes (`serve/pool.py`, `serve/zygote.py`, `serve/handler.py`) that can be killed at a
deadline. This process only parses HTTP, enforces the size limits, renders
pages and hands bytes back, so `/health` stays fast however busy the workers are.

Routes:

* `/sparql`: SPARQL 1.1 Protocol (GET, POST form, POST application/sparql-query);
  a service description when there is no query.
* `/api/queries`, `/api/queries/{name}`: the saved queries as a web API;
  `/api/openapi.json` describes it.
* `/id/{kind}/{slug}`: each entity of the data, as HTML, Turtle or JSON-LD.
* `/`: the web page (saved-query forms, SPARQL editor); `/static/`: its files.
* `/health`: liveness and pool state.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from probkg.core.errors import InputError
from probkg.rdf.vocab import ID_BASE, PREFIXES, sparql_prologue
from probkg.serve.http_head import CappedHead
from probkg.serve.pool import Deadline, Overloaded, PoolConfig, WorkerDied, WorkerPool
from probkg.sparql import formats as fmt
from probkg.sparql.catalogue import SavedQuery, catalogue, compact_datatype
from probkg.sparql.engines import inline_values, with_prologue

log = logging.getLogger("probkg.serve")
WEB = Path(__file__).parent / "web"
HTML = "text/html"
FORM = "application/x-www-form-urlencoded"
SD = "http://www.w3.org/ns/sparql-service-description#"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@dataclass
class ServeConfig:
    trig: Path
    queries: Path
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = 15.0
    max_rows: int = 10_000
    workers: int = 2
    queue: int = 16
    max_body: int = 256 * 1024
    max_url: int = 16 * 1024
    memory_mb: int = 2048
    recycle_after: float = 0.1
    isolate: bool = True
    access_log: bool = False


class Limits:
    """ASGI middleware: 414 for a long request target and 413 for a large body, before any parsing."""

    def __init__(self, app, max_url: int, max_body: int) -> None:
        self.app, self.max_url, self.max_body = app, max_url, max_body

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"") > self.max_url:
            return await _plain(
                send, 414, f"request target longer than {self.max_url} bytes; send the query in a POST body instead"
            )
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_body
            except ValueError:
                return await _plain(send, 400, "bad Content-Length")
            if too_big:
                return await _plain(send, 413, f"request body larger than {self.max_body} bytes")
        if scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        # Read the whole body here, counting as it arrives (a chunked body has no length to check).
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return await _plain(send, 413, f"request body larger than {self.max_body} bytes")
            chunks.append(chunk)
            more = message.get("more_body", False)
        body, replayed = b"".join(chunks), False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _plain(send, status: int, text: str) -> None:
    body = (text + "\n").encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def error(status: int, message: str, as_json: bool = False, headers: dict | None = None) -> Response:
    if as_json:
        return JSONResponse({"error": message, "status": status}, status, headers=headers)
    return Response(message + "\n", status, headers=headers, media_type="text/plain; charset=utf-8")


def local_path(iri: str) -> str | None:
    """Where an IRI of our data is served here (`/id/{kind}/{slug}`), or None."""
    return "/id/" + iri[len(ID_BASE) :] if iri.startswith(ID_BASE) else None


class App:
    """The server's state (config, pool, catalogue, templates) and its request handlers."""

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.pool = WorkerPool(
            PoolConfig(
                trig=str(config.trig),
                size=config.workers,
                queue=config.queue,
                max_rows=config.max_rows,
                memory_mb=config.memory_mb,
                recycle_after=config.recycle_after,
                isolate=config.isolate,
            )
        )
        self.saved = catalogue(config.queries)
        self.templates = Environment(
            loader=PackageLoader("probkg.serve", "web/templates"), autoescape=select_autoescape(["html"])
        )
        self.templates.filters["local"] = lambda iri: local_path(iri) or iri
        self.started = time.time()

    # --- running jobs --------------------------------------------------------------------

    async def run(self, job: dict, as_json: bool = False) -> dict | Response:
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
        if reply.get("error") is not None or reply["status"] >= 400:
            headers = {"Probkg-Limit": "max-rows"} if reply["status"] == 422 else None
            return error(reply["status"], reply.get("error") or "error", as_json, headers)
        return reply

    @staticmethod
    def body(reply: dict, headers: dict | None = None) -> Response:
        return Response(reply["body"], 200, headers=headers, media_type=fmt.content_type(reply["media"]))

    # --- /sparql -------------------------------------------------------------------------

    async def sparql(self, request: Request) -> Response:
        try:
            params = parse_qsl(request.url.query, keep_blank_values=True, encoding="utf-8", errors="strict")
        except UnicodeDecodeError:
            return error(400, "the query string is not UTF-8")
        if request.method == "POST":
            media, _, rest = (request.headers.get("content-type") or "").partition(";")
            media = media.strip().lower()
            charset = next(
                (
                    v.strip().strip('"').lower()
                    for k, _, v in (p.partition("=") for p in rest.split(";"))
                    if k.strip().lower() == "charset"
                ),
                None,
            )
            if charset not in (None, "utf-8", "utf8"):
                return error(415, f"only UTF-8 is accepted, not {charset}")
            raw = await request.body()
            try:
                text = raw.decode("utf-8", errors="strict")
            except UnicodeDecodeError:
                return error(400, "the request body is not UTF-8")
            if media == FORM:
                try:
                    params += parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
                except UnicodeDecodeError:
                    return error(400, "the form is not UTF-8")
            elif media == "application/sparql-query":
                params.append(("query", text))
            elif media == "application/sparql-update":
                return error(403, "SPARQL Update is not accepted: this endpoint is read-only")
            else:
                return error(
                    415,
                    "POST a query as application/x-www-form-urlencoded (query=...) or as "
                    "application/sparql-query; this endpoint accepts no data",
                )
        endpoint = self.endpoint(request)
        if endpoint is None:
            return error(400, "the Host header does not make a valid IRI")
        values: dict[str, list[str]] = {}
        for key, value in params:
            values.setdefault(key, []).append(value)
        if "update" in values:
            return error(403, "SPARQL Update is not accepted: this endpoint is read-only")
        queries = values.get("query", [])
        if len(queries) > 1:
            return error(400, "more than one query parameter")
        if not queries:
            if request.method == "POST":
                return error(400, "no query: send query=... or an application/sparql-query body")
            return self.service_description(request, endpoint)
        fmt_name = values.get("format") or values.get("output")
        job = {
            "op": "sparql",
            "query": queries[0],
            "accept": fmt.parse_accept(request.headers.get("accept")),
            "base": endpoint,
            "format": fmt_name,
            "default_graphs": values.get("default-graph-uri"),
            "named_graphs": values.get("named-graph-uri"),
        }
        reply = await self.run(job)
        if isinstance(reply, Response):
            return reply
        headers = {}
        if reply["media"] == fmt.CSV and fmt_name:
            headers["Content-Disposition"] = 'attachment; filename="results.csv"'
        return self.body(reply, headers)

    @staticmethod
    def endpoint(request: Request) -> str | None:
        """This endpoint's address as the client named it (the Host header), if it is a valid IRI."""
        address = str(request.url.replace(query="", fragment=""))
        try:
            ox.NamedNode(address)
        except ValueError:
            return None
        return address

    def service_description(self, request: Request, endpoint: str) -> Response:
        formats = [
            "SPARQL_Results_JSON",
            "SPARQL_Results_XML",
            "SPARQL_Results_CSV",
            "SPARQL_Results_TSV",
            "Turtle",
            "N-Triples",
            "JSON-LD",
            "RDF_XML",
        ]
        graphs = self.pool.info.get("graphs", [])
        named = ",\n".join(f"      [ a sd:NamedGraph ; sd:name <{g}> ]" for g in graphs)
        text = f"""@prefix sd: <{SD}> .
@prefix void: <http://rdfs.org/ns/void#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<{endpoint}> a sd:Service ;
  dcterms:title "probation-kg SPARQL endpoint (read-only)" ;
  sd:endpoint <{endpoint}> ;
  sd:supportedLanguage sd:SPARQL11Query ;
  sd:feature sd:UnionDefaultGraph ;
  sd:resultFormat {", ".join(f"<http://www.w3.org/ns/formats/{f}>" for f in formats)} ;
  sd:defaultDataset [
    a sd:Dataset ;
    sd:defaultGraph [ a sd:Graph ; void:triples {self.pool.info.get("triples", 0)} ] ;
    sd:namedGraph
{named}
  ] .
"""
        try:
            media = fmt.negotiate(
                fmt.parse_accept(request.headers.get("accept")),
                request.query_params.get("format"),
                fmt.GRAPH_TYPES,
                fmt.TURTLE,
            )
        except fmt.NotAcceptable as exc:
            return error(406, str(exc))
        body = (
            text.encode("utf-8")
            if media == fmt.TURTLE
            else fmt.write_graph([q.triple for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)], media)
        )
        return Response(body, 200, media_type=fmt.content_type(media))

    async def not_allowed(self, request: Request) -> Response:
        return error(
            405,
            f"{request.method} is not allowed: this endpoint is read-only (GET or POST a query)",
            headers={"Allow": "GET, POST"},
        )

    # --- saved queries -------------------------------------------------------------------

    def describe_query(self, query: SavedQuery, base: str = "") -> dict:
        params = []
        for p in query.params:
            params.append(
                {
                    "name": p.name,
                    "type": {"iri": "iri", "lang": "text", "literal": "text"}.get(p.kind)
                    or compact_datatype(p.datatype),
                    "optional": p.optional,
                    "required": not p.optional and p.name not in query.defaults,
                    "default": query.defaults.get(p.name),
                    "enum": query.enumerate.get(p.name),
                    "description": p.describe(),
                }
            )
        return {
            "name": query.name,
            "summary": query.summary,
            "description": query.description,
            "tags": query.tags,
            "params": params,
            "url": f"{base}/api/queries/{query.name}",
            "sparql": query.text,
        }

    async def list_queries(self, request: Request) -> Response:
        return JSONResponse({"queries": [self.describe_query(q) for q in self.saved.values()]})

    async def run_query(self, request: Request) -> Response:
        name = request.path_params["name"]
        as_csv = name.endswith(".csv")
        name = name.removesuffix(".csv")
        query = self.saved.get(name)
        if query is None:
            return error(404, f"no saved query named {name!r}; see /api/queries", True)
        given: dict[str, str] = {}
        for key, value in request.query_params.multi_items():
            if key == "format":
                if value not in ("json", "csv"):
                    return error(400, "format must be json or csv", True)
                as_csv = as_csv or value == "csv"
                continue
            if key in given:
                return error(400, f"parameter {key} given more than once", True)
            if value != "" or key not in {p.name for p in query.params if p.optional}:
                given[key] = value
        if not as_csv and "format" not in request.query_params:
            accept = fmt.parse_accept(request.headers.get("accept"))
            as_csv = bool(accept) and accept[0] == fmt.CSV
        try:
            text = inline_values(with_prologue(query.text), query.bind(given))
        except InputError as exc:
            return error(400, exc.message, True)
        media = fmt.CSV if as_csv else fmt.JSON
        reply = await self.run({"op": "sparql", "query": text, "accept": [media], "format": None}, as_json=True)
        if isinstance(reply, Response):
            return reply
        headers = {"Content-Disposition": f'attachment; filename="{name}.csv"'} if as_csv else None
        return self.body(reply, headers)

    async def openapi(self, request: Request) -> Response:
        return JSONResponse(openapi_document(self))

    # --- linked data ---------------------------------------------------------------------

    async def entity(self, request: Request) -> Response:
        kind, slug = request.path_params["kind"], request.path_params["slug"]
        iri = f"{ID_BASE}{kind}/{slug}"
        try:
            ox.NamedNode(iri)
        except ValueError:
            return error(404, f"not an IRI of this dataset: {iri}")
        name = request.query_params.get("format")
        if name:
            media = "html" if name.lower() == "html" else fmt.FORMAT_NAMES.get(name.lower())
            if media != "html" and media not in fmt.GRAPH_TYPES.values():
                return error(400, "format must be html, turtle, ntriples, jsonld or rdfxml")
        else:
            media = "html"
            for candidate in fmt.parse_accept(request.headers.get("accept")):
                if candidate in (HTML, "application/xhtml+xml", "*/*", "text/*"):
                    break
                if candidate in fmt.GRAPH_TYPES:
                    media = fmt.GRAPH_TYPES[candidate]
                    break
        reply = await self.run({"op": "entity", "iri": iri, "media": media})
        if isinstance(reply, Response):
            if media == "html" and reply.status_code == 404:
                return self.page("error.html", 404, title="Not found", message=reply.body.decode().strip())
            return reply
        vary = {"Vary": "Accept"}
        if media != "html":
            return self.body(reply, vary)
        data = reply["data"]
        return self.page(
            "entity.html",
            200,
            headers=vary,
            e=data,
            title=data["label"],
            formats=[("Turtle", "turtle"), ("JSON-LD", "jsonld"), ("N-Triples", "ntriples")],
        )

    # --- pages -------------------------------------------------------------------------

    def page(self, template: str, status: int = 200, headers: dict | None = None, **context) -> Response:
        html = self.templates.get_template(template).render(**context)
        return Response(
            html,
            status,
            headers={"Content-Security-Policy": CSP, **(headers or {})},
            media_type="text/html; charset=utf-8",
        )

    async def index(self, request: Request) -> Response:
        config = {
            "prefixes": PREFIXES,
            "idBase": ID_BASE,
            "prologue": sparql_prologue(),
            "queries": [self.describe_query(q) for q in self.saved.values()],
            "maxRows": self.config.max_rows,
            "timeout": self.config.timeout,
        }
        return self.page("index.html", title="probation-kg", config=json.dumps(config).replace("</", "<\\/"))

    async def health(self, request: Request) -> Response:
        return JSONResponse(
            {
                "status": "ok",
                "uptime": round(time.time() - self.started, 1),
                "triples": self.pool.info.get("triples"),
                "network": self.pool.info.get("isolation"),
                **self.pool.status(),
            }
        )

    # --- the application -------------------------------------------------------------------

    def asgi(self):
        @contextlib.asynccontextmanager
        async def lifespan(app):
            await self.pool.start()
            print(
                f"probkg serve: {self.pool.info.get('triples')} triples in {len(self.pool.info.get('graphs', []))} "
                f"named graphs; {self.config.workers} workers (network: {self.pool.info.get('isolation')}); "
                f"http://{self.config.host}:{self.config.port}/",
                file=sys.stderr,
                flush=True,
            )
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
            Route("/id/{kind}/{slug}", self.entity, methods=["GET"]),
            Route("/health", self.health, methods=["GET"]),
            Mount("/static", StaticFiles(directory=WEB / "static"), name="static"),
        ]
        app = Starlette(routes=routes, lifespan=lifespan)
        return Limits(NoSniff(app), self.config.max_url, self.config.max_body)


class NoSniff:
    """Adds `X-Content-Type-Options: nosniff` and, for the endpoint and API, CORS for any origin."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        cors = path == "/sparql" or path.startswith(("/api/", "/id/"))

        async def wrapped(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                if cors:
                    headers.append((b"access-control-allow-origin", b"*"))
                message = {**message, "headers": headers}
            await send(message)

        if cors and scope["method"] == "OPTIONS":
            await send(
                {
                    "type": "http.response.start",
                    "status": 204,
                    "headers": [
                        (b"access-control-allow-origin", b"*"),
                        (b"access-control-allow-methods", b"GET, POST"),
                        (b"access-control-allow-headers", b"Content-Type, Accept"),
                        (b"access-control-max-age", b"600"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        await self.app(scope, receive, wrapped)


def openapi_document(app: App) -> dict:
    """OpenAPI 3.1 for the saved-query API (one path per query, typed parameters) and /sparql."""
    results = {
        "application/sparql-results+json": {"schema": {"$ref": "#/components/schemas/SparqlResults"}},
        "text/csv": {"schema": {"type": "string"}},
    }
    errors = {
        code: {"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for code, text in [
            ("400", "bad parameter value"),
            ("422", "result larger than the server's --max-rows"),
            ("429", "too many requests in progress (see Retry-After)"),
            ("503", "time limit reached"),
        ]
    }
    paths: dict = {
        "/api/queries": {
            "get": {
                "operationId": "listQueries",
                "summary": "The saved queries and their parameters",
                "responses": {
                    "200": {
                        "description": "the catalogue",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
        "/sparql": {
            "get": {
                "operationId": "sparql",
                "summary": "SPARQL 1.1 Protocol query operation (read-only)",
                "parameters": [
                    {
                        "name": "query",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string"},
                        "description": "a SELECT, ASK, CONSTRUCT or DESCRIBE query; without it, the service description",
                    },
                    {
                        "name": "default-graph-uri",
                        "in": "query",
                        "schema": {"type": "array", "items": {"type": "string"}},
                    },
                    {
                        "name": "named-graph-uri",
                        "in": "query",
                        "schema": {"type": "array", "items": {"type": "string"}},
                    },
                    {"name": "format", "in": "query", "schema": {"type": "string", "enum": sorted(fmt.FORMAT_NAMES)}},
                ],
                "responses": {
                    "200": {
                        "description": "results",
                        "content": {
                            **results,
                            "application/sparql-results+xml": {"schema": {"type": "string"}},
                            "text/tab-separated-values": {"schema": {"type": "string"}},
                            "text/turtle": {"schema": {"type": "string"}},
                            "application/ld+json": {"schema": {"type": "object"}},
                        },
                    },
                    "400": {"description": "syntax error (the parser's message)"},
                    "403": {"description": "update, SERVICE or a foreign dataset: refused"},
                    **{k: {"description": v["description"]} for k, v in errors.items() if k != "400"},
                },
            }
        },
    }
    for query in app.saved.values():
        parameters = []
        for p in app.describe_query(query)["params"]:
            schema: dict = {"type": "string"}
            cast = str
            if p["type"] == "iri":
                schema["format"] = "iri"
            elif p["type"] in ("xsd:integer", "xsd:nonNegativeInteger", "xsd:positiveInteger"):
                schema, cast = {"type": "integer"}, int
            elif p["type"] in ("xsd:decimal", "xsd:double", "xsd:float"):
                schema, cast = {"type": "number"}, float
            if p["enum"]:
                schema["enum"] = [cast(v) for v in p["enum"]]
            if p["default"] is not None:
                schema["default"] = cast(p["default"])
            parameters.append(
                {
                    "name": p["name"],
                    "in": "query",
                    "required": p["required"],
                    "description": p["description"],
                    "schema": schema,
                }
            )
        parameters.append(
            {
                "name": "format",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "enum": ["json", "csv"], "default": "json"},
            }
        )
        paths[f"/api/queries/{query.name}"] = {
            "get": {
                "operationId": query.name.replace("-", "_"),
                "summary": query.summary,
                "description": query.description,
                "tags": query.tags,
                "parameters": parameters,
                "responses": {"200": {"description": "the rows", "content": results}, **errors},
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "probation-kg",
            "version": "0.1.0",
            "description": "Saved queries over the probation inspection knowledge graph, and its read-only "
            "SPARQL endpoint. Results are SPARQL 1.1 JSON results or CSV.",
        },
        "paths": paths,
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {"error": {"type": "string"}, "status": {"type": "integer"}},
                    "required": ["error"],
                },
                "SparqlResults": {
                    "type": "object",
                    "properties": {
                        "head": {
                            "type": "object",
                            "properties": {"vars": {"type": "array", "items": {"type": "string"}}},
                        },
                        "results": {
                            "type": "object",
                            "properties": {
                                "bindings": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "additionalProperties": {
                                            "type": "object",
                                            "properties": {"type": {"type": "string"}, "value": {"type": "string"}},
                                        },
                                    },
                                }
                            },
                        },
                        "boolean": {"type": "boolean"},
                    },
                },
            }
        },
    }


def artefact_is_stale(trig: Path, sources: list[Path]) -> bool:
    if not trig.is_file():
        return True
    built = trig.stat().st_mtime
    return any(p.stat().st_mtime > built for p in sources if p.is_file())


def run(config: ServeConfig) -> None:
    """Serve until interrupted (SIGINT or SIGTERM stop the server and its workers)."""
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    app = App(config)
    server = uvicorn.Server(
        uvicorn.Config(
            app.asgi(),
            host=config.host,
            port=config.port,
            lifespan="on",
            loop="uvloop",
            http=functools.partial(CappedHead, max_head=config.max_url + 64 * 1024),
            access_log=config.access_log,
            log_level="info" if config.access_log else "warning",
            timeout_keep_alive=5,
            limit_concurrency=max(256, 8 * (config.workers + config.queue)),
            server_header=False,
        )
    )
    server.run()
    if not server.started:
        raise SystemExit(1)
