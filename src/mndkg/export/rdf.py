"""The knowledge graph as RDF files: Turtle, N-Triples, JSON-LD and RDF/XML (``.owl``).

The formats form a registry so that ``mndkg build`` writes each and the tests
round-trip each.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from mndkg.paths import context

#: file name -> rdflib serializer name
RDF_FILES: dict[str, str] = {
    "mndkg.ttl": "turtle",
    "mndkg.nt": "nt",
    "mndkg.jsonld": "json-ld",
    "mndkg.owl": "pretty-xml",
}


def serialize(graph: Graph, fmt: str) -> str:
    """Return ``graph`` in one rdflib format; JSON-LD is compacted with the curated context."""
    if fmt == "json-ld":
        return graph.serialize(format="json-ld", context=context(), auto_compact=True)
    return graph.serialize(format=fmt)


def write_all(graph: Graph, folder: Path) -> list[Path]:
    """Write the graph in every RDF format into ``folder``; return the paths written."""
    written = []
    for name, fmt in RDF_FILES.items():
        path = folder / name
        path.write_text(serialize(graph, fmt), encoding="utf-8")
        written.append(path)
    return written
