"""The knowledge graph as a networkx graph of entities and facts, for drawing and analysis.

RDF is the right shape for storing and querying the facts, but a picture needs
plain nodes and edges: one node per entity class (with its kind, names,
definition and cross-references) and one edge per sourced fact (with the
relation's plain-language label and the sources that state it). The disease
hierarchy (``rdfs:subClassOf`` between entities) becomes "is a kind of" edges,
so a reader sees it beside the clinical facts. Everything is read from the
graph: this module knows the vocabulary, not the facts.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from mndkg.errors import InputError
from mndkg.paths import BASE, compress

MND = Namespace(BASE)
OBO = Namespace("http://purl.obolibrary.org/obo/")
OBOINOWL = Namespace("http://www.geneontology.org/formats/oboInOwl#")
DEFINITION = OBO.IAO_0000115
SYNONYMS = (OBOINOWL.hasExactSynonym, OBOINOWL.hasRelatedSynonym)

#: The relation key and plain label of the hierarchy edges (``rdfs:subClassOf``).
HIERARCHY = "subClassOf"
HIERARCHY_LABEL = "is a kind of"


@dataclass(frozen=True)
class Kind:
    """A kind class (one carrying ``mnd:biolinkCategory``) and where it sits among kinds."""

    key: str
    label: str
    parent: str | None = None


@dataclass(frozen=True)
class Relation:
    """A relation that can label an edge: a clinical relation, or the hierarchy."""

    key: str
    label: str
    predicate: str
    hierarchy: bool = False


@dataclass
class Catalogue:
    """What the graph's metadata (``net.graph``) holds beside nodes and edges."""

    kinds: dict[str, Kind] = field(default_factory=dict)
    relations: dict[str, Relation] = field(default_factory=dict)
    sources: dict[str, dict[str, str]] = field(default_factory=dict)


def curie(iri: URIRef | str) -> str:
    """Return the CURIE of an IRI with the curated prefix map, or the IRI itself."""
    return compress(str(iri)) or str(iri)


def local_name(iri: URIRef | str) -> str:
    """Return the last segment of an IRI (``.../NeuronType`` -> ``NeuronType``)."""
    return re.split(r"[/#]", str(iri))[-1]


def text(graph: Graph, subject: URIRef, predicate: URIRef) -> str:
    """Return one literal value (English preferred) as a string, or ``""``."""
    values = [o for o in graph.objects(subject, predicate) if isinstance(o, Literal)]
    english = [v for v in values if v.language in (None, "en")]
    chosen = sorted(english or values, key=str)
    return str(chosen[0]) if chosen else ""


def norm(name: str) -> str:
    """Normalise a kind or relation name so "neuron type", "NeuronType" and "neuron-type" match."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def find_kinds(graph: Graph) -> dict[URIRef, Kind]:
    """Return every kind class with its label and its nearest kind ancestor (Drug -> Treatment)."""
    classes = {c for c in graph.subjects(MND.biolinkCategory, None) if isinstance(c, URIRef)}
    classes.discard(MND.Source)  # sources are individuals, not entity classes
    kinds = {}
    for cls in sorted(classes, key=str):
        parent = nearest(graph, cls, classes, include_self=False)
        kinds[cls] = Kind(
            key=local_name(cls),
            label=text(graph, cls, RDFS.label) or local_name(cls),
            parent=local_name(parent) if parent is not None else None,
        )
    return kinds


def nearest(
    graph: Graph, cls: URIRef, targets: set[URIRef], *, include_self: bool = True
) -> URIRef | None:
    """Return the target class nearest above ``cls`` by ``rdfs:subClassOf`` (breadth first)."""
    frontier, seen = [cls], {cls}
    first = True
    while frontier:
        found = sorted(c for c in frontier if c in targets and (include_self or not first))
        if found:
            return found[0]
        first = False
        parents = {p for c in frontier for p in graph.objects(c, RDFS.subClassOf)}
        frontier = [p for p in parents if isinstance(p, URIRef) and p not in seen]
        seen.update(frontier)
    return None


def entity_attrs(graph: Graph, iri: URIRef, kind: Kind) -> dict[str, object]:
    """Return the node attributes of one entity: kind, names, definition, synonyms, xrefs."""
    synonyms = {str(o) for p in SYNONYMS for o in graph.objects(iri, p)}
    xrefs = {str(o) for o in graph.objects(iri, OBOINOWL.hasDbXref)}
    label = text(graph, iri, RDFS.label) or local_name(iri)
    return {
        "iri": str(iri),
        "kind": kind.key,
        "kind_label": kind.label,
        "label": label,
        "plain_label": text(graph, iri, MND.plainLabel),
        "definition": text(graph, iri, DEFINITION),
        "synonyms": sorted(synonyms - {label}),
        "xrefs": sorted(xrefs),
    }


def entities(graph: Graph, kinds: dict[URIRef, Kind]) -> dict[URIRef, Kind]:
    """Return every entity class of the graph (an mndkg class under a kind) with its kind."""
    targets = set(kinds)
    found = {}
    for cls in set(graph.subjects(RDFS.subClassOf, None)):
        if not isinstance(cls, URIRef) or not str(cls).startswith(BASE) or cls in targets:
            continue
        kind = nearest(graph, cls, targets)
        if kind is not None:
            found[cls] = kinds[kind]
    return found


def clinical_relations(graph: Graph) -> dict[URIRef, Relation]:
    """Return every relation under ``mnd:clinicalRelation`` (at any depth), with its label."""
    props = set(graph.transitive_subjects(RDFS.subPropertyOf, MND.clinicalRelation))
    props.discard(MND.clinicalRelation)
    return {
        p: Relation(local_name(p), text(graph, p, RDFS.label) or local_name(p), curie(p))
        for p in sorted(props, key=str)
        if isinstance(p, URIRef)
    }


def fact_sources(graph: Graph) -> dict[tuple[object, object, object], list[str]]:
    """Index the sources of every annotated fact: (subject, property, target) -> source ids."""
    index: dict[tuple[object, object, object], set[str]] = defaultdict(set)
    for axiom in graph.subjects(RDF.type, OWL.Axiom):
        key = (
            graph.value(axiom, OWL.annotatedSource),
            graph.value(axiom, OWL.annotatedProperty),
            graph.value(axiom, OWL.annotatedTarget),
        )
        index[key].update(curie(s) for s in graph.objects(axiom, DCTERMS.source))
    return {key: sorted(ids) for key, ids in index.items()}


def source_records(graph: Graph) -> dict[str, dict[str, str]]:
    """Return every bibliographic source by CURIE: label, title, identifier and web page."""
    return {
        curie(src): {
            "label": text(graph, src, RDFS.label),
            "title": text(graph, src, DCTERMS.title),
            "identifier": text(graph, src, DCTERMS.identifier),
            "url": str(graph.value(src, RDFS.seeAlso) or ""),
        }
        for src in sorted(graph.subjects(RDF.type, MND.Source), key=str)
        if isinstance(src, URIRef)
    }


def build_network(graph: Graph) -> nx.MultiDiGraph:
    """Turn the RDF graph into a MultiDiGraph of entities (nodes) and sourced facts (edges).

    Node ids are CURIEs (``mnd:ALS1``); ``net.graph["catalogue"]`` holds the kinds,
    relations and sources, so a drawing can build its legend and filters from it.
    """
    kinds = find_kinds(graph)
    members = entities(graph, kinds)
    relations = clinical_relations(graph)
    hierarchy = Relation(HIERARCHY, HIERARCHY_LABEL, "rdfs:subClassOf", hierarchy=True)
    net = nx.MultiDiGraph(
        catalogue=Catalogue(
            kinds={k.key: k for k in kinds.values()},
            relations={r.key: r for r in [hierarchy, *relations.values()]},
            sources=source_records(graph),
        )
    )
    # Nodes and edges go in sorted: rdflib hands out terms in hash order, which changes
    # from one process to the next, and the exports should not.
    for iri, kind in sorted(members.items(), key=lambda item: str(item[0])):
        net.add_node(curie(iri), **entity_attrs(graph, iri, kind))
    sources = fact_sources(graph)
    for prop, relation in [(RDFS.subClassOf, hierarchy), *relations.items()]:
        add_edges(net, graph, prop, relation, members, sources)
    return net


def add_edges(
    net: nx.MultiDiGraph,
    graph: Graph,
    prop: URIRef,
    relation: Relation,
    members: dict[URIRef, Kind],
    sources: dict[tuple[object, object, object], list[str]],
) -> None:
    """Add one edge per triple of ``prop`` between two entities, keyed by the relation."""
    for subject, target in sorted(
        graph.subject_objects(prop), key=lambda so: (str(so[0]), str(so[1]))
    ):
        if subject in members and target in members:
            net.add_edge(
                curie(subject),
                curie(target),
                key=relation.key,
                relation=relation.key,
                predicate=relation.predicate,
                label=relation.label,
                hierarchy=relation.hierarchy,
                sources=sources.get((subject, prop, target), []),
            )


def catalogue(net: nx.MultiDiGraph) -> Catalogue:
    """Return the kinds, relations and sources that ``build_network`` stored on the graph."""
    found: Catalogue = net.graph.get("catalogue", Catalogue())
    return found


def names_index(net: nx.MultiDiGraph) -> dict[str, str]:
    """Map every lower-cased id, IRI, label, plain label and synonym to its node id."""
    index: dict[str, str] = {}
    for node, data in sorted(net.nodes(data=True)):
        names = [data.get("label", ""), data.get("plain_label", ""), *data.get("synonyms", [])]
        for name in [node, data.get("iri", ""), *names]:
            if name:
                index.setdefault(name.casefold(), node)
    for node in net:  # an id or a label always wins over another node's synonym
        index[node.casefold()] = node
        index[net.nodes[node].get("label", node).casefold()] = node
    return index


def resolve_node(net: nx.MultiDiGraph, label_or_id: str) -> str:
    """Return the node named by an id, IRI, label or synonym; else an error with close matches."""
    index = names_index(net)
    node = index.get(label_or_id.strip().casefold())
    if node is not None:
        return node
    close = difflib.get_close_matches(label_or_id.casefold(), list(index), n=5, cutoff=0.5)
    labels = list(dict.fromkeys(net.nodes[index[c]].get("label", index[c]) for c in close))
    hint = f"; did you mean: {', '.join(repr(n) for n in labels)}?" if labels else ""
    raise InputError(f"no entity named {label_or_id!r} in the graph{hint}")


def focus_subgraph(net: nx.MultiDiGraph, label_or_id: str, depth: int = 1) -> nx.MultiDiGraph:
    """Return the entities within ``depth`` steps of one entity (either way), and their facts."""
    if depth < 0:
        raise InputError(f"depth must be 0 or more, not {depth}")
    centre = resolve_node(net, label_or_id)
    reach = nx.single_source_shortest_path_length(net.to_undirected(as_view=True), centre, depth)
    sub: nx.MultiDiGraph = net.subgraph(reach).copy()
    sub.graph["focus"] = centre
    sub.graph["depth"] = depth
    return sub


def match_names(wanted: Iterable[str], known: dict[str, str], what: str) -> set[str]:
    """Return the keys named in ``wanted`` (by key or label, loosely); unknown names are errors."""
    lookup = {norm(name): key for key, label in known.items() for name in (key, label)}
    chosen, unknown = set(), []
    for name in wanted:
        key = lookup.get(norm(name))
        if key is None:
            unknown.append(name)
        else:
            chosen.add(key)
    if unknown:
        listing = ", ".join(sorted(known.values()))
        raise InputError(f"unknown {what} {', '.join(map(repr, unknown))}; known: {listing}")
    return chosen


def kinds_below(cat: Catalogue, chosen: set[str]) -> set[str]:
    """Add the sub-kinds of the chosen kinds, so "treatment" keeps drugs and therapies."""
    result = set(chosen)
    changed = True
    while changed:
        extra = {k.key for k in cat.kinds.values() if k.parent in result} - result
        result |= extra
        changed = bool(extra)
    return result


def filter_network(
    net: nx.MultiDiGraph,
    kinds: Iterable[str] | None = None,
    relations: Iterable[str] | None = None,
) -> nx.MultiDiGraph:
    """Keep only the entities of some kinds and the facts of some relations (by name).

    Naming relations drops the entities left without any fact, so
    ``relations=["has symptom"]`` shows diseases and their symptoms only.
    """
    cat = catalogue(net)
    kept: nx.MultiDiGraph = net.copy()
    if kinds:
        keep = kinds_below(cat, match_names(kinds, kind_names(cat), "kind"))
        kept.remove_nodes_from([n for n, k in net.nodes(data="kind") if k not in keep])
    if relations:
        keep = match_names(relations, {r.key: r.label for r in cat.relations.values()}, "relation")
        kept.remove_edges_from([e for e in kept.edges(keys=True) if e[2] not in keep])
        kept.remove_nodes_from([n for n in list(kept) if kept.degree(n) == 0])
    return kept


def kind_names(cat: Catalogue) -> dict[str, str]:
    """Return kind key -> label, for matching names given on the command line."""
    return {k.key: k.label for k in cat.kinds.values()}
