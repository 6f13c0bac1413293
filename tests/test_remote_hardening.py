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
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
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
