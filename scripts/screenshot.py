"""Write the README pictures into docs/: the whole graph, the ALS lesson view, the static figure.

Opens the pages in headless Chromium (Debian's /usr/bin/chromium through the
playwright package, every outside request blocked) at a projector's 1920x1080.

    python scripts/screenshot.py [--out docs]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from mndkg.export.figure import write_figure
from mndkg.export.html import write_html
from mndkg.release import assemble

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1920, "height": 1080}


def block_outside(route: Any) -> None:
    """Let the page read its own file and nothing else."""
    if route.request.url.startswith("file://"):
        route.continue_()
    else:
        route.abort()


def shoot(browser: Any, page_file: Path, out: Path, select: str | None = None) -> None:
    """Open one page, wait until its physics stopped, optionally click a node, and screenshot."""
    page = browser.new_page(viewport=VIEWPORT)
    page.route("**/*", block_outside)
    page.goto(page_file.as_uri())
    page.wait_for_selector("body[data-settled=true]", state="attached", timeout=60_000)
    if select:
        page.evaluate(f"mndkg.select({select!r}, false)")
        page.evaluate("mndkg.network.setSize('100%', '100%'); mndkg.network.fit()")
        page.wait_for_timeout(300)
    page.screenshot(path=str(out))
    page.close()
    print(f"wrote {out}")


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs"))
    out = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    graph = assemble()
    stats = write_figure(graph, out / "mndkg-core.png", out / "mndkg-core.svg")
    print(f"wrote {out / 'mndkg-core.png'} and .svg ({stats.nodes} entities)")
    with tempfile.TemporaryDirectory() as tmp:
        whole, als = Path(tmp) / "whole.html", Path(tmp) / "als.html"
        write_html(graph, whole)
        write_html(graph, als, focus="amyotrophic lateral sclerosis", depth=1)
        with sync_playwright() as play:
            browser = play.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            shoot(browser, whole, out / "mndkg-graph.png")
            shoot(browser, als, out / "mndkg-als-focus.png", "mnd:AmyotrophicLateralSclerosis")
            browser.close()


if __name__ == "__main__":
    main()
