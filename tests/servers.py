"""Real SPARQL servers on loopback for the tests: Oxigraph (PyPI) and Virtuoso (Debian).

Each starts on a free port of 127.0.0.1 with its own throwaway database folder
and is stopped by its process id. Where a server cannot be had, the tests that
need it skip and say why.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


@dataclass(frozen=True)
class Server:
    """Where a running server answers: its query and Graph Store endpoints."""

    name: str
    query: str
    store: str
    graph_parameter: str = "graph"


def free_port() -> int:
    """Return a free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    """Wait until ``url`` answers, or fail with the server's own words."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server stopped with exit code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"the server did not answer at {url} within {seconds} s")


@contextmanager
def running(args: list[str], url: str, cwd: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Start a server process, wait until it answers, and stop it by its pid afterwards."""
    log = (cwd / "server.log").open("wb")
    process = subprocess.Popen(args, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(url, process)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextmanager
def oxigraph(folder: Path) -> Iterator[Server]:
    """Run the Oxigraph server from the PyPI package ``oxigraph``."""
    binary = Path(sys.executable).parent / "oxigraph"
    if not binary.exists():
        pytest.skip("the oxigraph server (PyPI package oxigraph) is not installed")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    args = [str(binary), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"]
    with running(args, f"{base}/query?query=ASK%7B%7D", folder):
        yield Server("oxigraph", f"{base}/query", f"{base}/store")


def virtuoso_ini(folder: Path, port: int, http_port: int) -> Path:
    """Write a virtuoso.ini whose database lives in ``folder`` and that listens on loopback only."""
    text = VIRTUOSO_INI.read_text(encoding="utf-8")
    text = text.replace("/var/lib/virtuoso-opensource-7/db", str(folder))
    text = re.sub(r"(?m)^ServerPort\s*=\s*1111\b.*$", f"ServerPort = 127.0.0.1:{port}", text)
    text = re.sub(r"(?m)^ServerPort\s*=\s*8890\b.*$", f"ServerPort = 127.0.0.1:{http_port}", text)
    text = re.sub(r"(?m)^ResultSetMaxRows\s*=.*$", "ResultSetMaxRows = 1000000", text)
    ini = folder / "virtuoso.ini"
    ini.write_text(text, encoding="utf-8")
    return ini


@contextmanager
def virtuoso(folder: Path) -> Iterator[Server]:
    """Run Debian's Virtuoso Open Source with a throwaway database (dba/dba, test only)."""
    binary = shutil.which("virtuoso-t")
    if binary is None or not VIRTUOSO_INI.exists():
        pytest.skip("Virtuoso is not installed (Debian package virtuoso-opensource)")
    port, http_port = free_port(), free_port()
    ini = virtuoso_ini(folder, port, http_port)
    base = f"http://127.0.0.1:{http_port}"
    with running([binary, "+foreground", "+configfile", str(ini)], f"{base}/sparql", folder):
        yield Server("virtuoso", f"{base}/sparql", f"{base}/sparql-graph-crud-auth")


@contextmanager
def canary(body: bytes = b"{}") -> Iterator[str]:
    """Yield the URL of an HTTP server on 127.0.0.1 that must receive no request.

    It answers every GET and POST with ``body`` (so a fetch that should not happen
    would succeed and be seen) and fails the test on leaving if anything reached it.
    """
    hits: list[str] = []

    class Canary(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            self.do_GET()

        def log_message(self, *args: object) -> None:
            del args

    server = ThreadingHTTPServer(("127.0.0.1", 0), Canary)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
    assert hits == [], f"the canary was reached: {hits}"


def post(url: str, fields: dict[str, str], accept: str = "") -> tuple[int, dict[str, str], str]:
    """POST a form to ``url``; return the status, headers and body, errors included."""
    data = urllib.parse.urlencode(fields).encode()
    request = urllib.request.Request(url, data=data, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read().decode()
