"""Regression tests for the security review of `mndkg serve`, one per defect fixed.

HTTP-level defences run against an in-process server whose pool is a stub (no
worker processes, so they are quick); worker life and death run against one
real `mndkg serve` subprocess on 127.0.0.1 with an ephemeral port.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from mndkg.cli import main
from mndkg.serve import BACKLOG, Answer, Server, Settings, handler_for, text_answer
from tests.servers import post

FAST = "PREFIX mnd: <https://w3id.org/mndkg/> ASK { mnd:SMN1 ?p ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
STAR = "SELECT * WHERE { BIND(TRIPLE(<http://x/a>, <http://x/b>, <http://x/c>) AS ?t) }"
ROOT = Path(__file__).resolve().parents[1]


class Echo:
    """A pool that answers every query at once with its text."""

    def run(self, text: str, accept: str) -> Answer:
        del accept
        return text_answer(200, f"ran: {text}")


@contextmanager
def stub_server(**options: object) -> Iterator[int]:
    """Serve the stub pool in this process; yield the port."""
    settings = Settings(**options)  # type: ignore[arg-type]
    handler = handler_for(Echo(), settings, "127.0.0.1")
    server = Server(("127.0.0.1", 0), handler, settings.max_connections)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def stub() -> Iterator[int]:
    with stub_server(cors="http://friend.example") as port:
        yield port


def raw(port: int, request: bytes, timeout: float = 5) -> tuple[int, dict[str, str], str]:
    """Send bytes as they are; return status, headers (lower-cased) and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body.decode()


def post_form(port: int, headers: dict[str, str], body: str = "query=ASK%7B%7D") -> int:
    """POST a form with these headers (Host defaults to the loopback address); return status."""
    fields = {"Host": f"127.0.0.1:{port}", "Content-Type": "application/x-www-form-urlencoded"}
    fields |= headers
    fields.setdefault("Content-Length", str(len(body.encode())))
    head = "".join(f"{k}: {v}\r\n" for k, v in fields.items())
    return raw(port, f"POST /sparql HTTP/1.1\r\n{head}\r\n{body}".encode())[0]


# 15: no Host-header check (DNS rebinding) and no CSRF defence on POST


@pytest.mark.parametrize("host", ["evil.example", "evil.example:7878", "127.0.0.1.evil.example"])
def test_dns_rebinding_foreign_host_is_refused(stub: int, host: str) -> None:
    status, _, body = raw(stub, f"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    assert status == 421 and "--allow-host" in body


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "LOCALHOST"])
def test_dns_rebinding_loopback_hosts_are_served(stub: int, host: str) -> None:
    status, _, _ = raw(stub, f"GET / HTTP/1.1\r\nHost: {host}:{stub}\r\n\r\n".encode())
    assert status == 200


def test_dns_rebinding_allow_host_adds_a_name() -> None:
    with stub_server(allow_hosts=("kg.lab.example",)) as port:
        request = f"GET / HTTP/1.1\r\nHost: kg.lab.example:{port}\r\n\r\n".encode()
        assert raw(port, request)[0] == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "http://evil.example", "Content-Type": "text/plain"},
        {"Origin": "null", "Content-Type": "multipart/form-data; boundary=x"},
        {"Origin": "http://localhost:1234", "Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
def test_csrf_cross_site_post_is_refused(stub: int, headers: dict[str, str]) -> None:
    assert post_form(stub, headers) == 403


def test_csrf_same_origin_page_post_and_cors_origin_still_work(stub: int) -> None:
    same = {"Origin": f"http://127.0.0.1:{stub}", "Sec-Fetch-Site": "same-origin"}
    assert post_form(stub, same) == 200
    friend = {"Origin": "http://friend.example", "Sec-Fetch-Site": "cross-site"}
    assert post_form(stub, friend) == 200
    assert post_form(stub, {}) == 200  # a non-browser client sends no Origin


# 10: no request-body limit


def test_body_limit_oversized_body_is_413_without_reading_it(stub: int) -> None:
    start = time.monotonic()
    status = post_form(stub, {"Content-Length": str(100 * 1024 * 1024)}, body="query=")
    assert status == 413 and time.monotonic() - start < 3


@pytest.mark.parametrize("length", ["-1", "abc", "1e3", "²"])
def test_body_limit_malformed_or_negative_length_is_400(stub: int, length: str) -> None:
    assert post_form(stub, {"Content-Length": length}) == 400


def test_body_limit_post_without_length_is_411(stub: int) -> None:
    request = f"POST /sparql HTTP/1.0\r\nHost: 127.0.0.1:{stub}\r\n\r\n".encode()
    assert raw(stub, request)[0] == 411


# 24: responses lack X-Content-Type-Options: nosniff


@pytest.mark.parametrize("path", ["/", "/sparql?query=ASK%7B%7D", "/nowhere"])
def test_nosniff_and_framing_headers_on_every_response(stub: int, path: str) -> None:
    _, headers, _ = raw(stub, f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["cache-control"] == "no-store"


# 21: no idle timeout and no thread cap


def test_idle_timeout_disconnects_a_silent_client() -> None:
    with stub_server(idle_timeout=0.5) as port, socket.create_connection(("127.0.0.1", port)) as s:
        s.settimeout(5)
        s.sendall(b"GET / HTT")  # half a request, then silence
        start = time.monotonic()
        while s.recv(1024):
            pass
        assert time.monotonic() - start < 3


def test_thread_cap_answers_503_beyond_it_and_recovers() -> None:
    with stub_server(max_connections=2, idle_timeout=4) as port:
        hogs = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]
        try:
            time.sleep(0.2)
            start = time.monotonic()
            status, headers, _ = raw(port, b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
            assert status == 503 and headers["retry-after"] == "1"
            assert time.monotonic() - start < 3
        finally:
            for hog in hogs:
                hog.close()
        time.sleep(0.2)
        assert raw(port, b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")[0] == 200


# 9: listen backlog of 5


def test_backlog_200_simultaneous_connections_are_all_answered(stub: int) -> None:
    assert BACKLOG >= 128 and Server.request_queue_size >= 128
    statuses: list[int] = []

    def one() -> None:
        try:
            statuses.append(
                raw(stub, b"GET /sparql?query=x HTTP/1.0\r\nHost: localhost\r\n\r\n")[0]
            )
        except OSError as err:
            statuses.append(-1)
            del err

    threads = [threading.Thread(target=one) for _ in range(200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses.count(200) == 200


# 20: serve --timeout 0 and --max-rows -1 were accepted


@pytest.mark.parametrize(
    "args",
    [["--timeout", "0"], ["--max-rows", "-1"], ["--max-rows", "0"], ["--workers", "0"]],
)
def test_option_ranges_refuse_nonsense(args: list[str]) -> None:
    result = CliRunner().invoke(main, ["serve", *args])
    assert result.exit_code == 2 and "Invalid value" in result.output


# 12 and 16: a bad --with hung at start-up; a port in use or a bad host gave a traceback


def serve_fails(args: list[str], tmp: Path) -> str:
    """Run `mndkg serve` expecting it to fail; return its stderr (it must be one line, exit 2)."""
    done = subprocess.run(
        [sys.executable, "-m", "mndkg", "serve", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    return done.stderr


def test_bad_with_fails_fast_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is @not turtle .\n", encoding="utf-8")
    assert "mndkg: error:" in serve_fails(["--port", "0", "--with", str(bad)], tmp_path)


def test_port_in_use_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert "cannot listen" in serve_fails(["--port", str(port)], tmp_path)


def test_bad_host_is_one_line(tmp_path: Path) -> None:
    assert "cannot listen" in serve_fails(["--host", "no-such-host.invalid"], tmp_path)


# 3 and 11: dead workers were never replaced; CONSTRUCT ignored --max-rows


@pytest.fixture(scope="module")
def endpoint() -> Iterator[tuple[str, int]]:
    """One real server with a single worker (so a kill hits the one answering); yield url, pid."""
    args = ["serve", "--port", "0", "--workers", "1", "--timeout", "5", "--max-rows", "5"]
    process = subprocess.Popen(
        [sys.executable, "-m", "mndkg", *args], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert "serving" in line, line
    port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
    yield f"http://127.0.0.1:{port}/sparql", process.pid
    process.terminate()
    process.wait(timeout=20)


def worker_pids(server: int) -> list[int]:
    """Return the pids of the query workers of the server process ``server``."""
    children = Path(f"/proc/{server}/task/{server}/children").read_text().split()
    return [
        int(pid)
        for pid in children
        if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
        and b"Z" not in Path(f"/proc/{pid}/stat").read_bytes().split(b") ")[1][:1]
    ]


def ask(url: str, query: str, accept: str = "") -> tuple[int, dict[str, str], str]:
    return post(url, {"query": query}, accept)


def test_dead_worker_killed_while_idle_is_replaced(endpoint: tuple[str, int]) -> None:
    url, server = endpoint
    [before] = worker_pids(server)
    os.kill(before, signal.SIGKILL)
    time.sleep(0.3)
    assert [ask(url, FAST)[0] for _ in range(3)] == [200, 200, 200]
    assert worker_pids(server) not in ([], [before])


def test_dead_worker_killed_mid_query_answers_500_and_serving_goes_on(
    endpoint: tuple[str, int],
) -> None:
    url, server = endpoint
    out: dict[str, tuple[int, dict[str, str], str]] = {}
    thread = threading.Thread(target=lambda: out.setdefault("slow", ask(url, SLOW)))
    thread.start()
    time.sleep(0.8)
    [busy] = worker_pids(server)
    os.kill(busy, signal.SIGKILL)
    thread.join(timeout=30)
    status, _, body = out["slow"]
    assert status == 500 and "SIGKILL" in body
    assert ask(url, FAST)[0] == 200


def test_dead_worker_rdf_star_triple_is_written_not_fatal(endpoint: tuple[str, int]) -> None:
    url, _ = endpoint
    for _ in range(2):  # twice used to leave the endpoint without workers
        status, _, body = ask(url, STAR, "application/sparql-results+json")
        assert status == 200
        term = json.loads(body)["results"]["bindings"][0]["t"]
        assert term["type"] == "triple" and term["value"]["subject"]["value"] == "http://x/a"
    status, _, body = ask(url, STAR, "text/csv")
    assert status == 200 and "<< <http://x/a> <http://x/b> <http://x/c> >>" in body
    assert ask(url, FAST)[0] == 200


@pytest.mark.parametrize(
    "query", ["CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "DESCRIBE ?s WHERE { ?s ?p ?o }"]
)
def test_max_rows_caps_construct_and_describe(endpoint: tuple[str, int], query: str) -> None:
    url, _ = endpoint
    status, headers, body = ask(url, query, "application/n-triples")
    assert status == 200 and headers["X-Mndkg-Truncated"] == "more than 5 triples"
    assert len(body.strip().splitlines()) == 5


def test_rdf_star_in_the_cli_query_command() -> None:
    result = CliRunner().invoke(main, ["query", "-f", "tsv", "-e", STAR])
    assert result.exit_code == 0, result.output
    assert "<< <http://x/a> <http://x/b> <http://x/c> >>" in result.output


def test_memory_error_answers_503_and_retires_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    import mndkg.store
    from mndkg.serve import work

    class Hungry:
        def query(self, text: str) -> None:
            raise MemoryError

    monkeypatch.setattr(mndkg.store, "open_store", lambda extra: Hungry())
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # keep this process's Ctrl-C
    parent, child = multiprocessing.Pipe()
    parent.send((FAST, ""))
    work(child, [], 5, 0)  # returns by itself: a worker retires after a MemoryError
    assert parent.recv() == ("ready", "")
    reply = parent.recv()
    assert reply.status == 503 and reply.retire


# scale: the load test reported "0 errors" while resets killed its client threads


def test_loadtest_counts_connection_errors_instead_of_dying() -> None:
    spec = importlib.util.spec_from_file_location("loadtest", ROOT / "scripts" / "loadtest.py")
    assert spec is not None and spec.loader is not None
    loadtest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loadtest)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    _, outcome = loadtest.ask(f"http://127.0.0.1:{port}/sparql", "ASK {}")
    assert outcome != 200 and loadtest.is_error(outcome)
