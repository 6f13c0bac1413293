"""Outputs harm nothing but what they replace: ``build --out``, ``-o FILE`` and the prepared store.

Each test is named after what it fixed: a build that deleted the folder it was
given, a killed build that left its worker and staging folders behind, outputs
that ignored the umask, ``-o`` that replaced device nodes, a full disk that gave
a traceback, and a damaged prepared store that was trusted.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mndkg import atomic, prepared
from mndkg.errors import InputError

QUERY = "cq04-lower-only"


def run_cli(*args: str, cwd: Path, code: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``mndkg ARGS`` in a subprocess (or ``python -c CODE ARGS``), from ``cwd``."""
    command = [sys.executable, *(["-c", code] if code else ["-m", "mndkg"]), *args]
    return subprocess.run(
        command, capture_output=True, text=True, cwd=cwd, timeout=180, check=False
    )


@pytest.fixture
def umask_022() -> Iterator[None]:
    """Run the test (and its subprocesses) under umask 022."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- 2: build --out DIR replaced whatever DIR held ------------------------------------------


def test_build_out_dot_in_a_project_keeps_everything(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / ".git" / "objects").mkdir(parents=True)
    (project / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (project / "notes.md").write_text("my notes")
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    done = run_cli("build", "--out", ".", cwd=project)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("mndkg: error: ")
    assert "is not an mndkg release folder (it holds .git, notes.md)" in lines[0]
    assert "choose an empty or new folder" in lines[0]
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before
    assert (project / "notes.md").read_text() == "my notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project"]


def make_release(folder: Path, names: tuple[str, ...] = ("mndkg.ttl", "kgx/nodes.tsv")) -> None:
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(name)
    atomic.write_manifest(folder)


def test_only_a_whole_previous_release_is_replaced(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    make_release(out)
    with atomic.staged_folder(out, release=True) as staging:
        (staging / "new.ttl").write_text("new")
    assert sorted(p.name for p in out.iterdir()) == [atomic.MANIFEST, "new.ttl"]

    (out / "extra.txt").write_text("someone's work")
    with pytest.raises(InputError, match=r"does not list \(extra.txt\)"):
        atomic.staged_folder(out, release=True).__enter__()
    (out / "extra.txt").unlink()
    (out / "sub").mkdir()
    with pytest.raises(InputError, match=r"does not list \(sub\)"):
        atomic.staged_folder(out, release=True).__enter__()
    (out / "sub").rmdir()
    (out / "new.ttl").unlink()
    with pytest.raises(InputError, match=r"lacks files .* \(new.ttl\)"):
        atomic.staged_folder(out, release=True).__enter__()
    assert sorted(p.name for p in out.iterdir()) == [atomic.MANIFEST]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_an_empty_or_absent_folder_is_written(tmp_path: Path) -> None:
    for out in (tmp_path / "empty", tmp_path / "absent"):
        if out.name == "empty":
            out.mkdir()
        with atomic.staged_folder(out, release=True) as staging:
            (staging / "a.ttl").write_text("a")
        assert atomic.refusal(out) is None
        assert sorted(p.name for p in out.iterdir()) == [atomic.MANIFEST, "a.ttl"]


# --- 14: a killed build leaked its worker, staging folders, and sometimes dist/ itself ---------


def children(pid: int) -> set[int]:
    """Return the processes whose parent is ``pid`` (from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie has ended; it waits only to be reaped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def build_until_staged(out: Path) -> subprocess.Popen[bytes]:
    """Start ``mndkg.release.build(out)`` in a subprocess; return once its staging folder exists."""
    code = "import sys, pathlib, mndkg.release; mndkg.release.build(pathlib.Path(sys.argv[1]))"
    build = subprocess.Popen([sys.executable, "-c", code, str(out)], cwd=out.parent)
    deadline = time.monotonic() + 120
    while not list(out.parent.glob(f".{out.name}.new-*")):
        if build.poll() is not None or time.monotonic() > deadline:
            build.kill()
            pytest.fail("the build ended (or took 120 s) before its staging folder appeared")
        time.sleep(0.02)
    return build


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the worker runs on two cores only")
def test_killed_build_leaves_no_orphan_and_the_next_build_cleans_up(
    tmp_path: Path, umask_022: None
) -> None:
    out = tmp_path / "dist"
    build = build_until_staged(out)
    try:
        helpers = children(build.pid)
        assert helpers, "the build runs its shapes in a worker process"
        os.kill(build.pid, signal.SIGKILL)
    finally:
        build.kill()
        build.wait()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in helpers if alive(pid)], "a process of the killed build lives on"
    assert list(tmp_path.glob(".dist.new-*")), "the kill left its staging folder (as it must)"

    import mndkg.release

    mndkg.release.build(out, version="9.9.9")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]
    assert atomic.refusal(out) is None
    # 17: the release follows the umask (mkdtemp made it 0700, mkstemp the page 0600)
    assert mode(out) == 0o755
    assert mode(out / "mndkg.html") == 0o644
    assert mode(out / "mndkg.ttl") == 0o644


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_sigterm_during_build_cleans_up_and_ends_the_worker(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build = build_until_staged(out)
    try:
        helpers = children(build.pid)
        build.terminate()
        assert build.wait(30) == 128 + signal.SIGTERM
    finally:
        build.kill()
        build.wait()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in helpers if alive(pid)]
    assert list(tmp_path.iterdir()) == [], "the staging folder and the lock are removed"


def test_a_build_killed_between_the_renames_is_restored(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    retired = tmp_path / ".dist.old-99999"
    retired.mkdir()
    make_release(retired)
    (tmp_path / ".dist.new-abc").mkdir()
    with pytest.raises(RuntimeError), atomic.staged_folder(out, release=True):
        assert (out / "mndkg.ttl").read_text() == "mndkg.ttl", "restored before writing"
        raise RuntimeError
    assert (out / "mndkg.ttl").read_text() == "mndkg.ttl"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_two_renames_swap_recovers_when_exchange_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(atomic, "exchange", lambda *_: False)
    out = tmp_path / "dist"
    out.mkdir()
    make_release(out)
    with atomic.staged_folder(out, release=True) as staging:
        (staging / "b.ttl").write_text("b")
    assert sorted(p.name for p in out.iterdir()) == [atomic.MANIFEST, "b.ttl"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_a_second_concurrent_build_is_refused_cleanly(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    with atomic.locked(out), pytest.raises(InputError, match="another build is writing"):
        atomic.staged_folder(out, release=True).__enter__()
    assert not out.exists()
    with atomic.staged_folder(out, release=True):
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_the_worker_dies_with_the_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C or SIGTERM in the build ends the block: the worker is terminated, not awaited."""
    import mndkg.release

    if (os.cpu_count() or 1) < 2:
        pytest.skip("the worker runs on two cores only")
    before = children(os.getpid())
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt), mndkg.release.in_background("9.9.9"):
        raise KeyboardInterrupt
    assert time.monotonic() - start < 5
    time.sleep(0.2)
    assert not [p for p in children(os.getpid()) - before if alive(p)]


# --- 17: outputs ignored the umask and replaced files lost their mode --------------------------


def test_outputs_follow_the_umask_and_keep_the_mode(tmp_path: Path, umask_022: None) -> None:
    new = tmp_path / "new.tsv"
    atomic.write_text(new, "a\n")
    assert mode(new) == 0o644
    kept = tmp_path / "kept.tsv"
    kept.write_text("old\n")
    kept.chmod(0o640)
    atomic.write_text(kept, "new\n")
    assert mode(kept) == 0o640
    assert kept.read_text() == "new\n"
    with atomic.staged_folder(tmp_path / "dist") as staging:
        (staging / "x").write_text("x")
    assert mode(tmp_path / "dist") == 0o755


def test_dash_o_file_follows_the_umask(tmp_path: Path, umask_022: None) -> None:
    done = run_cli("query", QUERY, "-f", "csv", "-o", "answer.csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert mode(tmp_path / "answer.csv") == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answer.csv"]


# --- 8: -o replaced device nodes and FIFOs; -o /dev/stdout into a pipe was a traceback --------


def test_dash_o_dev_null_stays_a_char_device(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # as root the old code would have replaced the system's /dev/null: use a twin of it
        null = tmp_path / "null"
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    else:
        null = Path("/dev/null")
    before = null.stat()
    siblings = set(null.parent.iterdir())
    done = run_cli("query", QUERY, "-f", "csv", "-o", str(null), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    after = null.stat()
    assert stat.S_ISCHR(after.st_mode)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)
    assert set(null.parent.iterdir()) == siblings, "no temporary file is left beside it"


def test_dash_o_fifo_delivers_the_bytes(tmp_path: Path) -> None:
    fifo = tmp_path / "answer.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    done = run_cli("query", QUERY, "-f", "csv", "-o", str(fifo), cwd=tmp_path)
    reader.join(30)
    assert done.returncode == 0, done.stderr
    plain = run_cli("query", QUERY, "-f", "csv", cwd=tmp_path)
    assert received == [plain.stdout.encode()]
    assert b"progressive muscular atrophy" in received[0]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_dash_o_dev_stdout_into_a_pipe(tmp_path: Path) -> None:
    done = run_cli("query", QUERY, "-f", "csv", "-o", "/dev/stdout", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "progressive muscular atrophy" in done.stdout


# --- 16: a full disk during the build was a traceback ----------------------------------------

FULL_DISK = """
import errno, sys
import mndkg.export.kgx
def full(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")
mndkg.export.kgx.write = full
from mndkg.cli import main
main(sys.argv[1:])
"""


def test_full_disk_during_build_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    make_release(out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    done = run_cli("build", "--out", "dist", cwd=tmp_path, code=FULL_DISK)
    assert done.returncode == 2, done.stderr
    assert done.stderr == "mndkg: error: cannot write dist: No space left on device\n"
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]


def test_full_disk_on_dash_o_is_one_line(tmp_path: Path) -> None:
    code = (
        "import errno, os, sys\n"
        "import mndkg.atomic as a\n"
        "def full(*_):\n"
        "    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))\n"
        "a.os.fchmod = full\n"
        "from mndkg.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    done = run_cli("query", QUERY, "-f", "csv", "-o", "a.csv", cwd=tmp_path, code=code)
    assert done.returncode == 2, done.stderr
    assert done.stderr == "mndkg: error: cannot write a.csv: No space left on device\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", [("html",), ("query", QUERY)], ids=["html", "query"])
def test_every_command_that_writes_a_file_fails_in_one_line(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    # /proc takes no new files, even from root: the write itself fails, after the work.
    done = run_cli(*args, "-o", "/proc/version", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("mndkg: error: cannot write /proc/version: "), done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1


# --- 6: a damaged prepared store was trusted --------------------------------------------------


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("MNDKG_CACHE", str(folder))
    return folder


def damage_truncated(data: bytes) -> bytes:
    """Drop the last quarter of the quads, cut at a line boundary."""
    cut = data.rfind(b"\n", 0, len(data) * 3 // 4) + 1
    return data[:cut]


def damage_forged(data: bytes) -> bytes:
    forged = b'<https://w3id.org/mndkg/X> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n'
    return data + forged


def damage_iri(data: bytes) -> bytes:
    """Change one IRI of the graph, keeping the size."""
    at = data.index(b"<https://w3id.org/mndkg/", data.index(b"\n<") + 1) + len("<https://w3id.org/")
    return data[:at] + b"mndkh" + data[at + 5 :]


@pytest.mark.parametrize("damage", [damage_truncated, damage_forged, damage_iri])
def test_damaged_prepared_store_is_discarded_and_rebuilt(
    cache: Path, tmp_path: Path, damage: object
) -> None:
    good = len(prepared.prepared_store())
    path = Path(prepared.prepared_path())
    original = path.read_bytes()
    path.write_bytes(damage(original))  # type: ignore[operator]
    assert prepared.load() is None
    done = run_cli("query", QUERY, "-f", "csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "progressive muscular atrophy" in done.stdout
    assert path.read_bytes() != damage(original), "the query prepared it again"  # type: ignore[operator]
    loaded = prepared.load()
    assert loaded is not None
    assert len(loaded[0]) == good


def test_build_repairs_a_damaged_prepared_store(cache: Path) -> None:
    prepared.prepared_store()
    path = Path(prepared.prepared_path())
    original = path.read_bytes()
    path.write_bytes(damage_truncated(original))
    prepared.prepared_store()  # what ``build`` calls last
    loaded = prepared.load()
    assert loaded is not None
    assert len(loaded[0]) == len(prepared.parse(original)[0])  # type: ignore[index]


def test_same_size_edit_with_mtime_restored_changes_the_key(tmp_path: Path) -> None:
    data = tmp_path / "facts.ttl"
    data.write_text("<a> <b> <c> .\n")
    before_stat = data.stat()
    before = prepared.fingerprint([data])
    data.write_text("<a> <b> <d> .\n")
    os.utime(data, ns=(before_stat.st_atime_ns, before_stat.st_mtime_ns))
    assert data.stat().st_size == before_stat.st_size
    assert prepared.fingerprint([data]) != before


# --- 18: a full cache disk left .partial files behind -----------------------------------------


@pytest.mark.parametrize("failure", [OSError(errno.ENOSPC, "full"), KeyboardInterrupt()])
def test_full_cache_disk_leaves_no_partial_file(cache: Path, failure: BaseException) -> None:
    target = cache / "prepared" / "mndkg-0.nq"

    def half(out: str) -> None:
        Path(out).write_bytes(b"half of it")
        raise failure

    if isinstance(failure, OSError):
        assert prepared.keep(str(target), half, "mndkg-*.nq") is None
    else:
        with pytest.raises(KeyboardInterrupt):
            prepared.keep(str(target), half, "mndkg-*.nq")
    assert list((cache / "prepared").iterdir()) == []
