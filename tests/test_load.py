"""Loading: good files merge, bad files fail with their name and line, nothing is half-loaded."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef

from mndkg.errors import InputError
from mndkg.loader import load_files, load_graph, load_store

GOOD = "@prefix ex: <http://example.org/> .\nex:a ex:p ex:b .\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_extra_file_is_merged(tmp_path: Path) -> None:
    extra = write(tmp_path, "extra.ttl", GOOD)
    graph = load_graph([extra])
    assert (
        URIRef("http://example.org/a"),
        URIRef("http://example.org/p"),
        URIRef("http://example.org/b"),
    ) in graph
    assert len(graph) > 3000


def test_malformed_turtle_names_file_and_line(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.ttl", GOOD + "ex:c ex:p ex:d ex:e .\nex:f ex:p ex:g .\n")
    with pytest.raises(InputError) as caught:
        load_files([bad])
    assert caught.value.line == 3
    assert str(caught.value).startswith(f"{bad}:3:")


def test_malformed_turtle_in_store_names_file_and_line(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.ttl", "@prefix ex: <http://example.org/> .\nex:a ex:p .\n")
    with pytest.raises(InputError) as caught:
        load_store([bad])
    assert caught.value.line == 2


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_files([tmp_path / "absent.ttl"])


def test_unknown_extension(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown RDF file type"):
        load_files([write(tmp_path, "data.csv", "a,b\n")])


def test_blank_nodes_of_two_files_stay_apart(tmp_path: Path) -> None:
    text = "@prefix ex: <http://example.org/> .\n_:b ex:p ex:c .\n"
    one, two = write(tmp_path, "one.ttl", text), write(tmp_path, "two.ttl", text)
    graph = load_files([one, two])
    assert len(set(graph.subjects())) == 2


def test_simple_literals_stay_plain(tmp_path: Path) -> None:
    graph = load_files([write(tmp_path, "lit.ttl", '<http://x/a> <http://x/p> "v" .\n')])
    (literal,) = graph.objects()
    assert literal.datatype is None


def test_other_formats_load(tmp_path: Path) -> None:
    nt = write(tmp_path, "d.nt", "<http://x/a> <http://x/p> <http://x/b> .\n")
    xml = write(
        tmp_path,
        "d.owl",
        (
            '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
            ' xmlns:ex="http://x/"><rdf:Description rdf:about="http://x/c"><ex:p rdf:resource="http://x/d"/>'
            "</rdf:Description></rdf:RDF>\n"
        ),
    )
    jsonld = write(
        tmp_path, "d.jsonld", '{"@id": "http://x/e", "http://x/p": {"@id": "http://x/f"}}'
    )
    assert len(load_files([nt, xml, jsonld])) == 3


def test_rdf_star_quoted_triple_is_a_clean_error(tmp_path: Path) -> None:
    # found by the fuzz test: a quoted triple made the rdflib conversion crash
    bad = write(
        tmp_path,
        "star.ttl",
        "<http://x/a> <http://x/p> << <http://x/b> <http://x/q> <http://x/c> >> .\n",
    )
    with pytest.raises(InputError, match="RDF-star"):
        load_files([bad])
