"""Prepared files in the user's cache: the shipped graph as one N-Quads file, OBO as N-Triples.

A query from the command line pays for starting Python, importing pyoxigraph and
loading the graph. Parsing the sixteen Turtle files (with their per-file safety
checks) is the largest part of that last step; loading one N-Quads file that
pyoxigraph itself wrote is several times faster. ``mndkg build`` prepares the
file, and the first query after any change to the data prepares it again. The
file opens with the curated prefix map as comment lines, which N-Quads parsers
skip, so a query needs neither ``json`` nor ``context.jsonld`` to use it.

The same holds for an OBO file given with ``--with``: reading ``hp.obo`` with
pronto takes seconds, so its triples are kept as N-Triples beside the prepared
store, and the next merge of the same file bulk-loads them in a fraction of that.

Each file is a cache: derived, safe to delete, keyed by the contents of every
data file (and the pyoxigraph version), and written atomically. Content, not size
and modification time: an edit that keeps the size, with the time set back, must
not serve the old facts (hashing the data files costs about a millisecond). It
lives in ``$MNDKG_CACHE`` if set, else ``$XDG_CACHE_HOME/mndkg`` or
``~/.cache/mndkg``. When that folder cannot be written the query still runs, from
the Turtle files.

A prepared store is trusted only when it is whole: its second line carries the
CRC-32 of everything after that line and the number of quads, and ``parse``
checks both, so a truncated file (even at a line boundary), a changed IRI or an
added line is discarded and prepared again. A CRC detects accidental damage (a
full disk, a crash, a stray edit); it is not a MAC, and the cache folder is the
user's own, as trusted as the user.

This module is on the quick query path (``mndkg.launch``), so at import it loads
only ``os``, ``zlib`` and pyoxigraph: paths are strings, and the key is a CRC
rather than a ``hashlib`` digest (5 ms to import; the key guards a cache, not a secret).
"""

from __future__ import annotations

import os
import zlib

import pyoxigraph as ox

from mndkg import layout

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

FORMAT = ox.RdfFormat.N_QUADS
#: The first line of every prepared store; a file without it is not one.
MARK = b"# mndkg prepared store: derived from the data files, safe to delete\n"
#: The second line: ``# digest crc32=HEX quads=N``, the CRC of every byte after it.
DIGEST = b"# digest "
#: Each entry of the prefix map is one comment line: ``# prefix NAME<TAB>IRI``.
PREFIX = b"# prefix "


def cache_dir() -> str:
    """Return the folder of derived files: ``$MNDKG_CACHE``, else the XDG cache folder."""
    override = os.environ.get("MNDKG_CACHE")
    if override:
        return override
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "mndkg")


def fingerprint(files: Iterable[str | os.PathLike[str]]) -> str:
    """Return a key that changes whenever a data file's content (or the store's version) does.

    Each file's name, length and bytes go into a CRC-32 and an Adler-32 (64 bits
    together): a touch alone keeps the key, any edit changes it.
    """
    crc = adler = 1
    for part in _parts(files):
        crc, adler = zlib.crc32(part, crc), zlib.adler32(part, adler)
    return f"{crc:08x}{adler:08x}"


def _parts(files: Iterable[str | os.PathLike[str]]) -> Iterable[bytes]:
    """Yield what the key covers: the pyoxigraph version, then per file its name, length, bytes."""
    yield ox.__version__.encode()
    for path in files:
        with open(path, "rb") as stream:
            data = stream.read()
        yield f"\0{os.path.basename(os.fspath(path))}\0{len(data)}\0".encode()
        yield data


def prepared_path() -> str:
    """Return where the prepared store of the current data files lives (it may not exist)."""
    key = fingerprint([*layout.knowledge_files(), layout.context_file()])
    return os.path.join(cache_dir(), "prepared", f"mndkg-{key}.nq")


def load() -> tuple[ox.Store, dict[str, str]] | None:
    """Return the prepared store and its prefix map, or ``None`` when missing or unreadable."""
    try:
        with open(prepared_path(), "rb") as stream:
            data = stream.read()
    except OSError:
        return None
    return parse(data)


def digest_line(body: bytes | memoryview, quads: int) -> bytes:
    """Return the line that vouches for ``body``: its CRC-32 and the number of quads in it."""
    return DIGEST + f"crc32={zlib.crc32(body):08x} quads={quads}\n".encode()


def parse(data: bytes) -> tuple[ox.Store, dict[str, str]] | None:
    """Check the digest line, read the prefix lines, load the quads (``None`` if damaged)."""
    start = len(MARK)
    end = data.find(b"\n", start)
    if not data.startswith(MARK) or not data.startswith(DIGEST, start) or end < 0:
        return None
    expected = data[start : end + 1]
    start = end + 1
    fields = dict(f.partition(b"=")[::2] for f in expected[len(DIGEST) :].split())
    try:
        quads = int(fields.get(b"quads", b"-1"))
    except ValueError:
        return None
    if digest_line(memoryview(data)[start:], quads) != expected:
        return None
    prefixes: dict[str, str] = {}
    while data.startswith(PREFIX, start):
        end = data.find(b"\n", start)
        name, _, iri = data[start + len(PREFIX) : end].decode("utf-8").partition("\t")
        prefixes[name] = iri
        start = end + 1
    store = ox.Store()
    try:
        # lenient: the file was written by pyoxigraph from a valid store, so IRIs need no re-check
        store.load(input=data[start:], format=FORMAT, lenient=True)
    except (OSError, SyntaxError, ValueError):
        return None
    if len(store) != quads:
        return None
    return store, prefixes


def keep(path: str, write: Callable[[str], object], stale: str) -> str | None:
    """Write a cache file atomically with ``write``; remove the older files matching ``stale``.

    Returns the path, or ``None`` when the cache folder cannot be written: a cache
    that fails is not an error, since the caller already has what it computed.
    """
    import contextlib
    import glob

    folder = os.path.dirname(path)
    partial = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.partial")
    try:
        os.makedirs(folder, exist_ok=True)
        write(partial)
        os.replace(partial, path)
        for old in glob.glob(os.path.join(glob.escape(folder), stale)):
            if old != path:
                os.unlink(old)
    except OSError:
        return None
    finally:
        # a full disk fails ``write`` half-way: no partial file may stay (gone after a replace)
        with contextlib.suppress(OSError):
            os.unlink(partial)
    return path


def save(store: ox.Store, prefixes: dict[str, str] | None = None) -> str | None:
    """Write ``store`` (and the prefix map) as the prepared store; ``None`` on failure."""
    if prefixes is None:
        from mndkg.queries import default_prefixes

        prefixes = default_prefixes()
    body = b"".join(PREFIX + f"{k}\t{v}\n".encode() for k, v in prefixes.items())
    body += store.dump(format=FORMAT) or b""

    def write(out: str) -> None:
        with open(out, "wb") as stream:
            stream.write(MARK + digest_line(body, len(store)) + body)

    return keep(prepared_path(), write, "mndkg-*.nq")


def prepared_store() -> ox.Store:
    """Return the shipped graph from the prepared store, preparing it first when needed."""
    from mndkg.files import load_store

    loaded = load()
    if loaded is not None:
        return loaded[0]
    store = load_store()
    save(store)
    return store


def converted_path(source: str | os.PathLike[str]) -> str:
    """Return where the N-Triples form of an OBO file lives (it may not exist).

    The key covers the file and the converter (``obo.py``), so a new release of
    the ontology or a change in how OBO is read makes a new conversion.
    """
    converter = os.path.join(os.path.dirname(__file__), "obo.py")
    key = fingerprint([os.path.realpath(source), converter])
    stem = os.path.splitext(os.path.basename(os.fspath(source)))[0]
    return os.path.join(cache_dir(), "converted", f"{stem}-{key}.nt")


def save_converted(source: str | os.PathLike[str], triples: Sequence[ox.Triple]) -> str | None:
    """Keep the triples read from an OBO file as N-Triples; ``None`` on failure."""
    stem = os.path.splitext(os.path.basename(os.fspath(source)))[0]
    return keep(
        converted_path(source),
        lambda out: ox.serialize(triples, output=out, format=ox.RdfFormat.N_TRIPLES),
        f"{stem}-*.nt",
    )
