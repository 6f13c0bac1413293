"""Read RDF (and OBO) files safely into the embedded store, with good errors.

This module is the query path's loader: it uses pyoxigraph only, so ``mndkg
query`` never imports rdflib. Parsing reports the line and column of a syntax
error, never fetches anything from the network, and refuses XML external
entities and entity bombs before an RDF/XML parser runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox

from mndkg.errors import InputError
from mndkg.paths import knowledge_files

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: OBO files are read with pronto (see ``mndkg.obo``).
OBO = ".obo"

#: File endings we read, and the pyoxigraph format of each.
FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".n3": ox.RdfFormat.N3,
    ".owl": ox.RdfFormat.RDF_XML,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
}


def rdf_format(path: Path) -> ox.RdfFormat:
    """Return the RDF format of a file from its ending, or raise an ``InputError``."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted([*FORMATS, OBO]))
        raise InputError(f"unknown RDF file type {path.suffix!r}; expected one of {known}", path)
    return fmt


def check_safe(path: Path) -> None:
    """Refuse XML external entities and entity bombs before an RDF/XML parser runs."""
    if FORMATS.get(path.suffix.lower()) == ox.RdfFormat.RDF_XML:
        from mndkg import xmlguard

        xmlguard.check(path)


def check_readable(path: Path) -> None:
    """Raise an ``InputError`` naming the file when it is missing or unreadable."""
    if not path.exists():
        raise InputError("no such file", path)
    if not path.is_file():
        raise InputError("not a regular file", path)
    try:
        with path.open("rb"):
            pass
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror}", path) from err
    check_safe(path)


def syntax_error(err: SyntaxError, path: Path) -> InputError:
    """Turn a pyoxigraph parse error into an ``InputError`` with file, line and column."""
    message = str(err).split(": ", 1)[-1] if ": " in str(err) else str(err)
    message = re.sub(r"\s*\([^()]*line \d+\)$", "", message)
    return InputError(f"syntax error: {message}", path, err.lineno, err.offset)


def parse_quads(path: Path) -> Iterator[ox.Quad]:
    """Yield the quads of one RDF (or OBO) file, raising ``InputError`` with its line."""
    check_readable(path)
    if path.suffix.lower() == OBO:
        from mndkg import obo

        yield from (ox.Quad(t.subject, t.predicate, t.object) for t in obo.read(path))
        return
    fmt = rdf_format(path)
    try:
        yield from ox.parse(path=path, format=fmt, base_iri=path.resolve().as_uri())
    except SyntaxError as err:
        raise syntax_error(err, path) from err
    except (OSError, ValueError) as err:
        raise InputError(f"cannot parse: {err}", path) from err


def load_store(extra: Sequence[Path | str] = (), *, base: bool = True) -> ox.Store:
    """Load the shipped graph and ``extra`` files into an in-memory pyoxigraph store for SPARQL."""
    store = ox.Store()
    files: list[Path] = list(knowledge_files()) if base else []
    load_into(store, files + [Path(p) for p in extra])
    return store


def load_into(store: ox.Store, files: Sequence[Path]) -> None:
    """Load RDF (or OBO) files into ``store``; a bad file raises ``InputError`` with its line."""
    from mndkg import progress

    for path in files:
        check_readable(path)
        shown = progress.enabled(path.stat().st_size)
        if path.suffix.lower() == OBO:
            load_obo(store, path, shown=shown)
            continue
        fmt, base = rdf_format(path), path.resolve().as_uri()
        try:
            # load, not bulk_load: measured on 1M triples, bulk_load's parallel parsing
            # peaks at 650 MB against 410 MB, and is no faster on an in-memory store.
            if shown:
                with progress.reading(path) as handle:
                    store.load(input=handle, format=fmt, base_iri=base)
            else:
                store.load(path=path, format=fmt, base_iri=base)
        except SyntaxError as err:
            raise syntax_error(err, path) from err


def load_obo(store: ox.Store, path: Path, *, shown: bool) -> None:
    """Load an OBO file: from its prepared N-Triples when current, else through pronto.

    Reading OBO is the slow part of merging an ontology such as HPO (seconds), so
    the triples are kept in the cache for the next time (``prepared.converted_path``).
    """
    from mndkg import prepared, progress

    converted = prepared.converted_path(path)
    if Path(converted).is_file():
        try:
            store.load(path=converted, format=ox.RdfFormat.N_TRIPLES, lenient=True)
            return
        except (OSError, SyntaxError, ValueError):
            pass  # a damaged cache file: read the OBO file again and rewrite it
    quads = parse_quads(path)
    triples = [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in (progress.items(quads, f"reading {path.name}") if shown else quads)
    ]
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    prepared.save_converted(path, triples)
