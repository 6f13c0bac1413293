"""The HTML page and the static figure, without a browser: content, escaping, no CDN."""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph

from mndkg.errors import InputError
from mndkg.export.html import (
    PHYSICS_LIMIT,
    asset,
    notebook_view,
    positions,
    render_page,
    safe_json,
    write_html,
)
from mndkg.network import build_network, focus_subgraph

DATA = Path(__file__).parent / "data"
HOSTILE = "<img src=x onerror=alert(1)>"
#: A tag that would make the browser fetch something from outside the file.
OUTSIDE = re.compile(
    r"<(?:script|link|img|iframe|embed|object|source|audio|video)\b[^>]*\b(?:src|href|data)\s*=\s*"
    r"[\"']?\s*(?:https?:)?//",
    re.IGNORECASE,
)


def page_data(page: str) -> dict:
    block = re.search(r'<script type="application/json" id="mndkg-data">(.*?)</script>', page, re.S)
    assert block is not None
    return json.loads(block.group(1))


@pytest.fixture(scope="module")
def xss_graph() -> Graph:
    from mndkg.release import assemble

    return assemble([DATA / "xss.ttl"])


@pytest.fixture(scope="module")
def whole(kg: Graph, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("html") / "mndkg.html"
    write_html(kg, out)
    return out, out.read_text(encoding="utf-8")


def test_write_html_reports_what_it_wrote(kg: Graph, tmp_path: Path) -> None:
    net = build_network(kg)
    stats = write_html(kg, tmp_path / "g.html")
    assert (stats.nodes, stats.edges) == (net.number_of_nodes(), net.number_of_edges())
    assert stats.bytes == (tmp_path / "g.html").stat().st_size


def test_page_holds_every_node_and_edge(kg: Graph, whole: tuple[Path, str]) -> None:
    net = build_network(kg)
    data = page_data(whole[1])
    assert {n["id"] for n in data["nodes"]} == set(net)
    assert len(data["edges"]) == net.number_of_edges()
    assert {k["key"] for k in data["kinds"]} == {k for _, k in net.nodes(data="kind")}
    assert data["relations"][0]["label"] == "is a kind of"
    assert data["physics"] is True


def test_page_needs_nothing_from_outside(whole: tuple[Path, str]) -> None:
    page = whole[1]
    assert not OUTSIDE.findall(page)
    assert "<link" not in page.lower()
    assert not re.search(r"@import|url\(\s*[\"']?(?:https?:)?//", page, re.IGNORECASE)
    assert "vis.Network" in page  # vis-network is inlined
    assert "Content-Security-Policy" in page


def test_every_node_is_placed(whole: tuple[Path, str]) -> None:
    nodes = page_data(whole[1])["nodes"]
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in nodes)


def test_focus_page(kg: Graph, tmp_path: Path) -> None:
    out = tmp_path / "als.html"
    stats = write_html(kg, out, focus="amyotrophic lateral sclerosis", depth=2)
    expected = focus_subgraph(build_network(kg), "amyotrophic lateral sclerosis", 2)
    data = page_data(out.read_text(encoding="utf-8"))
    assert stats.focus == data["focus"] == "mnd:AmyotrophicLateralSclerosis"
    assert {n["id"] for n in data["nodes"]} == set(expected)
    assert "amyotrophic lateral sclerosis: everything within 2 steps" in data["title"]


def test_unknown_focus_writes_nothing(kg: Graph, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="did you mean"):
        write_html(kg, tmp_path / "x.html", focus="amyotrophic lateral sclerosys")
    assert not (tmp_path / "x.html").exists()


def test_filters_reach_the_page(kg: Graph, tmp_path: Path) -> None:
    write_html(kg, tmp_path / "f.html", kinds=["disease", "gene"], relations=["has causative gene"])
    data = page_data((tmp_path / "f.html").read_text(encoding="utf-8"))
    assert {k["key"] for k in data["kinds"]} == {"Disease", "Gene"}
    assert {r["key"] for r in data["relations"]} == {"hasCausativeGene"}


def test_sources_of_facts_are_in_the_page(whole: tuple[Path, str]) -> None:
    data = page_data(whole[1])
    cited = {s for e in data["edges"] for s in e["sources"]}
    assert cited == set(data["sources"])
    assert all(s["label"] for s in data["sources"].values())


def test_safe_json_cannot_close_a_script() -> None:
    text = safe_json({"a": "</script><!-- & -->"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><!-- & -->"}


def test_hostile_labels_are_data_not_markup(xss_graph: Graph, tmp_path: Path) -> None:
    out = tmp_path / "xss.html"
    write_html(xss_graph, out)
    page = out.read_text(encoding="utf-8")
    for raw in (HOSTILE, "<script>alert(2)", "<svg onload", "<b onmouseover", 'href="javascript'):
        assert raw not in page
    labels = {n["label"] for n in page_data(page)["nodes"]}
    assert HOSTILE in labels


def test_page_script_never_parses_markup() -> None:
    script = asset("app.js")
    for sink in (".innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script


def test_title_is_escaped(xss_graph: Graph) -> None:
    net = focus_subgraph(build_network(xss_graph), HOSTILE, 1)
    page = render_page(net)
    assert "<title>&lt;img src=x onerror=alert(1)&gt;" in page


def test_notebook_view_embeds_an_escaped_page(kg: Graph) -> None:
    view = notebook_view(kg, focus="ALS", depth=1, height=500)
    frame = view._repr_html_()
    assert frame.startswith("<iframe srcdoc=")
    assert frame.count("<") == 2  # the iframe's own tags; the page inside is all escaped
    assert "height:500px" in frame
    assert 'sandbox="allow-scripts allow-downloads"' in frame


def test_large_graphs_get_a_radial_layout_without_physics() -> None:
    tree = nx.MultiDiGraph(nx.random_labeled_tree(PHYSICS_LIMIT + 200, seed=3))
    tree.add_nodes_from(["lonely-1", "lonely-2"])
    pos = positions(tree)
    assert set(pos) == set(tree)
    assert len({(round(x), round(y)) for x, y in pos.values()}) > 0.95 * len(pos)


def test_static_figure(kg: Graph, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="matplotlib draws the static figure")
    from mndkg.export.figure import write_figure

    stats = write_figure(kg, tmp_path / "core.png", tmp_path / "core.svg")
    assert (tmp_path / "core.png").read_bytes().startswith(b"\x89PNG")
    svg = (tmp_path / "core.svg").read_text(encoding="utf-8")
    assert "<svg" in svg
    assert "Lou Gehrig" in svg  # text stays text, so the SVG is searchable
    assert stats.nodes > 10
