"""The quick path of ``mndkg query NAME``: the same bytes as click, and nothing heavy imported.

The quick path is a second way into the query command, so these tests hold it
to the first: every shipped query in every format prints what the click command
prints, every command line it does not fully understand goes to click, and its guard
is never laxer than ``queries.guard``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mndkg import launch, prepared
from mndkg.cli import main as cli
from mndkg.errors import InputError
from mndkg.queries import FORBIDDEN, guard, index
from mndkg.results import WRITERS
from mndkg.store import shipped_store

NAMES = sorted(index())


@pytest.fixture(scope="module")
def ready() -> None:
    """Prepare the store, as ``mndkg build`` or the first query does.

    The process's own store is then read again from the prepared file, as the click
    command reads it, so that rows a query leaves unordered come in the same order.
    """
    prepared.prepared_store()
    shipped_store.cache_clear()


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_every_shipped_query_prints_what_click_prints(ready: None, fmt: str) -> None:
    runner = CliRunner()
    for name in NAMES:
        quick = launch.quick(["query", name, "--format", fmt])
        assert quick is not None, f"{name} did not take the quick path"
        full = runner.invoke(cli, ["query", name, "--format", fmt])
        assert full.exit_code == 0, full.output
        assert quick == full.output, f"{name} --format {fmt}"


@pytest.mark.parametrize(
    "args",
    [
        ["query", "cq04-lower-only"],
        ["query", "cq04-lower-only", "-f", "csv"],
        ["query", "-f", "tsv", "cq04-lower-only"],
        ["query", "cq04-lower-only", "--format=json"],
        ["query", "cq04-lower-only", "-f", "csv", "-f", "turtle"],
    ],
)
def test_the_quick_path_reads_what_click_reads(ready: None, args: list[str]) -> None:
    quick = launch.quick(args)
    assert quick is not None
    assert quick == CliRunner().invoke(cli, args).output


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--help"],
        ["--debug", "query", "cq04-lower-only"],
        ["build"],
        ["query"],
        ["query", "--list"],
        ["query", "-h"],
        ["query", "cq04-lower-only", "--help"],
        ["query", "cq04-lower-only", "--with", "hp"],
        ["query", "cq04-lower-only", "-o", "out.tsv"],
        ["query", "cq04-lower-only", "--endpoint", "http://127.0.0.1:1/q"],
        ["query", "cq04-lower-only", "-ftsv"],
        ["query", "cq04-lower-only", "-f"],
        ["query", "cq04-lower-only", "-f", "xml"],
        ["query", "cq04-lower-only", "cq02-upper-and-lower"],
        ["query", "--", "cq04-lower-only"],
        ["query", "-e", "SELECT * WHERE { ?s ?p ?o }"],
        ["query", "no-such-query"],
        ["query", "queries/competency/cq04-lower-only.rq"],
        ["query", "../cq04-lower-only"],
        ["query", ".hidden"],
    ],
)
def test_anything_else_goes_to_click(ready: None, args: list[str]) -> None:
    assert launch.quick(args) is None


def test_no_store_prepared_goes_to_click(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MNDKG_CACHE", str(tmp_path / "empty"))
    assert launch.quick(["query", "cq04-lower-only"]) is None


def test_formats_are_the_ones_click_offers() -> None:
    command = cli.commands["query"]
    assert isinstance(command, click.Command)
    option = next(p for p in command.params if p.name == "fmt")
    assert isinstance(option.type, click.Choice)
    assert set(option.type.choices) == set(WRITERS)
    assert option.default == "table"
    assert set(option.opts) == {"-f", "--format"}


def test_keywords_are_the_guards() -> None:
    assert launch.FORBIDDEN == FORBIDDEN


def test_every_shipped_query_passes_the_quick_check() -> None:
    suspicious = [n for n in NAMES if launch.may_reach_out(index()[n].text)]
    assert suspicious == []


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "select * from <http://example.org/g> where { ?s ?p ?o }",
        'SELECT * WHERE { ?s ?p """x\n# not a comment""" SERVICE <x> {} }',
        "# title: t\nSELECT *\n# service\nWHERE {}",
        "SELECT * WHERE { ?s ?p ?o } #\nLOAD <x>",
        "# title: t\rSERVICE <x> {}\n",
        "# title: t\r\nSELECT * FROM NAMED <g> {}",
        "SELECT * WHERE { ?s ?p 1SERVICE <x> {} }",
        "SELECT * WHERE { SERVI\\u0043E <x> {} }",
    ],
)
def test_suspicious_queries_are_left_to_the_guard(text: str) -> None:
    assert launch.may_reach_out(text)


TOKENS = st.sampled_from(
    [
        "SERVICE", "service", "Load", "FROM", "from", "someValuesFrom", "?from", "ex:from",
        "from:", "$load", "_from", "x", " ", "\n", "#", "# title: t\n", '"', "'", '"""',
        "'''", "<", ">", "\\", "{", "}", ":", "?", "$", "_", ".", "é", "1",
        "\r", "\r\n", "# c\r", "#\r\n", "(", ")", "[", "true", "-", "ex:", "\u017f", "\u0131",
        "\\u0043", "SILENT", "NAMED", "ASK",
    ]
)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(TOKENS, max_size=14).map("".join))
def test_the_quick_check_is_never_laxer_than_the_guard(text: str) -> None:
    try:
        guard(text)
    except InputError as err:
        if "nests too deeply" in str(err):
            assert launch.may_nest_too_deeply(text), text
        else:
            assert launch.may_reach_out(text), text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["{", "(", "[", "}", ")", "]", '"', "#", "\n", "\r", "<", ">"]),
                min_size=200, max_size=400).map("".join))  # fmt: skip
def test_the_quick_nesting_check_is_never_laxer_than_the_guard(text: str) -> None:
    try:
        guard(text)
    except InputError as err:
        assert "nests too deeply" in str(err)
        assert launch.may_nest_too_deeply(text), text


def test_the_nesting_bound_is_the_guards() -> None:
    from mndkg.queries import MAX_NESTING

    assert launch.MAX_NESTING == MAX_NESTING == 256
    assert launch.may_nest_too_deeply("{" * 257)
    assert not launch.may_nest_too_deeply("{" * 256)


def run_launcher(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )


SPY = """
import sys
sys.argv = ["mndkg", *{args!r}]
from mndkg.launch import main
try:
    main()
finally:
    heavy = {{"click", "re", "pathlib", "typing", "dataclasses", "rdflib", "curies", "json"}}
    print("IMPORTED", sorted(heavy & set(sys.modules)), file=sys.stderr)
"""


def test_the_quick_path_imports_nothing_heavy(ready: None) -> None:
    result = run_launcher(SPY.format(args=["query", "cq04-lower-only"]))
    assert result.returncode == 0, result.stderr
    assert "progressive muscular atrophy" in result.stdout
    assert "IMPORTED []" in result.stderr


def test_the_console_command_prepares_the_store_then_takes_the_quick_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MNDKG_CACHE", str(tmp_path / "cache"))
    first = run_launcher(SPY.format(args=["query", "cq04-lower-only"]))
    assert first.returncode == 0, first.stderr
    assert "'click'" in first.stderr, "with no prepared store, click answers"
    second = run_launcher(SPY.format(args=["query", "cq04-lower-only"]))
    assert second.returncode == 0, second.stderr
    assert "IMPORTED []" in second.stderr
    assert second.stdout == first.stdout


def test_an_error_is_reported_by_click(ready: None) -> None:
    result = run_launcher(SPY.format(args=["query", "no-such-query"]))
    assert result.returncode == 2
    assert "mndkg: error: unknown query name 'no-such-query'" in result.stderr


@pytest.mark.parametrize("extra", [[], ["--graph", "g"]], ids=["quick", "click"])
def test_a_closed_pipe_ends_quietly_on_both_paths(ready: None, extra: list[str]) -> None:
    args = [sys.executable, "-m", "mndkg", "query", "cq01-kinds-of-mnd", *extra]
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        proc.stdout.close()
        _, err = proc.communicate(timeout=120)
    assert (proc.returncode, err) == (1, b"")
