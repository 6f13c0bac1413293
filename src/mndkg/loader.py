"""Read the knowledge graph and any extra RDF files, safely and with good errors.

Parsing goes through pyoxigraph's parsers, which report the line and column of
a syntax error (rdflib's Turtle parser often does not) and never fetch anything
from the network; the triples are then handed to an rdflib ``Graph`` for the
code that walks triples in Python (pySHACL, networkx).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from mndkg.errors import InputError
from mndkg.paths import context, knowledge_files

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


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal, scope: str) -> Node:
    """Convert a pyoxigraph term to rdflib, scoping blank nodes per file so files never merge."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(f"{scope}{term.value}")
    if not isinstance(term, ox.Literal):
        raise TypeError("RDF-star quoted triples are not supported")
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:  # RDF 1.1 simple literal: rdflib keeps it untyped
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def add_file(graph: Graph, path: Path, scope: str) -> None:
    """Parse one file into ``graph`` (all of it, or nothing on a syntax error)."""
    try:
        triples = [
            (to_rdflib(q.subject, scope), URIRef(q.predicate.value), to_rdflib(q.object, scope))
            for q in parse_quads(path)
        ]
    except TypeError as err:
        raise InputError(str(err), path) from err
    for triple in triples:
        graph.add(triple)  # type: ignore[arg-type]


def new_graph() -> Graph:
    """Return an empty rdflib graph that knows the curated prefixes."""
    graph = Graph(bind_namespaces="core")
    for prefix, iri in context().items():
        graph.bind(prefix, iri, override=True)
    return graph


def load_graph(extra: Sequence[Path | str] = (), *, base: bool = True) -> Graph:
    """Load the shipped ontology and graph (unless ``base`` is false) merged with ``extra``."""
    files: list[Path] = list(knowledge_files()) if base else []
    files += [Path(p) for p in extra]
    return load_files(files)


def load_files(files: Iterable[Path | str]) -> Graph:
    """Load the given RDF files into one new rdflib graph."""
    graph = new_graph()
    for index, path in enumerate(files):
        add_file(graph, Path(path), scope=f"f{index}x")
    return graph


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
