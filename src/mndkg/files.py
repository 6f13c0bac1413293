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
    files += [Path(p) for p in extra]
    for path in files:
        check_readable(path)
        if path.suffix.lower() == OBO:
            store.extend(parse_quads(path))
            continue
        try:
            store.bulk_load(path=path, format=rdf_format(path), base_iri=path.resolve().as_uri())
        except SyntaxError as err:
            raise syntax_error(err, path) from err
    return store
