"""The knowledge graph as RDF files: Turtle, N-Triples, JSON-LD and RDF/XML (``.owl``).

The formats form a registry so that ``mndkg build`` writes each and the tests
round-trip each. Turtle, N-Triples and RDF/XML are written by pyoxigraph, which
does in milliseconds what rdflib's serializers do in about a third of a second
per file; the triples are first given canonical blank node labels (W3C RDFC-1.0)
and sorted, so that two builds of the same graph write the same bytes and a
release diff shows only what changed. JSON-LD stays with rdflib, whose compaction
against the curated context pyoxigraph does not offer.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from mndkg.paths import context

#: file name -> format name
RDF_FILES: dict[str, str] = {
    "mndkg.ttl": "turtle",
    "mndkg.nt": "nt",
    "mndkg.jsonld": "json-ld",
    "mndkg.owl": "xml",
}
#: the formats pyoxigraph writes
OX_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "xml": ox.RdfFormat.RDF_XML,
}
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def sort_key(triple: ox.Triple) -> tuple[bool, str, bool, str, str]:
    """Order triples by subject (IRIs before blank nodes), ``rdf:type`` first, then the rest."""
    predicate = triple.predicate.value
    return (
        isinstance(triple.subject, ox.BlankNode),
        triple.subject.value,
        predicate != RDF_TYPE,
        predicate,
        str(triple.object),
    )


def canonical_triples(graph: Graph | Iterable[ox.Triple]) -> list[ox.Triple]:
    """Return the triples with RDFC-1.0 blank node labels, in a stable order."""
    from mndkg.store import to_quads

    if isinstance(graph, Graph):
        dataset = ox.Dataset(to_quads(graph))
    else:
        dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in graph)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted((ox.Triple(q.subject, q.predicate, q.object) for q in dataset), key=sort_key)


def prefixes() -> dict[str, str]:
    """Return the curated prefix map, for the Turtle and RDF/XML writers."""
    return {k: v for k, v in context().items() if isinstance(v, str)}


def serialize(graph: Graph, fmt: str, triples: list[ox.Triple] | None = None) -> str:
    """Return ``graph`` in one format; ``triples`` is its canonical form when already made."""
    if fmt == "json-ld":
        return as_jsonld(triples if triples is not None else canonical_triples(graph))
    if fmt not in OX_FORMATS:
        msg = f"unknown RDF format {fmt!r}; expected one of json-ld, {', '.join(OX_FORMATS)}"
        raise ValueError(msg)
    data = triples if triples is not None else canonical_triples(graph)
    written = ox.serialize(
        data, format=OX_FORMATS[fmt], prefixes=None if fmt == "nt" else prefixes()
    )
    return written.decode("utf-8") if written else ""


def as_jsonld(canonical: list[ox.Triple]) -> str:
    """Return compacted JSON-LD (rdflib's writer, our prefix map), the same for the same graph.

    rdflib lists the nodes in hash order and names blank nodes at random, both of
    which change from one run to the next; so the graph it writes is rebuilt from
    the canonical triples (RDFC-1.0 labels, sorted), and the nodes are sorted by id.
    """
    import json

    from rdflib import Graph

    from mndkg.store import to_rdflib

    graph = Graph()
    for triple in canonical:
        graph.add(
            (to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object))
        )
    doc = json.loads(graph.serialize(format="json-ld", context=context(), auto_compact=True))
    if isinstance(doc.get("@graph"), list):
        doc["@graph"].sort(
            key=lambda node: (str(node.get("@id", "")), json.dumps(node, sort_keys=True))
        )
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def write_all(
    graph: Graph,
    folder: Path,
    stem: str = "mndkg",
    formats: dict[str, str] | None = None,
    triples: Iterable[ox.Triple] | None = None,
) -> list[Path]:
    """Write ``graph`` as ``stem`` in every format (or the given ones); return the paths.

    ``triples`` are the graph's triples already in pyoxigraph (the build has them);
    they are written instead of ``graph`` by the formats pyoxigraph writes.
    """
    canonical = canonical_triples(graph if triples is None else triples)
    written = []
    for name, fmt in (formats or RDF_FILES).items():
        path = folder / name.replace("mndkg", stem, 1)
        path.write_text(serialize(graph, fmt, canonical), encoding="utf-8")
        written.append(path)
    return written


def is_own(triple: ox.Triple) -> bool:
    """Tell whether a triple is one of our own axioms, not an annotation of an imported term.

    The base release keeps these only (the OBO convention for a ``-base`` file):
    triples about mndkg terms, and the blank nodes (axioms) that hang off them.
    """
    from mndkg.paths import BASE

    subject = triple.subject
    return not isinstance(subject, ox.NamedNode) or subject.value.startswith(BASE)
