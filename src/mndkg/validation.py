"""SHACL validation of the knowledge graph, as a report a curator can act on.

By default the shapes are compiled to SPARQL and answered by pyoxigraph, all
focus nodes at once (``mndkg.shacl_sparql`` compiles, ``mndkg.shacl_store`` runs);
pySHACL, described below, is the reference engine and the fallback for shapes the
compiler does not translate.

pySHACL runs without its own inference (its RDFS mode costs about twenty times
more and the shapes walk ``rdfs:subClassOf`` paths themselves). The shapes use
SPARQL-based targets (SHACL Advanced Features) to reach entities, which are
classes; those target queries are answered by pyoxigraph before pySHACL runs
(``resolve_targets``), because rdflib's engine spends seconds on them and
pyoxigraph milliseconds. The results graph is turned into ``Finding`` records
and written as text (grouped by severity), JSON or Turtle.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS
from rdflib.term import Node

from mndkg.paths import turtle_files

if TYPE_CHECKING:
    import pyoxigraph as ox

SH = Namespace("http://www.w3.org/ns/shacl#")
SEVERITY_ORDER = ("Violation", "Warning", "Info")


@dataclass(frozen=True)
class Finding:
    """One validation result: which node, which property, which value, and why."""

    severity: str
    focus: str
    focus_label: str
    path: str
    value: str
    message: str
    shape: str


@dataclass
class Report:
    """The outcome of a validation run: conforms only when there are no violations."""

    conforms: bool
    findings: list[Finding] = field(default_factory=list)
    results_graph: Graph | None = None

    def counts(self) -> dict[str, int]:
        """Return the number of findings of each severity."""
        out = dict.fromkeys(SEVERITY_ORDER, 0)
        for finding in self.findings:
            out[finding.severity] = out.get(finding.severity, 0) + 1
        return out


def load_shapes(files: Iterable[Path] | None = None) -> Graph:
    """Return the shapes graph: the shipped ``shapes/*.ttl`` unless other files are given."""
    from mndkg.loader import load_files

    return load_files(list(files) if files is not None else turtle_files("shapes"))


def declared_prefixes(shapes: Graph, target: Node) -> str:
    """Return the ``PREFIX`` lines a SHACL-SPARQL query declares through ``sh:prefixes``."""
    lines = set()
    for owner in shapes.objects(target, SH.prefixes):
        for declaration in shapes.objects(owner, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.add(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(lines))


def resolve_targets(shapes: Graph, store: ox.Store) -> Graph:
    """Return a copy of ``shapes`` whose SPARQL targets are replaced by the nodes they select.

    For a fixed data graph a ``sh:SPARQLTarget`` is exactly the set of nodes its
    query selects, so stating them as ``sh:targetNode`` changes no result; it only
    moves the target queries from rdflib's engine (seconds) to pyoxigraph
    (milliseconds). ``store`` must hold the data graph with its blank node labels,
    as ``store.store_from_graph`` makes it, so that selected axioms are the same nodes.
    """
    from mndkg.queries import run
    from mndkg.store import to_rdflib

    resolved = Graph()
    resolved += shapes
    for prefix, namespace in shapes.namespaces():
        resolved.bind(prefix, namespace, override=True)
    for shape, target in list(shapes.subject_objects(SH.target)):
        select = shapes.value(target, SH.select)
        if (target, RDF.type, SH.SPARQLTarget) not in shapes or select is None:
            continue
        text = declared_prefixes(shapes, target) + "\n" + str(select)
        result = run(store, text, f"SPARQL target of {show(shapes, shape)}")
        resolved.remove((shape, SH.target, target))
        for row in result.rows:
            if row and row[0] is not None:
                resolved.add((shape, SH.targetNode, to_rdflib(row[0])))
    return resolved


ENGINES = ("auto", "sparql", "pyshacl")


def validate(
    data: Graph,
    shapes: Graph | None = None,
    store: ox.Store | None = None,
    engine: str = "auto",
) -> Report:
    """Validate ``data`` against the shapes and return a structured report.

    ``store`` is ``data`` already copied into pyoxigraph (the build has one at hand);
    without it a copy is made here. The shapes are compiled to SPARQL and answered
    by pyoxigraph (``mndkg.shacl_sparql``), set-at-a-time, so validation stays fast as
    the graph grows; pySHACL is the reference engine (``engine="pyshacl"``) and the
    fallback when a shape uses SHACL the compiler does not translate (``"auto"``;
    ``"sparql"`` raises ``shacl_sparql.Unsupported`` instead).
    """
    from mndkg.shacl_store import store_of

    if engine not in ENGINES:
        raise ValueError(f"unknown validation engine {engine!r}: one of {', '.join(ENGINES)}")
    shapes_graph = shapes if shapes is not None else load_shapes()
    store = store if store is not None else store_of(data)
    if engine != "pyshacl":
        from mndkg import shacl_sparql, shacl_store

        try:
            program = shacl_sparql.compile_shapes(shapes_graph)
        except shacl_sparql.Unsupported as err:
            if engine == "sparql":
                raise
            logging.getLogger(__name__).warning("validating with pySHACL: %s", err)
        else:
            return shacl_store.validate(data, shapes_graph, store, program)
    return validate_with_pyshacl(data, shapes_graph, store)


def validate_with_pyshacl(data: Graph, shapes_graph: Graph, store: ox.Store) -> Report:
    """Validate ``data`` with pySHACL, its SPARQL targets answered by pyoxigraph first."""
    import pyshacl

    resolved = resolve_targets(shapes_graph, store)
    # Advanced mode makes pySHACL copy the data graph first (for rules); it is only
    # needed when a rule or a target of another kind is left after resolution.
    advanced = any(True for _ in resolved.triples((None, SH.target, None))) or any(
        True for _ in resolved.triples((None, SH.rule, None))
    )
    conforms, results, _ = pyshacl.validate(
        data,
        shacl_graph=resolved,
        inference="none",
        advanced=advanced,
        allow_warnings=True,
        js=False,
    )
    findings = sorted(read_results(results, data, shapes_graph), key=sort_key)
    has_violation = any(f.severity == "Violation" for f in findings)
    return Report(
        conforms=bool(conforms) or not has_violation, findings=findings, results_graph=results
    )


def sort_key(finding: Finding) -> tuple[int, str, str, str]:
    """Order findings by severity, then focus label, then path."""
    rank = SEVERITY_ORDER.index(finding.severity) if finding.severity in SEVERITY_ORDER else 9
    return rank, finding.focus_label.lower(), finding.path, finding.value


def show(graph: Graph, node: Node | None) -> str:
    """Return a node as a CURIE (IRIs), or its lexical form (literals)."""
    if node is None:
        return ""
    if isinstance(node, URIRef):
        from mndkg.paths import compress

        return compress(str(node)) or str(node)
    if isinstance(node, Literal):
        return str(node)
    return _describe_bnode(graph, node)


def _describe_bnode(graph: Graph, node: Node) -> str:
    """Describe a blank node: an axiom by its triple, a SHACL path by its SPARQL form."""
    owl = Namespace("http://www.w3.org/2002/07/owl#")
    parts = [
        graph.value(node, owl[p])
        for p in ("annotatedSource", "annotatedProperty", "annotatedTarget")
    ]
    if all(p is not None for p in parts):
        return "axiom(" + " ".join(show(graph, p) for p in parts) + ")"
    for predicate, fmt in (
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.inversePath, "^{}"),
        (SH.zeroOrOnePath, "{}?"),
    ):
        inner = graph.value(node, predicate)
        if inner is not None:
            return fmt.format(show(graph, inner))
    alternatives = graph.value(node, SH.alternativePath)
    if alternatives is not None:
        return "|".join(show(graph, n) for n in Collection(graph, alternatives))
    parent = graph.value(None, SH.property, node)
    if parent is not None:
        return f"{show(graph, parent)} (property)"
    return "(anonymous shape)"


def read_results(results: Graph, data: Graph, shapes: Graph) -> Iterable[Finding]:
    """Yield a ``Finding`` for every ``sh:ValidationResult`` in a pySHACL results graph."""
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        severity = results.value(result, SH.resultSeverity)
        label = data.value(focus, RDFS.label) if focus is not None else None
        yield Finding(
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            focus=show(data, focus),
            focus_label=str(label) if label is not None else show(data, focus),
            path=show(shapes, results.value(result, SH.resultPath)),
            value=show(data, results.value(result, SH.value)),
            message=str(results.value(result, SH.resultMessage) or ""),
            shape=show(shapes, results.value(result, SH.sourceShape)),
        )


def as_text(report: Report) -> str:
    """Return a readable report, grouped by severity, one block per finding."""
    if not report.findings:
        return "Conforms: no violations, warnings or notes.\n"
    lines: list[str] = []
    counts = report.counts()
    for severity in SEVERITY_ORDER:
        group = [f for f in report.findings if f.severity == severity]
        if not group:
            continue
        lines.append(f"== {severity} ({len(group)}) ==")
        for f in group:
            lines.append(f"- {f.focus_label} [{f.focus}]")
            lines.append(f"    {f.message}")
            details = [
                f"path: {f.path}" if f.path else "",
                f"value: {f.value}" if f.value else "",
                f"shape: {f.shape}",
            ]
            lines.append("    " + "; ".join(d for d in details if d))
    summary = ", ".join(f"{counts[s]} {s.lower()}(s)" for s in SEVERITY_ORDER)
    verdict = "Conforms" if report.conforms else "Does not conform"
    lines.append(f"{verdict}: {summary}.")
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> str:
    """Return the report as JSON: ``conforms``, counts and the list of findings."""
    doc = {
        "conforms": report.conforms,
        "counts": report.counts(),
        "findings": [asdict(f) for f in report.findings],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def as_turtle(report: Report) -> str:
    """Return the W3C SHACL results graph (pySHACL's own, or the SPARQL engine's) as Turtle."""
    graph = report.results_graph if report.results_graph is not None else Graph()
    return graph.serialize(format="turtle")


REPORT_WRITERS: dict[str, Callable[[Report], str]] = {
    "text": as_text,
    "json": as_json,
    "turtle": as_turtle,
}
