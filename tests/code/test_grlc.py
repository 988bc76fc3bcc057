"""Every saved query works under grlc itself, with and without each of its parameters.

grlc publishes a folder of `.rq` files as a web API by pasting each given
parameter value into the query text in place of its `?_name` / `?__name`
variable, and leaving the variable in place when an optional one is not given.
These tests let grlc's own code (from PyPI) read each query's parameters and
rewrite it, then require the rewritten text to parse and run on Oxigraph over
the graph: a query whose rewritten text is not SPARQL fails here, as it would
for a grlc user.
"""

from __future__ import annotations

import contextlib
import io

import pyoxigraph as ox
import pytest

from probkg.core.paths import layout
from probkg.rdf.store import KnowledgeGraph

with contextlib.redirect_stdout(io.StringIO()):  # grlc announces its config file on import
    from grlc import gquery

SAMPLE = {"iri": "https://w3id.org/probation-kg/id/theme/workloads", "number": "1", "string": "Wales"}
"""A value of each grlc parameter type: the rewritten query only has to be SPARQL and run."""

SAVED = sorted(layout().queries.glob("*.rq"))


def _value(param: dict) -> str:
    if param.get("enum"):
        return str(param["enum"][0])
    if param.get("default") is not None:
        return str(param["default"])
    if param.get("format") == "iri":
        return SAMPLE["iri"]
    if param.get("datatype") == "xsd:integer" or param["type"] == "number":
        return SAMPLE["number"]
    return SAMPLE["string"]


def _cases():
    for path in SAVED:
        text = path.read_text(encoding="utf-8")
        metadata = gquery.get_yaml_decorators(text)
        params = gquery.get_parameters(text, None, metadata)
        required = {name: _value(p) for name, p in params.items() if p["required"]}
        yield pytest.param(text, params, required, id=f"{path.stem}-required-only")
        for name, p in params.items():
            if not p["required"]:
                yield pytest.param(text, params, {**required, name: _value(p)}, id=f"{path.stem}-with-{name}")


@pytest.mark.parametrize(("text", "params", "given"), list(_cases()))
def test_grlc_rewrites_the_query_into_sparql_that_runs(
    kg: KnowledgeGraph, text: str, params: dict, given: dict
) -> None:
    rewritten = gquery.rewrite_query(text, params, given)
    for name in given:
        assert params[name]["original"] not in rewritten, f"grlc did not paste {name}"
    try:
        result = kg.store.query(rewritten, use_default_graph_as_union=True)
        if isinstance(result, ox.QuerySolutions):
            list(result)
    except SyntaxError as exc:
        pytest.fail(f"grlc's rewrite is not SPARQL: {exc}")


def test_the_rewrite_fails_on_the_pattern_grlc_cannot_paste_into() -> None:
    """The check above can fail: BOUND() of a pasted value is what three saved queries once had."""
    text = "SELECT * WHERE { ?s ?p ?o FILTER(!BOUND(?__x_iri) || ?o = ?__x_iri) }"
    params = gquery.get_parameters(text, None, {})
    rewritten = gquery.rewrite_query(text, params, {"x": SAMPLE["iri"]})
    with pytest.raises(SyntaxError):
        ox.Store().query(rewritten)
