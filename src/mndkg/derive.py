"""Triples the build derives from the curated ones, so curators write each fact once.

- ``oboInOwl:hasDbXref`` CURIE strings, from the curated ``skos:*Match`` IRIs,
  compressed with the one curated prefix map;
- ``owl:versionIRI`` and ``owl:versionInfo`` on the ontology header, from the
  package version (the single version source);
- the OWL 2 DL declarations of every imported class and property in use
  (``mndkg.declare``), so that every release file passes the OWL 2 DL profile.
"""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from mndkg.paths import BASE, ONTOLOGY_IRI, compress

OBOINOWL = Namespace("http://www.geneontology.org/formats/oboInOwl#")
MAPPING_PREDICATES = (
    SKOS.exactMatch,
    SKOS.closeMatch,
    SKOS.broadMatch,
    SKOS.narrowMatch,
    SKOS.relatedMatch,
)


def package_version() -> str:
    """Return the installed version of mndkg (the one version source: package metadata)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mndkg")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+unknown"


def add_xref_curies(graph: Graph) -> int:
    """Add a ``hasDbXref`` CURIE for every mapping IRI of our entities; return how many.

    Mapping IRIs outside the prefix map get no CURIE; the shapes flag them.
    """
    added = 0
    for predicate in MAPPING_PREDICATES:
        for subject, target in list(graph.subject_objects(predicate)):
            if not (isinstance(subject, URIRef) and str(subject).startswith(BASE)):
                continue
            if (subject, RDF.type, OWL.Class) not in graph:
                continue
            curie = compress(str(target))
            if curie is not None and ":" in curie and not curie.startswith("biolink:"):
                graph.add((subject, OBOINOWL.hasDbXref, Literal(curie)))
                added += 1
    return added


def stamp_version(graph: Graph, version: str | None = None) -> str:
    """Set ``owl:versionInfo`` and a versioned ``owl:versionIRI`` on the ontology header."""
    version = version or package_version()
    ontology = URIRef(ONTOLOGY_IRI)
    graph.set((ontology, OWL.versionInfo, Literal(version)))
    graph.set((ontology, OWL.versionIRI, URIRef(f"{BASE}releases/{version}/mndkg.owl")))
    return version


def prepare(graph: Graph, version: str | None = None) -> Graph:
    """Add every derived triple to ``graph`` in place and return it.

    Raises ``ValidationFailed`` when no declaration can make the graph OWL 2 DL
    (an IRI used as two kinds of property, a literal on an object property).
    """
    from mndkg.declare import add_declarations, conflicts
    from mndkg.errors import ValidationFailed

    add_xref_curies(graph)
    stamp_version(graph, version)
    add_declarations(graph)  # last: the xrefs above use oboInOwl:hasDbXref
    problems = conflicts(graph)
    if problems:
        raise ValidationFailed("the ontology cannot be OWL 2 DL:\n" + "\n".join(problems))
    return graph
