"""Query results: the ``Result`` of a query, running one on a store, and the writers.

The formats form a registry (``WRITERS``) from which the command line builds its
``--format`` choices, so adding a format is adding one function here.

This module is on the quick query path (``mndkg.launch``): at import it loads
pyoxigraph and nothing else, so ``csv`` and ``json`` (with ``re``, 8-10 ms each)
are imported by the writers that use them, and ``Result`` is a plain class
rather than a dataclass (``dataclasses`` pulls in ``inspect``: 20 ms).
"""

from __future__ import annotations

import pyoxigraph as ox

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    import pandas as pd

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class Result:
    """The answer of a query: a table of rows, a boolean, or a graph of triples."""

    __slots__ = ("boolean", "columns", "kind", "rows", "triples")

    def __init__(
        self,
        kind: str,
        columns: list[str] | None = None,
        rows: list[tuple[Any, ...]] | None = None,
        boolean: bool | None = None,
        triples: list[ox.Triple] | None = None,
    ) -> None:
        self.kind = kind  # "select", "ask" or "graph"
        self.columns: list[str] = columns if columns is not None else []
        self.rows: list[tuple[Any, ...]] = rows if rows is not None else []
        self.boolean = boolean
        self.triples: list[ox.Triple] = triples if triples is not None else []

    def __repr__(self) -> str:
        """Return a short description: kind and size (the rows can be thousands)."""
        if self.kind == "select":
            return f"<Result select: {len(self.rows)} rows of {', '.join(self.columns)}>"
        if self.kind == "ask":
            return f"<Result ask: {self.boolean}>"
        return f"<Result graph: {len(self.triples)} triples>"

    def __eq__(self, other: object) -> bool:
        """Two results are equal when they have the same kind and the same answer."""
        if not isinstance(other, Result):
            return NotImplemented
        mine = (self.kind, self.columns, self.rows, self.boolean, self.triples)
        return mine == (other.kind, other.columns, other.rows, other.boolean, other.triples)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaced

    def records(self) -> list[dict[str, str | None]]:
        """Return the rows as dicts of column name to plain string (``None`` when unbound)."""
        return [{c: plain(v) for c, v in zip(self.columns, row, strict=True)} for row in self.rows]

    def values(self, column: str | int = 0) -> list[str | None]:
        """Return the plain values of one column."""
        i = self.columns.index(column) if isinstance(column, str) else column
        return [plain(row[i]) for row in self.rows]

    def to_dataframe(self) -> pd.DataFrame:
        """Return the rows as a pandas DataFrame (pandas must be installed)."""
        import pandas as pd

        return pd.DataFrame.from_records(self.records(), columns=self.columns)


def plain(term: Any) -> str | None:
    """Return the lexical value of an RDF term, or ``None`` when unbound.

    A quoted triple (RDF-star, as ``BIND(TRIPLE(...))`` makes) has no lexical
    value, so it is written as ``<< s p o >>`` with its terms in N-Triples form.
    """
    if term is None:
        return None
    if isinstance(term, ox.Triple):
        return quoted(term, str)
    return str(term.value)


def quoted(triple: ox.Triple, show: Callable[[Any], str]) -> str:
    """Return a quoted triple as ``<< s p o >>``, each term written by ``show`` (nesting too)."""
    parts = [
        quoted(t, show) if isinstance(t, ox.Triple) else show(t)
        for t in (triple.subject, triple.predicate, triple.object)
    ]
    return f"<< {' '.join(parts)} >>"


def solve(store: ox.Store, text: str, prefixes: dict[str, str]) -> Result:
    """Run SPARQL ``text`` on ``store`` as it stands and return the answer as a ``Result``.

    No guard and no error translation: ``mndkg.queries.run`` adds both, and the
    quick path only gives it shipped queries it has checked. Raises pyoxigraph's
    ``SyntaxError`` or ``OSError``.
    """
    answer = store.query(text, prefixes=prefixes)
    if isinstance(answer, ox.QuerySolutions):
        columns = [v.value for v in answer.variables]
        rows = [tuple(solution[c] for c in columns) for solution in answer]
        return Result("select", columns=columns, rows=rows)
    if isinstance(answer, ox.QueryBoolean):
        return Result("ask", boolean=bool(answer))
    return Result("graph", triples=list(answer))


def curated_compress(iri: str) -> str | None:
    """Return the CURIE of ``iri`` under the curated prefix map, or ``None``.

    ``mndkg.paths`` is imported here, not at the top: it needs ``pathlib`` and ``json``,
    which the quick query path avoids (it passes a compressor of its own).
    """
    from mndkg.paths import compress

    return compress(iri)


def compact(term: Any, compress: Callable[[str], str | None] = curated_compress) -> str:
    """Return a term for display: IRIs as CURIEs where the prefix map knows them."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compress(term.value) or term.value
    if isinstance(term, ox.Triple):
        return quoted(term, lambda t: compact(t, compress))
    return str(term.value)


def as_table(result: Result, compress: Callable[[str], str | None] = curated_compress) -> str:
    """Return an aligned plain-text table (or the boolean, or Turtle for graph results).

    ``compress`` turns IRIs into CURIEs; the quick path passes one built from the
    prefix map in the prepared store, which needs no ``json`` (``mndkg.launch``).
    """
    if result.kind != "select":
        return as_turtle(result)
    cells = [[compact(v, compress) for v in row] for row in result.rows]
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
    import csv
    import io

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


def term_json(term: Any) -> dict[str, Any]:
    """Return one RDF term in the SPARQL 1.1 Query Results JSON form.

    A quoted triple takes the SPARQL-star form, ``{"type": "triple", "value":
    {"subject": ..., "predicate": ..., "object": ...}}``, which is what
    SPARQL-star clients (Jena, rdflib's parser, Oxigraph's) read.
    """
    if isinstance(term, ox.Triple):
        parts = {"subject": term.subject, "predicate": term.predicate, "object": term.object}
        return {"type": "triple", "value": {k: term_json(v) for k, v in parts.items()}}
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out: dict[str, Any] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def as_json(result: Result) -> str:
    """Return SPARQL 1.1 Query Results JSON (``head``/``results`` or ``boolean``)."""
    import json

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
    """Return a CONSTRUCT/DESCRIBE result as Turtle, or an ASK answer as true/false.

    The triples are sorted: a graph has no order, and the engine's order follows how
    the store was filled, so sorting makes one answer print the same every time.
    """
    if result.kind == "ask":
        return ("true" if result.boolean else "false") + "\n"
    if result.kind == "select":
        return as_tsv(result)
    data = ox.serialize(sorted(result.triples, key=str), format=ox.RdfFormat.TURTLE)
    return data.decode("utf-8") if data else ""


WRITERS: dict[str, Callable[[Result], str]] = {
    "table": as_table,
    "csv": as_csv,
    "tsv": as_tsv,
    "json": as_json,
    "turtle": as_turtle,
}
