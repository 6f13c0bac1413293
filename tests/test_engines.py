"""The embedded engine (pyoxigraph) gives rdflib's answers on every shipped query."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph

from mndkg.queries import index, run

QUERIES = sorted(
    n
    for n, q in index().items()
    if q.group in {"competency", "examples", "stats", "checks", "report"}
)


def normalise(value: object) -> str:
    text = str(getattr(value, "value", value))
    return text if value is not None else ""


@pytest.fixture(scope="module")
def plain_graph() -> Graph:
    """The shipped files as rdflib reads them: the same triples the store holds."""
    from mndkg.loader import load_graph

    return load_graph()


@pytest.mark.parametrize("name", QUERIES)
def test_same_answers_as_rdflib(name: str, store: ox.Store, plain_graph: Graph) -> None:
    query = index()[name]
    graph = plain_graph
    ours = sorted(tuple(normalise(v) for v in row) for row in run(store, query.text, name).rows)
    theirs = sorted(
        tuple("" if v is None else str(v) for v in row) for row in graph.query(query.text)
    )
    assert ours == theirs
