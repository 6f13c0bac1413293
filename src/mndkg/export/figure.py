"""A static picture of the core of the graph (diseases, neuron types, genes) for slides.

The interactive page is for exploring; a slide or the README needs one still
image that reads at a glance. Only the three kinds that carry the story are
drawn, with the same colours and plain-language names as the page, in PNG (for
slides) and SVG (for print and the web). matplotlib is imported here only, so
the rest of mndkg does not need it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from mndkg.export.html import KIND_STYLE
from mndkg.network import build_network, catalogue, filter_network

if TYPE_CHECKING:
    from rdflib import Graph

#: The kinds the figure shows, in legend order.
CORE_KINDS = ("Disease", "NeuronType", "Gene")
#: matplotlib markers for the page's vis-network shapes.
MARKERS = {"dot": "o", "triangle": "^", "square": "s", "diamond": "D", "star": "*"}


@dataclass(frozen=True)
class FigureStats:
    """What the figure shows: how many entities and facts."""

    nodes: int
    edges: int


def core_network(graph: Graph) -> nx.MultiDiGraph:
    """Return the diseases, neuron types and genes with the facts between them."""
    net = filter_network(build_network(graph), kinds=list(CORE_KINDS))
    net.remove_nodes_from([n for n in list(net) if net.degree(n) == 0])
    return net


def layout(net: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """Return a seeded (reproducible) spring layout with room for labels."""
    simple = nx.Graph(net.to_undirected(as_view=True))
    pos = nx.spring_layout(simple, seed=11, k=5.0 / max(len(simple), 1) ** 0.5, iterations=500)
    return {n: (float(x), float(y)) for n, (x, y) in pos.items()}


def pyplot() -> Any:
    """Return matplotlib's pyplot on the file-only Agg backend (no display needed)."""
    import matplotlib as mpl

    mpl.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def draw(net: nx.MultiDiGraph, pos: dict[str, tuple[float, float]]) -> Any:
    """Draw the network on a new matplotlib figure and return the figure."""
    fig, ax = pyplot().subplots(figsize=(16, 11), dpi=120)
    hierarchy = [(s, o) for s, o, k in net.edges(keys=True) if k == "subClassOf"]
    facts = [(s, o) for s, o, k in net.edges(keys=True) if k != "subClassOf"]
    simple = nx.DiGraph(net)
    nx.draw_networkx_edges(simple, pos, edgelist=facts, ax=ax, edge_color="#8a8a8a", width=1.4)
    nx.draw_networkx_edges(
        simple, pos, edgelist=hierarchy, ax=ax, edge_color="#222", width=2.4, style="dashed"
    )
    draw_nodes(net, pos, ax)
    draw_labels(net, pos, ax)
    ax.plot([], [], color="#222", lw=2.4, ls="--", label="is a kind of")
    ax.plot([], [], color="#8a8a8a", lw=1.4, label="clinical fact")
    ax.legend(loc="best", fontsize=13, frameon=True, markerscale=0.8)
    ax.set_title("Motor neuron diseases: diseases, neuron types and genes", fontsize=18)
    ax.axis("off")
    fig.tight_layout()
    return fig


def draw_labels(net: nx.MultiDiGraph, pos: dict[str, tuple[float, float]], ax: Any) -> None:
    """Write each name just below its node, on a white box so crossing edges don't hide it."""
    box = {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8}
    for node, data in net.nodes(data=True):
        x, y = pos[node]
        name = data["label"] if data["kind"] == "Gene" else data.get("plain_label") or data["label"]
        ax.annotate(
            name, (x, y), xytext=(0, -16), textcoords="offset points", ha="center", va="top",
            fontsize=12, bbox=box,
        )  # fmt: skip


def draw_nodes(net: nx.MultiDiGraph, pos: dict[str, tuple[float, float]], ax: Any) -> None:
    """Draw each kind in its page colour and shape, with one legend entry per kind."""
    kinds = catalogue(net).kinds
    for key in CORE_KINDS:
        members = [n for n, k in net.nodes(data="kind") if k == key]
        if not members:
            continue
        colour, shape = KIND_STYLE[key]
        label = kinds[key].label if key in kinds else key
        sizes = [300 + 60 * net.degree(n) for n in members]
        marker = MARKERS.get(shape, "o")
        nx.draw_networkx_nodes(
            net, pos, members, node_size=sizes, node_color=colour, node_shape=marker,
            edgecolors="#222", label=label, ax=ax,
        )  # fmt: skip


def metadata(out: Path) -> dict[str, str | None]:
    """Return file metadata without a creation date, so the same graph gives the same file."""
    if out.suffix.lower() == ".svg":
        return {"Date": None, "Creator": "mndkg"}
    return {"Software": "mndkg"}


def write_figure(graph: Graph, out_png: Path, out_svg: Path) -> FigureStats:
    """Write the core figure as PNG and SVG; return how many entities and facts it shows."""
    plt = pyplot()
    net = core_network(graph)
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "mndkg"}):
        fig = draw(net, layout(net))
        for out in (out_png, out_svg):
            out.parent.mkdir(parents=True, exist_ok=True)
            fig.savefig(out, bbox_inches="tight", facecolor="white", metadata=metadata(out))
    plt.close(fig)
    return FigureStats(net.number_of_nodes(), net.number_of_edges())
