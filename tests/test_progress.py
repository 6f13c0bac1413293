"""Progress bars: drawn on a terminal for large inputs, never in pipes, logs or stdout.

The command line runs in a subprocess whose stderr is a pseudo-terminal, as a
user's shell would give it, and again with plain pipes, as CI and scripts do.
"""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from mndkg import progress

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An N-Triples file just over the size that earns a bar."""
    path = tmp_path_factory.mktemp("big") / "big.nt"
    line = (
        "<https://example.org/thing/{0}> <http://www.w3.org/2000/01/rdf-schema#label>"
        ' "a synthetic thing, number {0}"@en .\n'
    )
    with path.open("w", encoding="utf-8") as out:
        i = 0
        while out.tell() < progress.MIN_BYTES + 1024:
            out.write(line.format(i))
            i += 1
    return path


def run_with_terminal(args: list[str], env: dict[str, str] | None = None) -> tuple[str, str]:
    """Run ``mndkg`` with stderr on a pseudo-terminal; return (stdout, what the terminal got)."""
    controller, terminal = pty.openpty()
    # A new pseudo-terminal has 0 rows and 0 columns, where tqdm draws nothing;
    # give it the size of a real one.
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "mndkg", *args],
        stdout=subprocess.PIPE,
        stderr=terminal,
        env={**os.environ, **(env or {})},
    )
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closes when the child exits (EIO on Linux)
            break
        if not chunk:
            break
        seen += chunk
    stdout = proc.stdout.read() if proc.stdout else b""
    assert proc.wait(timeout=120) == 0, seen.decode(errors="replace")
    os.close(controller)
    return stdout.decode(), seen.decode(errors="replace")


def test_large_load_shows_a_bar_on_a_terminal(big_file: Path) -> None:
    stdout, terminal = run_with_terminal(["query", "--with", str(big_file), "-e", COUNT])
    assert "loading big.nt" in terminal
    assert "%" in terminal
    assert "loading" not in stdout, "the bar must never reach stdout"
    assert int(stdout.split()[-3]) > 60_000  # the table ends with "(1 row)"


def test_no_bar_when_turned_off(big_file: Path) -> None:
    _, terminal = run_with_terminal(
        ["query", "--with", str(big_file), "-e", COUNT], env={"MNDKG_PROGRESS": "0"}
    )
    assert "loading" not in terminal


def test_no_bar_without_a_terminal(big_file: Path, mndkg_cli) -> None:
    result = mndkg_cli("query", "--with", str(big_file), "-e", COUNT, "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_small_inputs_get_no_bar(tmp_path: Path) -> None:
    small = tmp_path / "small.nt"
    small.write_text("<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n")
    _, terminal = run_with_terminal(["query", "--with", str(small), "-e", COUNT])
    assert "loading" not in terminal


def test_upload_body_can_be_sent_twice() -> None:
    """urllib resends the body after a digest-authentication challenge."""
    data = bytes(range(256)) * (progress.CHUNK // 100)
    body = progress.Upload(data, "publishing")
    assert len(body) == len(data)
    assert b"".join(body) == data
    assert b"".join(body) == data
