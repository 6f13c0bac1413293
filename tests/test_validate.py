"""SHACL validation: the shipped graph conforms, and every shape fires on its negative fixture.

pySHACL passes silently over a misspelt constraint or a target that selects
nothing, so the tests also check that every shape reaches focus nodes in the
real graph (except the shapes whose target selects only violations) and that
every hand-written shape is made to fire by at least one fixture in
tests/data/invalid/.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from mndkg.release import assemble
from mndkg.validation import SH, Finding, Report, as_json, as_text, validate

INVALID = Path(__file__).parent / "data" / "invalid"
FIXTURES = sorted(INVALID.glob("*.ttl"))
MNDSH = "https://w3id.org/mndkg/shapes/"
VIOLATIONS_ONLY = URIRef(MNDSH + "targetsViolationsOnly")
GENERATED = ("relation-", "kind-")  # shapes of shapes/generated.ttl, tested by mechanism


def expectation(path: Path) -> tuple[str, str]:
    """Read the '# shape:' and '# message:' header of a negative fixture."""
    text = path.read_text(encoding="utf-8")
    shape = re.search(r"^# shape: (\S+)", text, re.MULTILINE)
    message = re.search(r"^# message: (.+)$", text, re.MULTILINE)
    assert shape and message, f"{path.name} lacks its '# shape:' or '# message:' header"
    return shape.group(1), message.group(1)


@cache
def report_for(path: Path) -> Report:
    return validate(assemble([path]))


def fired(report: Report, shape: str) -> list[Finding]:
    return [f for f in report.findings if f.shape.split(" ")[0] == f"mndsh:{shape}"]


def test_shipped_graph_conforms(kg: Graph, shapes: Graph) -> None:
    report = validate(kg, shapes)
    assert report.conforms, as_text(report)
    warnings = {f.focus for f in report.findings if f.severity == "Warning"}
    assert warnings == {"mnd:JointWeakness", "mnd:DextromethorphanQuinidine"}, "only known gaps"


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_negative_fixture_fires_its_shape(path: Path) -> None:
    shape, message = expectation(path)
    findings = fired(report_for(path), shape)
    assert findings, f"{path.name}: shape {shape} did not fire\n{as_text(report_for(path))}"
    assert any(message in f.message for f in findings), [f.message for f in findings]


def named_shapes(shapes: Graph) -> set[str]:
    """Return the local names of the hand-written named shapes (not the generated ones)."""
    names = set()
    for kind in (SH.NodeShape, SH.PropertyShape):
        for shape in shapes.subjects(RDF.type, kind):
            name = str(shape)
            local = name.removeprefix(MNDSH)
            if name.startswith(MNDSH) and not local.startswith(GENERATED):
                names.add(local)
    return names


def test_every_hand_written_shape_fires_on_some_fixture(shapes: Graph) -> None:
    hit = set()
    for path in FIXTURES:
        shape, _ = expectation(path)
        if fired(report_for(path), shape):
            hit.add(shape)
    for parent, prop in shapes.subject_objects(SH.property):
        if str(prop).removeprefix(MNDSH) in hit:
            hit.add(str(parent).removeprefix(MNDSH))
    missing = named_shapes(shapes) - hit
    assert not missing, f"shapes with no negative fixture in tests/data/invalid: {sorted(missing)}"


def test_every_targeted_shape_has_focus_nodes(kg: Graph, shapes: Graph) -> None:
    from pyshacl.shapes_graph import ShapesGraph

    graph = ShapesGraph(shapes)
    empty = []
    for shape in graph.shapes:
        node = shape.node
        if not isinstance(node, URIRef) or shape.is_property_shape:
            continue
        if (node, VIOLATIONS_ONLY, Literal(True)) in shapes:
            continue
        target = shapes.value(node, SH.targetSubjectsOf)
        if target is not None and (None, RDFS.subPropertyOf, target) in kg:
            continue  # an abstract relation, stated through its sub-properties
        shape.set_advanced(True)
        if not shape.focus_nodes(kg):
            empty.append(str(node))
    assert not empty, f"shapes that select nothing in the real graph: {empty}"


def test_every_message_is_written(shapes: Graph) -> None:
    for shape in shapes.subjects(SH.path, None):
        assert shapes.value(shape, SH.message) is not None, f"{shape} has no sh:message"


def test_report_formats(kg: Graph) -> None:
    report = report_for(INVALID / "fact-without-source.ttl")
    assert not report.conforms
    text = as_text(report)
    assert "Violation" in text and "amyotrophic lateral sclerosis" in text
    assert '"conforms": false' in as_json(report)


def test_shape_generator_are_current() -> None:
    from mndkg.shape_generator import committed_is_current

    assert committed_is_current(), "shapes/generated.ttl is stale: run `make shapes`"


def test_every_relation_has_a_shape(shapes: Graph, kg: Graph) -> None:
    used = {
        p
        for p in kg.predicates()
        if str(p).startswith("https://w3id.org/mndkg/")
        and (p, RDF.type, OWL.AnnotationProperty) not in kg
    }
    shaped = set(shapes.objects(None, URIRef(MNDSH + "relation")))
    labelled = {p for p in used if (p, RDFS.label, None) in kg}
    missing = {p for p in labelled if (p, RDF.type, None) in kg} - shaped
    missing = {p for p in missing if kg.value(p, RDFS.range) is not None}
    assert not missing, f"relations used without a shape: {sorted(missing)}"


SPARQL_TARGET_FIXTURES = (
    "fact-without-source",
    "axiom-of-missing-fact",
    "duplicate-label",
    "relation-wrong-subject",
    "relation-wrong-object",
)


@pytest.mark.parametrize("stem", SPARQL_TARGET_FIXTURES)
def test_targets_answered_by_pyoxigraph_give_pyshacls_own_results(stem: str, shapes: Graph) -> None:
    """Replacing SPARQL targets by the nodes pyoxigraph selects must not change any finding."""
    import pyshacl

    from mndkg.validation import read_results

    data = assemble([INVALID / f"{stem}.ttl"])
    _, results, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )

    def key(f: Finding) -> tuple[str, str, str, str, str]:
        return f.severity, f.focus, f.path, f.value, f.message

    own = sorted(map(key, read_results(results, data, shapes)))
    ours = sorted(map(key, validate(data, shapes).findings))
    assert own == ours
    assert any("mndsh:" in f.shape for f in validate(data, shapes).findings)


def test_resolved_targets_name_blank_node_axioms(shapes: Graph) -> None:
    """An axiom (a blank node) selected by pyoxigraph is the same node pySHACL reports on."""
    from mndkg.store import store_from_graph
    from mndkg.validation import resolve_targets

    data = assemble([INVALID / "axiom-of-missing-fact.ttl"])
    resolved = resolve_targets(shapes, store_from_graph(data))
    nodes = set(resolved.objects(URIRef(MNDSH + "DanglingAxiom"), SH.targetNode))
    assert nodes, "the dangling axiom was not selected"
    assert all((node, RDF.type, OWL.Axiom) in data for node in nodes)
    assert not list(resolved.objects(URIRef(MNDSH + "DanglingAxiom"), SH.target))
