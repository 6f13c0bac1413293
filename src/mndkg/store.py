"""The embedded SPARQL store (pyoxigraph).

Queries go to pyoxigraph, whose engine is tens of times faster than rdflib's;
the shipped graph is loaded straight from its Turtle files, so the query path
never imports rdflib.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from mndkg.files import load_into

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node


@cache
def shipped_store() -> ox.Store:
    """Return the shipped knowledge graph in an in-memory store, loaded once per process.

    It comes from the prepared store in the user's cache (``mndkg.prepared``) when
    that is current, else from the Turtle files (and the cache is then refreshed).
    """
    from mndkg.prepared import prepared_store

    return prepared_store()


def open_store(extra: Sequence[Path | str] = ()) -> ox.Store:
    """Return a store with the shipped graph merged with ``extra`` files (a fresh one if any)."""
    if not extra:
        return shipped_store()
    from mndkg.prepared import prepared_store

    store = prepared_store()
    load_into(store, [Path(p) for p in extra])
    return store


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Return the pyoxigraph term for an rdflib term, keeping blank node labels.

    Keeping the labels is what lets a query answered by pyoxigraph name the very
    blank nodes of the rdflib graph (an ``owl:Axiom``, say) that pySHACL reports on.
    """
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    msg = f"cannot store {type(term).__name__} {term!r} in pyoxigraph"
    raise TypeError(msg)


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """Return the rdflib term for a pyoxigraph term (the inverse of ``to_oxigraph``)."""
    from rdflib import XSD, BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    msg = f"cannot convert {type(term).__name__} {term!r} to rdflib"
    raise TypeError(msg)


def to_quads(graph: Graph) -> list[ox.Quad]:
    """Return an rdflib graph's triples as pyoxigraph quads, keeping blank node labels.

    The terms keep their lexical forms; a pyoxigraph ``Store`` then keeps values
    only (``"2.0"^^xsd:decimal`` reads back as ``"2"``, ``xsd:positiveInteger`` as
    ``xsd:integer``), so files are written from these quads, not from a store.
    """
    return [
        ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
        for s, p, o in graph
    ]


def store_from_graph(graph: Graph) -> ox.Store:
    """Copy an rdflib graph into a new pyoxigraph store, term by term, keeping blank nodes."""
    store = ox.Store()
    store.extend(to_quads(graph))
    return store
