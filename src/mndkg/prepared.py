"""Prepared files in the user's cache: the shipped graph as one N-Quads file, OBO as N-Triples.

A query from the command line pays for starting Python, importing pyoxigraph and
loading the graph. Parsing the sixteen Turtle files (with their per-file safety
checks) is the largest part of that last step; bulk-loading one N-Quads file
that pyoxigraph itself wrote is about twice as fast. ``mndkg build`` prepares the
file, and the first query after any change to the data prepares it again.

The same holds for an OBO file given with ``--with``: reading ``hp.obo`` with
pronto takes seconds, so its triples are kept as N-Triples beside the prepared
store, and the next merge of the same file bulk-loads them in a fraction of that.

Each file is a cache: derived, safe to delete, keyed by the size and modification
time of every data file (and the pyoxigraph version), and written atomically. It
lives in ``$MNDKG_CACHE`` if set, else ``$XDG_CACHE_HOME/mndkg`` or
``~/.cache/mndkg``. When that folder cannot be written the query still runs, from
the Turtle files. Nothing here imports rdflib.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from mndkg.paths import knowledge_files

FORMAT = ox.RdfFormat.N_QUADS


def cache_dir() -> Path:
    """Return the folder of derived files: ``$MNDKG_CACHE``, else the XDG cache folder."""
    override = os.environ.get("MNDKG_CACHE")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mndkg"


def fingerprint(files: list[Path]) -> str:
    """Return a key that changes whenever a data file (or the store's version) changes."""
    digest = hashlib.sha256(ox.__version__.encode())
    for path in files:
        stat = path.stat()
        digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()[:20]


def prepared_path() -> Path:
    """Return where the prepared store of the current data files lives (it may not exist)."""
    return cache_dir() / "prepared" / f"mndkg-{fingerprint(knowledge_files())}.nq"


def load() -> ox.Store | None:
    """Return the prepared store, or ``None`` when it is missing or unreadable."""
    path = prepared_path()
    if not path.is_file():
        return None
    store = ox.Store()
    try:
        store.bulk_load(path=path, format=FORMAT)
    except (OSError, SyntaxError, ValueError):
        return None
    return store


def keep(path: Path, write: Callable[[Path], object], stale: str) -> Path | None:
    """Write a cache file atomically with ``write``; remove the older files matching ``stale``.

    Returns the path, or ``None`` when the cache folder cannot be written: a cache
    that fails is not an error, since the caller already has what it computed.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
        write(partial)
        partial.replace(path)
        for old in path.parent.glob(stale):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        return None
    return path


def save(store: ox.Store) -> Path | None:
    """Write ``store`` as the prepared store; return its path, or ``None`` on failure."""
    return keep(prepared_path(), lambda out: store.dump(output=out, format=FORMAT), "mndkg-*.nq")


def prepared_store() -> ox.Store:
    """Return the shipped graph from the prepared store, preparing it first when needed."""
    from mndkg.files import load_store

    store = load()
    if store is None:
        store = load_store()
        save(store)
    return store


def converted_path(source: Path) -> Path:
    """Return where the N-Triples form of an OBO file lives (it may not exist).

    The key covers the file and the converter (``obo.py``), so a new release of
    the ontology or a change in how OBO is read makes a new conversion.
    """
    converter = Path(__file__).with_name("obo.py")
    key = fingerprint([source.resolve(), converter])
    return cache_dir() / "converted" / f"{source.stem}-{key}.nt"


def save_converted(source: Path, triples: list[ox.Triple]) -> Path | None:
    """Keep the triples read from an OBO file as N-Triples; ``None`` on failure."""
    return keep(
        converted_path(source),
        lambda out: ox.serialize(triples, output=out, format=ox.RdfFormat.N_TRIPLES),
        f"{source.stem}-*.nt",
    )
