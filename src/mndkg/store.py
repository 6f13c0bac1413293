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

from mndkg.files import load_store

if TYPE_CHECKING:
    from rdflib import Graph


@cache
def shipped_store() -> ox.Store:
    """Return the shipped knowledge graph in an in-memory store, loaded once per process."""
    return load_store()


def open_store(extra: Sequence[Path | str] = ()) -> ox.Store:
    """Return a store with the shipped graph merged with ``extra`` files (a fresh one if any)."""
    return load_store(extra) if extra else shipped_store()


def store_from_graph(graph: Graph) -> ox.Store:
    """Copy an rdflib graph into a new pyoxigraph store (for checks on the derived graph)."""
    store = ox.Store()
    data = graph.serialize(format="nt", encoding="utf-8")
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    return store
