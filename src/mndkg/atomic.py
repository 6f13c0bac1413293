"""Write outputs so that readers see the old one or the new one, never half, and harm nothing else.

A folder (``staged_folder``) is written into a sibling staging folder; only when
every file is there does it take the place of the old one, in one step where the
system can swap two paths (Linux ``renameat2``), else in two renames. The folder
it replaces must be absent, empty, or a previous release: one whose contents are
exactly the files listed in its manifest (``.mndkg-release``, in ``sha256sum``
format), so that ``--out .`` can never delete a project and its ``.git``.

A lock file beside the folder (``.NAME.lock``, there while a writer runs) keeps
two writers apart. Whoever holds it knows that any ``.NAME.new-*`` or
``.NAME.old-*`` beside the folder was left by a writer that died, so it removes
them, after restoring the folder from ``.NAME.old-*`` when a writer died between
the two renames.

A single file (``write_text``) is written to a temporary file in the same folder
and renamed over the old one, keeping the old file's mode (a new file gets the
umask's). A rename makes a new inode, so it breaks hard links to the old file:
that is the price of never leaving half a file, and we pay it. What is not a
regular file (a device, a FIFO, a terminal, ``/dev/stdout``) is written through,
never replaced.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mndkg.errors import InputError

#: The manifest that marks a folder as an mndkg release: ``SHA256  PATH`` per file.
MANIFEST = ".mndkg-release"


def current_umask() -> int:
    """Return the process umask without changing it, where ``/proc`` tells it.

    ``os.umask`` can only be read by setting it, which races with other threads
    that create files; the fallback does that only where ``/proc`` is missing.
    """
    try:
        with Path("/proc/self/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def locked(target: Path) -> Iterator[None]:
    """Hold ``.NAME.lock`` beside ``target`` for the block; refuse when another writer holds it.

    The lock file is removed when the block ends, so nothing stays beside the
    folder; a writer that locked a file since removed (its inode no longer at the
    path) tries again, so two writers never hold two different lock files.
    """
    try:
        import fcntl
    except ImportError:  # no flock (Windows): one writer at a time is then the user's care
        yield
        return
    lock = target.parent / f".{target.name}.lock"
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            msg = f"another build is writing {target} (it holds {lock}); wait for it to finish"
            raise InputError(msg) from None
        try:
            if os.fstat(fd).st_ino == lock.stat().st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)
        os.close(fd)


def leftovers(target: Path) -> list[Path]:
    """Return the staging and retired folders of ``target`` that writers left beside it."""
    parent, name = target.parent, target.name
    found = [*parent.glob(f".{name}.new-*"), *parent.glob(f".{name}.old-*")]
    return sorted(found, key=lambda p: p.name)


def recover(target: Path) -> None:
    """Restore ``target`` from a retired copy if a writer died mid-swap; remove the rest.

    Call only while holding the lock: then no live writer owns these folders.
    """
    if not os.path.lexists(target):
        retired = sorted(target.parent.glob(f".{target.name}.old-*"), key=os.path.getmtime)
        if retired:
            retired[-1].rename(target)
    for path in leftovers(target):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def contents(folder: Path) -> tuple[set[str], set[str]]:
    """Return the files (anything but a real folder) and the folders under ``folder``, relative."""
    files: set[str] = set()
    folders: set[str] = set()
    for root, dirs, names in os.walk(folder):
        here = Path(root)
        for name in dirs:
            rel = (here / name).relative_to(folder).as_posix()
            if (here / name).is_symlink():
                files.add(rel)  # a link is never followed, so it counts as one entry
            else:
                folders.add(rel)
        files.update((here / name).relative_to(folder).as_posix() for name in names)
    return files, folders


def listed(folder: Path) -> set[str] | None:
    """Return the paths the manifest of ``folder`` lists, or ``None`` without a readable one."""
    try:
        text = (folder / MANIFEST).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    paths = set()
    for line in text.splitlines():
        digest, sep, path = line.partition("  ")
        if not sep or len(digest) != 64:
            return None
        paths.add(Path(path).as_posix())
    return paths


def describe(names: set[str], limit: int = 3) -> str:
    """Name a few entries (sorted), then how many more: ``a, b, c and 4 more``."""
    shown = sorted(names)[:limit]
    more = len(names) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


def refusal(target: Path) -> str | None:
    """Return why ``target`` may not be replaced by a release, or ``None`` when it may.

    It may when it is absent, an empty folder, or holds exactly what its manifest
    lists: an extra file (or folder) or a missing one means someone else's work.
    """
    if not os.path.lexists(target):
        return None
    if target.is_symlink() or not target.is_dir():
        return f"{target} is not a folder; choose an empty or new folder"
    files, folders = contents(target)
    if not files and not folders:
        return None
    expected = listed(target)
    top = {p.split("/", 1)[0] for p in files | folders}
    if expected is None:
        return (
            f"{target} is not an mndkg release folder (it holds {describe(top)}); "
            "choose an empty or new folder"
        )
    wanted = {str(d.as_posix()) for p in expected for d in Path(p).parents if d != Path()}
    extra = (files - expected - {MANIFEST}) | (folders - wanted)
    missing = expected - files
    if extra:
        return (
            f"{target} holds files that its {MANIFEST} does not list ({describe(extra)}); "
            "choose an empty or new folder, or remove them"
        )
    if missing:
        return (
            f"{target} lacks files that its {MANIFEST} lists ({describe(missing)}); "
            "it is not a whole mndkg release, so it is left alone: choose an empty or new folder"
        )
    return None


def write_manifest(folder: Path) -> Path:
    """List every file under ``folder`` with its SHA-256 (``sha256sum -c`` reads it)."""
    files, _ = contents(folder)
    lines = []
    for rel in sorted(files - {MANIFEST}):
        digest = hashlib.sha256()
        with (folder / rel).open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
        lines.append(f"{digest.hexdigest()}  {rel}\n")
    path = folder / MANIFEST
    path.write_text("".join(lines), encoding="utf-8")
    return path


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2``, ``RENAME_EXCHANGE``); ``False`` if not."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    done = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def swap(staging: Path, target: Path) -> None:
    """Put ``staging`` in ``target``'s place; the old contents are removed afterwards."""
    if not os.path.lexists(target):
        staging.rename(target)
        return
    if exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # it now holds the old contents
        return
    old = target.parent / f".{target.name}.old-{os.getpid()}"
    target.rename(old)  # a writer killed here leaves no target: ``recover`` restores ``old``
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def staged_folder(target: Path, release: bool = False) -> Iterator[Path]:
    """Yield a staging folder; on success it replaces ``target`` whole.

    With ``release``, ``target`` must be absent, empty or a previous release
    (``refusal``), else ``InputError``; the staging folder gets its manifest last.
    """
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with locked(target):
        recover(target)
        if release and (reason := refusal(target)):
            raise InputError(reason)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
        try:
            staging.chmod(0o777 & ~current_umask())  # mkdtemp makes it 0700
            yield staging
            if release:
                write_manifest(staging)
            swap(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise


def descriptor(path: Path) -> int | None:
    """Return the open descriptor a path names (``/dev/stdout``, ``/dev/fd/N``), else ``None``.

    Writing to the descriptor itself keeps what the shell set up (``>>`` appends,
    a socket accepts) where opening the path again would truncate or fail.
    """
    text = os.path.normpath(os.fspath(path))
    named = {"/dev/stdin": 0, "/dev/stdout": 1, "/dev/stderr": 2}
    if text in named:
        return named[text]
    for prefix in ("/dev/fd/", "/proc/self/fd/"):
        if text.startswith(prefix) and text[len(prefix) :].isdigit():
            return int(text[len(prefix) :])
    return None


def write_through(path: Path, data: bytes) -> None:
    """Write ``data`` into what is at ``path`` without replacing it (device, FIFO, descriptor)."""
    fd = descriptor(path)
    if fd is None:
        with path.open("wb") as stream:
            stream.write(data)
        return
    if fd == 1:
        sys.stdout.flush()
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def write_text(path: Path, text: str) -> None:
    """Write one file atomically (temporary file in the same folder, then rename).

    A regular file keeps its mode (and, where allowed, its owner); a new file gets
    0666 less the umask. Hard links to the old file are broken (see the module).
    Anything that is not a regular file is written through (``write_through``).
    A failed write (full disk, no permission, a folder that cannot be made) is an
    ``InputError`` naming the path, for every command that writes a file, with
    nothing half-written.
    """
    try:
        replace_text(Path(path), text.encode("utf-8"))
    except OSError as err:
        raise InputError(f"cannot write {path}: {err.strerror or err}") from err


def replace_text(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` as ``write_text`` does, letting an ``OSError`` through."""
    try:
        old: os.stat_result | None = path.stat()
    except FileNotFoundError:
        old = None
    if descriptor(path) is not None or (old is not None and not stat.S_ISREG(old.st_mode)):
        write_through(path, data)
        return
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            mode = stat.S_IMODE(old.st_mode) if old else 0o666 & ~current_umask()
            os.fchmod(handle.fileno(), mode)
            if old is not None and (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
                with contextlib.suppress(OSError):
                    os.fchown(handle.fileno(), old.st_uid, old.st_gid)
            handle.write(data)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
