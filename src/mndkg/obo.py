"""Read an OBO file (e.g. the whole ``hp.obo``) as RDF, so ``--with`` can merge it.

pronto parses the file; each term becomes an OWL class with the OBO-to-OWL
mapping's usual annotations: label, definition (IAO:0000115), synonyms by scope
(oboInOwl), database cross-references, ``owl:deprecated`` for obsolete terms and
``rdfs:subClassOf`` for its direct ``is_a`` parents. Relationships other than
``is_a`` are left out.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from mndkg.errors import InputError

OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OBOINOWL = "http://www.geneontology.org/formats/oboInOwl#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DEFINITION = ox.NamedNode("http://purl.obolibrary.org/obo/IAO_0000115")
SCOPES = {
    "EXACT": "hasExactSynonym",
    "RELATED": "hasRelatedSynonym",
    "BROAD": "hasBroadSynonym",
    "NARROW": "hasNarrowSynonym",
}


def term_iri(identifier: str) -> ox.NamedNode:
    """Return the IRI of an OBO identifier: the prefix map's, else the OBO PURL."""
    from mndkg.paths import converter

    expanded = converter().expand(identifier) if ":" in identifier else None
    if expanded is None:
        expanded = "http://purl.obolibrary.org/obo/" + identifier.replace(":", "_", 1)
    return ox.NamedNode(expanded)


def term_triples(term: object) -> list[ox.Triple]:
    """Return the triples of one pronto term."""
    node = term_iri(term.id)  # type: ignore[attr-defined]
    out = [ox.Triple(node, RDF_TYPE, ox.NamedNode(OWL + "Class"))]
    if term.name:  # type: ignore[attr-defined]
        out.append(
            ox.Triple(node, ox.NamedNode(RDFS + "label"), ox.Literal(term.name, language="en"))
        )  # type: ignore[attr-defined]
    if term.definition:  # type: ignore[attr-defined]
        out.append(ox.Triple(node, DEFINITION, ox.Literal(str(term.definition), language="en")))  # type: ignore[attr-defined]
    for synonym in term.synonyms:  # type: ignore[attr-defined]
        predicate = ox.NamedNode(OBOINOWL + SCOPES.get(synonym.scope, "hasRelatedSynonym"))
        out.append(ox.Triple(node, predicate, ox.Literal(synonym.description, language="en")))
    for xref in term.xrefs:  # type: ignore[attr-defined]
        out.append(ox.Triple(node, ox.NamedNode(OBOINOWL + "hasDbXref"), ox.Literal(xref.id)))
    if term.obsolete:  # type: ignore[attr-defined]
        out.append(ox.Triple(node, ox.NamedNode(OWL + "deprecated"), ox.Literal(True)))
    for parent in term.superclasses(distance=1, with_self=False):  # type: ignore[attr-defined]
        out.append(ox.Triple(node, ox.NamedNode(RDFS + "subClassOf"), term_iri(parent.id)))
    return out


def read(path: Path) -> list[ox.Triple]:
    """Return the triples of an OBO file, or raise an ``InputError`` naming it."""
    import warnings

    import pronto

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ontology = pronto.Ontology(str(path))
    except (SyntaxError, ValueError) as err:
        line = getattr(err, "lineno", None)
        raise InputError(f"cannot parse OBO: {err}", path, line) from err
    return [t for term in ontology.terms() for t in term_triples(term)]
