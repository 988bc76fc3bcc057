"""Upload the graph to a SPARQL 1.1 server through the Graph Store Protocol.

`probkg load --endpoint URL [--graph-store URL]` puts every source file into
its own named graph on the server (the same graph names `load()` uses locally),
so provenance survives the move and `probkg query --endpoint URL` answers the
saved queries there exactly as the embedded engine does.

Each file is parsed locally first (a bad file is an InputError before anything
is sent) and sent as N-Triples, the simplest syntax every store parses the
same way, with `Content-Type: text/turtle` (N-Triples is a subset of Turtle,
and older servers such as Virtuoso 7 know that type best). A file goes in one
PUT, which replaces the graph, so loading twice gives the same graph, never
doubles; it is never split, because a blank node split across two requests
would become two blank nodes on the server.
After the upload the endpoint is asked how many triples each graph holds, and
any difference from the local count is an error.

Authentication is HTTP Basic or Digest (whichever the server asks for: Virtuoso's
`/sparql-graph-crud-auth` asks for Digest, Fuseki for Basic); the password is
never taken from the command line.
"""

from __future__ import annotations

import base64
import hashlib
import random
import re
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from probkg.core.errors import InputError
from probkg.core.paths import Layout
from probkg.core.progress import steps
from probkg.rdf.store import file_triples, load

RETRIES = 6
"""Attempts per request when the server reports a transient failure (a deadlocked transaction)."""
_RETRYABLE = re.compile(r"40001|deadlock|try again", re.IGNORECASE)
_PARAM = re.compile(r'(\w+)=(?:"([^"]*)"|([^\s,]*))')


def _text(html: str) -> str:
    """An error page as one line of text."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())[:300]


class _Auth:
    """HTTP Basic or Digest (RFC 7616, MD5, qop=auth) credentials, sent with every request.

    urllib's own handlers answer a 401 by sending the request again, which means
    sending the body twice; a server that closes the connection on its 401 before
    reading a large body (Virtuoso does) breaks that with EPIPE. So the challenge
    is fetched once with a bodiless GET and the header is computed up front.
    """

    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user, password
        self.scheme: str | None = None
        self.params: dict[str, str] = {}
        self.count = 0
        self.lock = threading.Lock()

    def challenge(self, header: str) -> None:
        scheme, _, rest = header.partition(" ")
        self.scheme = scheme.lower()
        self.params = {key.lower(): quoted or bare for key, quoted, bare in _PARAM.findall(rest)}
        self.count = 0

    def header(self, method: str, url: str) -> str | None:
        if self.scheme == "basic":
            token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
            return f"Basic {token}"
        if self.scheme != "digest":
            return None
        p = self.params
        parts = urllib.parse.urlsplit(url)
        uri = parts.path + (f"?{parts.query}" if parts.query else "")
        with self.lock:
            self.count += 1
            nc = f"{self.count:08x}"
        cnonce = secrets.token_hex(8)
        md5 = lambda text: hashlib.md5(text.encode()).hexdigest()  # noqa: E731  (the protocol's hash)
        ha1 = md5(f"{self.user}:{p.get('realm', '')}:{self.password}")
        ha2 = md5(f"{method}:{uri}")
        fields = {
            "username": self.user,
            "realm": p.get("realm", ""),
            "nonce": p.get("nonce", ""),
            "uri": uri,
            "algorithm": "MD5",
        }
        if "auth" in p.get("qop", "").split(","):
            fields.update(
                qop="auth", nc=nc, cnonce=cnonce, response=md5(f"{ha1}:{p.get('nonce', '')}:{nc}:{cnonce}:auth:{ha2}")
            )
        else:
            fields["response"] = md5(f"{ha1}:{p.get('nonce', '')}:{ha2}")
        if "opaque" in p:
            fields["opaque"] = p["opaque"]
        quoted = ("nc", "qop", "algorithm")
        return "Digest " + ", ".join(f"{k}={v}" if k in quoted else f'{k}="{v}"' for k, v in fields.items())


def graph_url(graph_store: str, graph: str) -> str:
    """The Graph Store Protocol URL of one named graph (indirect identification, `?graph=`)."""
    sep = "&" if urllib.parse.urlsplit(graph_store).query else "?"
    return f"{graph_store}{sep}{urllib.parse.urlencode({'graph': graph})}"


def ntriples(path: Path) -> bytes:
    """The Turtle file's triples as one N-Triples document."""
    return ox.serialize(file_triples(path), format=ox.RdfFormat.N_TRIPLES) or b""


@dataclass
class GraphStore:
    """A Graph Store Protocol endpoint, with optional credentials."""

    url: str
    user: str | None = None
    password: str | None = None
    timeout: float = 120.0

    def __post_init__(self) -> None:
        self._auth = _Auth(self.user, self.password or "") if self.user is not None else None
        self._opener = urllib.request.build_opener()

    def _request(self, method: str, url: str, body: bytes | None) -> None:
        headers = {"Content-Type": "text/turtle; charset=utf-8"} if body is not None else {}
        if self._auth and (value := self._auth.header(method, url)):
            headers["Authorization"] = value
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        with self._opener.open(request, timeout=self.timeout) as response:
            response.read()

    def _authenticate(self, graph: str) -> None:
        """Fetch the server's challenge with a bodiless GET (once, or again when the nonce goes stale)."""
        assert self._auth is not None
        try:
            self._request("GET", graph_url(self.url, graph), None)
        except urllib.error.HTTPError as exc:
            if exc.code == 401 and exc.headers.get("WWW-Authenticate"):
                self._auth.challenge(exc.headers["WWW-Authenticate"])

    def send(self, method: str, graph: str, body: bytes) -> None:
        """PUT (replace) or POST (add to) one named graph; raises InputError on any HTTP failure."""
        url = graph_url(self.url, graph)
        if self._auth and self._auth.scheme is None:
            with self._auth.lock:
                if self._auth.scheme is None:
                    self._authenticate(graph)
        stale_retried = False
        for attempt in range(1, RETRIES + 1):
            try:
                self._request(method, url, body)
                return
            except urllib.error.HTTPError as exc:
                challenge = exc.headers.get("WWW-Authenticate", "")
                if exc.code == 401 and not stale_retried and self._auth and 'stale="true"' in challenge.lower():
                    self._auth.challenge(challenge)
                    stale_retried = True
                    continue
                detail = _text(exc.read(2000).decode("utf-8", "replace"))
                if exc.code in (500, 503) and _RETRYABLE.search(detail) and attempt < RETRIES:
                    time.sleep(random.uniform(0.05, 0.3) * attempt)  # a deadlock victim: try again
                    continue
                raise InputError(
                    self.url,
                    f"{method} <{graph}> failed: HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else ""),
                ) from None
            except (urllib.error.URLError, OSError) as exc:
                raise InputError(self.url, f"{method} <{graph}> failed: {exc}") from None

    def put_file(self, path: Path, graph: str) -> None:
        """Replace `graph` with the triples of the Turtle file at `path`."""
        self.send("PUT", graph, ntriples(path))


@dataclass(frozen=True)
class UploadResult:
    graphs: dict[str, int]
    """Named graph to the number of triples the server reports for it."""

    @property
    def triples(self) -> int:
        return sum(self.graphs.values())


def local_counts(files: Iterable[Path], lay: Layout) -> dict[str, int]:
    """Triples per named graph as the embedded store loads them (duplicates counted once)."""
    kg = load(list(files), lay)
    counts = kg.solutions("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {row["g"].value: int(row["n"].value) for row in counts}


def remote_counts(endpoint: str, graphs: Iterable[str], timeout: int = 120) -> dict[str, int]:
    """Triples per named graph as the endpoint reports them (0 for a graph it does not have)."""
    from probkg.sparql.engines import RemoteEngine

    names = sorted(graphs)
    values = " ".join(f"<{g}>" for g in names)
    result = RemoteEngine(endpoint, timeout=timeout).run(
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g", {}
    )
    found = {row["g"]["value"]: int(row["n"]["value"]) for row in result.rows}
    return {g: found.get(g, 0) for g in names}


def upload(
    lay: Layout,
    endpoint: str,
    graph_store: str | None = None,
    files: list[Path] | None = None,
    user: str | None = None,
    password: str | None = None,
    workers: int = 4,
) -> UploadResult:
    """Put every file into its named graph on the server, then check the server's counts.

    `graph_store` defaults to `endpoint` (Fuseki, Oxigraph server and others serve
    both protocols at one URL). Raises InputError if a file does not parse, a
    request fails, or the server then holds a different number of triples in
    any graph than the local store does.
    """
    paths = list(files) if files is not None else lay.data_files()
    for path in paths:
        if not path.is_file():
            raise InputError(str(path), "no such file")
    expected = local_counts(paths, lay)  # parses everything before anything is sent
    store = GraphStore(graph_store or endpoint, user, password)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        # list() re-raises the first failure here
        list(steps(pool.map(lambda p: store.put_file(p, lay.graph_name(p)), paths), "uploading", len(paths)))
    found = remote_counts(endpoint, expected)
    wrong = {g: (n, found[g]) for g, n in expected.items() if found[g] != n}
    if wrong:
        lines = "; ".join(f"<{g}> local {a}, server {b}" for g, (a, b) in sorted(wrong.items())[:5])
        raise InputError(endpoint, f"the server holds different triple counts in {len(wrong)} graphs: {lines}")
    return UploadResult(found)
