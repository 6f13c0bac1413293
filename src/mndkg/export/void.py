"""A VoID description of a release: what it holds, under which licence, and how to query it.

The counts come from the CONSTRUCT queries in ``queries/void/``; this module adds
the dataset header (title, licence, version, data dump, example resources).
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from mndkg.paths import BASE
from mndkg.queries import index, run

VOID = Namespace("http://rdfs.org/ns/void#")
DATASET = URIRef(BASE + "void#dataset")
EXAMPLES = ("AmyotrophicLateralSclerosis", "UpperMotorNeuron", "SMN1", "Riluzole")


def describe(store: ox.Store, version: str, dumps: list[str]) -> Graph:
    """Return the VoID graph of the data in ``store`` for release ``version``."""
    graph = Graph()
    graph.bind("void", VOID)
    graph.bind("dcterms", DCTERMS)
    graph.bind("mnd", BASE)
    for query in (q for q in index().values() if q.group == "void"):
        for triple in run(store, query.text, query.name).triples:
            graph.parse(data=ox.serialize([triple], format=ox.RdfFormat.N_TRIPLES), format="nt")
    graph.add((DATASET, RDF.type, VOID.Dataset))
    graph.add(
        (
            DATASET,
            DCTERMS.title,
            Literal("mndkg: the motor neuron disease knowledge graph", lang="en"),
        )
    )
    graph.add((DATASET, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    graph.add((DATASET, URIRef("http://www.w3.org/2002/07/owl#versionInfo"), Literal(version)))
    graph.add((DATASET, VOID.uriSpace, Literal(BASE)))
    graph.add((DATASET, VOID.vocabulary, URIRef(BASE)))
    for name in dumps:
        graph.add((DATASET, VOID.dataDump, URIRef(f"{BASE}releases/{version}/{name}")))
    for local in EXAMPLES:
        graph.add((DATASET, VOID.exampleResource, URIRef(BASE + local)))
    return graph
