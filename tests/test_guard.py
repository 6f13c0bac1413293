"""The query guard reads a query as the engines do: no network, no stack overflow, clean errors.

Each test is named after the hole it closes. A canary on 127.0.0.1 must receive
no connection, and a property test holds the guard to a real SPARQL parser
(rdflib's) and to pyoxigraph itself.
"""

from __future__ import annotations

import contextlib
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

import mndkg
from mndkg import launch
from mndkg.errors import InputError
from mndkg.queries import MAX_NESTING, MAX_OPERATORS, guard, position, with_prefixes


class Canary:
    """A TCP listener on loopback that counts the connections it accepts, and closes them."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"
        self.hits = 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.hits += 1
            conn.close()


@pytest.fixture
def canary() -> Iterator[Canary]:
    listener = Canary()
    yield listener
    listener.sock.close()


def cr_query(url: str) -> str:
    return f"SELECT ?s ?p ?o WHERE {{ # note\rSERVICE <{url}> {{ ?s ?p ?o }} }}"


def run_cli(*args: str | bytes, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "mndkg", *args], capture_output=True, cwd=cwd, timeout=120
    )


def one_error_line(result: subprocess.CompletedProcess[bytes]) -> str:
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2, err
    assert "Traceback" not in err and err.count("\n") == 1, err
    return err.strip()


# 1. A comment ends at CR as well as LF.


@pytest.mark.parametrize("eol", ["\r", "\r\n", "\n"], ids=["CR", "CRLF", "LF"])
def test_service_after_a_comment_ended_by_any_line_break_is_refused(eol: str) -> None:
    text = f"SELECT * WHERE {{ # note{eol}SERVICE <http://127.0.0.1:9/> {{ ?s ?p ?o }} }}"
    with pytest.raises(InputError, match="SERVICE is not allowed") as caught:
        guard(text)
    assert caught.value.line == 2


@pytest.mark.parametrize("eol", ["\r", "\r\n"], ids=["CR", "CRLF"])
def test_from_named_after_a_cr_ended_comment_is_refused(eol: str) -> None:
    with pytest.raises(InputError, match="FROM is not allowed"):
        guard(f"SELECT * # graphs{eol}FROM NAMED <http://127.0.0.1:9/g> WHERE {{ ?s ?p ?o }}")


def test_the_cr_query_would_reach_the_canary_without_the_guard(canary: Canary) -> None:
    """The control: pyoxigraph itself runs the SERVICE that follows a CR-ended comment."""
    with pytest.raises(OSError):
        list(ox.Store().query(cr_query(canary.url)))
    assert canary.hits == 1


def test_the_cr_query_does_not_reach_the_canary_from_the_command_line(
    canary: Canary, tmp_path: Path
) -> None:
    result = run_cli("query", "-e", cr_query(canary.url), cwd=tmp_path)
    assert one_error_line(result) == (
        "mndkg: error: -e:2:1: SERVICE is not allowed: queries run on the local graph only"
    )
    assert canary.hits == 0


def test_the_cr_query_does_not_reach_the_canary_from_the_python_api(canary: Canary) -> None:
    with pytest.raises(InputError, match="SERVICE is not allowed"):
        mndkg.query(cr_query(canary.url))
    assert canary.hits == 0


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { ?s ?p 1SERVICE <http://127.0.0.1:9/> { } }",
        "SELECT * WHERE { ?s ?p trueSERVICE <http://127.0.0.1:9/> { } }",
        "SELECT * WHERE { SERVICESILENT<http://127.0.0.1:9/> { } }",
        "PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { SERVICE:x { } }",
        "SELECT * WHERE { ?s ?p ?a FILTER(?a<1)SERVICE#>\n<http://127.0.0.1:9/>{ } }",
        "SELECT * WHERE { SERVI\\u0043E <http://127.0.0.1:9/> { } }",
        "SELECT * WHERE { \u017fervice <http://127.0.0.1:9/> { } }",
        "ASKFROM<http://127.0.0.1:9/g>{}",
        "PREFIX ex: <http://e/> SELECT * WHERE { ?s ?p ex:a\\# SERVICE <http://127.0.0.1:9/> {} }",
    ],
    ids=["1SERVICE", "trueSERVICE", "SILENT", "prefixed", "less-than", "u-escape", "long-s",
         "ASKFROM", "name-escape"],
)  # fmt: skip
def test_keywords_engines_read_where_a_lexer_would_not_are_refused(text: str) -> None:
    """pyoxigraph ran the first five (checked by hand with a canary); the rest as rdflib reads."""
    with pytest.raises(InputError, match="is not allowed"):
        guard(text)


@pytest.mark.parametrize(
    "text",
    [
        "# SERVICE\r# FROM\r\nSELECT ?from WHERE { ?from ?p <http://example.org/SERVICE> }",
        'SELECT * WHERE { ?s ?p \'it\'\'s \\\' FROM\' . ?s ?q """a\r\nLOAD \\""" }',
        "SELECT * WHERE { ?r owl:someValuesFrom ?v ; ex:load ?l FILTER(?v < 3) }",
        "SELECT * WHERE { ?s ?p '''it's SERVICE\rhere''' }",
    ],
)
def test_keywords_in_strings_comments_iris_and_names_still_pass(text: str) -> None:
    guard(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\nb FROM", (2, 3)),
        ("a\rb FROM", (2, 3)),
        ("a\r\nb FROM", (2, 3)),
        ("\r\r\n\n FROM", (4, 2)),
    ],
)
def test_a_line_ends_at_lf_cr_or_crlf(text: str, expected: tuple[int, int]) -> None:
    assert position(text, text.index("FROM")) == expected
    with pytest.raises(InputError) as caught:
        guard(text)
    assert (caught.value.line, caught.value.column) == expected


def test_with_prefixes_reads_comments_as_the_guard_does() -> None:
    text = "# PREFIX rdfs: <urn:x:>\rSELECT ?l WHERE { ?d rdfs:label ?l }"
    assert with_prefixes(text).startswith("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n")
    in_iri = "SELECT * WHERE { ?s <urn:a#owl:x> ?o }"
    assert with_prefixes(in_iri) == in_iri


# The property: whatever rdflib reads as SERVICE, LOAD or FROM, the guard refuses.

EOL = st.sampled_from(["\n", "\r", "\r\n"])
WS = st.sampled_from([" ", "\t", "\n", "\r", "\r\n", ""])
WORDS = ["SERVICE", "service", "LOAD", "From", "FROM NAMED", "#", "'", '"', "'''", '"""', "<", ">",
         "{", "}", "\\", "x", " ", "?o", "\r", "\n"]  # fmt: skip
ESCAPES = st.sampled_from(["\\\\", "\\'", '\\"', "\\n", "\\r", "\\t"])
INNER = st.lists(st.sampled_from(WORDS) | ESCAPES, max_size=5).map("".join)


@st.composite
def comment(draw: st.DrawFn) -> str:
    return "#" + draw(INNER) + draw(EOL)


@st.composite
def string(draw: st.DrawFn) -> str:
    quote = draw(st.sampled_from(["'", '"', "'''", '"""']))

    def escape(word: str) -> str:
        return word.replace("\\", "\\\\").replace(quote[0], "\\" + quote[0])

    parts = draw(st.lists(st.sampled_from(WORDS).map(escape) | ESCAPES, max_size=5))
    return quote + "".join(p for p in parts if len(quote) == 3 or p not in ("\r", "\n")) + quote


IRI = st.lists(st.sampled_from(["SERVICE", "from", "load", "#", "'", ")", "x", ":", "/"]),
               max_size=4).map(lambda p: "<http://e/" + "".join(p) + ">")  # fmt: skip
GAP = st.lists(WS | comment(), min_size=1, max_size=3).map(lambda p: " ".join(p))
TERM = (
    st.sampled_from(["?o", "ex:from", "owl:someValuesFrom", "1", "true", "?from"]) | IRI | string()
)


@st.composite
def element(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["triple", "service", "filter", "optional"]))
    gap = draw(GAP)
    if kind == "triple":
        return f"?s{gap}?p{draw(GAP)}{draw(TERM)}{draw(GAP)}."
    if kind == "service":
        return f"SERVICE{gap}{draw(IRI)}{draw(GAP)}{{ ?s ?p ?o }}"
    if kind == "filter":
        return f"FILTER({draw(TERM)}{gap}!={draw(GAP)}{draw(TERM)})"
    return f"OPTIONAL{gap}{{ ?s ?p {draw(TERM)} }}"


@st.composite
def sparql(draw: st.DrawFn) -> str:
    gap = draw(GAP)
    if draw(st.booleans()) and draw(st.booleans()):
        return f"{gap}LOAD{draw(GAP)}{draw(IRI)}{draw(GAP)}"
    dataset = draw(st.sampled_from(["", "FROM ", "FROM NAMED "]))
    dataset = f"{dataset}{draw(IRI)}{draw(GAP)}" if dataset else ""
    body = draw(st.lists(element().flatmap(lambda e: GAP.map(lambda g: e + g)), max_size=4))
    return (
        f"PREFIX ex: <http://e/> PREFIX owl: <http://www.w3.org/2002/07/owl#>{gap}"
        f"SELECT *{draw(GAP)}{dataset}WHERE {{{draw(GAP)}{''.join(body)}}}{draw(GAP)}"
    )


def names(node: object) -> set[str]:
    """Return the names of every ``CompValue`` in a parse tree."""
    found: set[str] = set()
    if isinstance(node, CompValue):
        found.add(node.name)
        node = list(node.values())
    if isinstance(node, (list, tuple, ParseResults)):
        for child in node:
            found |= names(child)
    return found


def reaches_out(text: str) -> bool | None:
    """Return whether rdflib reads SERVICE, LOAD or a dataset in ``text``; ``None``: not SPARQL."""
    for parse in (parseQuery, parseUpdate):
        try:
            tree = parse(text)
        except (ParseException, ValueError):
            continue
        return bool(names(tree) & {"ServiceGraphPattern", "Load", "DatasetClause"})
    return None


@settings(max_examples=400, deadline=None)
@given(sparql())
def test_the_guard_refuses_whatever_rdflib_reads_as_service_load_or_from(text: str) -> None:
    if reaches_out(text):
        with pytest.raises(InputError, match="is not allowed"):
            guard(text)


def test_the_generator_reaches_both_ways() -> None:
    """The property above is not vacuous: rdflib finds SERVICE here, and not there."""
    assert reaches_out("SELECT * WHERE { #\r\nSERVICE <http://e/> { ?s ?p ?o } }")
    assert reaches_out("SELECT * WHERE { #\rSERVICE <http://e/> { ?s ?p ?o }\n}") is False


NOISE = GAP | comment() | string() | IRI | st.sampled_from(["?s ?p ?o .", "{ }", "FILTER(?o<1)"])


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(NOISE, max_size=5).map("".join), GAP)
def test_what_the_guard_lets_through_never_reaches_pyoxigraphs_network(
    canary: Canary, noise: str, gap: str
) -> None:
    text = f"SELECT * WHERE {{ {noise}SERVICE{gap}<{canary.url}> {{ ?s ?p ?o }} }}"
    try:
        guard(text)
    except InputError:
        return
    before = canary.hits
    with contextlib.suppress(Exception):
        list(ox.Store().query(text))
    assert canary.hits == before, repr(text)


# 2. Nesting too deep for pyoxigraph's stack.


@pytest.mark.parametrize(
    "text",
    [
        "ASK {" + "{" * 5000 + "}" * 5000 + "}",
        "ASK { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
        "ASK { ?s ?p " + "[ ?p " * 5000 + "1" + " ]" * 5000 + " }",
    ],
    ids=["braces", "parentheses", "brackets"],
)
def test_nesting_that_crashed_pyoxigraph_is_one_error_line(text: str, tmp_path: Path) -> None:
    line = one_error_line(run_cli("query", "-e", text, cwd=tmp_path))
    assert re.fullmatch(
        r"mndkg: error: -e:1:\d+: query nests too deeply \(more than 256 levels\)", line
    ), line


@pytest.mark.parametrize(
    "text",
    ["ASK { FILTER(" + "1+" * 8000 + "1) }", "ASK { FILTER(" + "!" * 12000 + "true) }"],
    ids=["plus-chain", "not-chain"],
)
def test_operator_chains_that_crashed_pyoxigraph_are_one_error_line(
    text: str, tmp_path: Path
) -> None:
    line = one_error_line(run_cli("query", "-e", text, cwd=tmp_path))
    assert re.fullmatch(
        r"mndkg: error: -e:1:\d+: query has more than 4,000 operators \(too long a chain\)", line
    ), line


def test_operators_in_strings_and_iris_do_not_count() -> None:
    many = "+" * (MAX_OPERATORS + 1)
    guard(f'ASK {{ ?s <http://x/{many}> "{many}" }} # {many}')
    guard("ASK { FILTER(" + "1+" * (MAX_OPERATORS - 1) + "1) }")
    with pytest.raises(InputError, match="operators"):
        guard("ASK { FILTER(" + "1+" * (MAX_OPERATORS + 1) + "1) }")


def test_nesting_up_to_the_bound_passes_and_one_more_is_refused() -> None:
    guard("ASK " + "{" * MAX_NESTING + "}" * MAX_NESTING)
    with pytest.raises(InputError, match="nests too deeply") as caught:
        guard("ASK\r\n" + "{" * (MAX_NESTING + 1))
    assert (caught.value.line, caught.value.column) == (2, MAX_NESTING + 1)


def test_brackets_in_strings_and_comments_do_not_count() -> None:
    deep = "{" * (MAX_NESTING * 2)
    guard(f'ASK {{ ?s ?p "{deep}" . ?s ?p """{deep}\r\n{deep}""" }} # {deep}\r# {deep}\n')


def test_brackets_a_less_than_hides_in_an_iri_still_count() -> None:
    deep = "(" * (MAX_NESTING + 1)
    with pytest.raises(InputError, match="nests too deeply"):
        guard(f"ASK {{ FILTER(?x<{deep}1>0) }}")


def test_deep_nesting_in_a_shipped_query_goes_to_click(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "deep.rq"
    path.write_text("ASK {" + "{" * 5000 + "}" * 5000 + "}", encoding="utf-8")
    monkeypatch.setattr(launch.layout, "shipped_query", lambda _name: str(path))
    assert launch.quick(["query", "deep"]) is None


# 3. Text that is not UTF-8.


def test_non_utf8_bytes_in_e_are_one_error_line(tmp_path: Path) -> None:
    line = one_error_line(run_cli(b"query", b"-e", b"\xff", cwd=tmp_path))
    assert line == "mndkg: error: -e: not UTF-8 text (byte 0xff at offset 0)"
    line = one_error_line(run_cli(b"query", b"-e", b'ASK { ?s ?p "\xc3" }', cwd=tmp_path))
    assert line == "mndkg: error: -e: not UTF-8 text (byte 0xc3 at offset 13)"


def test_a_non_utf8_query_file_is_one_error_line_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "latin1.rq"
    path.write_bytes('SELECT * WHERE { ?s ?p "café" }'.encode("latin-1"))
    line = one_error_line(run_cli("query", str(path), cwd=tmp_path))
    assert line == f"mndkg: error: {path}: not UTF-8 text (byte 0xe9 at offset 27)"
    with pytest.raises(InputError, match="not UTF-8 text"):
        mndkg.query(str(path))


def test_a_non_utf8_shipped_query_goes_to_click(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bad.rq"
    path.write_bytes(b"ASK { ?s ?p '\xff' }")
    monkeypatch.setattr(launch.layout, "shipped_query", lambda _name: str(path))
    assert launch.quick(["query", "bad"]) is None


def test_a_lone_surrogate_from_python_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"not Unicode text \(lone surrogate U\+D800"):
        guard("ASK { ?s ?p '\ud800' }")
