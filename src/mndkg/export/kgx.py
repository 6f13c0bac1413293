"""The graph as KGX TSV (``nodes.tsv``, ``edges.tsv``) with Biolink categories and predicates.

Nodes carry the Biolink category of their kind (``mnd:biolinkCategory``); edges
the Biolink predicate their relation is aligned to in ``ontology/alignments.ttl``
(the nearest ``rdfs:subPropertyOf`` or ``skos:closeMatch`` in the biolink
namespace, else ``biolink:related_to``), and their sources in the provenance
columns: ``primary_knowledge_source`` and ``publications`` (PMIDs and DOIs).

KGX keys an edge by its subject, predicate and object, so two facts that map to
the same Biolink triple (``mnd:hasEarlySymptom`` and ``mnd:hasSymptom`` both
become ``biolink:has_phenotype``) are written as one edge: its original
predicate is the most specific of their relations (by ``rdfs:subPropertyOf``)
and its publications the union of theirs.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SKOS

from mndkg.paths import BASE

BIOLINK = "https://w3id.org/biolink/vocab/"
NODE_COLUMNS = ("id", "category", "name", "description", "synonym", "xref", "iri", "provided_by")
EDGE_COLUMNS = (
    "id",
    "subject",
    "predicate",
    "object",
    "original_predicate",
    "category",
    "knowledge_level",
    "agent_type",
    "primary_knowledge_source",
    "publications",
    "provided_by",
)
INFORES = "infores:mndkg"


def biolink(node: object) -> str:
    """Return a Biolink IRI as a ``biolink:`` CURIE."""
    return "biolink:" + str(node).removeprefix(BIOLINK)


def predicate_of(graph: Graph, relation: URIRef) -> str:
    """Return the Biolink predicate of a relation, walking up its super-relations."""
    for prop in [relation, *graph.transitive_objects(relation, RDFS.subPropertyOf)]:
        for link in (RDFS.subPropertyOf, SKOS.closeMatch):
            for target in graph.objects(prop, link):
                if str(target).startswith(BIOLINK):
                    return biolink(target)
    return "biolink:related_to"


def node_rows(graph: Graph, net: nx.MultiDiGraph) -> list[list[str]]:
    """Return one KGX node row per entity."""
    rows = []
    for node, data in sorted(net.nodes(data=True)):
        category = graph.value(URIRef(BASE + data["kind"]), URIRef(BASE + "biolinkCategory"))
        rows.append(
            [
                node,
                biolink(category),
                data["label"],
                data["definition"],
                "|".join(data["synonyms"]),
                "|".join(data["xrefs"]),
                data["iri"],
                INFORES,
            ]
        )
    return rows


def publications(net: nx.MultiDiGraph, sources: list[str]) -> str:
    """Return the PMIDs and DOIs of the sources of one edge, '|'-separated."""
    records = net.graph["catalogue"].sources
    found = [records.get(s, {}).get("identifier", "") for s in sources]
    return "|".join(sorted({p for p in found if p.startswith(("PMID:", "DOI:"))}))


def narrower(graph: Graph, relation: str, other: str) -> bool:
    """Return whether one relation is a strict sub-property (at any depth) of another."""
    if relation == other:
        return False
    supers = graph.transitive_objects(URIRef(BASE + relation), RDFS.subPropertyOf)
    return URIRef(BASE + other) in set(supers)


def most_specific(graph: Graph, facts: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the fact whose relation no other fact's relation narrows.

    Among relations that do not narrow one another, the one with the first
    predicate CURIE is kept, so the choice is the same on every build.
    """
    relations = {f["relation"] for f in facts}
    kept = [f for f in facts if not any(narrower(graph, r, f["relation"]) for r in relations)]
    return min(kept, key=lambda f: f["predicate"])


def edge_rows(graph: Graph, net: nx.MultiDiGraph) -> list[list[str]]:
    """Return one KGX edge row per Biolink triple (hierarchy edges as biolink:subclass_of).

    Facts sharing a subject, Biolink predicate and object become one row (see the
    module docstring); rows are numbered in (subject, original predicate, object)
    order, so edge ids are the same on every build of the same graph.
    """
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for subject, target, data in net.edges(data=True):
        if data["hierarchy"]:
            predicate = "biolink:subclass_of"
        else:
            predicate = predicate_of(graph, URIRef(BASE + data["relation"]))
        groups[(subject, predicate, target)].append(data)
    merged = []
    for (subject, predicate, target), facts in groups.items():
        original = most_specific(graph, facts)["predicate"]
        sources = sorted({s for f in facts for s in f["sources"]})
        merged.append((subject, original, target, predicate, sources))
    rows = []
    for number, (subject, original, target, predicate, sources) in enumerate(sorted(merged)):
        rows.append(
            [
                f"mndkg:e{number}",
                subject,
                predicate,
                target,
                original,
                "biolink:Association",
                "knowledge_assertion",
                "manual_agent",
                INFORES,
                publications(net, sources),
                INFORES,
            ]
        )
    return rows


def write(graph: Graph, folder: Path, net: nx.MultiDiGraph | None = None) -> list[Path]:
    """Write ``nodes.tsv`` and ``edges.tsv`` into ``folder``; return their paths.

    ``net`` is the graph's network when the caller has built it already.
    """
    from mndkg.network import build_network

    net = net if net is not None else build_network(graph)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, columns, rows in (
        ("nodes.tsv", NODE_COLUMNS, node_rows(graph, net)),
        ("edges.tsv", EDGE_COLUMNS, edge_rows(graph, net)),
    ):
        path = folder / name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(rows)
        written.append(path)
    return written
