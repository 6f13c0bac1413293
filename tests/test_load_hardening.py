"""Loading user files: late DOCTYPEs, deep nesting, OBO imports, named graphs, odd literals.

Each test is named after what it fixed; each bad input must give exactly one
line ``mndkg: error: FILE:LINE[:COL]: message`` and exit 2, with no traceback,
from every command that reads user RDF.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import URIRef

from mndkg import xmlguard
from mndkg.errors import InputError
from mndkg.loader import load_files, load_store
from tests import servers
from tests.conftest import Runner

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
ROOT = f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:ex="http://x/">'
BOMB = '<!ENTITY e0 "aaaaaaaaaa">' + "".join(
    f'<!ENTITY e{i} "{f"&e{i - 1};" * 10}">' for i in range(1, 9)
)
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


def one_error_line(result: object, path: Path, line: int | None = None) -> str:
    """Assert exit 2 and a single ``mndkg: error: FILE:LINE`` line on stderr; return it."""
    assert result.returncode == 2, result.stderr  # type: ignore[attr-defined]
    lines = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1, result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in lines[0]
    prefix = f"mndkg: error: {path}:{line if line is not None else ''}"
    assert lines[0].startswith(prefix), lines[0]
    if line is None:
        assert lines[0][len(prefix) :].split(":", 1)[0].isdigit(), lines[0]
    return lines[0]


def rdfxml(body: str, *, prolog: str = "", eol: str = "\n") -> str:
    return eol.join(['<?xml version="1.0"?>', prolog, ROOT, body, "</rdf:RDF>", ""])


# --- 4: the entity guard read only the first megabyte -------------------------------


def test_doctype_after_a_megabyte_comment_is_still_guarded(
    tmp_path: Path, mndkg_cli: Runner
) -> None:
    comment = "<!--" + "x" * 1_100_000 + "-->"
    text = rdfxml(
        '<rdf:Description rdf:about="http://x/a"><ex:p>&e8;</ex:p></rdf:Description>',
        prolog=f"{comment}\n<!DOCTYPE rdf:RDF [ {BOMB} ]>",
    )
    path = write(tmp_path, "late.rdf", text)
    with pytest.raises(InputError, match="entity bomb") as caught:
        load_store([path], base=False)
    assert caught.value.line == 3
    assert "entity bomb" in one_error_line(
        mndkg_cli("query", "-e", COUNT, "--with", str(path)), path, 3
    )


def test_entity_references_after_a_megabyte_are_counted(tmp_path: Path, mndkg_cli: Runner) -> None:
    text = rdfxml(
        "<!--" + "x" * 1_100_000 + "-->\n"
        '<rdf:Description rdf:about="http://x/a">\n<ex:p>' + "&e;" * 20_000 + "</ex:p>\n"
        "</rdf:Description>",
        prolog='<!DOCTYPE rdf:RDF [ <!ENTITY e "' + "a" * 1000 + '"> ]>',
    )
    path = write(tmp_path, "refs.rdf", text)
    with pytest.raises(InputError, match="entity bomb") as caught:
        load_files([path])
    assert caught.value.line == 6
    one_error_line(mndkg_cli("validate", str(path)), path, 6)


def test_entity_references_in_attributes_are_counted(tmp_path: Path) -> None:
    about = "&e;" * 20_000
    text = rdfxml(
        f'<rdf:Description rdf:about="http://x/{about}"/>',
        prolog='<!DOCTYPE rdf:RDF [ <!ENTITY e "' + "a" * 1000 + '"> ]>',
    )
    with pytest.raises(InputError, match="entity bomb"):
        load_files([write(tmp_path, "attr.rdf", text)])


def test_doctype_after_the_root_element_is_refused(tmp_path: Path, mndkg_cli: Runner) -> None:
    text = rdfxml(
        '<rdf:Description rdf:about="http://x/a"/>\n<!DOCTYPE rdf:RDF [ <!ENTITY e "a"> ]>'
    )
    path = write(tmp_path, "inside.rdf", text)
    line = one_error_line(mndkg_cli("html", "--with", str(path), "-o", "x.html"), path, 5)
    assert "DOCTYPE" in line


def test_namespace_entities_in_a_large_protege_file_still_load(tmp_path: Path) -> None:
    # every reference of the body now counts; a big file of &obo; IRIs is no bomb
    rows = "".join(
        f'<rdf:Description rdf:about="&obo;HP_{i:07d}"><ex:p rdf:resource="&obo;X"/>'
        "</rdf:Description>\n"
        for i in range(200_000)
    )
    entity = '<!DOCTYPE rdf:RDF [ <!ENTITY obo "http://purl.obolibrary.org/obo/"> ]>'
    path = write(tmp_path, "protege.owl", rdfxml(rows, prolog=entity))
    xmlguard.check(path)


# --- 23: deep nesting was quadratic in the RDF/XML parser ---------------------------


def test_deep_nesting_is_refused_before_parsing(tmp_path: Path, mndkg_cli: Runner) -> None:
    depth = 100_000
    body = (
        '<rdf:Description rdf:about="http://x/a"><ex:p rdf:parseType="Literal">\n'
        + "<ex:q>" * depth
        + "</ex:q>" * depth
        + "</ex:p></rdf:Description>"
    )
    path = write(tmp_path, "deep.rdf", rdfxml(body))
    started = time.monotonic()
    result = mndkg_cli("query", "-e", COUNT, "--with", str(path))
    assert time.monotonic() - started < 30
    assert "nest more than 1,000 levels" in one_error_line(result, path, 5)


def test_nesting_up_to_the_limit_still_loads(tmp_path: Path) -> None:
    depth = xmlguard.MAX_DEPTH - 3  # rdf:RDF, rdf:Description and ex:p come first
    body = (
        '<rdf:Description rdf:about="http://x/a"><ex:p rdf:parseType="Literal">'
        + "<ex:q>" * depth
        + "</ex:q>" * depth
        + "</ex:p></rdf:Description>"
    )
    assert len(load_files([write(tmp_path, "ok.rdf", rdfxml(body))])) == 1


# --- 5: OBO import: lines were downloaded and merged --------------------------------


@pytest.fixture
def canary() -> Iterator[str]:
    with servers.canary(b"format-version: 1.2\n\n[Term]\nid: REMOTE:1\nname: remote\n") as url:
        yield url


def test_obo_imports_are_not_followed(tmp_path: Path, canary: str, mndkg_cli: Runner) -> None:
    write(tmp_path, "sibling.obo", "format-version: 1.2\n\n[Term]\nid: SIB:1\nname: sibling\n")
    path = write(
        tmp_path,
        "main.obo",
        f"format-version: 1.2\nimport: {canary}/remote.obo\nimport: sibling\n\n"
        "[Term]\nid: MAIN:1\nname: main term\n",
    )
    query = "SELECT ?l WHERE { ?c rdfs:label ?l } ORDER BY ?l"
    result = mndkg_cli("query", "-e", query, "--with", str(path), "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert "main term" in result.stdout
    assert "remote" not in result.stdout and "sibling" not in result.stdout
    assert "import: lines are not followed" in result.stderr
    assert "Traceback" not in result.stderr


def test_non_utf8_obo_names_the_line(tmp_path: Path, mndkg_cli: Runner) -> None:
    text = "format-version: 1.2\r\n\r\n[Term]\r\nid: X:1\r\nname: caf\xe9\r\n"
    path = write(tmp_path, "latin1.obo", text.encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8") as caught:
        load_files([path])
    assert (caught.value.line, caught.value.column) == (5, 10)
    one_error_line(mndkg_cli("validate", str(path)), path, 5)


def test_xml_named_obo_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "x.obo", rdfxml(""))
    with pytest.raises(InputError, match="not an OBO flat file"):
        load_files([path])


# --- 13: named graphs were invisible to query and serve ------------------------------


TRIG = """@prefix ex: <http://example.org/> .
@prefix mnd: <https://w3id.org/mndkg/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:a ex:p ex:b .
ex:g { mnd:zzNamed rdfs:subClassOf mnd:Symptom ; rdfs:label "zz named graph symptom"@en . }
"""


def test_named_graphs_are_merged_for_every_command(tmp_path: Path, mndkg_cli: Runner) -> None:
    path = write(tmp_path, "named.trig", TRIG)
    triple = (
        URIRef("https://w3id.org/mndkg/zzNamed"),
        URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"),
        URIRef("https://w3id.org/mndkg/Symptom"),
    )
    assert triple in load_files([path])
    store = load_store([path], base=False)
    assert len(store) == 3
    assert all(isinstance(q.graph_name, ox.DefaultGraph) for q in store)
    query = 'ASK { mnd:zzNamed rdfs:label "zz named graph symptom"@en }'
    result = mndkg_cli("query", "-e", query, "--with", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["boolean"] is True
    result = mndkg_cli("validate", "--format", "json", str(path))
    assert result.returncode in (0, 1), result.stderr
    labels = {f["focus_label"] for f in json.loads(result.stdout)["findings"]}
    assert "zz named graph symptom" in labels
    page = tmp_path / "page.html"
    result = mndkg_cli(
        "html", "--with", str(path), "--focus", "zz named graph symptom", "-o", str(page)
    )
    assert result.returncode == 0, result.stderr
    assert "zz named graph symptom" in page.read_text(encoding="utf-8")


def test_named_graphs_in_nquads_reach_the_default_graph(tmp_path: Path) -> None:
    path = write(tmp_path, "d.nq", "<http://x/a> <http://x/p> <http://x/b> <http://x/g> .\n")
    store = load_store([path], base=False)
    assert [type(q.graph_name) for q in store] == [ox.DefaultGraph]
    assert len(load_files([path])) == 1


# --- 16: over-long tokens, ill-typed literals, RDF/XML errors without a line --------


def test_overlong_literal_names_file_and_line(tmp_path: Path, mndkg_cli: Runner) -> None:
    text = (
        '<http://x/a> <http://x/p> "ok" .\n\n<http://x/a> <http://x/q> "'
        + "a" * 17_000_000
        + '" .\n'
    )
    path = write(tmp_path, "long.nt", text)
    with pytest.raises(InputError, match="longer than 16,777,216 bytes") as caught:
        load_files([path])
    assert caught.value.line == 3
    one_error_line(mndkg_cli("query", "-e", COUNT, "--with", str(path)), path, 3)


def test_overlong_iri_in_turtle_names_the_line(tmp_path: Path) -> None:
    text = "@prefix ex: <http://x/> .\nex:a ex:p <http://x/" + "b" * 17_000_000 + "> .\n"
    with pytest.raises(InputError, match="longer than") as caught:
        load_store([write(tmp_path, "iri.ttl", text)], base=False)
    assert caught.value.line == 2


ILL_TYPED = (
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    '<http://x/a> <http://x/p> "fine" .\n'
    '<http://x/a> <http://x/n> "x"^^xsd:integer .\n'
)


def test_ill_typed_literal_is_one_clean_error(tmp_path: Path, mndkg_cli: Runner) -> None:
    path = write(tmp_path, "typed.ttl", ILL_TYPED)
    for args in (("validate", str(path)), ("html", "--with", str(path), "-o", "p.html")):
        line = one_error_line(mndkg_cli(*args), path, 3)
        assert "ill-typed literal" in line and "xsd:integer" in line and "<http://x/n>" in line


def test_ill_typed_boolean_gives_no_warning(tmp_path: Path, mndkg_cli: Runner) -> None:
    text = '<http://x/a> <http://x/p> "maybe"^^<http://www.w3.org/2001/XMLSchema#boolean> .\n'
    path = write(tmp_path, "bool.nt", text)
    assert "ill-typed" in one_error_line(mndkg_cli("report", str(path)), path, 1)


def test_rdfxml_syntax_errors_carry_a_line(tmp_path: Path, mndkg_cli: Runner) -> None:
    broken = write(
        tmp_path, "tag.rdf", rdfxml('<rdf:Description rdf:about="http://x/a">\n<ex:p>v</ex:q>')
    )
    assert "mismatched tag" in one_error_line(
        mndkg_cli("diff", str(broken), str(broken)), broken, 5
    )
    bad_id = write(
        tmp_path,
        "id.rdf",
        rdfxml('\n<rdf:Description rdf:ID="1x"><ex:p>v</ex:p></rdf:Description>'),
    )
    with pytest.raises(InputError, match="rdf:ID") as caught:
        load_files([bad_id])
    assert caught.value.line == 5
    one_error_line(mndkg_cli("query", "-e", COUNT, "--with", str(bad_id)), bad_id, 5)


# --- the fuzz tests, now with late entities, deep nesting and CR / CRLF line ends -----


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    eol=st.sampled_from(["\n", "\r\n", "\r"]),
    padding=st.sampled_from([0, 1_100_000]),
    depth=st.integers(0, 1_200),
    refs=st.integers(0, 30_000),
    late_doctype=st.booleans(),
)
def test_generated_rdfxml_gives_clean_errors_at_the_right_line(
    tmp_path: Path, eol: str, padding: int, depth: int, refs: int, late_doctype: bool
) -> None:
    lines = ['<?xml version="1.0"?>']
    if padding:
        lines.append("<!--" + "x" * padding + "-->")
    lines += ['<!DOCTYPE rdf:RDF [ <!ENTITY e "' + "a" * 500 + '"> ]>', ROOT]
    lines += ['<rdf:Description rdf:about="http://x/a">', '<ex:p rdf:parseType="Literal">']
    opened = len(lines) + 1  # the line of the first ex:q
    lines += ["<ex:q>"] * depth + ["</ex:q>"] * depth + ["</ex:p>"]
    first_ref = len(lines) + 1
    lines += ["<ex:r>&e;</ex:r>"] * refs
    lines += ["</rdf:Description>"]
    if late_doctype:
        lines.append("<!DOCTYPE x>")
    lines += ["</rdf:RDF>", ""]
    path = tmp_path / "fuzz.rdf"
    path.write_bytes(eol.join(lines).encode("utf-8"))
    limit = max(xmlguard.MAX_EXPANSION, xmlguard.MAX_RATIO * path.stat().st_size)
    try:
        load_files([path])
    except InputError as err:
        assert str(path) in str(err)
        if 3 + depth > xmlguard.MAX_DEPTH:
            assert "nest" in err.message
            assert err.line == opened + xmlguard.MAX_DEPTH - 3
        elif refs * 500 > limit:
            assert "entity bomb" in err.message
            assert err.line == first_ref + limit // 500
        else:
            assert late_doctype and "DOCTYPE" in err.message
    else:
        assert 3 + depth <= xmlguard.MAX_DEPTH and refs * 500 <= limit and not late_doctype


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_mutated_turtle_with_any_line_ends_gives_clean_errors(
    tmp_path: Path, data: st.DataObject
) -> None:
    eol = data.draw(st.sampled_from(["\n", "\r\n", "\r"]))
    turtle = eol.join(
        ["@prefix ex: <http://example.org/> .", 'ex:a ex:p ex:b ; ex:q "text"@en .', ""]
    )
    position = data.draw(st.integers(0, len(turtle)))
    insert = data.draw(st.text(max_size=8))
    text = turtle[:position] + insert + turtle[position + data.draw(st.integers(0, 4)) :]
    path = tmp_path / "fuzz.ttl"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    try:
        load_files([path])
    except InputError as err:
        assert str(path) in str(err)
