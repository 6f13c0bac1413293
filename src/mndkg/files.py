"""Read RDF (and OBO) files safely into the embedded store, with good errors.

This module is the query path's loader: it uses pyoxigraph only, so ``mndkg
query`` never imports rdflib. Parsing reports the line and column of a syntax
error, never fetches anything from the network, and refuses XML external
entities and entity bombs before an RDF/XML parser runs.

One rule for named graphs, whatever the command: the triples of every named
graph of a TriG, N-Quads or JSON-LD file are merged into the default graph,
which is the graph that queries, validation and the HTML page all read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from mndkg.errors import InputError
from mndkg.paths import knowledge_files
from mndkg.xmlguard import column, line_breaks

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
#: Formats that can hold named graphs: their quads go to the default graph.
DATASETS = frozenset({ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS, ox.RdfFormat.JSON_LD})
#: pyoxigraph refuses a single token (a literal or an IRI) longer than this (bytes).
MAX_TOKEN = 16 * 1024 * 1024
CHUNK = 1 << 20
#: What delimits literals and IRIs, for finding where an over-long one starts.
DELIMITERS = re.compile(rb"[\"'<>]")


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


def find_in_file(path: Path, needle: bytes) -> tuple[int, int] | None:
    """Return the line and column of the first ``needle`` in a file, reading it in chunks."""
    line, carry, keep = 1, b"", max(len(needle) - 1, 0)
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            text = carry + chunk
            at = text.find(needle)
            if at >= 0:
                return line + line_breaks(text, 0, at), column(text, at)
            cut = len(text) - keep
            if text[cut - 1 : cut] == b"\r":
                cut -= 1  # a CR LF cut in two would count as two line breaks
            line += line_breaks(text, 0, cut)
            carry = text[cut:]
    return None


def locate(path: Path, text: str) -> tuple[int | None, int | None]:
    """Return where ``text`` first appears in a file, quoted or as element content if it can be.

    For the errors that come without a position (pyoxigraph's RDF/XML errors, an
    ill-typed literal): the first place the offending value is written is almost
    always the place to fix.
    """
    value = text.encode("utf-8")
    for needle in (b'"' + value + b'"', b"'" + value + b"'", b">" + value + b"<", value):
        found = find_in_file(path, needle) if value else None
        if found:
            return found
    return None, None


def long_token_line(path: Path) -> int | None:
    """Return the line where pyoxigraph's over-long literal or IRI starts, if it can be found.

    That is where the first stretch of more than ``MAX_TOKEN`` bytes between quotes
    or angle brackets starts.

    Stretches inside one chunk are shorter than a chunk, so only the gap from the last
    delimiter of the chunks before to the first of this one needs checking.
    """
    last, last_line, line, offset = 0, 1, 1, 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            first = DELIMITERS.search(chunk)
            if first is not None:
                if offset + first.start() - last > MAX_TOKEN:
                    return last_line
                end = max(chunk.rfind(d) for d in (b'"', b"'", b"<", b">"))
                last, last_line = offset + end, line + line_breaks(chunk, 0, end)
            line += line_breaks(chunk)
            offset += len(chunk)
    return last_line if offset - last > MAX_TOKEN else None


def syntax_error(err: SyntaxError, path: Path) -> InputError:
    """Turn a pyoxigraph parse error into an ``InputError`` with file, line and column.

    RDF/XML errors come without a position (those of the XML itself are found
    first, by ``xmlguard``); the value the message quotes is then looked up.
    """
    message = str(err).split(": ", 1)[-1] if ": " in str(err) else str(err)
    message = re.sub(r"\s*\([^()]*line \d+\)$", "", message)
    line, column = err.lineno, err.offset
    if line is None:
        quoted = re.search(r"'([^']+)'|`([^`]+)`|^(\S+) is not a valid", message)
        if quoted:
            line, column = locate(path, next(g for g in quoted.groups() if g))
    return InputError(f"syntax error: {message}", path, line, column)


def parse_error(err: Exception, path: Path) -> InputError:
    """Turn any error of pyoxigraph's parsers into an ``InputError`` naming the file."""
    if isinstance(err, SyntaxError):
        return syntax_error(err, path)
    if isinstance(err, MemoryError):
        return InputError(
            f"a literal or IRI longer than {MAX_TOKEN:,} bytes is not read",
            path,
            long_token_line(path),
        )
    return InputError(f"cannot parse: {err}", path)


def in_default_graph(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """Yield the quads with their graph name dropped: every named graph merges into the default."""
    for quad in quads:
        yield ox.Quad(quad.subject, quad.predicate, quad.object)


def parse_quads(path: Path) -> Iterator[ox.Quad]:
    """Yield the quads of one RDF (or OBO) file, raising ``InputError`` with its line."""
    check_readable(path)
    if path.suffix.lower() == OBO:
        from mndkg import obo

        yield from (ox.Quad(t.subject, t.predicate, t.object) for t in obo.read(path))
        return
    fmt = rdf_format(path)
    try:
        yield from in_default_graph(
            ox.parse(path=path, format=fmt, base_iri=path.resolve().as_uri())
        )
    except (SyntaxError, MemoryError, OSError, ValueError) as err:
        raise parse_error(err, path) from err


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
        try:
            load_rdf(store, path, shown=shown)
        except (SyntaxError, MemoryError, OSError, ValueError) as err:
            raise parse_error(err, path) from err


def load_rdf(store: ox.Store, path: Path, *, shown: bool) -> None:
    """Load one RDF file into the default graph of ``store``, all of it or nothing."""
    from mndkg import progress

    if shown:
        with progress.reading(path) as handle:
            load_source(store, path, {"input": handle})
    else:
        load_source(store, path, {"path": path})


def load_source(store: ox.Store, path: Path, source: dict[str, Any]) -> None:
    """Load ``source`` (pyoxigraph's ``path=`` or ``input=``), the RDF file ``path``.

    A dataset format (TriG, N-Quads, JSON-LD) is parsed here and its quads moved to
    the default graph (``Store.load`` would keep the named graphs, which queries do
    not see); ``extend`` is atomic, like ``load``.
    """
    fmt, base = rdf_format(path), path.resolve().as_uri()
    if fmt in DATASETS:
        quads = ox.parse(**source, format=fmt, base_iri=base, rename_blank_nodes=True)
        store.extend(in_default_graph(quads))
    else:
        # load, not bulk_load: measured on 1M triples, bulk_load's parallel parsing
        # peaks at 650 MB against 410 MB, and is no faster on an in-memory store.
        store.load(**source, format=fmt, base_iri=base)


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
