"""The knowledge graph as RDF files: Turtle, N-Triples, JSON-LD and RDF/XML (``.owl``).

The formats form a registry so that ``mndkg build`` writes each and the tests
round-trip each.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef

from mndkg.paths import context

#: file name -> rdflib serializer name
RDF_FILES: dict[str, str] = {
    "mndkg.ttl": "turtle",
    "mndkg.nt": "nt",
    "mndkg.jsonld": "json-ld",
    "mndkg.owl": "xml",
}


def serialize(graph: Graph, fmt: str) -> str:
    """Return ``graph`` in one rdflib format; JSON-LD is compacted with the curated context."""
    if fmt == "json-ld":
        return graph.serialize(format="json-ld", context=context(), auto_compact=True)
    return graph.serialize(format=fmt)


def write_all(
    graph: Graph, folder: Path, stem: str = "mndkg", formats: dict[str, str] | None = None
) -> list[Path]:
    """Write ``graph`` as ``stem`` in every format (or the given ones); return the paths."""
    written = []
    for name, fmt in (formats or RDF_FILES).items():
        path = folder / name.replace("mndkg", stem, 1)
        path.write_text(serialize(graph, fmt), encoding="utf-8")
        written.append(path)
    return written


def base(graph: Graph) -> Graph:
    """Return our own axioms only: without the annotations of imported terms (RO, BFO)."""
    from mndkg.loader import new_graph
    from mndkg.paths import BASE

    out = new_graph()
    for triple in graph:
        subject = triple[0]
        if not isinstance(subject, URIRef) or str(subject).startswith(BASE):
            out.add(triple)
    return out
