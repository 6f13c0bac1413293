"""Derive one SHACL shape per relation from the model's rdfs:domain and rdfs:range.

The model is the one place where a relation's subject and object kinds are
declared; ``shapes/relations.ttl`` is generated from it (``make shapes``) so the
two never drift apart, and a test fails when the committed file is stale.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from mndkg.paths import BASE

SH = Namespace("http://www.w3.org/ns/shacl#")
MNDSH = Namespace(BASE + "shapes/")
MND = Namespace(BASE)

HEADER = """# Generated from the rdfs:domain and rdfs:range of the relations in ontology/
# by `make shapes` (scripts/make_relation_shapes.py); do not edit by hand.
"""


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


def relation_shape(model: Graph, graph: Graph, prop: URIRef) -> None:
    """Add the shape of one relation: its subjects' kind and its objects' kind or datatype."""
    domain, rng = model.value(prop, RDFS.domain), model.value(prop, RDFS.range)
    if domain is None or rng is None:
        return
    name = label(model, prop)
    shape = MNDSH["relation-" + str(prop).rsplit("/", 1)[-1]]
    graph.add((shape, RDF.type, SH.NodeShape))
    graph.add((shape, RDFS.label, Literal(f"relation: {name}", lang="en")))
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


def build(model: Graph) -> Graph:
    """Return the shapes graph for every directly asserted relation of ``model``."""
    graph = Graph()
    graph.bind("sh", SH)
    graph.bind("mnd", MND)
    graph.bind("mndsh", MNDSH)
    inverses = set(model.objects(None, OWL.inverseOf))
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in sorted(model.subjects(RDF.type, kind)):
            if isinstance(prop, URIRef) and str(prop).startswith(BASE) and prop not in inverses:
                relation_shape(model, graph, prop)
    return graph


def render(model: Graph) -> str:
    """Return the text of ``shapes/relations.ttl`` for ``model``."""
    return HEADER + build(model).serialize(format="longturtle")


def committed_is_current() -> bool:
    """Return whether the committed ``shapes/relations.ttl`` matches the model."""
    from rdflib.compare import isomorphic

    from mndkg.loader import load_files
    from mndkg.paths import data_dir, turtle_files

    model = load_files(turtle_files("ontology"))
    committed = load_files([data_dir("shapes") / "relations.ttl"])
    return isomorphic(build(model), committed)
