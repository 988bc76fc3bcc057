"""The server-rendered HTML: the web page at `/`, each entity's page, and the error page.

Jinja2 with autoescaping, and a Content-Security-Policy that lets a page load
nothing but this server's own `/static/` files. The entity page's data is read
in a worker (`serve/entity_page.py`); this module only renders it.
"""

from __future__ import annotations

import json
import secrets

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.responses import Response

from probkg.rdf.vocab import ID_BASE, PREFIXES, sparql_prologue

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
"""The pages' policy. CodeMirror adds its styles as a `<style>` element, so each response
carries a fresh nonce that the editor puts on it (`EditorView.cspNonce`); no other inline
style or script is allowed."""
ENTITY_FORMATS = [("Turtle", "turtle"), ("JSON-LD", "jsonld"), ("N-Triples", "ntriples")]


def local_path(iri: str) -> str | None:
    """Where an IRI of ours is served here (`/id/{kind}/{slug}`, `/ontology/{name}` for a term), or None."""
    if iri.startswith(ID_BASE):
        return "/id/" + iri[len(ID_BASE) :]
    if iri.startswith(PREFIXES["pko"]):
        return "/ontology/" + iri[len(PREFIXES["pko"]) :]
    return None


class Pages:
    def __init__(self) -> None:
        self.templates = Environment(
            loader=PackageLoader("probkg.serve", "web/templates"), autoescape=select_autoescape(["html"])
        )
        self.templates.filters["local"] = lambda iri: local_path(iri) or iri

    def render(self, template: str, status: int = 200, headers: dict | None = None, **context: object) -> Response:
        nonce = secrets.token_urlsafe(16)
        html = self.templates.get_template(template).render(nonce=nonce, **context)
        return Response(
            html,
            status,
            headers={"Content-Security-Policy": CSP.format(nonce=nonce), **(headers or {})},
            media_type="text/html; charset=utf-8",
        )

    def index(self, queries: list[dict], max_rows: int, timeout: float) -> Response:
        """The web page; its script reads the saved queries and the server's limits from `config`."""
        config = {
            "prefixes": PREFIXES,
            "idBase": ID_BASE,
            "ontology": PREFIXES["pko"],
            "prologue": sparql_prologue(),
            "queries": queries,
            "maxRows": max_rows,
            "timeout": timeout,
        }
        return self.render("index.html", title="probation-kg", config=json.dumps(config).replace("</", "<\\/"))

    def entity(self, data: dict, headers: dict | None = None) -> Response:
        return self.render("entity.html", 200, headers=headers, e=data, title=data["label"], formats=ENTITY_FORMATS)

    def term(self, data: dict) -> Response:
        return self.render("term.html", 200, t=data, title=data["label"])

    def not_found(self, message: str) -> Response:
        return self.render("error.html", 404, title="Not found", message=message)
