"""Derive SHACL shapes from the model: one per relation and one per kind class.

The model is the one place where a relation's subject and object kinds are
declared (rdfs:domain, rdfs:range) and where a kind names the standard
vocabulary its members map to (mnd:expectedMapping); ``shapes/generated.ttl``
is generated from it (``make shapes``) so the two never drift apart, and a test
fails when the committed file is stale.
"""

from __future__ import annotations

import re

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from mndkg.paths import BASE

SH = Namespace("http://www.w3.org/ns/shacl#")
MNDSH = Namespace(BASE + "shapes/")
MND = Namespace(BASE)

HEADER = """# Generated from the relations (rdfs:domain, rdfs:range) and the kind classes
# (mnd:expectedMapping) of ontology/ by `make shapes` (scripts/make_shapes.py);
# do not edit by hand.
"""
# Defined classes (with owl:equivalentClass) belong to the model, not to the curated members.
SPARQL_TARGET = (
    "SELECT ?this WHERE {{ ?this rdfs:subClassOf+ <{kind}> . FILTER isIRI(?this) "
    "FILTER NOT EXISTS {{ ?this owl:equivalentClass ?definition }} }}"
)


def label(model: Graph, node: URIRef) -> str:
    """Return the English label of a model term, or its local name."""
    value = model.value(node, RDFS.label)
    return str(value) if value is not None else str(node).rsplit("/", 1)[-1]


def is_kind(model: Graph, cls: URIRef) -> bool:
    """Return whether ``cls`` is a kind class of the model, or one under a kind."""
    return any(
        model.value(c, MND.biolinkCategory) is not None
        for c in model.transitive_objects(cls, RDFS.subClassOf)
    )


def under(graph: Graph, cls: URIRef, message: str) -> BNode:
    """Add and return a node shape: 'its rdfs:subClassOf+ reaches ``cls``'."""
    path, shape, prop = BNode(), BNode(), BNode()
    graph.add((path, SH.oneOrMorePath, RDFS.subClassOf))
    graph.add((shape, RDF.type, SH.NodeShape))
    graph.add((shape, SH.property, prop))
    graph.add((prop, SH.path, path))
    graph.add((prop, SH.hasValue, cls))
    graph.add((prop, SH.message, Literal(message, lang="en")))
    return shape


def violations_only_target(
    graph: Graph, shape: URIRef, prop: URIRef, domain: Node, rng: Node, check_domain: bool
) -> None:
    """Target only the subjects of ``prop`` whose own kind, or a value's kind, is wrong.

    Walking ``rdfs:subClassOf+`` for every subject and value of every relation
    was a third of pySHACL's time; one query selects the few subjects where a
    walk fails (none in a clean graph), and the shape's constraints then report
    on those exactly as before. Relations with a datatype range keep
    ``sh:targetSubjectsOf``: an embedded store normalises datatypes (``xsd:positiveInteger``
    reads back as ``xsd:integer``), so only pySHACL may judge those.
    """
    tests = [f"NOT EXISTS {{ ?value rdfs:subClassOf+ <{rng}> }}"]
    if check_domain:
        tests.insert(0, f"NOT EXISTS {{ ?this rdfs:subClassOf+ <{domain}> }}")
    select = (
        f"SELECT DISTINCT ?this WHERE {{ ?this <{prop}> ?value . FILTER ({' || '.join(tests)}) }}"
    )
    target = BNode()
    graph.add((shape, SH.target, target))
    graph.add((target, RDF.type, SH.SPARQLTarget))
    graph.add((target, SH.prefixes, MNDSH[""]))
    graph.add((target, SH.select, Literal(select)))
    graph.add((shape, MNDSH.targetsViolationsOnly, Literal(True)))


def relation_shape(model: Graph, graph: Graph, prop: URIRef) -> None:
    """Add the shape of one relation: its subjects' kind and its objects' kind or datatype."""
    domain, rng = model.value(prop, RDFS.domain), model.value(prop, RDFS.range)
    if domain is None or rng is None:
        return
    name = label(model, prop)
    shape = MNDSH["relation-" + str(prop).rsplit("/", 1)[-1]]
    graph.add((shape, RDF.type, SH.NodeShape))
    graph.add((shape, RDFS.label, Literal(f"relation: {name}", lang="en")))
    graph.add((shape, MNDSH.relation, prop))
    object_kind = isinstance(rng, URIRef) and is_kind(model, rng)
    if object_kind:
        violations_only_target(graph, shape, prop, domain, rng, is_kind(model, domain))
    else:
        graph.add((shape, SH.targetSubjectsOf, prop))
    if isinstance(domain, URIRef) and is_kind(model, domain):
        message = f"Only a {label(model, domain)} can be the subject of '{name}'."
        graph.add((shape, SH.node, under(graph, domain, message)))
        graph.add((shape, SH.message, Literal(message, lang="en")))
    values = BNode()
    graph.add((shape, SH.property, values))
    graph.add((values, SH.path, prop))
    if isinstance(rng, URIRef) and str(rng).startswith(str(XSD)):
        graph.add((values, SH.datatype, rng))
        what = f"a literal of type xsd:{str(rng).rsplit('#', 1)[-1]}"
    elif isinstance(rng, URIRef) and is_kind(model, rng):
        what = f"a {label(model, rng)} (a class under {label(model, rng)})"
        graph.add((values, SH.node, under(graph, rng, f"The value of '{name}' must be {what}.")))
    else:
        return
    graph.add((values, SH.message, Literal(f"The value of '{name}' must be {what}.", lang="en")))


def kind_shape(model: Graph, graph: Graph, kind: URIRef) -> None:
    """Add the shape of one kind: its members should map to the kind's expected vocabulary."""
    from mndkg.paths import context

    prefix = str(model.value(kind, MND.expectedMapping))
    name = label(model, kind)
    target, prop, path, qualified = BNode(), BNode(), BNode(), BNode()
    shape = MNDSH["kind-" + str(kind).rsplit("/", 1)[-1]]
    graph.add((shape, RDF.type, SH.NodeShape))
    graph.add((shape, RDFS.label, Literal(f"kind: {name}", lang="en")))
    graph.add((shape, SH.target, target))
    graph.add((target, RDF.type, SH.SPARQLTarget))
    graph.add((target, SH.prefixes, MNDSH[""]))
    graph.add((target, SH.select, Literal(SPARQL_TARGET.format(kind=kind))))
    graph.add((shape, SH.property, prop))
    Collection(graph, path, [SKOS.exactMatch, SKOS.closeMatch])
    alternative = BNode()
    graph.add((alternative, SH.alternativePath, path))
    graph.add((prop, SH.path, alternative))
    graph.add((prop, SH.qualifiedValueShape, qualified))
    graph.add((qualified, SH.pattern, Literal("^" + re.escape(context()[prefix]))))
    graph.add((prop, SH.qualifiedMinCount, Literal(1)))
    graph.add((prop, SH.severity, SH.Warning))
    graph.add(
        (
            prop,
            SH.message,
            Literal(
                f"A {name} should map to {prefix} (skos:exactMatch or skos:closeMatch), so that "
                "the graph merges with the standard ontologies; a missing mapping is a gap to "
                "record.",
                lang="en",
            ),
        )
    )


def build(model: Graph) -> Graph:
    """Return the shapes graph for every directly asserted relation and every kind."""
    graph = Graph()
    graph.bind("sh", SH)
    graph.bind("mnd", MND)
    graph.bind("mndsh", MNDSH)
    inverses = set(model.objects(None, OWL.inverseOf))
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in sorted(model.subjects(RDF.type, kind)):
            if isinstance(prop, URIRef) and str(prop).startswith(BASE) and prop not in inverses:
                relation_shape(model, graph, prop)
    for kind in sorted(model.subjects(MND.expectedMapping, None)):
        if isinstance(kind, URIRef):
            kind_shape(model, graph, kind)
    return graph


def render(model: Graph) -> str:
    """Return the text of ``shapes/generated.ttl`` for ``model``."""
    return HEADER + build(model).serialize(format="longturtle")


def committed_is_current() -> bool:
    """Return whether the committed ``shapes/generated.ttl`` matches the model."""
    from rdflib.compare import isomorphic

    from mndkg.loader import load_files
    from mndkg.paths import data_dir, turtle_files

    model = load_files(turtle_files("ontology"))
    committed = load_files([data_dir("shapes") / "generated.ttl"])
    return isomorphic(build(model), committed)
