"""Bad and hostile input: clean errors, nothing reaches the network, no entity bombs.

A canary HTTP server on 127.0.0.1 must receive no request while the loader and
the query command read files and queries that point at it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mndkg.errors import InputError
from mndkg.loader import load_files, load_store
from mndkg.queries import run
from mndkg.store import shipped_store
from tests import servers

RDFXML = """<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ {entities} ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://x/">
 <rdf:Description rdf:about="http://x/a"><ex:p>{body}</ex:p></rdf:Description>
</rdf:RDF>
"""


@pytest.fixture(scope="module")
def canary() -> Iterator[str]:
    with servers.canary() as url:
        yield url


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_external_entity_is_refused(tmp_path: Path, canary: str) -> None:
    for target in ("file:///etc/hostname", f"{canary}/xxe"):
        xml = RDFXML.format(entities=f'<!ENTITY secret SYSTEM "{target}">', body="&secret;")
        with pytest.raises(InputError, match="external XML entity"):
            load_files([write(tmp_path, "xxe.rdf", xml)])


def test_entity_bomb_is_refused_quickly(tmp_path: Path) -> None:
    levels = ['<!ENTITY e0 "aaaaaaaaaa">'] + [
        f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 9)
    ]
    xml = RDFXML.format(entities="\n".join(levels), body="&e8;")
    with pytest.raises(InputError, match="entity bomb"):
        load_store([write(tmp_path, "bomb.owl", xml)], base=False)


def test_protege_namespace_entities_still_load(tmp_path: Path) -> None:
    xml = RDFXML.format(entities='<!ENTITY ex "http://x/">', body="a &ex; value")
    graph = load_files([write(tmp_path, "protege.owl", xml)])
    assert len(graph) == 1


def test_owl_imports_are_not_followed(tmp_path: Path, canary: str) -> None:
    text = (
        f"<http://x/o> a <http://www.w3.org/2002/07/owl#Ontology> ; "
        f"<http://www.w3.org/2002/07/owl#imports> <{canary}/imported.owl> .\n"
    )
    assert len(load_files([write(tmp_path, "imports.ttl", text)])) == 2


def test_remote_jsonld_context_is_not_fetched(tmp_path: Path, canary: str) -> None:
    text = f'{{"@context": "{canary}/context.jsonld", "@id": "http://x/a", "p": "v"}}'
    with contextlib.suppress(InputError):
        load_files([write(tmp_path, "remote.jsonld", text)])


def test_service_is_refused_before_it_runs(canary: str) -> None:
    with pytest.raises(InputError, match="SERVICE is not allowed"):
        run(shipped_store(), f"SELECT * WHERE {{ SERVICE <{canary}/sparql> {{ ?s ?p ?o }} }}")


TURTLE = '@prefix ex: <http://example.org/> .\nex:a ex:p ex:b ; ex:q "text"@en .\n'


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_mutated_turtle_gives_clean_errors(tmp_path: Path, data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(TURTLE)))
    insert = data.draw(st.text(max_size=8))
    cut = data.draw(st.integers(0, 4))
    text = TURTLE[:position] + insert + TURTLE[position + cut :]
    path = tmp_path / "fuzz.ttl"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_files([path])
    except InputError as err:
        assert str(path) in str(err)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60) | st.from_regex(r"SELECT \?[a-z] WHERE \{ .{0,20} \}", fullmatch=True))
def test_random_sparql_gives_clean_errors(text: str) -> None:
    with contextlib.suppress(InputError):
        run(shipped_store(), text, "fuzz")
