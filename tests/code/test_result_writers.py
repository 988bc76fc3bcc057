"""The endpoint's SELECT/ASK writers: pyoxigraph's, with the solutions counted from the bytes written.

The counts expected are the solutions this file puts in the store; the values are
chosen to hold every byte a format uses to mark a solution (line breaks, quotes,
backslashes, `<result>`, `},{`), so a counter that looked inside values would miscount.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from probkg.sparql import formats

EX = "http://example.org/"
NASTY = [
    'a "quoted"\nline\r\nbreak',
    "back\\slash\\",
    '},{"s":{"type":"uri"}},{',
    "<result></result><result>",
    "tab\there, and a comma",
    '\\"',
    "",
]
SOLUTIONS = 60


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    for i in range(SOLUTIONS):
        value = NASTY[i % len(NASTY)]
        obj = ox.Literal(value, language="en") if i % 2 else ox.Literal(value)
        store.add(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(EX + "p"), obj))
    store.add(ox.Quad(ox.BlankNode("b0"), ox.NamedNode(EX + "p"), ox.NamedNode(EX + "o")))
    return store


QUERY = "SELECT ?s ?o ?unbound WHERE { ?s ?p ?o }"


@pytest.mark.parametrize("media", sorted(formats.RESULT_FORMATS))
@pytest.mark.parametrize("piece", [1, 2, 3, 7, 8192])
def test_the_counter_counts_every_solution_whatever_the_pieces(store, media: str, piece: int) -> None:
    body = store.query(QUERY).serialize(format=formats.RESULT_FORMATS[media])
    assert body is not None
    counter = formats.row_counter(media)
    for start in range(0, len(body), piece):
        counter.feed(body[start : start + piece])
    assert counter.rows == SOLUTIONS + 1


@pytest.mark.parametrize("media", sorted(formats.RESULT_FORMATS))
def test_an_empty_solution_and_an_empty_result_are_counted(media: str) -> None:
    store = ox.Store()
    assert formats.write_results(store.query("SELECT * WHERE {}"), media)[1] == 1
    assert formats.write_results(store.query("SELECT ?x WHERE { ?x ?p ?o }"), media)[1] == 0


@pytest.mark.parametrize("media", sorted(formats.RESULT_FORMATS))
def test_the_caps_refuse_and_never_cut(store, media: str) -> None:
    whole, count = formats.write_results(store.query(QUERY), media, max_rows=SOLUTIONS + 1)
    assert count == SOLUTIONS + 1
    assert whole == store.query(QUERY).serialize(format=formats.RESULT_FORMATS[media])
    with pytest.raises(formats.OverCap) as rows:
        formats.write_results(store.query(QUERY), media, max_rows=SOLUTIONS)
    assert rows.value.limit == "max-rows"
    assert formats.write_results(store.query(QUERY), media, max_bytes=len(whole))[0] == whole
    with pytest.raises(formats.OverCap) as size:
        formats.write_results(store.query(QUERY), media, max_bytes=len(whole) - 1)
    assert size.value.limit == "max-bytes"
    with pytest.raises(formats.OverCap) as both:  # over both: refused for its rows, as the rows come first
        formats.write_results(store.query(QUERY), media, max_rows=SOLUTIONS, max_bytes=10)
    assert both.value.limit == "max-rows"


def test_ask_is_one_solution() -> None:
    answer = formats.write_results(ox.Store().query("ASK {}"), formats.JSON)
    assert answer == (b'{"head":{},"boolean":true}', 1)
