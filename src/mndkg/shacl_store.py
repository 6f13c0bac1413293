"""Run compiled shapes (``mndkg.shacl_sparql``) on a pyoxigraph store; return pySHACL's findings.

A pyoxigraph store keeps values, not lexical forms (``"2.0"^^xsd:decimal`` reads back
as ``"2"``, ``xsd:positiveInteger`` as ``xsd:integer``, ``"1"^^xsd:boolean`` merges
with ``"true"``), and its idea of an ill-typed literal is not rdflib's. While the
checks run, every typed literal of the data that the store would not keep as written,
or that pySHACL counts as ill-typed, is swapped for a stand-in that keeps its lexical
form and carries pySHACL's verdict in its datatype; the swap and the focus graph are
undone afterwards, so the caller's store is left as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from mndkg.shacl_sparql import FOCUS, STAND_IN, Check, Program, compile_shapes, string
from mndkg.validation import SH, Finding, Report, show, sort_key

#: What pySHACL requires of a literal's value for the datatypes it checks (else: any).
PY_TYPES = {XSD.integer: int, XSD.float: float, XSD.decimal: Decimal, XSD.boolean: bool,
            XSD.date: date, XSD.time: time, XSD.dateTime: datetime}  # fmt: skip
Result = tuple[Check, Node | None, Node | None, Node | None, str]


def accepted(literal: Literal) -> bool:
    """Return whether pySHACL's sh:datatype would accept ``literal`` for its own datatype."""
    if getattr(literal, "ill_typed", None) is True:
        return False
    kind = PY_TYPES.get(literal.datatype)  # type: ignore[arg-type]
    return kind is None or isinstance(literal.value, kind)


def literal_swaps(
    data: Graph, store: ox.Store
) -> tuple[list[tuple[ox.Quad, ox.Quad]], list[ox.Quad]]:
    """Return (stored quad, stand-in) for each typed literal the store does not keep as written.

    The typed literals are found through the store (fast) and looked up in ``data`` by
    subject and predicate, so the cost follows the number of typed values, not triples.
    """
    from mndkg.store import to_oxigraph, to_rdflib

    typed = f"""SELECT DISTINCT ?s ?p WHERE {{ ?s ?p ?o FILTER(isLiteral(?o)
        && !sameTerm(datatype(?o), <{XSD.string}>)
        && !sameTerm(datatype(?o), <{RDF.langString}>)) }}"""
    pairs = [(to_rdflib(r["s"]), to_rdflib(r["p"])) for r in store.query(typed)]  # type: ignore[union-attr,arg-type]
    written = {
        (s, p, o)
        for s, p in pairs
        for o in data.objects(s, p)
        if isinstance(o, Literal) and o.datatype not in (None, XSD.string, RDF.langString)
    }
    kept = {(str(t), str(t.datatype)) for t in map(to_rdflib, stored(o for _, _, o in written))}
    odd = {t for t in written if (str(t[2]), str(t[2].datatype)) not in kept or not accepted(t[2])}
    swaps = []
    for s, p, lit in odd:
        verdict = "valid" if accepted(lit) else "invalid"
        stand_in = ox.Literal(
            str(lit), datatype=ox.NamedNode(f"{STAND_IN}{verdict}:{lit.datatype}")
        )
        swaps.append((ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(lit)),  # type: ignore[arg-type]
                      ox.Quad(to_oxigraph(s), to_oxigraph(p), stand_in)))  # type: ignore[arg-type]  # fmt: skip
    # a literal kept as written that the store had merged with an odd one stays
    keep = [ox.Quad(*map(to_oxigraph, t)) for t in written - odd]  # type: ignore[arg-type]
    return swaps, keep


@contextmanager
def faithful(data: Graph, store: ox.Store) -> Iterator[ox.Store]:
    """Give ``store`` the literal stand-ins while the block runs, and the focus graph after."""
    swaps, keep = literal_swaps(data, store)
    try:
        for original, stand_in in swaps:
            store.remove(original)
            store.add(stand_in)
        store.extend(keep)
        yield store
    finally:
        for original, stand_in in swaps:
            store.remove(stand_in)
            store.add(original)
        store.update(f"DROP SILENT GRAPH <{FOCUS}>")


def stored(literals: Iterable[Literal]) -> list[ox.Literal]:
    """Return the literals as a pyoxigraph store gives them back (its canonical values)."""
    from mndkg.store import to_oxigraph

    probe = ox.Store()
    subject, predicate = ox.NamedNode(STAND_IN + "s"), ox.NamedNode(STAND_IN + "p")
    probe.extend(ox.Quad(subject, predicate, to_oxigraph(lit)) for lit in set(literals))
    return [q.object for q in probe]  # type: ignore[misc]


def store_of(graph: Graph) -> ox.Store:
    """Return ``graph`` in a new store, blank node labels kept (as ``store.store_from_graph``).

    Writing N-Triples text and letting pyoxigraph parse it is about a third faster than
    building its terms one by one from Python; a term N-Triples cannot carry (an odd
    blank node label or IRI) makes the parser fail, and the slow copy is used instead.
    """
    from mndkg.store import store_from_graph

    written: dict[Node, str] = {}

    def nt(term: Node) -> str:
        out = written.get(term)
        if out is None:
            if isinstance(term, URIRef):
                out = f"<{term}>"
            elif isinstance(term, BNode):
                out = f"_:{term}"
            elif isinstance(term, Literal) and term.language:
                out = f"{string(str(term))}@{term.language}"
            elif isinstance(term, Literal) and term.datatype is not None:
                out = f"{string(str(term))}^^<{term.datatype}>"
            else:
                out = string(str(term))
            written[term] = out
        return out

    text = "".join([f"{nt(s)} {nt(p)} {nt(o)} .\n" for s, p, o in graph]).encode()
    store = ox.Store()
    try:
        store.extend(ox.parse(text, format=ox.RdfFormat.N_TRIPLES, rename_blank_nodes=False))
    except SyntaxError:
        return store_from_graph(graph)
    return store


def back(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Node | None:
    """Return the rdflib term for a result term, undoing the literal stand-ins."""
    from mndkg.store import to_rdflib

    if term is None:
        return None
    if isinstance(term, ox.Literal) and term.datatype.value.startswith(STAND_IN):
        return Literal(term.value, datatype=URIRef(term.datatype.value.split(":", 4)[-1]))
    return to_rdflib(term)


def fill(message: str, bound: dict[str, Node]) -> str:
    """Substitute ``{?var}`` and ``{$var}`` in a SPARQL constraint's message as pySHACL does."""
    for var, val in bound.items():
        message = re.sub(f"{{[?$]{var}}}", str(val), message)
    return message


def results(program: Program, store: ox.Store) -> list[Result]:
    """Run the program on ``store``; return (check, focus, path, value, message) per result."""
    out: list[Result] = []
    for update in program.targets:
        store.update(update)
    for check in program.checks:
        solutions = store.query(check.query)
        names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
        for row in solutions:  # type: ignore[union-attr]
            this = back(row[check.focus[1:]])
            if not check.sparql:
                value = back(row[check.value[1:]]) if check.value else None
                out.append((check, this, check.path, value, check.message))
                continue
            bound = {n: back(row[n]) for n in names if row[n] is not None}
            bound.pop("focusKey", None)
            path, value = bound.pop("path", None), bound.pop("value", None)
            value = value if value is not None or check.path is not None else this
            bound.update(this=this)
            bound.update({k: v for k, v in (("path", path), ("value", value)) if v is not None})
            message = fill(check.message, bound)
            out.append((check, this, path or check.path, value, message))
    return out


def validate(data: Graph, shapes: Graph, store: ox.Store, program: Program | None = None) -> Report:
    """Validate ``data`` (``store`` holds the same triples) and return pySHACL's findings."""
    program = program or compile_shapes(shapes)
    with faithful(data, store):
        rows = results(program, store)
    report_graph = Graph()
    findings = []
    for check, focus, path, value, message in rows:
        label = data.value(focus, RDFS.label)
        findings.append(Finding(
            severity=str(check.severity).rsplit("#", 1)[-1],
            focus=show(data, focus),
            focus_label=str(label) if label is not None else show(data, focus),
            path=show(shapes, path),
            value=show(data, value),
            message=message,
            shape=show(shapes, check.shape),
        ))  # fmt: skip
        result = BNode()
        for p, o in ((RDF.type, SH.ValidationResult), (SH.focusNode, focus), (SH.resultPath, path),
                     (SH.value, value), (SH.resultMessage, Literal(message)),
                     (SH.resultSeverity, check.severity), (SH.sourceShape, check.shape),
                     (SH.sourceConstraintComponent, SH[check.component])):  # fmt: skip
            if o is not None:
                report_graph.add((result, p, o))
    findings.sort(key=sort_key)
    conforms = not any(f.severity == "Violation" for f in findings)
    report = BNode()
    report_graph.add((report, RDF.type, SH.ValidationReport))
    report_graph.add((report, SH.conforms, Literal(conforms)))
    for result in list(report_graph.subjects(RDF.type, SH.ValidationResult)):
        report_graph.add((report, SH.result, result))
    for node in {c.shape for c, *_ in rows} | {r[2] for r in rows}:
        copy_description(shapes, node, report_graph)
    return Report(conforms=conforms, findings=findings, results_graph=report_graph)


def copy_description(source: Graph, node: Node | None, target: Graph) -> None:
    """Copy what ``source`` says of a blank node (a path, a shape), as pySHACL's report has it."""
    if not isinstance(node, BNode) or (node, None, None) in target:
        return
    for p, o in source.predicate_objects(node):
        target.add((node, p, o))
        copy_description(source, o, target)
