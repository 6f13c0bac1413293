"""The HTML page as a teacher uses it, in headless Chromium with every outside request blocked.

Skipped (with the reason) where Debian's Chromium or the playwright package is
missing; playwright's own browser downloads are never used.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from rdflib import Graph

from mndkg.export.html import write_html
from mndkg.network import build_network, focus_subgraph

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="browser tests need the playwright package"
)

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DATA = Path(__file__).parent / "data"
ALS = "mnd:AmyotrophicLateralSclerosis"
HOSTILE = "<img src=x onerror=alert(1)>"


@dataclass
class Opened:
    """A loaded page and what it did: console errors, requests outside the file, dialogs."""

    page: Any
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, expression: str) -> Any:
        return self.page.evaluate(expression)

    def clean(self) -> None:
        assert self.errors == []
        assert self.outside == []
        assert self.dialogs == []


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as play:
        chromium = play.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    contexts = []

    def open_(path: Path) -> Opened:
        context = browser.new_context(
            viewport={"width": 1600, "height": 900}, accept_downloads=True
        )
        contexts.append(context)
        page = context.new_page()
        opened = Opened(page)

        def route(r: Any) -> None:
            if r.request.url.startswith("file://"):
                r.continue_()
            else:
                opened.outside.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page.on("console", lambda m: m.type == "error" and opened.errors.append(m.text))
        page.on("pageerror", lambda e: opened.errors.append(str(e)))
        page.on("dialog", lambda d: (opened.dialogs.append(d.message), d.dismiss()))
        page.goto(path.as_uri())
        page.wait_for_selector("body[data-settled=true]", state="attached", timeout=30_000)
        return opened

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def net(kg: Graph) -> nx.MultiDiGraph:
    return build_network(kg)


@pytest.fixture(scope="module")
def whole_page(kg: Graph, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "mndkg.html"
    write_html(kg, out)
    return out


def test_page_loads_offline_and_shows_every_node_and_edge(
    open_page: Any, whole_page: Path, net: nx.MultiDiGraph
) -> None:
    opened = open_page(whole_page)
    counts = opened.js("mndkg.visibleCounts()")
    assert counts == {"nodes": net.number_of_nodes(), "edges": net.number_of_edges()}
    assert opened.js("mndkg.network.physics.options.enabled") is False  # physics stopped
    assert opened.js("document.querySelectorAll('#kinds input').length") == len(
        {k for _, k in net.nodes(data="kind")}
    )
    assert opened.page.inner_text("#counts").startswith(f"{counts['nodes']} entities")
    opened.clean()


def test_search_centres_and_highlights_the_node(open_page: Any, whole_page: Path) -> None:
    opened = open_page(whole_page)
    opened.page.fill("#search", "lou gehrig")
    first = opened.page.locator("#suggestions li").first
    assert first.get_attribute("data-node") == ALS
    opened.page.press("#search", "Enter")
    assert opened.js("mndkg.network.getSelectedNodes()") == [ALS]
    centred = f"""() => {{
        const c = mndkg.network.getViewPosition();
        const n = mndkg.network.getPositions(['{ALS}'])['{ALS}'];
        return Math.hypot(c.x - n.x, c.y - n.y) < 5;
    }}"""
    opened.page.wait_for_function(centred, timeout=5000)  # after the camera's animation
    assert opened.page.inner_text("#details h2") == "amyotrophic lateral sclerosis"
    dimmed = opened.js("mndkg.nodes.get().filter(n => n.opacity < 1).length")
    assert 0 < dimmed < opened.js("mndkg.nodes.length")
    opened.clean()


def test_kind_filter_hides_its_nodes(
    open_page: Any, whole_page: Path, net: nx.MultiDiGraph
) -> None:
    opened = open_page(whole_page)
    opened.page.uncheck('input[data-kind="Symptom"]')
    kept = net.subgraph([n for n, k in net.nodes(data="kind") if k != "Symptom"])
    assert opened.js("mndkg.visibleCounts()") == {
        "nodes": kept.number_of_nodes(),
        "edges": kept.number_of_edges(),
    }
    opened.page.check('input[data-kind="Symptom"]')
    assert opened.js("mndkg.visibleCounts().nodes") == net.number_of_nodes()
    opened.clean()


def test_relation_filter_hides_its_edges(
    open_page: Any, whole_page: Path, net: nx.MultiDiGraph
) -> None:
    opened = open_page(whole_page)
    opened.page.uncheck('input[data-relation="subClassOf"]')
    hierarchy = sum(1 for *_, k in net.edges(keys=True) if k == "subClassOf")
    assert opened.js("mndkg.visibleCounts().edges") == net.number_of_edges() - hierarchy
    opened.clean()


def test_hover_shows_name_plain_name_and_definition(open_page: Any, whole_page: Path) -> None:
    opened = open_page(whole_page)
    point = opened.js(f"mndkg.network.canvasToDOM(mndkg.network.getPositions(['{ALS}'])['{ALS}'])")
    box = opened.page.locator("#graph").bounding_box()
    opened.page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    opened.page.wait_for_selector("#tip:not([hidden])", timeout=3000)
    tip = opened.page.inner_text("#tip")
    assert "amyotrophic lateral sclerosis" in tip
    assert "Lou Gehrig" in tip
    assert "most frequent motor neuron disease" in tip
    opened.clean()


def test_click_opens_the_side_panel_with_links_and_sources(
    open_page: Any, whole_page: Path
) -> None:
    opened = open_page(whole_page)
    point = opened.js(f"mndkg.network.canvasToDOM(mndkg.network.getPositions(['{ALS}'])['{ALS}'])")
    box = opened.page.locator("#graph").bounding_box()
    opened.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    panel = opened.page.locator("#details")
    assert panel.is_visible()
    hrefs = opened.js("[...document.querySelectorAll('#details a')].map(a => a.href)")
    assert "https://bioregistry.io/MONDO:0004976" in hrefs
    assert any(h.startswith("https://www.ebi.ac.uk/ols4/") for h in hrefs)
    assert "Sources of these facts" in panel.inner_text()
    assert "Charcot disease" in panel.inner_text()
    opened.clean()


def test_tree_entry_focuses_its_node(open_page: Any, whole_page: Path) -> None:
    opened = open_page(whole_page)
    opened.page.locator('#tree .tree-node[data-node="mnd:MotorNeuronDisease"]').first.click()
    assert opened.js("mndkg.network.getSelectedNodes()") == ["mnd:MotorNeuronDisease"]
    opened.clean()


def test_save_png(open_page: Any, whole_page: Path) -> None:
    opened = open_page(whole_page)
    assert opened.js("mndkg.pngDataUrl().startsWith('data:image/png;base64,')")
    with opened.page.expect_download() as download:
        opened.page.click("#png")
    assert download.value.suggested_filename == "mndkg-graph.png"
    opened.clean()


def test_focus_page_shows_the_neighbourhood(
    open_page: Any, kg: Graph, net: nx.MultiDiGraph, tmp_path: Path
) -> None:
    out = tmp_path / "als.html"
    write_html(kg, out, focus="amyotrophic lateral sclerosis", depth=2)
    expected = focus_subgraph(net, ALS, 2)
    opened = open_page(out)
    assert opened.js("mndkg.visibleCounts()") == {
        "nodes": expected.number_of_nodes(),
        "edges": expected.number_of_edges(),
    }
    assert opened.js("mndkg.network.getSelectedNodes()") == [ALS]
    opened.clean()


def test_hostile_label_is_shown_as_text_and_runs_nothing(open_page: Any, tmp_path: Path) -> None:
    from mndkg.release import assemble

    out = tmp_path / "xss.html"
    write_html(assemble([DATA / "xss.ttl"]), out)
    opened = open_page(out)
    point = opened.js(
        "mndkg.network.canvasToDOM(mndkg.network.getPositions(['mnd:XssSymptom'])['mnd:XssSymptom'])"
    )
    box = opened.page.locator("#graph").bounding_box()
    opened.page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    opened.page.wait_for_selector("#tip:not([hidden])", timeout=3000)
    assert HOSTILE in opened.page.inner_text("#tip")
    opened.page.fill("#search", "<img")
    assert (
        opened.page.locator("#suggestions li").first.get_attribute("data-node") == "mnd:XssSymptom"
    )
    opened.page.press("#search", "Enter")
    assert opened.page.inner_text("#details h2") == HOSTILE
    assert "</script><script>alert(2)</script>" in opened.page.inner_text("#tree")  # plain name
    assert opened.js("document.querySelectorAll('img, svg image, script[src]').length") == 0
    assert (
        opened.js("document.querySelectorAll('#details b, #details a[href^=javascript]').length")
        == 0
    )
    opened.clean()
