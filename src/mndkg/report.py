"""A quality report in the manner of ``robot report``: one row per problem, with its severity.

The checks are SPARQL queries in ``queries/report/`` (each names its severity in
its header and returns entity, property, value), plus one check that needs the
prefix map: mapping IRIs that no curated prefix covers. ``mndkg build`` fails
on any ERROR row.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import SKOS

from mndkg.paths import BASE, compress
from mndkg.queries import index, run

SEVERITIES = ("ERROR", "WARN", "INFO")
MAPPINGS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)


@dataclass(frozen=True)
class Row:
    """One problem: how bad, which check found it, where, and the offending value."""

    severity: str
    check: str
    entity: str
    property: str
    value: str


def show(term: ox.NamedNode | ox.Literal | ox.BlankNode | None) -> str:
    """Return a term as a CURIE where possible, else its lexical form."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compress(term.value) or term.value
    return str(term.value)


def sparql_checks(store: ox.Store) -> list[Row]:
    """Run every ``queries/report/*.rq`` check and return its rows."""
    rows = []
    for query in (q for q in index().values() if q.group == "report"):
        result = run(store, query.text, query.name)
        rows += [
            Row(query.severity or "ERROR", query.name, *(show(v) for v in row[:3]))
            for row in result.rows
        ]
    return rows


def unresolved_mappings(graph: Graph) -> list[Row]:
    """Return a row for every mapping IRI of an mndkg entity that the prefix map cannot compress."""
    rows = []
    for predicate in MAPPINGS:
        for entity, target in graph.subject_objects(predicate):
            if str(entity).startswith(BASE) and compress(str(target)) is None:
                rows.append(
                    Row(
                        "ERROR",
                        "unresolved-mapping",
                        show(ox.NamedNode(str(entity))),
                        show(ox.NamedNode(str(predicate))),
                        str(target),
                    )
                )
    return rows


def report(graph: Graph, store: ox.Store | None = None) -> list[Row]:
    """Return every problem of ``graph``, errors first, then by check and entity.

    ``store`` is the same graph already in the embedded store, when the caller has it.
    """
    from mndkg.store import store_from_graph

    store = store if store is not None else store_from_graph(graph)
    rows = sparql_checks(store) + unresolved_mappings(graph)
    return sorted(rows, key=lambda r: (SEVERITIES.index(r.severity), r.check, r.entity, r.value))


def errors(rows: list[Row]) -> list[Row]:
    """Return the ERROR rows."""
    return [r for r in rows if r.severity == "ERROR"]


def as_tsv(rows: list[Row]) -> str:
    """Return the report as TSV with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(["severity", "check", "entity", "property", "value"])
    writer.writerows([[r.severity, r.check, r.entity, r.property, r.value] for r in rows])
    return buffer.getvalue()


def as_json(rows: list[Row]) -> str:
    """Return the report as JSON: counts by severity and the rows."""
    counts = {s: sum(r.severity == s for r in rows) for s in SEVERITIES}
    return json.dumps({"counts": counts, "rows": [asdict(r) for r in rows]}, indent=2) + "\n"


def as_text(rows: list[Row]) -> str:
    """Return the report for people: one line per row and a summary."""
    lines = [
        f"{r.severity:5}  {r.check:24}  {r.entity}  {r.property}  {r.value}".rstrip() for r in rows
    ]
    counts = ", ".join(f"{sum(r.severity == s for r in rows)} {s}" for s in SEVERITIES)
    return "\n".join([*lines, f"{len(rows)} rows: {counts}"]) + "\n"


REPORT_WRITERS: dict[str, Callable[[list[Row]], str]] = {
    "text": as_text,
    "tsv": as_tsv,
    "json": as_json,
}
