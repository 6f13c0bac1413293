"""The graph as KGX TSV (``nodes.tsv``, ``edges.tsv``) with Biolink categories and predicates.

Nodes carry the Biolink category of their kind (``mnd:biolinkCategory``); edges
the Biolink predicate their relation is aligned to in ``ontology/alignments.ttl``
(the nearest ``rdfs:subPropertyOf`` or ``skos:closeMatch`` in the biolink
namespace, else ``biolink:related_to``), and their sources in the provenance
columns: ``primary_knowledge_source`` and ``publications`` (PMIDs and DOIs).
"""

from __future__ import annotations

import csv
from pathlib import Path

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


def edge_rows(graph: Graph, net: nx.MultiDiGraph) -> list[list[str]]:
    """Return one KGX edge row per fact (hierarchy edges as biolink:subclass_of)."""
    rows = []
    for number, (subject, target, data) in enumerate(
        sorted(net.edges(data=True), key=lambda e: (e[0], e[2]["predicate"], e[1]))
    ):
        if data["hierarchy"]:
            predicate = "biolink:subclass_of"
        else:
            predicate = predicate_of(graph, URIRef(BASE + data["relation"]))
        rows.append(
            [
                f"mndkg:e{number}",
                subject,
                predicate,
                target,
                data["predicate"],
                "biolink:Association",
                "knowledge_assertion",
                "manual_agent",
                INFORES,
                publications(net, data["sources"]),
                INFORES,
            ]
        )
    return rows


def write(graph: Graph, folder: Path) -> list[Path]:
    """Write ``nodes.tsv`` and ``edges.tsv`` into ``folder``; return their paths."""
    from mndkg.network import build_network

    net = build_network(graph)
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
