"""Named queries, the network guard, and query errors."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from mndkg.errors import InputError
from mndkg.queries import guard, index, resolve, run, run_named


def test_every_query_has_a_full_header() -> None:
    for query in index().values():
        assert query.title and query.description and query.columns, query.path


def test_index_groups() -> None:
    groups = {q.group for q in index().values()}
    assert {"competency", "checks", "stats"} <= groups


@pytest.mark.parametrize("name", sorted(n for n, q in index().items() if q.group == "checks"))
def test_violation_checks_return_no_rows(store: ox.Store, name: str) -> None:
    assert run_named(store, name).rows == []


def test_violation_check_finds_an_orphan() -> None:
    store = ox.Store()
    store.add(
        ox.Quad(
            ox.NamedNode("https://w3id.org/mndkg/Lost"),
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode("http://www.w3.org/2002/07/owl#Class"),
        )
    )
    assert len(run_named(store, "orphan-entity-violation").rows) == 1


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "LOAD <http://127.0.0.1:9/data.ttl>",
        "SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }",
        "select * where { service <http://127.0.0.1:9/> { ?s ?p ?o } }",
    ],
)
def test_guard_refuses_network_access(text: str) -> None:
    with pytest.raises(InputError, match="not allowed"):
        guard(text)


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * WHERE { ?s ?p "SERVICE" }',
        "# SERVICE in a comment\nSELECT * WHERE { ?s ?p ?o }",
        "SELECT ?from WHERE { ?from ?p <http://example.org/SERVICE> }",
    ],
)
def test_guard_allows_keywords_in_strings_comments_and_names(text: str) -> None:
    guard(text)


def test_syntax_error_has_line_and_column(store: ox.Store) -> None:
    with pytest.raises(InputError) as caught:
        run(store, "SELECT ?x\nWHERE { ?x ?p }", "q.rq")
    assert caught.value.line == 2
    assert caught.value.column is not None


def test_unknown_name_suggests(store: ox.Store) -> None:
    with pytest.raises(InputError, match="did you mean cq05-disease-genes"):
        resolve("disease-genes")


def test_ask_and_construct(store: ox.Store) -> None:
    ask = run(store, "ASK { ?s ?p ?o }")
    assert ask.kind == "ask" and ask.boolean is True
    graph = run(store, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3")
    assert graph.kind == "graph" and len(graph.triples) == 3
