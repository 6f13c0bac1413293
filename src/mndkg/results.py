"""Writers for query results: a table for people, CSV/TSV for spreadsheets, SPARQL JSON.

The formats form a registry (``WRITERS``) from which the command line builds its
``--format`` choices, so adding a format is adding one function here.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

from mndkg.queries import Result, plain


def compact(term: Any) -> str:
    """Return a term for display: IRIs as CURIEs where the prefix map knows them."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        from mndkg.paths import converter

        return converter().compress(term.value) or term.value
    return str(term.value)


def as_table(result: Result) -> str:
    """Return an aligned plain-text table (or the boolean, or Turtle for graph results)."""
    if result.kind != "select":
        return as_turtle(result)
    cells = [[compact(v) for v in row] for row in result.rows]
    widths = [len(c) for c in result.columns]
    for row in cells:
        widths = [max(w, len(v)) for w, v in zip(widths, row, strict=True)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(result.columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += [
        "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines) + "\n"


def delimited(result: Result, delimiter: str) -> str:
    """Return the rows with a header row, values as plain strings, in CSV or TSV."""
    if result.kind != "select":
        return as_turtle(result)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow(["" if v is None else plain(v) for v in row])
    return buffer.getvalue()


def as_csv(result: Result) -> str:
    """Return CSV with a header row."""
    return delimited(result, ",")


def as_tsv(result: Result) -> str:
    """Return TSV with a header row."""
    return delimited(result, "\t")


def term_json(term: Any) -> dict[str, str]:
    """Return one RDF term in the SPARQL 1.1 Query Results JSON form."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def as_json(result: Result) -> str:
    """Return SPARQL 1.1 Query Results JSON (``head``/``results`` or ``boolean``)."""
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": result.boolean}) + "\n"
    if result.kind == "graph":
        return as_turtle(result)
    bindings = [
        {c: term_json(v) for c, v in zip(result.columns, row, strict=True) if v is not None}
        for row in result.rows
    ]
    doc = {"head": {"vars": result.columns}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def as_turtle(result: Result) -> str:
    """Return a CONSTRUCT/DESCRIBE result as Turtle, or an ASK answer as true/false."""
    if result.kind == "ask":
        return ("true" if result.boolean else "false") + "\n"
    if result.kind == "select":
        return as_tsv(result)
    data = ox.serialize(result.triples, format=ox.RdfFormat.TURTLE)
    return data.decode("utf-8") if data else ""


WRITERS: dict[str, Callable[[Result], str]] = {
    "table": as_table,
    "csv": as_csv,
    "tsv": as_tsv,
    "json": as_json,
    "turtle": as_turtle,
}
