"""HPO enrichment: the annotations of our diseases and genes, with sources, as a separate graph."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDFS

from mndkg.link.hpo import HAS_PHENOTYPE, enrich
from mndkg.queries import run_named
from mndkg.release import assemble
from mndkg.store import open_store

MND = "https://w3id.org/mndkg/"
HP = "http://purl.obolibrary.org/obo/HP_"


@cache
def enrichment() -> Graph:
    return enrich(assemble())


def test_kennedy_disease_gets_its_hpo_annotations() -> None:
    kennedy = URIRef(MND + "KennedysDisease")
    phenotypes = set(enrichment().objects(kennedy, HAS_PHENOTYPE))
    assert URIRef(HP + "0000771") in phenotypes  # gynecomastia, annotated to OMIM:313200


def test_every_annotation_has_its_source() -> None:
    graph = enrichment()
    for axiom in graph.subjects(OWL.annotatedProperty, HAS_PHENOTYPE):
        assert graph.value(axiom, DCTERMS.source) == URIRef(MND + "source/HPOAnnotations")
        assert graph.value(axiom, DCTERMS.identifier) is not None


def test_frequencies_and_onsets_are_kept() -> None:
    graph = enrichment()
    assert any(graph.triples((None, URIRef(MND + "frequency"), None)))
    assert any(graph.triples((None, URIRef(MND + "onset"), None)))


def test_hpo_hierarchy_reaches_the_root() -> None:
    graph = enrichment()
    root = URIRef(HP + "0000001")
    assert graph.value(root, RDFS.label) == Literal("All", lang="en")
    assert (URIRef(HP + "0000707"), RDFS.subClassOf, None) in graph


def test_merged_graph_conforms(tmp_path: Path) -> None:
    from mndkg.validation import validate

    assert validate(assemble() + enrichment()).conforms


@pytest.mark.parametrize(
    "name",
    [
        "hpo-nervous-system-symptoms",
        "hpo-phenotypes-shared-by-als-and-sma",
        "genes-annotated-by-hpo",
    ],
)
def test_cross_ontology_examples_answer(tmp_path: Path, name: str) -> None:
    path = tmp_path / "mndkg-hpo.ttl"
    path.write_text(enrichment().serialize(format="turtle"), encoding="utf-8")
    assert run_named(open_store([path]), name).rows
    assert not run_named(open_store(), name).rows, "without HPO merged there is no answer"
