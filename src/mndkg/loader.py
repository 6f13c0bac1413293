"""Read the knowledge graph and any extra RDF files, safely and with good errors.

Parsing goes through pyoxigraph's parsers, which report the line and column of
a syntax error (rdflib's Turtle parser often does not) and never fetch anything
from the network; the triples are then handed to an rdflib ``Graph`` for the
code that walks triples in Python (pySHACL, networkx).

An ill-typed literal (``"x"^^xsd:integer``) is refused with its file and line:
rdflib would otherwise log a traceback for it at every turn and carry on.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from mndkg.errors import InputError
from mndkg.files import (  # noqa: F401 (re-exported: the loaders of both worlds in one place)
    FORMATS,
    XSD_STRING,
    check_readable,
    load_store,
    locate,
    parse_quads,
    rdf_format,
    syntax_error,
)
from mndkg.paths import context, knowledge_files

XSD_NS = "http://www.w3.org/2001/XMLSchema#"


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


@contextmanager
def quiet_rdflib() -> Iterator[None]:
    """Silence rdflib's complaints about literals (a logged traceback, a ``UserWarning``).

    The loader checks every literal itself and reports a bad one as one line.
    """
    logger = logging.getLogger("rdflib.term")
    disabled, logger.disabled = logger.disabled, True
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.disabled = disabled


def is_ill_typed(term: Node) -> bool:
    """Tell whether an XML Schema literal's lexical form does not fit its datatype.

    Only XML Schema datatypes: rdflib's checks of ``rdf:XMLLiteral`` and ``rdf:HTML``
    reparse the markup and refuse well-formed values.
    """
    return (
        isinstance(term, Literal) and str(term.datatype).startswith(XSD_NS) and bool(term.ill_typed)
    )


def ill_typed(quad: ox.Quad, path: Path) -> InputError:
    """Return the error for a quad whose literal does not fit its datatype, at its line."""
    from mndkg.paths import compress

    literal = quad.object
    assert isinstance(literal, ox.Literal)
    datatype = literal.datatype.value
    shown = compress(datatype) or f"<{datatype}>"
    line, column = locate(path, literal.value)
    return InputError(
        f'ill-typed literal "{literal.value}" is not a valid {shown} '
        f"(the object of {quad.subject} {quad.predicate})",
        path,
        line,
        column,
    )


def add_file(graph: Graph, path: Path, scope: str) -> None:
    """Parse one file into ``graph`` (all of it, or nothing on a syntax error)."""
    triples = []
    try:
        with quiet_rdflib():
            for quad in parse_quads(path):
                triple = (
                    to_rdflib(quad.subject, scope),
                    URIRef(quad.predicate.value),
                    to_rdflib(quad.object, scope),
                )
                if is_ill_typed(triple[2]):
                    raise ill_typed(quad, path)
                triples.append(triple)
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
