"""OBO files merge like RDF ones (``--with hp.obo``): terms, hierarchy, synonyms, obsoletes."""

from __future__ import annotations

from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDFS

from mndkg.loader import load_files, load_store
from mndkg.queries import run
from tests.conftest import DATA, Runner

HP = "http://purl.obolibrary.org/obo/HP_"
OBOINOWL = "http://www.geneontology.org/formats/oboInOwl#"


def test_obo_terms_become_owl_classes() -> None:
    graph = load_files([DATA / "mini.obo"])
    weakness = URIRef(HP + "0001324")
    assert graph.value(weakness, RDFS.label) == Literal("Muscle weakness", lang="en")
    assert (weakness, RDFS.subClassOf, URIRef(HP + "0000118")) in graph
    assert (
        weakness,
        URIRef(OBOINOWL + "hasExactSynonym"),
        Literal("Muscular weakness", lang="en"),
    ) in graph
    assert (URIRef(HP + "9999998"), OWL.deprecated, Literal(True)) in graph


def test_obo_merges_into_the_store() -> None:
    store = load_store([DATA / "mini.obo"])
    text = """PREFIX mnd: <https://w3id.org/mndkg/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?label WHERE { mnd:MuscleWeakness skos:exactMatch ?hp .
                              ?hp rdfs:subClassOf <http://purl.obolibrary.org/obo/HP_0000118> ;
                                  rdfs:label ?label }"""
    assert run(store, text).values() == ["Muscle weakness"]


def test_broken_obo_is_a_clean_error(mndkg_cli: Runner, tmp_path: Path) -> None:
    done = mndkg_cli("query", "--with", str(DATA / "broken.obo"), "cq01-kinds-of-mnd")
    assert done.returncode == 2
    assert "broken.obo" in done.stderr and "Traceback" not in done.stderr
