"""OWL 2 DL declarations, generated from how each IRI is used, so every release file is DL.

OWL 2 DL wants every class and property declared (the OWL API's ``OWL2DLProfile``,
which ROBOT's ``validate-profile`` runs, reports each undeclared one). Curators
declare our own terms; the imported ones (IAO, oboInOwl, SKOS, Dublin Core, RO,
BFO, Biolink) are declared here at build time, from their use:

- a property that is a sub-, super- or equivalent property of a declared one gets
  that property's type (RO, BFO and Biolink parents of our relations become object
  properties); both ends of ``owl:inverseOf`` are object properties; an
  ``owl:onProperty`` is an object property, or a data property when the restriction's
  filler is a literal or a datatype;
- every other property in use (``IAO:0000115``, ``oboInOwl:hasExactSynonym``,
  ``skos:exactMatch`` between classes, as in MONDO, ``dcterms:*``) is an annotation
  property;
- the objects of ``rdf:type`` (``dcterms:BibliographicResource``), both ends of
  ``rdfs:subClassOf``, ``owl:equivalentClass`` and ``owl:disjointWith``, the members of
  class expressions and the domains and ranges of object properties are classes;
- the ranges of data properties, and the datatypes of their values, are datatypes.

The RDF, RDFS, OWL and XSD vocabularies are built in and never declared; blank
nodes never are. ``conflicts`` lists what no declaration can make DL (an IRI that
is two kinds of property, a literal on an object property); ``prepare`` refuses
such a graph.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

#: The vocabularies OWL 2 builds in: their terms are never declared.
BUILTIN = (str(RDF), str(RDFS), str(OWL), str(XSD))
PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
#: What a declaration says an IRI is.
KINDS = (OWL.Class, RDFS.Datatype, *PROPERTY_KINDS)
#: Property characteristics only object properties have (owl:FunctionalProperty is both).
OBJECT_CHARACTERISTICS = (
    OWL.TransitiveProperty,
    OWL.SymmetricProperty,
    OWL.AsymmetricProperty,
    OWL.ReflexiveProperty,
    OWL.IrreflexiveProperty,
    OWL.InverseFunctionalProperty,
)
#: Predicates whose subject and object are both classes.
CLASS_PAIRS = (RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith)
#: Predicates whose object is a list of classes.
CLASS_LISTS = (OWL.intersectionOf, OWL.unionOf, OWL.disjointUnionOf)
FILLERS = (OWL.someValuesFrom, OWL.allValuesFrom, OWL.onClass, OWL.onDataRange)
#: Predicates whose subject and object are properties of one kind.
PROPERTY_PAIRS = (RDFS.subPropertyOf, OWL.equivalentProperty)


def is_builtin(term: object) -> bool:
    """Tell whether ``term`` is in a vocabulary OWL 2 builds in (or is no IRI at all)."""
    return not isinstance(term, URIRef) or str(term).startswith(BUILTIN)


DECLARED = frozenset(str(kind) for kind in KINDS)


def is_declaration(triple: ox.Triple) -> bool:
    """Tell whether a triple declares what an IRI is (``rdf:type owl:Class`` and the like)."""
    return (
        isinstance(triple.subject, ox.NamedNode)
        and triple.predicate.value == str(RDF.type)
        and isinstance(triple.object, ox.NamedNode)
        and triple.object.value in DECLARED
    )


def declared_kinds(graph: Graph) -> dict[URIRef, set[URIRef]]:
    """Return what each IRI is declared to be (an object property characteristic counts)."""
    kinds: dict[URIRef, set[URIRef]] = {}
    for kind in KINDS:
        for subject in graph.subjects(RDF.type, kind):
            if isinstance(subject, URIRef):
                kinds.setdefault(subject, set()).add(kind)
    for characteristic in OBJECT_CHARACTERISTICS:
        for subject in graph.subjects(RDF.type, characteristic):
            if isinstance(subject, URIRef):
                kinds.setdefault(subject, set()).add(OWL.ObjectProperty)
    return kinds


def property_kind(kinds: set[URIRef]) -> URIRef | None:
    """Return the one property kind in ``kinds``, or None (none, or a conflict)."""
    found = [kind for kind in PROPERTY_KINDS if kind in kinds]
    return found[0] if len(found) == 1 else None


def members(graph: Graph, node: object) -> list[object]:
    """Return the members of an RDF list (empty when ``node`` is not one)."""
    if not isinstance(node, BNode):
        return []
    return list(Collection(graph, node))


def infer_kinds(graph: Graph) -> dict[URIRef, URIRef]:
    """Return the kind every undeclared, non-built-in IRI in use must be declared as."""
    declared = declared_kinds(graph)
    found: dict[URIRef, URIRef] = {}

    def known(term: URIRef) -> URIRef | None:
        return found.get(term) or property_kind(declared.get(term, set()))

    def want(term: object, kind: URIRef) -> None:
        if not is_builtin(term) and term not in declared and term not in found:
            found[term] = kind  # type: ignore[index]

    # Properties: what their use in OWL constructs says, then what their neighbours are.
    for a, b in graph.subject_objects(OWL.inverseOf):
        want(a, OWL.ObjectProperty)
        want(b, OWL.ObjectProperty)
    for restriction, prop in graph.subject_objects(OWL.onProperty):
        fillers = [graph.value(restriction, p) for p in (*FILLERS, OWL.hasValue)]
        data = any(
            isinstance(f, Literal) or (isinstance(f, URIRef) and str(f).startswith(str(XSD)))
            for f in fillers
        )
        want(prop, OWL.DatatypeProperty if data else OWL.ObjectProperty)
    edges = [pair for p in PROPERTY_PAIRS for pair in graph.subject_objects(p)]
    changed = True
    while changed:  # spread each known kind along the property hierarchy to a fixpoint
        changed = False
        for a, b in edges:
            for source, target in ((a, b), (b, a)):
                kind = known(source)  # type: ignore[arg-type]
                fresh = target not in declared and target not in found and not is_builtin(target)
                if kind is not None and fresh:
                    found[target] = kind  # type: ignore[index]
                    changed = True
    # Every other property in use, or described as one, is an annotation property.
    for predicate in set(graph.predicates()):
        want(predicate, OWL.AnnotationProperty)
    for a, b in edges:
        want(a, OWL.AnnotationProperty)
        want(b, OWL.AnnotationProperty)
    for p in (RDFS.domain, RDFS.range):
        for subject in graph.subjects(p):
            want(subject, OWL.AnnotationProperty)

    # Classes and datatypes.
    for kind in graph.objects(None, RDF.type):
        want(kind, OWL.Class)
    for p in CLASS_PAIRS:
        for a, b in graph.subject_objects(p):
            want(a, OWL.Class)
            want(b, OWL.Class)
    for p in CLASS_LISTS:
        for node in graph.objects(None, p):
            for member in members(graph, node):
                want(member, OWL.Class)
    for node in graph.objects(None, OWL.complementOf):
        want(node, OWL.Class)
    for restriction, prop in graph.subject_objects(OWL.onProperty):
        kind = known(prop)  # type: ignore[arg-type]
        for p in FILLERS:
            filler = graph.value(restriction, p)
            want(filler, OWL.Class if kind == OWL.ObjectProperty else RDFS.Datatype)
    for prop, domain in graph.subject_objects(RDFS.domain):
        if known(prop) in (OWL.ObjectProperty, OWL.DatatypeProperty):  # type: ignore[arg-type]
            want(domain, OWL.Class)
    for prop, range_ in graph.subject_objects(RDFS.range):
        kind = known(prop)  # type: ignore[arg-type]
        if kind == OWL.ObjectProperty:
            want(range_, OWL.Class)
        elif kind == OWL.DatatypeProperty:
            want(range_, RDFS.Datatype)
    for prop in data_properties(graph, declared, found):
        for value in graph.objects(None, prop):
            if isinstance(value, Literal) and value.datatype is not None:
                want(value.datatype, RDFS.Datatype)
    return found


def data_properties(
    graph: Graph, declared: dict[URIRef, set[URIRef]], found: dict[URIRef, URIRef]
) -> Iterable[URIRef]:
    """Return the data properties, declared or found."""
    yield from (p for p, kinds in declared.items() if OWL.DatatypeProperty in kinds)
    yield from (p for p, kind in found.items() if kind == OWL.DatatypeProperty)


def declarations(graph: Graph) -> list[tuple[URIRef, URIRef, URIRef]]:
    """Return the declaration triples ``graph`` lacks, in a stable order."""
    return sorted((term, RDF.type, kind) for term, kind in infer_kinds(graph).items())


def add_declarations(graph: Graph) -> int:
    """Add the missing declarations to ``graph``; return how many."""
    new = declarations(graph)
    for triple in new:
        graph.add(triple)
    return len(new)


def conflicts(graph: Graph) -> list[str]:
    """Return what keeps a declared graph out of OWL 2 DL whatever is declared, one line each.

    An IRI may be a class and a property (punning), but never two kinds of property
    nor a class and a datatype; an object property takes IRIs, a data property
    literals; what annotates an ``owl:Axiom`` must be an annotation property.
    """
    problems = []
    for term, kinds in sorted(declared_kinds(graph).items()):
        names = sorted(graph.namespace_manager.normalizeUri(k) for k in kinds)
        several = sum(k in kinds for k in PROPERTY_KINDS) > 1
        if several or {OWL.Class, RDFS.Datatype} <= kinds:
            problems.append(f"{term} is declared {' and '.join(names)}")
            continue
        kind = property_kind(kinds)
        if kind == OWL.ObjectProperty:
            for subject, value in graph.subject_objects(term):
                if isinstance(value, Literal):
                    problems.append(f"object property {term} has a literal on {subject}")
        elif kind == OWL.DatatypeProperty:
            for subject, value in graph.subject_objects(term):
                if not isinstance(value, Literal):
                    problems.append(f"data property {term} has {value} on {subject}")
        if kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
            for axiom in graph.subjects(term, None, unique=True):
                if (axiom, RDF.type, OWL.Axiom) in graph:
                    problems.append(f"{term} annotates an owl:Axiom but is not an annotation")
                    break
    return problems
