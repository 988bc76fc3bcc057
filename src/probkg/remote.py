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

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError
from .paths import Layout
from .store import _input_error

def _opener(url: str, user: str | None, password: str | None) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = []
    if user is not None:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, user, password or "")
        handlers += [urllib.request.HTTPDigestAuthHandler(manager), urllib.request.HTTPBasicAuthHandler(manager)]
    return urllib.request.build_opener(*handlers)


def graph_url(graph_store: str, graph: str) -> str:
    """The Graph Store Protocol URL of one named graph (indirect identification, `?graph=`)."""
    sep = "&" if urllib.parse.urlsplit(graph_store).query else "?"
    return f"{graph_store}{sep}{urllib.parse.urlencode({'graph': graph})}"


def ntriples(path: Path) -> bytes:
    """The Turtle file's triples as one N-Triples document."""
    try:
        triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    except (SyntaxError, ValueError, OSError) as exc:
        raise _input_error(path, exc) from None
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) if triples else b""


@dataclass
class GraphStore:
    """A Graph Store Protocol endpoint, with optional credentials."""

    url: str
    user: str | None = None
    password: str | None = None
    timeout: float = 120.0

    def __post_init__(self) -> None:
        self._opener = _opener(self.url, self.user, self.password)

    def send(self, method: str, graph: str, body: bytes) -> None:
        """PUT (replace) or POST (add to) one named graph; raises InputError on any HTTP failure."""
        request = urllib.request.Request(
            graph_url(self.url, graph), data=body, method=method,
            headers={"Content-Type": "text/turtle; charset=utf-8"})
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read(500).decode("utf-8", "replace").strip()
            raise InputError(self.url, f"{method} <{graph}> failed: HTTP {exc.code} {exc.reason}"
                             + (f": {detail}" if detail else "")) from None
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
    from .store import load

    kg = load(list(files), lay)
    counts = kg.store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {row["g"].value: int(row["n"].value) for row in counts}


def remote_counts(endpoint: str, graphs: Iterable[str], timeout: int = 120) -> dict[str, int]:
    """Triples per named graph as the endpoint reports them (0 for a graph it does not have)."""
    from .engines import RemoteEngine

    names = sorted(graphs)
    values = " ".join(f"<{g}>" for g in names)
    result = RemoteEngine(endpoint, timeout=timeout).run(
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g", {})
    found = {row["g"]["value"]: int(row["n"]["value"]) for row in result.rows}
    return {g: found.get(g, 0) for g in names}


def upload(lay: Layout, endpoint: str, graph_store: str | None = None, files: list[Path] | None = None,
           user: str | None = None, password: str | None = None, workers: int = 4) -> UploadResult:
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
        list(pool.map(lambda p: store.put_file(p, lay.graph_name(p)), paths))
    found = remote_counts(endpoint, expected)
    wrong = {g: (n, found[g]) for g, n in expected.items() if found[g] != n}
    if wrong:
        lines = "; ".join(f"<{g}> local {a}, server {b}" for g, (a, b) in sorted(wrong.items())[:5])
        raise InputError(endpoint, f"the server holds different triple counts in {len(wrong)} graphs: {lines}")
    return UploadResult(found)
