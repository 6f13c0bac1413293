"""The graph as GraphML, for Gephi and Cytoscape users.

GraphML holds scalar attributes only, so lists (synonyms, cross-references,
sources) are joined with '|'.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
from rdflib import Graph


def flat(data: dict[str, object]) -> dict[str, str | bool]:
    """Return attributes GraphML can hold: lists joined with '|', everything else as text."""
    out: dict[str, str | bool] = {}
    for key, value in data.items():
        if isinstance(value, bool):
            out[key] = value
        elif isinstance(value, list | tuple | set):
            out[key] = "|".join(str(v) for v in value)
        else:
            out[key] = "" if value is None else str(value)
    return out


def to_graphml_graph(graph: Graph, net: nx.MultiDiGraph | None = None) -> nx.MultiDiGraph:
    """Return the entity network (``net`` when already built) with GraphML-safe attributes."""
    from mndkg.network import build_network

    net = net if net is not None else build_network(graph)
    out = nx.MultiDiGraph(name="mndkg")
    for node, data in net.nodes(data=True):
        out.add_node(node, **flat(data))
    for subject, target, key, data in net.edges(keys=True, data=True):
        out.add_edge(subject, target, key=key, **flat(data))
    return out


def write(graph: Graph, path: Path, net: nx.MultiDiGraph | None = None) -> Path:
    """Write the GraphML file and return its path; ``net`` is the graph's network if built."""
    nx.write_graphml(to_graphml_graph(graph, net), path)
    return path
