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


def ill_typed(triple: tuple[Node, URIRef, Node], path: Path) -> InputError:
    """Return the error for a triple whose literal does not fit its datatype, at its line."""
    from mndkg.paths import compress

    subject, predicate, literal = triple
    assert isinstance(literal, Literal)
    datatype = str(literal.datatype)
    shown = compress(datatype) or f"<{datatype}>"
    line, column = locate(path, str(literal))
    return InputError(
        f'ill-typed literal "{literal}" is not a valid {shown} '
        f"(the object of {subject.n3()} {predicate.n3()})",
        path,
        line,
        column,
    )


def add_file(graph: Graph, path: Path, scope: str) -> None:
    """Parse one file into ``graph`` (all of it, or nothing on a syntax error)."""
    try:
        with quiet_rdflib():
            triples = [
                (to_rdflib(q.subject, scope), URIRef(q.predicate.value), to_rdflib(q.object, scope))
                for q in parse_quads(path)
            ]
    except TypeError as err:
        raise InputError(str(err), path) from err
    for triple in triples:
        if isinstance(triple[2], Literal) and triple[2].ill_typed:
            raise ill_typed(triple, path)
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
