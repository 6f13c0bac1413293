"""``mndkg.curie`` compresses IRIs exactly as ``curies`` does with our prefix map.

The package compresses with its own longest-namespace match, to keep ``curies``
(0.3 s to import) off the build and query paths; this test is what allows that.
"""

from __future__ import annotations

import pyoxigraph as ox

from mndkg.curie import compressor
from mndkg.paths import compress, context, converter
from mndkg.store import shipped_store


def graph_iris() -> set[str]:
    return {
        term.value
        for quad in shipped_store()
        for term in (quad.subject, quad.predicate, quad.object)
        if isinstance(term, ox.NamedNode)
    }


def test_every_iri_of_the_graph_compresses_as_curies_does() -> None:
    iris = graph_iris()
    assert len(iris) > 500
    conv = converter()
    assert [i for i in sorted(iris) if compress(i) != conv.compress(i)] == []


def test_namespaces_and_strangers_compress_as_curies_does() -> None:
    conv = converter()
    namespaces = [iri for iri in context().values() if isinstance(iri, str)]
    others = ["https://example.org/x", "", "urn:uuid:1", "http://purl.obolibrary.org/obo/"]
    for iri in namespaces + [n + "X_1" for n in namespaces] + others:
        assert compress(iri) == conv.compress(iri), iri


def test_the_longest_namespace_wins() -> None:
    compress_ = compressor(
        {"obo": "http://purl.obolibrary.org/obo/", "HP": "http://purl.obolibrary.org/obo/HP_"}
    )
    assert compress_("http://purl.obolibrary.org/obo/HP_0001") == "HP:0001"
    assert compress_("http://purl.obolibrary.org/obo/GO_1") == "obo:GO_1"
    assert compress_("https://example.org/") is None
