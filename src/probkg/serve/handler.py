"""What a query worker does with a job: every SPARQL evaluation of `probkg serve` runs here.

Runs inside a worker process (`serve/zygote.py`), which the pool kills at the
deadline. Each request is checked by `sparql_guard` first, in this process, so
that even parsing a hostile query is under the deadline: a short query that can
name neither a service nor a dataset goes to Oxigraph directly
(`sparql_guard.quick_check`), any other is parsed by rdflib first. The checks
of the saved queries are made once, when the zygote creates the handler, so
every worker forked from it has them from its first request.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import time
import traceback
from pathlib import Path

import pyoxigraph as ox

from probkg.rdf.store import KnowledgeGraph, load_artefact
from probkg.rdf.vocab import PREFIXES
from probkg.release.build import void_description
from probkg.serve import protocol as msg
from probkg.serve.entity_page import page_data
from probkg.sparql import formats as fmt
from probkg.sparql.catalogue import catalogue
from probkg.sparql.engines import inline_values, with_prologue
from probkg.sparql.guard import Checked, Refused, check_graphs, check_query, quick_check

TOO_LARGE = 422
DEPRECATED = ox.NamedNode(PREFIXES["owl"] + "deprecated")
REPLACED_BY = ox.NamedNode(PREFIXES["dcterms"] + "isReplacedBy")
TRUE = ox.Literal("true", datatype=ox.NamedNode(PREFIXES["xsd"] + "boolean"))
"""A former IRI (graph/reference/deprecated-iris.ttl): its page redirects to `dcterms:isReplacedBy`."""
MEASURE_SHARE = 0.02
"""At most this share of a worker's CPU time goes to measuring its memory: reading smaps_rollup
walks the page tables (1.2 ms of CPU on the real graph), so it is read once the requests since the
last reading have used 1/MEASURE_SHARE times what that reading cost."""
FIRST_MEASURE_COST = 0.001
"""What the first reading is assumed to cost, so a fresh fork reads after 50 ms of CPU, not at once."""


def private_memory() -> int | None:
    """This process's private dirty memory in bytes: pages it copied from the zygote or allocated itself.

    From `/proc/self/smaps_rollup` (Linux 4.14+); None where it cannot be read.
    """
    try:
        with open("/proc/self/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Private_Dirty:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


class TooLarge(Refused):
    """A result over a cap: a 422 that names the cap (`max-rows` or `max-bytes`) it hit."""

    def __init__(self, message: str, limit: str) -> None:
        super().__init__(message, TOO_LARGE)
        self.limit = limit


class Handler:
    """Holds the store and answers jobs (`serve/protocol.py`); every reply carries an HTTP status."""

    def __init__(self, trig: str, max_rows: int, max_bytes: int, queries: Path | None = None) -> None:
        self.store = load_artefact(Path(trig))
        self.graphs = frozenset(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        self.parsed = False  # whether the current request needed rdflib's full parse
        self._unmeasured = 0.0  # CPU seconds spent on requests since the memory was last read
        self._measure_cost = FIRST_MEASURE_COST  # CPU seconds the last reading took
        # rdflib's parser takes milliseconds on a lookup and tens of them on a saved query;
        # the verdict on a given text never changes, so those of the last 256 short texts
        # are kept (refusals are not).
        self._cached_check = functools.lru_cache(maxsize=256)(self._check)
        check_query("ASK {}", self.graphs)  # builds rdflib's grammar now, not in the first request
        # Every saved query's verdict, made here in the zygote so that no fork ever parses one.
        self.saved: dict[str, str | Checked | Refused] = {}
        for name, query in (catalogue(queries) if queries is not None else {}).items():
            try:
                self.saved[name] = self._check(query.text)
            except Refused as exc:  # answered as the refusal it is, if ever asked for
                self.saved[name] = exc
        self.parsed = False

    def _check(self, text: str) -> str | Checked:
        """The guard's verdict on the text with the project's prefixes declared (see engines.with_prologue):
        the text to run as it is if `quick_check` passes it, else rdflib's full check."""
        text = with_prologue(text)
        quick = quick_check(text)
        return quick if quick is not None else self._full_check(text)

    def _full_check(self, text: str) -> Checked:
        self.parsed = True
        return check_query(text, self.graphs)

    def check(self, text: str) -> str | Checked:
        return self._cached_check(text) if len(text) <= 32 * 1024 else self._check(text)

    def info(self) -> tuple[tuple[str, ...], int, str]:
        """The dataset's named graphs, its size in triples and its VoID description (Turtle).

        The VoID is made from the store being served, by the build's own writer, so it
        describes exactly this dataset whichever `--trig` file was loaded.
        """
        return tuple(sorted(self.graphs)), len(self.store), void_description(KnowledgeGraph(self.store))

    def handle(self, job: msg.Job) -> msg.Reply:
        """The reply to one job, with what the pool needs to know about this worker afterwards."""
        self.parsed = False
        started = time.thread_time()
        reply = self._answer(job)
        done = time.thread_time()
        self._unmeasured += done - started
        private = None
        if self._unmeasured * MEASURE_SHARE >= self._measure_cost:
            private = private_memory()
            self._measure_cost, self._unmeasured = time.thread_time() - done, 0.0
        return dataclasses.replace(reply, outcome=msg.Outcome(parsed=self.parsed, private=private))

    def _answer(self, job: msg.Job) -> msg.Reply:
        try:
            if isinstance(job, msg.SparqlJob):
                return self.sparql(job)
            if isinstance(job, msg.SavedQueryJob):
                return self.saved_query(job)
            if isinstance(job, msg.EntityJob):
                return self.entity(job)
            return msg.Result(fmt.JSON, b"", 0)  # Ping
        except TooLarge as exc:
            return msg.Failure(exc.status, str(exc), exc.limit)
        except Refused as exc:
            return msg.Failure(exc.status, str(exc))
        except fmt.NotAcceptable as exc:
            return msg.Failure(406, str(exc))
        except SyntaxError as exc:
            query = job.query if isinstance(job, msg.SparqlJob) else ""
            return msg.Failure(400, unknown_prefix_message(query, str(exc)) or f"syntax error: {exc}")
        except MemoryError:
            return msg.Failure(503, "the query needed more memory than a worker may use")
        except Exception as exc:  # report, keep serving
            traceback.print_exc()
            return msg.Failure(500, f"{type(exc).__name__}: {exc}")

    # --- SPARQL protocol -------------------------------------------------------------

    def sparql(self, job: msg.SparqlJob) -> msg.Result:
        checked = self.check(job.query)
        if job.default_graphs is not None or job.named_graphs is not None:
            defaults, named = job.default_graphs or (), job.named_graphs or ()
            check_graphs([*defaults, *named], self.graphs, "default-graph-uri/named-graph-uri")
            options: dict = {
                "default_graph": [ox.NamedNode(g) for g in defaults],
                "named_graphs": [ox.NamedNode(g) for g in named],
            }
            return self._evaluate(checked, job.query, job.accept, job.format, job.base, options)
        return self._evaluate(checked, job.query, job.accept, job.format, job.base)

    def saved_query(self, job: msg.SavedQueryJob) -> msg.Result:
        verdict = self.saved.get(job.name)
        if verdict is None:
            raise Refused(f"no saved query named {job.name!r}", 404)
        if isinstance(verdict, Refused):
            raise verdict
        text = verdict.text if isinstance(verdict, Checked) else verdict
        bound = inline_values(text, dict(job.bindings))
        checked = dataclasses.replace(verdict, text=bound) if isinstance(verdict, Checked) else bound
        return self._evaluate(checked, bound, job.media, None, None)

    def _evaluate(
        self,
        checked: str | Checked,
        original: str,
        accept: str | None,
        name: tuple[str, ...] | None,
        base: str | None,
        options: dict | None = None,
    ) -> msg.Result:
        """Run a checked query: `options` give the protocol's dataset, if it named one."""
        text, own_dataset = (checked.text, checked.has_dataset) if isinstance(checked, Checked) else (checked, False)
        if options is None:
            # the query's own FROM / FROM NAMED (our graphs only) define the dataset, else the union
            options = {} if own_dataset else {"use_default_graph_as_union": True}
        try:
            result = self.store.query(text, base_iri=base, **options)
        except SyntaxError:
            if not isinstance(checked, Checked):  # not parsed by rdflib yet: its verdict, if it refuses
                self._full_check(with_prologue(original))
            raise
        # The result's type says the query's form; SELECT solutions are read lazily, as they are written.
        if isinstance(result, (ox.QueryBoolean, ox.QuerySolutions)):
            offered = fmt.BOOLEAN_TYPES if isinstance(result, ox.QueryBoolean) else fmt.RESULT_TYPES
            media = fmt.negotiate(accept, name, offered, fmt.JSON)
            try:
                body, count = fmt.write_results(result, media, self.max_rows, self.max_bytes)
            except fmt.OverCap as exc:
                raise self._too_many() if exc.limit == "max-rows" else self._too_big() from None
            return msg.Result(media, body, count)
        media = fmt.negotiate(accept, name, fmt.GRAPH_TYPES, fmt.TURTLE)
        triples: list[ox.Triple] = []
        for triple in result:
            if len(triples) == self.max_rows:
                raise self._too_many("triples")
            triples.append(triple)
        return self._reply(fmt.write_graph(triples, media), media, len(triples))

    def _too_many(self, what: str = "rows") -> TooLarge:
        return TooLarge(
            f"result too large: more than {self.max_rows} {what} (the server's --max-rows); "
            "add LIMIT and OFFSET to page through it",
            "max-rows",
        )

    def _too_big(self) -> TooLarge:
        return TooLarge(
            f"result too large: more than {self.max_bytes} bytes (the server's --max-bytes); "
            "add LIMIT or select fewer values",
            "max-bytes",
        )

    def _reply(self, body: bytes, media: str, count: int) -> msg.Result:
        if len(body) > self.max_bytes:
            raise self._too_big()
        return msg.Result(media, body, count)

    # --- Linked data -------------------------------------------------------------------

    def entity(self, job: msg.EntityJob) -> msg.Result | msg.EntityPage | msg.Failure | msg.Moved:
        node = ox.NamedNode(job.iri)
        if any(True for _ in self.store.quads_for_pattern(node, DEPRECATED, TRUE)):
            for quad in self.store.quads_for_pattern(node, REPLACED_BY, None):
                if isinstance(quad.object, ox.NamedNode):
                    return msg.Moved(quad.object.value)
        triples = self._described(node)
        if not triples:
            return msg.Failure(404, f"nothing is known about <{job.iri}>")
        if job.media != "html":
            return self._reply(fmt.write_graph(triples, job.media), job.media, len(triples))
        return msg.EntityPage(page_data(self.store, node))

    def _described(self, node: ox.NamedNode) -> list[ox.Triple]:
        """The entity's triples: as subject (with the blank nodes it points to) and as object."""
        seen: set[ox.Triple] = set()
        out: list[ox.Triple] = []

        def add(triple: ox.Triple) -> None:
            if triple not in seen:
                if len(out) == self.max_rows:
                    raise self._too_many("triples")
                seen.add(triple)
                out.append(triple)

        pending: list[ox.NamedNode | ox.BlankNode] = [node]
        while pending:
            subject = pending.pop()
            for quad in self.store.quads_for_pattern(subject, None, None):
                add(quad.triple)
                if isinstance(quad.object, ox.BlankNode):
                    pending.append(quad.object)
        for quad in self.store.quads_for_pattern(None, None, node):
            add(quad.triple)
        return out


_AT = re.compile(r"error at (\d+):(\d+)")
_PREFIXED = re.compile(r"(?<![\w?$:/#<.-])([A-Za-z][\w.-]*)?:")


def unknown_prefix_message(query: str, message: str) -> str | None:
    """A syntax error for a prefix nobody declared, said in words, or None for any other error.

    Oxigraph's message for it lists every character a name may hold (Unicode ranges);
    a user needs the prefix, where it is, and what they can write instead.
    """
    at = _AT.search(message)
    if "Prefix not found" not in message or at is None:
        return None
    line, column = int(at.group(1)), int(at.group(2))
    lines = query.splitlines()
    before = lines[line - 1][: column - 1] if 0 < line <= len(lines) else ""
    names = _PREFIXED.findall(before)
    prefix = f"'{names[-1]}:' " if names else ""
    return (
        f"syntax error: unknown prefix {prefix}at line {line}, column {column}. Declare it "
        f"(PREFIX name: <namespace IRI>) or use one of the prefixes this endpoint predeclares: "
        + ", ".join(f"{p}:" for p in PREFIXES)
    )
