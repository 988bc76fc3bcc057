"""The messages between the server, the zygote and the workers, and how they are framed on a socket.

Every message is one of the dataclasses below, pickled and preceded by its
length (4 bytes, big-endian). They have no `__slots__`: a slotted dataclass
pickles and unpickles through `dataclasses.fields()`, which made each message
take 1.5 times as long, twice a request. Both ends run the same code, so pickle carries
them faithfully, and nothing else ever writes to these sockets. A reader names
the type(s) it expects and gets a `ProtocolError` for anything else, so a
message out of step fails loudly instead of being read as the wrong thing.

Conversation: the zygote announces itself (`ZygoteReady`) once it has loaded
the dataset; each worker it forks announces itself (`WorkerReady`); after that
the server sends a job (`SparqlJob`, `SavedQueryJob`, `EntityJob` or `Ping`) and
the worker answers with exactly one reply (`Result`, `Failure`, `EntityPage` or `Moved`).
"""

from __future__ import annotations

import pickle
import struct
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO, TypeVar

if TYPE_CHECKING:  # the zygote reads this module before it leaves the network, pyoxigraph after
    import pyoxigraph as ox

HEADER = struct.Struct(">I")
T = TypeVar("T")


class ProtocolError(Exception):
    """A message of a type the reader did not expect."""


def frame(message: object) -> bytes:
    """A message as it goes on the wire: its pickle, after the pickle's length."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(data)) + data


def decode(data: bytes, expected: type[T] | tuple[type, ...]) -> T:
    """The message in `data` (a frame's payload), which must be of the `expected` type(s)."""
    message = pickle.loads(data)
    if not isinstance(message, expected):
        raise ProtocolError(f"expected {expected}, got {type(message).__name__}")
    return message  # type: ignore[return-value]


def read_frame(stream: BinaryIO) -> bytes | None:
    """One frame's payload from a blocking stream, or None at its end."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    data = stream.read(size)
    return data if len(data) == size else None


def write(stream: BinaryIO, message: object) -> None:
    stream.write(frame(message))
    stream.flush()


# --- announcements ------------------------------------------------------------------------


@dataclass(frozen=True)
class ZygoteReady:
    """The zygote has loaded the dataset and waits for fork requests."""

    pid: int
    isolation: str  # how the workers are kept off the network ("netns", "off", "unavailable (...)")
    graphs: tuple[str, ...]
    triples: int
    void: str = ""  # the dataset's VoID description, in Turtle


@dataclass(frozen=True)
class WorkerReady:
    """A freshly forked worker waits for jobs."""

    pid: int


# --- jobs (server to worker) --------------------------------------------------------------


@dataclass(frozen=True)
class SparqlJob:
    """A SPARQL 1.1 Protocol query operation, as the client sent it (the worker checks it)."""

    query: str
    accept: str | None = None  # the client's Accept header, as sent
    format: tuple[str, ...] | None = None  # `format` / `output` parameters, if given
    base: str | None = None
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None


@dataclass(frozen=True)
class SavedQueryJob:
    """One of the project's saved queries with its parameters bound to RDF terms.

    The worker holds every saved query's check already (made in the zygote, before
    any fork), so this never costs a parse, in a fresh worker or an old one.
    """

    name: str
    bindings: tuple[tuple[str, ox.NamedNode | ox.Literal], ...]
    media: str


@dataclass(frozen=True)
class EntityJob:
    """An entity's description: RDF in `media`, or the data of its HTML page (`media="html"`)."""

    iri: str
    media: str


@dataclass(frozen=True)
class Ping:
    """Answered at once; proves the worker is alive and in step."""


Job = SparqlJob | SavedQueryJob | EntityJob | Ping
JOBS = (SparqlJob, SavedQueryJob, EntityJob, Ping)

# --- replies (worker to server) -----------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What every reply also says about the worker, for the pool to act on.

    `parsed`: this request needed rdflib's full parse (so no cached check served it).
    `private`: the worker's private (unshared) memory in bytes, when it was measured
    after this request (see `handler.MEASURE_SHARE`), else None.
    """

    parsed: bool = False
    private: int | None = None


@dataclass(frozen=True)
class Result:
    """A successful answer: the body serialised in `media`; `count` rows or triples."""

    media: str
    body: bytes
    count: int
    outcome: Outcome = Outcome()


@dataclass(frozen=True)
class Failure:
    """A refused or failed request: the HTTP status and why; `limit` names the cap that refused it."""

    status: int
    error: str
    limit: str | None = None  # "max-rows" or "max-bytes" for a 422
    outcome: Outcome = Outcome()


@dataclass(frozen=True)
class EntityPage:
    """Everything the HTML page of an entity shows (see `serve/entity_page.py`), as plain data."""

    data: dict
    outcome: Outcome = Outcome()


@dataclass(frozen=True, slots=True)
class Moved:
    """The entity asked for is a former IRI (`owl:deprecated`); `iri` is the one that replaced it."""

    iri: str
    outcome: Outcome = Outcome()


Reply = Result | Failure | EntityPage | Moved
REPLIES = (Result, Failure, EntityPage, Moved)
