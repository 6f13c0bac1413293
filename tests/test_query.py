"""Named queries, the network guard, and query errors."""

from __future__ import annotations

import re

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


def test_inline_query_may_use_the_curated_prefixes(mndkg_cli) -> None:
    """The help's own example, typed as shown, needs no PREFIX lines."""
    result = mndkg_cli("query", "-e", "SELECT ?l WHERE { ?d rdfs:label ?l } LIMIT 3")
    assert result.returncode == 0, result.stderr
    assert "(3 rows)" in result.stdout


def test_undeclared_prefix_is_one_clear_error(mndkg_cli) -> None:
    result = mndkg_cli("query", "-e", "SELECT ?l WHERE { ?d nosuch:label ?l }")
    assert result.returncode == 2
    assert re.fullmatch(
        r"mndkg: error: -e:1:\d+: SPARQL syntax error: undeclared prefix; "
        r"declare it with PREFIX \(see ontology/context.jsonld\)",
        result.stderr.strip(),
    ), result.stderr


def test_a_query_may_redeclare_a_curated_prefix(store) -> None:
    from mndkg.queries import run

    text = "PREFIX mnd: <urn:nothing:> ASK { ?s a mnd:Disease }"
    assert run(store, text).boolean is False
    assert run(store, "ASK { ?s rdfs:subClassOf mnd:Disease }").boolean is True


def test_prefixes_are_added_for_servers_only_where_used_and_undeclared() -> None:
    from mndkg.queries import with_prefixes

    text = with_prefixes("SELECT ?l WHERE { ?d rdfs:label ?l . ?d a owl:Class }")
    assert text.splitlines()[:2] == [
        "PREFIX owl: <http://www.w3.org/2002/07/owl#>",
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>",
    ]
    declared = 'PREFIX rdfs: <urn:x:> SELECT ?l WHERE { ?d rdfs:label "not mnd: here" }'
    assert with_prefixes(declared) == declared
