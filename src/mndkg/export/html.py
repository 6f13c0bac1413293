"""The knowledge graph as one self-contained, interactive HTML page a teacher can project.

The page must work in a classroom with no network, so vis-network's script and
style (shipped inside the installed pyvis package) are inlined and nothing is
fetched. Pyvis itself is not used to build the page: its ``add_node`` is
quadratic, its template loads Bootstrap from a CDN and it renders graph text as
HTML. Instead the nodes and edges go into the page as one JSON block, escaped so
that no label can close the script, and our own script builds every element of
the page with ``textContent``: a label is always text, never markup.

Layout: small graphs start from a networkx spring layout and let the browser's
physics tidy it for a bounded number of steps, then physics stops; large graphs
get a radial tree layout computed here in linear time, with physics off.
"""

from __future__ import annotations

import html
import importlib.util
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from mndkg.network import build_network, catalogue, filter_network, focus_subgraph

if TYPE_CHECKING:
    from rdflib import Graph

ASSETS = Path(__file__).with_name("html_assets")
VIS_FOLDER = "templates/lib/vis-9.1.2"
#: Above this many nodes the page starts from a radial layout with physics off (and
#: networkx would need scipy for its spring layout from 500 nodes on).
PHYSICS_LIMIT = 450
#: Physics steps the browser may take before it stops (small graphs only).
PHYSICS_STEPS = 250
#: One entry per kind: fill colour and vis-network shape (colour-blind safe where possible).
KIND_STYLE: dict[str, tuple[str, str]] = {
    "Disease": ("#D55E00", "dot"),
    "NeuronType": ("#0072B2", "triangle"),
    "Gene": ("#009E73", "square"),
    "Chromosome": ("#8FD18F", "hexagon"),
    "AnatomicalEntity": ("#56B4E9", "triangleDown"),
    "Symptom": ("#E69F00", "diamond"),
    "Treatment": ("#CC79A7", "star"),
    "Drug": ("#CC79A7", "star"),
    "Therapy": ("#9E6BD6", "hexagon"),
    "DiagnosticTest": ("#8C564B", "square"),
    "InheritancePattern": ("#17BECF", "triangle"),
    "ClinicalCourse": ("#7F7F7F", "dot"),
    "OnsetAge": ("#BCBD22", "diamond"),
    "RiskFactor": ("#F0E442", "triangleDown"),
    "BiologicalSex": ("#FF9DA7", "dot"),
}
FALLBACK_COLOURS = ("#4E79A7", "#F28E2B", "#59A14F", "#B07AA1", "#9C755F", "#76B7B2")


@dataclass(frozen=True)
class Stats:
    """What a written page shows: its path, how many entities and facts, and its size."""

    path: Path | None
    nodes: int
    edges: int
    bytes: int
    focus: str | None = None


@cache
def vis_assets() -> tuple[str, str]:
    """Return vis-network's script and style, read from the installed pyvis package.

    The package is located without importing it (importing pyvis pulls in IPython).
    """
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        msg = "pyvis is not installed; it ships the vis-network files the page inlines"
        raise ModuleNotFoundError(msg)
    folder = Path(next(iter(spec.submodule_search_locations))) / VIS_FOLDER
    script = (folder / "vis-network.min.js").read_text(encoding="utf-8")
    style = (folder / "vis-network.css").read_text(encoding="utf-8")
    return script.replace("</script", "<\\/script"), style.replace("</style", "<\\/style")


def safe_json(value: object) -> str:
    """Return JSON that cannot end the ``<script>`` it sits in, nor open a comment or entity."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def spring_positions(net: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Return a seeded spring layout (deterministic), scaled to screen pixels."""
    simple = nx.Graph(net.to_undirected(as_view=True))
    scale = 110 * math.sqrt(max(len(simple), 1))
    pos = nx.spring_layout(simple, seed=7, iterations=80, scale=scale)
    return {n: (float(x), float(y)) for n, (x, y) in pos.items()}


def radial_positions(net: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Return a radial tree layout of each component (linear time), components packed in rows.

    Each node gets an angle in proportion to the leaves below it in a
    breadth-first tree from the component's best-connected node.
    """
    simple = nx.Graph(net.to_undirected(as_view=True))
    layouts = []
    for nodes in sorted(nx.connected_components(simple), key=len, reverse=True):
        sub = simple.subgraph(nodes)
        root = max(sorted(nodes), key=sub.degree)
        local = wedge_layout(nx.bfs_tree(sub, root), root)
        radius = max((math.hypot(x, y) for x, y in local.values()), default=0.0) + 150
        layouts.append((local, radius))
    return pack_rows(layouts)


def pack_rows(
    layouts: list[tuple[dict[str, tuple[float, float]], float]],
) -> dict[str, tuple[float, float]]:
    """Place round layouts (positions, radius), largest first, in rows of a near-square block."""
    width = max([2 * r for _, r in layouts] + [math.sqrt(sum((2 * r) ** 2 for _, r in layouts))])
    pos: dict[str, tuple[float, float]] = {}
    x = y = row = 0.0
    for local, radius in layouts:
        if x > 0 and x + 2 * radius > width:
            x, y, row = 0.0, y + row, 0.0
        pos.update({n: (px + x + radius, py + y + radius) for n, (px, py) in local.items()})
        x, row = x + 2 * radius, max(row, 2 * radius)
    return pos


def wedge_layout(tree: nx.DiGraph, root: str) -> dict[str, tuple[float, float]]:
    """Place a tree's nodes on rings by depth, each in a wedge as wide as its leaf count.

    The rings are spaced so that the leaves on the outer ring are about 40 px apart.
    """
    order = list(nx.topological_sort(tree))
    leaves = dict.fromkeys(tree, 1)
    for node in reversed(order):
        if tree.out_degree(node):
            leaves[node] = sum(leaves[c] for c in tree.successors(node))
    depth = nx.single_source_shortest_path_length(tree, root)
    ring = max(260.0, 40 * leaves[root] / (2 * math.pi * max(max(depth.values()), 1)))
    pos, wedges = {root: (0.0, 0.0)}, {root: (0.0, 2 * math.pi)}
    for parent in order:
        start, width = wedges[parent]
        for child in sorted(tree.successors(parent)):
            own = width * leaves[child] / leaves[parent]
            wedges[child] = (start, own)
            angle, radius = start + own / 2, depth[child] * ring
            pos[child] = (radius * math.cos(angle), radius * math.sin(angle))
            start += own
    return pos


def positions(net: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Return the starting layout: spring for small graphs, radial tree for large ones."""
    return spring_positions(net) if len(net) <= PHYSICS_LIMIT else radial_positions(net)


def kind_entries(net: nx.MultiDiGraph) -> list[dict[str, object]]:
    """Return the legend: every kind present, with its colour, shape and count, largest first."""
    cat = catalogue(net)
    counts: dict[str, int] = {}
    for _, kind in net.nodes(data="kind"):
        counts[kind] = counts.get(kind, 0) + 1
    entries = []
    for i, key in enumerate(sorted(counts, key=lambda k: (-counts[k], k))):
        colour, shape = KIND_STYLE.get(key, (FALLBACK_COLOURS[i % len(FALLBACK_COLOURS)], "dot"))
        kind = cat.kinds.get(key)
        label = kind.label if kind else key
        entries.append(
            {"key": key, "label": label, "colour": colour, "shape": shape, "count": counts[key]}
        )
    return entries


def relation_entries(net: nx.MultiDiGraph) -> list[dict[str, object]]:
    """Return every relation present with its plain label and count, the hierarchy first."""
    cat = catalogue(net)
    counts: dict[str, int] = {}
    for *_, key in net.edges(keys=True):
        counts[key] = counts.get(key, 0) + 1
    order = sorted(counts, key=lambda k: (not cat.relations[k].hierarchy, -counts[k], k))
    return [
        {
            "key": key,
            "label": cat.relations[key].label,
            "hierarchy": cat.relations[key].hierarchy,
            "count": counts[key],
        }
        for key in order
    ]


def node_entries(net: nx.MultiDiGraph) -> list[dict[str, object]]:
    """Return one record per entity: its text, its position, and a size that grows with degree."""
    pos = positions(net)
    fields = ("label", "plain_label", "kind", "definition", "synonyms", "xrefs", "iri")
    return [
        {
            "id": node,
            **{f: data.get(f) for f in fields},
            "x": round(pos[node][0], 1),
            "y": round(pos[node][1], 1),
            "size": round(min(16 + 3 * math.sqrt(net.degree(node)), 40), 1),
        }
        for node, data in sorted(net.nodes(data=True))
    ]


def edge_entries(net: nx.MultiDiGraph) -> list[dict[str, object]]:
    """Return one record per fact: its ends, its relation and the sources that state it."""
    return [
        {"id": i, "from": s, "to": o, "relation": key, "sources": data.get("sources", [])}
        for i, (s, o, key, data) in enumerate(sorted(net.edges(keys=True, data=True)))
    ]


def page_data(net: nx.MultiDiGraph, title: str) -> dict[str, object]:
    """Return everything the page script needs, as plain JSON-ready values."""
    cited = {s for *_, ids in net.edges(data="sources") for s in ids or []}
    sources = catalogue(net).sources
    return {
        "title": title,
        "focus": net.graph.get("focus"),
        "depth": net.graph.get("depth"),
        "physics": len(net) <= PHYSICS_LIMIT,
        "physicsSteps": PHYSICS_STEPS,
        "kinds": kind_entries(net),
        "relations": relation_entries(net),
        "nodes": node_entries(net),
        "edges": edge_entries(net),
        "sources": {s: sources[s] for s in sorted(cited) if s in sources},
    }


def page_title(net: nx.MultiDiGraph) -> str:
    """Return the heading: the whole graph, or the neighbourhood of the focused entity."""
    focus = net.graph.get("focus")
    if focus is None:
        return "Motor neuron diseases: knowledge graph"
    label = net.nodes[focus].get("label", focus)
    steps = net.graph.get("depth", 1)
    return f"{label}: everything within {steps} step{'s' if steps != 1 else ''}"


@cache
def asset(name: str) -> str:
    """Return one of the page's own files (template, script, style)."""
    return (ASSETS / name).read_text(encoding="utf-8")


def render_page(net: nx.MultiDiGraph, title: str | None = None) -> str:
    """Return the whole self-contained page for a network (no outside resource)."""
    title = title or page_title(net)
    vis_js, vis_css = vis_assets()
    parts = {
        "TITLE": html.escape(title),
        "VIS_CSS": vis_css,
        "APP_CSS": asset("app.css"),
        "VIS_JS": vis_js,
        "APP_JS": asset("app.js").replace("</script", "<\\/script"),
        "DATA": safe_json(page_data(net, title)),
    }
    return re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: parts[m[1]], asset("template.html"))


def select_network(
    graph: Graph,
    focus: str | None = None,
    depth: int = 1,
    kinds: Sequence[str] | None = None,
    relations: Sequence[str] | None = None,
    net: nx.MultiDiGraph | None = None,
) -> nx.MultiDiGraph:
    """Build the network, keep the kinds and relations asked for, then the focus's neighbourhood.

    ``net`` is the graph's network when the caller has built it already (the build
    shares one among the HTML, KGX and GraphML exports); it is not changed.
    """
    net = filter_network(net if net is not None else build_network(graph), kinds, relations)
    return focus_subgraph(net, focus, depth) if focus else net


def write_html(
    graph: Graph,
    out: Path,
    focus: str | None = None,
    depth: int = 1,
    kinds: Sequence[str] | None = None,
    relations: Sequence[str] | None = None,
    net: nx.MultiDiGraph | None = None,
) -> Stats:
    """Write the interactive page for the graph (or one entity's neighbourhood) to ``out``."""
    from mndkg.atomic import write_text

    net = select_network(graph, focus, depth, kinds, relations, net)
    page = render_page(net)
    write_text(out, page)
    return Stats(
        out,
        net.number_of_nodes(),
        net.number_of_edges(),
        len(page.encode()),
        net.graph.get("focus"),
    )


@dataclass(frozen=True)
class NotebookView:
    """A page shown inside Jupyter: an iframe whose ``srcdoc`` is the escaped page."""

    page: str
    height: int = 700

    def _repr_html_(self) -> str:
        """Return the iframe; the sandbox lets the page run its script and save a PNG."""
        return (
            f'<iframe srcdoc="{html.escape(self.page, quote=True)}" '
            f'style="width:100%;height:{int(self.height)}px;border:1px solid #ccc" '
            'sandbox="allow-scripts allow-downloads"></iframe>'
        )


def notebook_view(
    graph: Graph | None = None,
    focus: str | None = None,
    depth: int = 1,
    kinds: Sequence[str] | None = None,
    relations: Sequence[str] | None = None,
    height: int = 700,
) -> NotebookView:
    """Return the interactive page for display in Jupyter (the shipped graph by default)."""
    if graph is None:
        from mndkg.release import assemble

        graph = assemble()
    net = select_network(graph, focus, depth, kinds, relations)
    return NotebookView(render_page(net), height)
