"""The saved queries described for programs: the API's listing and its OpenAPI 3.1 document.

The routes are made at start-up from `queries/*.rq`, one per query with typed
parameters, so the document is written from the catalogue directly (as grlc
does) rather than derived from function signatures; `openapi-spec-validator`
checks it in the tests.
"""

from __future__ import annotations

from collections.abc import Callable

from probkg.sparql import formats as fmt
from probkg.sparql.catalogue import SavedQuery, compact_datatype


def describe_query(query: SavedQuery, base: str = "") -> dict:
    """A saved query as the API lists it and the web page shows it: its parameters typed, its text."""
    params = []
    for p in query.params:
        params.append(
            {
                "name": p.name,
                "type": {"iri": "iri", "lang": "text", "literal": "text"}.get(p.kind) or compact_datatype(p.datatype),
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


def openapi_document(saved: dict[str, SavedQuery]) -> dict:
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
    for query in saved.values():
        parameters = []
        for p in describe_query(query)["params"]:
            schema: dict = {"type": "string"}
            cast: Callable[[str], object] = str
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
