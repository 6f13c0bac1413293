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

from collections.abc import Callable, Iterable
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
#: The graph names that keep the asserted and inferred triples apart while they are
#: canonicalized together; they never reach a file.
ASSERTED = ox.NamedNode("urn:mndkg:asserted")
INFERRED = ox.NamedNode("urn:mndkg:inferred")


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


XSD = "http://www.w3.org/2001/XMLSchema#"
#: JSON-LD 1.1 expands ``p:x`` with a prefix only when its IRI ends in one of these
#: (``MONDO`` = ``.../MONDO_`` does not), so compaction may use only such prefixes.
GEN_DELIMS = (":", "/", "?", "#", "[", "]", "@")
#: Literals JSON writes natively (JSON-LD's ``useNativeTypes``), when their lexical form is
#: the canonical one, so that reading the file back gives the same literal.
NATIVE: dict[str, Callable[[str], object]] = {
    XSD + "integer": lambda text: (
        int(text) if text.lstrip("-").isdigit() and str(int(text)) == text else None
    ),
    XSD + "boolean": lambda text: {"true": True, "false": False}.get(text),
}


def as_jsonld(canonical: list[ox.Triple]) -> str:
    """Return compacted JSON-LD under our prefix map, the same bytes for the same graph.

    One node object per subject, in ``@id`` order, properties in key order, a single
    value unwrapped from its array, CURIEs only where JSON-LD 1.1 expands them
    (``obo:IAO_0000115``, not ``IAO:0000115``): the form rdflib's writer gives with
    ``auto_compact``. It is written here in one pass over the canonical triples
    (RDFC-1.0 labels, sorted), because rebuilding an rdflib graph for its writer
    took 12.6 s of a 3,000-gene build, a third of it; ``test_build`` reads the
    file back with rdflib's JSON-LD parser and compares the graphs.
    """
    import json

    from mndkg.curie import compressor

    compact = compressor(
        {name: iri for name, iri in prefixes().items() if iri.endswith(GEN_DELIMS)}
    )
    nodes: dict[str, dict[str, list[object]]] = {}
    for triple in canonical:
        node = nodes.setdefault(node_id(triple.subject, compact), {})
        obj, predicate = triple.object, triple.predicate.value
        if predicate == RDF_TYPE and not isinstance(obj, ox.Literal):
            node.setdefault("@type", []).append(node_id(obj, compact))
        else:
            key = compact(predicate) or predicate
            node.setdefault(key, []).append(value_object(obj, compact))
    graph = [
        {"@id": ident, **{key: one_or_many(node[key]) for key in sorted(node)}}
        for ident, node in sorted(nodes.items())
    ]
    context_map = dict(sorted(prefixes().items()))
    doc = {"@context": context_map, "@graph": graph}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def node_id(term: object, compact: Callable[[str], str | None]) -> str:
    """Return the ``@id`` of a node: a CURIE where a prefix fits, else the IRI or ``_:label``."""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode):
        return compact(term.value) or term.value
    msg = f"a JSON-LD node cannot be {term!r}"
    raise ValueError(msg)


def value_object(term: object, compact: Callable[[str], str | None]) -> object:
    """Return the JSON-LD value of an object term, as compaction writes it."""
    if not isinstance(term, ox.Literal):
        return {"@id": node_id(term, compact)}
    if term.language:
        return {"@language": term.language, "@value": term.value}
    datatype = term.datatype.value
    if datatype == XSD + "string":
        return term.value
    native = NATIVE.get(datatype)
    if native is not None and (found := native(term.value)) is not None:
        return found
    return {"@type": compact(datatype) or datatype, "@value": term.value}


def one_or_many(values: list[object]) -> object:
    """Return a lone value as itself and several as an array (JSON-LD's ``compactArrays``)."""
    return values[0] if len(values) == 1 else values


def write_all(
    graph: Graph,
    folder: Path,
    stem: str = "mndkg",
    formats: dict[str, str] | None = None,
    canonical: list[ox.Triple] | None = None,
) -> list[Path]:
    """Write ``graph`` as ``stem`` in every format (or the given ones); return the paths.

    ``canonical`` is the graph's triples already in canonical form (the build has
    them, from ``canonical_release``); without it they are made here.
    """
    triples = canonical if canonical is not None else canonical_triples(graph)
    written = []
    for name, fmt in (formats or RDF_FILES).items():
        path = folder / name.replace("mndkg", stem, 1)
        path.write_text(serialize(graph, fmt, triples), encoding="utf-8")
        written.append(path)
    return written


def canonical_release(
    asserted: Iterable[ox.Triple], inferred: Iterable[ox.Triple]
) -> tuple[list[ox.Triple], list[ox.Triple]]:
    """Return the asserted and the inferred triples with one RDFC-1.0 labelling, each sorted.

    The two go into one dataset as two named graphs, so one canonicalization
    serves every release variant (the graph, its base, its inferences, the full
    release), where one per variant took four passes; a blank node gets the same
    label in every file it appears in.
    """
    dataset = ox.Dataset(
        [ox.Quad(t.subject, t.predicate, t.object, ASSERTED) for t in asserted]
        + [ox.Quad(t.subject, t.predicate, t.object, INFERRED) for t in inferred]
    )
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    parts: dict[ox.NamedNode, list[ox.Triple]] = {ASSERTED: [], INFERRED: []}
    for quad in dataset:
        parts[quad.graph_name].append(ox.Triple(quad.subject, quad.predicate, quad.object))
    return sorted(parts[ASSERTED], key=sort_key), sorted(parts[INFERRED], key=sort_key)


def is_own(triple: ox.Triple) -> bool:
    """Tell whether a triple is one of our own axioms, not an annotation of an imported term.

    The base release keeps these only (the OBO convention for a ``-base`` file):
    triples about mndkg terms, and the blank nodes (axioms) that hang off them.
    """
    from mndkg.paths import BASE

    subject = triple.subject
    return not isinstance(subject, ox.NamedNode) or subject.value.startswith(BASE)
