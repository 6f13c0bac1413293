"""`mndkg serve` as clients use it: SPARQLWrapper, rdflib's SPARQLStore, curl-like requests."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

from tests.servers import free_port, post

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
FAST = "PREFIX mnd: <https://w3id.org/mndkg/> ASK { mnd:SMN1 ?p ?o }"


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mndkg",
            "serve",
            "--port",
            str(port),
            "--timeout",
            "2",
            "--max-rows",
            "5",
            "--workers",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert "serving" in line, line
    yield f"http://127.0.0.1:{port}/sparql"
    process.terminate()
    process.wait(timeout=20)


def test_sparqlwrapper_client(endpoint: str) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(endpoint)
    client.setQuery(
        "PREFIX mnd: <https://w3id.org/mndkg/> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?l WHERE { mnd:PrimaryLateralSclerosis rdfs:label ?l }"
    )
    client.setReturnFormat(JSON)
    bindings = client.queryAndConvert()["results"]["bindings"]  # type: ignore[index]
    assert [b["l"]["value"] for b in bindings] == ["primary lateral sclerosis"]


def test_rdflib_sparqlstore_client(endpoint: str) -> None:
    from rdflib import Graph
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(endpoint))
    rows = list(
        graph.query(
            "PREFIX mnd: <https://w3id.org/mndkg/> "
            "SELECT ?g WHERE { mnd:SpinalMuscularAtrophy mnd:hasCausativeGene ?g }"
        )
    )
    assert [str(r[0]) for r in rows] == ["https://w3id.org/mndkg/SMN1"]


@pytest.mark.parametrize(
    ("accept", "start"),
    [
        ("text/csv", "n\r\n"),
        ("text/tab-separated-values", "n\n"),
        ("application/sparql-results+json", "{"),
    ],
)
def test_content_negotiation(endpoint: str, accept: str, start: str) -> None:
    status, headers, body = post(endpoint, {"query": "SELECT (1 AS ?n) WHERE {}"}, accept)
    assert status == 200 and headers["Content-Type"].startswith(accept)
    assert body.replace("\r\n", "\n").startswith(start.replace("\r\n", "\n"))


def test_construct_as_turtle(endpoint: str) -> None:
    status, headers, body = post(
        endpoint, {"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2"}, "text/turtle"
    )
    assert status == 200 and headers["Content-Type"].startswith("text/turtle") and body


def test_updates_are_refused(endpoint: str) -> None:
    status, _, _ = post(
        endpoint, {"update": "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }"}
    )
    assert status == 403


def test_no_cors_by_default(endpoint: str) -> None:
    _, headers, _ = post(endpoint, {"query": FAST})
    assert "Access-Control-Allow-Origin" not in headers


def test_row_cap_is_announced(endpoint: str) -> None:
    status, headers, body = post(endpoint, {"query": "SELECT ?s WHERE { ?s ?p ?o }"}, "text/csv")
    assert status == 200 and "X-Mndkg-Truncated" in headers
    assert len(body.strip().splitlines()) == 1 + 5


def test_syntax_error_is_400(endpoint: str) -> None:
    status, _, body = post(endpoint, {"query": "SELECT ?x WHERE { ?x }"})
    assert status == 400 and "syntax error" in body


def test_slow_query_is_stopped_and_does_not_starve_others(endpoint: str) -> None:
    results: dict[str, float] = {}

    def slow() -> None:
        results["slow_status"] = post(endpoint, {"query": SLOW})[0]

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)
    start = time.monotonic()
    status, _, body = post(endpoint, {"query": FAST}, "application/sparql-results+json")
    results["fast"] = time.monotonic() - start
    thread.join()
    assert status == 200 and '"boolean": true' in body
    assert results["fast"] < 1.5
    assert results["slow_status"] == 503
    assert post(endpoint, {"query": FAST})[0] == 200  # the stopped worker was replaced


def test_home_page_lists_the_queries(endpoint: str) -> None:
    with urllib.request.urlopen(endpoint.removesuffix("sparql"), timeout=10) as response:
        page = response.read().decode()
    assert "cq01-kinds-of-mnd" in page and "<textarea" in page
