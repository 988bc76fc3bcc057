"""A bounded mutation fuzz of `probkg ingest`: damaged reports never crash or hang it.

The five corpus documents (two reports, three articles) are damaged the ways
real files get damaged: lines
deleted, duplicated or shuffled, random bytes or characters dropped in, very
long lines added (including lines built to make a careless pattern backtrack).
The HTML and PDF readers get the same treatment on a saved page and on a PDF
built from a text fixture: bytes dropped in, cut short, tags removed.
For every example, ingest must either produce a draft (which has then passed
its own evidence check, and has one band per rating and one value per
observation) or raise one of the package's own errors, which the CLI turns
into a message and a documented exit code. Anything else is a bug.

Bounds: `max_examples` per strategy, a hypothesis `deadline`, and a hard
per-example guard (SIGALRM) that interrupts a hang instead of waiting for it.
Examples are derandomised (the same on every run) and nothing is stored in
the checkout: each example's file, and hypothesis's own caches, live in
temporary folders.
"""

from __future__ import annotations

import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from probkg.core.errors import ProbkgError
from probkg.core.paths import Layout
from probkg.ingest import GraphContext, IngestCheckError, draft_graph, ingest
from probkg.ingest.source import MAX_LINE
from probkg.rdf.store import KnowledgeGraph
from support.pdf import pdf_from_text

pytestmark = pytest.mark.slow

# Hypothesis keeps caches in a .hypothesis folder of the current directory even without an
# example database; keep them in a temporary folder so the test writes nothing in the checkout.
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="probkg-hypothesis-"))

REPORTS = (
    "003_696e1b8b1646501d.txt",
    "004_7a4ad4ab751c8ea9.txt",
    "000_566a97b06d88bcad.txt",
    "001_7c520cd12679e250.txt",
    "002_96b587899a4ca5e3.txt",
)
FIXTURES = Path(__file__).parents[1] / "fixtures" / "ingest"
GUARD_SECONDS = 20
FUZZ = settings(
    max_examples=30,
    deadline=timedelta(seconds=10),
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)


class Hang(Exception):
    pass


@contextmanager
def time_guard(seconds: int) -> Iterator[None]:
    def expired(signum, frame):  # noqa: ARG001
        raise Hang(f"one example ran for more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def ctx(kg: KnowledgeGraph) -> GraphContext:
    return GraphContext.from_graph(kg)


@pytest.fixture(scope="module")
def reports(lay: Layout) -> list[list[str]]:
    return [(lay.sources / name).read_text(encoding="utf-8").split("\n") for name in REPORTS]


def check_one(data: bytes, lay: Layout, ctx: GraphContext) -> None:
    """Ingest `data`; only a draft or the package's own error is acceptable, within the guard."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.txt"
        path.write_bytes(data)
        started = time.monotonic()
        with time_guard(GUARD_SECONDS):
            try:
                draft = ingest(path, "fuzz", lay, ctx=ctx)
            except IngestCheckError:
                raise  # a draft that fails its own evidence check is a bug, not bad input
            except ProbkgError as exc:
                assert str(exc), "an error must say what is wrong"
                return
        assert time.monotonic() - started < GUARD_SECONDS
        kg = draft_graph(draft, lay)
        for cls, prop in (
            ("pko:Rating", "pko:band"),
            ("pko:Observation", "pko:value"),
            ("pko:Recommendation", "pko:number"),
            ("pko:Finding", "pko:polarity"),
        ):
            doubled = kg.select(f"""SELECT ?s WHERE {{ ?s a/rdfs:subClassOf* {cls} ; {prop} ?a , ?b
                                                     FILTER(?a != ?b) }}""")
            assert not doubled, f"{cls} with two {prop}: {doubled[:3]}"


def encode(lines: list[str]) -> bytes:
    return "\n".join(lines).encode("utf-8")


which = st.sampled_from(range(len(REPORTS)))


@FUZZ
@given(which=which, data=st.data())
def test_deleted_lines(lay: Layout, ctx: GraphContext, reports: list[list[str]], which: int, data) -> None:
    lines = reports[which]
    doomed = data.draw(st.sets(st.integers(0, len(lines) - 1), min_size=1, max_size=60))
    check_one(encode([line for i, line in enumerate(lines) if i not in doomed]), lay, ctx)


@FUZZ
@given(which=which, data=st.data())
def test_duplicated_lines(lay: Layout, ctx: GraphContext, reports: list[list[str]], which: int, data) -> None:
    lines = list(reports[which])
    for _ in range(data.draw(st.integers(1, 20))):
        source = data.draw(st.integers(0, len(lines) - 1))
        target = data.draw(st.integers(0, len(lines)))
        lines.insert(target, lines[source])
    check_one(encode(lines), lay, ctx)


@FUZZ
@given(which=which, data=st.data())
def test_shuffled_lines(lay: Layout, ctx: GraphContext, reports: list[list[str]], which: int, data) -> None:
    lines = list(reports[which])
    start = data.draw(st.integers(0, len(lines) - 2))
    length = data.draw(st.integers(2, min(120, len(lines) - start)))
    window = lines[start : start + length]
    data.draw(st.randoms(use_true_random=False)).shuffle(window)
    check_one(encode(lines[:start] + window + lines[start + length :]), lay, ctx)


@FUZZ
@given(which=which, data=st.data())
def test_random_bytes(lay: Layout, ctx: GraphContext, reports: list[list[str]], which: int, data) -> None:
    raw = bytearray(encode(reports[which]))
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(raw)))
        if data.draw(st.booleans()):
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=64))
        else:  # characters, so the text still decodes and the parsers see the damage
            raw[at:at] = data.draw(st.text(min_size=1, max_size=64)).encode("utf-8", "surrogatepass")
    check_one(bytes(raw), lay, ctx)


LONG_LINES = [
    lambda n: "x" * n,
    lambda n: "2.1.1. " + " " * n + "5%",  # key-question row with a huge gap
    lambda n: "1.1\t" + "\t" * n + "Good",  # ratings row with a huge gap
    lambda n: "| " + "| " * (n // 2),  # a table row of empty cells
    lambda n: "| Does " + "a " * (n // 2) + "? | 35% |",
    lambda n: "- " + "The Probation Service in Wales " * (n // 31),  # a bullet full of names
    lambda n: "We conducted fieldwork between " * (n // 31),
    lambda n: "HMPPS " * (n // 6),  # acronym after acronym
    lambda n: "A " * (n // 2) + "should:",
]


@FUZZ
@given(which=which, data=st.data())
def test_very_long_lines(lay: Layout, ctx: GraphContext, reports: list[list[str]], which: int, data) -> None:
    lines = list(reports[which])
    for _ in range(data.draw(st.integers(1, 3))):
        make = data.draw(st.sampled_from(LONG_LINES))
        length = data.draw(st.sampled_from([1_000, 20_000, MAX_LINE - 10, MAX_LINE + 10]))
        lines.insert(data.draw(st.integers(0, len(lines))), make(length))
    check_one(encode(lines), lay, ctx)


@FUZZ
@given(data=st.data())
def test_mixed_damage_to_a_small_report(lay: Layout, ctx: GraphContext, reports: list[list[str]], data) -> None:
    """Random lines drawn from both reports, in random order: layouts mixed and tables cut."""
    pool = [line for report in reports for line in report]
    picked = data.draw(st.lists(st.integers(0, len(pool) - 1), min_size=1, max_size=300))
    check_one(encode([pool[i] for i in picked]), lay, ctx)


def _damaged(data, raw: bytearray) -> bytes:
    """Random bytes or characters dropped in, or the file cut short."""
    if data.draw(st.booleans()):
        return bytes(raw[: data.draw(st.integers(1, len(raw)))])
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(raw)))
        if data.draw(st.booleans()):
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=64))
        else:
            raw[at:at] = data.draw(st.text(min_size=1, max_size=64)).encode("utf-8", "surrogatepass")
    return bytes(raw)


@FUZZ
@given(data=st.data())
def test_damaged_html_page(lay: Layout, ctx: GraphContext, data) -> None:
    page = (FIXTURES / "northmoor-pdu-2025.html").read_text(encoding="utf-8")
    if data.draw(st.booleans()):  # tags lost: every match of a few random tag names removed
        for tag in data.draw(
            st.lists(st.sampled_from(["h2", "tr", "td", "li", "ul", "p", "main", "table"]), max_size=3)
        ):
            page = page.replace(f"<{tag}>", "").replace(f"</{tag}>", "")
    check_one(_damaged(data, bytearray(page.encode("utf-8"))), lay, ctx)


@pytest.fixture(scope="module")
def pdf_bytes(tmp_path_factory) -> bytes:
    folder = tmp_path_factory.mktemp("pdf")
    return pdf_from_text(
        (FIXTURES / "northmoor-nps-2019.txt").read_text(encoding="utf-8"), folder / "r.pdf"
    ).read_bytes()


@FUZZ
@given(data=st.data())
def test_damaged_pdf(lay: Layout, ctx: GraphContext, pdf_bytes: bytes, data) -> None:
    check_one(_damaged(data, bytearray(pdf_bytes)), lay, ctx)
