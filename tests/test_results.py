"""Result writers: table for people, CSV/TSV with a header, SPARQL 1.1 JSON."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox

from mndkg.queries import run_named
from mndkg.results import WRITERS


def test_csv_has_header_and_plain_values(store: ox.Store) -> None:
    text = WRITERS["csv"](run_named(store, "cq02-upper-and-lower"))
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["disease"], ["amyotrophic lateral sclerosis"], ["progressive bulbar palsy"]]


def test_tsv_has_header(store: ox.Store) -> None:
    text = WRITERS["tsv"](run_named(store, "cq14-mostly-males"))
    assert text.splitlines()[0] == "disease"


def test_json_is_sparql_results_json(store: ox.Store) -> None:
    doc = json.loads(WRITERS["json"](run_named(store, "cq03-upper-only")))
    assert doc["head"]["vars"] == ["disease"]
    binding = doc["results"]["bindings"][0]["disease"]
    assert binding == {"type": "literal", "value": "primary lateral sclerosis", "xml:lang": "en"}


def test_table_shows_curies_and_row_count(store: ox.Store) -> None:
    text = WRITERS["table"](run_named(store, "cq06-x-linked-gene"))
    assert "Kennedy's disease" in text and "(1 row)" in text


def test_ask_as_json(store: ox.Store) -> None:
    from mndkg.queries import run

    assert json.loads(WRITERS["json"](run(store, "ASK { ?s ?p ?o }")))["boolean"] is True
