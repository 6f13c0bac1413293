"""The named queries as SPARQL example files (``sh:SPARQLExecutable``).

This is the convention of the SIB/UniProt sparql-examples, so that endpoints and
query editors can list the queries.
"""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SH

from mndkg.paths import BASE
from mndkg.queries import NamedQuery, index

SCHEMA = Namespace("https://schema.org/")
GROUPS = ("competency", "examples")
KINDS = {
    "SELECT": SH.SPARQLSelectExecutable,
    "ASK": SH.SPARQLAskExecutable,
    "CONSTRUCT": SH.SPARQLConstructExecutable,
}


def query_form(text: str) -> str:
    """Return SELECT, ASK or CONSTRUCT: the first of them to appear outside comments."""
    body = " ".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    found = [(body.upper().find(k), k) for k in KINDS if body.upper().find(k) >= 0]
    return min(found)[1] if found else "SELECT"


def example(query: NamedQuery) -> Graph:
    """Return one query as an ``sh:SPARQLExecutable`` resource."""
    graph = Graph()
    graph.bind("sh", SH)
    graph.bind("schema", SCHEMA)
    node = URIRef(f"{BASE}examples/{query.name}")
    form = query_form(query.text)
    graph.add((node, RDF.type, SH.SPARQLExecutable))
    graph.add((node, RDF.type, KINDS[form]))
    graph.add((node, RDFS.label, Literal(query.title, lang="en")))
    graph.add((node, RDFS.comment, Literal(query.description, lang="en")))
    predicate = {"SELECT": SH.select, "ASK": SH.ask, "CONSTRUCT": SH.construct}[form]
    graph.add((node, predicate, Literal(query.text)))
    graph.add((node, SCHEMA.keywords, Literal(query.group)))
    return graph


def examples() -> dict[str, Graph]:
    """Return the example graph of every competency and example query, by file name."""
    return {f"{q.name}.ttl": example(q) for q in index().values() if q.group in GROUPS}
